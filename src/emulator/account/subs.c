/* Subscriptions and prices: the resource list (ListPayPerUseCustomerResources),
 * renewal, auto-renewal, switch to pay-per-use, unsubscription, and the
 * three price inquiries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"
#include "bssfs/dec.h"
#include "bssfs/jsonx.h"

#define DAY_MS (86400LL * 1000)

static int64_t today_start(const struct acct_ctx *x)
{
	return acct_day_start_ms(x->cur_mk, x->today);
}

static void put_time(json_object *o, const char *k, int64_t ms)
{
	char t[32];
	acct_fmt_time(ms, t);
	json_object_object_add(o, k, json_object_new_string(t));
}

static int find_res(const struct emu_account *a, const char *id)
{
	for (int i = 0; id && i < a->nres; i++)
		if (!strcmp(a->res[i].id, id))
			return i;
	return -1;
}

static bool in_int_array(json_object *arr, int v)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		if (json_object_get_int(json_object_array_get_idx(arr, i)) == v)
			return true;
	return false;
}

static bool in_str_array(json_object *arr, const char *v)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), v))
			return true;
	return false;
}

static void h_resources(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			struct emu_reply *r)
{
	long off, lim;
	acct_page(c, 10, &off, &lim);
	json_object *ids = bss_json_get(c->body, "resource_ids");
	json_object *sts = bss_json_get(c->body, "status_list");
	const char *svc = acct_param_str(c, "service_type_code");
	const char *oid = acct_param_str(c, "order_id");
	if (ids && !json_object_is_type(ids, json_type_array))
		ids = NULL;
	if (sts && !json_object_is_type(sts, json_type_array))
		sts = NULL;
	json_object *arr = json_object_new_array();
	long n = 0;
	int64_t t0 = today_start(x);
	pthread_mutex_lock(&a->lock);
	int order_res = -1;
	for (int i = 0; oid && i < a->n_orders; i++)
		if (!strcasecmp(a->orders[i].id, oid))
			order_res = a->orders[i].res;
	for (int i = 0; i < a->nres; i++) {
		const struct acct_res *res = &a->res[i];
		const struct acct_rtype *t = &acct_rtypes[res->rtype];
		const struct acct_service *s = &acct_services[t->service];
		if (res->charge_mode != 1)
			continue; /* subscriptions (yearly/monthly) only */
		if ((ids && json_object_array_length(ids) && !in_str_array(ids, res->id)) ||
		    (sts && json_object_array_length(sts) && !in_int_array(sts, res->status)) ||
		    (svc && strcmp(svc, s->code)) || (oid && order_res != i))
			continue;
		if (n++ < off || n > off + lim)
			continue;
		json_object *e = json_object_new_object(), *ep = json_object_new_object();
		char idb[64], nb[64];
		snprintf(idb, sizeof idb, "%016llx", (unsigned long long)acct_hash3(a->seed, 5, (uint64_t)i));
		json_object_object_add(e, "id", json_object_new_string(idb));
		json_object_object_add(e, "resource_id", json_object_new_string(res->id));
		if (!res->name)
			snprintf(nb, sizeof nb, "%s-%03d", s->abbr, i);
		json_object_object_add(e, "resource_name", json_object_new_string(res->name ? res->name : nb));
		json_object_object_add(e, "region_code", json_object_new_string(acct_regions[res->region].code));
		json_object_object_add(e, "service_type_code", json_object_new_string(s->code));
		json_object_object_add(e, "resource_type_code", json_object_new_string(t->code));
		json_object_object_add(e, "resource_type_name", json_object_new_string(t->name));
		json_object_object_add(e, "service_type_name", json_object_new_string(s->name));
		json_object_object_add(e, "resource_spec_code", json_object_new_string(t->spec));
		snprintf(idb, sizeof idb, "%032llx", (unsigned long long)acct_hash3(a->seed, 6, (uint64_t)res->region));
		json_object_object_add(e, "project_id", json_object_new_string(idb));
		json_object_object_add(e, "product_id", json_object_new_string("OFFI740586375357399041"));
		json_object_object_add(e, "is_main_resource", json_object_new_int(1));
		json_object_object_add(e, "status", json_object_new_int(res->status));
		put_time(e, "effective_time", t0 + res->effective_ms);
		put_time(e, "expire_time", t0 + res->expire_ms);
		json_object_object_add(e, "expire_policy", json_object_new_int(res->expire_policy));
		json_object_object_add(e, "product_spec_desc", json_object_new_string(t->spec));
		put_time(e, "update_time", t0 + res->effective_ms);
		json_object_object_add(ep, "id", json_object_new_string(a->eps[res->ep].id));
		json_object_object_add(ep, "name", json_object_new_string(a->eps[res->ep].name));
		json_object_object_add(e, "enterprise_project", ep);
		json_object_array_add(arr, e);
	}
	pthread_mutex_unlock(&a->lock);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "data", arr);
	json_object_object_add(o, "total_count", json_object_new_int((int)n));
	acct_reply_ok(r, 200, o);
}

