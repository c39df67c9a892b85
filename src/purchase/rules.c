/* Constraints that api-reference.md states in prose (the Notes column) and
 * that the generated schema table cannot hold: enumerations, array sizes,
 * ranges that depend on another field.  Each row cites its note. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bssfs/jsonx.h"
#include "bssfs/purchase.h"
#include "purchase/purchase_internal.h"

enum rule_kind {
	R_INT_SET,   /* integer in a '|'-separated list */
	R_STR_ENUM,  /* string in a '|'-separated list */
	R_INT_RANGE, /* lo..hi */
	R_ITEMS,     /* array with lo..hi items */
};

struct rule {
	const char *op;
	const char *path; /* "a", "a[].b" */
	enum rule_kind kind;
	const char *set;
	long long lo, hi;
};

static const struct rule rules[] = {
	/* PayOrders: "YES or NO"; coupons max 3 of types 300-303; discount max 1
	 * of types 0, 2, 3, 609. */
	{ "PayOrders", "use_coupon", R_STR_ENUM, "YES|NO", 0, 0 },
	{ "PayOrders", "use_discount", R_STR_ENUM, "YES|NO", 0, 0 },
	{ "PayOrders", "coupon_infos", R_ITEMS, NULL, 0, 3 },
	{ "PayOrders", "coupon_infos[].type", R_INT_SET, "300|301|302|303", 0, 0 },
	{ "PayOrders", "discount_infos", R_ITEMS, NULL, 0, 1 },
	{ "PayOrders", "discount_infos[].type", R_INT_SET, "0|2|3|609", 0, 0 },
	/* RenewalResources: "at most 10"; "2 month, 3 year"; "0 ... 1 ...". */
	{ "RenewalResources", "resource_ids", R_ITEMS, NULL, 1, 10 },
	{ "RenewalResources", "period_type", R_INT_SET, "2|3", 0, 0 },
	{ "RenewalResources", "is_auto_pay", R_INT_SET, "0|1", 0, 0 },
	{ "ListRenewRateOnPeriod", "resource_ids", R_ITEMS, NULL, 1, 10 },
	{ "ListRenewRateOnPeriod", "period_type", R_INT_SET, "2|3", 0, 0 },
	/* AutoRenewalResources: "0-99"; "MONTH or YEAR". */
	{ "AutoRenewalResources", "auto_renew_times", R_INT_RANGE, NULL, 0, 99 },
	{ "AutoRenewalResources", "period_type", R_STR_ENUM, "MONTH|YEAR", 0, 0 },
	/* UpdatePeriodToOnDemand: "SET_UP ... or CANCEL"; "at most 100". */
	{ "UpdatePeriodToOnDemand", "operation", R_STR_ENUM, "SET_UP|CANCEL", 0, 0 },
	{ "UpdatePeriodToOnDemand", "resource_ids", R_ITEMS, NULL, 1, 100 },
	/* CancelResourcesSubscription: "at most 10"; types 1, 2; reasons 1-5. */
	{ "CancelResourcesSubscription", "resource_ids", R_ITEMS, NULL, 1, 10 },
	{ "CancelResourcesSubscription", "unsubscribe_type", R_INT_SET, "1|2", 0, 0 },
	{ "CancelResourcesSubscription", "unsubscribe_reason_type", R_INT_SET, "1|2|3|4|5", 0, 0 },
	/* Price inquiries: "0 = default, 1 = ..."; "0 day, 2 month, 3 year, 4 hour". */
	{ "ListOnDemandResourceRatings", "inquiry_precision", R_INT_SET, "0|1", 0, 0 },
	{ "ListOnDemandResourceRatings", "product_infos", R_ITEMS, NULL, 1, 0 },
	{ "ListRateOnPeriodDetail", "product_infos", R_ITEMS, NULL, 1, 0 },
	{ "ListRateOnPeriodDetail", "product_infos[].period_type", R_INT_SET, "0|2|3|4", 0, 0 },
};

