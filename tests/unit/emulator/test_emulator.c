/* Tests of the emulator front end: a real server on 127.0.0.1:0 in this
 * process (behind a fake account that echoes its calls), requests over
 * libcurl signed with bss_sign(). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bssfs/clock.h"
#include "bssfs/jsonx.h"
#include "emu_client.h"
#include "emulator/front.h"
#include "emulator/server.h"

#define AK "TESTAK00000000000001"
#define SK "TestSecretKey0000000000000000000000000001"
#define DOMAIN "0123456789abcdef0123456789abcdef"
#define NOW_MS 1795665600000LL /* 2026-11-26T04:00:00Z */

struct t {
	struct emu_account *account;
	struct emu_server *srv;
	CURL *curl;
	char base[96], host[64];
};

static struct t T;

static void start(struct emu_server_config cfg)
{
	emu_clock_set_start(NOW_MS);
	struct emu_account_config ac = { .seed = 1, .site = BSS_SITE_INTL };
	T.account = emu_account_new(&ac);
	assert_non_null(T.account);
	cfg.account = T.account;
	if (!cfg.ak) {
		cfg.ak = AK;
		cfg.sk = SK;
	}
	if (!cfg.domain_id)
		cfg.domain_id = DOMAIN;
	char err[256];
	int rc = emu_server_start(&cfg, &T.srv, err, sizeof(err));
	if (rc)
		fail_msg("server: %s", err);
	snprintf(T.host, sizeof(T.host), "127.0.0.1:%d", emu_server_port(T.srv));
	snprintf(T.base, sizeof(T.base), "http://%s", T.host);
	T.curl = curl_easy_init();
	assert_non_null(T.curl);
}

static int teardown(void **state)
{
	(void)state;
	curl_easy_cleanup(T.curl);
	emu_server_free(T.srv);
	emu_account_free(T.account);
	memset(&T, 0, sizeof(T));
	return 0;
}

static struct ec_req req(const char *method, const char *path, const char *query, const char *body)
{
	return (struct ec_req){ .method = method, .path = path, .query = query, .body = body,
				.ak = AK, .sk = SK };
}

static void send_req(const struct ec_req *r, struct ec_resp *out)
{
	assert_int_equal(ec_do(T.curl, T.base, T.host, r, out), 0);
}

static json_object *parse(const struct ec_resp *r)
{
	json_object *o = NULL;
	if (bss_json_parse(r->body, r->len, &o, NULL, 0) != 0)
		fail_msg("not JSON: %s", r->body);
	return o;
}

/* Asserts status and error_code (top level or EPS-nested). */
static void expect_error(const struct ec_resp *r, long status, const char *code)
{
	if (r->status != status)
		fail_msg("status %ld, expected %ld: %s", r->status, status, r->body);
	json_object *o = parse(r);
	json_object *e = bss_json_get(o, "error");
	const char *got = bss_json_get_str(e ? e : o, "error_code");
	assert_non_null(got);
	assert_string_equal(got, code);
	json_object_put(o);
}

static void get_ok(const char *path, const char *query)
{
	struct ec_req r = req("GET", path, query, NULL);
	struct ec_resp resp;
	send_req(&r, &resp);
	if (resp.status != 200)
		fail_msg("GET %s?%s: %ld %s", path, query ? query : "", resp.status, resp.body);
	ec_resp_clear(&resp);
}

static json_object *control(const char *method, const char *what, const char *body)
{
	struct ec_req r = { .method = method, .path = what, .body = body, .unsigned_req = true };
	struct ec_resp resp;
	send_req(&r, &resp);
	assert_int_equal(resp.status, 200);
	json_object *o = parse(&resp);
	ec_resp_clear(&resp);
	return o;
}

static long stat_num(json_object *stats, const char *key, const char *sub)
{
	json_object *v = bss_json_get(stats, key);
	if (sub)
		v = bss_json_get(v, sub);
	return v ? (long)json_object_get_int64(v) : 0;
}

/* ---- routing ---- */

