/* Unit tests of the emulator's synthetic account: shapes against the API
 * schema, pagination, exact consistency of bills, determinism, speed at
 * huge scale, hostile text, and the state changes of the write operations. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "bssfs/dec.h"
#include "bssfs/jsonx.h"
#include "emulator/emu.h"
#include "shape.h"

/* 2026-11-26T04:00:00Z = 12:00 on 26 Nov in UTC+8. */
#define NOW_MS 1795665600000LL

static struct emu_account *mk_account(enum emu_scale scale, uint64_t seed, unsigned site)
{
	struct emu_account_config cfg = { .seed = seed, .scale = scale, .site = site,
					  .domain_id = "d0d0d0d0e1e1e1e1f2f2f2f2a3a3a3a3", .domain_name = "acme" };
	struct emu_account *a = emu_account_new(&cfg);
	assert_non_null(a);
	return a;
}

/* Calls an operation; query is "k=v&k=v" (no escaping), body JSON or NULL.
 * Checks the shape of every 2xx answer. Caller puts reply.body. */
static struct emu_reply call_at(struct emu_account *a, int64_t now, const char *opname, const char *path_val,
				const char *query, const char *body)
{
	const struct bss_op *op = bss_op_find(opname);
	assert_non_null(op);
	struct emu_query_param qp[16];
	char qbuf[1024];
	size_t nq = 0;
	if (query) {
		snprintf(qbuf, sizeof qbuf, "%s", query);
		char *save = NULL;
		for (char *t = strtok_r(qbuf, "&", &save); t && nq < 16; t = strtok_r(NULL, "&", &save)) {
			char *eq = strchr(t, '=');
			assert_non_null(eq);
			*eq = 0;
			qp[nq].name = t;
			qp[nq].value = eq + 1;
			nq++;
		}
	}
	struct emu_call c = { .op = op, .query = qp, .n_query = nq, .now_ms = now };
	if (path_val) {
		c.path_vals[0] = path_val;
		c.n_path_vals = 1;
	}
	if (body) {
		assert_int_equal(bss_json_parse(body, strlen(body), &c.body, NULL, 0), 0);
	}
	struct emu_reply r = { 0 };
	assert_int_equal(emu_account_handle(a, &c, &r), 0);
	json_object_put(c.body);
	if (r.status >= 200 && r.status < 300 && r.body) {
		char err[512];
		if (shape_check(r.body, op->response, op->n_response, err, sizeof err)) {
			fprintf(stderr, "%s: %s\n", opname, err);
			fail();
		}
	}
	if (r.status == 204)
		assert_null(r.body);
	return r;
}

static struct emu_reply call(struct emu_account *a, const char *opname, const char *path_val, const char *query,
			     const char *body)
{
	return call_at(a, NOW_MS, opname, path_val, query, body);
}

/* ---- decimal sums by service type ---- */
#define MAXK 16
struct sums {
	char key[MAXK][64];
	struct bss_dec v[MAXK];
	int n;
	struct bss_dec total;
};

static void sums_init(struct sums *s)
{
	memset(s, 0, sizeof *s);
	s->total = bss_dec_from_units(0, 8);
}

static void sums_add(struct sums *s, const char *key, json_object *num, int measure_id)
{
	struct bss_dec d, t;
	assert_int_equal(bss_json_get_dec(num, &d), 0);
	assert_int_equal(bss_dec_shift(&d, -(measure_id - 1), &t), 0);
	int i;
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->key[i], key))
			break;
	if (i == s->n) {
		assert_true(s->n < MAXK);
		snprintf(s->key[i], 64, "%s", key);
		s->v[i] = bss_dec_from_units(0, 8);
		s->n++;
	}
	assert_int_equal(bss_dec_add(&s->v[i], &t, &s->v[i]), 0);
	assert_int_equal(bss_dec_add(&s->total, &t, &s->total), 0);
}

static void sums_equal(const struct sums *x, const struct sums *y, const char *what)
{
	char b1[BSS_DEC_STRLEN], b2[BSS_DEC_STRLEN];
	if (bss_dec_cmp(&x->total, &y->total)) {
		fprintf(stderr, "%s: total %s != %s\n", what, bss_dec_format(&x->total, b1, sizeof b1),
			bss_dec_format(&y->total, b2, sizeof b2));
		fail();
	}
	for (int i = 0; i < x->n; i++) {
		int j;
		for (j = 0; j < y->n; j++)
			if (!strcmp(x->key[i], y->key[j]))
				break;
		struct bss_dec zero = bss_dec_from_units(0, 8);
		const struct bss_dec *other = j < y->n ? &y->v[j] : &zero;
		if (bss_dec_cmp(&x->v[i], other)) {
			fprintf(stderr, "%s: %s %s != %s\n", what, x->key[i], bss_dec_format(&x->v[i], b1, sizeof b1),
				bss_dec_format(other, b2, sizeof b2));
			fail();
		}
	}
}

static int jint(json_object *o, const char *k)
{
	json_object *v = bss_json_get(o, k);
	assert_non_null(v);
	return json_object_get_int(v);
}

/* Sums all pages of a bill list; returns the number of records. */
static long sum_records(struct emu_account *a, const char *opname, const char *cycle_key, const char *cycle,
			int statistic_type, const char *rec_key, const char *svc_key, const char *amount_key,
			struct sums *s)
{
	sums_init(s);
	long got = 0, total = -1;
	for (long off = 0;; off += 1000) {
		struct emu_reply r;
		char q[256], body[256];
		const struct bss_op *op = bss_op_find(opname);
		if (op->paging == BSS_PAGE_OFFSET_BODY) {
			snprintf(body, sizeof body, "{\"%s\":\"%s\",\"statistic_type\":%d,\"offset\":%ld,\"limit\":1000}",
				 cycle_key, cycle, statistic_type, off);
			r = call(a, opname, NULL, NULL, body);
		} else {
			snprintf(q, sizeof q, "%s=%s&statistic_type=%d&offset=%ld&limit=1000", cycle_key, cycle,
				 statistic_type, off);
			r = call(a, opname, NULL, q, NULL);
		}
		assert_int_equal(r.status, 200);
		long t = jint(r.body, "total_count");
		if (total >= 0)
			assert_int_equal(t, total);
		total = t;
		json_object *arr = bss_json_get(r.body, rec_key);
		size_t n = json_object_array_length(arr);
		for (size_t i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(arr, i);
			json_object *mid = bss_json_get(e, "measure_id");
			sums_add(s, bss_json_get_str(e, svc_key), bss_json_get(e, amount_key),
				 mid ? json_object_get_int(mid) : 1);
		}
		got += (long)n;
		json_object_put(r.body);
		if (n == 0 || got >= total)
			break;
	}
	assert_int_equal(got, total);
	return got;
}

