/* Orders: listing, details, discounts, payment and cancellation.  Payment
 * moves the cash balance and adds a fee record to the current month. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"
#include "bssfs/jsonx.h"

#define DAY_MS (86400LL * 1000)

static int64_t order_create_abs(const struct acct_order *o, int64_t now)
{
	return o->generated ? now + o->create_ms : o->create_ms;
}

static int64_t order_pay_abs(const struct acct_order *o, int64_t now)
{
	if (!o->payment_ms)
		return 0;
	return (o->generated && !o->payment_abs) ? now + o->payment_ms : o->payment_ms;
}

/* Money of orders: float64 in the API, written with 2 decimals. */
static void put_amount(json_object *o, const char *k, int64_t units)
{
	json_object_object_add(o, k, acct_money_json(units, 2));
}

static void put_time(json_object *o, const char *k, int64_t ms)
{
	char t[32];
	acct_fmt_time(ms, t);
	json_object_object_add(o, k, json_object_new_string(t));
}

static json_object *amount_info(int64_t discount)
{
	json_object *ai = json_object_new_object(), *ds = json_object_new_array();
	if (discount) {
		json_object *d = json_object_new_object();
		json_object_object_add(d, "discount_type", json_object_new_string("200"));
		put_amount(d, "discount_amount", discount);
		json_object_array_add(ds, d);
	}
	json_object_object_add(ai, "discounts", ds);
	put_amount(ai, "flexipurchase_coupon_amount", 0);
	put_amount(ai, "coupon_amount", 0);
	put_amount(ai, "stored_card_amount", 0);
	return ai;
}

/* CustomerOrderV2 / V3 (v3 adds user_name and pending_payment_end_time). */
static json_object *render_order(const struct emu_account *a, const struct acct_order *o, int64_t now, bool v3)
{
	const struct acct_res *r = &a->res[o->res];
	const struct acct_service *s = &acct_services[acct_rtypes[r->rtype].service];
	json_object *e = json_object_new_object();
	json_object_object_add(e, "order_id", json_object_new_string(o->id));
	json_object_object_add(e, "customer_id", json_object_new_string(a->domain_id));
	json_object_object_add(e, "service_type_code", json_object_new_string(s->code));
	json_object_object_add(e, "service_type_name", json_object_new_string(s->name));
	json_object_object_add(e, "source_type", json_object_new_int(1));
	json_object_object_add(e, "status", json_object_new_int(o->status));
	json_object_object_add(e, "order_type", json_object_new_int(o->order_type));
	put_amount(e, "amount_after_discount", o->official_units - o->discount_units);
	put_amount(e, "official_amount", o->official_units);
	json_object_object_add(e, "measure_id", json_object_new_int(1));
	int64_t created = order_create_abs(o, now);
	put_time(e, "create_time", created);
	int64_t paid = order_pay_abs(o, now);
	if (paid)
		put_time(e, "payment_time", paid);
	json_object_object_add(e, "currency", json_object_new_string(a->currency));
	json_object_object_add(e, "amount_info", amount_info(o->discount_units));
	if (v3) {
		json_object_object_add(e, "user_name", json_object_new_string(a->domain_name));
		if (o->status == 6)
			put_time(e, "pending_payment_end_time", created + 15 * DAY_MS);
	} else {
		json_object *eps = json_object_new_array(), *ep = json_object_new_object();
		json_object_object_add(ep, "id", json_object_new_string(a->eps[r->ep].id));
		json_object_object_add(ep, "name", json_object_new_string(a->eps[r->ep].name));
		json_object_array_add(eps, ep);
		json_object_object_add(e, "enterprise_projects", eps);
	}
	json_object_object_add(e, "sub_order_infos", json_object_new_array());
	return e;
}

static int find_order(const struct emu_account *a, const char *id)
{
	for (int i = 0; id && i < a->n_orders; i++)
		if (!strcasecmp(a->orders[i].id, id))
			return i;
	return -1;
}

struct order_key {
	int idx;
	int64_t t;
};

static int key_desc(const void *x, const void *y)
{
	const struct order_key *p = x, *q = y;
	return p->t < q->t ? 1 : p->t > q->t ? -1 : p->idx - q->idx;
}