static void test_unknown_path_and_method(void **state)
{
	start((struct emu_server_config){ .rps = 0 });
	struct ec_req r = req("GET", "/v2/no/such/api", NULL, NULL);
	struct ec_resp resp;
	send_req(&r, &resp);
	expect_error(&resp, 404, "APIG.0101");
	json_object *o = parse(&resp);
	assert_int_equal(strlen(resp.request_id), 32);
	assert_string_equal(bss_json_get_str(o, "request_id"), resp.request_id);
	assert_string_equal(bss_json_get_str(o, "error_msg"),
			    "The API does not exist or has not been published in the environment");
	assert_string_equal(resp.content_type, "application/json");
	json_object_put(o);
	ec_resp_clear(&resp);

	r = req("POST", "/v2/accounts/customer-accounts/balances", NULL, "{}");
	send_req(&r, &resp);
	expect_error(&resp, 404, "APIG.0101");
	ec_resp_clear(&resp);
}

static void test_routes_and_decodes(void **state)
{
	start((struct emu_server_config){ .rps = 0 });
	struct ec_req r = req("GET", "/v1.0/enterprise-projects/ep%2D1", "limit=5&name=a%2Bb+c", NULL);
	struct ec_resp resp;
	send_req(&r, &resp);
	/* ShowEnterpriseProject takes no query; extra parameters are ignored. */
	assert_int_equal(resp.status, 200);
	json_object *o = parse(&resp);
	assert_string_equal(bss_json_get_str(o, "op"), "ShowEnterpriseProject");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(bss_json_get(o, "path"), 0)),
			    "ep-1");
	assert_string_equal(bss_json_get_str(bss_json_get(o, "query"), "name"), "a+b+c");
	assert_true(strstr(resp.body, "\"amount\":\"12.3400\"") != NULL);
	assert_int_equal(strlen(resp.request_id), 32);
	json_object_put(o);
	ec_resp_clear(&resp);
	/* The literal route beats the parameter route. */
	r = req("GET", "/v1.0/enterprise-projects/quotas", NULL, NULL);
	send_req(&r, &resp);
	o = parse(&resp);
	assert_string_equal(bss_json_get_str(o, "op"), "ShowEnterpriseProjectQuota");
	json_object_put(o);
	ec_resp_clear(&resp);
	/* IAM is served on the same address. */
	r = req("GET", "/v3/auth/domains", NULL, NULL);
	send_req(&r, &resp);
	o = parse(&resp);
	assert_string_equal(bss_json_get_str(o, "op"), "KeystoneListAuthDomains");
	json_object_put(o);
	ec_resp_clear(&resp);
}

static void test_site_split(void **state)
{
	start((struct emu_server_config){ .rps = 0, .site = BSS_SITE_INTL });
	struct ec_req r = req("GET", "/v2/bills/customer-bills/fee-records", "bill_cycle=2026-10", NULL);
	struct ec_resp resp;
	send_req(&r, &resp);
	expect_error(&resp, 404, "APIG.0101"); /* ListCustomerBillsFeeRecords is cn only */
	ec_resp_clear(&resp);
	get_ok("/v1.0/" DOMAIN "/payments/intl-invoices", "start_time=2026-01-01&end_time=2026-11-01&offset=1&limit=10");
	teardown(NULL);

	start((struct emu_server_config){ .rps = 0, .site = BSS_SITE_CN });
	r = req("GET", "/v1.0/" DOMAIN "/payments/intl-invoices", "start_time=2026-01-01&end_time=2026-11-01&offset=1&limit=10", NULL);
	send_req(&r, &resp);
	expect_error(&resp, 404, "APIG.0101"); /* ListInvoices is intl only */
	ec_resp_clear(&resp);
	get_ok("/v2/bills/customer-bills/fee-records", "bill_cycle=2026-10");
}

/* ---- signatures ---- */