static void monthly_sum(struct emu_account *a, const char *cycle, struct sums *s, struct bss_dec *top)
{
	char q[128];
	snprintf(q, sizeof q, "bill_cycle=%s&limit=1000", cycle);
	struct emu_reply r = call(a, "ShowCustomerMonthlySum", NULL, q, NULL);
	assert_int_equal(r.status, 200);
	sums_init(s);
	json_object *arr = bss_json_get(r.body, "bill_sums");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		sums_add(s, bss_json_get_str(e, "service_type_code"), bss_json_get(e, "consume_amount"), 1);
	}
	assert_int_equal(bss_json_get_dec(bss_json_get(r.body, "consume_amount"), top), 0);
	json_object_put(r.body);
}

static void check_month(struct emu_account *a, const char *cycle, bool with_detail)
{
	struct sums ms, s;
	struct bss_dec top;
	monthly_sum(a, cycle, &ms, &top);
	assert_int_equal(bss_dec_cmp(&top, &ms.total), 0);
	char what[128];
	for (int st = with_detail ? 3 : 2; st >= 1; st--) {
		sum_records(a, "ListCustomerselfResourceRecords", "cycle", cycle, st, "fee_records", "cloud_service_type",
			    "amount", &s);
		snprintf(what, sizeof what, "%s res-fee-records statistic_type=%d", cycle, st);
		sums_equal(&ms, &s, what);
		sums_equal(&s, &ms, what);
	}
	sum_records(a, "ListCustomerselfResourceRecordDetails", "cycle", cycle, 1, "monthly_records",
		    "cloud_service_type", "consume_amount", &s);
	snprintf(what, sizeof what, "%s res-records statistic_type=1", cycle);
	sums_equal(&ms, &s, what);
	sums_equal(&s, &ms, what);
}

static const char *const CYCLES[] = { "2026-11", "2026-10", "2026-09" };

static void test_consistency_tiny(void **state)
{
	struct emu_account *a = mk_account(EMU_SCALE_TINY, 42, BSS_SITE_INTL);
	for (int i = 0; i < 3; i++)
		check_month(a, CYCLES[i], true);
	/* Nothing before the window or in the future. */
	struct sums s;
	assert_int_equal(sum_records(a, "ListCustomerselfResourceRecords", "cycle", "2026-08", 3, "fee_records",
				     "cloud_service_type", "amount", &s), 0);
	assert_int_equal(sum_records(a, "ListCustomerselfResourceRecords", "cycle", "2026-12", 3, "fee_records",
				     "cloud_service_type", "amount", &s), 0);
	emu_account_free(a);
}

static void test_consistency_cn_fee_records(void **state)
{
	struct emu_account *a = mk_account(EMU_SCALE_TINY, 7, BSS_SITE_CN);
	struct sums ms, s;
	struct bss_dec top;
	monthly_sum(a, "2026-10", &ms, &top);
	sum_records(a, "ListCustomerBillsFeeRecords", "bill_cycle", "2026-10", 3, "records", "service_type_code",
		    "consume_amount", &s);
	sums_equal(&ms, &s, "fee-records");
	sums_equal(&s, &ms, "fee-records");
	emu_account_free(a);
}

static void test_consistency_large(void **state)
{
	struct emu_account *a = mk_account(EMU_SCALE_LARGE, 1234, BSS_SITE_INTL);
	check_month(a, "2026-10", true);
	check_month(a, "2026-11", false);
	check_month(a, "2025-07", false);
	emu_account_free(a);
}

static void test_measure_id_3_present(void **state)
{
	struct emu_account *a = mk_account(EMU_SCALE_TINY, 42, BSS_SITE_INTL);
	int n3 = 0;
	for (long off = 0; off < 400; off += 100) {
		char q[128];
		snprintf(q, sizeof q, "cycle=2026-10&offset=%ld&limit=100", off);
		struct emu_reply r = call(a, "ListCustomerselfResourceRecords", NULL, q, NULL);
		json_object *arr = bss_json_get(r.body, "fee_records");
		for (size_t i = 0; i < json_object_array_length(arr); i++)
			n3 += jint(json_object_array_get_idx(arr, i), "measure_id") == 3;
		json_object_put(r.body);
	}
	assert_true(n3 > 0);
	emu_account_free(a);
}


/* ---- shapes of every operation ---- */
static char *first_str(struct emu_account *a, const char *op, const char *q, const char *body, const char *arr_key,
		       const char *key)
{
	struct emu_reply r = call(a, op, NULL, q, body);
	assert_int_equal(r.status, 200);
	json_object *arr = bss_json_get(r.body, arr_key);
	assert_true(json_object_array_length(arr) > 0);
	char *v = strdup(bss_json_get_str(json_object_array_get_idx(arr, 0), key));
	json_object_put(r.body);
	return v;
}

static void expect_ok(struct emu_account *a, const char *op, const char *pv, const char *q, const char *body)
{
	const struct bss_op *o = bss_op_find(op);
	struct emu_reply r = call(a, op, pv, q, body);
	if (r.status != o->success_status) {
		fprintf(stderr, "%s: status %d %s\n", op, r.status, r.body ? bss_json_compact(r.body) : "");
		fail();
	}
	if (o->records_key) {
		json_object *arr = bss_json_get(r.body, o->records_key);
		assert_non_null(arr);
		if (!json_object_array_length(arr)) {
			fprintf(stderr, "%s: empty %s\n", op, o->records_key);
			fail();
		}
	}
	if (o->total_key)
		assert_non_null(bss_json_get(r.body, o->total_key));
	json_object_put(r.body);
}

