/* bss_client_call: target building, retries with exponential backoff and
 * full jitter, Retry-After, deadlines, answer classification, and the IAM
 * domain-id discovery.
 *
 * Retried (idempotent operations only, within max_attempts and the
 * deadline): HTTP 429, 500, 502, 503, 504, throttling codes in any answer,
 * connection failures, resets, timeouts, truncated and unparsable answers.
 * A non-idempotent operation is sent once; err->outcome_unknown is set when
 * it may have reached the server without a usable answer (transport error
 * after the request was sent, 502/504, or an unparsable 2xx answer). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bssfs/clock.h"
#include "bssfs/jsonx.h"
#include "bssfs/log.h"
#include "bssfs/sign.h"
#include "client_internal.h"

static __thread uint64_t rng_state;

static uint64_t rng_next(void)
{
	if (rng_state == 0)
		rng_state = ((uint64_t)bss_mono_ms() * 0x9E3779B97F4A7C15ull) ^
			    (uint64_t)(uintptr_t)&rng_state ^ 1u;
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static int append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		while (nc < *len + n + 1)
			nc *= 2;
		char *nb = realloc(*buf, nc);
		if (!nb)
			return -ENOMEM;
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

static int append_enc(char **buf, size_t *len, size_t *cap, const char *s)
{
	char *e = bss_sign_encode(s, strlen(s));
	if (!e)
		return -ENOMEM;
	int rc = append(buf, len, cap, e, strlen(e));
	free(e);
	return rc;
}

int bss_build_target(struct bss_client *c, const struct bss_op *op, const struct bss_request *req,
		     char **path_out, char **query_out, struct bss_error *err)
{
	char *p = NULL, *q = NULL;
	size_t pl = 0, pc = 0, ql = 0, qc = 0;
	int rc = append(&p, &pl, &pc, "", 0);
	for (const char *t = op->path; rc == 0 && *t;) {
		if (*t != '{') {
			size_t n = strcspn(t, "{");
			rc = append(&p, &pl, &pc, t, n);
			t += n;
			continue;
		}
		const char *end = strchr(t, '}');
		if (!end) {
			rc = -EINVAL;
			break;
		}
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)(end - t - 1), t + 1);
		const char *val = NULL;
		if (strcmp(name, "domain_id") == 0)
			val = bss_client_domain_peek(c);
		for (size_t i = 0; !val && req && i < req->n_path_params; i++)
			if (req->path_params[i].name && strcmp(req->path_params[i].name, name) == 0)
				val = req->path_params[i].value;
		if (!val || !*val) {
			bss_error_set(err, 0, "BSSFS.MISSING_PARAM", "path parameter %s missing",
				      name);
			rc = -EINVAL;
			break;
		}
		rc = append_enc(&p, &pl, &pc, val);
		t = end + 1;
	}
	for (size_t i = 0; rc == 0 && req && i < req->n_query; i++) {
		const struct bss_kv *kv = &req->query[i];
		if (!kv->name || !kv->value)
			continue;
		if (ql > 0)
			rc = append(&q, &ql, &qc, "&", 1);
		if (rc == 0)
			rc = append_enc(&q, &ql, &qc, kv->name);
		if (rc == 0)
			rc = append(&q, &ql, &qc, "=", 1);
		if (rc == 0)
			rc = append_enc(&q, &ql, &qc, kv->value);
	}
	if (rc < 0) {
		if (rc == -ENOMEM)
			bss_error_set(err, 0, "BSSFS.NOMEM", "out of memory");
		free(p);
		free(q);
		return rc;
	}
	*path_out = p;
	*query_out = q;
	return 0;
}

static bool retryable_curl(int cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
		return true;
	default:
		return false;
	}
}

static bool throttle_code(const char *code)
{
	return strcmp(code, "APIG.0308") == 0 || strcmp(code, "APIGW.0308") == 0 ||
	       strcmp(code, "CBC.0250") == 0;
}

enum verdict { V_OK, V_FAIL, V_RETRY };

/* Replaces every occurrence of secret in s by "***" (in place). A gateway's
 * "verify aksk signature fail" message may echo the canonical request,
 * which holds the X-Security-Token value. */
