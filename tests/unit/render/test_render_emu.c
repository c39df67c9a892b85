/* The renderers over the emulator's answers: every read operation of the
 * tree, fetched page by page (through JSON text, as the client gets it),
 * rendered to JSON and CSV, and checked: the JSON parses and holds every
 * record, the CSV parses (RFC 4180) with one row per record and stable
 * columns, and summing the CSV's money gives the API's totals exactly. */
#include "render_test_util.h"

#include "bssfs/dec.h"
#include "emulator/emu.h"

/* 2026-11-26T04:00:00Z */
#define NOW_MS 1795665600000LL

struct fetched {
	char *json, *csv;
	size_t json_len, csv_len;
	unsigned long long records;
	json_object *first; /* first page */
};

static struct emu_account *acct;

static int setup(void **state)
{
	(void)state;
	struct emu_account_config cfg = {.seed = 42,
					 .scale = EMU_SCALE_TINY,
					 .site = BSS_SITE_INTL,
					 .domain_id = "0123456789abcdef0123456789abcdef",
					 .domain_name = "test"};
	emu_clock_set_start(NOW_MS);
	acct = emu_account_new(&cfg);
	return acct ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	emu_account_free(acct);
	return 0;
}

/* One answer as the client sees it: serialised, then parsed back. */
static json_object *call(const struct bss_op *op, const struct emu_query_param *q, size_t nq,
			 json_object *body)
{
	struct emu_call c = {.op = op, .query = q, .n_query = nq, .body = body, .now_ms = NOW_MS};
	struct emu_reply rep;
	assert_int_equal(emu_account_handle(acct, &c, &rep), 0);
	if (rep.status != op->success_status)
		fail_msg("%s: status %d: %s", op->name, rep.status,
			 rep.body ? bss_json_compact(rep.body) : "");
	json_object *page = parse(bss_json_compact(rep.body));
	json_object_put(rep.body);
	return page;
}

/* Fetches every page of op with the given extra parameters (name=value
 * pairs, query or body by the op's paging), rendering as it goes. */
static void fetch(const char *name, const char *const *params, struct fetched *out)
{
	const struct bss_op *op = bss_op_find(name);
	assert_non_null(op);
	memset(out, 0, sizeof(*out));
	FILE *fj = open_memstream(&out->json, &out->json_len);
	FILE *fc = open_memstream(&out->csv, &out->csv_len);
	struct bss_renderer *rj = bss_render_new(op, BSS_RENDER_JSON, NULL, fj);
	struct bss_renderer *rc = bss_render_new(op, BSS_RENDER_CSV, NULL, fc);
	assert_non_null(rj);
	assert_non_null(rc);
	long limit = op->page_limit > 7 ? 7 : op->page_limit; /* several pages */
	bool in_body = op->paging == BSS_PAGE_OFFSET_BODY || !strcmp(op->method, "POST");
	for (long page_no = 0;; page_no++) {
		struct emu_query_param q[8];
		size_t nq = 0;
		json_object *body = in_body ? json_object_new_object() : NULL;
		char off[32], lim[32];
		long offset = op->paging == BSS_PAGE_PAGE ? page_no + 1 : page_no * limit;
		snprintf(off, sizeof(off), "%ld", offset);
		snprintf(lim, sizeof(lim), "%ld", limit);
		for (size_t i = 0; params && params[i]; i += 2) {
			if (body)
				json_object_object_add(body, params[i],
						       json_object_new_string(params[i + 1]));
			else
				q[nq++] = (struct emu_query_param){params[i], params[i + 1]};
		}
		if (op->paging != BSS_PAGE_NONE) {
			if (body) {
				json_object_object_add(body, "offset",
						       json_object_new_int64(offset));
				json_object_object_add(body, "limit", json_object_new_int64(limit));
			} else {
				q[nq++] = (struct emu_query_param){"offset", off};
				q[nq++] = (struct emu_query_param){"limit", lim};
			}
		}
		json_object *page = call(op, q, nq, body);
		json_object_put(body);
		assert_int_equal(bss_render_page(rj, page), 0);
		assert_int_equal(bss_render_page(rc, page), 0);
		size_t n = 0;
		if (op->records_key) {
			json_object *arr = bss_json_get(page, op->records_key);
			n = arr ? json_object_array_length(arr) : 0;
		}
		out->records += n;
		if (page_no == 0)
			out->first = json_object_get(page);
		json_object_put(page);
		if (op->paging == BSS_PAGE_NONE || (long)n < limit)
			break;
		assert_true(page_no < 100000);
	}
	assert_int_equal(bss_render_finish(rj), 0);
	assert_int_equal(bss_render_finish(rc), 0);
	bss_render_free(rj);
	bss_render_free(rc);
	fclose(fj);
	fclose(fc);

	/* RENDER_TEST_DUMP=dir keeps the files for a look. */
	const char *dump = getenv("RENDER_TEST_DUMP");
	if (dump) {
		char path[512];
		for (int k = 0; k < 2; k++) {
			snprintf(path, sizeof(path), "%s/%s.%s", dump, name, k ? "csv" : "json");
			FILE *d = fopen(path, "w");
			if (d) {
				fwrite(k ? out->csv : out->json, 1,
				       k ? out->csv_len : out->json_len, d);
				fclose(d);
			}
		}
	}

	/* The JSON is valid and holds every record. */
	json_object *all = parse(out->json);
	if (op->records_key) {
		json_object *arr = bss_json_get(all, op->records_key);
		assert_non_null(arr);
		assert_int_equal(json_object_array_length(arr), out->records);
		if (op->total_key && bss_json_get(all, op->total_key))
			assert_int_equal(json_object_get_int64(bss_json_get(all, op->total_key)),
					 out->records);
		/* One record per line: lines = records + 2 (head, tail). */
		size_t lines = 0;
		for (size_t i = 0; i < out->json_len; i++)
			lines += out->json[i] == '\n';
		assert_int_equal(lines, out->records ? out->records + 2 : 1);
	}
	json_object_put(all);

	/* The CSV parses, one row per record, same width everywhere. */
	struct csv_table t;
	assert_int_equal(csv_parse(out->csv, out->csv_len, "\r\n", &t), 0);
	assert_int_equal(t.nrows, 1 + (op->records_key ? out->records : 1));
	for (size_t i = 1; i < t.nrows; i++)
		assert_int_equal(t.ncols[i], t.ncols[0]);
	assert_int_equal(memcmp(out->csv, "\xEF\xBB\xBF", 3), 0);
	csv_table_free(&t);
}

