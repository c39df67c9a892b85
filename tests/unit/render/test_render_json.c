/* Unit tests of the JSON renderer: exact bytes of merged answers. */
#include "render_test_util.h"

#include <unistd.h>

static const struct bss_op *op_named(const char *name)
{
	const struct bss_op *op = bss_op_find(name);
	assert_non_null(op);
	return op;
}

/* Two pages of ShowCustomerMonthlySum: fields before and after the array,
 * decimals byte for byte, only the first page's top-level fields kept. */
static void test_json_two_pages(void **state)
{
	(void)state;
	const char *pages[] = {
	    "{\"total_count\":3,\"bill_sums\":["
	    "{\"bill_cycle\":\"2026-10\",\"service_type_code\":\"hws.service.type.ebs\","
	    "\"consume_amount\":0.12345678,\"measure_id\":1,\"account_name\":\"a/b\"},"
	    "{\"bill_cycle\":\"2026-10\",\"consume_amount\":12345678901234.00000001,"
	    "\"debt_amount\":-1.50,\"customer_id\":null}],"
	    "\"consume_amount\":12345678901234.12345679,\"debt_amount\":0.00,"
	    "\"measure_id\":1,\"currency\":\"USD\"}",
	    "{\"total_count\":3,\"bill_sums\":["
	    "{\"bill_cycle\":\"2026-10\",\"consume_amount\":1E+2,\"official_amount\":100.000}],"
	    "\"consume_amount\":999,\"currency\":\"CNY\"}",
	    NULL,
	};
	size_t len;
	int rc;
	char *out = render_texts(op_named("ShowCustomerMonthlySum"), BSS_RENDER_JSON, NULL, pages,
				 &len, &rc);
	assert_int_equal(rc, 0);
	const char *want =
	    "{\"total_count\":3,\"bill_sums\":[\n"
	    "{\"bill_cycle\":\"2026-10\",\"service_type_code\":\"hws.service.type.ebs\","
	    "\"consume_amount\":0.12345678,\"measure_id\":1,\"account_name\":\"a/b\"},\n"
	    "{\"bill_cycle\":\"2026-10\",\"consume_amount\":12345678901234.00000001,"
	    "\"debt_amount\":-1.50,\"customer_id\":null},\n"
	    "{\"bill_cycle\":\"2026-10\",\"consume_amount\":1E+2,\"official_amount\":100.000}\n"
	    "],\"consume_amount\":12345678901234.12345679,\"debt_amount\":0.00,"
	    "\"measure_id\":1,\"currency\":\"USD\"}\n";
	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
	/* The merged file is itself valid JSON with the same decimal text. */
	json_object *back = parse(out);
	json_object *arr = bss_json_get(back, "bill_sums");
	assert_int_equal(json_object_array_length(arr), 3);
	assert_string_equal(
	    bss_json_number_text(bss_json_get(json_object_array_get_idx(arr, 1), "consume_amount")),
	    "12345678901234.00000001");
	json_object_put(back);
	free(out);
}

/* A total that follows the array is rewritten to the records rendered. */
static void test_json_total_after_array(void **state)
{
	(void)state;
	const char *pages[] = {
	    "{\"monthly_records\":[{\"cycle\":\"2026-10\",\"consume_amount\":1.10}],"
	    "\"total_count\":7,\"currency\":\"USD\"}",
	    "{\"monthly_records\":[{\"cycle\":\"2026-10\",\"consume_amount\":2.20}],"
	    "\"total_count\":7,\"currency\":\"USD\"}",
	    NULL,
	};
	int rc;
	char *out = render_texts(op_named("ListCustomerselfResourceRecordDetails"), BSS_RENDER_JSON,
				 NULL, pages, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "{\"monthly_records\":[\n"
				 "{\"cycle\":\"2026-10\",\"consume_amount\":1.10},\n"
				 "{\"cycle\":\"2026-10\",\"consume_amount\":2.20}\n"
				 "],\"total_count\":2,\"currency\":\"USD\"}\n");
	free(out);
}

/* A total before the array that the records do not reach: -EIO. */
static void test_json_head_total_mismatch(void **state)
{
	(void)state;
	const char *pages[] = {
	    "{\"total_count\":5,\"bill_sums\":[{\"bill_cycle\":\"2026-10\"}]}",
	    NULL,
	};
	int rc;
	char *out = render_texts(op_named("ShowCustomerMonthlySum"), BSS_RENDER_JSON, NULL, pages,
				 NULL, &rc);
	assert_int_equal(rc, -EIO);
	free(out);
}

