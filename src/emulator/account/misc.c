/* Account money outside bills: balances, expenditure quota, coupons,
 * resource packages and their usage, invoices. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"
#include "bssfs/dec.h"
#include "bssfs/jsonx.h"

#define DAY_MS (86400LL * 1000)

static void put_time(json_object *o, const char *k, int64_t ms)
{
	char t[32];
	acct_fmt_time(ms, t);
	json_object_object_add(o, k, json_object_new_string(t));
}

static void put_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

static void h_balances(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
		       struct emu_reply *r)
{
	pthread_mutex_lock(&a->lock);
	int64_t cash = a->balance_units;
	pthread_mutex_unlock(&a->lock);
	uint64_t h = acct_hash3(a->seed, 3, 1);
	int64_t credit_limit = (int64_t)(50000 + h % 50000) * 100000000;
	int64_t credit_used = acct_month_total(a, x, x->cur_mk) / 2 / 1000000 * 1000000;
	struct {
		int type;
		int64_t amount;
	} acc[] = { { 1, cash }, { 2, credit_limit - credit_used }, { 5, (int64_t)(h % 5000) * 1000000 } };
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	for (size_t i = 0; i < sizeof acc / sizeof acc[0]; i++) {
		json_object *e = json_object_new_object();
		char id[40];
		snprintf(id, sizeof id, "%016llx%d", (unsigned long long)acct_hash3(a->seed, 4, (uint64_t)i), acc[i].type);
		put_str(e, "account_id", id);
		json_object_object_add(e, "account_type", json_object_new_int(acc[i].type));
		json_object_object_add(e, "amount", acct_money_json(acc[i].amount, 2));
		put_str(e, "currency", a->currency);
		json_object_object_add(e, "designated_amount", acct_money_json(0, 2));
		if (acc[i].type == 2)
			json_object_object_add(e, "credit_amount", acct_money_json(credit_limit, 2));
		json_object_object_add(e, "measure_id", json_object_new_int(1));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "account_balances", arr);
	json_object_object_add(o, "debt_amount", acct_money_json(0, 2));
	json_object_object_add(o, "measure_id", json_object_new_int(1));
	put_str(o, "currency", a->currency);
	acct_reply_ok(r, 200, o);
}

static void h_quota(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c, struct emu_reply *r)
{
	int64_t used = acct_month_total(a, x, x->cur_mk) / 1000000 * 1000000;
	int64_t granted = used * 2 / 100000000 * 100000000 + 100000000000LL;
	/* percentage with 2 decimals, exact integer arithmetic. */
	int64_t pct = (int64_t)((__int128)used * 10000 / granted);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "granting_amount", acct_money_json(granted, 2));
	json_object_object_add(o, "granting_amount_used", acct_money_json(used, 2));
	json_object_object_add(o, "percentage_granting_amount_used", bss_json_new_dec(&(struct bss_dec){ pct, 2 }));
	json_object_object_add(o, "measure_id", json_object_new_int(1));
	put_str(o, "currency", a->currency);
	acct_reply_ok(r, 200, o);
}

