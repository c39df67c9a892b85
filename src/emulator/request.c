/* libmicrohttpd glue and the request pipeline of bss-emulator (see
 * server.h for the order of checks).
 *
 * One thread per connection (MHD_USE_THREAD_PER_CONNECTION), so a delayed
 * answer (--latency-ms) blocks only its own connection.  The raw request
 * URI comes from MHD's URI log callback, which also allocates the
 * per-request state: signatures are checked over the path and query bytes
 * as received, not over MHD's decoded copies ('+' stays a literal plus).
 * The body is read whole before anything is checked.
 *
 * Faults: "drop" and "drop_after" return MHD_NO from the access handler,
 * which makes MHD close the socket without writing a status line;
 * "truncate" declares the full Content-Length, sends half the body from a
 * content-reader callback and then ends with an error, which closes the
 * connection.  truncate, malformed and drop_after apply the call first (the
 * answer is lost or mangled on the way back), the other faults do not. */
#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "bssfs/clock.h"
#include "bssfs/jsonx.h"
#include "bssfs/log.h"
#include "emulator/front.h"
#include "emulator/http.h"
#include "emulator/server.h"

#define EMU_MAX_BODY (12 * 1024 * 1024)
#define EMU_MAX_QUERY_PARAMS 64

struct emu_req {
	char *uri; /* raw request target as received */
	char *body;
	size_t len, cap;
	bool too_large;
	bool first_seen;
	char request_id[33];
};

static void new_request_id(char out[33])
{
	unsigned char r[16];
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		uint64_t st = (uint64_t)bss_mono_ms() ^ (uint64_t)(uintptr_t)out;
		for (size_t i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)emu_rng_next(&st);
	}
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
}

void *emu_http_uri_logger(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct emu_req *req = calloc(1, sizeof(*req));
	if (!req)
		return NULL;
	req->uri = strdup(uri ? uri : "/");
	new_request_id(req->request_id);
	return req;
}

void emu_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			enum MHD_RequestTerminationCode toe)
{
	struct emu_req *req = *con_cls;
	if (!req)
		return;
	free(req->uri);
	free(req->body);
	free(req);
	*con_cls = NULL;
}

void emu_answer_json(struct emu_answer *ans, int status, json_object *obj)
{
	ans->status = status;
	free(ans->body);
	ans->body = NULL;
	ans->len = 0;
	if (obj) {
		const char *txt = bss_json_compact(obj);
		ans->body = strdup(txt ? txt : "null");
		ans->len = ans->body ? strlen(ans->body) : 0;
	}
}

void emu_answer_gateway(struct emu_answer *ans, int status, const char *code, const char *msg,
			const char *request_id)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "error_code", json_object_new_string(code));
	json_object_object_add(o, "error_msg", json_object_new_string(msg));
	json_object_object_add(o, "request_id", json_object_new_string(request_id));
	emu_answer_json(ans, status, o);
	json_object_put(o);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 32);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* Decodes %XX in place; '+' stays '+'. Invalid escapes are kept as is. */
static void percent_decode(char *s)
{
	char *w = s;
	for (const char *r = s; *r; r++) {
		int hi = r[0] == '%' ? hexval(r[1]) : -1;
		int lo = hi >= 0 ? hexval(r[2]) : -1;
		if (lo >= 0) {
			*w++ = (char)(hi * 16 + lo);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* Splits a copy of the raw query into decoded pairs (pointers into buf). */
static size_t parse_query(char *buf, struct emu_query_param *out, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *p = strtok_r(buf, "&", &save); p && n < max; p = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(p, '=');
		char *val = "";
		if (eq) {
			*eq = '\0';
			val = eq + 1;
		}
		percent_decode(p);
		percent_decode(val);
		if (!*p)
			continue;
		out[n].name = p;
		out[n].value = val;
		n++;
	}
	return n;
}

static const char *header_lookup(void *ctx, const char *lower_name)
{
	return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, lower_name);
}

static const struct bss_op *route(const char *method, const char *path, char *buf, size_t buflen,
				  const char **vals, size_t n_vals)
{
	static const enum bss_host hosts[] = { BSS_HOST_BSS, BSS_HOST_EPS, BSS_HOST_IAM };
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		const struct bss_op *op = bss_op_match(hosts[i], method, path, buf, buflen, vals, n_vals);
		if (op)
			return op;
	}
	return NULL;
}

static void error_for_op(struct emu_answer *ans, const struct bss_op *op, int status,
			 const char *bss_code, const char *eps_code, const char *msg)
{
	json_object *o = op->host == BSS_HOST_EPS ? emu_eps_error(eps_code, msg)
						  : emu_bss_error(bss_code, msg);
	emu_answer_json(ans, status, o);
	json_object_put(o);
}

/* Draws a fault and a latency for one call, under cfg_lock. */
static void draw(struct emu_server *s, const char *op_name, enum emu_fault *fault, int *latency)
{
	pthread_mutex_lock(&s->cfg_lock);
	*fault = emu_faults_pick(s->faults, op_name, emu_rng_unit(&s->rng));
	*latency = s->lat_min;
	if (s->lat_max > s->lat_min)
		*latency += (int)(emu_rng_next(&s->rng) % (uint64_t)(s->lat_max - s->lat_min + 1));
	pthread_mutex_unlock(&s->cfg_lock);
}