static void test_shapes_all_ops(void **state)
{
	struct emu_account *a = mk_account(EMU_SCALE_SMALL, 99, BSS_SITE_INTL);
	char body[512];
	expect_ok(a, "ShowCustomerAccountBalances", NULL, NULL, NULL);
	expect_ok(a, "ShowCustomerExpenditureQuota", NULL, NULL, NULL);
	expect_ok(a, "ListServiceTypes", NULL, "limit=100", NULL);
	expect_ok(a, "ListResourceTypes", NULL, "limit=100", NULL);
	expect_ok(a, "ListUsageTypes", NULL, "resource_type_code=hws.resource.type.vm", NULL);
	expect_ok(a, "ListMeasureUnits", NULL, NULL, NULL);
	expect_ok(a, "ListConversions", NULL, "measure_type=3", NULL);
	expect_ok(a, "ListServiceResources", NULL, "service_type_code=hws.service.type.vpc", NULL);
	expect_ok(a, "ListSubCustomerCoupons", NULL, "limit=50", NULL);
	expect_ok(a, "ListFreeResourceInfos", NULL, NULL, "{\"offset\":0,\"limit\":10}");
	char *fid = first_str(a, "ListFreeResourceInfos", NULL, "{}", "free_resource_packages", "order_instance_id");
	free(fid);
	{
		struct emu_reply r = call(a, "ListFreeResourceInfos", NULL, NULL, "{}");
		json_object *p0 = json_object_array_get_idx(bss_json_get(r.body, "free_resource_packages"), 0);
		const char *frid =
			bss_json_get_str(json_object_array_get_idx(bss_json_get(p0, "free_resources"), 0), "free_resource_id");
		snprintf(body, sizeof body, "{\"free_resource_ids\":[\"%s\"]}", frid);
		json_object_put(r.body);
		expect_ok(a, "ListFreeResourceUsages", NULL, NULL, body);
	}
	for (int st = 1; st <= 3; st++) {
		char q[128];
		snprintf(q, sizeof q, "cycle=2026-10&statistic_type=%d", st);
		expect_ok(a, "ListCustomerselfResourceRecords", NULL, q, NULL);
		snprintf(body, sizeof body, "{\"cycle\":\"2026-10\",\"statistic_type\":%d}", st);
		expect_ok(a, "ListCustomerselfResourceRecordDetails", NULL, NULL, body);
	}
	expect_ok(a, "ShowCustomerMonthlySum", NULL, "bill_cycle=2026-10", NULL);
	expect_ok(a, "ShowCustomerMonthlySum", NULL, "bill_cycle=2026-10&service_type_code=hws.service.type.vpc", NULL);
	expect_ok(a, "ListCustomerOrders", NULL, "limit=100", NULL);
	char *oid = first_str(a, "ListCustomerOrders", "status=6", NULL, "order_infos", "order_id");
	expect_ok(a, "ShowCustomerOrderDetails", oid, NULL, NULL);
	char q[160];
	snprintf(q, sizeof q, "order_id=%s", oid);
	expect_ok(a, "ListOrderDiscounts", NULL, q, NULL);
	expect_ok(a, "ListPayPerUseCustomerResources", NULL, NULL, "{\"limit\":100}");
	char *rid = first_str(a, "ListPayPerUseCustomerResources", NULL, "{}", "data", "resource_id");
	snprintf(body, sizeof body, "{\"resource_ids\":[\"%s\"],\"period_type\":2,\"period_num\":1}", rid);
	expect_ok(a, "ListRenewRateOnPeriod", NULL, NULL, body);
	expect_ok(a, "ListOnDemandResourceRatings", NULL, NULL,
		  "{\"project_id\":\"p\",\"product_infos\":[{\"id\":\"1\",\"cloud_service_type\":\"hws.service.type.ec2\","
		  "\"resource_type\":\"hws.resource.type.vm\",\"resource_spec\":\"s6.large.2.linux\",\"region\":"
		  "\"ap-southeast-1\",\"usage_factor\":\"Duration\",\"usage_value\":1.5,\"usage_measure_id\":4,"
		  "\"subscription_num\":2}]}");
	expect_ok(a, "ListRateOnPeriodDetail", NULL, NULL,
		  "{\"project_id\":\"p\",\"product_infos\":[{\"id\":\"1\",\"cloud_service_type\":\"hws.service.type.ebs\","
		  "\"resource_type\":\"hws.resource.type.volume\",\"resource_spec\":\"SSD\",\"region\":\"ap-southeast-1\","
		  "\"resource_size\":40,\"size_measure_id\":17,\"period_type\":2,\"period_num\":1,\"subscription_num\":1}]}");
	expect_ok(a, "ListInvoices", "d0d0d0d0e1e1e1e1f2f2f2f2a3a3a3a3",
		  "start_time=2025-01-01T00:00:00Z&end_time=2026-11-26T00:00:00Z&offset=1&limit=10", NULL);
	expect_ok(a, "ListEnterpriseProject", NULL, NULL, NULL);
	char *epid = first_str(a, "ListEnterpriseProject", NULL, NULL, "enterprise_projects", "id");
	expect_ok(a, "ShowEnterpriseProject", "0", NULL, NULL);
	expect_ok(a, "ShowEnterpriseProjectQuota", NULL, NULL, NULL);
	expect_ok(a, "ShowResourceBindEnterpriseProject", "0", NULL, "{\"resource_types\":[\"ecs\",\"disk\",\"eip\",\"vpc\",\"obs\",\"rds\",\"cdn\",\"elb\"]}");
	expect_ok(a, "KeystoneListAuthDomains", NULL, NULL, NULL);
	/* writes */
	snprintf(body, sizeof body, "{\"order_id\":\"%s\",\"use_coupon\":\"NO\",\"use_discount\":\"NO\"}", oid);
	expect_ok(a, "PayOrders", NULL, NULL, body);
	char *oid2 = first_str(a, "ListCustomerOrders", "status=6", NULL, "order_infos", "order_id");
	snprintf(body, sizeof body, "{\"order_id\":\"%s\"}", oid2);
	expect_ok(a, "CancelCustomerOrder", NULL, NULL, body);
	snprintf(body, sizeof body, "{\"resource_ids\":[\"%s\"],\"period_type\":2,\"period_num\":3,\"is_auto_pay\":0}", rid);
	expect_ok(a, "RenewalResources", NULL, NULL, body);
	expect_ok(a, "AutoRenewalResources", rid, NULL, "{}");
	expect_ok(a, "CancelAutoRenewalResources", rid, NULL, NULL);
	snprintf(body, sizeof body, "{\"operation\":\"SET_UP\",\"resource_ids\":[\"%s\"]}", rid);
	expect_ok(a, "UpdatePeriodToOnDemand", NULL, NULL, body);
	snprintf(body, sizeof body, "{\"resource_ids\":[\"%s\"],\"unsubscribe_type\":1}", rid);
	expect_ok(a, "CancelResourcesSubscription", NULL, NULL, body);
	free(oid);
	free(oid2);
	free(rid);
	free(epid);
	emu_account_free(a);
	/* China site: fee records and CNY. */
	a = mk_account(EMU_SCALE_TINY, 99, BSS_SITE_CN);
	expect_ok(a, "ListCustomerBillsFeeRecords", NULL, "bill_cycle=2026-11", NULL);
	struct emu_reply r = call(a, "ShowCustomerAccountBalances", NULL, NULL, NULL);
	assert_string_equal(bss_json_get_str(r.body, "currency"), "CNY");
	json_object_put(r.body);
	emu_account_free(a);
}