static void test_signature_accepted_and_tampered(void **state)
{
	start((struct emu_server_config){ .rps = 0 });
	get_ok("/v2/bills/customer-bills/monthly-sum", "bill_cycle=2026-10");
	get_ok("/v2/accounts/customer-accounts/balances/", NULL); /* trailing slash */

	struct ec_req cases[6];
	cases[0] = req("GET", "/v1.0/enterprise-projects/ep-2", NULL, NULL);
	cases[0].sign_path = "/v1.0/enterprise-projects/ep-1";
	cases[1] = req("GET", "/v2/bills/customer-bills/monthly-sum", "bill_cycle=2026-09", NULL);
	cases[1].sign_query = "bill_cycle=2026-10";
	cases[2] = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	cases[2].language = "zh_CN";
	cases[2].sign_language = "en_US";
	cases[3] = req("POST", "/v3/payments/free-resources/query", NULL, "{\"limit\":11}");
	cases[3].sign_body = "{\"limit\":10}";
	cases[4] = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	cases[4].sign_date = "20261126T040000Z";
	cases[4].send_date = "20261126T040001Z";
	cases[5] = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	cases[5].sk = "WrongSecretKey";
	for (size_t i = 0; i < 6; i++) {
		struct ec_resp resp;
		send_req(&cases[i], &resp);
		expect_error(&resp, 401, "APIGW.0301");
		json_object *o = parse(&resp);
		const char *msg = bss_json_get_str(o, "error_msg");
		assert_true(strncmp(msg, "Incorrect IAM authentication information: ", 42) == 0);
		assert_null(strstr(msg, SK));
		assert_string_equal(bss_json_get_str(o, "request_id"), resp.request_id);
		json_object_put(o);
		ec_resp_clear(&resp);
		/* A success in between keeps the AK from locking. */
		get_ok("/v2/accounts/customer-accounts/balances", NULL);
	}
	struct ec_req r = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	r.unsigned_req = true;
	struct ec_resp resp;
	send_req(&r, &resp);
	expect_error(&resp, 401, "APIGW.0301");
	ec_resp_clear(&resp);
	r = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	r.ak = "UNKNOWNAK00000000001";
	send_req(&r, &resp);
	expect_error(&resp, 401, "APIGW.0301");
	ec_resp_clear(&resp);
	json_object *st = control("GET", "/_emulator/stats", NULL);
	assert_int_equal(stat_num(st, "signature_failures", NULL), 8);
	json_object_put(st);
}

static void test_skew(void **state)
{
	start((struct emu_server_config){ .rps = 0 });
	time_t now = (time_t)(emu_now_ms() / 1000);
	struct ec_req r = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	struct ec_resp resp;
	r.date = now - 14 * 60;
	send_req(&r, &resp);
	assert_int_equal(resp.status, 200);
	ec_resp_clear(&resp);
	r.date = now + 14 * 60;
	send_req(&r, &resp);
	assert_int_equal(resp.status, 200);
	ec_resp_clear(&resp);
	r.date = now - 16 * 60;
	send_req(&r, &resp);
	expect_error(&resp, 401, "APIGW.0301");
	ec_resp_clear(&resp);
	r.date = now + 16 * 60;
	send_req(&r, &resp);
	expect_error(&resp, 401, "APIGW.0301");
	ec_resp_clear(&resp);
}

static void test_lockout(void **state)
{
	start((struct emu_server_config){ .rps = 0 });
	struct ec_req bad = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	bad.sk = "WrongSecretKey";
	struct ec_resp resp;
	for (int i = 0; i < 4; i++) {
		send_req(&bad, &resp);
		expect_error(&resp, 401, "APIGW.0301");
		assert_null(strstr(resp.body, "reach the limit"));
		ec_resp_clear(&resp);
	}
	get_ok("/v2/accounts/customer-accounts/balances", NULL); /* resets the count */
	for (int i = 0; i < 5; i++) {
		send_req(&bad, &resp);
		expect_error(&resp, 401, "APIGW.0301");
		ec_resp_clear(&resp);
	}
	struct ec_req good = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	send_req(&good, &resp);
	expect_error(&resp, 401, "APIGW.0301");
	assert_non_null(strstr(resp.body, "AK access failed to reach the limit,forbidden"));
	ec_resp_clear(&resp);
	/* Five minutes later (emulator clock) it is open again. */
	emu_clock_set_start(NOW_MS + 5 * 60 * 1000 + 1000);
	get_ok("/v2/accounts/customer-accounts/balances", NULL);
	emu_clock_set_start(NOW_MS);
}