static void h_coupons(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c, struct emu_reply *r)
{
	long off, lim;
	acct_page(c, 10, &off, &lim);
	long status = acct_param_long(c, "status", -1), type = acct_param_long(c, "coupon_type", -1);
	const char *cid = acct_param_str(c, "coupon_id");
	int64_t t0 = acct_day_start_ms(x->cur_mk, 1);
	json_object *arr = json_object_new_array();
	long n = 0;
	for (int i = 0; i < a->n_coupons; i++) {
		uint64_t h = acct_hash3(a->seed, 8, (uint64_t)i);
		int st = 1 + i % 5, ct = i % 4 == 3 ? 4 : 1;
		char id[40], code[40];
		snprintf(id, sizeof id, "CP%014llu", (unsigned long long)(h % 100000000000000ULL));
		if ((status >= 0 && status != st) || (type >= 0 && type != ct) || (cid && *cid && strcmp(cid, id)))
			continue;
		if (n++ < off || n > off + lim)
			continue;
		snprintf(code, sizeof code, "HW%010llX", (unsigned long long)(h >> 24) & 0xffffffffffULL);
		int64_t face = (int64_t)(10 + h % 20) * 500000000; /* 50..145 */
		int64_t bal = st == 2 ? face / 100000000 * (int64_t)(1 + h % 99) * 1000000 : st == 3 ? 0 : face;
		json_object *e = json_object_new_object(), *lims = json_object_new_array(), *l = json_object_new_object();
		put_str(e, "coupon_id", id);
		put_str(e, "coupon_code", code);
		json_object_object_add(e, "status", json_object_new_int(st));
		put_str(e, "customer_id", a->domain_id);
		json_object_object_add(e, "coupon_type", json_object_new_int(ct));
		json_object_object_add(e, "measure_id", json_object_new_int(1));
		json_object_object_add(e, "face_value", acct_money_json(face, 2));
		put_time(e, "valid_time", t0 - (int64_t)(i + 1) * 20 * DAY_MS);
		put_time(e, "expire_time", t0 + (st == 4 ? -DAY_MS : (int64_t)(30 + i * 7) * DAY_MS));
		put_str(e, "promotion_plan_id", "PP-2026-CLOUD");
		put_str(e, "plan_name", i % 3 == 0 ? acct_hostile_text(h >> 5) : "New customer voucher");
		put_str(e, "plan_desc", "Usable for pay-per-use and yearly/monthly products");
		json_object_object_add(e, "media_type", json_object_new_int(1));
		json_object_object_add(e, "fetch_method", json_object_new_int(3));
		put_str(l, "use_limiti_info_id", "UL-0001");
		put_str(l, "limit_key", "resourceType");
		put_str(l, "value1", acct_rtypes[i % acct_n_rtypes].code);
		put_str(l, "value2", "");
		put_str(l, "value_unit", "");
		put_str(l, "limit_type", "include");
		put_str(l, "promotion_plan_id", "PP-2026-CLOUD");
		json_object_array_add(lims, l);
		json_object_object_add(e, "use_limits", lims);
		put_time(e, "active_time", t0 - (int64_t)(i + 1) * 20 * DAY_MS);
		put_time(e, "create_time", t0 - (int64_t)(i + 1) * 21 * DAY_MS);
		json_object_object_add(e, "coupon_version", json_object_new_int(2));
		json_object_object_add(e, "balance", acct_money_json(bal, 2));
		put_str(e, "is_frozen", "0");
		put_str(e, "currency", a->currency);
		json_object_array_add(arr, e);
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "count", json_object_new_int((int)n));
	json_object_object_add(o, "user_coupons", arr);
	acct_reply_ok(r, 200, o);
}

/* Package k: its service, quota and usage (1e-8 units of its measure). */
struct pkg {
	int service, measure, status;
	int64_t quota, used;
	char order_instance_id[40], free_id[40];
};

static void pkg_of(const struct emu_account *a, int k, struct pkg *p)
{
	uint64_t h = acct_hash3(a->seed, 9, (uint64_t)k);
	static const int svcs[] = { 3, 5, 2, 0 };
	p->service = svcs[k % 4];
	p->measure = p->service == 0 ? 4 : 10;
	p->status = k % 5 == 4 ? 3 : (k % 7 == 6 ? 2 : 1);
	p->quota = (int64_t)(100 * (1 + h % 10)) * 100000000;
	p->used = p->status == 2 ? p->quota : p->quota / 1000 * (int64_t)(h >> 20 & 511) / 512 * 1000;
	snprintf(p->order_instance_id, sizeof p->order_instance_id, "%016llx", (unsigned long long)h);
	snprintf(p->free_id, sizeof p->free_id, "FR%016llx", (unsigned long long)acct_mix(h));
}