/* ---- pagination ---- */
static long page_len(struct emu_account *a, const char *op, const char *fmt, long off, long lim, const char *key,
		     long *total)
{
	char q[256];
	snprintf(q, sizeof q, "%s%soffset=%ld&limit=%ld", fmt, *fmt ? "&" : "", off, lim);
	struct emu_reply r = call(a, op, NULL, q, NULL);
	assert_int_equal(r.status, 200);
	const struct bss_op *o = bss_op_find(op);
	*total = jint(r.body, o->total_key);
	long n = (long)json_object_array_length(bss_json_get(r.body, key));
	json_object_put(r.body);
	return n;
}

static void test_pagination(void **state)
{
	struct emu_account *a = mk_account(EMU_SCALE_TINY, 5, BSS_SITE_INTL);
	const char *f = "cycle=2026-10&statistic_type=3";
	long total;
	assert_int_equal(page_len(a, "ListCustomerselfResourceRecords", f, 0, 100, "fee_records", &total), 100);
	assert_true(total > 250);
	assert_int_equal(page_len(a, "ListCustomerselfResourceRecords", f, 100, 100, "fee_records", &total), 100);
	long last = total - total % 100;
	assert_int_equal(page_len(a, "ListCustomerselfResourceRecords", f, last, 100, "fee_records", &total),
			 total % 100);
	assert_int_equal(page_len(a, "ListCustomerselfResourceRecords", f, total, 100, "fee_records", &total), 0);
	assert_int_equal(page_len(a, "ListCustomerselfResourceRecords", f, total + 5000, 10, "fee_records", &total), 0);
	assert_true(total > 0);
	/* Pages do not overlap: record ids of consecutive pages differ. */
	struct emu_reply r1 = call(a, "ListCustomerselfResourceRecords", NULL, "cycle=2026-10&offset=0&limit=20", NULL);
	struct emu_reply r2 = call(a, "ListCustomerselfResourceRecords", NULL, "cycle=2026-10&offset=10&limit=10", NULL);
	json_object *p1 = bss_json_get(r1.body, "fee_records"), *p2 = bss_json_get(r2.body, "fee_records");
	for (int i = 0; i < 10; i++)
		assert_string_equal(bss_json_compact(json_object_array_get_idx(p1, (size_t)(10 + i))),
				    bss_json_compact(json_object_array_get_idx(p2, (size_t)i)));
	json_object_put(r1.body);
	json_object_put(r2.body);
	/* Orders and coupons (count). */
	const char *fo = "";
	long n = page_len(a, "ListCustomerOrders", fo, 0, 100, "order_infos", &total);
	assert_int_equal(n, total);
	assert_int_equal(page_len(a, "ListCustomerOrders", fo, total - 1, 10, "order_infos", &total), 1);
	assert_int_equal(page_len(a, "ListCustomerOrders", fo, total, 10, "order_infos", &total), 0);
	n = page_len(a, "ListSubCustomerCoupons", fo, 0, 4, "user_coupons", &total);
	assert_int_equal(n, 4);
	assert_int_equal(page_len(a, "ListSubCustomerCoupons", fo, 4, 4, "user_coupons", &total), total - 4 < 4 ? total - 4 : 4);
	/* ListInvoices: offset is a 1-based page number. */
	const char *fi = "start_time=2025-01-01T00:00:00Z&end_time=2026-11-26T00:00:00Z";
	assert_int_equal(page_len(a, "ListInvoices", fi, 1, 4, "invoices", &total), 4);
	assert_int_equal(total, 11); /* 5 + 2 * 3 months */
	assert_int_equal(page_len(a, "ListInvoices", fi, 3, 4, "invoices", &total), 3);
	assert_int_equal(page_len(a, "ListInvoices", fi, 4, 4, "invoices", &total), 0);
	struct emu_reply i1 = call(a, "ListInvoices", NULL, "start_time=a&end_time=b&offset=2&limit=4", NULL);
	struct emu_reply i2 = call(a, "ListInvoices", NULL, "start_time=a&end_time=b&offset=1&limit=8", NULL);
	assert_string_equal(bss_json_compact(json_object_array_get_idx(bss_json_get(i1.body, "invoices"), 0)),
			    bss_json_compact(json_object_array_get_idx(bss_json_get(i2.body, "invoices"), 4)));
	json_object_put(i1.body);
	json_object_put(i2.body);
	emu_account_free(a);
}

/* ---- determinism ---- */
static char *answer_text(struct emu_account *a, const char *op, const char *q)
{
	struct emu_reply r = call(a, op, NULL, q, NULL);
	char *s = strdup(bss_json_compact(r.body));
	json_object_put(r.body);
	return s;
}