static void test_security_token_and_domain(void **state)
{
	start((struct emu_server_config){ .rps = 0, .security_token = "TOKEN-abc+/=" });
	struct ec_req r = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	struct ec_resp resp;
	send_req(&r, &resp); /* no token */
	expect_error(&resp, 401, "APIGW.0301");
	ec_resp_clear(&resp);
	r.token = "TOKEN-abc+/=";
	r.token_unsigned = true;
	send_req(&r, &resp);
	expect_error(&resp, 401, "APIGW.0301");
	ec_resp_clear(&resp);
	r.token = "TOKEN-xyz";
	r.token_unsigned = false;
	send_req(&r, &resp);
	expect_error(&resp, 401, "APIGW.0301");
	ec_resp_clear(&resp);
	r.token = "TOKEN-abc+/=";
	r.domain_id = DOMAIN;
	send_req(&r, &resp);
	assert_int_equal(resp.status, 200);
	ec_resp_clear(&resp);
	r.domain_id = "ffffffffffffffffffffffffffffffff";
	send_req(&r, &resp);
	expect_error(&resp, 403, "APIGW.0302");
	ec_resp_clear(&resp);
}

/* ---- rate limit, faults, latency ---- */

static void test_rate_limit(void **state)
{
	start((struct emu_server_config){ .rps = 3 });
	int64_t t0 = bss_mono_ms();
	for (int i = 0; i < 3; i++)
		get_ok("/v2/accounts/customer-accounts/balances", NULL);
	get_ok("/v2/bases/measurements", NULL); /* another operation has its own window */
	struct ec_req r = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	struct ec_resp resp;
	send_req(&r, &resp);
	if (bss_mono_ms() - t0 > 900) {
		ec_resp_clear(&resp); /* machine too loaded to fit 4 requests in a second */
		skip();
	}
	expect_error(&resp, 429, "APIG.0308");
	assert_non_null(strstr(resp.body, "policy user over ratelimit,limit:3,time:1 second"));
	ec_resp_clear(&resp);
	bss_sleep_ms(1100);
	get_ok("/v2/accounts/customer-accounts/balances", NULL);
	json_object *st = control("GET", "/_emulator/stats", NULL);
	assert_int_equal(stat_num(st, "throttled", NULL), 1);
	assert_int_equal(stat_num(st, "requests", "ShowCustomerAccountBalances"), 5);
	json_object_put(st);
}

static void test_faults_5xx_429(void **state)
{
	start((struct emu_server_config){ .rps = 0, .faults = "500=1;ListMeasureUnits:502=1;"
							      "ListConversions:503=1;ListServiceTypes:429=1" });
	struct ec_req r = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	struct ec_resp resp;
	send_req(&r, &resp);
	expect_error(&resp, 500, "CBC.0999");
	ec_resp_clear(&resp);
	r = req("GET", "/v1.0/enterprise-projects/quotas", NULL, NULL);
	send_req(&r, &resp);
	expect_error(&resp, 500, "EPS.0001");
	ec_resp_clear(&resp);
	r = req("GET", "/v2/bases/measurements", NULL, NULL);
	send_req(&r, &resp);
	expect_error(&resp, 502, "APIG.0202");
	ec_resp_clear(&resp);
	r = req("GET", "/v2/bases/conversions", NULL, NULL);
	send_req(&r, &resp);
	expect_error(&resp, 503, "APIG.0202");
	ec_resp_clear(&resp);
	r = req("GET", "/v2/products/service-types", NULL, NULL);
	send_req(&r, &resp);
	expect_error(&resp, 429, "APIG.0308");
	ec_resp_clear(&resp);
	json_object *st = control("GET", "/_emulator/stats", NULL);
	assert_int_equal(stat_num(st, "faults_injected", NULL), 5);
	assert_int_equal(stat_num(st, "throttled", NULL), 0);
	json_object_put(st);
	/* Changed at run time through the control API. */
	json_object_put(control("POST", "/_emulator/faults", "{\"spec\":\"\"}"));
	get_ok("/v2/accounts/customer-accounts/balances", NULL);
	struct ec_req bad = { .method = "POST", .path = "/_emulator/faults",
			      .body = "{\"spec\":\"bogus=2\"}", .unsigned_req = true };
	send_req(&bad, &resp);
	assert_int_equal(resp.status, 400);
	ec_resp_clear(&resp);
}

static const char *const PAY_BODY =
	"{\"order_id\":\"CS0000000001\",\"use_coupon\":\"NO\",\"use_discount\":\"NO\"}";

