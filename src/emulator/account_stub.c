/* Stand-in for the synthetic account (src/emulator/account/), built into
 * libbssemu only while that directory adds no sources, so the front end,
 * its tests and the program link and run before the account lands.  Every
 * operation answers 200 {} (204 where the operation has no body), ListX
 * operations an empty record list.  Not the product: see account/. */
#include <stdlib.h>
#include <string.h>

#include "emulator/emu.h"

struct emu_account {
	int unused;
};

struct emu_account *emu_account_new(const struct emu_account_config *cfg)
{
	(void)cfg;
	return calloc(1, sizeof(struct emu_account));
}

void emu_account_free(struct emu_account *a) { free(a); }
void emu_account_reset(struct emu_account *a) { (void)a; }

const char *emu_call_query(const struct emu_call *c, const char *name)
{
	for (size_t i = 0; i < c->n_query; i++)
		if (strcmp(c->query[i].name, name) == 0)
			return c->query[i].value;
	return NULL;
}

int emu_account_handle(struct emu_account *a, const struct emu_call *c, struct emu_reply *reply)
{
	(void)a;
	reply->status = c->op->success_status;
	reply->body = NULL;
	if (reply->status == 204)
		return 0;
	reply->body = json_object_new_object();
	if (c->op->records_key)
		json_object_object_add(reply->body, c->op->records_key, json_object_new_array());
	if (c->op->total_key)
		json_object_object_add(reply->body, c->op->total_key, json_object_new_int(0));
	return 0;
}

void emu_account_stats(struct emu_account *a, json_object *stats)
{
	(void)a;
	json_object_object_add(stats, "payments", json_object_new_int(0));
	json_object_object_add(stats, "state_changes", json_object_new_object());
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