static void call_account(struct emu_server *s, const struct bss_op *op, const char **vals,
			 size_t n_vals, const char *query, struct emu_req *req, struct emu_answer *ans)
{
	char *qbuf = strdup(query ? query : "");
	struct emu_query_param params[EMU_MAX_QUERY_PARAMS];
	size_t n_params = qbuf ? parse_query(qbuf, params, EMU_MAX_QUERY_PARAMS) : 0;
	json_object *body = NULL;
	if (req->len > 0) {
		char why[128] = "";
		if (bss_json_parse(req->body, req->len, &body, why, sizeof(why)) != 0) {
			char msg[200];
			snprintf(msg, sizeof(msg), "Invalid request body: not valid JSON (%s)", why);
			error_for_op(ans, op, 400, "CBC.0100", "EPS.0002", msg);
			free(qbuf);
			return;
		}
	}
	struct emu_call call = {
		.op = op, .n_path_vals = n_vals, .query = params, .n_query = n_params,
		.body = body, .now_ms = emu_now_ms(),
	};
	for (size_t i = 0; i < n_vals && i < 4; i++)
		call.path_vals[i] = vals[i];
	int status;
	json_object *err = NULL;
	if (emu_validate(&call, &status, &err) != 0) {
		emu_answer_json(ans, status, err);
		json_object_put(err);
	} else {
		struct emu_reply reply = { 0, NULL };
		emu_account_handle(s->account, &call, &reply);
		emu_answer_json(ans, reply.status ? reply.status : 500, reply.body);
		json_object_put(reply.body);
	}
	json_object_put(body);
	free(qbuf);
}

static void throttle_answer(struct emu_server *s, struct emu_answer *ans, struct emu_req *req)
{
	int rps = emu_ratelimit_rps(s->rl);
	char msg[160];
	snprintf(msg, sizeof(msg),
		 "The throttling threshold has been reached: policy user over ratelimit,limit:%d,time:1 second",
		 rps > 0 ? rps : 10);
	emu_answer_gateway(ans, 429, "APIG.0308", msg, req->request_id);
}

/* The whole pipeline for a Huawei path; returns the latency to apply. */
static int handle_api(struct emu_server *s, struct MHD_Connection *conn, const char *method,
		      struct emu_req *req, char *path, const char *query, struct emu_answer *ans)
{
	atomic_fetch_add(&s->requests_total, 1);
	char buf[1024];
	const char *vals[4] = { NULL };
	const struct bss_op *op = route(method, path, buf, sizeof(buf), vals, 4);
	if (!op || !bss_op_on_site(op, s->site)) {
		emu_answer_gateway(ans, 404, "APIG.0101",
				   "The API does not exist or has not been published in the environment",
				   req->request_id);
		return 0;
	}
	atomic_fetch_add(&s->op_requests[op - bss_ops], 1);
	size_t n_vals = op->n_path_params < 4 ? op->n_path_params : 4;
	for (size_t i = 0; i < n_vals; i++)
		if (vals[i])
			percent_decode((char *)vals[i]);

	enum emu_fault fault;
	int latency;
	draw(s, op->name, &fault, &latency);

	if (req->too_large) {
		emu_answer_gateway(ans, 413, "APIG.0201", "Request entity too large", req->request_id);
		return latency;
	}
	struct bss_verify_input vin = {
		.method = method, .path = path, .query = query, .header = header_lookup,
		.header_ctx = conn, .body = req->body, .body_len = req->len,
	};
	char detail[512] = "";
	int64_t sign_now = s->sign_real_clock ? bss_wall_ms() : emu_now_ms();
	switch (emu_auth_check(s->auth, &vin, sign_now, detail, sizeof(detail))) {
	case EMU_AUTH_OK:
		break;
	case EMU_AUTH_UNAUTHORIZED: {
		char msg[600];
		snprintf(msg, sizeof(msg), "Incorrect IAM authentication information: %s", detail);
		atomic_fetch_add(&s->signature_failures, 1);
		emu_answer_gateway(ans, 401, "APIGW.0301", msg, req->request_id);
		bss_debug("%s %s: 401 %s", method, op->name, detail);
		return latency;
	}
	case EMU_AUTH_FORBIDDEN:
		emu_answer_gateway(ans, 403, "APIGW.0302", detail, req->request_id);
		return latency;
	}
	if (!emu_ratelimit_allow(s->rl, (size_t)(op - bss_ops), bss_mono_ms())) {
		atomic_fetch_add(&s->throttled, 1);
		throttle_answer(s, ans, req);
		return latency;
	}
	if (fault != EMU_FAULT_NONE) {
		atomic_fetch_add(&s->faults_injected, 1);
		bss_debug("%s: injecting fault %s", op->name, emu_fault_name(fault));
	}
	switch (fault) {
	case EMU_FAULT_500:
		error_for_op(ans, op, 500, "CBC.0999", "EPS.0001", "Other errors.");
		return latency;
	case EMU_FAULT_502:
		emu_answer_gateway(ans, 502, "APIG.0202", "Backend unavailable", req->request_id);
		return latency;
	case EMU_FAULT_503:
		emu_answer_gateway(ans, 503, "APIG.0202", "Backend unavailable", req->request_id);
		return latency;
	case EMU_FAULT_429:
		throttle_answer(s, ans, req);
		return latency;
	case EMU_FAULT_DROP:
		ans->fault = fault;
		return latency;
	default:
		break;
	}
	call_account(s, op, vals, n_vals, query, req, ans);
	ans->fault = fault;
	return latency;
}

