/* Tests of the fs glue without a mount: the content producers and path
 * resolution over a real client talking to the bss-emulator program
 * (started here on a free port; skipped when it is not built). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "bssfs/clock.h"
#include "bssfs/fs.h"
#include "bssfs/jsonx.h"
#include "fuse/fs_internal.h"

#define AK "BSSFSEMULATORAK00001"
#define SK "BssfsEmulatorSecretKey000000000000000001"
#define DOMAIN "0123456789abcdef0123456789abcdef"

static pid_t emu_pid;
static char tmpdir[128], url[64];
static struct bss_client *client;
static struct bss_fs *fs;

static int start(void **state)
{
	(void)state;
	const char *bd = getenv("BSSFS_BUILD_DIR");
	char exe[512], portfile[256];
	snprintf(exe, sizeof(exe), "%s/bss-emulator", bd ? bd : ".");
	if (access(exe, X_OK) != 0)
		return 0; /* tests skip */
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bssfs-fs-test-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(portfile, sizeof(portfile), "%s/port", tmpdir);
	emu_pid = fork();
	if (emu_pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		execl(exe, exe, "--port-file", portfile, "--scale", "tiny", "--seed", "7", "--rps", "0", "--ak",
		      AK, "--sk", SK, "--domain-id", DOMAIN, (char *)NULL);
		_exit(127);
	}
	int port = 0;
	for (int i = 0; i < 400 && !port; i++) {
		FILE *f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (!port)
			usleep(50000);
	}
	if (!port)
		return -1;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	struct bss_client_config cc = {.ak = AK,
				       .sk = SK,
				       .domain_id = DOMAIN,
				       .site = "intl",
				       .endpoint = url,
				       .eps_endpoint = url,
				       .iam_endpoint = url,
				       .max_rps = 1000};
	char err[512], cdir[256];
	if (bss_client_new(&cc, &client, err, sizeof(err)) < 0)
		return -1;
	snprintf(cdir, sizeof(cdir), "%s/cache", tmpdir);
	struct bss_fs_options fo = {
	    .site = "intl", .cache_dir = cdir, .months = 18, .timeout_s = 20, .purchases = "off"};
	if (bss_fs_new(&fo, client, &fs, err, sizeof(err)) < 0 ||
	    bss_fs_start(fs, err, sizeof(err)) < 0)
		return -1;
	return 0;
}

static int stop(void **state)
{
	(void)state;
	bss_fs_free(fs);
	bss_client_free(client);
	if (emu_pid > 0) {
		kill(emu_pid, SIGTERM);
		waitpid(emu_pid, NULL, 0);
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			return -1;
	}
	return 0;
}

/* The content of a path, through the cache. Caller frees. */
static char *content(const char *path, size_t *len)
{
	struct bss_tree_node n;
	struct bss_error err;
	assert_int_equal(fs_resolve(fs, path, &n, &err), 0);
	struct bss_cache_req req;
	struct bss_cache_info info;
	int fd;
	fs_cache_req(&n, &req);
	int rc = bss_cache_get(fs->cache, &req, &info, &fd, &err);
	if (rc != 0)
		fail_msg("%s: %d %s %s", path, rc, err.code, err.message);
	char *buf = calloc(1, info.size + 1);
	assert_int_equal(pread(fd, buf, info.size, 0), (ssize_t)info.size);
	close(fd);
	*len = info.size;
	return buf;
}

static void test_balance_lines(void **state)
{
	(void)state;
	if (!fs)
		skip();
	size_t len;
	char *text = content("account/balance", &len);
	json_object *ans = NULL;
	struct bss_request req = {.op = "ShowCustomerAccountBalances"};
	struct bss_error err;
	assert_int_equal(bss_client_call(client, &req, &ans, &err), 0);
	json_object *arr = json_object_object_get(ans, "account_balances");
	size_t n = json_object_array_length(arr);
	assert_true(n > 0);
	char *line = text;
	for (size_t i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(arr, i);
		char expect[256];
		int t = json_object_get_int(json_object_object_get(r, "account_type"));
		const char *name = t == 1   ? "cash"
				   : t == 2 ? "credit"
				   : t == 5 ? "bonus"
				   : t == 7 ? "deposit"
					    : "?";
		snprintf(expect, sizeof(expect), "%s %s %s\n", name,
			 bss_json_number_text(json_object_object_get(r, "amount")),
			 json_object_get_string(json_object_object_get(r, "currency")));
		assert_memory_equal(line, expect, strlen(expect));
		line += strlen(expect);
	}
	assert_string_equal(line, "");
	json_object_put(ans);
	free(text);
}