static void scrub(char *s, const char *secret)
{
	size_t sl = secret ? strlen(secret) : 0;
	if (sl < 4)
		return;
	char *p;
	while ((p = strstr(s, secret))) {
		memcpy(p, "***", 3);
		memmove(p + 3, p + sl, strlen(p + sl) + 1);
	}
}

static void scrub_error(const struct bss_client *c, struct bss_error *err)
{
	scrub(err->message, c->sk);
	scrub(err->message, c->security_token);
	scrub(err->code, c->sk);
	scrub(err->code, c->security_token);
}

/* A strict JSON scanner for raw answers: validates like bss_json_parse
 * (JSON with json-c's leniencies: ' quotes, raw control characters,
 * NaN/Infinity, some leading zeros; no trailing data, UTF-8
 * lead/continuation bytes, integers within 64 bits, nesting depth; the
 * unit test test_scanner_agrees compares both) without building a tree, and
 * reads the top-level total, the length of the records array and whether
 * error_code announces an error.  A page of 1000 wide records is ~1.4 MB
 * of text but ~10 MB as a json-c tree: workers must not hold trees. */
#define SCAN_MAX_DEPTH 64

struct scan {
	const char *p, *end;
};

struct scan_val {
	char type; /* 'o' object, 'a' array, 's' string, 'i' integer, 'n' other number, 'l' literal
		    */
	size_t count;	 /* array elements */
	int64_t iv;	 /* integer value, clamped to int64 */
	const char *str; /* string contents, escapes not undone */
	size_t len;
};

static void scan_ws(struct scan *sc)
{
	while (sc->p < sc->end &&
	       (*sc->p == ' ' || *sc->p == '\n' || *sc->p == '\r' || *sc->p == '\t'))
		sc->p++;
}

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static bool is_digit(const struct scan *sc)
{
	return sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9';
}

/* A string quoted with " or, as json-c takes it, ' */
static int scan_string(struct scan *sc, struct scan_val *v)
{
	char quote = *sc->p++;
	const char *b = sc->p;
	while (sc->p < sc->end) {
		unsigned char ch = (unsigned char)*sc->p;
		if (ch == (unsigned char)quote) {
			v->type = 's';
			v->str = b;
			v->len = (size_t)(sc->p - b);
			sc->p++;
			return 0;
		}
		if (ch == 0) /* json-c takes other control characters */
			return -1;
		if (ch == '\\') {
			if (sc->end - sc->p < 2)
				return -1;
			char e = sc->p[1];
			if (e == 'u') {
				if (sc->end - sc->p < 6 || !is_hex(sc->p[2]) || !is_hex(sc->p[3]) ||
				    !is_hex(sc->p[4]) || !is_hex(sc->p[5]))
					return -1;
				sc->p += 6;
			} else if (strchr("\"\\/bfnrt", e) && e) {
				sc->p += 2;
			} else {
				return -1;
			}
			continue;
		}
		if (ch < 0x80) {
			sc->p++;
			continue;
		}
		int n = ch >= 0xF8 ? -1 : ch >= 0xF0 ? 3 : ch >= 0xE0 ? 2 : ch >= 0xC0 ? 1 : -1;
		if (n < 0 || sc->end - sc->p <= n)
			return -1;
		for (int i = 1; i <= n; i++)
			if (((unsigned char)sc->p[i] & 0xC0) != 0x80)
				return -1;
		sc->p += n + 1;
	}
	return -1;
}

