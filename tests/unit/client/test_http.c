/* Client over HTTP: signing, headers, retries, Retry-After, deadlines,
 * non-idempotent operations, error answers, decimals, rate limit, logs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

#include "bssfs/jsonx.h"
#include "bssfs/log.h"
#include "bssfs/sign.h"

/* ---- a scripted handler: answers in order from a list, then `dflt` ---- */

struct step {
	int status;
	const char *body;
	const char *headers;
	enum ts_action action;
	int delay_ms;
};

struct script {
	pthread_mutex_t lock;
	const struct step *steps;
	int n_steps, next;
	struct step dflt;
	int verified, verify_failed;
	char last_auth[512];
};

static const char *hdr_lookup(void *ctx, const char *name)
{
	return ts_header(ctx, name);
}

static const char *sk_lookup(void *ctx, const char *ak)
{
	(void)ctx;
	return strcmp(ak, T_AK) == 0 ? T_SK : NULL;
}

static void scripted(void *ctx, const struct ts_request *req, struct ts_response *resp)
{
	struct script *sc = ctx;
	struct bss_verify_input in = {.method = req->method,
				      .path = req->path,
				      .query = req->query,
				      .header = hdr_lookup,
				      .header_ctx = (void *)req,
				      .body = req->body,
				      .body_len = req->body_len};
	char ak[128], detail[512];
	enum bss_verify_result v =
	    bss_verify(&in, sk_lookup, NULL, time(NULL), ak, sizeof(ak), detail, sizeof(detail));
	pthread_mutex_lock(&sc->lock);
	if (v == BSS_VERIFY_OK)
		sc->verified++;
	else
		sc->verify_failed++;
	const char *auth = ts_header(req, "authorization");
	snprintf(sc->last_auth, sizeof(sc->last_auth), "%s", auth ? auth : "");
	struct step st = sc->next < sc->n_steps ? sc->steps[sc->next++] : sc->dflt;
	pthread_mutex_unlock(&sc->lock);
	ts_body(resp, st.status ? st.status : 200, st.body ? st.body : "{}");
	if (st.headers)
		snprintf(resp->headers, sizeof(resp->headers), "%s", st.headers);
	resp->action = st.action;
	resp->delay_ms = st.delay_ms;
}

static struct script *script_new(const struct step *steps, int n, struct step dflt)
{
	struct script *sc = calloc(1, sizeof(*sc));
	pthread_mutex_init(&sc->lock, NULL);
	sc->steps = steps;
	sc->n_steps = n;
	sc->dflt = dflt;
	return sc;
}

static void script_free(struct script *sc)
{
	pthread_mutex_destroy(&sc->lock);
	free(sc);
}

#define OKBODY "{\"account_balances\":[],\"debt_amount\":0}"

static int call_op(struct bss_client *c, const char *op, json_object **out, struct bss_error *err)
{
	struct bss_request req = {.op = op};
	return bss_client_call(c, &req, out, err);
}

/* ---- signing and headers ---- */

