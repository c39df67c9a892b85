/* Account lifecycle: configuration, generation of the mutable part
 * (resources' subscription state, orders, cash balance), reset, and the
 * statistics the control API reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"

static const struct {
	int resources, months;
	long rpm;
} scales[] = {
	[EMU_SCALE_TINY] = { 12, 3, 300 },
	[EMU_SCALE_SMALL] = { 60, 13, 5000 },
	[EMU_SCALE_LARGE] = { 400, 18, 100000 },
	[EMU_SCALE_HUGE] = { 1000, 18, 1000000 },
};

#define DAY_MS (86400LL * 1000)

static void gen_eps(struct emu_account *a)
{
	static const char *const names[] = { "default", "prod-platform", NULL, "data-analytics", NULL, "test-poc" };
	a->n_eps = 6;
	for (int i = 0; i < a->n_eps; i++) {
		struct acct_ep *e = &a->eps[i];
		uint64_t h = acct_hash3(a->seed, 7, (uint64_t)i);
		if (i == 0)
			snprintf(e->id, sizeof e->id, "0");
		else
			acct_uuid(h, e->id);
		e->name = names[i] ? names[i] : acct_hostile_text(h >> 8);
		e->desc = i == 0 ? "Default enterprise project"
				 : (i % 2 ? acct_hostile_text(h >> 16) : "Workloads of the \"data\" team, billed monthly");
		e->status = i == 5 ? 2 : 1;
	}
}

/* full: the whole resource (at creation); otherwise only the mutable
 * subscription fields are restored, so readers of the immutable fields
 * (the bill engine, without the lock) never see them change. */
static void gen_resources(struct emu_account *a, bool full)
{
	for (int i = 0; i < a->nres; i++) {
		struct acct_res tmp, *r = &tmp;
		uint64_t h = acct_hash3(a->seed, 1, (uint64_t)i);
		memset(r, 0, sizeof *r);
		r->rtype = (int)(h % (uint64_t)acct_n_rtypes);
		r->region = (int)((h >> 8) % (uint64_t)acct_n_regions);
		r->ep = (h >> 12) % 3 == 0 ? 0 : (int)((h >> 16) % (uint64_t)a->n_eps);
		r->charge_mode = acct_rtypes[r->rtype].charge_mode;
		if ((h >> 20) % 4 == 0)
			r->charge_mode = r->charge_mode == 1 ? 3 : 1;
		if (i == 0) {
			r->rtype = 0;
			r->charge_mode = 1;
		} else if (i == 1) {
			r->charge_mode = 3;
		}
		const struct acct_rtype *t = &acct_rtypes[r->rtype];
		if (!strcmp(t->code, "hws.resource.type.obs")) {
			snprintf(r->id, sizeof r->id, "bucket-%010llx", (unsigned long long)(acct_mix(h) >> 24));
		} else {
			char u[37];
			acct_uuid(acct_mix(h), u);
			snprintf(r->id, sizeof r->id, "%s", u);
		}
		r->name = (h >> 24) % 4 == 0 ? acct_hostile_text(h >> 28) : NULL;
		r->tag = (h >> 32) % 5 == 0 ? acct_hostile_text(h >> 36) : ((h >> 40) % 2 ? "env=prod" : "team=billing");
		r->credit_payer = (h >> 44) % 4 == 0;
		/* Subscription window relative to the start of "today" (UTC+8). */
		r->effective_ms = -(int64_t)(30 + (h >> 48) % 300) * DAY_MS;
		if ((h >> 52) % 3 == 0)
			r->expire_ms = (int64_t)(1 + (h >> 54) % 7) * DAY_MS + 3600 * 1000LL * 16 - 1000;
		else
			r->expire_ms = (int64_t)(20 + (h >> 54) % 300) * DAY_MS + 3600 * 1000LL * 16 - 1000;
		r->auto_renew = r->charge_mode == 1 && (h >> 58) % 2 == 0;
		/* Always some subscriptions near expiry, with auto-renew on and off. */
		if (i == 0 || i == 2) {
			r->charge_mode = 1;
			r->expire_ms = (int64_t)(i == 0 ? 3 : 5) * DAY_MS + 3600 * 1000LL * 16 - 1000;
			r->auto_renew = i == 0;
		}
		r->expire_policy = r->auto_renew ? 3 : 0;
		r->status = 2;
		struct acct_res *dst = &a->res[i];
		if (full) {
			*dst = tmp;
		} else {
			dst->effective_ms = tmp.effective_ms;
			dst->expire_ms = tmp.expire_ms;
			dst->auto_renew = tmp.auto_renew;
			dst->expire_policy = tmp.expire_policy;
			dst->status = tmp.status;
		}
	}
}

static void make_order_id(uint64_t h, char out[24])
{
	char letters[6];
	for (int i = 0; i < 5; i++)
		letters[i] = (char)('A' + (acct_mix(h + (uint64_t)i) % 26));
	letters[5] = 0;
	snprintf(out, 24, "CS%010llu%s", (unsigned long long)(acct_mix(h) % 10000000000ULL), letters);
}

static int add_order(struct emu_account *a)
{
	if (a->n_orders == a->cap_orders) {
		int cap = a->cap_orders ? a->cap_orders * 2 : 64;
		struct acct_order *n = realloc(a->orders, (size_t)cap * sizeof *n);
		if (!n)
			return -1;
		a->orders = n;
		a->cap_orders = cap;
	}
	memset(&a->orders[a->n_orders], 0, sizeof a->orders[0]);
	return a->n_orders++;
}

