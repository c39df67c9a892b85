/* End-to-end tests of the purchase engine against the real bss-emulator
 * (started as a subprocess on 127.0.0.1:0) through the real client. The
 * emulator's /_emulator/stats counts payments, state changes and requests
 * per operation, so "nothing sent" and "paid exactly once" are checked on
 * the server side.  Skipped when $BSSFS_BUILD_DIR/bss-emulator is absent. */
#include <curl/curl.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bssfs/client.h"
#include "bssfs/dec.h"
#include "bssfs/jsonx.h"
#include "bssfs/purchase.h"

#define AK "PURCHASETESTAK000001"
#define SK "PurchaseTestSecretKey0000000000000000001"
#define DOMAIN "0123456789abcdef0123456789abcdef"

static pid_t emu_pid;
static char base[64];
static struct bss_client *client;

/* ---- the emulator and its control API -------------------------------- */

static size_t collect(char *p, size_t sz, size_t n, void *ud)
{
	char **buf = ud;
	size_t old = *buf ? strlen(*buf) : 0;
	char *nb = realloc(*buf, old + sz * n + 1);
	if (!nb)
		return 0;
	memcpy(nb + old, p, sz * n);
	nb[old + sz * n] = '\0';
	*buf = nb;
	return sz * n;
}

static json_object *control(const char *what, const char *post)
{
	char url[128];
	snprintf(url, sizeof url, "%s/_emulator/%s", base, what);
	CURL *h = curl_easy_init();
	char *buf = NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &buf);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	if (post)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
	CURLcode rc = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK || status != 200)
		fail_msg("control %s: curl %d http %ld %s", what, rc, status, buf ? buf : "");
	json_object *o = NULL;
	if (buf && *buf)
		bss_json_parse(buf, strlen(buf), &o, NULL, 0);
	free(buf);
	return o;
}

static long stat_num(json_object *stats, const char *group, const char *key)
{
	json_object *v = group ? bss_json_get(bss_json_get(stats, group), key) : bss_json_get(stats, key);
	return v ? (long)json_object_get_int64(v) : 0;
}

static long total_state_changes(json_object *stats)
{
	long n = 0;
	json_object *sc = bss_json_get(stats, "state_changes");
	if (sc && json_object_is_type(sc, json_type_object)) {
		json_object_object_foreach(sc, k, v)
		{
			(void)k;
			n += (long)json_object_get_int64(v);
		}
	}
	return n;
}

static int start_emulator(void **state)
{
	(void)state;
	const char *bd = getenv("BSSFS_BUILD_DIR");
	char exe[512], portfile[] = "/tmp/purchase-e2e-port-XXXXXX";
	snprintf(exe, sizeof exe, "%s/bss-emulator", bd ? bd : ".");
	if (access(exe, X_OK) != 0)
		return 0; /* tests skip */
	int fd = mkstemp(portfile);
	close(fd);
	unlink(portfile);
	emu_pid = fork();
	if (emu_pid == 0) {
		execl(exe, exe, "--listen", "127.0.0.1:0", "--port-file", portfile, "--ak", AK, "--sk",
		      SK, "--domain-id", DOMAIN, "--scale", "tiny", "--rps", "0", "--sign-clock",
		      "real", "--log-level", "error", (char *)NULL);
		_exit(127);
	}
	int port = 0;
	for (int i = 0; i < 200 && port == 0; i++) {
		FILE *f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (!port)
			usleep(50 * 1000);
	}
	unlink(portfile);
	if (!port) {
		kill(emu_pid, SIGTERM);
		waitpid(emu_pid, NULL, 0);
		emu_pid = 0;
		return -1;
	}
	snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
	struct bss_client_config cfg = { .ak = AK, .sk = SK, .domain_id = DOMAIN, .site = "intl",
					 .endpoint = base, .eps_endpoint = base,
					 .iam_endpoint = base, .max_attempts = 3,
					 .backoff_base_ms = 10, .backoff_max_ms = 50,
					 .request_timeout_ms = 5000, .deadline_ms = 10000 };
	char err[256];
	if (bss_client_new(&cfg, &client, err, sizeof err) != 0) {
		fprintf(stderr, "client: %s\n", err);
		return -1;
	}
	return 0;
}

static int stop_emulator(void **state)
{
	(void)state;
	bss_client_free(client);
	client = NULL;
	if (emu_pid > 0) {
		kill(emu_pid, SIGTERM);
		waitpid(emu_pid, NULL, 0);
	}
	return 0;
}