static void h_list_orders(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			  struct emu_reply *r)
{
	long off, lim;
	acct_page(c, 10, &off, &lim);
	const char *oid = acct_param_str(c, "order_id");
	const char *svc = acct_param_str(c, "service_type_code");
	const char *otype = acct_param_str(c, "order_type");
	const char *order_by = acct_param_str(c, "order_by");
	long status = acct_param_long(c, "status", -1);
	/* UTC "yyyy-MM-ddTHH:mm:ssZ" texts compare in time order. */
	const char *cb = acct_param_str(c, "create_time_begin"), *ce = acct_param_str(c, "create_time_end");
	const char *pb = acct_param_str(c, "payment_time_begin"), *pe = acct_param_str(c, "payment_time_end");
	pthread_mutex_lock(&a->lock);
	struct order_key *keys = malloc(sizeof *keys * (size_t)(a->n_orders + 1));
	int n = 0;
	for (int i = 0; keys && i < a->n_orders; i++) {
		const struct acct_order *o = &a->orders[i];
		const char *code = acct_services[acct_rtypes[a->res[o->res].rtype].service].code;
		if ((oid && *oid && strcasecmp(oid, o->id)) || (svc && *svc && strcmp(svc, code)) ||
		    (status >= 0 && status != o->status) || (otype && *otype && atoi(otype) != o->order_type))
			continue;
		char ct[32], pt[32] = "";
		acct_fmt_time(order_create_abs(o, x->anchor_ms), ct);
		if (order_pay_abs(o, x->anchor_ms))
			acct_fmt_time(order_pay_abs(o, x->anchor_ms), pt);
		if ((cb && *cb && strcmp(ct, cb) < 0) || (ce && *ce && strcmp(ct, ce) > 0) ||
		    (pb && *pb && (!*pt || strcmp(pt, pb) < 0)) || (pe && *pe && (!*pt || strcmp(pt, pe) > 0)))
			continue;
		keys[n].idx = i;
		keys[n].t = order_create_abs(o, x->anchor_ms);
		n++;
	}
	if (keys)
		qsort(keys, (size_t)n, sizeof *keys, key_desc);
	if (keys && order_by && !strcmp(order_by, "createTime"))
		for (int i = 0; i < n / 2; i++) {
			struct order_key t = keys[i];
			keys[i] = keys[n - 1 - i];
			keys[n - 1 - i] = t;
		}
	json_object *arr = json_object_new_array();
	for (long i = off; i < n && i < off + lim; i++)
		json_object_array_add(arr, render_order(a, &a->orders[keys[i].idx], x->anchor_ms, false));
	pthread_mutex_unlock(&a->lock);
	free(keys);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "total_count", json_object_new_int(n));
	json_object_object_add(o, "order_infos", arr);
	acct_reply_ok(r, 200, o);
}

/* Line items: VM orders carry the VM and its system disk (70 % / 30 %). */
static int line_items(const struct emu_account *a, const struct acct_order *o, int64_t off[2], int64_t disc[2],
		      int rtype[2])
{
	int vm = a->res[o->res].rtype == 0;
	int64_t cents = o->official_units / 1000000, dc = o->discount_units / 1000000;
	rtype[0] = a->res[o->res].rtype;
	if (!vm) {
		off[0] = o->official_units;
		disc[0] = o->discount_units;
		return 1;
	}
	off[0] = cents * 70 / 100 * 1000000;
	off[1] = o->official_units - off[0];
	disc[0] = dc * 70 / 100 * 1000000;
	disc[1] = o->discount_units - disc[0];
	rtype[1] = 1;
	return 2;
}

