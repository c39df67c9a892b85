/* Unit tests of the path table and billing-month arithmetic. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "bssfs/api.h"
#include "bssfs/tree.h"

/* 2026-11-26T04:00:00Z */
static int64_t ts_ms(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return (int64_t)timegm(&tm) * 1000;
}

static const struct bss_tree_cfg intl = {BSS_SITE_INTL, 18};
static const struct bss_tree_cfg cn = {BSS_SITE_CN, 18};

static const char *param(const struct bss_tree_node *n, const char *name)
{
	for (int i = 0; i < BSS_TREE_MAX_PARAMS && n->row->params[i].name; i++)
		if (!strcmp(n->row->params[i].name, name))
			return n->row->params[i].value;
	return NULL;
}

static void expect_op(const struct bss_tree_cfg *cfg, const char *path, const char *op,
		      enum bss_tree_render r)
{
	struct bss_tree_node n;
	int64_t now = ts_ms(2026, 11, 26, 4, 0);
	int rc = bss_tree_lookup(cfg, now, path, &n);
	if (rc != 0)
		fail_msg("lookup %s: %d", path, rc);
	if (op)
		assert_string_equal(n.row->op, op);
	else
		assert_null(n.row->op);
	assert_int_equal(n.row->render, r);
	assert_int_equal(n.row->kind, BSS_TREE_FILE);
	/* every named operation exists in the API table */
	if (op)
		assert_non_null(bss_op_find(op));
}

static void test_paths_to_ops(void **state)
{
	(void)state;
	expect_op(&intl, "/README.txt", NULL, BSS_TR_README);
	expect_op(&intl, "/account/balance", "ShowCustomerAccountBalances", BSS_TR_BALANCE);
	expect_op(&intl, "/account/balances.json", "ShowCustomerAccountBalances", BSS_TR_JSON);
	expect_op(&intl, "/account/balances.csv", "ShowCustomerAccountBalances", BSS_TR_CSV);
	expect_op(&intl, "/account/expenditure-quota.json", "ShowCustomerExpenditureQuota",
		  BSS_TR_JSON);
	expect_op(&intl, "/products/service-types.csv", "ListServiceTypes", BSS_TR_CSV);
	expect_op(&intl, "/products/resource-types.json", "ListResourceTypes", BSS_TR_JSON);
	expect_op(&intl, "/products/usage-types.json", "ListUsageTypes", BSS_TR_JSON);
	expect_op(&intl, "/products/measure-units.csv", "ListMeasureUnits", BSS_TR_CSV);
	expect_op(&intl, "/products/conversions.json", "ListConversions", BSS_TR_JSON);
	expect_op(&intl, "/products/services/hws.service.type.ebs/resources.csv",
		  "ListServiceResources", BSS_TR_CSV);
	expect_op(&intl, "/coupons/coupons.json", "ListSubCustomerCoupons", BSS_TR_JSON);
	expect_op(&intl, "/packages/packages.csv", "ListFreeResourceInfos", BSS_TR_CSV);
	expect_op(&intl, "/packages/usage.json", "ListFreeResourceUsages", BSS_TR_JSON);
	expect_op(&intl, "/bills/months.csv", "ShowCustomerMonthlySum", BSS_TR_MONTHS_CSV);
	expect_op(&intl, "/bills/2026-10/summary.json", "ShowCustomerMonthlySum", BSS_TR_JSON);
	expect_op(&intl, "/bills/2026-10/resources.csv", "ListCustomerselfResourceRecordDetails",
		  BSS_TR_CSV);
	expect_op(&intl, "/bills/2026-10/daily.json", "ListCustomerselfResourceRecords",
		  BSS_TR_JSON);
	expect_op(&intl, "/bills/2026-10/records.csv", "ListCustomerselfResourceRecords",
		  BSS_TR_CSV);
	expect_op(&cn, "/bills/2026-10/fee-records.csv", "ListCustomerBillsFeeRecords", BSS_TR_CSV);
	expect_op(&intl, "/orders/orders.json", "ListCustomerOrders", BSS_TR_JSON);
	expect_op(&intl, "/orders/CS2611/order.json", "ShowCustomerOrderDetails", BSS_TR_JSON);
	expect_op(&intl, "/orders/CS2611/items.csv", "ShowCustomerOrderDetails", BSS_TR_CSV);
	expect_op(&intl, "/orders/CS2611/discounts.json", "ListOrderDiscounts", BSS_TR_JSON);
	expect_op(&intl, "/subscriptions/subscriptions.csv", "ListPayPerUseCustomerResources",
		  BSS_TR_CSV);
	expect_op(&intl, "/subscriptions/r-1/resource.json", "ListPayPerUseCustomerResources",
		  BSS_TR_JSON);
	expect_op(&intl, "/subscriptions/r-1/renew-price.json", "ListRenewRateOnPeriod",
		  BSS_TR_RENEW_PRICE);
	expect_op(&intl, "/invoices/invoices.csv", "ListInvoices", BSS_TR_CSV);
	expect_op(&intl, "/eps/projects.json", "ListEnterpriseProject", BSS_TR_JSON);
	expect_op(&intl, "/eps/quota.json", "ShowEnterpriseProjectQuota", BSS_TR_JSON);
	expect_op(&intl, "/eps/0/project.json", "ShowEnterpriseProject", BSS_TR_JSON);
	expect_op(&intl, "/eps/0/resources.csv", "ShowResourceBindEnterpriseProject", BSS_TR_CSV);
}