static void test_fault_drop(void **state)
{
	start((struct emu_server_config){ .rps = 0, .faults = "drop=1" });
	struct ec_req r = req("POST", "/v3/orders/customer-orders/pay", NULL, PAY_BODY);
	struct ec_resp resp;
	send_req(&r, &resp);
	assert_int_equal(resp.curl, CURLE_GOT_NOTHING);
	assert_int_equal(resp.status, 0);
	assert_int_equal(resp.len, 0);
	ec_resp_clear(&resp);
	json_object *st = control("GET", "/_emulator/stats", NULL);
	assert_int_equal(stat_num(st, "payments", NULL), 0); /* not applied */
	assert_int_equal(stat_num(st, "faults_injected", NULL), 1);
	json_object_put(st);
}

static void test_fault_drop_after(void **state)
{
	start((struct emu_server_config){ .rps = 0, .faults = "PayOrders:drop_after=1" });
	struct ec_req r = req("POST", "/v3/orders/customer-orders/pay", NULL, PAY_BODY);
	struct ec_resp resp;
	send_req(&r, &resp);
	assert_int_equal(resp.curl, CURLE_GOT_NOTHING);
	assert_int_equal(resp.status, 0);
	ec_resp_clear(&resp);
	json_object *st = control("GET", "/_emulator/stats", NULL);
	assert_int_equal(stat_num(st, "payments", NULL), 1); /* applied, answer lost */
	json_object_put(st);
	get_ok("/v2/accounts/customer-accounts/balances", NULL); /* other ops unaffected */
}

static void test_fault_truncate_malformed(void **state)
{
	start((struct emu_server_config){ .rps = 0,
					  .faults = "ListMeasureUnits:truncate=1;ListConversions:malformed=1" });
	struct ec_req r = req("GET", "/v2/bases/measurements", NULL, NULL);
	struct ec_resp resp;
	send_req(&r, &resp);
	assert_int_equal(resp.curl, CURLE_PARTIAL_FILE);
	assert_int_equal(resp.status, 200);
	assert_true(resp.len > 0);
	json_object *o = NULL;
	assert_int_not_equal(bss_json_parse(resp.body, resp.len, &o, NULL, 0), 0);
	ec_resp_clear(&resp);
	r = req("GET", "/v2/bases/conversions", NULL, NULL);
	send_req(&r, &resp);
	assert_int_equal(resp.curl, CURLE_OK);
	assert_int_equal(resp.status, 200);
	assert_true(resp.len > 0);
	assert_int_not_equal(bss_json_parse(resp.body, resp.len, &o, NULL, 0), 0);
	ec_resp_clear(&resp);
}

/* The same seed gives the same faults; a reset replays them. */
static void test_faults_deterministic(void **state)
{
	start((struct emu_server_config){ .rps = 0, .faults = "500=0.5", .seed = 7 });
	long first[24], again[24];
	for (int round = 0; round < 2; round++) {
		long *out = round ? again : first;
		for (int i = 0; i < 24; i++) {
			struct ec_req r = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
			struct ec_resp resp;
			send_req(&r, &resp);
			out[i] = resp.status;
			ec_resp_clear(&resp);
		}
		json_object_put(control("POST", "/_emulator/reset", NULL));
	}
	int n500 = 0;
	for (int i = 0; i < 24; i++) {
		assert_int_equal(first[i], again[i]);
		assert_true(first[i] == 200 || first[i] == 500);
		n500 += first[i] == 500;
	}
	assert_in_range(n500, 3, 21);
}

static void test_faults_parse_and_rates(void **state)
{
	struct emu_faults *f = NULL;
	char err[160];
	assert_int_equal(emu_faults_parse("500=0.05,502=0.02,503=0.02,429=0.05,drop=0.01,"
					  "truncate=0.01,malformed=0.01;PayOrders:drop_after=1",
					  &f, err, sizeof(err)), 0);
	assert_int_equal(emu_faults_pick(f, "PayOrders", 0.5), EMU_FAULT_DROP_AFTER);
	assert_int_equal(emu_faults_pick(f, "ListCustomerOrders", 0.01), EMU_FAULT_500);
	assert_int_equal(emu_faults_pick(f, "ListCustomerOrders", 0.06), EMU_FAULT_502);
	assert_int_equal(emu_faults_pick(f, "ListCustomerOrders", 0.5), EMU_FAULT_NONE);
	uint64_t rng = 42;
	int n500 = 0;
	for (int i = 0; i < 100000; i++)
		n500 += emu_faults_pick(f, "ShowCustomerMonthlySum", emu_rng_unit(&rng)) == EMU_FAULT_500;
	assert_in_range(n500, 4500, 5500);
	emu_faults_free(f);
	assert_int_equal(emu_faults_parse("500=0.7,502=0.7", &f, err, sizeof(err)), -EINVAL);
	assert_int_equal(emu_faults_parse("NoSuchOp:500=1", &f, err, sizeof(err)), -EINVAL);
	assert_int_equal(emu_faults_parse("boom=0.1", &f, err, sizeof(err)), -EINVAL);
	int lo, hi;
	assert_int_equal(emu_latency_parse("10-50", &lo, &hi), 0);
	assert_int_equal(lo, 10);
	assert_int_equal(hi, 50);
	assert_int_equal(emu_latency_parse("50-10", &lo, &hi), -EINVAL);
	assert_int_equal(emu_latency_parse("x", &lo, &hi), -EINVAL);
}