static void test_signed_headers(void **state)
{
	(void)state;
	struct script *sc = script_new(NULL, 0, (struct step){200, OKBODY, NULL, TS_RESPOND, 0});
	struct ts_server *s = ts_start(scripted, sc);
	struct bss_client_config cfg = {
	    .security_token = T_TOKEN, .domain_id = T_DOMAIN, .language = "en_US", .max_rps = 1000};
	struct bss_client *c = test_client(s, &cfg);
	struct bss_kv q[] = {{"bill_cycle", "2024-03"}, {"name", "a b+c/d"}};
	struct bss_request req = {.op = "ShowCustomerMonthlySum", .query = q, .n_query = 2};
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(bss_client_call(c, &req, &out, &err), 0);
	json_object_put(out);
	/* a POST with a body */
	json_object *body = NULL;
	assert_int_equal(bss_json_parse("{\"x\":1.50}", 10, &body, NULL, 0), 0);
	struct bss_request preq = {.op = "ListRenewRateOnPeriod", .body = body};
	assert_int_equal(bss_client_call(c, &preq, &out, &err), 0);
	json_object_put(out);
	json_object_put(body);
	assert_int_equal(ts_count(s), 2);
	assert_int_equal(sc->verified, 2);
	assert_int_equal(sc->verify_failed, 0);
	const struct ts_request *r = ts_request_at(s, 0);
	assert_string_equal(r->method, "GET");
	assert_string_equal(r->path, "/v2/bills/customer-bills/monthly-sum");
	assert_string_equal(r->query, "bill_cycle=2024-03&name=a%20b%2Bc%2Fd");
	assert_string_equal(ts_header(r, "x-domain-id"), T_DOMAIN);
	assert_string_equal(ts_header(r, "x-security-token"), T_TOKEN);
	assert_string_equal(ts_header(r, "x-language"), "en_US");
	assert_null(ts_header(r, "content-type"));
	const char *auth = ts_header(r, "authorization");
	assert_non_null(auth);
	assert_non_null(strstr(auth, "SDK-HMAC-SHA256 Access=" T_AK ", SignedHeaders="));
	assert_non_null(strstr(auth, "x-domain-id"));
	assert_non_null(strstr(auth, "x-security-token"));
	assert_non_null(strstr(auth, "x-language"));
	assert_non_null(strstr(auth, "host;"));
	r = ts_request_at(s, 1);
	assert_string_equal(r->method, "POST");
	assert_string_equal(ts_header(r, "content-type"), "application/json");
	assert_string_equal(r->body, "{\"x\":1.50}");
	assert_non_null(strstr(ts_header(r, "authorization"), "content-type;host;"));
	bss_client_free(c);
	ts_stop(s);
	script_free(sc);
}

/* IAM discovery: asked once, then X-Domain-Id and the ListInvoices path. */
static void discovery_handler(void *ctx, const struct ts_request *req, struct ts_response *resp)
{
	int *mode = ctx;
	if (strcmp(req->path, "/v3/auth/domains") == 0) {
		if (*mode == 1)
			ts_body(resp, 200, "{\"domains\":[],\"links\":{}}");
		else
			ts_body(resp, 200,
				"{\"domains\":[{\"id\":\"d0m41n\",\"name\":\"acme\",\"enabled\":"
				"true}]}");
		return;
	}
	ts_body(resp, 200, "{\"invoices\":[],\"count\":0}");
}

static void test_domain_discovery(void **state)
{
	(void)state;
	int mode = 0;
	struct ts_server *s = ts_start(discovery_handler, &mode);
	struct bss_client_config cfg = {.max_rps = 1000};
	struct bss_client *c = test_client(s, &cfg);
	assert_null(bss_client_domain_id(c));
	struct bss_kv q[] = {{"offset", "1"}, {"limit", "10"}};
	struct bss_request req = {.op = "ListInvoices", .query = q, .n_query = 2};
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(bss_client_call(c, &req, &out, &err), 0);
	json_object_put(out);
	assert_int_equal(bss_client_call(c, &req, &out, &err), 0);
	json_object_put(out);
	assert_string_equal(bss_client_domain_id(c), "d0m41n");
	assert_int_equal(ts_count(s), 3);
	const struct ts_request *r0 = ts_request_at(s, 0);
	assert_string_equal(r0->path, "/v3/auth/domains");
	assert_null(ts_header(r0, "x-domain-id"));
	const struct ts_request *r1 = ts_request_at(s, 1);
	assert_string_equal(r1->path, "/v1.0/d0m41n/payments/intl-invoices");
	assert_string_equal(ts_header(r1, "x-domain-id"), "d0m41n");
	assert_string_equal(ts_request_at(s, 2)->path, "/v1.0/d0m41n/payments/intl-invoices");
	bss_client_free(c);

	/* empty domain list: clear message, no BSS request */
	mode = 1;
	c = test_client(s, &cfg);
	assert_int_equal(bss_client_call(c, &req, &out, &err), -ENOENT);
	assert_string_equal(err.code, "BSSFS.NO_DOMAIN");
	assert_non_null(strstr(err.message, "domain id"));
	assert_int_equal(ts_count(s), 4);
	bss_client_free(c);
	ts_stop(s);
}