static void h_packages(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
		       struct emu_reply *r)
{
	long off, lim;
	acct_page(c, 10, &off, &lim);
	long status = acct_param_long(c, "status", -1);
	json_object *svcs = bss_json_get(c->body, "service_type_code_list");
	int64_t t0 = acct_day_start_ms(x->cur_mk, 1);
	json_object *arr = json_object_new_array();
	long n = 0;
	for (int k = 0; k < a->n_packages; k++) {
		struct pkg p;
		pkg_of(a, k, &p);
		const struct acct_service *s = &acct_services[p.service];
		if (status >= 0 && status != p.status)
			continue;
		if (svcs && json_object_is_type(svcs, json_type_array) && json_object_array_length(svcs)) {
			bool hit = false;
			for (size_t i = 0; i < json_object_array_length(svcs); i++)
				hit |= !strcasecmp(json_object_get_string(json_object_array_get_idx(svcs, i)), s->code);
			if (!hit)
				continue;
		}
		if (n++ < off || n > off + lim)
			continue;
		json_object *e = json_object_new_object(), *frs = json_object_new_array(), *fr = json_object_new_object();
		put_str(e, "order_instance_id", p.order_instance_id);
		char oid[24];
		snprintf(oid, sizeof oid, "CS%010dPKG%02d", (int)(acct_hash3(a->seed, 10, (uint64_t)k) % 1000000000), k % 100);
		put_str(e, "order_id", oid);
		put_str(e, "product_id", "OFFI740586375357399099");
		char name[96];
		snprintf(name, sizeof name, "%s package %d %s", s->abbr, (int)(p.quota / 100000000),
			 p.measure == 4 ? "hours" : "GB");
		put_str(e, "product_name", name);
		put_str(e, "enterprise_project_id", "0");
		json_object_object_add(e, "enterprise_project_scope", json_object_new_int(0));
		put_time(e, "effective_time", t0 - (int64_t)(k + 1) * 40 * DAY_MS);
		put_time(e, "expire_time", t0 + (p.status == 3 ? -DAY_MS : (int64_t)(200 - k) * DAY_MS));
		json_object_object_add(e, "status", json_object_new_int(p.status));
		put_str(e, "service_type_code", s->code);
		put_str(e, "service_type_name", s->name);
		put_str(e, "region_code", acct_regions[k % acct_n_regions].code);
		json_object_object_add(e, "source_type", json_object_new_int(0));
		put_str(e, "bundle_type", "ATOMIC_PKG");
		json_object_object_add(e, "quota_reuse_mode", json_object_new_int(k % 2 ? 1 : 2));
		put_str(fr, "free_resource_id", p.free_id);
		put_str(fr, "usage_type_name", p.measure == 4 ? "Duration" : "Traffic");
		json_object *amt = acct_money_json(p.quota - p.used, 2), *orig = acct_money_json(p.quota, 2);
		put_str(fr, "amount", json_object_get_string(amt));
		put_str(fr, "original_amount", json_object_get_string(orig));
		json_object_put(amt);
		json_object_put(orig);
		json_object_object_add(fr, "measure_id", json_object_new_int(p.measure));
		json_object_array_add(frs, fr);
		json_object_object_add(e, "free_resources", frs);
		json_object_array_add(arr, e);
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "free_resource_packages", arr);
	json_object_object_add(o, "total_count", json_object_new_int((int)n));
	acct_reply_ok(r, 200, o);
}

static void h_package_usage(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			    struct emu_reply *r)
{
	json_object *ids = bss_json_get(c->body, "free_resource_ids");
	json_object *arr = json_object_new_array();
	int64_t t0 = acct_day_start_ms(x->cur_mk, 1);
	for (int k = 0; ids && json_object_is_type(ids, json_type_array) && k < a->n_packages; k++) {
		struct pkg p;
		pkg_of(a, k, &p);
		bool want = false;
		for (size_t i = 0; i < json_object_array_length(ids); i++)
			want |= !strcmp(json_object_get_string(json_object_array_get_idx(ids, i)), p.free_id);
		if (!want)
			continue;
		json_object *e = json_object_new_object();
		put_str(e, "free_resource_id", p.free_id);
		put_str(e, "free_resource_type_name", p.measure == 4 ? "Duration package" : "Traffic package");
		if (k % 2) {
			json_object_object_add(e, "quota_reuse_cycle", json_object_new_int(4));
			json_object_object_add(e, "quota_reuse_cycle_type", json_object_new_int(1));
		}
		put_str(e, "usage_type_name", p.measure == 4 ? "Duration" : "Traffic");
		put_time(e, "start_time", t0 - (int64_t)(k + 1) * 40 * DAY_MS);
		put_time(e, "end_time", t0 + (int64_t)(200 - k) * DAY_MS);
		json_object_object_add(e, "amount", acct_money_json(p.quota - p.used, 8));
		json_object_object_add(e, "original_amount", acct_money_json(p.quota, 8));
		json_object_object_add(e, "measure_id", json_object_new_int(p.measure));
		json_object_array_add(arr, e);
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "free_resources", arr);
	acct_reply_ok(r, 200, o);
}

