/* The emulator's control API under /_emulator/ (never signed, no latency,
 * no faults, not counted):
 *
 *   GET  /_emulator/stats    counters (below)
 *   POST /_emulator/reset    zero counters, lockouts and rate windows,
 *                            reseed the fault PRNG, restore the account
 *   GET|POST /_emulator/faults   {"spec": "500=0.05;PayOrders:drop_after=1"}
 *   GET|POST /_emulator/latency  {"ms": "10-50"} or {"ms": 25}; "0" = none
 *
 * Stats: "requests" counts, per SDK operation name, every request that
 * reached routing (matched an operation of the site), whatever happened to
 * it next (401, 429, 400, fault, answer); operations never called are
 * absent.  "requests_total" counts every request to a non-control path,
 * including 404s.  "throttled" counts real rate-limit rejections only;
 * injected 429s count in "faults_injected".  "payments" and
 * "state_changes" come from the account. */
#include <stdio.h>
#include <string.h>

#include "bssfs/jsonx.h"
#include "bssfs/log.h"
#include "emulator/front.h"
#include "emulator/server.h"

json_object *emu_server_stats(struct emu_server *s)
{
	json_object *o = json_object_new_object();
	json_object *req = json_object_new_object();
	for (size_t i = 0; i < bss_ops_count; i++) {
		long n = atomic_load(&s->op_requests[i]);
		if (n)
			json_object_object_add(req, bss_ops[i].name, json_object_new_int64(n));
	}
	json_object_object_add(o, "requests", req);
	json_object_object_add(o, "requests_total", json_object_new_int64(atomic_load(&s->requests_total)));
	json_object_object_add(o, "signature_failures",
			       json_object_new_int64(atomic_load(&s->signature_failures)));
	json_object_object_add(o, "throttled", json_object_new_int64(atomic_load(&s->throttled)));
	json_object_object_add(o, "faults_injected",
			       json_object_new_int64(atomic_load(&s->faults_injected)));
	emu_account_stats(s->account, o);
	return o;
}

void emu_server_reset(struct emu_server *s)
{
	for (size_t i = 0; i < bss_ops_count; i++)
		atomic_store(&s->op_requests[i], 0);
	atomic_store(&s->requests_total, 0);
	atomic_store(&s->signature_failures, 0);
	atomic_store(&s->throttled, 0);
	atomic_store(&s->faults_injected, 0);
	emu_auth_reset(s->auth);
	emu_ratelimit_reset(s->rl);
	pthread_mutex_lock(&s->cfg_lock);
	s->rng = s->seed;
	pthread_mutex_unlock(&s->cfg_lock);
	emu_account_reset(s->account);
	bss_info("state reset");
}

static void control_error(struct emu_answer *ans, int status, const char *msg)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(msg));
	emu_answer_json(ans, status, o);
	json_object_put(o);
}

static void answer_settings(struct emu_server *s, struct emu_answer *ans)
{
	json_object *o = json_object_new_object();
	pthread_mutex_lock(&s->cfg_lock);
	json_object_object_add(o, "spec", json_object_new_string(emu_faults_spec(s->faults)));
	char ms[48];
	if (s->lat_max > s->lat_min)
		snprintf(ms, sizeof(ms), "%d-%d", s->lat_min, s->lat_max);
	else
		snprintf(ms, sizeof(ms), "%d", s->lat_min);
	pthread_mutex_unlock(&s->cfg_lock);
	json_object_object_add(o, "ms", json_object_new_string(ms));
	emu_answer_json(ans, 200, o);
	json_object_put(o);
}

/* The value of `key` in a JSON object body as text (numbers keep their
 * text); NULL when absent or when the body is not an object. */
static int body_setting(const char *body, size_t len, const char *key, json_object **doc,
			const char **out)
{
	*out = NULL;
	*doc = NULL;
	if (bss_json_parse(body ? body : "", len, doc, NULL, 0) != 0 ||
	    !json_object_is_type(*doc, json_type_object))
		return -1;
	json_object *v = bss_json_get(*doc, key);
	if (!v)
		return -1;
	if (json_object_is_type(v, json_type_string))
		*out = json_object_get_string(v);
	else if (json_object_is_type(v, json_type_int))
		*out = json_object_get_string(v);
	return *out ? 0 : -1;
}

void emu_control_handle(struct emu_server *s, const char *method, const char *path,
			const char *body, size_t len, struct emu_answer *ans)
{
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
	const char *what = path + strlen("/_emulator/");
	if (strcmp(what, "stats") == 0 && get) {
		json_object *o = emu_server_stats(s);
		emu_answer_json(ans, 200, o);
		json_object_put(o);
	} else if (strcmp(what, "reset") == 0 && post) {
		emu_server_reset(s);
		json_object *o = emu_server_stats(s);
		emu_answer_json(ans, 200, o);
		json_object_put(o);
	} else if ((strcmp(what, "faults") == 0 || strcmp(what, "latency") == 0) && (get || post)) {
		bool faults = what[0] == 'f';
		if (post) {
			json_object *doc = NULL;
			const char *v = NULL;
			char why[160] = "";
			if (body_setting(body, len, faults ? "spec" : "ms", &doc, &v) != 0) {
				control_error(ans, 400, faults ? "expected {\"spec\": \"KIND=P,...\"}"
							       : "expected {\"ms\": \"N\" or \"MIN-MAX\"}");
			} else if (faults ? emu_server_set_faults(s, v, why, sizeof(why)) != 0
					  : emu_server_set_latency(s, v) != 0) {
				control_error(ans, 400, faults ? why : "latency must be N or MIN-MAX milliseconds");
			} else {
				bss_info("%s set to %s", faults ? "faults" : "latency", v);
			}
			json_object_put(doc);
			if (ans->status)
				return;
		}
		answer_settings(s, ans);
	} else {
		ans->status = 404; /* the caller writes the gateway body */
	}
}