static void test_not_on_site(void **state)
{
	(void)state;
	struct script *sc = script_new(NULL, 0, (struct step){200, OKBODY, NULL, TS_RESPOND, 0});
	struct ts_server *s = ts_start(scripted, sc);
	struct bss_client_config cfg = {.site = "cn", .domain_id = T_DOMAIN, .max_rps = 1000};
	struct bss_client *c = test_client(s, &cfg);
	assert_int_equal(bss_client_site(c), BSS_SITE_CN);
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(call_op(c, "ListInvoices", &out, &err), -ENOENT);
	assert_int_equal(call_op(c, "ShowCustomerExpenditureQuota", &out, &err), -ENOENT);
	assert_int_equal(call_op(c, "NoSuchOperation", &out, &err), -ENOENT);
	assert_int_equal(ts_count(s), 0);
	bss_client_free(c);
	ts_stop(s);
	script_free(sc);
}

/* ---- retries ---- */

static void test_retry_5xx_then_ok(void **state)
{
	(void)state;
	static const struct step steps[] = {
	    {500, "{\"error_code\":\"CBC.0999\",\"error_msg\":\"x\"}", NULL, TS_RESPOND, 0},
	    {502, "bad gateway", NULL, TS_RESPOND, 0},
	    {503, "", NULL, TS_RESPOND, 0},
	    {504, "", NULL, TS_RESPOND, 0},
	};
	struct script *sc = script_new(steps, 4, (struct step){200, OKBODY, NULL, TS_RESPOND, 0});
	struct ts_server *s = ts_start(scripted, sc);
	struct bss_client *c = test_client(s, NULL);
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), 0);
	assert_non_null(out);
	json_object_put(out);
	assert_int_equal(ts_count(s), 5);
	assert_int_equal(err.attempts, 5);
	assert_int_equal(err.http_status, 200);
	assert_string_equal(err.code, "");
	json_object *st = bss_client_stats(c);
	json_object *o = bss_json_get(st, "ShowCustomerAccountBalances");
	assert_int_equal(json_object_get_int(bss_json_get(o, "requests")), 5);
	assert_int_equal(json_object_get_int(bss_json_get(o, "retries")), 4);
	assert_int_equal(json_object_get_int(bss_json_get(o, "errors")), 0);
	assert_true(json_object_get_int(bss_json_get(o, "bytes")) > 0);
	assert_int_equal(json_object_get_int(bss_json_get(bss_json_get(st, "totals"), "requests")),
			 5);
	json_object_put(st);
	bss_client_free(c);
	ts_stop(s);
	script_free(sc);
}

static void test_retry_stops_at_max_attempts(void **state)
{
	(void)state;
	struct script *sc =
	    script_new(NULL, 0,
		       (struct step){503, "{\"error_code\":\"CBC.0999\",\"error_msg\":\"busy\"}",
				     "X-Request-Id: req-503\r\n", TS_RESPOND, 0});
	struct ts_server *s = ts_start(scripted, sc);
	struct bss_client_config cfg = {.domain_id = T_DOMAIN,
					.max_rps = 1000,
					.max_attempts = 3,
					.backoff_base_ms = 1,
					.backoff_max_ms = 2};
	struct bss_client *c = test_client(s, &cfg);
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), -EIO);
	assert_null(out);
	assert_int_equal(ts_count(s), 3);
	assert_int_equal(err.attempts, 3);
	assert_int_equal(err.http_status, 503);
	assert_string_equal(err.code, "CBC.0999");
	assert_string_equal(err.message, "busy");
	assert_string_equal(err.request_id, "req-503");
	assert_string_equal(err.op, "ShowCustomerAccountBalances");
	bss_client_free(c);
	ts_stop(s);
	script_free(sc);
}

