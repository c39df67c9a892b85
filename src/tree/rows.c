/* The path table (DESIGN §2).  One row per path pattern; see bssfs/tree.h.
 *
 * Choices where DESIGN is silent (documented in docs/SEMANTICS.md):
 * - bills/{month}/resources uses ListCustomerselfResourceRecordDetails with
 *   statistic_type=1; daily and records use ListCustomerselfResourceRecords
 *   with statistic_type 2 and 3.
 * - invoices/ asks ListInvoices for the API's reach: from the first day of
 *   the oldest month in reach (BSS_MONTHS_MAX) to now.
 * - eps/<id>/resources asks ShowResourceBindEnterpriseProject for the
 *   resource types the API reference gives as examples (global and
 *   regional); `projects` is not sent.
 * - renew-price.json: ListRenewRateOnPeriod for period_type 2 (month) and 3
 *   (year), period_num 1, merged as {"month": answer, "year": answer}. */
#include "bssfs/api.h"
#include "bssfs/tree.h"

#define P(n, v)                                                                                    \
	{                                                                                          \
		n, v                                                                               \
	}
#define DIR(pat, fresh_, sites_)                                                                   \
	{                                                                                          \
		.pattern = pat, .kind = BSS_TREE_DIR, .fresh = fresh_, .sites = sites_             \
	}
#define IDDIR(pat, fresh_, file, key, field)                                                       \
	{                                                                                          \
		.pattern = pat, .kind = BSS_TREE_DIR, .fresh = fresh_, .list_file = file,          \
		.list_records_key = key, .list_id_field = field                                    \
	}
/* NAME.json and NAME.csv of one operation. */
#define PAIR(base, op_, fresh_, sites_, ...)                                                       \
	{.pattern = base ".json",                                                                  \
	 .kind = BSS_TREE_FILE,                                                                    \
	 .op = op_,                                                                                \
	 .render = BSS_TR_JSON,                                                                    \
	 .fresh = fresh_,                                                                          \
	 .sites = sites_,                                                                          \
	 .params = {__VA_ARGS__}},                                                                 \
	{                                                                                          \
		.pattern = base ".csv", .kind = BSS_TREE_FILE, .op = op_, .render = BSS_TR_CSV,    \
		.fresh = fresh_, .sites = sites_, .params = {                                      \
			__VA_ARGS__                                                                \
		}                                                                                  \
	}
#define JSON1(name, op_, fresh_, sites_, ...)                                                      \
	{                                                                                          \
		.pattern = name, .kind = BSS_TREE_FILE, .op = op_, .render = BSS_TR_JSON,          \
		.fresh = fresh_, .sites = sites_, .params = {                                      \
			__VA_ARGS__                                                                \
		}                                                                                  \
	}

/* A control file (DESIGN §6): its name is the action (bssfs/purchase.h). */
#define CONTROL(pat)                                                                               \
	{                                                                                          \
		.pattern = pat, .kind = BSS_TREE_CONTROL, .render = BSS_TR_CONTROL,                \
		.fresh = BSS_FRESH_LIVE                                                            \
	}

#define ALL 0u
#define INTL BSS_SITE_INTL
#define CN BSS_SITE_CN