static void fail_info(json_object *fails, const char *code, const char *msg, const char *id)
{
	json_object *f = json_object_new_object();
	json_object_object_add(f, "error_code", json_object_new_string(code));
	json_object_object_add(f, "error_msg", json_object_new_string(msg));
	json_object_object_add(f, "resource_id", json_object_new_string(id));
	json_object_array_add(fails, f);
}

/* Renewal price of one resource for a period, 1e-8 units (cents). */
static int64_t renew_price(const struct emu_account *a, int i, int period_type, int period_num)
{
	int64_t cents = (acct_rtypes[a->res[i].rtype].price_units / 1000000 + 1) * 720 * period_num;
	if (period_type == 3)
		cents = cents * 12 * 85 / 100;
	return cents * 1000000;
}

static void h_renew(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c, struct emu_reply *r)
{
	json_object *ids = bss_json_get(c->body, "resource_ids");
	long pt = acct_param_long(c, "period_type", 2), pn = acct_param_long(c, "period_num", 1);
	long autopay = acct_param_long(c, "is_auto_pay", 0);
	if (!ids || !json_object_is_type(ids, json_type_array) || (pt != 2 && pt != 3) || pn < 1 ||
	    (pt == 2 && pn > 11) || (pt == 3 && pn > 3)) {
		acct_reply_error(r, 400, "CBC.99000092", "Period validation failed.");
		return;
	}
	json_object *o = json_object_new_object(), *oids = json_object_new_array(), *fails = json_object_new_array();
	pthread_mutex_lock(&a->lock);
	for (size_t k = 0; k < json_object_array_length(ids); k++) {
		const char *id = json_object_get_string(json_object_array_get_idx(ids, k));
		int i = find_res(a, id);
		if (i < 0 || a->res[i].charge_mode != 1) {
			fail_info(fails, "CBC.30010036", "Not a primary yearly/monthly resource.", id ? id : "");
			continue;
		}
		int64_t price = renew_price(a, i, (int)pt, (int)pn);
		int oi = acct_new_order(a, i, 2, price, price / 1000000 / 10 * 1000000, x->now_ms);
		if (oi < 0)
			continue;
		a->orders[oi].period_type = (int)pt;
		a->orders[oi].period_num = (int)pn;
		json_object_array_add(oids, json_object_new_string(a->orders[oi].id));
		if (autopay == 1) {
			acct_pay_order_locked(a, x, oi);
			acct_count_change(a, "PayOrders");
		}
	}
	if (json_object_array_length(oids))
		acct_count_change(a, c->op->name);
	pthread_mutex_unlock(&a->lock);
	json_object_object_add(o, "order_ids", oids);
	json_object_object_add(o, "fail_resource_infos", fails);
	acct_reply_ok(r, c->op->success_status, o);
}