static void test_429_exhausted_is_eagain(void **state)
{
	(void)state;
	struct script *sc =
	    script_new(NULL, 0,
		       (struct step){429,
				     "{\"error_code\":\"APIG.0308\",\"error_msg\":\"The throttling "
				     "threshold has been reached\","
				     "\"request_id\":\"rid-429\"}",
				     NULL, TS_RESPOND, 0});
	struct ts_server *s = ts_start(scripted, sc);
	struct bss_client_config cfg = {.domain_id = T_DOMAIN,
					.max_rps = 1000,
					.max_attempts = 4,
					.backoff_base_ms = 1,
					.backoff_max_ms = 2};
	struct bss_client *c = test_client(s, &cfg);
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), -EAGAIN);
	assert_int_equal(ts_count(s), 4);
	assert_string_equal(err.code, "APIG.0308");
	assert_string_equal(err.request_id, "rid-429");
	json_object *st = bss_client_stats(c);
	json_object *o = bss_json_get(st, "ShowCustomerAccountBalances");
	assert_int_equal(json_object_get_int(bss_json_get(o, "throttled")), 4);
	assert_int_equal(json_object_get_int(bss_json_get(o, "errors")), 1);
	json_object_put(st);
	bss_client_free(c);
	ts_stop(s);
	script_free(sc);
}

/* Retry-After (seconds) is the delay used; without it, jittered backoff
 * bounded by backoff_max_ms. Fake clock: sleeps are recorded. */
static void test_retry_after_honoured(void **state)
{
	(void)state;
	static const struct step steps[] = {
	    {429, "{\"error_code\":\"APIG.0308\",\"error_msg\":\"x\"}", "Retry-After: 3\r\n",
	     TS_RESPOND, 0},
	    {429, "{\"error_code\":\"APIG.0308\",\"error_msg\":\"x\"}", NULL, TS_RESPOND, 0},
	    {503, "", "Retry-After: 7\r\n", TS_RESPOND, 0},
	};
	struct script *sc = script_new(steps, 3, (struct step){200, OKBODY, NULL, TS_RESPOND, 0});
	struct ts_server *s = ts_start(scripted, sc);
	struct fake_clock fc;
	fake_clock_install(&fc);
	struct bss_client_config cfg = {.domain_id = T_DOMAIN,
					.max_rps = 1000,
					.backoff_base_ms = 100,
					.backoff_max_ms = 400,
					.deadline_ms = 60000};
	struct bss_client *c = test_client(s, &cfg);
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), 0);
	json_object_put(out);
	assert_int_equal(ts_count(s), 4);
	/* rate-limiter waits (< 10 ms here) may be interleaved: find backoffs */
	int64_t big[8] = {0};
	int nb = 0;
	for (int i = 0; i < fc.n_sleeps && nb < 8; i++)
		if (fc.sleeps[i] >= 2)
			big[nb++] = fc.sleeps[i];
	assert_true(nb >= 2);
	assert_int_equal(big[0], 3000);
	assert_true(big[nb - 1] == 7000);
	for (int i = 1; i < nb - 1; i++)
		assert_true(big[i] <= 400);
	bss_client_free(c);
	fake_clock_remove(&fc);

	/* the HTTP-date form */
	char date_hdr[128];
	time_t when = time(NULL) + 5;
	struct tm tm;
	gmtime_r(&when, &tm);
	strftime(date_hdr, sizeof(date_hdr), "Retry-After: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
	struct step dsteps[] = {
	    {503, "", date_hdr, TS_RESPOND, 0},
	};
	pthread_mutex_lock(&sc->lock);
	sc->steps = dsteps;
	sc->n_steps = 1;
	sc->next = 0;
	pthread_mutex_unlock(&sc->lock);
	fake_clock_install(&fc);
	c = test_client(s, &cfg);
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), 0);
	json_object_put(out);
	int64_t longest = 0;
	for (int i = 0; i < fc.n_sleeps; i++)
		if (fc.sleeps[i] > longest)
			longest = fc.sleeps[i];
	assert_true(longest >= 3000 && longest <= 5000);
	bss_client_free(c);
	fake_clock_remove(&fc);

	/* a Retry-After beyond the deadline: give up at once, EAGAIN */
	sc->steps = NULL;
	sc->n_steps = 0;
	sc->dflt = (struct step){429, "{\"error_code\":\"APIG.0308\",\"error_msg\":\"x\"}",
				 "Retry-After: 30\r\n", TS_RESPOND, 0};
	fake_clock_install(&fc);
	cfg.deadline_ms = 10000;
	c = test_client(s, &cfg);
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), -EAGAIN);
	assert_int_equal(err.attempts, 1);
	assert_int_equal(ts_count(s), 7);
	bss_client_free(c);
	fake_clock_remove(&fc);
	ts_stop(s);
	script_free(sc);
}

