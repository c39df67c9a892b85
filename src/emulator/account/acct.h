/* Internals of the emulator's synthetic account (src/emulator/account/).
 *
 * Owns: the generated account (catalog, resources, enterprise projects,
 * orders, coupons, packages, invoices), the per-month fee-record engine and
 * the small mutable overlay that writes change (order status, payments,
 * resource renewal state).  Fee records are never stored: a record is a pure
 * function of (seed, month, index); only per-month per-resource sums are
 * cached.  Does not own HTTP, signatures, limits or generic validation
 * (the front end, src/emulator/). */
#ifndef BSSFS_EMU_ACCT_H
#define BSSFS_EMU_ACCT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "emulator/emu.h"

/* ---- generator helpers (gen.c) ---- */
uint64_t acct_mix(uint64_t x);
uint64_t acct_hash3(uint64_t seed, uint64_t a, uint64_t b);
/* uuid-like text from a hash: 36 chars + NUL. */
void acct_uuid(uint64_t h, char out[37]);
/* A possibly hostile user-controlled text; `kind` picks a plain pattern. */
const char *acct_hostile_text(uint64_t h);
/* UTC "yyyy-MM-ddTHH:mm:ssZ". */
void acct_fmt_time(int64_t ms, char out[32]);
/* Month keys: year*12 + month0. UTC+8 calendar. */
int acct_month_of_ms(int64_t ms, int *day_out);
int acct_days_in_month(int mk);
/* ms of 00:00 UTC+8 on day `day` (1-based) of month mk. */
int64_t acct_day_start_ms(int mk, int day);
void acct_fmt_cycle(int mk, char out[8]);
void acct_fmt_date(int mk, int day, char out[11]);
/* Parses "YYYY-MM"; -EINVAL on malformed text. */
int acct_parse_cycle(const char *s, int *mk);
json_object *acct_money_json(int64_t units, int scale); /* units of 1e-8 */

/* ---- catalog (catalog.c) ---- */
struct acct_service {
	const char *code, *name, *abbr;
};
struct acct_rtype {
	const char *code, *name, *desc;
	int service;            /* index into acct_services */
	const char *usage_type; /* usage factor code */
	const char *usage_name;
	int usage_measure;      /* measure id of usage */
	const char *spec;       /* sample resource spec */
	int64_t price_units;    /* base price of one record, 1e-8 units */
	int charge_mode;        /* typical: 1 or 3 */
};
struct acct_region {
	const char *code, *name;
};
extern const struct acct_service acct_services[];
extern const int acct_n_services;
extern const struct acct_rtype acct_rtypes[];
extern const int acct_n_rtypes;
extern const struct acct_region acct_regions[];
extern const int acct_n_regions;
int acct_service_find(const char *code);

/* ---- generated entities ---- */
struct acct_ep {
	char id[40];
	const char *name;
	const char *desc;
	int status; /* 1 enabled, 2 disabled */
};

struct acct_res {
	char id[48];
	const char *name;
	const char *tag;
	int rtype;  /* acct_rtypes index */
	int region; /* acct_regions index */
	int ep;     /* acct_ep index */
	int charge_mode; /* 1 yearly/monthly, 3 pay-per-use */
	bool credit_payer;
	/* subscription state (charge_mode 1); mutable, guarded by acct.lock */
	int64_t effective_ms, expire_ms;
	bool auto_renew;
	int expire_policy;
	int status;
};

struct acct_order {
	char id[24];
	int status;     /* 1,2,3,4,5,6,9 */
	int order_type; /* 1 new, 2 renewal, 3 change, 4 unsubscribe */
	int res;        /* resource index */
	int64_t official_units, discount_units; /* 1e-8 units, multiples of 1e6 */
	int64_t create_ms, payment_ms;          /* payment_ms 0 = unpaid */
	int period_type, period_num;
	bool generated;   /* create_ms (and payment_ms unless payment_abs) relative to now */
	bool payment_abs;
};

/* A fee record added by a payment (current month of its payment). */
struct acct_paid {
	int mk, day, res, bill_type;
	int64_t units;
	int64_t time_ms;
	char trade_id[24];
};