static void h_invoices(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
		       struct emu_reply *r)
{
	long off, lim;
	acct_page(c, 10, &off, &lim); /* page number converted to a record offset */
	json_object *arr = json_object_new_array();
	int n = a->n_invoices;
	for (int i = (int)off; i < n && i < off + lim; i++) {
		uint64_t h = acct_hash3(a->seed, 11, (uint64_t)i);
		int mk = x->cur_mk - 1 - i / 2;
		char cyc[8], id[40], no[40];
		acct_fmt_cycle(mk, cyc);
		snprintf(id, sizeof id, "IR%012llu", (unsigned long long)(h % 1000000000000ULL));
		snprintf(no, sizeof no, "INV-%s-%04d", cyc, i);
		int64_t amt = (int64_t)(100000 + h % 900000) * 1000000; /* 1000.00 .. 9999.99 */
		int64_t tax = amt / 1000000 * 7 / 100 * 1000000;
		json_object *e = json_object_new_object(), *ad = json_object_new_object(), *tl = json_object_new_array();
		json_object *t = json_object_new_object();
		put_str(e, "requestId", id);
		put_str(e, "cancelReason", "");
		json_object_object_add(e, "titleType", json_object_new_int(1));
		json_object_object_add(e, "channelType", json_object_new_int(0));
		json_object_object_add(e, "invoiceType", json_object_new_int(1));
		put_str(e, "invoiceTitle", i % 3 == 1 ? acct_hostile_text(h >> 7) : "ACME Cloud Ltd.");
		json_object_object_add(e, "invoiceAmount", acct_money_json(amt, 2));
		json_object_object_add(e, "invoiceMethod", json_object_new_int(0));
		json_object_object_add(e, "invoiceClass", json_object_new_int(1));
		json_object_object_add(e, "invoiceState", json_object_new_int(i == 0 ? 1 : 4));
		put_str(e, "applyOpera", a->domain_name);
		put_str(ad, "address", "1 Harbour Road, Wan Chai");
		put_str(ad, "recipients", "Accounts Payable");
		put_str(ad, "zipCode", "000000");
		put_str(ad, "mobilePhone", "+852-0000-0000");
		json_object_object_add(e, "addressInfo", ad);
		put_time(e, "applyTime", acct_day_start_ms(mk + 1, 3));
		put_str(e, "invoiceMode", "0");
		put_str(e, "email", "billing@example.com");
		put_str(e, "requestMode", "0");
		put_str(e, "salesId", "HWCLOUD-HK");
		put_str(e, "invoiceNo", no);
		json_object_object_add(e, "tradeType", json_object_new_int(5));
		put_str(e, "billCycle", cyc);
		put_str(t, "taxClass", "VAT");
		put_str(t, "taxRate", "0.07");
		put_str(t, "subTaxClass", "VAT");
		json_object_object_add(t, "taxAmount", acct_money_json(tax, 2));
		put_str(t, "taxVisibleFlag", "Y");
		put_str(t, "taxAccountingFlag", "Y");
		json_object_array_add(tl, t);
		json_object_object_add(e, "taxList", tl);
		json_object_array_add(arr, e);
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "count", json_object_new_int(n));
	json_object_object_add(o, "invoices", arr);
	acct_reply_ok(r, 200, o);
}

acct_handler acct_misc_handler(const char *op)
{
	static const struct {
		const char *name;
		acct_handler h;
	} t[] = {
		{ "ShowCustomerAccountBalances", h_balances }, { "ShowCustomerExpenditureQuota", h_quota },
		{ "ListSubCustomerCoupons", h_coupons },       { "ListFreeResourceInfos", h_packages },
		{ "ListFreeResourceUsages", h_package_usage }, { "ListInvoices", h_invoices },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, op))
			return t[i].h;
	return NULL;
}
