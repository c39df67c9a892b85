/* The engine behind the control files: document -> validated body -> dry
 * run (priced) or one submission -> outcome (see bssfs/purchase.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bssfs/jsonx.h"
#include "bssfs/log.h"
#include "purchase/purchase_internal.h"

struct action_def {
	const char *file;       /* control file name */
	const char *op;         /* operation the document feeds */
	const char *path_field; /* what the path gives */
	bool on_order;
	unsigned inval;
};

#define INVAL_ALL (BSS_INVAL_ORDERS | BSS_INVAL_SUBSCRIPTIONS | BSS_INVAL_BALANCES | BSS_INVAL_COUPONS)

static const struct action_def defs[BSS_ACTION_COUNT] = {
	[BSS_ACTION_PAY] = { "pay", "PayOrders", "order_id", true, INVAL_ALL },
	[BSS_ACTION_CANCEL] = { "cancel", "CancelCustomerOrder", "order_id", true, INVAL_ALL },
	[BSS_ACTION_RENEW] = { "renew", "RenewalResources", "resource_ids", false, INVAL_ALL },
	[BSS_ACTION_AUTO_RENEW] = { "auto-renew", "AutoRenewalResources", "resource_id", false,
				    BSS_INVAL_SUBSCRIPTIONS },
	[BSS_ACTION_TO_ON_DEMAND] = { "to-on-demand", "UpdatePeriodToOnDemand", "resource_ids", false,
				      BSS_INVAL_SUBSCRIPTIONS },
	[BSS_ACTION_UNSUBSCRIBE] = { "unsubscribe", "CancelResourcesSubscription", "resource_ids",
				     false, INVAL_ALL },
};

static const char *const mode_names[] = { "off", "dry-run", "on" };

int bss_purchase_mode_parse(const char *s, enum bss_purchase_mode *out)
{
	for (int i = 0; s && i < 3; i++)
		if (strcmp(s, mode_names[i]) == 0) {
			*out = (enum bss_purchase_mode)i;
			return 0;
		}
	return -EINVAL;
}

const char *bss_purchase_mode_name(enum bss_purchase_mode m)
{
	return (unsigned)m < 3 ? mode_names[m] : "off";
}

int bss_action_from_name(const char *file, enum bss_action *out)
{
	for (int i = 0; file && i < BSS_ACTION_COUNT; i++)
		if (strcmp(file, defs[i].file) == 0) {
			*out = (enum bss_action)i;
			return 0;
		}
	return -ENOENT;
}

const char *bss_action_name(enum bss_action a)
{
	return (unsigned)a < BSS_ACTION_COUNT ? defs[a].file : NULL;
}

int bss_action_on_order(enum bss_action a)
{
	return (unsigned)a < BSS_ACTION_COUNT && defs[a].on_order;
}

unsigned bss_action_invalidates(enum bss_action a)
{
	return (unsigned)a < BSS_ACTION_COUNT ? defs[a].inval : 0;
}

unsigned bss_action_run_invalidates(enum bss_action a, enum bss_purchase_mode mode, int rc)
{
	if (mode != BSS_PURCHASE_ON || rc == -EINVAL || rc == -EACCES || rc == -ENODATA ||
	    rc == -ENOMEM)
		return 0;
	return bss_action_invalidates(a);
}

const char *const *bss_inval_paths(unsigned bit)
{
	static const char *const orders[] = { "orders/", NULL };
	static const char *const subs[] = { "subscriptions/", NULL };
	static const char *const bal[] = { "account/", NULL };
	static const char *const coup[] = { "coupons/", "packages/", NULL };
	switch (bit) {
	case BSS_INVAL_ORDERS: return orders;
	case BSS_INVAL_SUBSCRIPTIONS: return subs;
	case BSS_INVAL_BALANCES: return bal;
	case BSS_INVAL_COUPONS: return coup;
	default: return NULL;
	}
}

static int reject(json_object *o, const char *reason, char **out)
{
	pc_set_str(o, "result", "rejected");
	pc_set_str(o, "reason", reason);
	bss_info("purchase: %s rejected: %s", bss_json_get_str(o, "action"), reason);
	return pc_outcome_finish(o, -EINVAL, out);
}

/* "on" / "off" with surrounding whitespace, for auto-renew. */
static const char *plain_word(const char *doc, size_t len)
{
	while (len && strchr(" \t\r\n", doc[0])) {
		doc++;
		len--;
	}
	while (len && strchr(" \t\r\n", doc[len - 1]))
		len--;
	if (len == 2 && memcmp(doc, "on", 2) == 0)
		return "on";
	if (len == 3 && memcmp(doc, "off", 3) == 0)
		return "off";
	return NULL;
}

