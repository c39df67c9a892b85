/* Reading an order or a resource back after a write whose answer was lost.
 * Only idempotent reads happen here; nothing is ever resent. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bssfs/jsonx.h"
#include "purchase/purchase_internal.h"

static int read_int(json_object *o, const char *key, int *out)
{
	json_object *v = bss_json_get(o, key);
	if (!v)
		return -ENOENT;
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int(v);
		return 0;
	}
	if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		char *end;
		long x = strtol(s, &end, 10);
		if (*s && !*end) {
			*out = (int)x;
			return 0;
		}
	}
	return -EINVAL;
}

int pc_order_status(const struct pc_io *io, const char *order_id, int *status, json_object **info,
		    struct bss_error *err)
{
	if (info)
		*info = NULL;
	struct bss_kv path[] = { { "order_id", order_id } };
	struct bss_kv q[] = { { "offset", "0" }, { "limit", "1" } };
	struct bss_request req = { .op = "ShowCustomerOrderDetails", .path_params = path,
				   .n_path_params = 1, .query = q, .n_query = 2 };
	json_object *ans = NULL;
	int rc = pc_call(io, &req, &ans, err);
	json_object *rec = NULL;
	if (rc == 0)
		rec = bss_json_get(ans, "order_info");
	if (rc == 0 && !rec) {
		json_object_put(ans);
		ans = NULL;
		rc = -EIO;
	}
	if (rc) {
		/* Fall back on the list, filtered by the order id. */
		struct bss_error e2;
		struct bss_kv lq[] = { { "order_id", order_id }, { "offset", "0" }, { "limit", "10" } };
		struct bss_request lr = { .op = "ListCustomerOrders", .query = lq, .n_query = 3 };
		if (pc_call(io, &lr, &ans, &e2) != 0)
			return rc; /* err holds the first failure */
		json_object *list = bss_json_get(ans, "order_infos");
		size_t n = list && json_object_is_type(list, json_type_array)
				   ? json_object_array_length(list)
				   : 0;
		for (size_t i = 0; i < n && !rec; i++) {
			json_object *r = json_object_array_get_idx(list, i);
			const char *id = bss_json_get_str(r, "order_id");
			if (id && strcasecmp(id, order_id) == 0)
				rec = r;
		}
		if (!rec) {
			json_object_put(ans);
			memset(err, 0, sizeof *err);
			snprintf(err->op, sizeof err->op, "ListCustomerOrders");
			snprintf(err->code, sizeof err->code, "BSSFS.NOT_FOUND");
			snprintf(err->message, sizeof err->message, "order %s not found", order_id);
			return -ENOENT;
		}
	}
	if (read_int(rec, "status", status) != 0) {
		json_object_put(ans);
		memset(err, 0, sizeof *err);
		snprintf(err->code, sizeof err->code, "BSSFS.NO_STATUS");
		snprintf(err->message, sizeof err->message, "order %s has no status", order_id);
		return -EIO;
	}
	if (info)
		*info = json_object_get(rec);
	json_object_put(ans);
	return 0;
}

json_object *pc_order_ids_snapshot(const struct pc_io *io, const char *order_type,
				   struct bss_error *err)
{
	struct bss_kv q[] = { { "order_type", order_type }, { "order_by", "-createTime" },
			      { "offset", "0" }, { "limit", "100" } };
	struct bss_request req = { .op = "ListCustomerOrders", .query = q, .n_query = 4 };
	json_object *ans = NULL;
	if (pc_call(io, &req, &ans, err) != 0)
		return NULL;
	json_object *ids = json_object_new_array();
	json_object *list = bss_json_get(ans, "order_infos");
	size_t n = list && json_object_is_type(list, json_type_array) ? json_object_array_length(list)
								      : 0;
	for (size_t i = 0; ids && i < n; i++) {
		const char *id = bss_json_get_str(json_object_array_get_idx(list, i), "order_id");
		if (id)
			json_object_array_add(ids, json_object_new_string(id));
	}
	json_object_put(ans);
	return ids;
}

static bool array_has(json_object *arr, const char *s)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), s) == 0)
			return true;
	return false;
}

/* The resource's record from ListPayPerUseCustomerResources in *rec (NULL
 * when the query worked but the resource is not listed). 0 or -errno. */
static int resource_record(const struct pc_io *io, const char *id, json_object **out,
			   struct bss_error *err)
{
	*out = NULL;
	json_object *body = json_object_new_object();
	json_object *ids = json_object_new_array();
	json_object_array_add(ids, json_object_new_string(id));
	json_object_object_add(body, "resource_ids", ids);
	json_object_object_add(body, "only_main_resource", json_object_new_int(1));
	struct bss_request req = { .op = "ListPayPerUseCustomerResources", .body = body };
	json_object *ans = NULL;
	int rc = pc_call(io, &req, &ans, err);
	json_object_put(body);
	if (rc)
		return rc;
	json_object *list = bss_json_get(ans, "data"), *rec = NULL;
	for (size_t i = 0; list && i < json_object_array_length(list) && !rec; i++) {
		json_object *r = json_object_array_get_idx(list, i);
		const char *rid = bss_json_get_str(r, "resource_id");
		if (rid && strcmp(rid, id) == 0)
			rec = json_object_get(r);
	}
	json_object_put(ans);
	*out = rec;
	return 0;
}