static int scan_number(struct scan *sc, struct scan_val *v)
{
	const char *b = sc->p;
	bool neg = *sc->p == '-';
	if (neg)
		sc->p++;
	if (!is_digit(sc))
		return -1;
	/* json-c's leading zeros: "00", "-01", "01.5" pass, "01" does not */
	const char *d = sc->p;
	bool nonzero_after_zero = false;
	while (is_digit(sc)) {
		if (sc->p > d && *d == '0' && *sc->p != '0')
			nonzero_after_zero = true;
		sc->p++;
	}
	bool integer = true;
	if (sc->p < sc->end && *sc->p == '.') { /* json-c takes "1." too */
		sc->p++;
		while (is_digit(sc))
			sc->p++;
		integer = false;
	}
	if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E')) {
		sc->p++;
		if (sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
			sc->p++;
		if (!is_digit(sc))
			return -1;
		while (is_digit(sc))
			sc->p++;
		integer = false;
	}
	if (integer && !neg && nonzero_after_zero)
		return -1;
	v->type = integer ? 'i' : 'n';
	if (!integer)
		return 0;
	/* as bss_json_parse: negative integers are clamped to INT64_MIN,
	 * positive ones from UINT64_MAX on are refused */
	char buf[32];
	size_t n = (size_t)(sc->p - b);
	if (neg && n >= sizeof(buf)) {
		v->iv = INT64_MIN;
		return 0;
	}
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, b, n);
	buf[n] = '\0';
	errno = 0;
	if (neg) {
		v->iv = strtoll(buf, NULL, 10); /* clamps */
		return 0;
	}
	unsigned long long u = strtoull(buf, NULL, 10);
	if (errno == ERANGE || u >= UINT64_MAX)
		return -1;
	v->iv = u > INT64_MAX ? INT64_MAX : (int64_t)u;
	return 0;
}

struct scan_top {
	const struct bss_op *op;
	struct bss_raw_answer *raw;
	bool error; /* error_code other than "" and CBC.0000 */
};

static bool key_is(const struct scan_val *k, const char *name)
{
	return name && strlen(name) == k->len && memcmp(k->str, name, k->len) == 0;
}

static int scan_value(struct scan *sc, int depth, struct scan_val *v, struct scan_top *top)
{
	if (sc->p >= sc->end)
		return -1;
	char ch = *sc->p;
	if (ch == '"' || ch == '\'')
		return scan_string(sc, v);
	/* json-c takes NaN, Infinity and -Infinity even when strict */
	static const char *const lits[] = {"true", "false", "null", "NaN", "Infinity", "-Infinity"};
	for (size_t i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
		size_t n = strlen(lits[i]);
		if ((size_t)(sc->end - sc->p) >= n && memcmp(sc->p, lits[i], n) == 0) {
			sc->p += n;
			v->type = i < 3 ? 'l' : 'n';
			return 0;
		}
	}
	if (ch == '-' || (ch >= '0' && ch <= '9'))
		return scan_number(sc, v);
	if (ch != '{' && ch != '[')
		return -1;
	if (depth >= SCAN_MAX_DEPTH)
		return -1;
	bool obj = ch == '{';
	char close = obj ? '}' : ']';
	sc->p++;
	scan_ws(sc);
	size_t count = 0;
	if (sc->p < sc->end && *sc->p == close) {
		sc->p++;
	} else {
		for (;;) {
			struct scan_val k = {0}, cv = {0};
			if (obj) {
				if (sc->p >= sc->end || (*sc->p != '"' && *sc->p != '\'') ||
				    scan_string(sc, &k) < 0)
					return -1;
				scan_ws(sc);
				if (sc->p >= sc->end || *sc->p != ':')
					return -1;
				sc->p++;
				scan_ws(sc);
			}
			if (scan_value(sc, depth + 1, &cv, top) < 0)
				return -1;
			count++;
			if (obj && depth == 0 && top) { /* the last duplicate wins, as in json-c */
				const struct bss_op *op = top->op;
				if (key_is(&k, op->total_key)) {
					top->raw->has_total = cv.type == 'i';
					top->raw->total = cv.type == 'i' ? cv.iv : -1;
				}
				if (key_is(&k, op->records_key))
					top->raw->records = cv.type == 'a' ? cv.count : 0;
				if (key_is(&k, "error_code"))
					top->error =
					    cv.type == 's' && cv.len > 0 &&
					    !(cv.len == 8 && memcmp(cv.str, "CBC.0000", 8) == 0);
			}
			scan_ws(sc);
			if (sc->p < sc->end && *sc->p == ',') {
				sc->p++;
				scan_ws(sc);
				continue;
			}
			if (sc->p < sc->end && *sc->p == close) {
				sc->p++;
				break;
			}
			return -1;
		}
	}
	v->type = obj ? 'o' : 'a';
	v->count = count;
	return 0;
}