static void test_params(void **state)
{
	(void)state;
	struct bss_tree_node n;
	int64_t now = ts_ms(2026, 11, 26, 4, 0);
	assert_int_equal(bss_tree_lookup(&intl, now, "bills/2026-10/records.json", &n), 0);
	assert_string_equal(n.arg, "2026-10");
	assert_string_equal(param(&n, "cycle"), "{arg}");
	assert_string_equal(param(&n, "statistic_type"), "3");
	assert_int_equal(bss_tree_lookup(&intl, now, "bills/2026-10/daily.json", &n), 0);
	assert_string_equal(param(&n, "statistic_type"), "2");
	assert_int_equal(bss_tree_lookup(&intl, now, "bills/2026-10/resources.json", &n), 0);
	assert_string_equal(param(&n, "statistic_type"), "1");
	assert_int_equal(bss_tree_lookup(&intl, now, "bills/2026-10/summary.csv", &n), 0);
	assert_string_equal(param(&n, "bill_cycle"), "{arg}");
	assert_null(param(&n, "cycle"));
	assert_int_equal(bss_tree_lookup(&intl, now, "/orders/CS1/items.csv", &n), 0);
	assert_string_equal(n.arg, "CS1");
	assert_string_equal(param(&n, "order_id"), "{arg}");
	assert_string_equal(n.row->records_key, "order_line_items");
	assert_non_null(n.id_dir);
	assert_string_equal(n.id_dir->pattern, "orders/{id}");
	assert_string_equal(n.id_dir_path, "orders/CS1");
	assert_string_equal(n.id_dir->list_file, "orders/orders.json");
	assert_int_equal(n.fresh, BSS_FRESH_ACCOUNT);
	assert_int_equal(bss_tree_lookup(&intl, now, "/subscriptions/r-1/resource.json", &n), 0);
	assert_string_equal(param(&n, "resource_ids"), "{arg}");
	assert_int_equal(bss_tree_lookup(&intl, now, "/products/services/x/resources.json", &n), 0);
	assert_string_equal(param(&n, "service_type_code"), "{arg}");
	assert_int_equal(n.fresh, BSS_FRESH_CATALOG);
	assert_int_equal(bss_tree_lookup(&intl, now, "/eps/abc/project.json", &n), 0);
	assert_string_equal(param(&n, "enterprise_project_id"), "{arg}");
	assert_int_equal(n.fresh, BSS_FRESH_OTHER);
	assert_int_equal(bss_tree_lookup(&intl, now, "/", &n), 0);
	assert_int_equal(n.row->kind, BSS_TREE_DIR);
	assert_string_equal(n.path, "");
	assert_int_equal(bss_tree_lookup(&intl, now, "/.bssfs/refresh", &n), 0);
	assert_int_equal(n.row->kind, BSS_TREE_REFRESH);
}