static void test_determinism(void **state)
{
	struct emu_account *a = mk_account(EMU_SCALE_SMALL, 11, BSS_SITE_INTL);
	struct emu_account *b = mk_account(EMU_SCALE_SMALL, 11, BSS_SITE_INTL);
	struct emu_account *c = mk_account(EMU_SCALE_SMALL, 12, BSS_SITE_INTL);
	const char *q = "cycle=2026-09&offset=1234&limit=50";
	char *x = answer_text(a, "ListCustomerselfResourceRecords", q);
	char *y = answer_text(b, "ListCustomerselfResourceRecords", q);
	char *z = answer_text(c, "ListCustomerselfResourceRecords", q);
	assert_string_equal(x, y);
	assert_true(strcmp(x, z) != 0);
	free(x);
	free(y);
	free(z);
	x = answer_text(a, "ListCustomerOrders", "limit=100");
	y = answer_text(b, "ListCustomerOrders", "limit=100");
	z = answer_text(c, "ListCustomerOrders", "limit=100");
	assert_string_equal(x, y);
	assert_true(strcmp(x, z) != 0);
	free(x);
	free(y);
	free(z);
	emu_account_free(a);
	emu_account_free(b);
	emu_account_free(c);
}

/* ---- huge scale ---- */
static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void test_huge_page_speed(void **state)
{
	struct emu_account *a = mk_account(EMU_SCALE_HUGE, 3, BSS_SITE_INTL);
	long total;
	page_len(a, "ListCustomerselfResourceRecords", "cycle=2026-10", 0, 1, "fee_records", &total);
	assert_true(total >= 1000000);
	/* Time the account alone (the shape check of call() is not part of it). */
	struct emu_query_param qp[] = { { "cycle", "2026-10" }, { "offset", "987000" }, { "limit", "1000" } };
	struct emu_call c = { .op = bss_op_find("ListCustomerselfResourceRecords"), .query = qp, .n_query = 3,
			      .now_ms = NOW_MS };
	struct emu_reply rep;
	struct timespec t0;
	double best = 1e9;
	for (int i = 0; i < 3; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		emu_account_handle(a, &c, &rep);
		double ms = ms_since(&t0);
		best = ms < best ? ms : best;
		assert_int_equal(json_object_array_length(bss_json_get(rep.body, "fee_records")), 1000);
		json_object_put(rep.body);
	}
	printf("huge: page of 1000 detail records at offset 987000 of %ld: %.1f ms (best of 3)\n", total, best);
	assert_true(best < 200);
	long n = page_len(a, "ListCustomerselfResourceRecords", "cycle=2026-10", 987000, 1000, "fee_records", &total);
	assert_int_equal(n, 1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	page_len(a, "ListCustomerselfResourceRecords", "cycle=2026-10&statistic_type=2", 25000, 1000,
		 "fee_records", &total);
	printf("huge: page of 1000 daily records: %.1f ms\n", ms_since(&t0));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct emu_reply r = call(a, "ShowCustomerMonthlySum", NULL, "bill_cycle=2026-10", NULL);
	json_object_put(r.body);
	printf("huge: monthly sum (first, builds the month cache): %.1f ms\n", ms_since(&t0));
	emu_account_free(a);
}

/* ---- hostile text ---- */
static void test_hostile_text(void **state)
{
	struct emu_account *a = mk_account(EMU_SCALE_SMALL, 8, BSS_SITE_INTL);
	struct emu_reply r = call(a, "ListCustomerselfResourceRecords", NULL, "cycle=2026-11&statistic_type=1&limit=1000", NULL);
	json_object *arr = bss_json_get(r.body, "fee_records");
	int eq = 0, nl = 0, quote = 0, nonascii = 0, plain = 0;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		const char *texts[] = { bss_json_get_str(e, "resource_name"), bss_json_get_str(e, "resource_tag"),
					bss_json_get_str(e, "enterprise_project_name") };
		for (int k = 0; k < 3; k++) {
			const char *s = texts[k];
			assert_non_null(s);
			eq += strchr("=+-@", s[0]) != NULL;
			nl += strchr(s, '\n') != NULL;
			quote += strchr(s, '"') != NULL || strchr(s, ',') != NULL;
			for (const char *p = s; *p; p++)
				if ((unsigned char)*p >= 0x80) {
					nonascii++;
					break;
				}
			plain += k == 0 && s[0] >= 'a' && s[0] <= 'z';
		}
	}
	assert_true(eq > 0);
	assert_true(nl > 0);
	assert_true(quote > 0);
	assert_true(nonascii > 0);
	assert_true(plain > (long)json_object_array_length(arr) / 2); /* a fraction only */
	json_object_put(r.body);
	r = call(a, "ListEnterpriseProject", NULL, NULL, NULL);
	const char *all = bss_json_compact(r.body);
	assert_non_null(strstr(all, "\"id\":\"0\""));
	json_object_put(r.body);
	emu_account_free(a);
}

/* ---- state changes ---- */
static struct bss_dec cash_balance(struct emu_account *a)
{
	struct emu_reply r = call(a, "ShowCustomerAccountBalances", NULL, NULL, NULL);
	json_object *arr = bss_json_get(r.body, "account_balances");
	struct bss_dec d = { 0, 0 };
	bool found = false;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		if (jint(e, "account_type") == 1) {
			assert_int_equal(bss_json_get_dec(bss_json_get(e, "amount"), &d), 0);
			found = true;
		}
	}
	assert_true(found);
	json_object_put(r.body);
	return d;
}

/* Field of the order with that id, via ListCustomerOrders. */
static json_object *order_info(struct emu_account *a, const char *id)
{
	char q[128];
	snprintf(q, sizeof q, "order_id=%s", id);
	struct emu_reply r = call(a, "ListCustomerOrders", NULL, q, NULL);
	assert_int_equal(jint(r.body, "total_count"), 1);
	json_object *o = json_object_get(json_object_array_get_idx(bss_json_get(r.body, "order_infos"), 0));
	json_object_put(r.body);
	return o;
}