static void need_emulator(void)
{
	if (emu_pid <= 0)
		skip();
	json_object_put(control("reset", "{}"));
	json_object_put(control("faults", "{\"spec\":\"\"}"));
}

/* ---- account helpers through the real client -------------------------- */

/* The ids of pending-payment orders (at most n), and the first's amount. */
static int pending_orders(char ids[][128], int n, char *amount, size_t alen)
{
	struct bss_kv q[] = { { "status", "6" }, { "offset", "0" }, { "limit", "100" } };
	struct bss_request req = { .op = "ListCustomerOrders", .query = q, .n_query = 3 };
	json_object *ans = NULL;
	struct bss_error err;
	int rc = bss_client_call(client, &req, &ans, &err);
	if (rc)
		fail_msg("ListCustomerOrders: %s %s", err.code, err.message);
	json_object *list = bss_json_get(ans, "order_infos");
	int k = 0;
	for (size_t i = 0; list && i < json_object_array_length(list) && k < n; i++) {
		json_object *r = json_object_array_get_idx(list, i);
		snprintf(ids[k], 128, "%s", bss_json_get_str(r, "order_id"));
		if (k == 0 && amount)
			snprintf(amount, alen, "%s",
				 bss_json_number_text(bss_json_get(r, "amount_after_discount")));
		k++;
	}
	json_object_put(ans);
	return k;
}

static int order_status(const char *id)
{
	struct bss_kv p[] = { { "order_id", id } };
	struct bss_request req = { .op = "ShowCustomerOrderDetails", .path_params = p,
				   .n_path_params = 1 };
	json_object *ans = NULL;
	struct bss_error err;
	if (bss_client_call(client, &req, &ans, &err) != 0)
		fail_msg("ShowCustomerOrderDetails: %s %s", err.code, err.message);
	int st = json_object_get_int(bss_json_get(bss_json_get(ans, "order_info"), "status"));
	json_object_put(ans);
	return st;
}

/* Sum of the account balances' amounts (exact). */
static struct bss_dec balance(void)
{
	struct bss_request req = { .op = "ShowCustomerAccountBalances" };
	json_object *ans = NULL;
	struct bss_error err;
	if (bss_client_call(client, &req, &ans, &err) != 0)
		fail_msg("ShowCustomerAccountBalances: %s %s", err.code, err.message);
	struct bss_dec sum = { 0, 0 };
	json_object *list = bss_json_get(ans, "account_balances");
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		json_object *r = json_object_array_get_idx(list, i);
		struct bss_dec d;
		if (json_object_get_int(bss_json_get(r, "account_type")) != 1)
			continue; /* 1 = the cash (balance) account */
		assert_int_equal(bss_json_get_dec(bss_json_get(r, "amount"), &d), 0);
		assert_int_equal(bss_dec_add(&sum, &d, &sum), 0);
	}
	json_object_put(ans);
	return sum;
}

/* A primary yearly/monthly resource in use: its record (owned). */
static json_object *a_resource(int index)
{
	json_object *body = NULL;
	const char *b = "{\"only_main_resource\":1,\"status_list\":[2],\"offset\":0,\"limit\":100}";
	assert_int_equal(bss_json_parse(b, strlen(b), &body, NULL, 0), 0);
	struct bss_request req = { .op = "ListPayPerUseCustomerResources", .body = body };
	json_object *ans = NULL;
	struct bss_error err;
	if (bss_client_call(client, &req, &ans, &err) != 0)
		fail_msg("ListPayPerUseCustomerResources: %s %s", err.code, err.message);
	json_object_put(body);
	json_object *list = bss_json_get(ans, "data");
	if (!list || (int)json_object_array_length(list) <= index)
		fail_msg("fewer than %d resources", index + 1);
	json_object *r = json_object_get(json_object_array_get_idx(list, index));
	json_object_put(ans);
	return r;
}

static int expire_policy(const char *id)
{
	char b[256];
	snprintf(b, sizeof b, "{\"resource_ids\":[\"%s\"]}", id);
	json_object *body = NULL;
	assert_int_equal(bss_json_parse(b, strlen(b), &body, NULL, 0), 0);
	struct bss_request req = { .op = "ListPayPerUseCustomerResources", .body = body };
	json_object *ans = NULL;
	struct bss_error err;
	if (bss_client_call(client, &req, &ans, &err) != 0)
		fail_msg("ListPayPerUseCustomerResources: %s %s", err.code, err.message);
	json_object_put(body);
	int pol = -1;
	json_object *list = bss_json_get(ans, "data");
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		json_object *r = json_object_array_get_idx(list, i);
		if (strcmp(bss_json_get_str(r, "resource_id"), id) == 0)
			pol = json_object_get_int(bss_json_get(r, "expire_policy"));
	}
	json_object_put(ans);
	return pol;
}