const struct bss_tree_row bss_tree_rows[] = {
    DIR("", BSS_FRESH_STATIC, ALL),
    {.pattern = "README.txt",
     .kind = BSS_TREE_FILE,
     .render = BSS_TR_README,
     .fresh = BSS_FRESH_STATIC},

    DIR("account", BSS_FRESH_STATIC, ALL),
    {.pattern = "account/balance",
     .kind = BSS_TREE_FILE,
     .op = "ShowCustomerAccountBalances",
     .render = BSS_TR_BALANCE,
     .fresh = BSS_FRESH_ACCOUNT},
    PAIR("account/balances", "ShowCustomerAccountBalances", BSS_FRESH_ACCOUNT, ALL),
    JSON1("account/expenditure-quota.json", "ShowCustomerExpenditureQuota", BSS_FRESH_ACCOUNT,
	  INTL),

    DIR("products", BSS_FRESH_STATIC, ALL),
    PAIR("products/service-types", "ListServiceTypes", BSS_FRESH_CATALOG, ALL),
    PAIR("products/resource-types", "ListResourceTypes", BSS_FRESH_CATALOG, ALL),
    PAIR("products/usage-types", "ListUsageTypes", BSS_FRESH_CATALOG, ALL),
    PAIR("products/measure-units", "ListMeasureUnits", BSS_FRESH_CATALOG, ALL),
    PAIR("products/conversions", "ListConversions", BSS_FRESH_CATALOG, ALL),
    DIR("products/services", BSS_FRESH_STATIC, ALL),
    IDDIR("products/services/{id}", BSS_FRESH_CATALOG, "products/service-types.json",
	  "service_types", "service_type_code"),
    PAIR("products/services/{id}/resources", "ListServiceResources", BSS_FRESH_CATALOG, ALL,
	 P("service_type_code", "{arg}")),

    DIR("coupons", BSS_FRESH_STATIC, ALL),
    PAIR("coupons/coupons", "ListSubCustomerCoupons", BSS_FRESH_ACCOUNT, ALL),

    DIR("packages", BSS_FRESH_STATIC, ALL),
    PAIR("packages/packages", "ListFreeResourceInfos", BSS_FRESH_ACCOUNT, ALL),
    {.pattern = "packages/usage.json",
     .kind = BSS_TREE_FILE,
     .op = "ListFreeResourceUsages",
     .render = BSS_TR_JSON,
     .feed = BSS_FEED_FREE_RESOURCE_IDS,
     .fresh = BSS_FRESH_ACCOUNT},
    {.pattern = "packages/usage.csv",
     .kind = BSS_TREE_FILE,
     .op = "ListFreeResourceUsages",
     .render = BSS_TR_CSV,
     .feed = BSS_FEED_FREE_RESOURCE_IDS,
     .fresh = BSS_FRESH_ACCOUNT},

    DIR("bills", BSS_FRESH_STATIC, ALL),
    {.pattern = "bills/months.csv",
     .kind = BSS_TREE_FILE,
     .op = "ShowCustomerMonthlySum",
     .render = BSS_TR_MONTHS_CSV,
     .fresh = BSS_FRESH_OPEN},
    DIR("bills/{month}", BSS_FRESH_MONTH, ALL),
    PAIR("bills/{month}/summary", "ShowCustomerMonthlySum", BSS_FRESH_MONTH, ALL,
	 P("bill_cycle", "{arg}")),
    PAIR("bills/{month}/resources", "ListCustomerselfResourceRecordDetails", BSS_FRESH_MONTH, ALL,
	 P("cycle", "{arg}"), P("statistic_type", "1")),
    PAIR("bills/{month}/daily", "ListCustomerselfResourceRecords", BSS_FRESH_MONTH, ALL,
	 P("cycle", "{arg}"), P("statistic_type", "2")),
    PAIR("bills/{month}/records", "ListCustomerselfResourceRecords", BSS_FRESH_MONTH, ALL,
	 P("cycle", "{arg}"), P("statistic_type", "3")),
    PAIR("bills/{month}/fee-records", "ListCustomerBillsFeeRecords", BSS_FRESH_MONTH, CN,
	 P("bill_cycle", "{arg}")),

    DIR("orders", BSS_FRESH_STATIC, ALL),
    PAIR("orders/orders", "ListCustomerOrders", BSS_FRESH_ACCOUNT, ALL),
    IDDIR("orders/{id}", BSS_FRESH_ACCOUNT, "orders/orders.json", "order_infos", "order_id"),
    JSON1("orders/{id}/order.json", "ShowCustomerOrderDetails", BSS_FRESH_ACCOUNT, ALL,
	  P("order_id", "{arg}")),
    {.pattern = "orders/{id}/items.csv",
     .kind = BSS_TREE_FILE,
     .op = "ShowCustomerOrderDetails",
     .render = BSS_TR_CSV,
     .records_key = "order_line_items",
     .fresh = BSS_FRESH_ACCOUNT,
     .params = {P("order_id", "{arg}")}},
    JSON1("orders/{id}/discounts.json", "ListOrderDiscounts", BSS_FRESH_ACCOUNT, ALL,
	  P("order_id", "{arg}")),
    CONTROL("orders/{id}/pay"),
    CONTROL("orders/{id}/cancel"),

    DIR("subscriptions", BSS_FRESH_STATIC, ALL),
    PAIR("subscriptions/subscriptions", "ListPayPerUseCustomerResources", BSS_FRESH_ACCOUNT, ALL),
    IDDIR("subscriptions/{id}", BSS_FRESH_ACCOUNT, "subscriptions/subscriptions.json", "data",
	  "resource_id"),
    JSON1("subscriptions/{id}/resource.json", "ListPayPerUseCustomerResources", BSS_FRESH_ACCOUNT,
	  ALL, P("resource_ids", "{arg}")),
    {.pattern = "subscriptions/{id}/renew-price.json",
     .kind = BSS_TREE_FILE,
     .op = "ListRenewRateOnPeriod",
     .render = BSS_TR_RENEW_PRICE,
     .fresh = BSS_FRESH_ACCOUNT,
     .params = {P("resource_ids", "{arg}"), P("period_num", "1")}},
    CONTROL("subscriptions/{id}/renew"),
    CONTROL("subscriptions/{id}/auto-renew"),
    CONTROL("subscriptions/{id}/to-on-demand"),
    CONTROL("subscriptions/{id}/unsubscribe"),

    /* price inquiries: the files are the mount's, in memory (src/fuse/control.c) */
    DIR("prices", BSS_FRESH_STATIC, ALL),

    DIR("invoices", BSS_FRESH_STATIC, INTL),
    PAIR("invoices/invoices", "ListInvoices", BSS_FRESH_OTHER, INTL,
	 P("start_time", "{invoice_start}"), P("end_time", "{invoice_end}")),

    DIR("eps", BSS_FRESH_STATIC, ALL),
    PAIR("eps/projects", "ListEnterpriseProject", BSS_FRESH_OTHER, ALL),
    JSON1("eps/quota.json", "ShowEnterpriseProjectQuota", BSS_FRESH_OTHER, ALL),
    IDDIR("eps/{id}", BSS_FRESH_OTHER, "eps/projects.json", "enterprise_projects", "id"),
    JSON1("eps/{id}/project.json", "ShowEnterpriseProject", BSS_FRESH_OTHER, ALL,
	  P("enterprise_project_id", "{arg}")),
    PAIR("eps/{id}/resources", "ShowResourceBindEnterpriseProject", BSS_FRESH_OTHER, ALL,
	 P("enterprise_project_id", "{arg}"),
	 P("resource_types", "ecs,scaling_group,images,disk,vpcs,security-groups,"
			     "shared_bandwidth,eip,cdn")),

    DIR(".bssfs", BSS_FRESH_STATIC, ALL),
    {.pattern = ".bssfs/stats.json",
     .kind = BSS_TREE_LIVE,
     .render = BSS_TR_STATS,
     .fresh = BSS_FRESH_LIVE},
    {.pattern = ".bssfs/config.json",
     .kind = BSS_TREE_LIVE,
     .render = BSS_TR_CONFIG,
     .fresh = BSS_FRESH_LIVE},
    {.pattern = ".bssfs/refresh", .kind = BSS_TREE_REFRESH, .fresh = BSS_FRESH_LIVE},
};

const size_t bss_tree_rows_count = sizeof(bss_tree_rows) / sizeof(bss_tree_rows[0]);