static bool in_set(const char *set, const char *word)
{
	size_t wl = strlen(word);
	const char *p = set;
	while (*p) {
		const char *e = strchr(p, '|');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == wl && memcmp(p, word, l) == 0)
			return true;
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

static int check_rule(const struct rule *r, json_object *v, const char *where, char *reason,
		      size_t rlen)
{
	char num[32];
	switch (r->kind) {
	case R_INT_SET:
		if (!json_object_is_type(v, json_type_int))
			return 0; /* the type check reports it */
		snprintf(num, sizeof num, "%lld", (long long)json_object_get_int64(v));
		if (!in_set(r->set, num)) {
			bss_purchase_reason(reason, rlen, "%s: %s is not one of %s", where, num, r->set);
			return -EINVAL;
		}
		return 0;
	case R_STR_ENUM:
		if (!json_object_is_type(v, json_type_string))
			return 0;
		if (!in_set(r->set, json_object_get_string(v))) {
			bss_purchase_reason(reason, rlen, "%s: \"%s\" is not one of %s", where,
					    json_object_get_string(v), r->set);
			return -EINVAL;
		}
		return 0;
	case R_INT_RANGE: {
		if (!json_object_is_type(v, json_type_int))
			return 0;
		long long x = (long long)json_object_get_int64(v);
		if (x < r->lo || x > r->hi) {
			bss_purchase_reason(reason, rlen, "%s: %lld is out of range %lld-%lld", where, x,
					    r->lo, r->hi);
			return -EINVAL;
		}
		return 0;
	}
	case R_ITEMS: {
		if (!json_object_is_type(v, json_type_array))
			return 0;
		long long n = (long long)json_object_array_length(v);
		if (n < r->lo) {
			bss_purchase_reason(reason, rlen, "%s: needs at least %lld item%s", where, r->lo,
					    r->lo == 1 ? "" : "s");
			return -EINVAL;
		}
		if (r->hi > 0 && n > r->hi) {
			bss_purchase_reason(reason, rlen, "%s: at most %lld items (got %lld)", where,
					    r->hi, n);
			return -EINVAL;
		}
		return 0;
	}
	}
	return 0;
}

/* Visits every value at a path such as "coupon_infos[].type". */
static int walk(const struct rule *r, json_object *obj, const char *path, const char *prefix,
		char *reason, size_t rlen)
{
	const char *dot = strchr(path, '.');
	size_t seg = dot ? (size_t)(dot - path) : strlen(path);
	bool arr = seg > 2 && path[seg - 2] == '[' && path[seg - 1] == ']';
	char key[64];
	size_t kl = arr ? seg - 2 : seg;
	if (kl >= sizeof key)
		return 0;
	memcpy(key, path, kl);
	key[kl] = '\0';
	json_object *v = NULL;
	if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v) ||
	    !v)
		return 0;
	char where[256];
	snprintf(where, sizeof where, "%s%s%s", prefix, prefix[0] ? "." : "", key);
	if (!dot && !arr)
		return check_rule(r, v, where, reason, rlen);
	if (!arr || !json_object_is_type(v, json_type_array))
		return dot ? walk(r, v, dot + 1, where, reason, rlen) : 0;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		char w[300];
		snprintf(w, sizeof w, "%s[%zu]", where, i);
		json_object *e = json_object_array_get_idx(v, i);
		int rc = dot ? walk(r, e, dot + 1, w, reason, rlen) : check_rule(r, e, w, reason, rlen);
		if (rc)
			return rc;
	}
	return 0;
}

static long long get_int(json_object *body, const char *key, long long dflt)
{
	json_object *v = bss_json_get(body, key);
	return v && json_object_is_type(v, json_type_int) ? (long long)json_object_get_int64(v) : dflt;
}

/* "1-11 for months, 1-3 for years" (RenewalResources, ListRenewRateOnPeriod). */
static int check_period_num(json_object *body, char *reason, size_t rlen)
{
	long long type = get_int(body, "period_type", -1);
	long long num = get_int(body, "period_num", -1);
	long long max = type == 2 ? 11 : type == 3 ? 3 : 0;
	if (max && (num < 1 || num > max)) {
		bss_purchase_reason(reason, rlen, "period_num: %lld is out of range 1-%lld for %s", num,
				    max, type == 2 ? "months (period_type 2)" : "years (period_type 3)");
		return -EINVAL;
	}
	return 0;
}

/* "YES requires coupon_infos"; "YES requires discount_infos". */
static int check_pay_flags(json_object *body, char *reason, size_t rlen)
{
	static const char *const pairs[][2] = { { "use_coupon", "coupon_infos" },
						{ "use_discount", "discount_infos" } };
	for (size_t i = 0; i < 2; i++) {
		const char *flag = bss_json_get_str(body, pairs[i][0]);
		json_object *list = bss_json_get(body, pairs[i][1]);
		size_t n = list && json_object_is_type(list, json_type_array)
				   ? json_object_array_length(list)
				   : 0;
		if (flag && strcmp(flag, "YES") == 0 && n == 0) {
			bss_purchase_reason(reason, rlen, "%s: \"YES\" requires a non-empty %s",
					    pairs[i][0], pairs[i][1]);
			return -EINVAL;
		}
	}
	return 0;
}

/* product_infos[].id: "unique within one inquiry". */
static int check_unique_ids(json_object *body, char *reason, size_t rlen)
{
	json_object *list = bss_json_get(body, "product_infos");
	if (!list || !json_object_is_type(list, json_type_array))
		return 0;
	size_t n = json_object_array_length(list);
	for (size_t i = 0; i < n; i++) {
		const char *a = bss_json_get_str(json_object_array_get_idx(list, i), "id");
		for (size_t j = 0; a && j < i; j++) {
			const char *b = bss_json_get_str(json_object_array_get_idx(list, j), "id");
			if (b && strcmp(a, b) == 0) {
				bss_purchase_reason(reason, rlen,
						    "product_infos[%zu].id: \"%s\" is not unique", i, a);
				return -EINVAL;
			}
		}
	}
	return 0;
}

int bss_op_body_validate(const char *op, json_object *body, char *reason, size_t rlen)
{
	const struct bss_op *o = bss_op_find(op);
	if (!o) {
		bss_purchase_reason(reason, rlen, "unknown operation %s", op);
		return -EINVAL;
	}
	int rc = bss_body_validate(o->body, o->n_body, body, reason, rlen);
	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		if (strcmp(rules[i].op, op) != 0)
			continue;
		rc = walk(&rules[i], body, rules[i].path, "", reason, rlen);
		if (rc)
			return rc;
	}
	if (strcmp(op, "RenewalResources") == 0 || strcmp(op, "ListRenewRateOnPeriod") == 0)
		return check_period_num(body, reason, rlen);
	if (strcmp(op, "PayOrders") == 0)
		return check_pay_flags(body, reason, rlen);
	if (strcmp(op, "ListOnDemandResourceRatings") == 0 ||
	    strcmp(op, "ListRateOnPeriodDetail") == 0)
		return check_unique_ids(body, reason, rlen);
	return 0;
}