static json_object *act(enum bss_purchase_mode m, enum bss_action a, const char *id,
			const char *doc, int *rc)
{
	char *out = NULL;
	*rc = bss_action_run(client, m, a, id, doc, strlen(doc), &out);
	json_object *o = NULL;
	if (out)
		assert_int_equal(bss_json_parse(out, strlen(out), &o, NULL, 0), 0);
	free(out);
	return o;
}

/* ---- tests ------------------------------------------------------------ */

static void test_dry_run_and_rejections_change_nothing(void **state)
{
	(void)state;
	need_emulator();
	char ids[1][128];
	assert_true(pending_orders(ids, 1, NULL, 0) >= 1);
	int rc;
	json_object *o = act(BSS_PURCHASE_DRY_RUN, BSS_ACTION_PAY, ids[0], "{}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(bss_json_get_str(o, "result"), "dry-run");
	assert_non_null(bss_json_get(bss_json_get(o, "price"), "amount_after_discount"));
	json_object_put(o);
	o = act(BSS_PURCHASE_ON, BSS_ACTION_PAY, ids[0], "{\"use_coupon\":\"maybe\"}", &rc);
	assert_int_equal(rc, -EINVAL);
	json_object_put(o);
	o = act(BSS_PURCHASE_ON, BSS_ACTION_PAY, ids[0], "{\"order_id\":\"x\"}", &rc);
	assert_int_equal(rc, -EINVAL);
	json_object_put(o);
	o = act(BSS_PURCHASE_ON, BSS_ACTION_RENEW, "some-resource", "{\"period_type\":2,\"period_num\":12}",
		&rc);
	assert_int_equal(rc, -EINVAL);
	json_object_put(o);
	json_object *st = control("stats", NULL);
	assert_int_equal(stat_num(st, NULL, "payments"), 0);
	assert_int_equal(total_state_changes(st), 0);
	assert_int_equal(stat_num(st, "requests", "PayOrders"), 0);
	assert_int_equal(stat_num(st, "requests", "RenewalResources"), 0);
	json_object_put(st);
	assert_int_equal(order_status(ids[0]), 6);
}

static void test_pay_on(void **state)
{
	(void)state;
	need_emulator();
	char ids[1][128], amount[64];
	assert_true(pending_orders(ids, 1, amount, sizeof amount) >= 1);
	struct bss_dec before = balance(), after, paid, expect;
	int rc;
	json_object *o = act(BSS_PURCHASE_ON, BSS_ACTION_PAY, ids[0], "{}", &rc);
	if (rc)
		fail_msg("pay: %s", json_object_to_json_string(o));
	assert_string_equal(bss_json_get_str(o, "result"), "submitted");
	json_object_put(o);
	json_object *st = control("stats", NULL);
	assert_int_equal(stat_num(st, NULL, "payments"), 1);
	assert_int_equal(stat_num(st, "requests", "PayOrders"), 1);
	json_object_put(st);
	assert_int_equal(order_status(ids[0]), 5);
	after = balance();
	assert_int_equal(bss_dec_parse(amount, (size_t)-1, &paid), 0);
	assert_int_equal(bss_dec_sub(&before, &paid, &expect), 0);
	char a[BSS_DEC_STRLEN], b[BSS_DEC_STRLEN];
	if (bss_dec_cmp(&after, &expect) != 0)
		fail_msg("balance %s, expected %s", bss_dec_format(&after, a, sizeof a),
			 bss_dec_format(&expect, b, sizeof b));

	/* The same order again: not pending any more, refused before PayOrders. */
	o = act(BSS_PURCHASE_ON, BSS_ACTION_PAY, ids[0], "{}", &rc);
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(bss_json_get_str(o, "reason"), "not pending payment"));
	json_object_put(o);
	st = control("stats", NULL);
	assert_int_equal(stat_num(st, NULL, "payments"), 1);
	assert_int_equal(stat_num(st, "requests", "PayOrders"), 1);
	json_object_put(st);
}