int bss_scan_answer(const struct bss_op *op, const char *body, size_t len,
		    struct bss_raw_answer *raw, bool *error, char *why, size_t whylen)
{
	struct scan sc = {body, body + len};
	struct scan_top top = {.op = op, .raw = raw};
	struct scan_val v = {0};
	raw->has_total = false;
	raw->total = -1;
	raw->records = 0;
	scan_ws(&sc);
	int rc = scan_value(&sc, 0, &v, &top);
	if (rc == 0) {
		scan_ws(&sc);
		if (sc.p != sc.end)
			rc = -1;
	}
	if (rc < 0) {
		snprintf(why, whylen, "invalid JSON at byte %zu", (size_t)(sc.p - body));
		return -1;
	}
	*error = top.error;
	return 0;
}

/* Summary of a parsed answer for a raw call (total and record count). */
static void summarise(const struct bss_op *op, json_object *ans, struct bss_raw_answer *raw)
{
	json_object *t = op->total_key ? bss_json_get(ans, op->total_key) : NULL;
	raw->has_total = t && json_object_is_type(t, json_type_int);
	raw->total = raw->has_total ? json_object_get_int64(t) : -1;
	json_object *a = op->records_key ? bss_json_get(ans, op->records_key) : NULL;
	raw->records =
	    a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

/* Classifies one exchange, filling err on failure and *out on success.
 * With raw: the answer is only scanned (no tree) and its body moves to
 * raw->body; an answer whose error_code announces an error is parsed as
 * usual to classify the error. */
static enum verdict classify(const struct bss_op *op, struct bss_http_result *r, json_object **out,
			     struct bss_raw_answer *raw, struct bss_error *err)
{
	if (r->curl_code != CURLE_OK) {
		bss_error_set(err, 0, "", "%s", curl_easy_strerror((CURLcode)r->curl_code));
		snprintf(err->code, sizeof(err->code), "CURL.%d", r->curl_code);
		err->request_id[0] = '\0';
		if (!op->idempotent && r->maybe_sent)
			err->outcome_unknown = true;
		return retryable_curl(r->curl_code) ? V_RETRY : V_FAIL;
	}
	int status = (int)r->status;
	snprintf(err->request_id, sizeof(err->request_id), "%s", r->request_id);
	if (status >= 200 && status < 300) {
		if (r->body_len == 0) {
			*out = NULL;
			return V_OK;
		}
		json_object *ans = NULL;
		char why[128];
		bool scanned_error = true;
		int prc = 0;
		if (raw)
			prc = bss_scan_answer(op, r->body, r->body_len, raw, &scanned_error, why,
					      sizeof(why)) < 0
				  ? -EINVAL
				  : 0;
		if (prc == 0 && scanned_error)
			prc = bss_json_parse(r->body, r->body_len, &ans, why, sizeof(why));
		bool has_error = ans && bss_body_has_error(ans);
		if (raw && ans && !has_error) {
			summarise(op, ans, raw);
			json_object_put(ans);
			ans = NULL;
		}
		if (prc < 0) {
			bss_error_set(err, status, "BSSFS.BAD_ANSWER", "unparsable answer: %s",
				      why);
			if (!op->idempotent)
				err->outcome_unknown = true;
			return V_RETRY;
		}
		if (has_error) {
			bss_error_from_body(status, r->body, r->body_len, err);
			json_object_put(ans);
			if (!err->request_id[0])
				snprintf(err->request_id, sizeof(err->request_id), "%s",
					 r->request_id);
			return throttle_code(err->code) ? V_RETRY : V_FAIL;
		}
		if (raw) {
			raw->body = r->body;
			raw->body_len = r->body_len;
			r->body = NULL;
			r->body_len = 0;
			return V_OK;
		}
		*out = ans;
		return V_OK;
	}
	bss_error_from_body(status, r->body, r->body_len, err);
	if (r->request_id[0])
		snprintf(err->request_id, sizeof(err->request_id), "%s", r->request_id);
	if (!op->idempotent && (status == 502 || status == 504))
		err->outcome_unknown = true;
	if (status == 429 || status == 500 || status == 502 || status == 503 || status == 504 ||
	    throttle_code(err->code))
		return V_RETRY;
	return V_FAIL;
}

static int64_t backoff_ms(struct bss_client *c, int attempt, int retry_after_s)
{
	if (retry_after_s >= 0)
		return (int64_t)retry_after_s * 1000;
	int64_t cap = c->backoff_base_ms;
	for (int i = 1; i < attempt && cap < c->backoff_max_ms; i++)
		cap *= 2;
	if (cap > c->backoff_max_ms)
		cap = c->backoff_max_ms;
	return (int64_t)(rng_next() % (uint64_t)(cap + 1)); /* full jitter */
}

static int call(struct bss_client *c, const struct bss_op *op, const struct bss_request *req,
		json_object **out, struct bss_raw_answer *raw, struct bss_error *err)
{
	struct bss_error local;
	json_object *discard = NULL;
	if (!err)
		err = &local;
	bss_error_reset(err, op ? op->name : (req ? req->op : NULL));
	if (!out)
		out = &discard;
	*out = NULL;
	if (raw)
		*raw = (struct bss_raw_answer){.total = -1};
	if (!op) {
		bss_error_set(err, 0, "BSSFS.UNKNOWN_OP", "unknown operation %s",
			      req && req->op ? req->op : "(null)");
		return -ENOENT;
	}
	if (!bss_op_on_site(op, c->site)) {
		bss_error_set(err, 0, "BSSFS.NOT_ON_SITE", "%s does not exist on this site",
			      op->name);
		return -ENOENT;
	}
	if (op->host != BSS_HOST_IAM && !bss_client_domain_peek(c)) {
		int rc = bss_client_ensure_domain(c, err);
		if (rc < 0)
			return rc;
		bss_error_reset(err, op->name);
	}
	char *path = NULL, *query = NULL, *body = NULL;
	int rc = bss_build_target(c, op, req, &path, &query, err);
	if (rc < 0)
		return rc;
	size_t body_len = 0;
	if (req && req->body) {
		/* json-c serialises into a buffer inside the object: two threads
		 * sending the same borrowed body must not do it at once */
		static pthread_mutex_t serialise_lock = PTHREAD_MUTEX_INITIALIZER;
		pthread_mutex_lock(&serialise_lock);
		const char *t = bss_json_compact(req->body);
		body = t ? strdup(t) : NULL;
		pthread_mutex_unlock(&serialise_lock);
		if (!body) {
			free(path);
			free(query);
			bss_error_set(err, 0, "BSSFS.NOMEM", "out of memory");
			return -ENOMEM;
		}
		body_len = strlen(body);
	}
	struct bss_opstate *s = bss_opstate_for(c, op);
	int64_t deadline = bss_mono_ms() + c->deadline_ms;
	int max = op->idempotent ? c->max_attempts : 1;
	int attempt = 0;
	enum verdict v = V_FAIL;
	for (;;) {
		rc = bss_rate_acquire(c, s, deadline);
		if (rc < 0) {
			if (attempt == 0)
				bss_error_set(err, 0, "BSSFS.DEADLINE",
					      "deadline reached before a request");
			break;
		}
		attempt++;
		int64_t left = deadline - bss_mono_ms();
		int tmo = left < c->request_timeout_ms ? (int)(left > 1 ? left : 1)
						       : c->request_timeout_ms;
		struct bss_http_result r;
		int64_t t0 = bss_mono_ms();
		rc = bss_http_perform(c, op, s, path, query, body, body_len, tmo, &r);
		bss_rate_release(c, s);
		if (rc < 0) {
			bss_error_set(err, 0, "BSSFS.LOCAL", "cannot build request: %s",
				      strerror(-rc));
			v = V_FAIL;
			break;
		}
		bss_stats_attempt(s, r.status, r.body_len, bss_mono_ms() - t0, attempt > 1);
		v = classify(op, &r, out, raw, err);
		scrub_error(c, err);
		if (v == V_OK) { /* forget earlier attempts' failures */
			err->http_status = (int)r.status;
			err->code[0] = '\0';
			err->message[0] = '\0';
			err->outcome_unknown = false;
		}
		int retry_after = r.retry_after_s;
		bss_http_result_free(&r);
		if (v != V_RETRY || attempt >= max)
			break;
		int64_t delay = backoff_ms(c, attempt, retry_after);
		if (bss_mono_ms() + delay >= deadline) {
			bss_debug("%s: no time left for another attempt", op->name);
			break;
		}
		bss_debug("%s: retrying in %lld ms after %s", op->name, (long long)delay,
			  err->code);
		if (delay > 0)
			bss_sleep_ms(delay);
	}
	err->attempts = attempt;
	free(path);
	free(query);
	if (body) {
		explicit_bzero(body, body_len);
		free(body);
	}
	if (v == V_OK && rc == 0) {
		json_object_put(discard);
		return 0;
	}
	if (rc == -ENOMEM || (rc < 0 && strcmp(err->code, "BSSFS.LOCAL") == 0)) {
		bss_stats_error(s);
		return rc;
	}
	rc = bss_errno_for(err->http_status, err->code);
	if (rc == 0)
		rc = -EIO;
	bss_stats_error(s);
	bss_warn("%s failed: HTTP %d %s: %s (request id %s, %d attempt%s)%s", op->name,
		 err->http_status, err->code, err->message,
		 err->request_id[0] ? err->request_id : "-", attempt, attempt == 1 ? "" : "s",
		 err->outcome_unknown ? ", outcome unknown" : "");
	return rc;
}

int bss_client_call_op(struct bss_client *c, const struct bss_op *op, const struct bss_request *req,
		       json_object **out, struct bss_error *err)
{
	return call(c, op, req, out, NULL, err);
}

int bss_client_call_op_raw(struct bss_client *c, const struct bss_op *op,
			   const struct bss_request *req, struct bss_raw_answer *raw,
			   struct bss_error *err)
{
	return call(c, op, req, NULL, raw, err);
}

int bss_client_call(struct bss_client *c, const struct bss_request *req, json_object **out,
		    struct bss_error *err)
{
	return bss_client_call_op(c, req ? bss_op_find(req->op) : NULL, req, out, err);
}

int bss_client_ensure_domain(struct bss_client *c, struct bss_error *err)
{
	if (bss_client_domain_peek(c))
		return 0;
	pthread_mutex_lock(&c->domain_lock);
	if (bss_client_domain_peek(c)) {
		pthread_mutex_unlock(&c->domain_lock);
		return 0;
	}
	struct bss_request req = {.op = "KeystoneListAuthDomains"};
	json_object *ans = NULL;
	int rc = bss_client_call(c, &req, &ans, err);
	if (rc == 0) {
		json_object *doms = bss_json_get(ans, "domains");
		json_object *d0 = doms && json_object_is_type(doms, json_type_array) &&
					  json_object_array_length(doms) > 0
				      ? json_object_array_get_idx(doms, 0)
				      : NULL;
		const char *id = bss_json_get_str(d0, "id");
		if (!id || !*id) {
			bss_error_set(
			    err, 0, "BSSFS.NO_DOMAIN",
			    "IAM returned no domain for these credentials; set the domain id "
			    "explicitly (domain_id in the credentials file or "
			    "HUAWEICLOUD_SDK_DOMAIN_ID)");
			rc = -ENOENT;
		} else {
			char *copy = strdup(id);
			if (!copy)
				rc = -ENOMEM;
			else
				__atomic_store_n(&c->domain_id, copy, __ATOMIC_RELEASE);
		}
	}
	json_object_put(ans);
	pthread_mutex_unlock(&c->domain_lock);
	return rc;
}