static json_object *resource_info(struct emu_account *a, const char *rid)
{
	char body[160];
	snprintf(body, sizeof body, "{\"resource_ids\":[\"%s\"]}", rid);
	struct emu_reply r = call(a, "ListPayPerUseCustomerResources", NULL, NULL, body);
	assert_int_equal(jint(r.body, "total_count"), 1);
	json_object *o = json_object_get(json_object_array_get_idx(bss_json_get(r.body, "data"), 0));
	json_object_put(r.body);
	return o;
}

static int post(struct emu_account *a, const char *op, const char *pv, const char *body, char *code, size_t len)
{
	struct emu_reply r = call(a, op, pv, NULL, body);
	if (code) {
		const char *c = r.body ? bss_json_get_str(r.body, "error_code") : NULL;
		snprintf(code, len, "%s", c ? c : "");
	}
	json_object_put(r.body);
	return r.status;
}

static void test_pay_and_cancel(void **state)
{
	struct emu_account *a = mk_account(EMU_SCALE_TINY, 21, BSS_SITE_INTL);
	struct bss_dec before = cash_balance(a), after, diff, amount, top0, top1;
	struct sums ms0, ms1;
	monthly_sum(a, "2026-11", &ms0, &top0);
	long n0, n1;
	page_len(a, "ListCustomerselfResourceRecords", "cycle=2026-11", 0, 1, "fee_records", &n0);
	char *oid = first_str(a, "ListCustomerOrders", "status=6", NULL, "order_infos", "order_id");
	json_object *o = order_info(a, oid);
	assert_int_equal(bss_json_get_dec(bss_json_get(o, "amount_after_discount"), &amount), 0);
	assert_null(bss_json_get(o, "payment_time"));
	json_object_put(o);
	char body[256], code[32];
	snprintf(body, sizeof body, "{\"order_id\":\"%s\",\"use_coupon\":\"NO\",\"use_discount\":\"NO\"}", oid);
	assert_int_equal(post(a, "PayOrders", NULL, body, code, sizeof code), 204);
	/* Balance moved by exactly the order amount. */
	after = cash_balance(a);
	assert_int_equal(bss_dec_sub(&before, &after, &diff), 0);
	assert_int_equal(bss_dec_cmp(&diff, &amount), 0);
	o = order_info(a, oid);
	assert_int_equal(jint(o, "status"), 5);
	assert_non_null(bss_json_get(o, "payment_time"));
	json_object_put(o);
	/* The current month gained one record and the amount; still consistent. */
	page_len(a, "ListCustomerselfResourceRecords", "cycle=2026-11", 0, 1, "fee_records", &n1);
	assert_int_equal(n1, n0 + 1);
	monthly_sum(a, "2026-11", &ms1, &top1);
	assert_int_equal(bss_dec_sub(&top1, &top0, &diff), 0);
	assert_int_equal(bss_dec_cmp(&diff, &amount), 0);
	check_month(a, "2026-11", true);
	/* Paying again, or an unknown order, fails. */
	assert_int_equal(post(a, "PayOrders", NULL, body, code, sizeof code), 400);
	assert_string_equal(code, "CBC.30000010");
	assert_int_equal(post(a, "PayOrders", NULL, "{\"order_id\":\"CS0000000000NOPE\",\"use_coupon\":\"NO\",\"use_discount\":\"NO\"}",
			      code, sizeof code), 400);
	assert_string_equal(code, "CBC.30000010");
	/* Cancel a pending order; cancelling a paid one fails. */
	char *oid2 = first_str(a, "ListCustomerOrders", "status=6", NULL, "order_infos", "order_id");
	snprintf(body, sizeof body, "{\"order_id\":\"%s\"}", oid2);
	assert_int_equal(post(a, "CancelCustomerOrder", NULL, body, code, sizeof code), 204);
	o = order_info(a, oid2);
	assert_int_equal(jint(o, "status"), 4);
	json_object_put(o);
	assert_int_equal(post(a, "CancelCustomerOrder", NULL, body, code, sizeof code), 400);
	assert_string_equal(code, "CBC.99005010");
	/* Stats, then reset restores everything. */
	json_object *st = json_object_new_object();
	emu_account_stats(a, st);
	assert_int_equal(jint(st, "payments"), 1);
	assert_int_equal(jint(bss_json_get(st, "state_changes"), "PayOrders"), 1);
	assert_int_equal(jint(bss_json_get(st, "state_changes"), "CancelCustomerOrder"), 1);
	json_object_put(st);
	emu_account_reset(a);
	after = cash_balance(a);
	assert_int_equal(bss_dec_cmp(&after, &before), 0);
	o = order_info(a, oid);
	assert_int_equal(jint(o, "status"), 6);
	json_object_put(o);
	st = json_object_new_object();
	emu_account_stats(a, st);
	assert_int_equal(jint(st, "payments"), 0);
	json_object_put(st);
	free(oid);
	free(oid2);
	emu_account_free(a);
}

static int64_t time_ms_of(json_object *o, const char *key)
{
	const char *s = bss_json_get_str(o, key);
	assert_non_null(s);
	struct tm tm = { 0 };
	assert_non_null(strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm));
	return (int64_t)timegm(&tm) * 1000;
}