static void test_pay_answer_lost(void **state)
{
	(void)state;
	need_emulator();
	char ids[1][128];
	assert_true(pending_orders(ids, 1, NULL, 0) >= 1);
	json_object_put(control("faults", "{\"spec\":\"PayOrders:drop_after=1\"}"));
	int rc;
	json_object *o = act(BSS_PURCHASE_ON, BSS_ACTION_PAY, ids[0], "{}", &rc);
	if (rc)
		fail_msg("pay: %s", json_object_to_json_string(o));
	assert_string_equal(bss_json_get_str(o, "result"), "unknown");
	assert_string_equal(bss_json_get_str(bss_json_get(o, "readback"), "verdict"), "applied");
	json_object_put(o);
	json_object_put(control("faults", "{\"spec\":\"\"}"));
	json_object *st = control("stats", NULL);
	assert_int_equal(stat_num(st, NULL, "payments"), 1);
	assert_int_equal(stat_num(st, "requests", "PayOrders"), 1);
	json_object_put(st);
	assert_int_equal(order_status(ids[0]), 5);
}

static void test_pay_server_errors_never_twice(void **state)
{
	(void)state;
	static const char *const specs[] = { "{\"spec\":\"PayOrders:503=1\"}",
					     "{\"spec\":\"PayOrders:429=1\"}",
					     "{\"spec\":\"PayOrders:500=1\"}" };
	for (size_t i = 0; i < 3; i++) {
		need_emulator();
		char ids[1][128];
		assert_true(pending_orders(ids, 1, NULL, 0) >= 1);
		json_object_put(control("faults", specs[i]));
		int rc;
		json_object *o = act(BSS_PURCHASE_ON, BSS_ACTION_PAY, ids[0], "{}", &rc);
		assert_true(rc < 0);
		const char *res = bss_json_get_str(o, "result");
		assert_true(strcmp(res, "failed") == 0 || strcmp(res, "unknown") == 0);
		assert_non_null(bss_json_get(o, "error"));
		json_object_put(o);
		json_object_put(control("faults", "{\"spec\":\"\"}"));
		json_object *st = control("stats", NULL);
		assert_int_equal(stat_num(st, NULL, "payments"), 0);
		assert_int_equal(stat_num(st, "requests", "PayOrders"), 1);
		json_object_put(st);
		assert_int_equal(order_status(ids[0]), 6);
	}
}

static void test_renew(void **state)
{
	(void)state;
	need_emulator();
	json_object *r = a_resource(0);
	char id[128];
	snprintf(id, sizeof id, "%s", bss_json_get_str(r, "resource_id"));
	json_object_put(r);
	int rc;
	json_object *o = act(BSS_PURCHASE_DRY_RUN, BSS_ACTION_RENEW, id,
			     "{\"period_type\":2,\"period_num\":1}", &rc);
	if (rc)
		fail_msg("renew dry-run: %s", json_object_to_json_string(o));
	json_object *quote = bss_json_get(bss_json_get(o, "price"), "quote");
	if (!bss_json_get(quote, "renew_inquiry_results"))
		fail_msg("no quote: %s", json_object_to_json_string(o));
	json_object_put(o);
	json_object *st = control("stats", NULL);
	assert_int_equal(total_state_changes(st), 0);
	assert_int_equal(stat_num(st, "requests", "RenewalResources"), 0);
	assert_int_equal(stat_num(st, "requests", "ListRenewRateOnPeriod"), 1);
	json_object_put(st);

	o = act(BSS_PURCHASE_ON, BSS_ACTION_RENEW, id, "{\"period_type\":2,\"period_num\":1}", &rc);
	if (rc)
		fail_msg("renew: %s", json_object_to_json_string(o));
	assert_string_equal(bss_json_get_str(o, "result"), "submitted");
	json_object *oids = bss_json_get(bss_json_get(o, "response"), "order_ids");
	assert_non_null(oids);
	assert_int_equal(json_object_array_length(oids), 1);
	json_object_put(o);
	st = control("stats", NULL);
	assert_int_equal(stat_num(st, "requests", "RenewalResources"), 1);
	assert_true(total_state_changes(st) >= 1);
	json_object_put(st);

	/* Answer lost: the new renewal order is found by reading back. */
	json_object_put(control("faults", "{\"spec\":\"RenewalResources:drop_after=1\"}"));
	o = act(BSS_PURCHASE_ON, BSS_ACTION_RENEW, id, "{\"period_type\":3,\"period_num\":1}", &rc);
	json_object_put(control("faults", "{\"spec\":\"\"}"));
	assert_string_equal(bss_json_get_str(o, "result"), "unknown");
	json_object *rb = bss_json_get(o, "readback");
	if (rc || strcmp(bss_json_get_str(rb, "verdict"), "applied") != 0)
		fail_msg("renew lost: %s", json_object_to_json_string(o));
	assert_int_equal(json_object_array_length(bss_json_get(rb, "new_order_ids")), 1);
	json_object_put(o);
	st = control("stats", NULL);
	assert_int_equal(stat_num(st, "requests", "RenewalResources"), 2);
	json_object_put(st);
}