int acct_new_order(struct emu_account *a, int res, int order_type, int64_t official, int64_t discount,
		   int64_t create_ms)
{
	int i = add_order(a);
	if (i < 0)
		return -1;
	struct acct_order *o = &a->orders[i];
	make_order_id(acct_hash3(a->seed, 99, (uint64_t)a->next_order_seq++), o->id);
	o->res = res;
	o->order_type = order_type;
	o->status = 6;
	o->official_units = official;
	o->discount_units = discount;
	o->create_ms = create_ms;
	o->period_type = 2;
	o->period_num = 1;
	return i;
}

static void gen_orders(struct emu_account *a)
{
	static const int status_cycle[] = { 6, 5, 5, 4, 2, 5, 6, 5, 3, 5 };
	int n = 14 + a->nres / 2;
	if (n > 600)
		n = 600;
	a->n_orders = 0;
	for (int i = 0; i < n; i++) {
		uint64_t h = acct_hash3(a->seed, 2, (uint64_t)i);
		int k = add_order(a);
		if (k < 0)
			break;
		struct acct_order *o = &a->orders[k];
		make_order_id(h, o->id);
		o->generated = true;
		o->status = status_cycle[i % 10];
		o->res = (int)((h >> 8) % (uint64_t)a->nres);
		o->order_type = o->status == 2 ? 4 : (int)(1 + (h >> 16) % 3);
		o->period_type = (h >> 20) % 4 == 0 ? 3 : 2;
		o->period_num = o->period_type == 3 ? 1 : (int)(1 + (h >> 22) % 6);
		int64_t cents = (int64_t)(acct_rtypes[a->res[o->res].rtype].price_units / 1000000 + 1) *
				(int64_t)(700 + (h >> 28) % 300) * o->period_num;
		o->official_units = cents * 1000000;
		o->discount_units = (cents * (int64_t)((h >> 40) % 20) / 100) * 1000000;
		/* Relative to now: pending ones are recent. */
		int64_t age = o->status == 6 ? (int64_t)(1 + (h >> 44) % 72) * 3600 * 1000
					     : (int64_t)(1 + (h >> 44) % (uint64_t)(a->months * 28)) * DAY_MS;
		o->create_ms = -age;
		o->payment_ms = (o->status == 5 || o->status == 2) ? o->create_ms + 600 * 1000 : 0;
	}
	a->n_gen_orders = a->n_orders;
}

void acct_generate_state(struct emu_account *a, bool full)
{
	gen_resources(a, full);
	gen_orders(a);
	a->n_paid = 0;
	a->payments = 0;
	a->next_order_seq = 0;
	for (int i = 0; i < ACCT_MAX_OPS; i++) {
		a->sc_names[i] = NULL;
		a->sc_counts[i] = 0;
	}
	uint64_t h = acct_hash3(a->seed, 3, 0);
	a->balance_units = (int64_t)(1000000 + h % 9000000) * 1000000;
}

void acct_count_change(struct emu_account *a, const char *op)
{
	for (int i = 0; i < ACCT_MAX_OPS; i++) {
		if (!a->sc_names[i])
			a->sc_names[i] = op;
		if (!strcmp(a->sc_names[i], op)) {
			a->sc_counts[i]++;
			return;
		}
	}
}

struct emu_account *emu_account_new(const struct emu_account_config *cfg)
{
	if (!cfg || (unsigned)cfg->scale > EMU_SCALE_HUGE)
		return NULL;
	struct emu_account *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->seed = cfg->seed;
	a->nres = cfg->resources > 0 ? cfg->resources : scales[cfg->scale].resources;
	a->months = cfg->months > 0 ? cfg->months : scales[cfg->scale].months;
	a->rpm = cfg->records_per_month > 0 ? cfg->records_per_month : scales[cfg->scale].rpm;
	a->site = cfg->site ? cfg->site : BSS_SITE_INTL;
	a->currency = a->site == BSS_SITE_CN ? "CNY" : "USD";
	a->domain_id = strdup(cfg->domain_id ? cfg->domain_id : "0a1b2c3d4e5f40718293a4b5c6d7e8f9");
	a->domain_name = strdup(cfg->domain_name ? cfg->domain_name : "emulated-account");
	a->res = calloc((size_t)a->nres, sizeof *a->res);
	pthread_mutex_init(&a->lock, NULL);
	pthread_mutex_init(&a->cache_lock, NULL);
	for (int i = 0; i < ACCT_CACHE_SLOTS; i++)
		a->cache[i].mk = -1;
	if (!a->domain_id || !a->domain_name || !a->res) {
		emu_account_free(a);
		return NULL;
	}
	a->n_coupons = 6 + a->nres / 20;
	a->n_packages = 3 + a->nres / 40;
	a->n_invoices = 5 + a->months * 2;
	gen_eps(a);
	acct_generate_state(a, true);
	return a;
}

void emu_account_free(struct emu_account *a)
{
	if (!a)
		return;
	for (int i = 0; i < ACCT_CACHE_SLOTS; i++)
		free(a->cache[i].per_res);
	pthread_mutex_destroy(&a->lock);
	pthread_mutex_destroy(&a->cache_lock);
	free(a->res);
	free(a->orders);
	free(a->paid);
	free(a->domain_id);
	free(a->domain_name);
	free(a);
}

void emu_account_reset(struct emu_account *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	acct_generate_state(a, false);
	pthread_mutex_unlock(&a->lock);
}

void emu_account_stats(struct emu_account *a, json_object *stats)
{
	if (!a || !stats)
		return;
	pthread_mutex_lock(&a->lock);
	json_object *sc = json_object_new_object();
	for (int i = 0; i < ACCT_MAX_OPS && a->sc_names[i]; i++)
		json_object_object_add(sc, a->sc_names[i], json_object_new_int64(a->sc_counts[i]));
	json_object_object_add(stats, "payments", json_object_new_int64(a->payments));
	json_object_object_add(stats, "state_changes", sc);
	pthread_mutex_unlock(&a->lock);
}