static void test_enoent(void **state)
{
	(void)state;
	struct bss_tree_node n;
	int64_t now = ts_ms(2026, 11, 26, 4, 0);
	const char *bad[] = {"bills/2026-13",
			     "bills/latest",
			     "bills/2026-12",
			     "bills/2027-01",
			     "bills/2026-1",
			     "bills/2023-11",
			     "bills/2026-00/summary.json",
			     "bills/2026-10/nope.json",
			     "nope",
			     "account/balance.txt",
			     "orders/../x",
			     "orders/.hidden/order.json",
			     "orders/x/y/z",
			     "bills/2026-10/summary.json/x",
			     "prices/x", /* prices/ files are the FUSE layer's, in memory */
			     "orders/x/pay/x",
			     "subscriptions/x/buy"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (bss_tree_lookup(&intl, now, bad[i], &n) != -ENOENT)
			fail_msg("%s should be ENOENT", bad[i]);
	/* control files (DESIGN §6) and prices/ */
	assert_int_equal(bss_tree_lookup(&intl, now, "prices", &n), 0);
	assert_int_equal(n.row->kind, BSS_TREE_DIR);
	assert_int_equal(bss_tree_lookup(&intl, now, "orders/x/pay", &n), 0);
	assert_int_equal(n.row->kind, BSS_TREE_CONTROL);
	assert_string_equal(n.arg, "x");
	assert_int_equal(bss_tree_lookup(&intl, now, "subscriptions/r/to-on-demand", &n), 0);
	assert_int_equal(n.row->kind, BSS_TREE_CONTROL);
	/* 35 months back is in reach, 36 is not */
	assert_int_equal(bss_tree_lookup(&intl, now, "bills/2023-12/summary.json", &n), 0);
	assert_int_equal(bss_tree_lookup(&intl, now, "bills/2026-11", &n), 0);
}

static void test_site_split(void **state)
{
	(void)state;
	struct bss_tree_node n;
	int64_t now = ts_ms(2026, 11, 26, 4, 0);
	assert_int_equal(bss_tree_lookup(&intl, now, "bills/2026-10/fee-records.json", &n),
			 -ENOENT);
	assert_int_equal(bss_tree_lookup(&cn, now, "bills/2026-10/fee-records.json", &n), 0);
	assert_int_equal(bss_tree_lookup(&cn, now, "account/expenditure-quota.json", &n), -ENOENT);
	assert_int_equal(bss_tree_lookup(&cn, now, "invoices", &n), -ENOENT);
	assert_int_equal(bss_tree_lookup(&cn, now, "invoices/invoices.json", &n), -ENOENT);
	assert_int_equal(bss_tree_lookup(&intl, now, "invoices/invoices.json", &n), 0);
}

struct names {
	char v[64][32];
	int n;
};

static int collect(void *ctx, const char *name, enum bss_tree_kind kind)
{
	(void)kind;
	struct names *ns = ctx;
	if (ns->n < 64)
		snprintf(ns->v[ns->n++], 32, "%s", name);
	return 0;
}

static bool has(const struct names *ns, const char *name)
{
	for (int i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i], name))
			return true;
	return false;
}