static void h_autorenew(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			struct emu_reply *r, bool on)
{
	const char *id = c->n_path_vals ? c->path_vals[0] : NULL;
	pthread_mutex_lock(&a->lock);
	int i = find_res(a, id);
	if (i < 0 || a->res[i].charge_mode != 1) {
		pthread_mutex_unlock(&a->lock);
		acct_reply_error(r, 400, "CBC.99003012", "The resource ID does not exist.");
		return;
	}
	struct acct_res *res = &a->res[i];
	if (!on && !res->auto_renew) {
		pthread_mutex_unlock(&a->lock);
		acct_reply_error(r, 400, "CBC.99003605", "Auto-renewal has already been cancelled.");
		return;
	}
	if (on && res->status != 2) {
		pthread_mutex_unlock(&a->lock);
		acct_reply_error(r, 400, "CBC.99003602", "The resource is expired or frozen.");
		return;
	}
	res->auto_renew = on;
	res->expire_policy = on ? 3 : 0;
	acct_count_change(a, c->op->name);
	pthread_mutex_unlock(&a->lock);
	acct_reply_ok(r, c->op->success_status, NULL);
}

static void h_autorenew_on(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			   struct emu_reply *r)
{
	h_autorenew(a, x, c, r, true);
}

static void h_autorenew_off(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			    struct emu_reply *r)
{
	h_autorenew(a, x, c, r, false);
}

static void h_to_on_demand(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			   struct emu_reply *r)
{
	json_object *ids = bss_json_get(c->body, "resource_ids");
	const char *op = acct_param_str(c, "operation");
	if (!ids || !json_object_is_type(ids, json_type_array) || !op || (strcmp(op, "SET_UP") && strcmp(op, "CANCEL"))) {
		acct_reply_error(r, 400, "CBC.0100", "Invalid parameter.");
		return;
	}
	bool set = !strcmp(op, "SET_UP");
	json_object *o = json_object_new_object(), *errs = json_object_new_array();
	pthread_mutex_lock(&a->lock);
	int changed = 0;
	for (size_t k = 0; k < json_object_array_length(ids); k++) {
		const char *id = json_object_get_string(json_object_array_get_idx(ids, k));
		int i = find_res(a, id);
		if (i < 0 || a->res[i].charge_mode != 1) {
			json_object *e = json_object_new_object();
			json_object_object_add(e, "error_code", json_object_new_string("CBC.99003012"));
			json_object_object_add(e, "error_msg", json_object_new_string("The resource ID does not exist."));
			json_object_object_add(e, "id", json_object_new_string(id ? id : ""));
			json_object_array_add(errs, e);
			continue;
		}
		a->res[i].expire_policy = set ? 1 : (a->res[i].auto_renew ? 3 : 0);
		changed++;
	}
	if (changed)
		acct_count_change(a, c->op->name);
	pthread_mutex_unlock(&a->lock);
	json_object_object_add(o, "error_details", errs);
	acct_reply_ok(r, c->op->success_status, o);
}

static void h_unsubscribe(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			  struct emu_reply *r)
{
	json_object *ids = bss_json_get(c->body, "resource_ids");
	if (!ids || !json_object_is_type(ids, json_type_array)) {
		acct_reply_error(r, 400, "CBC.0100", "Invalid parameter.");
		return;
	}
	json_object *o = json_object_new_object(), *oids = json_object_new_array(), *fails = json_object_new_array();
	pthread_mutex_lock(&a->lock);
	for (size_t k = 0; k < json_object_array_length(ids); k++) {
		const char *id = json_object_get_string(json_object_array_get_idx(ids, k));
		int i = find_res(a, id);
		if (i < 0 || a->res[i].charge_mode != 1) {
			fail_info(fails, "CBC.99003012", "The resource ID does not exist.", id ? id : "");
			continue;
		}
		if (a->res[i].status == 3) {
			fail_info(fails, "CBC.30000067", "The resource has been deleted or is not managed.", id);
			continue;
		}
		int oi = acct_new_order(a, i, 4, 0, 0, x->now_ms);
		if (oi < 0)
			continue;
		a->orders[oi].status = 5;
		a->orders[oi].payment_ms = x->now_ms;
		a->orders[oi].payment_abs = true;
		a->res[i].status = 3;
		a->res[i].auto_renew = false;
		a->res[i].expire_policy = 2;
		json_object_array_add(oids, json_object_new_string(a->orders[oi].id));
	}
	if (json_object_array_length(oids))
		acct_count_change(a, c->op->name);
	pthread_mutex_unlock(&a->lock);
	json_object_object_add(o, "order_ids", oids);
	json_object_object_add(o, "fail_resource_infos", fails);
	acct_reply_ok(r, c->op->success_status, o);
}

