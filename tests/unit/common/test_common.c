/* Unit tests of src/common: exact decimals, JSON number text, log redaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bssfs/api.h"
#include "bssfs/clock.h"
#include "bssfs/dec.h"
#include "bssfs/jsonx.h"
#include "bssfs/log.h"
#include "bssfs/month.h"

static const char *fmt(const struct bss_dec *d)
{
	static char buf[BSS_DEC_STRLEN];
	return bss_dec_format(d, buf, sizeof(buf));
}

static void test_dec_parse_format(void **state)
{
	(void)state;
	const char *cases[] = { "0", "0.12345678", "-0.50", "12345678901234.00000001",
				"99999999999999999999.99999999", "-7", "1.10" };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bss_dec d;
		assert_int_equal(bss_dec_parse(cases[i], (size_t)-1, &d), 0);
		assert_string_equal(fmt(&d), cases[i]);
	}
	struct bss_dec d;
	assert_int_equal(bss_dec_parse("+3.5", (size_t)-1, &d), 0);
	assert_string_equal(fmt(&d), "3.5");
	assert_int_equal(bss_dec_parse("1e5", (size_t)-1, &d), -EINVAL);
	assert_int_equal(bss_dec_parse("", (size_t)-1, &d), -EINVAL);
	assert_int_equal(bss_dec_parse("-", (size_t)-1, &d), -EINVAL);
	assert_int_equal(bss_dec_parse("1.2.3", (size_t)-1, &d), -EINVAL);
	assert_int_equal(bss_dec_parse("12abc", 2, &d), 0);
	assert_string_equal(fmt(&d), "12");
	assert_int_equal(bss_dec_parse("123456789012345678901234567890123456789", (size_t)-1, &d),
			 -ERANGE);
}

static void test_dec_arith(void **state)
{
	(void)state;
	struct bss_dec a, b, r;
	bss_dec_parse("0.1", (size_t)-1, &a);
	bss_dec_parse("0.2", (size_t)-1, &b);
	assert_int_equal(bss_dec_add(&a, &b, &r), 0);
	assert_string_equal(fmt(&r), "0.3"); /* never 0.30000000000000004 */
	bss_dec_parse("1.00000001", (size_t)-1, &a);
	bss_dec_parse("-2.5", (size_t)-1, &b);
	assert_int_equal(bss_dec_add(&a, &b, &r), 0);
	assert_string_equal(fmt(&r), "-1.49999999");
	assert_int_equal(bss_dec_sub(&a, &b, &r), 0);
	assert_string_equal(fmt(&r), "3.50000001");
	/* A million additions of 0.00000001 are exactly 0.01. */
	struct bss_dec acc = bss_dec_from_units(0, 8), one = bss_dec_from_units(1, 8);
	for (int i = 0; i < 1000000; i++)
		bss_dec_add(&acc, &one, &acc);
	assert_string_equal(fmt(&acc), "0.01000000");
	bss_dec_parse("1234.5", (size_t)-1, &a);
	assert_int_equal(bss_dec_shift(&a, -2, &r), 0);
	assert_string_equal(fmt(&r), "12.345");
	assert_int_equal(bss_dec_shift(&a, 2, &r), 0);
	assert_string_equal(fmt(&r), "123450");
	assert_int_equal(bss_dec_rescale(&a, 3, &r), 0);
	assert_string_equal(fmt(&r), "1234.500");
	assert_int_equal(bss_dec_rescale(&a, 0, &r), -ERANGE); /* would drop .5 */
	bss_dec_round(&a, 0, &r);
	assert_string_equal(fmt(&r), "1235");
	bss_dec_parse("-0.125", (size_t)-1, &a);
	bss_dec_round(&a, 2, &r);
	assert_string_equal(fmt(&r), "-0.13");
	bss_dec_parse("2.50", (size_t)-1, &a);
	bss_dec_parse("2.5", (size_t)-1, &b);
	assert_int_equal(bss_dec_cmp(&a, &b), 0);
	bss_dec_parse("0.3", (size_t)-1, &b);
	assert_int_equal(bss_dec_mul(&a, &b, &r), 0);
	assert_string_equal(fmt(&r), "0.750");
	bss_dec_parse("99999999999999999999999999999999999999", (size_t)-1, &a);
	assert_int_equal(bss_dec_add(&a, &a, &r), -ERANGE);
}