static void test_listing(void **state)
{
	(void)state;
	struct bss_tree_node n;
	struct names ns = {0};
	int64_t now = ts_ms(2026, 11, 26, 4, 0);
	assert_int_equal(bss_tree_lookup(&intl, now, "/", &n), 0);
	assert_int_equal(bss_tree_list_fixed(&intl, now, &n, collect, &ns), 0);
	assert_true(has(&ns, "README.txt") && has(&ns, "bills") && has(&ns, "invoices") &&
		    has(&ns, ".bssfs") && has(&ns, "eps"));
	memset(&ns, 0, sizeof(ns));
	assert_int_equal(bss_tree_lookup(&cn, now, "/", &n), 0);
	assert_int_equal(bss_tree_list_fixed(&cn, now, &n, collect, &ns), 0);
	assert_false(has(&ns, "invoices"));

	memset(&ns, 0, sizeof(ns));
	assert_int_equal(bss_tree_lookup(&intl, now, "/bills", &n), 0);
	assert_int_equal(bss_tree_list_fixed(&intl, now, &n, collect, &ns), 0);
	assert_int_equal(ns.n, 19); /* months.csv + 18 months */
	assert_string_equal(ns.v[0], "months.csv");
	assert_string_equal(ns.v[1], "2025-06");
	assert_string_equal(ns.v[18], "2026-11");

	struct bss_tree_cfg c36 = {BSS_SITE_INTL, 36};
	memset(&ns, 0, sizeof(ns));
	assert_int_equal(bss_tree_list_fixed(&c36, now, &n, collect, &ns), 0);
	assert_int_equal(ns.n, 37);
	assert_string_equal(ns.v[1], "2023-12");

	memset(&ns, 0, sizeof(ns));
	assert_int_equal(bss_tree_lookup(&intl, now, "/bills/2026-10", &n), 0);
	assert_int_equal(bss_tree_list_fixed(&intl, now, &n, collect, &ns), 0);
	assert_int_equal(ns.n, 8);
	assert_false(has(&ns, "fee-records.json"));
	memset(&ns, 0, sizeof(ns));
	assert_int_equal(bss_tree_list_fixed(&cn, now, &n, collect, &ns), 0);
	assert_int_equal(ns.n, 10);

	memset(&ns, 0, sizeof(ns));
	assert_int_equal(bss_tree_lookup(&intl, now, "/orders", &n), 0);
	assert_int_equal(bss_tree_list_fixed(&intl, now, &n, collect, &ns), 0);
	assert_int_equal(ns.n, 2);
	const struct bss_tree_row *idr = bss_tree_id_child(&intl, &n);
	assert_non_null(idr);
	assert_string_equal(idr->list_id_field, "order_id");
	assert_int_equal(bss_tree_lookup(&intl, now, "/bills", &n), 0);
	assert_null(bss_tree_id_child(&intl, &n));
}