/* Resets, truncated bodies and malformed JSON are retried. */
static void test_transport_faults_retried(void **state)
{
	(void)state;
	static const struct step steps[] = {
	    {200, OKBODY, NULL, TS_RESET, 0},
	    {200, OKBODY, NULL, TS_TRUNCATE, 0},
	    {200, "{\"account_balances\":[", NULL, TS_RESPOND, 0},
	    {200, "<html>oops</html>", NULL, TS_RESPOND, 0},
	};
	struct script *sc = script_new(steps, 4, (struct step){200, OKBODY, NULL, TS_RESPOND, 0});
	struct ts_server *s = ts_start(scripted, sc);
	struct bss_client *c = test_client(s, NULL);
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), 0);
	assert_non_null(bss_json_get(out, "account_balances"));
	json_object_put(out);
	assert_int_equal(ts_count(s), 5);
	bss_client_free(c);
	ts_stop(s);
	script_free(sc);
}

/* A truncated answer with retries exhausted reports CURL.18 / EIO. */
static void test_truncated_exhausted(void **state)
{
	(void)state;
	struct script *sc = script_new(NULL, 0, (struct step){200, OKBODY, NULL, TS_TRUNCATE, 0});
	struct ts_server *s = ts_start(scripted, sc);
	struct bss_client_config cfg = {
	    .domain_id = T_DOMAIN, .max_rps = 1000, .max_attempts = 2, .backoff_base_ms = 1};
	struct bss_client *c = test_client(s, &cfg);
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), -EIO);
	assert_string_equal(err.code, "CURL.18");
	assert_int_equal(ts_count(s), 2);
	bss_client_free(c);
	ts_stop(s);
	script_free(sc);
}

/* Slow answers: each attempt times out, the call is bounded by the deadline. */
static void test_timeout_and_deadline(void **state)
{
	(void)state;
	struct script *sc = script_new(NULL, 0, (struct step){200, OKBODY, NULL, TS_RESPOND, 1500});
	struct ts_server *s = ts_start(scripted, sc);
	struct bss_client_config cfg = {.domain_id = T_DOMAIN,
					.max_rps = 1000,
					.request_timeout_ms = 150,
					.deadline_ms = 700,
					.max_attempts = 50,
					.backoff_base_ms = 10,
					.backoff_max_ms = 20};
	struct bss_client *c = test_client(s, &cfg);
	json_object *out = NULL;
	struct bss_error err;
	int64_t t0 = bss_mono_ms();
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), -ETIMEDOUT);
	int64_t took = bss_mono_ms() - t0;
	assert_string_equal(err.code, "CURL.28");
	assert_true(err.attempts >= 2);
	assert_true(err.attempts <= 6);
	assert_true(took < 1200);
	bss_client_free(c);
	ts_stop(s);
	script_free(sc);
}

static void test_connection_refused(void **state)
{
	(void)state;
	struct script *sc = script_new(NULL, 0, (struct step){200, OKBODY, NULL, TS_RESPOND, 0});
	struct ts_server *s = ts_start(scripted, sc);
	struct bss_client_config cfg = {.ak = T_AK,
					.sk = T_SK,
					.domain_id = T_DOMAIN,
					.max_rps = 1000,
					.max_attempts = 2,
					.backoff_base_ms = 1,
					.endpoint = "http://127.0.0.1:1"};
	struct bss_client *c = NULL;
	char msg[256];
	assert_int_equal(bss_client_new(&cfg, &c, msg, sizeof(msg)), 0);
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), -ECONNREFUSED);
	assert_string_equal(err.code, "CURL.7");
	assert_int_equal(err.http_status, 0);
	assert_int_equal(err.attempts, 2);
	/* a refused PayOrders never reached the server: outcome known */
	assert_int_not_equal(call_op(c, "PayOrders", &out, &err), 0);
	assert_false(err.outcome_unknown);
	assert_int_equal(err.attempts, 1);
	bss_client_free(c);
	ts_stop(s);
	script_free(sc);
}

