/* A fake synthetic account for the front-end tests: it echoes what the
 * front end passed (operation, decoded path values, decoded query, body)
 * so tests can see routing and decoding, answers PayOrders with 204 and
 * counts it as a payment, and records resets. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "emulator/emu.h"

struct emu_account {
	_Atomic int payments;
	_Atomic int resets;
};

struct emu_account *emu_account_new(const struct emu_account_config *cfg)
{
	(void)cfg;
	return calloc(1, sizeof(struct emu_account));
}

void emu_account_free(struct emu_account *a) { free(a); }

void emu_account_reset(struct emu_account *a)
{
	atomic_store(&a->payments, 0);
	atomic_fetch_add(&a->resets, 1);
}

const char *emu_call_query(const struct emu_call *c, const char *name)
{
	for (size_t i = 0; i < c->n_query; i++)
		if (strcmp(c->query[i].name, name) == 0)
			return c->query[i].value;
	return NULL;
}

int emu_account_handle(struct emu_account *a, const struct emu_call *c, struct emu_reply *reply)
{
	if (strcmp(c->op->name, "PayOrders") == 0) {
		atomic_fetch_add(&a->payments, 1);
		reply->status = 204;
		reply->body = NULL;
		return 0;
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "op", json_object_new_string(c->op->name));
	json_object *path = json_object_new_array();
	for (size_t i = 0; i < c->n_path_vals; i++)
		json_object_array_add(path, json_object_new_string(c->path_vals[i]));
	json_object_object_add(o, "path", path);
	json_object *q = json_object_new_object();
	for (size_t i = 0; i < c->n_query; i++)
		json_object_object_add(q, c->query[i].name, json_object_new_string(c->query[i].value));
	json_object_object_add(o, "query", q);
	json_object_object_add(o, "body", c->body ? json_object_get(c->body) : NULL);
	json_object_object_add(o, "amount", json_object_new_string("12.3400"));
	reply->status = c->op->success_status == 204 ? 204 : 200;
	if (reply->status == 204) {
		json_object_put(o);
		o = NULL;
	}
	reply->body = o;
	return 0;
}

void emu_account_stats(struct emu_account *a, json_object *stats)
{
	json_object_object_add(stats, "payments", json_object_new_int(atomic_load(&a->payments)));
	json_object *sc = json_object_new_object();
	json_object_object_add(sc, "resets", json_object_new_int(atomic_load(&a->resets)));
	json_object_object_add(stats, "state_changes", sc);
}

static json_object *error_body(const char *code, const char *msg)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "error_code", json_object_new_string(code));
	json_object_object_add(o, "error_msg", json_object_new_string(msg));
	return o;
}

json_object *emu_bss_error(const char *code, const char *msg) { return error_body(code, msg); }

json_object *emu_eps_error(const char *code, const char *msg)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "error", error_body(code, msg));
	return o;
}