static void test_auto_renew(void **state)
{
	(void)state;
	need_emulator();
	json_object *r = a_resource(1);
	char id[128];
	snprintf(id, sizeof id, "%s", bss_json_get_str(r, "resource_id"));
	json_object_put(r);
	int rc;
	json_object *o = act(BSS_PURCHASE_ON, BSS_ACTION_AUTO_RENEW, id, "off\n", &rc);
	json_object_put(o); /* may fail if already off (CBC.99003605) */
	o = act(BSS_PURCHASE_ON, BSS_ACTION_AUTO_RENEW, id, "on\n", &rc);
	if (rc)
		fail_msg("auto-renew on: %s", json_object_to_json_string(o));
	json_object_put(o);
	assert_int_equal(expire_policy(id), 3);
	o = act(BSS_PURCHASE_ON, BSS_ACTION_AUTO_RENEW, id, "off", &rc);
	if (rc)
		fail_msg("auto-renew off: %s", json_object_to_json_string(o));
	json_object_put(o);
	assert_true(expire_policy(id) != 3);
	/* Lost answer: read back expire_policy, never resend. */
	json_object_put(control("reset", "{}"));
	json_object_put(control("faults", "{\"spec\":\"AutoRenewalResources:drop_after=1\"}"));
	o = act(BSS_PURCHASE_ON, BSS_ACTION_AUTO_RENEW, id, "{\"auto_renew_times\":3}", &rc);
	json_object_put(control("faults", "{\"spec\":\"\"}"));
	if (rc || strcmp(bss_json_get_str(bss_json_get(o, "readback"), "verdict"), "applied") != 0)
		fail_msg("auto-renew lost: %s", json_object_to_json_string(o));
	json_object_put(o);
	json_object *st = control("stats", NULL);
	assert_int_equal(stat_num(st, "requests", "AutoRenewalResources"), 1);
	json_object_put(st);
}

static void test_prices(void **state)
{
	(void)state;
	need_emulator();
	json_object *r = a_resource(0);
	char doc[2048];
	static const char *const types[] = { "on-demand", "period" };
	for (int i = 0; i < 2; i++) {
		snprintf(doc, sizeof doc,
			 "{\"type\":\"%s\",\"project_id\":\"%s\",\"product_infos\":[{\"id\":\"1\","
			 "\"cloud_service_type\":\"%s\",\"resource_type\":\"%s\",\"resource_spec\":"
			 "\"%s\",\"region\":\"%s\",%s\"subscription_num\":1}]}",
			 types[i], bss_json_get_str(r, "project_id") ? bss_json_get_str(r, "project_id") : "p",
			 bss_json_get_str(r, "service_type_code"),
			 bss_json_get_str(r, "resource_type_code"),
			 bss_json_get_str(r, "resource_spec_code"), bss_json_get_str(r, "region_code"),
			 i == 0 ? "\"usage_factor\":\"Duration\",\"usage_value\":1,\"usage_measure_id\":4,"
				: "\"period_type\":2,\"period_num\":1,");
		char *out = NULL;
		int rc = bss_price_run(client, doc, strlen(doc), &out);
		if (rc)
			fail_msg("price %s: %s", types[i], out);
		assert_non_null(strstr(out, "\"quote\""));
		free(out);
	}
	json_object_put(r);
	/* A rejected price request sends nothing. */
	char *out = NULL;
	assert_int_equal(bss_price_run(client, "{\"type\":\"period\"}", 17, &out), -EINVAL);
	free(out);
	json_object *st = control("stats", NULL);
	assert_int_equal(total_state_changes(st), 0);
	assert_int_equal(stat_num(st, "requests", "ListOnDemandResourceRatings"), 1);
	assert_int_equal(stat_num(st, "requests", "ListRateOnPeriodDetail"), 1);
	json_object_put(st);
}