static void test_months(void **state)
{
	(void)state;
	int idx;
	assert_int_equal(bss_month_parse("2026-10", &idx), 0);
	assert_int_equal(idx, 2026 * 12 + 9);
	assert_int_equal(bss_month_parse("2026-13", &idx), -EINVAL);
	assert_int_equal(bss_month_parse("2026-00", &idx), -EINVAL);
	assert_int_equal(bss_month_parse("latest", &idx), -EINVAL);
	assert_int_equal(bss_month_parse("2026-1", &idx), -EINVAL);
	assert_int_equal(bss_month_parse("2026-100", &idx), -EINVAL);
	char buf[16];
	bss_month_format(2026 * 12 + 0, buf, sizeof(buf));
	assert_string_equal(buf, "2026-01");

	/* UTC+8: 2026-10-31T16:00Z is already November in Beijing */
	assert_int_equal(bss_month_current(ts_ms(2026, 10, 31, 15, 59)), 2026 * 12 + 9);
	assert_int_equal(bss_month_current(ts_ms(2026, 10, 31, 16, 0)), 2026 * 12 + 10);
	/* new year at 16:00Z on Dec 31 */
	assert_int_equal(bss_month_current(ts_ms(2026, 12, 31, 16, 0)), 2027 * 12 + 0);
	assert_int_equal(bss_month_current(ts_ms(2026, 12, 31, 15, 59)), 2026 * 12 + 11);

	/* October 2026 closes on 2026-11-05 00:00 UTC+8 = 2026-11-04T16:00Z */
	int oct = 2026 * 12 + 9;
	assert_int_equal(bss_month_close_time(oct) * 1000, ts_ms(2026, 11, 4, 16, 0));
	assert_false(bss_month_is_closed(oct, ts_ms(2026, 11, 4, 15, 59)));
	assert_true(bss_month_is_closed(oct, ts_ms(2026, 11, 4, 16, 0)));
	/* December closes in January of the next year */
	assert_int_equal(bss_month_close_time(2026 * 12 + 11) * 1000, ts_ms(2027, 1, 4, 16, 0));
	assert_int_equal(bss_month_start(oct) * 1000, ts_ms(2026, 9, 30, 16, 0));

	/* the lookup resolves the class and the close time */
	struct bss_tree_node n;
	assert_int_equal(
	    bss_tree_lookup(&intl, ts_ms(2026, 11, 4, 15, 59), "bills/2026-10/summary.json", &n),
	    0);
	assert_int_equal(n.fresh, BSS_FRESH_OPEN);
	assert_int_equal(n.close_time, 0);
	assert_int_equal(
	    bss_tree_lookup(&intl, ts_ms(2026, 11, 4, 16, 0), "bills/2026-10/summary.json", &n), 0);
	assert_int_equal(n.fresh, BSS_FRESH_CLOSED);
	assert_int_equal(n.close_time * 1000, ts_ms(2026, 11, 4, 16, 0));
	assert_int_equal(n.month, oct);

	/* reach: current month and 35 before */
	int64_t now = ts_ms(2026, 11, 26, 4, 0);
	assert_true(bss_month_in_reach(2026 * 12 + 10, now));
	assert_false(bss_month_in_reach(2026 * 12 + 11, now));
	assert_true(bss_month_in_reach(2026 * 12 + 10 - 35, now));
	assert_false(bss_month_in_reach(2026 * 12 + 10 - 36, now));
}

static void test_ino(void **state)
{
	(void)state;
	assert_int_equal(bss_tree_ino("/"), 1);
	assert_int_equal(bss_tree_ino(""), 1);
	assert_true(bss_tree_ino("bills/2026-10/summary.json") ==
		    bss_tree_ino("bills/2026-10/summary.json"));
	assert_true(bss_tree_ino("bills/2026-10/summary.json") !=
		    bss_tree_ino("bills/2026-10/summary.csv"));
	assert_true(bss_tree_ino("a") > 1);
}

/* Every row names a real operation and only that operation's parameters;
 * every required parameter without a default is given by the row (or by
 * the paging of the client, or by the special producer). */
static void test_rows_match_api(void **state)
{
	(void)state;
	for (size_t i = 0; i < bss_tree_rows_count; i++) {
		const struct bss_tree_row *r = &bss_tree_rows[i];
		if (!r->op)
			continue;
		const struct bss_op *op = bss_op_find(r->op);
		if (!op)
			fail_msg("%s: unknown operation %s", r->pattern, r->op);
		for (int k = 0; k < BSS_TREE_MAX_PARAMS && r->params[k].name; k++) {
			const char *n = r->params[k].name;
			if (!bss_field_find(op->path_params, op->n_path_params, n) &&
			    !bss_field_find(op->query, op->n_query, n) &&
			    !bss_field_find(op->body, op->n_body, n))
				fail_msg("%s: %s is not a parameter of %s", r->pattern, n, r->op);
		}
		if (r->records_key) {
			const struct bss_field *f =
			    bss_field_find(op->response, op->n_response, r->records_key);
			assert_non_null(f);
			assert_int_equal(f->type, BSS_T_ARRAY);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_paths_to_ops), cmocka_unit_test(test_params),
	    cmocka_unit_test(test_enoent),	 cmocka_unit_test(test_site_split),
	    cmocka_unit_test(test_listing),	 cmocka_unit_test(test_months),
	    cmocka_unit_test(test_ino),		 cmocka_unit_test(test_rows_match_api),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