static void fetched_free(struct fetched *f)
{
	free(f->json);
	free(f->csv);
	json_object_put(f->first);
}

/* Exact sum of a CSV column. */
static struct bss_dec csv_sum(const struct fetched *f, const char *col)
{
	struct csv_table t;
	assert_int_equal(csv_parse(f->csv, f->csv_len, "\r\n", &t), 0);
	int c = csv_col(&t, col);
	assert_true(c >= 0);
	struct bss_dec sum = bss_dec_from_units(0, 0);
	for (size_t i = 1; i < t.nrows; i++) {
		if (!t.rows[i][c][0])
			continue;
		struct bss_dec d;
		if (bss_dec_parse(t.rows[i][c], (size_t)-1, &d))
			fail_msg("%s: not a decimal: %s", col, t.rows[i][c]);
		assert_int_equal(bss_dec_add(&sum, &d, &sum), 0);
	}
	csv_table_free(&t);
	return sum;
}

static void test_emu_simple_ops(void **state)
{
	(void)state;
	const char *ops[] = {"ShowCustomerAccountBalances",
			     "ShowCustomerExpenditureQuota",
			     "ListServiceTypes",
			     "ListResourceTypes",
			     "ListUsageTypes",
			     "ListMeasureUnits",
			     "ListConversions",
			     "ListSubCustomerCoupons",
			     "ListFreeResourceInfos",
			     "ListCustomerOrders",
			     "ListPayPerUseCustomerResources",
			     "ListEnterpriseProject",
			     "ShowEnterpriseProjectQuota"};
	for (size_t i = 0; i < sizeof(ops) / sizeof(*ops); i++) {
		struct fetched f;
		fetch(ops[i], NULL, &f);
		fetched_free(&f);
	}
}

/* The month's summary, rendered and summed from its CSV, equals the
 * answer's own total; the per-resource records sum to it too. */
static void test_emu_month_sums(void **state)
{
	(void)state;
	const char *p_sum[] = {"bill_cycle", "2026-10", NULL};
	struct fetched sum;
	fetch("ShowCustomerMonthlySum", p_sum, &sum);
	assert_true(sum.records > 0);
	struct bss_dec total, got;
	assert_int_equal(bss_json_get_dec(bss_json_get(sum.first, "consume_amount"), &total), 0);
	got = csv_sum(&sum, "consume_amount");
	char a[BSS_DEC_STRLEN], b[BSS_DEC_STRLEN];
	if (bss_dec_cmp(&got, &total) != 0)
		fail_msg("summary CSV sums to %s, answer says %s",
			 bss_dec_format(&got, a, sizeof(a)), bss_dec_format(&total, b, sizeof(b)));

	const char *p_res[] = {"cycle", "2026-10", "statistic_type", "1", NULL};
	struct fetched res;
	fetch("ListCustomerselfResourceRecordDetails", p_res, &res);
	got = csv_sum(&res, "consume_amount");
	if (bss_dec_cmp(&got, &total) != 0)
		fail_msg("resources CSV sums to %s, summary says %s",
			 bss_dec_format(&got, a, sizeof(a)), bss_dec_format(&total, b, sizeof(b)));

	const char *p_fee[] = {"cycle", "2026-10", NULL};
	struct fetched fee;
	fetch("ListCustomerselfResourceRecords", p_fee, &fee);
	assert_true(fee.records > 0);
	fetched_free(&sum);
	fetched_free(&res);
	fetched_free(&fee);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_emu_simple_ops),
	    cmocka_unit_test(test_emu_month_sums),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
