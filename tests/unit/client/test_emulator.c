/* The client against the real bss-emulator of this tree (skipped when it is
 * not built): domain discovery, signatures, its 10/s rate limit, injected
 * faults, and a many-page fetch_all. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

#include "bssfs/jsonx.h"
#include "client/client_internal.h"

static pid_t emu_pid;
static char emu_url[64], portfile[256];

static int start_emulator(const char *faults, const char *rps)
{
	const char *bd = getenv("BSSFS_BUILD_DIR");
	char bin[512];
	snprintf(bin, sizeof(bin), "%s/bss-emulator", bd ? bd : ".");
	if (access(bin, X_OK) != 0)
		return -ENOENT;
	snprintf(portfile, sizeof(portfile), "/tmp/bssfs-client-emu-%d.port", (int)getpid());
	unlink(portfile);
	emu_pid = fork();
	if (emu_pid == 0) {
		execl(bin, bin, "--listen", "127.0.0.1:0", "--port-file", portfile, "--scale",
		      "tiny", "--sign-clock", "real", "--rps", rps, "--log-level", "error",
		      "--faults", faults, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(portfile, "r");
		int port = 0;
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (port > 0) {
			snprintf(emu_url, sizeof(emu_url), "http://127.0.0.1:%d", port);
			return 0;
		}
		struct timespec ts = {0, 50 * 1000000L};
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

static void stop_emulator(void)
{
	if (emu_pid > 0) {
		kill(emu_pid, SIGTERM);
		waitpid(emu_pid, NULL, 0);
		emu_pid = 0;
	}
	unlink(portfile);
}

static struct bss_client *emu_client(int max_rps)
{
	struct bss_client_config cfg = {.ak = "BSSFSEMULATORAK00001",
					.sk = "BssfsEmulatorSecretKey000000000000000001",
					.endpoint = emu_url,
					.eps_endpoint = emu_url,
					.iam_endpoint = emu_url,
					.max_rps = max_rps,
					.backoff_base_ms = 20,
					.backoff_max_ms = 200,
					.max_attempts = 10};
	struct bss_client *c = NULL;
	char err[256];
	assert_int_equal(bss_client_new(&cfg, &c, err, sizeof(err)), 0);
	return c;
}

struct count {
	size_t pages, records;
	const char *key;
};

static int count_page(void *ctx, json_object *page, size_t idx, size_t first)
{
	struct count *c = ctx;
	if (idx != c->pages || first != c->records)
		return -EPROTO;
	c->pages++;
	c->records += json_object_array_length(bss_json_get(page, c->key));
	return 0;
}

static void test_against_emulator(void **state)
{
	(void)state;
	if (start_emulator("", "10") != 0) {
		print_message("bss-emulator not built: skipped\n");
		skip();
	}
	struct bss_client *c = emu_client(10);
	json_object *out = NULL;
	struct bss_error err;
	struct bss_request bal = {.op = "ShowCustomerAccountBalances"};
	int rc = bss_client_call(c, &bal, &out, &err);
	if (rc != 0)
		print_error("%s %s %s\n", err.op, err.code, err.message);
	assert_int_equal(rc, 0);
	assert_non_null(bss_client_domain_id(c));
	assert_non_null(bss_json_get(out, "account_balances"));
	json_object_put(out);
	/* 25 calls at the client's 10/s never meet the emulator's 429 */
	for (int i = 0; i < 25; i++) {
		assert_int_equal(bss_client_call(c, &bal, &out, &err), 0);
		json_object_put(out);
	}
	json_object *st = bss_client_stats(c);
	assert_int_equal(json_object_get_int(bss_json_get(bss_json_get(st, "totals"), "throttled")),
			 0);
	json_object_put(st);
	/* a paged list */
	struct count cnt = {.key = "enterprise_projects"};
	struct bss_request eps = {.op = "ListEnterpriseProject"};
	assert_int_equal(bss_client_fetch_all(c, &eps, count_page, &cnt, &err), 0);
	assert_true(cnt.pages >= 1);
	bss_client_free(c);
	stop_emulator();
}

static void test_emulator_faults(void **state)
{
	(void)state;
	if (start_emulator("500=0.1,503=0.1,429=0.1,drop=0.05,truncate=0.05,malformed=0.05", "0") !=
	    0) {
		print_message("bss-emulator not built: skipped\n");
		skip();
	}
	struct bss_client *c = emu_client(1000);
	json_object *out = NULL;
	struct bss_error err;
	struct bss_request bal = {.op = "ShowCustomerAccountBalances"};
	int ok = 0;
	for (int i = 0; i < 30; i++) {
		if (bss_client_call(c, &bal, &out, &err) == 0)
			ok++;
		json_object_put(out);
		out = NULL;
	}
	json_object *st = bss_client_stats(c);
	json_object *o = bss_json_get(st, "ShowCustomerAccountBalances");
	print_message("30 calls: %d ok, %d requests, %d retries\n", ok,
		      json_object_get_int(bss_json_get(o, "requests")),
		      json_object_get_int(bss_json_get(o, "retries")));
	assert_true(ok >= 29); /* 10 attempts each: a failure needs 10 faults in a row */
	assert_true(json_object_get_int(bss_json_get(o, "retries")) > 0);
	json_object_put(st);

	/* last month's fee records in pages of 10, concurrently, under faults */
	time_t now = time(NULL) + 8 * 3600; /* billing months are UTC+8 */
	struct tm tm;
	gmtime_r(&now, &tm);
	int y = tm.tm_year + 1900, m = tm.tm_mon; /* previous month, 1-based */
	if (m == 0) {
		m = 12;
		y--;
	}
	char cycle[16];
	snprintf(cycle, sizeof(cycle), "%04d-%02d", y % 10000, m % 100);
	struct bss_op op = *bss_op_find("ListCustomerselfResourceRecords");
	op.page_limit = 10;
	struct bss_kv q[] = {{"cycle", cycle}, {"statistic_type", "3"}};
	struct bss_request req = {.op = op.name, .query = q, .n_query = 2};
	struct count cnt = {.key = "fee_records"};
	int rc = bss_client_fetch_all_op(c, &op, &req, count_page, &cnt, &err);
	if (rc != 0)
		print_error("%s %s %s\n", err.op, err.code, err.message);
	assert_int_equal(rc, 0);
	print_message("%s: %zu records in %zu pages\n", cycle, cnt.records, cnt.pages);
	assert_true(cnt.pages >= 2);
	/* one page of 1000 gives the same total */
	assert_int_equal(bss_client_call(c, &req, &out, &err), 0);
	assert_int_equal((size_t)json_object_get_int(bss_json_get(out, "total_count")),
			 cnt.records);
	json_object_put(out);
	bss_client_free(c);
	stop_emulator();
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_against_emulator),
	    cmocka_unit_test(test_emulator_faults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