static void h_renew_rate(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			 struct emu_reply *r)
{
	json_object *ids = bss_json_get(c->body, "resource_ids");
	long pt = acct_param_long(c, "period_type", 2), pn = acct_param_long(c, "period_num", 1);
	if (!ids || !json_object_is_type(ids, json_type_array) || (pt != 2 && pt != 3) || pn < 1 || pn > 11) {
		acct_reply_error(r, 400, "CBC.0100", "Invalid parameter.");
		return;
	}
	json_object *o = json_object_new_object(), *res = json_object_new_array(), *fails = json_object_new_array();
	int64_t total = 0;
	pthread_mutex_lock(&a->lock);
	for (size_t k = 0; k < json_object_array_length(ids); k++) {
		const char *id = json_object_get_string(json_object_array_get_idx(ids, k));
		int i = find_res(a, id);
		if (i < 0 || a->res[i].charge_mode != 1) {
			fail_info(fails, "CBC.30050009", "The resource has expired and been deleted, or does not exist.",
				  id ? id : "");
			continue;
		}
		int64_t p = renew_price(a, i, (int)pt, (int)pn);
		total += p;
		json_object *e = json_object_new_object();
		json_object_object_add(e, "resource_id", json_object_new_string(id));
		json_object *amt = acct_money_json(p * 9 / 10 / 1000000 * 1000000, 2);
		json_object_object_add(e, "amount", json_object_new_string(json_object_get_string(amt)));
		json_object_put(amt);
		json_object_array_add(res, e);
	}
	pthread_mutex_unlock(&a->lock);
	char buf[BSS_DEC_STRLEN];
	struct bss_dec d = bss_dec_from_units(total / 1000000, 2), disc = bss_dec_from_units(total / 1000000 / 10, 2), fin;
	bss_dec_sub(&d, &disc, &fin);
	json_object *ow = json_object_new_object();
	json_object_object_add(ow, "official_website_amount", json_object_new_string(bss_dec_format(&d, buf, sizeof buf)));
	json_object *opts = json_object_new_array(), *od = json_object_new_object();
	json_object_object_add(od, "discount_id", json_object_new_string("BD-605-0001"));
	json_object_object_add(od, "amount", json_object_new_string(bss_dec_format(&fin, buf, sizeof buf)));
	json_object_object_add(od, "official_website_amount", json_object_new_string(bss_dec_format(&d, buf, sizeof buf)));
	json_object_object_add(od, "discount_amount", json_object_new_string(bss_dec_format(&disc, buf, sizeof buf)));
	json_object_object_add(od, "discount_type", json_object_new_int(605));
	json_object_object_add(od, "discount_name", json_object_new_string("Business discount"));
	json_object_object_add(od, "best_offer", json_object_new_int(1));
	json_object_array_add(opts, od);
	json_object_object_add(o, "currency", json_object_new_string(a->currency));
	json_object_object_add(o, "renew_inquiry_results", res);
	json_object_object_add(o, "official_website_rating_result", ow);
	json_object_object_add(o, "optional_discount_rating_results", opts);
	json_object_object_add(o, "fail_resource_infos", fails);
	acct_reply_ok(r, 200, o);
}

static int find_rtype(const char *code)
{
	for (int i = 0; code && i < acct_n_rtypes; i++)
		if (!strcmp(acct_rtypes[i].code, code))
			return i;
	return -1;
}

static json_object *dec_json(const struct bss_dec *d)
{
	return bss_json_new_dec(d);
}

