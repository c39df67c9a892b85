/* The fee-record engine and the four bill operations.
 *
 * Layout of a month (UTC+8 calendar month mk): each available day holds
 * per_day = ceil(rpm / days_in_month) generated detail records; record j of
 * a day belongs to resource j % nres.  A record's money is a pure function
 * of (seed, mk, day, j).  Daily aggregates are (day, resource), per-cycle
 * aggregates are (resource); both are sums over the same layout, the latter
 * from a per-month cache.  Payments of this run (acct_paid) are appended as
 * extra detail records and as aggregates of their own (bill_type 1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"

struct month_info {
	int mk, days, dim;
	long per_day, nrd; /* records per day; resources present per day */
};

/* Returns false when the cycle is outside the window (no records). */
static bool month_info(const struct emu_account *a, const struct acct_ctx *x, int mk, struct month_info *mi)
{
	memset(mi, 0, sizeof *mi);
	mi->mk = mk;
	if (mk > x->cur_mk || mk <= x->cur_mk - a->months)
		return false;
	mi->dim = acct_days_in_month(mk);
	mi->days = mk == x->cur_mk ? x->today : mi->dim;
	mi->per_day = (a->rpm + mi->dim - 1) / mi->dim;
	if (mi->per_day < 1)
		mi->per_day = 1;
	mi->nrd = mi->per_day < a->nres ? mi->per_day : a->nres;
	return true;
}

static int gen_bill_type(const struct acct_res *r)
{
	return r->charge_mode == 1 ? 2 : 5;
}

static void money_add(struct acct_money *s, const struct acct_money *m)
{
	s->official += m->official;
	s->discount += m->discount;
	s->amount += m->amount;
	s->cash += m->cash;
	s->credit += m->credit;
	s->coupon += m->coupon;
}

static uint64_t rec_hash(const struct emu_account *a, int mk, int day, long j)
{
	return acct_hash3(a->seed, (uint64_t)mk * 64 + (uint64_t)day, (uint64_t)j);
}

/* One generated detail record; usage_pct: usage in 1/100 of its unit. */
static void detail_money(const struct emu_account *a, int mk, int day, long j, struct acct_money *m, int *measure,
			 int *usage_pct)
{
	uint64_t h = rec_hash(a, mk, day, j);
	const struct acct_res *r = &a->res[j % a->nres];
	int64_t price = acct_rtypes[r->rtype].price_units;
	int u = (int)(50 + h % 151);
	m->official = price * u / 100;
	m->discount = m->official * (int64_t)((h >> 10) % 16) / 100;
	m->amount = m->official - m->discount;
	m->coupon = (h >> 20) % 10 == 0 ? m->amount / 5 : 0;
	m->credit = r->credit_payer ? (m->amount - m->coupon) / 2 : 0;
	m->cash = m->amount - m->coupon - m->credit;
	if (measure)
		*measure = (h >> 30) % 97 == 0 ? 3 : 1;
	if (usage_pct)
		*usage_pct = u;
}

/* Per-resource sums of a month's generated records, cached. Returns a copy
 * the caller frees, or NULL on memory failure. */
static struct acct_money *month_sums(struct emu_account *a, const struct month_info *mi)
{
	size_t sz = (size_t)a->nres * sizeof(struct acct_money);
	struct acct_money *out = malloc(sz);
	if (!out)
		return NULL;
	pthread_mutex_lock(&a->cache_lock);
	struct acct_month_cache *slot = NULL;
	for (int i = 0; i < ACCT_CACHE_SLOTS; i++)
		if (a->cache[i].mk == mi->mk && a->cache[i].days == mi->days && a->cache[i].per_res)
			slot = &a->cache[i];
	if (!slot) {
		slot = &a->cache[a->cache_next];
		a->cache_next = (a->cache_next + 1) % ACCT_CACHE_SLOTS;
		free(slot->per_res);
		slot->per_res = calloc((size_t)a->nres, sizeof(struct acct_money));
		slot->mk = -1;
		if (slot->per_res) {
			for (int d = 1; d <= mi->days; d++)
				for (long j = 0; j < mi->per_day; j++) {
					struct acct_money m;
					detail_money(a, mi->mk, d, j, &m, NULL, NULL);
					money_add(&slot->per_res[j % a->nres], &m);
				}
			slot->mk = mi->mk;
			slot->days = mi->days;
		}
	}
	if (slot->per_res)
		memcpy(out, slot->per_res, sz);
	pthread_mutex_unlock(&a->cache_lock);
	if (!slot->per_res) {
		free(out);
		return NULL;
	}
	return out;
}

