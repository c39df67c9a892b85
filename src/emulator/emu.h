/* Interface between the emulator's HTTP front end (server.c, auth, limits,
 * faults, control API, generic validation) and its synthetic account
 * (account*.c: data generation, operation handlers, state changes).
 *
 * The front end routes a request to an operation of bssfs/api.h, verifies
 * its signature, applies rate limits and faults, validates parameters
 * against the operation's schema (required, types, documented ranges), and
 * then calls emu_account_handle().  The account answers with a JSON body
 * built from the seed; it does its own semantic checks (unknown order id,
 * month outside the window, order not pending payment ...). */
#ifndef BSSFS_EMU_H
#define BSSFS_EMU_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bssfs/api.h"

enum emu_scale { EMU_SCALE_TINY, EMU_SCALE_SMALL, EMU_SCALE_LARGE, EMU_SCALE_HUGE };

struct emu_account_config {
	uint64_t seed;
	enum emu_scale scale;
	int resources;          /* 0 = from scale */
	int months;             /* history months; 0 = from scale */
	long records_per_month; /* 0 = from scale */
	unsigned site;          /* BSS_SITE_INTL or BSS_SITE_CN */
	const char *domain_id;
	const char *domain_name;
};

/* The emulator clock (UTC ms). Set by the front end from --now; advances in
 * real time from that start. */
int64_t emu_now_ms(void);
void emu_clock_set_start(int64_t start_ms); /* 0 = real time */

struct emu_account;

struct emu_account *emu_account_new(const struct emu_account_config *cfg);
void emu_account_free(struct emu_account *a);
/* Restores the account as generated (balances, orders, subscriptions). */
void emu_account_reset(struct emu_account *a);

struct emu_query_param {
	const char *name;  /* decoded */
	const char *value; /* decoded */
};

struct emu_call {
	const struct bss_op *op;
	const char *path_vals[4]; /* {param} values in template order */
	size_t n_path_vals;
	const struct emu_query_param *query;
	size_t n_query;
	json_object *body; /* parsed body or NULL */
	int64_t now_ms;
};

/* First value of a query parameter, or NULL. */
const char *emu_call_query(const struct emu_call *c, const char *name);

struct emu_reply {
	int status;
	json_object *body; /* owned by the reply; NULL = empty body */
};

/* Answers a validated call. Always fills reply (success or an error body
 * such as {"error_code":"CBC.0100",...}); returns 0. Thread-safe. */
int emu_account_handle(struct emu_account *a, const struct emu_call *c, struct emu_reply *reply);

/* Adds "payments" (number) and "state_changes" ({op: N}) to stats. */
void emu_account_stats(struct emu_account *a, json_object *stats);

/* Error bodies in the API's shapes. */
json_object *emu_bss_error(const char *code, const char *msg);
json_object *emu_eps_error(const char *code, const char *msg);

#endif
