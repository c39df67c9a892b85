/* Internals of the purchase module (src/purchase/): shared between the
 * validator, the outcome builder, the read-back and the engine. */
#ifndef BSSFS_PURCHASE_INTERNAL_H
#define BSSFS_PURCHASE_INTERNAL_H

#include <json-c/json.h>
#include <stddef.h>

#include "bssfs/client.h"
#include "bssfs/purchase.h"

/* ---- validate.c ---- */
void bss_purchase_reason(char *reason, size_t rlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
size_t bss_utf8_check(const unsigned char *s, size_t len);

/* ---- outcome.c ---- */
/* {"action", "mode", "time"}; NULL on ENOMEM. */
json_object *pc_outcome_new(const char *action, const char *mode);
/* Adds "error": {"http_status","error_code","error_msg","request_id"}. */
void pc_outcome_error(json_object *o, const struct bss_error *err);
void pc_set_str(json_object *o, const char *key, const char *val);
/* Serialises (pretty, newline-terminated), frees o, stores a malloc'd
 * string in *out. Returns rc, or -ENOMEM when serialising failed. */
int pc_outcome_finish(json_object *o, int rc, char **out);
/* A one-call wrapper that never leaves err uninitialised. */
struct pc_io {
	bss_call_fn call;
	void *ctx;
};
int pc_call(const struct pc_io *io, const struct bss_request *req, json_object **out,
	    struct bss_error *err);

/* ---- readback.c ---- */
/* Reads an order's status (ShowCustomerOrderDetails, else ListCustomerOrders
 * with order_id). 0 with *status, or -errno with err filled. The whole
 * order_info record is returned through *info (owned) when non-NULL. */
int pc_order_status(const struct pc_io *io, const char *order_id, int *status,
		    json_object **info, struct bss_error *err);
/* Newest order ids of an order type ("2" renewal, "4" unsubscription):
 * a json array (owned) or NULL with err filled. */
json_object *pc_order_ids_snapshot(const struct pc_io *io, const char *order_type,
				   struct bss_error *err);
/* After a lost answer: decides "applied" / "not applied" / "unknown" for
 * the action by reading back, and returns the "readback" object (owned).
 * `before` is the snapshot taken before submission (may be NULL). */
json_object *pc_readback(const struct pc_io *io, enum bss_action a, const char *op,
			 const char *id, json_object *body, json_object *before);
/* "applied" etc. of a readback object. */
const char *pc_readback_verdict(json_object *rb);

#endif