/* ---- filters ---- */
struct bfilter {
	bool *attr_ok; /* resource matches the attribute filters */
	int *S;        /* sorted resources matching attributes and generated bill type */
	long nS;
	long bill_type; /* -1 = any */
};

struct bfilter_names {
	const char *service, *rtype, *region, *charge_mode, *res_id, *ep, *bill_type;
};

static void bfilter_free(struct bfilter *f)
{
	free(f->attr_ok);
	free(f->S);
}

static int bfilter_build(struct emu_account *a, const struct emu_call *c, const struct bfilter_names *n,
			 struct bfilter *f)
{
	const char *svc = n->service ? acct_param_str(c, n->service) : NULL;
	const char *rt = n->rtype ? acct_param_str(c, n->rtype) : NULL;
	const char *rg = n->region ? acct_param_str(c, n->region) : NULL;
	const char *rid = n->res_id ? acct_param_str(c, n->res_id) : NULL;
	const char *ep = n->ep ? acct_param_str(c, n->ep) : NULL;
	long cm = n->charge_mode ? acct_param_long(c, n->charge_mode, -1) : -1;
	f->bill_type = n->bill_type ? acct_param_long(c, n->bill_type, -1) : -1;
	/* For body filters omitted, "" and null all mean "no filter". */
	bool body = c->op->paging == BSS_PAGE_OFFSET_BODY;
	if (body) {
		if (svc && !*svc)
			svc = NULL;
		if (rt && !*rt)
			rt = NULL;
		if (rg && !*rg)
			rg = NULL;
		if (rid && !*rid)
			rid = NULL;
		if (ep && !*ep)
			ep = NULL;
	}
	f->attr_ok = calloc((size_t)a->nres, sizeof(bool));
	f->S = calloc((size_t)a->nres, sizeof(int));
	f->nS = 0;
	if (!f->attr_ok || !f->S) {
		bfilter_free(f);
		return -1;
	}
	for (int i = 0; i < a->nres; i++) {
		const struct acct_res *r = &a->res[i];
		const struct acct_rtype *t = &acct_rtypes[r->rtype];
		bool ok = (!svc || !strcmp(svc, acct_services[t->service].code)) && (!rt || !strcmp(rt, t->code)) &&
			  (!rg || !strcmp(rg, acct_regions[r->region].code)) && (!rid || !strcmp(rid, r->id)) &&
			  (!ep || !strcmp(ep, a->eps[r->ep].id)) && (cm < 0 || cm == r->charge_mode);
		f->attr_ok[i] = ok;
		if (ok && (f->bill_type < 0 || f->bill_type == gen_bill_type(r)))
			f->S[f->nS++] = i;
	}
	return 0;
}

static bool paid_matches(const struct bfilter *f, const struct acct_paid *p, int mk)
{
	return p->mk == mk && f->attr_ok[p->res] && (f->bill_type < 0 || f->bill_type == p->bill_type);
}

/* ---- record model and rendering ---- */
enum rec_kind { REC_DETAIL, REC_DAILY, REC_CYCLE };

struct brec {
	enum rec_kind kind;
	int mk, day, res, bill_type, measure, usage_pct;
	long j;
	struct acct_money m;
	const struct acct_paid *paid;
};

enum rec_shape { SHAPE_RES_FEE, SHAPE_RES_RECORD, SHAPE_FEE_RECORD };

/* Keys are string literals added once per object: json-c may keep the
 * pointer and skip its duplicate check (hot path of 1000-record pages). */
#define KEY_FLAGS (JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT)

static void put_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add_ex(o, k, json_object_new_string(v ? v : ""), KEY_FLAGS);
}

static void put_int(json_object *o, const char *k, int64_t v)
{
	json_object_object_add_ex(o, k, json_object_new_int64(v), KEY_FLAGS);
}

static void put_money(json_object *o, const char *k, int64_t units)
{
	json_object_object_add_ex(o, k, acct_money_json(units, 8), KEY_FLAGS);
}