/* official = price/hour * hours * quantity * max(size, 1); rounded to scale. */
static int price_product(json_object *p, bool period, int scale, struct bss_dec *official, struct bss_dec *discount)
{
	int rt = find_rtype(bss_json_get_str(p, "resource_type"));
	if (rt < 0)
		return -1;
	struct bss_dec price = bss_dec_from_units(acct_rtypes[rt].price_units, 8), hours, t, t2;
	if (period) {
		long pt = json_object_get_int(bss_json_get(p, "period_type"));
		long pn = json_object_get_int(bss_json_get(p, "period_num"));
		long h = pt == 3 ? 8760 : pt == 2 ? 720 : pt == 0 ? 24 : 1;
		hours = bss_dec_from_units(h * (pn > 0 ? pn : 1), 0);
	} else if (bss_json_get_dec(bss_json_get(p, "usage_value"), &hours)) {
		hours = bss_dec_from_units(1, 0);
	}
	long qty = json_object_get_int(bss_json_get(p, "subscription_num"));
	long size = json_object_get_int(bss_json_get(p, "resource_size"));
	struct bss_dec q = bss_dec_from_units((qty > 0 ? qty : 1) * (size > 0 ? size : 1), 0);
	if (bss_dec_mul(&price, &hours, &t) || bss_dec_mul(&t, &q, &t2))
		return -1;
	bss_dec_round(&t2, scale, official);
	struct bss_dec tenth = bss_dec_from_units(1, 1);
	if (bss_dec_mul(official, &tenth, &t))
		return -1;
	bss_dec_round(&t, scale, discount);
	return 0;
}

static void h_ondemand_rating(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			      struct emu_reply *r)
{
	json_object *ps = bss_json_get(c->body, "product_infos");
	int scale = acct_param_long(c, "inquiry_precision", 0) == 1 ? 10 : 6;
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	struct bss_dec tot_o = bss_dec_from_units(0, scale), tot_d = tot_o, tot_a = tot_o;
	for (size_t i = 0; ps && i < json_object_array_length(ps); i++) {
		json_object *p = json_object_array_get_idx(ps, i);
		struct bss_dec off, disc, amt;
		if (price_product(p, false, scale, &off, &disc)) {
			json_object_put(o);
			json_object_put(arr);
			acct_reply_error(r, 400, "CBC.99006006", "The product was not found.");
			return;
		}
		bss_dec_sub(&off, &disc, &amt);
		bss_dec_add(&tot_o, &off, &tot_o);
		bss_dec_add(&tot_d, &disc, &tot_d);
		bss_dec_add(&tot_a, &amt, &tot_a);
		json_object *e = json_object_new_object(), *drs = json_object_new_array(), *dr = json_object_new_object();
		json_object_object_add(e, "id", json_object_new_string(bss_json_get_str(p, "id") ? bss_json_get_str(p, "id") : ""));
		json_object_object_add(e, "product_id", json_object_new_string("OFFI740586375357399041"));
		json_object_object_add(e, "amount", dec_json(&amt));
		json_object_object_add(e, "discount_amount", dec_json(&disc));
		json_object_object_add(e, "official_website_amount", dec_json(&off));
		json_object_object_add(e, "measure_id", json_object_new_int(1));
		json_object_object_add(dr, "discount_id", json_object_new_string("BD-605-0001"));
		json_object_object_add(dr, "discount_type", json_object_new_int(605));
		json_object_object_add(dr, "amount", dec_json(&disc));
		json_object_object_add(dr, "measure_id", json_object_new_int(1));
		json_object_object_add(dr, "discount_name", json_object_new_string("Business discount"));
		json_object_array_add(drs, dr);
		json_object_object_add(e, "discount_rating_results", drs);
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "amount", dec_json(&tot_a));
	json_object_object_add(o, "discount_amount", dec_json(&tot_d));
	json_object_object_add(o, "official_website_amount", dec_json(&tot_o));
	json_object_object_add(o, "measure_id", json_object_new_int(1));
	json_object_object_add(o, "currency", json_object_new_string(a->currency));
	json_object_object_add(o, "product_rating_results", arr);
	acct_reply_ok(r, 200, o);
}