static void test_months_csv(void **state)
{
	(void)state;
	if (!fs)
		skip();
	size_t len;
	char *csv = content("bills/months.csv", &len);
	assert_memory_equal(csv, "\xEF\xBB\xBFmonth,consume_amount,", 24);
	int rows = 0;
	for (char *p = csv; (p = strstr(p, "\r\n")); p += 2)
		rows++;
	assert_int_equal(rows, 19);
	/* the current month's row carries its summary's consume_amount */
	char month[16], path[64];
	bss_month_format(bss_month_current(bss_wall_ms()), month, sizeof(month));
	snprintf(path, sizeof(path), "bills/%s/summary.json", month);
	char *sum = content(path, &len);
	json_object *o = NULL;
	assert_int_equal(bss_json_parse(sum, len, &o, NULL, 0), 0);
	char expect[128];
	snprintf(expect, sizeof(expect), "\r\n%s,%s,", month,
		 bss_json_number_text(json_object_object_get(o, "consume_amount")));
	assert_non_null(strstr(csv, expect));
	json_object_put(o);
	free(sum);
	free(csv);
}

static int first_id(void *ctx, const char *name, enum bss_tree_kind kind)
{
	(void)kind;
	snprintf(ctx, BSS_TREE_ARG_MAX, "%s", name);
	return 1;
}

static void test_ids_and_order_files(void **state)
{
	(void)state;
	if (!fs)
		skip();
	struct bss_tree_node n;
	struct bss_error err;
	char id[BSS_TREE_ARG_MAX] = "", path[256];
	assert_int_equal(fs_resolve(fs, "orders", &n, &err), 0);
	const struct bss_tree_row *idr = bss_tree_id_child(&fs->tree, &n);
	assert_non_null(idr);
	assert_int_equal(fs_list_ids(fs, idr, first_id, id, &err), 0);
	assert_true(id[0] != 0);
	snprintf(path, sizeof(path), "orders/%s/order.json", id);
	assert_int_equal(fs_resolve(fs, path, &n, &err), 0);
	assert_int_equal(fs_resolve(fs, "orders/CS0000000000NOPE/order.json", &n, &err), -ENOENT);
	size_t len;
	char *json = content(path, &len);
	json_object *o = NULL;
	assert_int_equal(bss_json_parse(json, len, &o, NULL, 0), 0);
	json_object *info = json_object_object_get(o, "order_info");
	assert_string_equal(json_object_get_string(json_object_object_get(info, "order_id")), id);
	json_object_put(o);
	free(json);
	snprintf(path, sizeof(path), "orders/%s/items.csv", id);
	char *csv = content(path, &len);
	assert_non_null(strstr(csv, "order_line_item_id"));
	free(csv);
}

static void test_renew_price(void **state)
{
	(void)state;
	if (!fs)
		skip();
	struct bss_tree_node n;
	struct bss_error err;
	char id[BSS_TREE_ARG_MAX] = "", path[256];
	assert_int_equal(fs_resolve(fs, "subscriptions", &n, &err), 0);
	assert_int_equal(fs_list_ids(fs, bss_tree_id_child(&fs->tree, &n), first_id, id, &err), 0);
	assert_true(id[0] != 0);
	snprintf(path, sizeof(path), "subscriptions/%s/renew-price.json", id);
	size_t len;
	char *json = content(path, &len);
	json_object *o = NULL;
	assert_int_equal(bss_json_parse(json, len, &o, NULL, 0), 0);
	assert_non_null(
	    json_object_object_get(json_object_object_get(o, "month"), "renew_inquiry_results"));
	assert_non_null(
	    json_object_object_get(json_object_object_get(o, "year"), "renew_inquiry_results"));
	json_object_put(o);
	free(json);
	snprintf(path, sizeof(path), "subscriptions/%s/resource.json", id);
	json = content(path, &len);
	assert_non_null(strstr(json, id));
	free(json);
}

static void test_config_has_no_secret(void **state)
{
	(void)state;
	if (!fs)
		skip();
	struct bss_tree_node n;
	struct bss_error err;
	char *buf;
	size_t len;
	assert_int_equal(fs_resolve(fs, ".bssfs/config.json", &n, &err), 0);
	assert_int_equal(fs_generate(fs, &n, &buf, &len), 0);
	assert_null(strstr(buf, SK));
	assert_null(strstr(buf, AK));
	assert_non_null(strstr(buf, "\"months\":18"));
	free(buf);
	assert_int_equal(fs_resolve(fs, ".bssfs/stats.json", &n, &err), 0);
	assert_int_equal(fs_generate(fs, &n, &buf, &len), 0);
	json_object *o = NULL;
	assert_int_equal(bss_json_parse(buf, len, &o, NULL, 0), 0);
	assert_non_null(json_object_object_get(o, "api"));
	assert_non_null(json_object_object_get(json_object_object_get(o, "cache"), "classes"));
	json_object_put(o);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_balance_lines),	 cmocka_unit_test(test_months_csv),
	    cmocka_unit_test(test_ids_and_order_files),	 cmocka_unit_test(test_renew_price),
	    cmocka_unit_test(test_config_has_no_secret),
	};
	return cmocka_run_group_tests(tests, start, stop);
}