static const char *res_name(const struct emu_account *a, int i, char *buf, size_t len)
{
	const struct acct_res *r = &a->res[i];
	if (r->name)
		return r->name;
	snprintf(buf, len, "%s-%s-%03d", acct_services[acct_rtypes[r->rtype].service].abbr,
		 acct_regions[r->region].code, i);
	for (char *p = buf; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return buf;
}

static json_object *render(struct emu_account *a, const struct brec *b, enum rec_shape shape)
{
	const struct acct_res *r = &a->res[b->res];
	const struct acct_rtype *t = &acct_rtypes[r->rtype];
	const struct acct_service *s = &acct_services[t->service];
	const struct acct_ep *ep = &a->eps[r->ep];
	json_object *o = json_object_new_object();
	char cycle[8], date[11], tbuf[32], nbuf[64], idbuf[40], trade[32];
	acct_fmt_cycle(b->mk, cycle);
	acct_fmt_date(b->mk, b->day > 0 ? b->day : 1, date);
	int64_t t0 = acct_day_start_ms(b->mk, b->day > 0 ? b->day : 1) + (b->j % 24) * 3600 * 1000LL;
	if (b->paid)
		t0 = b->paid->time_ms;
	uint64_t h = b->paid ? acct_mix((uint64_t)b->paid->time_ms) : rec_hash(a, b->mk, b->day, b->j);
	if (b->paid)
		snprintf(trade, sizeof trade, "%s", b->paid->trade_id);
	else if (r->charge_mode == 1)
		snprintf(trade, sizeof trade, "CS%010lluAUTO", (unsigned long long)(acct_mix(h ^ (uint64_t)b->res) % 10000000000ULL));
	else
		snprintf(trade, sizeof trade, "BL%016llx", (unsigned long long)(b->kind == REC_DETAIL ? h : acct_mix(h + 1)));
	snprintf(idbuf, sizeof idbuf, "%016llx%04x", (unsigned long long)h, (unsigned)b->kind);
	const char *name = res_name(a, b->res, nbuf, sizeof nbuf);
	/* measure 3: amounts in 1/100 of the base unit (detail records only). */
	int64_t mul = b->measure == 3 && shape != SHAPE_FEE_RECORD ? 100 : 1; /* no measure_id there */
	const char *cm = r->charge_mode == 1 ? "1" : "3";
	const char *period = r->charge_mode == 1 ? "20" : "25";
	bool detail = b->kind == REC_DETAIL;

	if (shape == SHAPE_RES_FEE) {
		if (b->kind != REC_CYCLE)
			put_str(o, "bill_date", date);
		put_int(o, "bill_type", b->bill_type);
		put_str(o, "customer_id", a->domain_id);
		put_str(o, "region", acct_regions[r->region].code);
		put_str(o, "region_name", acct_regions[r->region].name);
		put_str(o, "cloud_service_type", s->code);
		put_str(o, "resource_type", t->code);
		put_str(o, "cloud_service_type_name", s->name);
		put_str(o, "resource_type_name", t->name);
		if (detail) {
			acct_fmt_time(t0, tbuf);
			put_str(o, "effective_time", tbuf);
			acct_fmt_time(t0 + 3600 * 1000LL, tbuf);
			put_str(o, "expire_time", tbuf);
		}
		put_str(o, "resource_id", r->id);
		put_str(o, "resource_name", name);
		put_str(o, "resource_tag", r->tag);
		put_str(o, "product_id", "OFFI" "740586375357399041");
		put_str(o, "product_name", t->name);
		put_str(o, "product_spec_desc", t->spec);
		put_str(o, "sku_code", t->spec);
		put_str(o, "trade_id", trade);
		put_str(o, "id", idbuf);
		acct_fmt_time(t0, tbuf);
		put_str(o, "trade_time", tbuf);
		put_str(o, "enterprise_project_id", ep->id);
		put_str(o, "enterprise_project_name", ep->name);
		put_str(o, "charge_mode", cm);
		put_str(o, "order_id", r->charge_mode == 1 ? trade : "");
		put_str(o, "period_type", period);
		put_str(o, "usage_type", t->usage_type);
		if (detail && !b->paid) {
			put_money(o, "usage", (int64_t)b->usage_pct * 1000000);
			put_int(o, "usage_measure_id", t->usage_measure);
			put_money(o, "unit_price", acct_rtypes[r->rtype].price_units * mul);
			char unit[32];
			snprintf(unit, sizeof unit, "%s/%s", b->measure == 3 ? "CENT" : a->currency,
				 t->usage_measure == 4 ? "hour" : "GB");
			put_str(o, "unit", unit);
		}
		put_money(o, "official_amount", b->m.official * mul);
		put_money(o, "discount_amount", b->m.discount * mul);
		put_money(o, "amount", b->m.amount * mul);
		put_money(o, "cash_amount", b->m.cash * mul);
		put_money(o, "credit_amount", b->m.credit * mul);
		put_money(o, "coupon_amount", b->m.coupon * mul);
		put_money(o, "flexipurchase_coupon_amount", 0);
		put_money(o, "stored_card_amount", 0);
		put_money(o, "bonus_amount", 0);
		put_money(o, "debt_amount", 0);
		put_money(o, "adjustment_amount", 0);
		put_int(o, "measure_id", b->measure);
		if (detail) {
			acct_fmt_time(t0, tbuf);
			put_str(o, "consume_time", tbuf);
		}
		put_str(o, "account_name", a->domain_name);
	} else if (shape == SHAPE_RES_RECORD) {
		put_str(o, "cycle", cycle);
		if (b->kind == REC_DAILY)
			put_str(o, "bill_date", date);
		put_int(o, "bill_type", b->bill_type);
		put_str(o, "customer_id", a->domain_id);
		put_str(o, "region", acct_regions[r->region].code);
		put_str(o, "region_name", acct_regions[r->region].name);
		put_str(o, "cloud_service_type", s->code);
		put_str(o, "resource_Type_code", t->code);
		put_str(o, "cloud_service_type_name", s->name);
		put_str(o, "resource_type_name", t->name);
		put_str(o, "res_instance_id", r->id);
		put_str(o, "resource_name", name);
		put_str(o, "resource_tag", r->tag);
		put_str(o, "sku_code", t->spec);
		put_str(o, "enterprise_project_id", ep->id);
		put_str(o, "enterprise_project_name", ep->name);
		put_int(o, "charge_mode", r->charge_mode);
		put_money(o, "consume_amount", b->m.amount * mul);
		put_money(o, "cash_amount", b->m.cash * mul);
		put_money(o, "credit_amount", b->m.credit * mul);
		put_money(o, "coupon_amount", b->m.coupon * mul);
		put_money(o, "flexipurchase_coupon_amount", 0);
		put_money(o, "stored_card_amount", 0);
		put_money(o, "bonus_amount", 0);
		put_money(o, "debt_amount", 0);
		put_money(o, "adjustment_amount", 0);
		put_money(o, "official_amount", b->m.official * mul);
		put_money(o, "discount_amount", b->m.discount * mul);
		put_int(o, "measure_id", b->measure);
		put_int(o, "period_type", r->charge_mode == 1 ? 20 : 25);
		put_str(o, "root_resource_id", r->id);
		put_str(o, "parent_resource_id", r->id);
		put_str(o, "trade_id", trade);
		put_str(o, "id", idbuf);
		put_str(o, "product_spec_desc", t->spec);
		put_str(o, "payer_account_id", a->domain_id);
		if (detail) {
			acct_fmt_time(t0, tbuf);
			put_str(o, "effective_time", tbuf);
			put_str(o, "consume_time", tbuf);
			acct_fmt_time(t0 + 3600 * 1000LL, tbuf);
			put_str(o, "expire_time", tbuf);
			put_str(o, "is_spot", "N");
		}
		put_str(o, "be_id", "10");
		put_str(o, "account_name", a->domain_name);
	} else {
		put_str(o, "bill_cycle", cycle);
		put_str(o, "customer_id", a->domain_id);
		put_str(o, "service_type_code", s->code);
		put_str(o, "resource_type_code", t->code);
		put_str(o, "service_type_name", s->name);
		put_str(o, "resource_type_name", t->name);
		put_str(o, "region_code", acct_regions[r->region].code);
		put_str(o, "enterprise_project_id", ep->id);
		put_str(o, "enterprise_project_name", ep->name);
		put_int(o, "charging_mode", r->charge_mode);
		acct_fmt_time(t0, tbuf);
		put_str(o, "consume_time", tbuf);
		put_str(o, "trade_time", tbuf);
		put_int(o, "provider_type", 1);
		put_str(o, "trade_id", trade);
		put_str(o, "id", idbuf);
		put_int(o, "bill_type", b->bill_type);
		put_int(o, "status", 1);
		put_money(o, "official_amount", b->m.official * mul);
		put_money(o, "official_discount_amount", b->m.discount * mul);
		put_money(o, "erase_amount", 0);
		put_money(o, "consume_amount", b->m.amount * mul);
		put_money(o, "cash_amount", b->m.cash * mul);
		put_money(o, "credit_amount", b->m.credit * mul);
		put_money(o, "coupon_amount", b->m.coupon * mul);
		put_money(o, "flexipurchase_coupon_amount", 0);
		put_money(o, "stored_value_card_amount", 0);
		put_money(o, "bonus_amount", 0);
		put_money(o, "debt_amount", 0);
		put_money(o, "writeoff_amount", 0);
		put_str(o, "region_name", acct_regions[r->region].name);
		put_str(o, "account_name", a->domain_name);
	}
	return o;
}

/* Snapshot of this month's matching payments (copied under the lock). */
static struct acct_paid *paid_snapshot(struct emu_account *a, const struct bfilter *f, int mk, long *n)
{
	pthread_mutex_lock(&a->lock);
	struct acct_paid *p = malloc(sizeof *p * (size_t)(a->n_paid + 1));
	*n = 0;
	for (int i = 0; p && i < a->n_paid; i++)
		if (paid_matches(f, &a->paid[i], mk))
			p[(*n)++] = a->paid[i];
	pthread_mutex_unlock(&a->lock);
	return p;
}

static void paid_rec(const struct acct_paid *p, struct brec *b)
{
	memset(b, 0, sizeof *b);
	b->mk = p->mk;
	b->day = p->day;
	b->res = p->res;
	b->bill_type = p->bill_type;
	b->measure = 1;
	b->m.official = b->m.amount = b->m.cash = p->units;
	b->paid = p;
}

/* Appends records [off, off+lim) of the given kind; returns the total. */
static long list_records(struct emu_account *a, const struct month_info *mi, const struct bfilter *f,
			 enum rec_kind kind, enum rec_shape shape, long off, long lim, json_object *arr)
{
	long np = 0;
	struct acct_paid *paid = paid_snapshot(a, f, mi->mk, &np);
	long nS = f->nS, nres = a->nres;
	long gen_total = 0;
	/* Resources of S present in a day: S is sorted, so a prefix. */
	long nSd = 0;
	while (nSd < nS && f->S[nSd] < mi->nrd)
		nSd++;
	long full = mi->per_day / nres, rem = mi->per_day % nres, nSp = 0;
	while (nSp < nS && f->S[nSp] < rem)
		nSp++;
	long M = full * nS + nSp; /* matching detail records per day */
	if (kind == REC_DETAIL)
		gen_total = M * mi->days;
	else if (kind == REC_DAILY)
		gen_total = nSd * mi->days;
	else
		gen_total = nSd;
	struct acct_money *sums = NULL;
	if (kind == REC_CYCLE && off < gen_total)
		sums = month_sums(a, mi);
	long end = off + lim;
	for (long i = off; i < gen_total && i < end; i++) {
		struct brec b;
		memset(&b, 0, sizeof b);
		b.kind = kind;
		b.mk = mi->mk;
		b.measure = 1;
		if (kind == REC_DETAIL) {
			long day = i / M, q = i % M, k, si;
			if (q < full * nS) {
				k = q / nS;
				si = q % nS;
			} else {
				k = full;
				si = q - full * nS;
			}
			b.day = (int)day + 1;
			b.res = f->S[si];
			b.j = b.res + k * nres;
			detail_money(a, mi->mk, b.day, b.j, &b.m, &b.measure, &b.usage_pct);
		} else if (kind == REC_DAILY) {
			b.day = (int)(i / nSd) + 1;
			b.res = f->S[i % nSd];
			b.j = b.res;
			for (long j = b.res; j < mi->per_day; j += nres) {
				struct acct_money m;
				detail_money(a, mi->mk, b.day, j, &m, NULL, NULL);
				money_add(&b.m, &m);
			}
		} else {
			b.res = f->S[i];
			b.j = b.res;
			if (sums)
				b.m = sums[b.res];
		}
		b.bill_type = gen_bill_type(&a->res[b.res]);
		json_object_array_add(arr, render(a, &b, shape));
	}
	for (long p = 0; p < np; p++) {
		long i = gen_total + p;
		if (i < off || i >= end)
			continue;
		struct brec b;
		paid_rec(&paid[p], &b);
		b.kind = kind;
		json_object_array_add(arr, render(a, &b, shape));
	}
	free(sums);
	free(paid);
	return gen_total + np;
}

static bool cycle_param(const struct emu_call *c, const char *name, int *mk, struct emu_reply *r)
{
	const char *s = acct_param_str(c, name);
	if (acct_parse_cycle(s, mk) < 0) {
		acct_reply_error(r, 400, "CBC.0100", "Invalid parameter: the billing cycle must be YYYY-MM.");
		return false;
	}
	return true;
}

static void list_op(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c, struct emu_reply *r,
		    const char *cycle_name, const struct bfilter_names *names, enum rec_kind kind,
		    enum rec_shape shape, const char *records_key)
{
	int mk;
	if (!cycle_param(c, cycle_name, &mk, r))
		return;
	long off, lim;
	acct_page(c, 10, &off, &lim);
	struct month_info mi;
	json_object *arr = json_object_new_array();
	long total = 0;
	if (month_info(a, x, mk, &mi)) {
		struct bfilter f;
		if (bfilter_build(a, c, names, &f) < 0) {
			json_object_put(arr);
			acct_reply_error(r, 500, "CBC.0999", "Internal error.");
			return;
		}
		total = list_records(a, &mi, &f, kind, shape, off, lim, arr);
		bfilter_free(&f);
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, records_key, arr);
	put_int(o, "total_count", total);
	put_str(o, "currency", a->currency);
	acct_reply_ok(r, 200, o);
}

static enum rec_kind kind_of(long statistic_type, enum rec_kind dflt)
{
	return statistic_type == 1 ? REC_CYCLE : statistic_type == 2 ? REC_DAILY : statistic_type == 3 ? REC_DETAIL : dflt;
}

void acct_h_res_fee_records(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			    struct emu_reply *r)
{
	static const struct bfilter_names n = { "cloud_service_type", NULL, "region", "charge_mode", "resource_id",
						"enterprise_project_id", "bill_type" };
	list_op(a, x, c, r, "cycle", &n, kind_of(acct_param_long(c, "statistic_type", 3), REC_DETAIL), SHAPE_RES_FEE,
		"fee_records");
}

void acct_h_res_records(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			struct emu_reply *r)
{
	static const struct bfilter_names n = { "cloud_service_type", "resource_type", "region", "charge_mode",
						"res_instance_id", "enterprise_project_id", "bill_type" };
	list_op(a, x, c, r, "cycle", &n, kind_of(acct_param_long(c, "statistic_type", 1), REC_CYCLE),
		SHAPE_RES_RECORD, "monthly_records");
}

void acct_h_fee_records(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			struct emu_reply *r)
{
	static const struct bfilter_names n = { "service_type_code", "resource_type_code", "region_code",
						"charging_mode", NULL, "enterprise_project_id", "bill_type" };
	list_op(a, x, c, r, "bill_cycle", &n, REC_DETAIL, SHAPE_FEE_RECORD, "records");
}

/* ---- monthly summary ---- */
struct sum_group {
	int key, charge_mode; /* service index, or rtype index when per resource type */
	struct acct_money m;
};

static void group_add(struct sum_group *g, int *ng, int key, int cm, const struct acct_money *m)
{
	for (int i = 0; i < *ng; i++)
		if (g[i].key == key && g[i].charge_mode == cm) {
			money_add(&g[i].m, m);
			return;
		}
	memset(&g[*ng], 0, sizeof g[0]);
	g[*ng].key = key;
	g[*ng].charge_mode = cm;
	money_add(&g[*ng].m, m);
	(*ng)++;
}

static int group_cmp(const void *pa, const void *pb)
{
	const struct sum_group *x = pa, *y = pb;
	return x->key != y->key ? x->key - y->key : x->charge_mode - y->charge_mode;
}

void acct_h_monthly_sum(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			struct emu_reply *r)
{
	int mk;
	if (!cycle_param(c, "bill_cycle", &mk, r))
		return;
	long off, lim;
	acct_page(c, 10, &off, &lim);
	static const struct bfilter_names n = { "service_type_code", NULL, NULL, NULL, NULL, "enterprise_project_id",
						NULL };
	const char *svc = acct_param_str(c, "service_type_code");
	bool per_rtype = svc && *svc;
	struct sum_group g[2 * 32];
	int ng = 0;
	struct acct_money total = { 0 };
	struct month_info mi;
	if (month_info(a, x, mk, &mi)) {
		struct bfilter f;
		struct acct_money *sums = NULL;
		if (bfilter_build(a, c, &n, &f) < 0 || !(sums = month_sums(a, &mi))) {
			acct_reply_error(r, 500, "CBC.0999", "Internal error.");
			return;
		}
		for (long i = 0; i < f.nS; i++) {
			int ri = f.S[i];
			if (ri >= mi.nrd)
				continue;
			const struct acct_res *res = &a->res[ri];
			int key = per_rtype ? res->rtype : acct_rtypes[res->rtype].service;
			group_add(g, &ng, key, res->charge_mode, &sums[ri]);
		}
		long np;
		struct acct_paid *paid = paid_snapshot(a, &f, mk, &np);
		for (long p = 0; p < np; p++) {
			const struct acct_res *res = &a->res[paid[p].res];
			struct brec b;
			paid_rec(&paid[p], &b);
			int key = per_rtype ? res->rtype : acct_rtypes[res->rtype].service;
			group_add(g, &ng, key, res->charge_mode, &b.m);
		}
		free(paid);
		free(sums);
		bfilter_free(&f);
		qsort(g, (size_t)ng, sizeof g[0], group_cmp);
	}
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	char cycle[8];
	acct_fmt_cycle(mk, cycle);
	for (int i = 0; i < ng; i++) {
		money_add(&total, &g[i].m);
		if (i < off || i >= off + lim)
			continue;
		const struct acct_rtype *t = per_rtype ? &acct_rtypes[g[i].key] : NULL;
		const struct acct_service *s = &acct_services[per_rtype ? t->service : g[i].key];
		json_object *e = json_object_new_object();
		put_str(e, "bill_cycle", cycle);
		if (t)
			put_str(e, "resource_type_code", t->code);
		put_str(e, "service_type_code", s->code);
		put_str(e, "service_type_name", s->name);
		if (t)
			put_str(e, "resource_type_name", t->name);
		put_int(e, "charging_mode", g[i].charge_mode);
		put_money(e, "official_amount", g[i].m.official);
		put_money(e, "official_discount_amount", g[i].m.discount);
		put_money(e, "truncated_amount", 0);
		put_money(e, "consume_amount", g[i].m.amount);
		put_money(e, "coupon_amount", g[i].m.coupon);
		put_money(e, "flexipurchase_coupon_amount", 0);
		put_money(e, "stored_value_card_amount", 0);
		put_money(e, "debt_amount", 0);
		put_money(e, "writeoff_amount", 0);
		put_money(e, "cash_amount", g[i].m.cash);
		put_money(e, "credit_amount", g[i].m.credit);
		put_int(e, "measure_id", 1);
		put_int(e, "bill_type", 1);
		put_str(e, "customer_id", a->domain_id);
		put_str(e, "account_name", a->domain_name);
		json_object_array_add(arr, e);
	}
	put_int(o, "total_count", ng);
	json_object_object_add(o, "bill_sums", arr);
	put_money(o, "consume_amount", total.amount);
	put_money(o, "debt_amount", 0);
	put_money(o, "coupon_amount", total.coupon);
	put_money(o, "flexipurchase_coupon_amount", 0);
	put_money(o, "stored_value_card_amount", 0);
	put_money(o, "cash_amount", total.cash);
	put_money(o, "credit_amount", total.credit);
	put_money(o, "writeoff_amount", 0);
	put_int(o, "measure_id", 1);
	put_str(o, "currency", a->currency);
	acct_reply_ok(r, 200, o);
}

int64_t acct_month_total(struct emu_account *a, const struct acct_ctx *x, int mk)
{
	struct month_info mi;
	if (!month_info(a, x, mk, &mi))
		return 0;
	struct acct_money *sums = month_sums(a, &mi);
	int64_t t = 0;
	for (long i = 0; sums && i < mi.nrd; i++)
		t += sums[i].amount;
	free(sums);
	pthread_mutex_lock(&a->lock);
	for (int i = 0; i < a->n_paid; i++)
		if (a->paid[i].mk == mk)
			t += a->paid[i].units;
	pthread_mutex_unlock(&a->lock);
	return t;
}