static void h_order_details(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			    struct emu_reply *r)
{
	long off, lim;
	acct_page(c, 10, &off, &lim);
	const char *id = c->n_path_vals ? c->path_vals[0] : acct_param_str(c, "order_id");
	pthread_mutex_lock(&a->lock);
	int i = find_order(a, id);
	if (i < 0) {
		pthread_mutex_unlock(&a->lock);
		acct_reply_error(r, 400, "CBC.30000010", "The order does not exist.");
		return;
	}
	const struct acct_order *o = &a->orders[i];
	json_object *out = json_object_new_object(), *items = json_object_new_array();
	int64_t offi[2], disc[2];
	int rt[2];
	int n = line_items(a, o, offi, disc, rt);
	int64_t created = order_create_abs(o, x->anchor_ms);
	for (int k = (int)off; k < n && k < off + lim; k++) {
		const struct acct_rtype *t = &acct_rtypes[rt[k]];
		const char *svc = acct_services[t->service].code;
		json_object *e = json_object_new_object(), *bp = json_object_new_object();
		char lid[40];
		snprintf(lid, sizeof lid, "%s-%d", o->id, k + 1);
		json_object_object_add(e, "order_line_item_id", json_object_new_string(lid));
		json_object_object_add(e, "service_type_code", json_object_new_string(svc));
		json_object_object_add(e, "service_type_name", json_object_new_string(acct_services[t->service].name));
		json_object_object_add(e, "product_id", json_object_new_string("OFFI740586375357399041"));
		json_object_object_add(e, "product_spec_desc", json_object_new_string(t->spec));
		json_object_object_add(e, "period_type", json_object_new_int(o->order_type == 4 ? 5 : o->period_type));
		if (o->order_type != 4)
			json_object_object_add(e, "period_num", json_object_new_int(o->period_num));
		put_time(e, "effective_time", created);
		put_time(e, "expire_time", created + (int64_t)o->period_num * (o->period_type == 3 ? 365 : 30) * DAY_MS);
		json_object_object_add(e, "subscription_num", json_object_new_int(1));
		put_amount(e, "amount_after_discount", offi[k] - disc[k]);
		put_amount(e, "official_amount", offi[k]);
		json_object_object_add(e, "amount_info", amount_info(disc[k]));
		json_object_object_add(e, "currency", json_object_new_string(a->currency));
		json_object_object_add(e, "category_code", json_object_new_string(svc));
		json_object_object_add(e, "product_owner_service", json_object_new_string(svc));
		json_object_object_add(e, "commercial_resource", json_object_new_string(t->code));
		json_object_object_add(bp, "product_id", json_object_new_string("OFFI740586375357399041"));
		json_object_object_add(bp, "product_spec_desc", json_object_new_string(t->spec));
		json_object_object_add(bp, "category_code", json_object_new_string(svc));
		json_object_object_add(bp, "product_owner_service", json_object_new_string(svc));
		json_object_object_add(bp, "commercial_resource", json_object_new_string(t->code));
		json_object_object_add(e, "base_product_info", bp);
		json_object_object_add(e, "order_id", json_object_new_string(o->id));
		json_object_array_add(items, e);
	}
	json_object_object_add(out, "total_count", json_object_new_int(n));
	json_object_object_add(out, "order_info", render_order(a, o, x->anchor_ms, true));
	json_object_object_add(out, "order_line_items", items);
	pthread_mutex_unlock(&a->lock);
	acct_reply_ok(r, 200, out);
}

static void h_order_discounts(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			      struct emu_reply *r)
{
	const char *id = acct_param_str(c, "order_id");
	pthread_mutex_lock(&a->lock);
	int i = find_order(a, id);
	if (i < 0) {
		pthread_mutex_unlock(&a->lock);
		acct_reply_error(r, 400, "CBC.30000010", "The order does not exist.");
		return;
	}
	const struct acct_order *o = &a->orders[i];
	json_object *out = json_object_new_object(), *arr = json_object_new_array();
	if (o->status == 6) {
		int64_t offi[2], disc[2];
		int rt[2];
		int n = line_items(a, o, offi, disc, rt);
		json_object *d = json_object_new_object(), *ords = json_object_new_array(), *ord = json_object_new_object();
		json_object *lis = json_object_new_array(), *li = json_object_new_object(), *ids = json_object_new_array();
		char did[40], lid[40];
		snprintf(did, sizeof did, "DSC%08llx", (unsigned long long)(acct_mix(a->seed ^ (uint64_t)i) >> 32));
		json_object_object_add(d, "discount_id", json_object_new_string(did));
		json_object_object_add(d, "discount_value", json_object_new_string("0.95"));
		json_object_object_add(d, "discount_type", json_object_new_int(2));
		json_object_object_add(ord, "order_id", json_object_new_string(o->id));
		for (int k = 0; k < n; k++) {
			snprintf(lid, sizeof lid, "%s-%d", o->id, k + 1);
			json_object_array_add(ids, json_object_new_string(lid));
		}
		json_object_object_add(li, "order_line_item_ids", ids);
		json_object_object_add(li, "discount_mode", json_object_new_int(0));
		json_object_object_add(li, "discount_amount", acct_money_json((o->official_units / 2000000) * 100000, 8));
		json_object_object_add(li, "discount_ratio", bss_json_new_decimal("0.95"));
		json_object_array_add(lis, li);
		json_object_object_add(ord, "order_line_items", lis);
		json_object_array_add(ords, ord);
		json_object_object_add(d, "orders", ords);
		json_object_array_add(arr, d);
	}
	pthread_mutex_unlock(&a->lock);
	json_object_object_add(out, "discounts", arr);
	acct_reply_ok(r, 200, out);
}