static void test_json_empty_and_missing_array(void **state)
{
	(void)state;
	const char *p1[] = {"{\"total_count\":0,\"bill_sums\":[],\"currency\":\"USD\"}", NULL};
	int rc;
	char *out =
	    render_texts(op_named("ShowCustomerMonthlySum"), BSS_RENDER_JSON, NULL, p1, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "{\"total_count\":0,\"bill_sums\":[],\"currency\":\"USD\"}\n");
	free(out);

	/* No array in the answer: the key is still there, after the fields. */
	const char *p2[] = {"{\"total_count\":0,\"currency\":\"USD\"}", NULL};
	out =
	    render_texts(op_named("ShowCustomerMonthlySum"), BSS_RENDER_JSON, NULL, p2, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "{\"total_count\":0,\"currency\":\"USD\",\"bill_sums\":[]}\n");
	free(out);

	/* A null array is no records. */
	const char *p3[] = {"{\"total_count\":0,\"bill_sums\":null}", NULL};
	out =
	    render_texts(op_named("ShowCustomerMonthlySum"), BSS_RENDER_JSON, NULL, p3, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "{\"total_count\":0,\"bill_sums\":[]}\n");
	free(out);
}

/* An answer without a record array: one field per line. */
static void test_json_single_answer(void **state)
{
	(void)state;
	const char *pages[] = {
	    "{\"granting_amount\":100.00,\"granting_amount_used\":0.12345678,"
	    "\"percentage_granting_amount_used\":0.1,\"measure_id\":1,\"currency\":\"USD\"}",
	    NULL,
	};
	int rc;
	char *out = render_texts(op_named("ShowCustomerExpenditureQuota"), BSS_RENDER_JSON, NULL,
				 pages, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "{\n"
				 "  \"granting_amount\":100.00,\n"
				 "  \"granting_amount_used\":0.12345678,\n"
				 "  \"percentage_granting_amount_used\":0.1,\n"
				 "  \"measure_id\":1,\n"
				 "  \"currency\":\"USD\"\n"
				 "}\n");
	free(out);
}

static void test_json_bad_pages(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct bss_renderer *r =
	    bss_render_new(op_named("ShowCustomerMonthlySum"), BSS_RENDER_JSON, NULL, f);
	assert_non_null(r);
	json_object *arr = parse("[1,2]");
	assert_int_equal(bss_render_page(r, arr), -EINVAL);
	json_object_put(arr);
	json_object *bad = parse("{\"total_count\":1,\"bill_sums\":{\"a\":1}}");
	assert_int_equal(bss_render_page(r, bad), -EINVAL);
	json_object_put(bad);
	assert_int_equal(bss_render_page(r, NULL), -EINVAL);
	bss_render_free(r);
	fclose(f);
	assert_int_equal(n, 0); /* nothing written for rejected pages */
	free(buf);

	/* An answer without an array has one page only. */
	f = open_memstream(&buf, &n);
	r = bss_render_new(op_named("ShowCustomerExpenditureQuota"), BSS_RENDER_JSON, NULL, f);
	json_object *p = parse("{\"currency\":\"USD\"}");
	assert_int_equal(bss_render_page(r, p), 0);
	assert_int_equal(bss_render_page(r, p), -EINVAL);
	json_object_put(p);
	bss_render_free(r);
	fclose(f);
	free(buf);

	/* finish without any page: nothing true to write. */
	f = open_memstream(&buf, &n);
	r = bss_render_new(op_named("ShowCustomerMonthlySum"), BSS_RENDER_JSON, NULL, f);
	assert_int_equal(bss_render_finish(r), -EINVAL);
	bss_render_free(r);
	bss_render_free(NULL);
	fclose(f);
	free(buf);

	/* Unknown records_key override. */
	struct bss_render_opts o = {.records_key = "no_such_array"};
	f = open_memstream(&buf, &n);
	assert_null(bss_render_new(op_named("ShowCustomerMonthlySum"), BSS_RENDER_JSON, &o, f));
	fclose(f);
	free(buf);
}

static void test_json_write_error(void **state)
{
	(void)state;
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		skip();
	struct bss_renderer *r =
	    bss_render_new(bss_op_find("ShowCustomerMonthlySum"), BSS_RENDER_JSON, NULL, f);
	json_object *p = parse("{\"total_count\":1,\"bill_sums\":[{\"bill_cycle\":\"2026-10\"}]}");
	int rc = bss_render_page(r, p);
	assert_true(rc == 0 || rc == -EIO); /* buffered: may fail only at flush */
	assert_int_equal(bss_render_finish(r), -EIO);
	json_object_put(p);
	bss_render_free(r);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_two_pages),
	    cmocka_unit_test(test_json_total_after_array),
	    cmocka_unit_test(test_json_head_total_mismatch),
	    cmocka_unit_test(test_json_empty_and_missing_array),
	    cmocka_unit_test(test_json_single_answer),
	    cmocka_unit_test(test_json_bad_pages),
	    cmocka_unit_test(test_json_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