static void test_subscriptions(void **state)
{
	struct emu_account *a = mk_account(EMU_SCALE_SMALL, 22, BSS_SITE_INTL);
	char *rid = first_str(a, "ListPayPerUseCustomerResources", NULL, "{}", "data", "resource_id");
	json_object *r0 = resource_info(a, rid);
	int64_t exp0 = time_ms_of(r0, "expire_time");
	json_object_put(r0);
	char body[256], code[32];
	/* Renewal without auto-pay: a pending renewal order. */
	snprintf(body, sizeof body, "{\"resource_ids\":[\"%s\"],\"period_type\":2,\"period_num\":2,\"is_auto_pay\":0}", rid);
	struct emu_reply r = call(a, "RenewalResources", NULL, NULL, body);
	assert_int_equal(r.status, 200);
	json_object *ids = bss_json_get(r.body, "order_ids");
	assert_int_equal(json_object_array_length(ids), 1);
	json_object *o = order_info(a, json_object_get_string(json_object_array_get_idx(ids, 0)));
	assert_int_equal(jint(o, "status"), 6);
	assert_int_equal(jint(o, "order_type"), 2);
	json_object_put(o);
	json_object_put(r.body);
	/* With auto-pay: paid at once, balance and expiry move. */
	struct bss_dec before = cash_balance(a), after, diff, amount;
	snprintf(body, sizeof body, "{\"resource_ids\":[\"%s\"],\"period_type\":2,\"period_num\":1,\"is_auto_pay\":1}", rid);
	r = call(a, "RenewalResources", NULL, NULL, body);
	ids = bss_json_get(r.body, "order_ids");
	o = order_info(a, json_object_get_string(json_object_array_get_idx(ids, 0)));
	assert_int_equal(jint(o, "status"), 5);
	assert_int_equal(bss_json_get_dec(bss_json_get(o, "amount_after_discount"), &amount), 0);
	json_object_put(o);
	json_object_put(r.body);
	after = cash_balance(a);
	bss_dec_sub(&before, &after, &diff);
	assert_int_equal(bss_dec_cmp(&diff, &amount), 0);
	r0 = resource_info(a, rid);
	assert_int_equal(time_ms_of(r0, "expire_time") - exp0, 30LL * 86400 * 1000);
	json_object_put(r0);
	/* Unknown resource: a failure entry, no order. */
	r = call(a, "RenewalResources", NULL, NULL, "{\"resource_ids\":[\"nope\"],\"period_type\":2,\"period_num\":1}");
	assert_int_equal(json_object_array_length(bss_json_get(r.body, "order_ids")), 0);
	assert_int_equal(json_object_array_length(bss_json_get(r.body, "fail_resource_infos")), 1);
	json_object_put(r.body);
	/* Auto-renew on / off flips the policy; cancelling twice fails. */
	assert_int_equal(post(a, "AutoRenewalResources", rid, "{}", code, sizeof code), 204);
	r0 = resource_info(a, rid);
	assert_int_equal(jint(r0, "expire_policy"), 3);
	json_object_put(r0);
	assert_int_equal(post(a, "CancelAutoRenewalResources", rid, NULL, code, sizeof code), 204);
	r0 = resource_info(a, rid);
	assert_int_equal(jint(r0, "expire_policy"), 0);
	json_object_put(r0);
	assert_int_equal(post(a, "CancelAutoRenewalResources", rid, NULL, code, sizeof code), 400);
	assert_string_equal(code, "CBC.99003605");
	assert_int_equal(post(a, "AutoRenewalResources", "nope", "{}", code, sizeof code), 400);
	assert_string_equal(code, "CBC.99003012");
	/* Switch to pay-per-use at expiry, then unsubscribe. */
	snprintf(body, sizeof body, "{\"operation\":\"SET_UP\",\"resource_ids\":[\"%s\"]}", rid);
	assert_int_equal(post(a, "UpdatePeriodToOnDemand", NULL, body, code, sizeof code), 200);
	r0 = resource_info(a, rid);
	assert_int_equal(jint(r0, "expire_policy"), 1);
	json_object_put(r0);
	snprintf(body, sizeof body, "{\"resource_ids\":[\"%s\"],\"unsubscribe_type\":1}", rid);
	assert_int_equal(post(a, "CancelResourcesSubscription", NULL, body, code, sizeof code), 200);
	r0 = resource_info(a, rid);
	assert_int_equal(jint(r0, "status"), 3);
	json_object_put(r0);
	json_object *st = json_object_new_object();
	emu_account_stats(a, st);
	json_object *sc = bss_json_get(st, "state_changes");
	assert_int_equal(jint(st, "payments"), 1);
	assert_int_equal(jint(sc, "RenewalResources"), 2);
	assert_int_equal(jint(sc, "AutoRenewalResources"), 1);
	assert_int_equal(jint(sc, "CancelAutoRenewalResources"), 1);
	assert_int_equal(jint(sc, "UpdatePeriodToOnDemand"), 1);
	assert_int_equal(jint(sc, "CancelResourcesSubscription"), 1);
	json_object_put(st);
	emu_account_reset(a);
	r0 = resource_info(a, rid);
	assert_int_equal(jint(r0, "status"), 2);
	assert_int_equal(time_ms_of(r0, "expire_time"), exp0);
	json_object_put(r0);
	free(rid);
	emu_account_free(a);
}

static void test_errors_and_window(void **state)
{
	struct emu_account *a = mk_account(EMU_SCALE_TINY, 23, BSS_SITE_INTL);
	struct emu_reply r = call(a, "ShowCustomerMonthlySum", NULL, "bill_cycle=2026-13", NULL);
	assert_int_equal(r.status, 400);
	assert_string_equal(bss_json_get_str(r.body, "error_code"), "CBC.0100");
	json_object_put(r.body);
	r = call(a, "ShowCustomerMonthlySum", NULL, "bill_cycle=2020-01", NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(jint(r.body, "total_count"), 0);
	json_object_put(r.body);
	r = call(a, "ShowEnterpriseProject", "no-such-ep", NULL, NULL);
	assert_int_equal(r.status, 404);
	assert_string_equal(bss_json_get_str(bss_json_get(r.body, "error"), "error_code"), "EPS.0005");
	json_object_put(r.body);
	/* The current month has records only up to today (the 26th, UTC+8). */
	r = call(a, "ListCustomerselfResourceRecords", NULL, "cycle=2026-11&statistic_type=2&limit=1000", NULL);
	json_object *arr = bss_json_get(r.body, "fee_records");
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		assert_true(strcmp(bss_json_get_str(json_object_array_get_idx(arr, i), "bill_date"), "2026-11-26") <= 0);
	assert_string_equal(bss_json_get_str(json_object_array_get_idx(arr, json_object_array_length(arr) - 1), "bill_date"),
			    "2026-11-26");
	json_object_put(r.body);
	/* Filters: one service type only. */
	r = call(a, "ListCustomerselfResourceRecords", NULL,
		 "cycle=2026-10&cloud_service_type=hws.service.type.ec2&limit=1000", NULL);
	arr = bss_json_get(r.body, "fee_records");
	assert_true(json_object_array_length(arr) > 0);
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		assert_string_equal(bss_json_get_str(json_object_array_get_idx(arr, i), "cloud_service_type"),
				    "hws.service.type.ec2");
	json_object_put(r.body);
	emu_account_free(a);
}

static void test_near_expiry_and_orders_in_every_status(void **state)
{
	struct emu_account *a = mk_account(EMU_SCALE_TINY, 77, BSS_SITE_INTL);
	struct emu_reply r = call(a, "ListPayPerUseCustomerResources", NULL, NULL, "{\"limit\":100}");
	json_object *arr = bss_json_get(r.body, "data");
	int soon_on = 0, soon_off = 0;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		int64_t left = time_ms_of(e, "expire_time") - NOW_MS;
		if (left > 0 && left < 7LL * 86400 * 1000) {
			soon_on += jint(e, "expire_policy") == 3;
			soon_off += jint(e, "expire_policy") != 3;
		}
	}
	assert_true(soon_on > 0);
	assert_true(soon_off > 0);
	json_object_put(r.body);
	const int statuses[] = { 2, 4, 5, 6 };
	for (int i = 0; i < 4; i++) {
		char q[64];
		snprintf(q, sizeof q, "status=%d", statuses[i]);
		r = call(a, "ListCustomerOrders", NULL, q, NULL);
		assert_true(jint(r.body, "total_count") > 0);
		json_object_put(r.body);
	}
	emu_account_free(a);
}