static bool id_ok(const char *id)
{
	if (!id || !*id || strlen(id) > 128)
		return false;
	for (const char *p = id; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '/' || *p == 0x7f)
			return false;
	return true;
}

/* The price a dry run reports. */
static json_object *dry_price(const struct pc_io *io, enum bss_action a, const char *op,
			      json_object *body, json_object *order)
{
	json_object *p = json_object_new_object();
	if (a == BSS_ACTION_PAY) {
		static const char *const keys[] = { "amount_after_discount", "official_amount",
						    "measure_id", "currency" };
		pc_set_str(p, "source", "ShowCustomerOrderDetails");
		for (size_t i = 0; i < 4; i++) {
			json_object *v = bss_json_get(order, keys[i]);
			if (v)
				json_object_object_add(p, keys[i], json_object_get(v));
		}
		return p;
	}
	if (a != BSS_ACTION_RENEW) {
		char r[160];
		snprintf(r, sizeof r, "no price inquiry is documented for %s", op);
		json_object_object_add(p, "available", json_object_new_boolean(0));
		pc_set_str(p, "reason", r);
		return p;
	}
	json_object *q = json_object_new_object();
	static const char *const keys[] = { "resource_ids", "period_type", "period_num" };
	for (size_t i = 0; i < 3; i++)
		json_object_object_add(q, keys[i], json_object_get(bss_json_get(body, keys[i])));
	pc_set_str(p, "operation", "ListRenewRateOnPeriod");
	json_object_object_add(p, "request", q);
	struct bss_request req = { .op = "ListRenewRateOnPeriod", .body = q };
	struct bss_error err;
	json_object *ans = NULL;
	if (pc_call(io, &req, &ans, &err) == 0)
		json_object_object_add(p, "quote", ans ? ans : json_object_new_object());
	else
		pc_outcome_error(p, &err);
	return p;
}

/* Builds and validates the body. 0, -ENODATA, or -EINVAL with reason. */
static int build_body(enum bss_action a, const char *id, const char *doc, size_t len,
		      const char **op, json_object **body, char *reason, size_t rlen)
{
	const struct action_def *d = &defs[a];
	*op = d->op;
	*body = NULL;
	if (a == BSS_ACTION_AUTO_RENEW && len <= 16) {
		const char *w = plain_word(doc, len);
		if (w && strcmp(w, "off") == 0) {
			*op = "CancelAutoRenewalResources";
			return 0; /* no body */
		}
		if (w) {
			*body = json_object_new_object();
			return *body ? 0 : -ENOMEM;
		}
	}
	int rc = bss_doc_parse(doc, len, body, reason, rlen);
	if (rc)
		return rc;
	if (json_object_object_get_ex(*body, d->path_field, NULL)) {
		bss_purchase_reason(reason, rlen,
				    "%s: given by the path, must not be in the document",
				    d->path_field);
		return -EINVAL;
	}
	if (a == BSS_ACTION_PAY) {
		/* "{}" pays from the balance with no coupon and no discount. */
		if (!json_object_object_get_ex(*body, "use_coupon", NULL))
			json_object_object_add(*body, "use_coupon", json_object_new_string("NO"));
		if (!json_object_object_get_ex(*body, "use_discount", NULL))
			json_object_object_add(*body, "use_discount", json_object_new_string("NO"));
	}
	if (strcmp(d->path_field, "order_id") == 0) {
		json_object_object_add(*body, "order_id", json_object_new_string(id));
	} else if (strcmp(d->path_field, "resource_ids") == 0) {
		json_object *ids = json_object_new_array();
		json_object_array_add(ids, json_object_new_string(id));
		json_object_object_add(*body, "resource_ids", ids);
	}
	return bss_op_body_validate(*op, *body, reason, rlen);
}