/* Money of one fee record or an aggregate, 1e-8 base units. */
struct acct_money {
	int64_t official, discount, amount, cash, credit, coupon;
};

struct acct_month_cache {
	int mk, days; /* days covered; -1 = empty slot */
	struct acct_money *per_res; /* nres entries, generated records only */
};

#define ACCT_CACHE_SLOTS 24
#define ACCT_MAX_OPS 64

struct emu_account {
	/* immutable after new() */
	uint64_t seed;
	int nres, months;
	long rpm;
	unsigned site;
	char *domain_id, *domain_name;
	const char *currency;
	int n_eps;
	struct acct_ep eps[8];
	int n_coupons, n_packages, n_invoices;

	pthread_mutex_t lock;          /* guards every field below */
	struct acct_res *res;          /* nres; only the subscription fields change
					* (under lock); the rest is immutable and read
					* without it */
	struct acct_order *orders;     /* n_orders (generated + created) */
	int n_orders, cap_orders, n_gen_orders;
	struct acct_paid *paid;        /* payments this run */
	int n_paid, cap_paid;
	int64_t balance_units;         /* cash account (type 1) */
	long payments;
	const char *sc_names[ACCT_MAX_OPS];
	long sc_counts[ACCT_MAX_OPS];
	int next_order_seq;

	pthread_mutex_t cache_lock;    /* guards cache[] */
	struct acct_month_cache cache[ACCT_CACHE_SLOTS];
	int cache_next;
};

/* Per-call view of time. */
struct acct_ctx {
	int64_t now_ms;
	int cur_mk, today; /* UTC+8 month and day-of-month of now */
	/* Generated (not state-changed) times are relative to the start of today
	 * (UTC+8), so the same data reads the same bytes all day long: a
	 * refetch that brings identical content must change nothing. */
	int64_t anchor_ms;
};

/* ---- generation (state.c) ---- */
/* Resources (full) or their subscription state, orders, balance, counters. */
void acct_generate_state(struct emu_account *a, bool full);
void acct_count_change(struct emu_account *a, const char *op); /* lock held */
/* Appends a pending-payment order; returns its index or -1. Lock held. */
/* Pays order i now (balance, fee record, renewal). Lock held. */
int acct_pay_order_locked(struct emu_account *a, const struct acct_ctx *x, int i);
int acct_new_order(struct emu_account *a, int res, int order_type, int64_t official, int64_t discount,
		   int64_t create_ms);

/* ---- request helpers (dispatch.c) ---- */
/* Reads an integer parameter from the query (or body when in_body). */
long acct_param_long(const struct emu_call *c, const char *name, long dflt);
const char *acct_param_str(const struct emu_call *c, const char *name);
void acct_page(const struct emu_call *c, long dflt_limit, long *offset, long *limit);
void acct_reply_error(struct emu_reply *r, int status, const char *code, const char *msg);
void acct_reply_ok(struct emu_reply *r, int status, json_object *body);

/* ---- handlers ---- */
typedef void (*acct_handler)(struct emu_account *a, const struct acct_ctx *x,
			     const struct emu_call *c, struct emu_reply *r);
void acct_h_monthly_sum(struct emu_account *, const struct acct_ctx *, const struct emu_call *, struct emu_reply *);
void acct_h_res_fee_records(struct emu_account *, const struct acct_ctx *, const struct emu_call *, struct emu_reply *);
void acct_h_res_records(struct emu_account *, const struct acct_ctx *, const struct emu_call *, struct emu_reply *);
void acct_h_fee_records(struct emu_account *, const struct acct_ctx *, const struct emu_call *, struct emu_reply *);
acct_handler acct_catalog_handler(const char *op);
acct_handler acct_orders_handler(const char *op);
acct_handler acct_subs_handler(const char *op);
acct_handler acct_misc_handler(const char *op);
acct_handler acct_eps_handler(const char *op);

/* bills.c: sum of a month's generated + paid records (for quota, tests). */
int64_t acct_month_total(struct emu_account *a, const struct acct_ctx *x, int mk);

#endif