/* The shape checker itself must be able to fail. */
static void test_shape_checker_rejects(void **state)
{
	const struct bss_op *op = bss_op_find("ShowCustomerMonthlySum");
	char err[256];
	const char *bad[] = {
		"{\"total_count\":1,\"bogus\":1}",
		"{\"total_count\":\"1\"}",
		"{\"bill_sums\":[{\"consume_amount\":\"1.00\"}]}",
		"{\"bill_sums\":[{\"resource_Type_code\":\"x\"}]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_object *o = NULL;
		assert_int_equal(bss_json_parse(bad[i], strlen(bad[i]), &o, NULL, 0), 0);
		assert_int_equal(shape_check(o, op->response, op->n_response, err, sizeof err), -1);
		json_object_put(o);
	}
	const struct bss_op *ep = bss_op_find("ListEnterpriseProject");
	const char *missing = "{\"enterprise_projects\":[{\"id\":\"0\",\"name\":\"d\"}]}";
	json_object *o = NULL;
	assert_int_equal(bss_json_parse(missing, strlen(missing), &o, NULL, 0), 0);
	assert_int_equal(shape_check(o, ep->response, ep->n_response, err, sizeof err), -1);
	json_object_put(o);
}

/* ---- concurrency: payments and reads from several threads ---- */
struct worker {
	struct emu_account *a;
	char order_id[32];
	int status;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	const struct bss_op *pay = bss_op_find("PayOrders"), *rec = bss_op_find("ListCustomerselfResourceRecords");
	char body[160];
	snprintf(body, sizeof body, "{\"order_id\":\"%s\",\"use_coupon\":\"NO\",\"use_discount\":\"NO\"}", w->order_id);
	json_object *b = NULL;
	bss_json_parse(body, strlen(body), &b, NULL, 0);
	struct emu_query_param qp[] = { { "cycle", "2026-11" }, { "statistic_type", "1" }, { "limit", "100" } };
	for (int i = 0; i < 20; i++) {
		struct emu_call c = { .op = rec, .query = qp, .n_query = 3, .now_ms = NOW_MS };
		struct emu_reply r;
		emu_account_handle(w->a, &c, &r);
		json_object_put(r.body);
		if (i == 10) {
			struct emu_call p = { .op = pay, .body = b, .now_ms = NOW_MS };
			emu_account_handle(w->a, &p, &r);
			w->status = r.status;
			json_object_put(r.body);
		}
	}
	json_object_put(b);
	return NULL;
}

static void test_concurrent_payments(void **state)
{
	struct emu_account *a = mk_account(EMU_SCALE_SMALL, 31, BSS_SITE_INTL);
	struct emu_reply r = call(a, "ListCustomerOrders", NULL, "status=6&limit=100", NULL);
	json_object *arr = bss_json_get(r.body, "order_infos");
	int n = (int)json_object_array_length(arr);
	if (n > 4)
		n = 4;
	assert_true(n >= 2);
	struct worker w[4];
	struct bss_dec sum = bss_dec_from_units(0, 2), amt, before = cash_balance(a), after, diff;
	for (int i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, (size_t)i);
		w[i].a = a;
		snprintf(w[i].order_id, sizeof w[i].order_id, "%s", bss_json_get_str(o, "order_id"));
		assert_int_equal(bss_json_get_dec(bss_json_get(o, "amount_after_discount"), &amt), 0);
		bss_dec_add(&sum, &amt, &sum);
	}
	json_object_put(r.body);
	pthread_t th[4];
	for (int i = 0; i < n; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].status, 204);
	}
	after = cash_balance(a);
	bss_dec_sub(&before, &after, &diff);
	assert_int_equal(bss_dec_cmp(&diff, &sum), 0);
	json_object *st = json_object_new_object();
	emu_account_stats(a, st);
	assert_int_equal(jint(st, "payments"), n);
	json_object_put(st);
	check_month(a, "2026-11", true);
	emu_account_free(a);
}

static int main_more(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes_all_ops), cmocka_unit_test(test_pagination),
		cmocka_unit_test(test_determinism),    cmocka_unit_test(test_huge_page_speed),
		cmocka_unit_test(test_hostile_text),   cmocka_unit_test(test_pay_and_cancel),
		cmocka_unit_test(test_subscriptions),  cmocka_unit_test(test_errors_and_window),
		cmocka_unit_test(test_concurrent_payments),    cmocka_unit_test(test_shape_checker_rejects),
		cmocka_unit_test(test_near_expiry_and_orders_in_every_status),
	};
	return cmocka_run_group_tests_name("account-more", tests, NULL, NULL);
}

static int main_bills(void);

int main(void)
{
	int rc = main_bills();
	return rc | main_more();
}
static int main_bills(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_consistency_tiny),
		cmocka_unit_test(test_consistency_cn_fee_records),
		cmocka_unit_test(test_measure_id_3_present),
		cmocka_unit_test(test_consistency_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