static void test_latency(void **state)
{
	start((struct emu_server_config){ .rps = 0, .latency_ms = "300" });
	struct ec_req r = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	struct ec_resp resp;
	send_req(&r, &resp);
	assert_int_equal(resp.status, 200);
	assert_true(resp.elapsed_ms >= 290);
	ec_resp_clear(&resp);
	json_object_put(control("POST", "/_emulator/latency", "{\"ms\":\"0\"}"));
	send_req(&r, &resp);
	assert_int_equal(resp.status, 200);
	assert_true(resp.elapsed_ms < 250);
	ec_resp_clear(&resp);
}

/* One slow answer does not hold up the others (thread per connection). */
struct par_arg {
	long status;
	long elapsed_ms;
};

static void *parallel_get(void *arg)
{
	struct par_arg *a = arg;
	CURL *c = curl_easy_init();
	struct ec_req r = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	struct ec_resp resp;
	if (c && ec_do(c, T.base, T.host, &r, &resp) == 0) {
		a->status = resp.status;
		a->elapsed_ms = resp.elapsed_ms;
		ec_resp_clear(&resp);
	}
	curl_easy_cleanup(c);
	return NULL;
}

static void test_latency_parallel(void **state)
{
	start((struct emu_server_config){ .rps = 0, .latency_ms = "400" });
	pthread_t th[4];
	struct par_arg args[4] = { { 0, 0 } };
	int64_t t0 = bss_mono_ms();
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, parallel_get, &args[i]), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	int64_t total = bss_mono_ms() - t0;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(args[i].status, 200);
		assert_true(args[i].elapsed_ms >= 390);
	}
	assert_true(total < 1200); /* serialised would take 1600 ms */
}

static void test_https(void **state)
{
	char dir[] = "/tmp/emu-tls-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[512], cert[128], key[128];
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 "
		 "-keyout %s -out %s >/dev/null 2>&1", key, cert);
	if (system(cmd) != 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		(void)!system(cmd);
		skip();
	}
	start((struct emu_server_config){ .rps = 0, .tls_cert = cert, .tls_key = key });
	snprintf(T.base, sizeof(T.base), "https://%s", T.host);
	get_ok("/v2/accounts/customer-accounts/balances", NULL);
	struct ec_req r = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	r.sk = "WrongSecretKey";
	struct ec_resp resp;
	send_req(&r, &resp);
	expect_error(&resp, 401, "APIGW.0301");
	ec_resp_clear(&resp);
	/* Plain HTTP to the HTTPS port gets no HTTP answer. */
	snprintf(T.base, sizeof(T.base), "http://%s", T.host);
	r = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	send_req(&r, &resp);
	assert_int_not_equal(resp.status, 200);
	ec_resp_clear(&resp);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)!system(cmd);
}