static void test_json_decimal_round_trip(void **state)
{
	(void)state;
	const char *text = "{\"a\":0.12345678,\"b\":12345678901234.00000001,\"c\":1.10,"
			   "\"d\":[-0.0,100,\"x\"],\"e\":{\"f\":true,\"g\":null}}";
	json_object *o;
	char err[128];
	assert_int_equal(bss_json_parse(text, strlen(text), &o, err, sizeof(err)), 0);
	assert_string_equal(bss_json_compact(o), text);
	assert_string_equal(bss_json_number_text(bss_json_get(o, "b")), "12345678901234.00000001");
	struct bss_dec d;
	assert_int_equal(bss_json_get_dec(bss_json_get(o, "a"), &d), 0);
	assert_string_equal(fmt(&d), "0.12345678");
	json_object_put(o);

	json_object *n = bss_json_new_decimal("7.00000000");
	assert_string_equal(bss_json_compact(n), "7.00000000");
	json_object_put(n);
	assert_null(bss_json_new_decimal("1e3"));

	assert_int_equal(bss_json_parse("{\"a\":1} x", 9, &o, err, sizeof(err)), -EINVAL);
	assert_null(o);
	assert_int_equal(bss_json_parse("{\"a\":1", 6, &o, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "truncated JSON");
	const char *big = "{\"a\":123456789012345678901234567890}";
	assert_int_equal(bss_json_parse(big, strlen(big), &o, err, sizeof(err)), -EINVAL);
	const char *bad_utf8 = "\"\xff\"";
	assert_int_equal(bss_json_parse(bad_utf8, strlen(bad_utf8), &o, err, sizeof(err)), -EINVAL);
}

static void test_log_redacts_secrets(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	int saved = dup(2);
	dup2(fds[1], 2);
	bss_log_add_secret("SuperSecretKey123");
	bss_log_set_level(BSS_LOG_DEBUG);
	bss_debug("signing with SuperSecretKey123 and againSuperSecretKey123!");
	bss_err("multi\nline");
	fflush(stderr);
	dup2(saved, 2);
	close(fds[1]);
	char buf[4096] = { 0 };
	ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	assert_true(n > 0);
	assert_null(strstr(buf, "SuperSecret"));
	assert_non_null(strstr(buf, "with *** and again***!"));
	assert_non_null(strstr(buf, "multi?line"));
	bss_log_clear_secrets();
	bss_log_set_level(BSS_LOG_INFO);
}

static int64_t fake_now;
static int64_t fake_ms(void *ctx) { (void)ctx; return fake_now; }
static void fake_sleep(void *ctx, int64_t ms) { (void)ctx; fake_now += ms; }

static void test_clock_hooks(void **state)
{
	(void)state;
	struct bss_clock_hooks h = { fake_ms, fake_ms, fake_sleep, NULL };
	fake_now = 1000;
	bss_clock_set_hooks(&h);
	bss_sleep_ms(2500);
	assert_int_equal(bss_mono_ms(), 3500);
	assert_int_equal(bss_wall_time(), 3);
	bss_clock_set_hooks(NULL);
	assert_true(bss_wall_ms() > 1700000000000LL);
}

static void test_api_table(void **state)
{
	(void)state;
	const struct bss_op *op = bss_op_find("ShowCustomerMonthlySum");
	assert_non_null(op);
	assert_string_equal(op->path, "/v2/bills/customer-bills/monthly-sum");
	assert_string_equal(op->records_key, "bill_sums");
	size_t n;
	const struct bss_field *rec = bss_op_record_schema(op, &n);
	assert_non_null(bss_field_find(rec, n, "consume_amount"));
	assert_int_equal(bss_field_find(rec, n, "consume_amount")->type, BSS_T_DECIMAL);
	/* The API's own misspellings are kept. */
	op = bss_op_find("ListPayPerUseCustomerResources");
	assert_non_null(strstr(op->path, "suscriptions"));
	op = bss_op_find("ListCustomerselfResourceRecordDetails");
	rec = bss_op_record_schema(op, &n);
	assert_non_null(bss_field_find(rec, n, "resource_Type_code"));
	assert_false(bss_op_find("PayOrders")->idempotent);
	assert_false(bss_op_on_site(bss_op_find("ListInvoices"), BSS_SITE_CN));
	assert_false(bss_op_on_site(bss_op_find("ListCustomerBillsFeeRecords"), BSS_SITE_INTL));

	char buf[256];
	const char *vals[2];
	op = bss_op_match(BSS_HOST_BSS, "GET", "/v1.0/abc123/payments/intl-invoices", buf,
			  sizeof(buf), vals, 2);
	assert_non_null(op);
	assert_string_equal(op->name, "ListInvoices");
	assert_string_equal(vals[0], "abc123");
	op = bss_op_match(BSS_HOST_EPS, "GET", "/v1.0/enterprise-projects/quotas", buf, sizeof(buf),
			  vals, 2);
	assert_string_equal(op->name, "ShowEnterpriseProjectQuota");
	op = bss_op_match(BSS_HOST_EPS, "GET", "/v1.0/enterprise-projects/ep-1", buf, sizeof(buf),
			  vals, 2);
	assert_string_equal(op->name, "ShowEnterpriseProject");
	assert_string_equal(vals[0], "ep-1");
	assert_null(bss_op_match(BSS_HOST_BSS, "DELETE", "/v2/bills/customer-bills/monthly-sum", buf,
				 sizeof(buf), vals, 2));
	assert_null(bss_op_match(BSS_HOST_BSS, "GET", "/v2/bills/customer-bills/monthly-sumx", buf,
				 sizeof(buf), vals, 2));
}

static void test_billing_months(void **state)
{
	(void)state;
	int m;
	char buf[8];
	assert_int_equal(bss_month_parse("2026-11", &m), 0);
	assert_int_equal(m, 2026 * 12 + 10);
	bss_month_format(m, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11");
	const char *bad[] = { "2026-13", "2026-00", "2026-1", "latest", "2026/11", "20261-1", "", "1969-12" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(bss_month_parse(bad[i], &m), -EINVAL);
	/* 2026-10-31T16:00:00Z is 2026-11-01 00:00 in UTC+8. */
	int64_t edge = bss_month_day_start(2026 * 12 + 10, 1);
	assert_int_equal(edge, 1793462400);
	int day;
	assert_int_equal(bss_month_of_ms(edge * 1000, &day), 2026 * 12 + 10);
	assert_int_equal(day, 1);
	assert_int_equal(bss_month_of_ms(edge * 1000 - 1, &day), 2026 * 12 + 9);
	assert_int_equal(day, 31);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dec_parse_format),
		cmocka_unit_test(test_dec_arith),
		cmocka_unit_test(test_json_decimal_round_trip),
		cmocka_unit_test(test_log_redacts_secrets),
		cmocka_unit_test(test_clock_hooks),
		cmocka_unit_test(test_api_table),
		cmocka_unit_test(test_billing_months),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