int bss_action_run_io(bss_call_fn call, void *ctx, enum bss_purchase_mode mode, enum bss_action a,
		      const char *id, const char *doc, size_t len, char **out)
{
	*out = NULL;
	if ((unsigned)a >= BSS_ACTION_COUNT)
		return -EINVAL;
	const struct pc_io io = { call, ctx };
	json_object *o = pc_outcome_new(defs[a].file, bss_purchase_mode_name(mode));
	if (!o)
		return -ENOMEM;
	if (mode != BSS_PURCHASE_DRY_RUN && mode != BSS_PURCHASE_ON) {
		pc_set_str(o, "result", "rejected");
		pc_set_str(o, "reason", "purchases are off (mount option purchases=off)");
		return pc_outcome_finish(o, -EACCES, out);
	}
	if (!id_ok(id))
		return reject(o, "invalid order or resource id in the path", out);

	char reason[400] = "";
	const char *op;
	json_object *body = NULL;
	int rc = build_body(a, id, doc ? doc : "", doc ? len : 0, &op, &body, reason, sizeof reason);
	if (rc == -ENODATA || rc == -ENOMEM) {
		json_object_put(o);
		return rc;
	}
	if (rc) {
		json_object_put(body);
		return reject(o, reason, out);
	}
	pc_set_str(o, "operation", op);
	json_object_object_add(o, "request", body ? json_object_get(body) : json_object_new_object());
	struct bss_kv pp[] = { { "resource_id", id } };
	if (a == BSS_ACTION_AUTO_RENEW) {
		json_object *p = json_object_new_object();
		pc_set_str(p, "resource_id", id);
		json_object_object_add(o, "path_params", p);
	}

	struct bss_error err;
	json_object *order = NULL;
	if (a == BSS_ACTION_PAY) {
		/* Never pay an order that is not pending payment (status 6). */
		int st = 0;
		rc = pc_order_status(&io, id, &st, &order, &err);
		if (rc) {
			pc_set_str(o, "result", "failed");
			pc_set_str(o, "reason", "could not read the order's status; nothing was paid");
			pc_outcome_error(o, &err);
			json_object_put(body);
			return pc_outcome_finish(o, rc, out);
		}
		if (st != 6) {
			snprintf(reason, sizeof reason,
				 "order %s is not pending payment (status %d); nothing was paid", id,
				 st);
			json_object_put(body);
			json_object_put(order);
			return reject(o, reason, out);
		}
	}

	if (mode == BSS_PURCHASE_DRY_RUN) {
		json_object_object_add(o, "price", dry_price(&io, a, op, body, order));
		pc_set_str(o, "result", "dry-run");
		json_object_put(body);
		json_object_put(order);
		return pc_outcome_finish(o, 0, out);
	}
	json_object_put(order);

	/* Orders that exist before the request, to recognise new ones if the
	 * answer is lost (renewal and unsubscription orders). */
	json_object *before = NULL;
	if (a == BSS_ACTION_RENEW || a == BSS_ACTION_UNSUBSCRIBE)
		before = pc_order_ids_snapshot(&io, a == BSS_ACTION_RENEW ? "2" : "4", &err);

	struct bss_request req = { .op = op, .body = body };
	if (a == BSS_ACTION_AUTO_RENEW) {
		req.path_params = pp;
		req.n_path_params = 1;
	}
	json_object *ans = NULL;
	bss_info("purchase: %s %s on %s: submitting once", defs[a].file, op, id);
	rc = pc_call(&io, &req, &ans, &err);
	if (rc == 0) {
		pc_set_str(o, "result", "submitted");
		json_object_object_add(o, "response", ans ? ans : json_object_new_object());
	} else if (!err.outcome_unknown) {
		pc_set_str(o, "result", "failed");
		pc_outcome_error(o, &err);
		bss_warn("purchase: %s %s on %s failed: %s %s (request %s)", defs[a].file, op, id,
			 err.code, err.message, err.request_id);
	} else {
		/* The request may have been applied: read back, never resend. */
		json_object *rb = pc_readback(&io, a, op, id, body, before);
		const char *v = pc_readback_verdict(rb);
		pc_set_str(o, "result", "unknown");
		pc_outcome_error(o, &err);
		bss_warn("purchase: %s %s on %s: answer lost, read back: %s", defs[a].file, op, id, v);
		rc = strcmp(v, "applied") == 0 ? 0 : -EIO;
		json_object_object_add(o, "readback", rb);
	}
	json_object_put(before);
	json_object_put(body);
	return pc_outcome_finish(o, rc, out);
}

static int client_call(void *ctx, const struct bss_request *req, json_object **out,
		       struct bss_error *err)
{
	return bss_client_call(ctx, req, out, err);
}

int bss_action_run(struct bss_client *c, enum bss_purchase_mode mode, enum bss_action a,
		   const char *id, const char *doc, size_t len, char **out)
{
	return bss_action_run_io(client_call, c, mode, a, id, doc, len, out);
}

int bss_price_run(struct bss_client *c, const char *doc, size_t len, char **out)
{
	return bss_price_run_io(client_call, c, doc, len, out);
}