/* Non-idempotent: sent exactly once; a reset leaves the outcome unknown. */
static void test_non_idempotent_once(void **state)
{
	(void)state;
	struct script *sc = script_new(NULL, 0, (struct step){200, "{}", NULL, TS_RESET, 0});
	struct ts_server *s = ts_start(scripted, sc);
	struct bss_client *c = test_client(s, NULL);
	json_object *body = json_object_new_object();
	json_object_object_add(body, "order_id", json_object_new_string("CS2403011234ABCDE"));
	struct bss_request req = {.op = "PayOrders", .body = body};
	json_object *out = NULL;
	struct bss_error err;
	/* warm a kept-alive connection first */
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), -EIO);
	int before = ts_count(s);
	assert_int_not_equal(bss_client_call(c, &req, &out, &err), 0);
	assert_int_equal(ts_count(s) - before, 1);
	assert_true(err.outcome_unknown);
	assert_int_equal(err.attempts, 1);
	/* 503: once, not retried, outcome known (the server refused) */
	sc->dflt = (struct step){503, "{\"error_code\":\"CBC.0999\",\"error_msg\":\"busy\"}", NULL,
				 TS_RESPOND, 0};
	before = ts_count(s);
	assert_int_equal(bss_client_call(c, &req, &out, &err), -EIO);
	assert_int_equal(ts_count(s) - before, 1);
	assert_false(err.outcome_unknown);
	/* success with 204 and no body */
	sc->dflt = (struct step){204, "", NULL, TS_RESPOND, 0};
	assert_int_equal(bss_client_call(c, &req, &out, &err), 0);
	assert_null(out);
	/* a timeout: once, outcome unknown */
	sc->dflt = (struct step){200, "{}", NULL, TS_RESPOND, 1000};
	bss_client_free(c);
	struct bss_client_config cfg = {
	    .domain_id = T_DOMAIN, .max_rps = 1000, .request_timeout_ms = 150};
	c = test_client(s, &cfg);
	before = ts_count(s);
	assert_int_equal(bss_client_call(c, &req, &out, &err), -ETIMEDOUT);
	assert_int_equal(ts_count(s) - before, 1);
	assert_true(err.outcome_unknown);
	json_object_put(body);
	bss_client_free(c);
	ts_stop(s);
	script_free(sc);
}

/* ---- error bodies through the client ---- */

static void test_error_answers(void **state)
{
	(void)state;
	static const struct step steps[] = {
	    {400, "{\"error_code\":\"CBC.0100\",\"error_msg\":\"bad bill_cycle\"}",
	     "X-Request-Id: r1\r\n", TS_RESPOND, 0},
	    {200, "{\"error_code\":\"CBC.3185\",\"error_msg\":\"business failure\"}", NULL,
	     TS_RESPOND, 0},
	    {200, "{\"error_code\":\"CBC.0000\",\"error_msg\":\"ok\",\"account_balances\":[]}",
	     NULL, TS_RESPOND, 0},
	    {404, "{\"error\":{\"error_code\":\"EPS.0005\",\"error_msg\":\"not found\"}}", NULL,
	     TS_RESPOND, 0},
	    {401,
	     "{\"error_code\":\"APIGW.0301\",\"error_msg\":\"Incorrect IAM authentication "
	     "information: verify aksk signature fail\",\"request_id\":\"gw-1\"}",
	     NULL, TS_RESPOND, 0},
	    {403, "{\"error_code\":\"CBC.0151\",\"error_msg\":\"denied\"}", NULL, TS_RESPOND, 0},
	};
	struct script *sc = script_new(steps, 6, (struct step){200, OKBODY, NULL, TS_RESPOND, 0});
	struct ts_server *s = ts_start(scripted, sc);
	struct bss_client *c = test_client(s, NULL);
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), -EINVAL);
	assert_string_equal(err.code, "CBC.0100");
	assert_string_equal(err.message, "bad bill_cycle");
	assert_string_equal(err.request_id, "r1");
	assert_int_equal(err.http_status, 400);
	assert_int_equal(err.attempts, 1);
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), -EIO);
	assert_string_equal(err.code, "CBC.3185");
	assert_int_equal(err.http_status, 200);
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), 0);
	json_object_put(out);
	assert_int_equal(call_op(c, "ShowEnterpriseProjectQuota", &out, &err), -ENOENT);
	assert_string_equal(err.code, "EPS.0005");
	assert_string_equal(err.message, "not found");
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), -EACCES);
	assert_string_equal(err.code, "APIGW.0301");
	assert_string_equal(err.request_id, "gw-1");
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), -EACCES);
	assert_int_equal(ts_count(s), 6);
	bss_client_free(c);
	ts_stop(s);
	script_free(sc);
}