static void h_period_rating(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			    struct emu_reply *r)
{
	json_object *ps = bss_json_get(c->body, "product_infos");
	json_object *o = json_object_new_object(), *ow = json_object_new_object(), *owr = json_object_new_array();
	json_object *opt = json_object_new_object(), *optr = json_object_new_array();
	struct bss_dec tot_o = bss_dec_from_units(0, 2), tot_d = tot_o, tot_a = tot_o;
	for (size_t i = 0; ps && i < json_object_array_length(ps); i++) {
		json_object *p = json_object_array_get_idx(ps, i);
		struct bss_dec off, disc, amt;
		if (price_product(p, true, 2, &off, &disc)) {
			json_object_put(o);
			json_object_put(ow);
			json_object_put(owr);
			json_object_put(opt);
			json_object_put(optr);
			acct_reply_error(r, 400, "CBC.99006006", "The product was not found.");
			return;
		}
		bss_dec_sub(&off, &disc, &amt);
		bss_dec_add(&tot_o, &off, &tot_o);
		bss_dec_add(&tot_d, &disc, &tot_d);
		bss_dec_add(&tot_a, &amt, &tot_a);
		const char *id = bss_json_get_str(p, "id") ? bss_json_get_str(p, "id") : "";
		json_object *e = json_object_new_object(), *e2 = json_object_new_object();
		json_object_object_add(e, "id", json_object_new_string(id));
		json_object_object_add(e, "product_id", json_object_new_string("OFFI740586375357399042"));
		json_object_object_add(e, "official_website_amount", dec_json(&off));
		json_object_object_add(e, "measure_id", json_object_new_int(1));
		json_object_array_add(owr, e);
		json_object_object_add(e2, "id", json_object_new_string(id));
		json_object_object_add(e2, "product_id", json_object_new_string("OFFI740586375357399042"));
		json_object_object_add(e2, "amount", dec_json(&amt));
		json_object_object_add(e2, "official_website_amount", dec_json(&off));
		json_object_object_add(e2, "discount_amount", dec_json(&disc));
		json_object_object_add(e2, "measure_id", json_object_new_int(1));
		json_object_array_add(optr, e2);
	}
	json_object_object_add(ow, "official_website_amount", dec_json(&tot_o));
	json_object_object_add(ow, "measure_id", json_object_new_int(1));
	json_object_object_add(ow, "product_rating_results", owr);
	json_object_object_add(opt, "discount_id", json_object_new_string("BD-605-0001"));
	json_object_object_add(opt, "amount", dec_json(&tot_a));
	json_object_object_add(opt, "official_website_amount", dec_json(&tot_o));
	json_object_object_add(opt, "discount_amount", dec_json(&tot_d));
	json_object_object_add(opt, "measure_id", json_object_new_int(1));
	json_object_object_add(opt, "discount_type", json_object_new_int(605));
	json_object_object_add(opt, "discount_name", json_object_new_string("Business discount"));
	json_object_object_add(opt, "best_offer", json_object_new_int(1));
	json_object_object_add(opt, "product_rating_results", optr);
	json_object *opts = json_object_new_array();
	json_object_array_add(opts, opt);
	json_object_object_add(o, "official_website_rating_result", ow);
	json_object_object_add(o, "optional_discount_rating_results", opts);
	json_object_object_add(o, "currency", json_object_new_string(a->currency));
	acct_reply_ok(r, 200, o);
}

acct_handler acct_subs_handler(const char *op)
{
	static const struct {
		const char *name;
		acct_handler h;
	} t[] = {
		{ "ListPayPerUseCustomerResources", h_resources },
		{ "RenewalResources", h_renew },
		{ "AutoRenewalResources", h_autorenew_on },
		{ "CancelAutoRenewalResources", h_autorenew_off },
		{ "UpdatePeriodToOnDemand", h_to_on_demand },
		{ "CancelResourcesSubscription", h_unsubscribe },
		{ "ListRenewRateOnPeriod", h_renew_rate },
		{ "ListOnDemandResourceRatings", h_ondemand_rating },
		{ "ListRateOnPeriodDetail", h_period_rating },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, op))
			return t[i].h;
	return NULL;
}