/* Lock held. Records a payment of order i at now. */
static void pay_order(struct emu_account *a, const struct acct_ctx *x, int i)
{
	struct acct_order *o = &a->orders[i];
	int64_t amount = o->official_units - o->discount_units;
	o->status = 5;
	o->payment_ms = x->now_ms;
	o->payment_abs = true;
	a->balance_units -= amount;
	a->payments++;
	if (a->n_paid == a->cap_paid) {
		int cap = a->cap_paid ? a->cap_paid * 2 : 16;
		struct acct_paid *p = realloc(a->paid, sizeof *p * (size_t)cap);
		if (!p)
			return;
		a->paid = p;
		a->cap_paid = cap;
	}
	struct acct_paid *p = &a->paid[a->n_paid++];
	memset(p, 0, sizeof *p);
	p->mk = x->cur_mk;
	p->day = x->today;
	p->res = o->res;
	p->bill_type = o->order_type == 2 ? 2 : 1;
	p->units = amount;
	p->time_ms = x->now_ms;
	snprintf(p->trade_id, sizeof p->trade_id, "%s", o->id);
	if (o->order_type == 2) {
		struct acct_res *r = &a->res[o->res];
		r->expire_ms += (int64_t)o->period_num * (o->period_type == 3 ? 365 : 30) * DAY_MS;
	}
}

int acct_pay_order_locked(struct emu_account *a, const struct acct_ctx *x, int i)
{
	pay_order(a, x, i);
	return 0;
}

/* The call's order_id if it names an order pending payment; otherwise
 * answers the matching error, unlocks a->lock and returns -1. Lock held. */
static int pending_order_locked(struct emu_account *a, const struct emu_call *c, struct emu_reply *r,
				const char *missing_code, const char *missing_msg,
				const char *status_code, const char *status_msg)
{
	int i = find_order(a, acct_param_str(c, "order_id"));
	if (i >= 0 && a->orders[i].status == 6)
		return i;
	pthread_mutex_unlock(&a->lock);
	if (i < 0)
		acct_reply_error(r, 400, missing_code, missing_msg);
	else
		acct_reply_error(r, 400, status_code, status_msg);
	return -1;
}

static void h_pay(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c, struct emu_reply *r)
{
	pthread_mutex_lock(&a->lock);
	int i = pending_order_locked(a, c, r, "CBC.30000010", "Invalid order: the order does not exist.",
				     "CBC.30000010", "Invalid order: the order is not pending payment.");
	if (i < 0)
		return;
	pay_order(a, x, i);
	acct_count_change(a, c->op->name);
	pthread_mutex_unlock(&a->lock);
	acct_reply_ok(r, c->op->success_status, NULL);
}

static void h_cancel(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c, struct emu_reply *r)
{
	pthread_mutex_lock(&a->lock);
	int i = pending_order_locked(a, c, r, "CBC.0100", "Invalid parameter: the order does not exist.",
				     "CBC.99005010", "The order status does not allow cancellation.");
	if (i < 0)
		return;
	a->orders[i].status = 4;
	acct_count_change(a, c->op->name);
	pthread_mutex_unlock(&a->lock);
	acct_reply_ok(r, c->op->success_status, NULL);
}

acct_handler acct_orders_handler(const char *op)
{
	static const struct {
		const char *name;
		acct_handler h;
	} t[] = {
		{ "ListCustomerOrders", h_list_orders }, { "ShowCustomerOrderDetails", h_order_details },
		{ "ListOrderDiscounts", h_order_discounts }, { "PayOrders", h_pay },
		{ "CancelCustomerOrder", h_cancel },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, op))
			return t[i].h;
	return NULL;
}