/* Decimal text survives byte for byte. */
static void test_decimal_text(void **state)
{
	(void)state;
	struct script *sc =
	    script_new(NULL, 0,
		       (struct step){200,
				     "{\"account_balances\":[{\"amount\":0.12345678},{\"amount\":"
				     "12345678901234.00000001}],"
				     "\"debt_amount\":1E-8}",
				     NULL, TS_RESPOND, 0});
	struct ts_server *s = ts_start(scripted, sc);
	struct bss_client *c = test_client(s, NULL);
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), 0);
	json_object *a = bss_json_get(out, "account_balances");
	assert_string_equal(
	    bss_json_number_text(bss_json_get(json_object_array_get_idx(a, 0), "amount")),
	    "0.12345678");
	assert_string_equal(
	    bss_json_number_text(bss_json_get(json_object_array_get_idx(a, 1), "amount")),
	    "12345678901234.00000001");
	assert_non_null(strstr(bss_json_compact(out), "12345678901234.00000001"));
	json_object_put(out);
	bss_client_free(c);
	ts_stop(s);
	script_free(sc);
}

/* A gateway message echoing the canonical request (with the token) is
 * scrubbed before it reaches err or the log. */
static void test_error_message_scrubbed(void **state)
{
	(void)state;
	struct script *sc = script_new(
	    NULL, 0,
	    (struct step){
		401,
		"{\"error_code\":\"APIGW.0301\",\"error_msg\":\"Incorrect IAM authentication "
		"information: verify aksk signature fail, canonicalRequest:GET|/v2/x/|"
		"|x-security-token:" T_TOKEN "|\"}",
		NULL, TS_RESPOND, 0});
	struct ts_server *s = ts_start(scripted, sc);
	struct bss_client_config cfg = {
	    .security_token = T_TOKEN, .domain_id = T_DOMAIN, .max_rps = 1000};
	struct bss_client *c = test_client(s, &cfg);
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), -EACCES);
	assert_null(strstr(err.message, T_TOKEN));
	assert_non_null(strstr(err.message, "x-security-token:***"));
	assert_non_null(strstr(err.message, "verify aksk signature fail"));
	bss_client_free(c);
	ts_stop(s);
	script_free(sc);
}

/* ---- rate limit: 4 threads, never more than max_rps in any 1 s window ---- */

struct hammer {
	struct bss_client *c;
	int n;
	int failures;
};

static void *hammer_main(void *arg)
{
	struct hammer *h = arg;
	for (int i = 0; i < h->n; i++) {
		json_object *out = NULL;
		struct bss_error err;
		if (call_op(h->c, "ShowCustomerAccountBalances", &out, &err) != 0)
			h->failures++;
		json_object_put(out);
	}
	return NULL;
}

