/* Unit tests of the emulator's synthetic account: shapes against the API
 * schema, pagination, exact consistency of bills, determinism, speed at
 * huge scale, hostile text, and the state changes of the write operations. */
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

static int main_bills(void);

int main(void)
{
	return main_bills();
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