/* The program: --port-file, control API, clean exit on SIGTERM. */
static void test_binary(void **state)
{
	const char *bdir = getenv("BSSFS_BUILD_DIR");
	char exe[512], dir[] = "/tmp/emu-bin-XXXXXX", port_file[128];
	snprintf(exe, sizeof(exe), "%s/bss-emulator", bdir ? bdir : ".");
	if (access(exe, X_OK) != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(port_file, sizeof(port_file), "%s/port", dir);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(exe, exe, "--port-file", port_file, "--scale", "tiny", "--ak", AK, "--sk", SK,
		      "--domain-id", DOMAIN, "--log-level", "warn", (char *)NULL);
		_exit(127);
	}
	int port = 0;
	for (int i = 0; i < 100 && port <= 0; i++) {
		FILE *f = fopen(port_file, "r");
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (port <= 0)
			bss_sleep_ms(50);
	}
	assert_true(port > 0);
	T.curl = curl_easy_init();
	snprintf(T.host, sizeof(T.host), "127.0.0.1:%d", port);
	snprintf(T.base, sizeof(T.base), "http://%s", T.host);
	emu_clock_set_start(0); /* the program runs on the real clock */
	struct ec_req r = req("GET", "/v2/nothing", NULL, NULL);
	struct ec_resp resp;
	send_req(&r, &resp);
	expect_error(&resp, 404, "APIG.0101");
	ec_resp_clear(&resp);
	r = req("GET", "/v2/accounts/customer-accounts/balances", NULL, NULL);
	r.sk = "WrongSecretKey";
	send_req(&r, &resp);
	expect_error(&resp, 401, "APIGW.0301");
	ec_resp_clear(&resp);
	json_object *st = control("GET", "/_emulator/stats", NULL);
	assert_int_equal(stat_num(st, "signature_failures", NULL), 1);
	assert_int_equal(stat_num(st, "requests_total", NULL), 2);
	json_object_put(st);
	kill(pid, SIGTERM);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)!system(cmd);
	curl_easy_cleanup(T.curl);
	memset(&T, 0, sizeof(T));
}

/* ---- control API ---- */

static void test_control_stats_reset(void **state)
{
	start((struct emu_server_config){ .rps = 0 });
	get_ok("/v2/bills/customer-bills/monthly-sum", "bill_cycle=2026-10");
	get_ok("/v2/bills/customer-bills/monthly-sum", "bill_cycle=2026-09");
	get_ok("/v1.0/enterprise-projects", NULL);
	struct ec_req r = req("GET", "/v2/nothing", NULL, NULL);
	struct ec_resp resp;
	send_req(&r, &resp);
	ec_resp_clear(&resp);
	json_object *st = control("GET", "/_emulator/stats", NULL);
	assert_int_equal(stat_num(st, "requests", "ShowCustomerMonthlySum"), 2);
	assert_int_equal(stat_num(st, "requests", "ListEnterpriseProject"), 1);
	assert_int_equal(stat_num(st, "requests_total", NULL), 4);
	assert_non_null(bss_json_get(st, "payments"));
	assert_non_null(bss_json_get(st, "state_changes"));
	json_object_put(st);
	json_object_put(control("POST", "/_emulator/reset", NULL));
	st = control("GET", "/_emulator/stats", NULL);
	assert_int_equal(stat_num(st, "requests_total", NULL), 0);
	assert_null(bss_json_get(bss_json_get(st, "requests"), "ShowCustomerMonthlySum"));
	assert_int_equal(stat_num(st, "state_changes", "resets"), 1);
	json_object_put(st);
}

/* ---- validation ---- */

static void expect_400(const char *method, const char *path, const char *query, const char *body,
		       const char *code)
{
	struct ec_req r = req(method, path, query, body);
	struct ec_resp resp;
	send_req(&r, &resp);
	expect_error(&resp, 400, code);
	ec_resp_clear(&resp);
}

static void test_validation(void **state)
{
	start((struct emu_server_config){ .rps = 0 });
	const char *sum = "/v2/bills/customer-bills/monthly-sum";
	expect_400("GET", sum, NULL, NULL, "CBC.0100");
	expect_400("GET", sum, "bill_cycle=2026-13", NULL, "CBC.0100");
	expect_400("GET", sum, "bill_cycle=2026-1", NULL, "CBC.0100");
	expect_400("GET", sum, "bill_cycle=latest", NULL, "CBC.0100");
	expect_400("GET", sum, "bill_cycle=2026-10&limit=0", NULL, "CBC.0100");
	expect_400("GET", sum, "bill_cycle=2026-10&limit=1001", NULL, "CBC.0100");
	expect_400("GET", sum, "bill_cycle=2026-10&limit=ten", NULL, "CBC.0100");
	expect_400("GET", sum, "bill_cycle=2026-10&offset=-1", NULL, "CBC.0100");
	get_ok(sum, "bill_cycle=2026-10&limit=1000&offset=0");
	/* ListServiceTypes: service_type_name has max_len 128 (characters). */
	char q[1024], name[300];
	memset(name, 'a', 129);
	name[129] = '\0';
	snprintf(q, sizeof(q), "service_type_name=%s", name);
	expect_400("GET", "/v2/products/service-types", q, NULL, "CBC.0100");
	name[128] = '\0';
	snprintf(q, sizeof(q), "service_type_name=%s", name);
	get_ok("/v2/products/service-types", q);
	/* 128 two-byte characters are 128 characters, not 256. */
	strcpy(q, "service_type_name=");
	for (int i = 0; i < 128; i++)
		strcat(q, "%C3%A9");
	get_ok("/v2/products/service-types", q);
}