struct trunc_ctx {
	char *body;
	size_t sent_max; /* bytes actually sent before the error */
};

static ssize_t trunc_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct trunc_ctx *t = cls;
	if (pos >= t->sent_max)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	size_t n = t->sent_max - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, t->body + pos, n);
	return (ssize_t)n;
}

static void trunc_free(void *cls)
{
	struct trunc_ctx *t = cls;
	free(t->body);
	free(t);
}

static enum MHD_Result send_answer(struct MHD_Connection *conn, struct emu_req *req,
				   struct emu_answer *ans)
{
	if (ans->fault == EMU_FAULT_DROP || ans->fault == EMU_FAULT_DROP_AFTER)
		return MHD_NO;
	struct MHD_Response *resp;
	if (ans->fault == EMU_FAULT_MALFORMED) {
		/* A strict prefix of a JSON document is never valid JSON. */
		if (ans->len < 2) {
			free(ans->body);
			ans->body = strdup("{\"");
			ans->len = ans->body ? 2 : 0;
		} else {
			ans->len /= 2;
		}
		ans->status = 200;
	}
	if (ans->fault == EMU_FAULT_TRUNCATE) {
		struct trunc_ctx *t = calloc(1, sizeof(*t));
		if (!t)
			return MHD_NO;
		if (ans->len == 0) {
			free(ans->body);
			ans->body = strdup("{}");
			ans->len = 2;
			ans->status = 200;
		}
		t->body = ans->body;
		t->sent_max = ans->len / 2;
		ans->body = NULL;
		resp = MHD_create_response_from_callback(ans->len, 4096, trunc_reader, t, trunc_free);
		if (!resp) {
			trunc_free(t);
			return MHD_NO;
		}
	} else {
		resp = MHD_create_response_from_buffer(ans->len, ans->body ? ans->body : (char *)"",
						       MHD_RESPMEM_MUST_COPY);
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "X-Request-Id", req->request_id);
	MHD_add_response_header(resp, "Content-Type", "application/json");
	/* The gateway's Date, by the emulator clock (--now). */
	char date[64];
	time_t now = (time_t)(emu_now_ms() / 1000);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	MHD_add_response_header(resp, "Date", date);
	enum MHD_Result r = MHD_queue_response(conn, (unsigned)ans->status, resp);
	MHD_destroy_response(resp);
	return r;
}

enum MHD_Result emu_http_access(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version, const char *upload_data,
				 size_t *upload_data_size, void **con_cls)
{
	struct emu_server *s = cls;
	struct emu_req *req = *con_cls;
	if (!req || !req->uri)
		return MHD_NO;
	if (!req->first_seen) {
		req->first_seen = true;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (req->too_large || req->len + n > EMU_MAX_BODY) {
			req->too_large = true;
			return MHD_YES;
		}
		if (req->len + n + 1 > req->cap) {
			size_t cap = req->cap ? req->cap : 4096;
			while (cap < req->len + n + 1)
				cap *= 2;
			char *nb = realloc(req->body, cap);
			if (!nb)
				return MHD_NO;
			req->body = nb;
			req->cap = cap;
		}
		memcpy(req->body + req->len, upload_data, n);
		req->len += n;
		req->body[req->len] = '\0';
		return MHD_YES;
	}

	/* The whole request is here. */
	char *path = strdup(req->uri);
	if (!path)
		return MHD_NO;
	char *q = strchr(path, '?');
	const char *query = NULL;
	if (q) {
		*q = '\0';
		query = q + 1;
	}
	char *frag = strchr(query ? (char *)query : path, '#');
	if (frag)
		*frag = '\0';
	struct emu_answer ans = { 0, NULL, 0, EMU_FAULT_NONE };
	int latency = 0;
	if (strncmp(path, "/_emulator/", 11) == 0)
		emu_control_handle(s, method, path, req->body, req->len, &ans);
	else
		latency = handle_api(s, conn, method, req, path, query, &ans);
	if (ans.status == 404 && !ans.body)
		emu_answer_gateway(&ans, 404, "APIG.0101",
				   "The API does not exist or has not been published in the environment",
				   req->request_id);
	bss_debug("%s %s -> %d%s%s", method, path, ans.status, ans.fault ? " fault " : "",
		  ans.fault ? emu_fault_name(ans.fault) : "");
	free(path);
	if (latency > 0)
		bss_sleep_ms(latency);
	enum MHD_Result r = send_answer(conn, req, &ans);
	free(ans.body);
	return r;
}