static void test_cancel(void **state)
{
	(void)state;
	need_emulator();
	char ids[2][128];
	assert_true(pending_orders(ids, 2, NULL, 0) >= 2);
	int rc;
	json_object *o = act(BSS_PURCHASE_DRY_RUN, BSS_ACTION_CANCEL, ids[0], "{}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(bss_json_get_str(o, "result"), "dry-run");
	json_object_put(o);
	assert_int_equal(order_status(ids[0]), 6);
	o = act(BSS_PURCHASE_ON, BSS_ACTION_CANCEL, ids[0], "{}", &rc);
	if (rc)
		fail_msg("cancel: %s", json_object_to_json_string(o));
	json_object_put(o);
	assert_int_equal(order_status(ids[0]), 4);
	/* Cancelled orders cannot be paid. */
	o = act(BSS_PURCHASE_ON, BSS_ACTION_PAY, ids[0], "{}", &rc);
	assert_int_equal(rc, -EINVAL);
	json_object_put(o);
	json_object_put(control("faults", "{\"spec\":\"CancelCustomerOrder:drop_after=1\"}"));
	o = act(BSS_PURCHASE_ON, BSS_ACTION_CANCEL, ids[1], "{}", &rc);
	json_object_put(control("faults", "{\"spec\":\"\"}"));
	if (rc || strcmp(bss_json_get_str(bss_json_get(o, "readback"), "verdict"), "applied") != 0)
		fail_msg("cancel lost: %s", json_object_to_json_string(o));
	json_object_put(o);
	json_object *st = control("stats", NULL);
	assert_int_equal(stat_num(st, "requests", "CancelCustomerOrder"), 2);
	assert_int_equal(stat_num(st, "requests", "PayOrders"), 0);
	assert_int_equal(stat_num(st, NULL, "payments"), 0);
	json_object_put(st);
}

static void test_to_on_demand_and_unsubscribe(void **state)
{
	(void)state;
	need_emulator();
	json_object *r = a_resource(2);
	char id[128];
	snprintf(id, sizeof id, "%s", bss_json_get_str(r, "resource_id"));
	json_object_put(r);
	int rc;
	json_object *o = act(BSS_PURCHASE_DRY_RUN, BSS_ACTION_TO_ON_DEMAND, id,
			     "{\"operation\":\"SET_UP\"}", &rc);
	assert_int_equal(rc, 0);
	json_object_put(o);
	o = act(BSS_PURCHASE_DRY_RUN, BSS_ACTION_UNSUBSCRIBE, id, "{\"unsubscribe_type\":1}", &rc);
	assert_int_equal(rc, 0);
	json_object_put(o);
	json_object *st = control("stats", NULL);
	assert_int_equal(total_state_changes(st), 0);
	/* Only a_resource's read: the dry runs sent nothing at all. */
	assert_int_equal(stat_num(st, NULL, "requests_total"), 1);
	json_object_put(st);
	json_object_put(control("faults", "{\"spec\":\"UpdatePeriodToOnDemand:drop_after=1\"}"));
	o = act(BSS_PURCHASE_ON, BSS_ACTION_TO_ON_DEMAND, id, "{\"operation\":\"SET_UP\"}", &rc);
	json_object_put(control("faults", "{\"spec\":\"\"}"));
	if (rc || strcmp(bss_json_get_str(bss_json_get(o, "readback"), "verdict"), "applied") != 0)
		fail_msg("to-on-demand lost: %s", json_object_to_json_string(o));
	json_object_put(o);
	assert_int_equal(expire_policy(id), 1);
	o = act(BSS_PURCHASE_ON, BSS_ACTION_UNSUBSCRIBE, id,
		"{\"unsubscribe_type\":1,\"unsubscribe_reason_type\":5,\"unsubscribe_reason\":\"test\"}",
		&rc);
	if (rc)
		fail_msg("unsubscribe: %s", json_object_to_json_string(o));
	json_object_put(o);
	st = control("stats", NULL);
	assert_int_equal(stat_num(st, "requests", "CancelResourcesSubscription"), 1);
	assert_int_equal(stat_num(st, "requests", "UpdatePeriodToOnDemand"), 1);
	json_object_put(st);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dry_run_and_rejections_change_nothing),
		cmocka_unit_test(test_pay_on),
		cmocka_unit_test(test_pay_answer_lost),
		cmocka_unit_test(test_pay_server_errors_never_twice),
		cmocka_unit_test(test_renew),
		cmocka_unit_test(test_auto_renew),
		cmocka_unit_test(test_prices),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_to_on_demand_and_unsubscribe),
	};
	int rc = cmocka_run_group_tests(tests, start_emulator, stop_emulator);
	curl_global_cleanup();
	return rc;
}