static void test_rate_limit_threads(void **state)
{
	(void)state;
	struct script *sc = script_new(NULL, 0, (struct step){200, OKBODY, NULL, TS_RESPOND, 0});
	struct ts_server *s = ts_start(scripted, sc);
	struct bss_client_config cfg = {.domain_id = T_DOMAIN, .max_rps = 10};
	struct bss_client *c = test_client(s, &cfg);
	struct hammer hs[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		hs[i] = (struct hammer){.c = c, .n = 6};
		pthread_create(&t[i], NULL, hammer_main, &hs[i]);
	}
	/* another operation is limited separately and runs alongside */
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(call_op(c, "ShowEnterpriseProjectQuota", &out, &err), 0);
	json_object_put(out);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(hs[i].failures, 0);
	}
	int n = ts_count(s);
	assert_int_equal(n, 25);
	int64_t ts_list[32];
	int m = 0;
	for (int i = 0; i < n; i++) {
		const struct ts_request *r = ts_request_at(s, i);
		if (strcmp(r->path, "/v2/accounts/customer-accounts/balances") == 0)
			ts_list[m++] = r->t_us;
	}
	assert_int_equal(m, 24);
	int worst = 0;
	for (int i = 0; i < m; i++) {
		int in_window = 0;
		for (int j = 0; j < m; j++)
			if (ts_list[j] >= ts_list[i] && ts_list[j] < ts_list[i] + 1000000)
				in_window++;
		if (in_window > worst)
			worst = in_window;
	}
	print_message("busiest 1-second window: %d requests\n", worst);
	assert_true(worst <= 10);
	assert_true(worst >= 8); /* and the limiter does not starve us */
	bss_client_free(c);
	ts_stop(s);
	script_free(sc);
}

/* ---- logging never shows the SK, the token or the signature ---- */

static void test_debug_log_has_no_secrets(void **state)
{
	(void)state;
	static const struct step steps[] = {
	    {500, "{\"error_code\":\"CBC.0999\",\"error_msg\":\"x\"}", NULL, TS_RESPOND, 0},
	    {401, "{\"error_code\":\"APIGW.0301\",\"error_msg\":\"verify aksk signature fail\"}",
	     NULL, TS_RESPOND, 0},
	};
	struct script *sc = script_new(steps, 2, (struct step){200, OKBODY, NULL, TS_RESPOND, 0});
	struct ts_server *s = ts_start(scripted, sc);
	char path[] = "/tmp/bssfs-client-log-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	bss_log_set_level(BSS_LOG_DEBUG);
	struct bss_client_config cfg = {.security_token = T_TOKEN,
					.domain_id = T_DOMAIN,
					.max_rps = 1000,
					.backoff_base_ms = 1};
	struct bss_client *c = test_client(s, &cfg);
	bss_log_clear_secrets(); /* the code itself must not log them */
	json_object *out = NULL;
	struct bss_error err;
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), -EACCES);
	assert_int_equal(call_op(c, "ShowCustomerAccountBalances", &out, &err), 0);
	json_object_put(out);
	bss_client_free(c);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	bss_log_set_level(BSS_LOG_INFO);
	char log[65536];
	ssize_t n = pread(fd, log, sizeof(log) - 1, 0);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	log[n] = '\0';
	assert_non_null(strstr(log, "ShowCustomerAccountBalances")); /* debug lines were written */
	assert_null(strstr(log, T_SK));
	assert_null(strstr(log, T_TOKEN));
	assert_null(strstr(log, "Signature="));
	const char *sig = strstr(sc->last_auth, "Signature=");
	assert_non_null(sig);
	assert_null(strstr(log, sig + 10));
	assert_null(strstr(log, "SDK-HMAC-SHA256"));
	ts_stop(s);
	script_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signed_headers),
	    cmocka_unit_test(test_domain_discovery),
	    cmocka_unit_test(test_not_on_site),
	    cmocka_unit_test(test_retry_5xx_then_ok),
	    cmocka_unit_test(test_retry_stops_at_max_attempts),
	    cmocka_unit_test(test_429_exhausted_is_eagain),
	    cmocka_unit_test(test_retry_after_honoured),
	    cmocka_unit_test(test_transport_faults_retried),
	    cmocka_unit_test(test_truncated_exhausted),
	    cmocka_unit_test(test_timeout_and_deadline),
	    cmocka_unit_test(test_connection_refused),
	    cmocka_unit_test(test_non_idempotent_once),
	    cmocka_unit_test(test_error_answers),
	    cmocka_unit_test(test_decimal_text),
	    cmocka_unit_test(test_error_message_scrubbed),
	    cmocka_unit_test(test_rate_limit_threads),
	    cmocka_unit_test(test_debug_log_has_no_secrets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