static void verdict(json_object *rb, const char *v, const char *detail)
{
	pc_set_str(rb, "verdict", v);
	pc_set_str(rb, "detail", detail);
}

static void rb_error(json_object *rb, const struct bss_error *err, const char *what)
{
	char d[700];
	snprintf(d, sizeof d, "%s failed: %s %s", what, err->code, err->message);
	verdict(rb, "unknown", d);
}

/* Orders of the action's type that appeared since `before`. */
static void order_diff(const struct pc_io *io, json_object *rb, const char *type,
		       json_object *before)
{
	struct bss_error err;
	pc_set_str(rb, "operation", "ListCustomerOrders");
	if (!before) {
		verdict(rb, "unknown", "no order list was taken before the request");
		return;
	}
	json_object *after = pc_order_ids_snapshot(io, type, &err);
	if (!after) {
		rb_error(rb, &err, "ListCustomerOrders");
		return;
	}
	json_object *fresh = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(after); i++) {
		const char *id = json_object_get_string(json_object_array_get_idx(after, i));
		if (!array_has(before, id))
			json_object_array_add(fresh, json_object_new_string(id));
	}
	json_object_put(after);
	size_t n = json_object_array_length(fresh);
	json_object_object_add(rb, "new_order_ids", fresh);
	verdict(rb, n ? "applied" : "not applied",
		n ? "new orders of this type appeared after the request"
		  : "no new order of this type appeared after the request");
}

json_object *pc_readback(const struct pc_io *io, enum bss_action a, const char *op,
			 const char *id, json_object *body, json_object *before)
{
	json_object *rb = json_object_new_object();
	if (!rb)
		return NULL;
	struct bss_error err;
	char d[256];
	if (a == BSS_ACTION_PAY || a == BSS_ACTION_CANCEL) {
		int st = 0;
		pc_set_str(rb, "operation", "ShowCustomerOrderDetails");
		pc_set_str(rb, "order_id", id);
		if (pc_order_status(io, id, &st, NULL, &err) != 0) {
			rb_error(rb, &err, "reading the order");
			return rb;
		}
		json_object_object_add(rb, "status", json_object_new_int(st));
		bool done = a == BSS_ACTION_PAY ? (st == 5 || st == 3) : st == 4;
		bool not_done = st == 6 || (a == BSS_ACTION_PAY && st == 4);
		snprintf(d, sizeof d, "order status is %d", st);
		verdict(rb, done ? "applied" : not_done ? "not applied" : "unknown", d);
		return rb;
	}
	if (a == BSS_ACTION_RENEW) {
		order_diff(io, rb, "2", before);
		return rb;
	}
	int utype = 0;
	json_object *ut = bss_json_get(body, "unsubscribe_type");
	if (ut)
		utype = json_object_get_int(ut);
	if (a == BSS_ACTION_UNSUBSCRIBE && utype == 2) {
		order_diff(io, rb, "4", before);
		return rb;
	}
	bool found;
	pc_set_str(rb, "operation", "ListPayPerUseCustomerResources");
	pc_set_str(rb, "resource_id", id);
	json_object *rec = NULL;
	if (resource_record(io, id, &rec, &err) != 0) {
		rb_error(rb, &err, "reading the resource");
		return rb;
	}
	found = rec != NULL;
	int st = -1, pol = -1;
	if (rec) {
		read_int(rec, "status", &st);
		read_int(rec, "expire_policy", &pol);
		json_object_object_add(rb, "status", json_object_new_int(st));
		json_object_object_add(rb, "expire_policy", json_object_new_int(pol));
	}
	json_object_put(rec);
	if (a == BSS_ACTION_UNSUBSCRIBE) {
		if (!found || st != 2)
			verdict(rb, "applied", found ? "the resource is no longer in use"
						     : "the resource is no longer listed");
		else
			order_diff(io, rb, "4", before);
		return rb;
	}
	if (!found) {
		verdict(rb, "unknown", "the resource is not listed");
		return rb;
	}
	bool want;
	if (a == BSS_ACTION_AUTO_RENEW)
		want = strcmp(op, "AutoRenewalResources") == 0 ? pol == 3 : pol != 3;
	else /* to-on-demand: SET_UP -> policy 1 (switch to pay-per-use) */
		want = strcmp(bss_json_get_str(body, "operation") ? bss_json_get_str(body, "operation")
								     : "",
			      "SET_UP") == 0
			       ? pol == 1
			       : pol != 1;
	snprintf(d, sizeof d, "expire_policy is %d", pol);
	verdict(rb, want ? "applied" : "not applied", d);
	return rb;
}

const char *pc_readback_verdict(json_object *rb)
{
	const char *v = bss_json_get_str(rb, "verdict");
	return v ? v : "unknown";
}