static void test_validation_body_and_eps(void **state)
{
	start((struct emu_server_config){ .rps = 0 });
	expect_400("GET", "/v1.0/enterprise-projects", "limit=0", NULL, "EPS.0017");
	expect_400("GET", "/v1.0/enterprise-projects", "offset=-3", NULL, "EPS.0018");
	get_ok("/v1.0/enterprise-projects", "limit=1000&offset=0");
	expect_400("POST", "/v1.0/enterprise-projects/ep-1/resources/filter", NULL, "{nope", "EPS.0002");
	expect_400("POST", "/v3/payments/free-resources/query", NULL, "{\"limit\":", "CBC.0100");
	expect_400("POST", "/v3/payments/free-resources/query", NULL, "[1]", "CBC.0100");
	expect_400("POST", "/v3/payments/free-resources/query", NULL, "{\"limit\":\"10\"}", "CBC.0100");
	expect_400("POST", "/v3/payments/free-resources/query", NULL, "{\"limit\":1.5}", "CBC.0100");
	expect_400("POST", "/v3/orders/customer-orders/pay", NULL, "{}", "CBC.0100");
	struct ec_req r = req("POST", "/v3/payments/free-resources/query", NULL, "{\"limit\":10,\"offset\":0}");
	struct ec_resp resp;
	send_req(&r, &resp);
	assert_int_equal(resp.status, 200);
	json_object *o = parse(&resp);
	assert_int_equal(json_object_get_int(bss_json_get(bss_json_get(o, "body"), "limit")), 10);
	json_object_put(o);
	ec_resp_clear(&resp);
	assert_true(emu_valid_bill_cycle("2026-01"));
	assert_true(emu_valid_bill_cycle("2026-12"));
	assert_false(emu_valid_bill_cycle("2026-00"));
	assert_false(emu_valid_bill_cycle("2026-13"));
	assert_false(emu_valid_bill_cycle("26-01"));
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_unknown_path_and_method, teardown),
		cmocka_unit_test_teardown(test_routes_and_decodes, teardown),
		cmocka_unit_test_teardown(test_site_split, teardown),
		cmocka_unit_test_teardown(test_signature_accepted_and_tampered, teardown),
		cmocka_unit_test_teardown(test_skew, teardown),
		cmocka_unit_test_teardown(test_lockout, teardown),
		cmocka_unit_test_teardown(test_security_token_and_domain, teardown),
		cmocka_unit_test_teardown(test_rate_limit, teardown),
		cmocka_unit_test_teardown(test_faults_5xx_429, teardown),
		cmocka_unit_test_teardown(test_fault_drop, teardown),
		cmocka_unit_test_teardown(test_fault_drop_after, teardown),
		cmocka_unit_test_teardown(test_fault_truncate_malformed, teardown),
		cmocka_unit_test_teardown(test_faults_deterministic, teardown),
		cmocka_unit_test(test_faults_parse_and_rates),
		cmocka_unit_test_teardown(test_latency, teardown),
		cmocka_unit_test_teardown(test_latency_parallel, teardown),
		cmocka_unit_test_teardown(test_https, teardown),
		cmocka_unit_test(test_binary),
		cmocka_unit_test_teardown(test_control_stats_reset, teardown),
		cmocka_unit_test_teardown(test_validation, teardown),
		cmocka_unit_test_teardown(test_validation_body_and_eps, teardown),
	};
	int rc = cmocka_run_group_tests_name("emulator", tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
