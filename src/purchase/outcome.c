/* The outcome document a control file reads back, and small helpers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bssfs/clock.h"
#include "purchase/purchase_internal.h"

void pc_set_str(json_object *o, const char *key, const char *val)
{
	if (o && val)
		json_object_object_add(o, key, json_object_new_string(val));
}

json_object *pc_outcome_new(const char *action, const char *mode)
{
	json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	char when[32];
	int64_t ms = bss_wall_ms();
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	pc_set_str(o, "action", action);
	pc_set_str(o, "mode", mode);
	pc_set_str(o, "time", when);
	return o;
}

void pc_outcome_error(json_object *o, const struct bss_error *err)
{
	json_object *e = json_object_new_object();
	if (!e)
		return;
	json_object_object_add(e, "http_status", json_object_new_int(err->http_status));
	pc_set_str(e, "error_code", err->code);
	pc_set_str(e, "error_msg", err->message);
	pc_set_str(e, "request_id", err->request_id);
	json_object_object_add(o, "error", e);
}

int pc_outcome_finish(json_object *o, int rc, char **out)
{
	*out = NULL;
	if (!o)
		return -ENOMEM;
	const char *s = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	char *copy = NULL;
	if (s) {
		size_t n = strlen(s);
		copy = malloc(n + 2);
		if (copy) {
			memcpy(copy, s, n);
			copy[n] = '\n';
			copy[n + 1] = '\0';
		}
	}
	json_object_put(o);
	if (!copy)
		return -ENOMEM;
	*out = copy;
	return rc;
}

int pc_call(const struct pc_io *io, const struct bss_request *req, json_object **out,
	    struct bss_error *err)
{
	memset(err, 0, sizeof *err);
	*out = NULL;
	int rc = io->call(io->ctx, req, out, err);
	if (rc && !err->op[0])
		snprintf(err->op, sizeof err->op, "%s", req->op);
	if (rc && !err->message[0])
		snprintf(err->message, sizeof err->message, "%s", strerror(-rc));
	return rc;
}
