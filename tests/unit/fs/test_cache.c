/* Unit tests of the content cache with a fake fetch function and clock. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "bssfs/cache.h"
#include "bssfs/clock.h"

/* ---- fake clock ---- */
static int64_t fake_now_ms;
static int64_t fake_wall(void *ctx)
{
	(void)ctx;
	return fake_now_ms;
}
static int64_t fake_mono(void *ctx)
{
	(void)ctx;
	return fake_now_ms;
}
static void fake_sleep(void *ctx, int64_t ms)
{
	(void)ctx;
	(void)ms;
}
static const struct bss_clock_hooks hooks = {fake_wall, fake_mono, fake_sleep, NULL};

/* ---- fake fetch ---- */
static struct bss_cache *nested_cache;
struct fake {
	pthread_mutex_t lock;
	int calls;
	char content[256];
	int fail_rc; /* returned instead of content when non-zero */
	int delay_ms;
	int drip; /* write this many bytes, one per 100 ms, flushing each */
};
static struct fake fk = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int fake_fetch(void *ctx, const char *key, FILE *out, struct bss_error *err)
{
	struct fake *f = ctx;
	pthread_mutex_lock(&f->lock);
	f->calls++;
	int rc = f->fail_rc, delay = f->delay_ms;
	char content[256];
	snprintf(content, sizeof(content), "%s", f->content);
	pthread_mutex_unlock(&f->lock);
	if (delay)
		usleep((useconds_t)delay * 1000);
	if (rc) {
		snprintf(err->code, sizeof(err->code), "CURL.7");
		snprintf(err->request_id, sizeof(err->request_id), "req-1");
		return rc;
	}
	pthread_mutex_lock(&f->lock);
	int drip = f->drip;
	pthread_mutex_unlock(&f->lock);
	for (int i = 0; i < drip; i++) {
		fputc('.', out);
		fflush(out);
		usleep(100000);
	}
	if (!strcmp(key, "outer")) {
		/* a fetch that needs another, queued behind it on the only worker */
		struct bss_cache_req in = {"inner", BSS_FRESH_ACCOUNT, 0};
		struct bss_cache_info info;
		bss_cache_prefetch(nested_cache, &in);
		int irc = bss_cache_get(nested_cache, &in, &info, NULL, err);
		if (irc < 0)
			return irc;
		fprintf(out, "inner=%llu;", (unsigned long long)info.size);
	}
	fprintf(out, "%s:%s", key, content);
	/* "pair.json" also writes "pair.csv"; "bad.json" abandons "bad.csv" */
	if (!strcmp(key, "pair.json") || !strcmp(key, "bad.json")) {
		char sk[32];
		snprintf(sk, sizeof(sk), "%.*s.csv", (int)(strlen(key) - 5), key);
		struct bss_cache_req sr = {sk, BSS_FRESH_ACCOUNT, 0};
		FILE *sf = bss_cache_sibling(&sr);
		if (sf) {
			fprintf(sf, "%s:%s", sk, content);
			if (!strcmp(key, "bad.json"))
				bss_cache_sibling_abandon(sf);
		}
	}
	return 0;
}

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/bssfs-cache-test-XXXXXX");
	assert_non_null(mkdtemp(dir));
	strcat(dir, "/sub/cache");
	fake_now_ms = 1790000000000LL;
	bss_clock_set_hooks(&hooks);
	pthread_mutex_lock(&fk.lock);
	fk.calls = 0;
	fk.fail_rc = 0;
	fk.delay_ms = 0;
	fk.drip = 0;
	snprintf(fk.content, sizeof(fk.content), "v1");
	pthread_mutex_unlock(&fk.lock);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[512];
	char *slash = strstr(dir, "/sub/cache");
	*slash = 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return -1;
	bss_clock_set_hooks(NULL);
	return 0;
}

static struct bss_cache *new_cache(uint64_t max_bytes, int timeout_ms)
{
	struct bss_cache_config cfg = {.dir = dir,
				       .max_bytes = max_bytes,
				       .workers = 4,
				       .timeout_ms = timeout_ms,
				       .variant = "intl/excel",
				       .fetch = fake_fetch,
				       .fetch_ctx = &fk};
	struct bss_cache *c = NULL;
	char err[256];
	assert_int_equal(bss_cache_new(&cfg, &c, err, sizeof(err)), 0);
	return c;
}

static void read_fd(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);
	assert_true(n >= 0);
	buf[n] = 0;
}

static void set_content(const char *s)
{
	pthread_mutex_lock(&fk.lock);
	snprintf(fk.content, sizeof(fk.content), "%s", s);
	pthread_mutex_unlock(&fk.lock);
}

static int calls(void)
{
	pthread_mutex_lock(&fk.lock);
	int n = fk.calls;
	pthread_mutex_unlock(&fk.lock);
	return n;
}

static void test_dir_mode_and_hit(void **state)
{
	(void)state;
	struct bss_cache *c = new_cache(0, 5000);
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	struct bss_cache_req req = {"account/balance", BSS_FRESH_ACCOUNT, 0};
	struct bss_cache_info info;
	struct bss_error err;
	int fd;
	assert_int_equal(bss_cache_get(c, &req, &info, &fd, &err), 0);
	char buf[256];
	read_fd(fd, buf, sizeof(buf));
	close(fd);
	assert_string_equal(buf, "account/balance:v1");
	assert_int_equal(info.size, strlen("account/balance:v1"));
	assert_int_equal(bss_cache_get(c, &req, &info, NULL, &err), 0);
	assert_int_equal(calls(), 1);
	/* TTL 60 s: after 61 s it is refetched */
	fake_now_ms += 61000;
	assert_int_equal(bss_cache_get(c, &req, &info, NULL, &err), 0);
	assert_int_equal(calls(), 2);
	bss_cache_free(c);
}

static void test_atomic_swap_keeps_open_fd(void **state)
{
	(void)state;
	struct bss_cache *c = new_cache(0, 5000);
	struct bss_cache_req req = {"orders/orders.json", BSS_FRESH_ACCOUNT, 0};
	struct bss_cache_info info;
	struct bss_error err;
	int fd1, fd2;
	assert_int_equal(bss_cache_get(c, &req, &info, &fd1, &err), 0);
	set_content("version-two");
	assert_int_equal(bss_cache_drop(c, "orders"), 1);
	assert_int_equal(bss_cache_get(c, &req, &info, &fd2, &err), 0);
	char b1[256], b2[256];
	read_fd(fd1, b1, sizeof(b1));
	read_fd(fd2, b2, sizeof(b2));
	assert_string_equal(b1, "orders/orders.json:v1");
	assert_string_equal(b2, "orders/orders.json:version-two");
	/* a refetch by TTL also leaves the open fd alone */
	set_content("three");
	fake_now_ms += 61000;
	int fd3;
	assert_int_equal(bss_cache_get(c, &req, &info, &fd3, &err), 0);
	read_fd(fd2, b2, sizeof(b2));
	assert_string_equal(b2, "orders/orders.json:version-two");
	read_fd(fd3, b2, sizeof(b2));
	assert_string_equal(b2, "orders/orders.json:three");
	close(fd1);
	close(fd2);
	close(fd3);
	bss_cache_free(c);
}

struct reader_arg {
	struct bss_cache *c;
	int rc;
	char buf[256];
};

static void *reader(void *p)
{
	struct reader_arg *a = p;
	struct bss_cache_req req = {"bills/2026-10/records.csv", BSS_FRESH_OPEN, 0};
	struct bss_cache_info info;
	struct bss_error err;
	int fd = -1;
	a->rc = bss_cache_get(a->c, &req, &info, &fd, &err);
	if (a->rc == 0) {
		read_fd(fd, a->buf, sizeof(a->buf));
		close(fd);
	}
	return NULL;
}

static void test_single_flight(void **state)
{
	(void)state;
	struct bss_cache *c = new_cache(0, 10000);
	fk.delay_ms = 200;
	enum { N = 16 };
	pthread_t t[N];
	struct reader_arg a[N];
	for (int i = 0; i < N; i++) {
		a[i].c = c;
		pthread_create(&t[i], NULL, reader, &a[i]);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(a[i].rc, 0);
		assert_string_equal(a[i].buf, "bills/2026-10/records.csv:v1");
	}
	assert_int_equal(calls(), 1);
	bss_cache_free(c);
}

static void test_identical_refetch_keeps_mtime(void **state)
{
	(void)state;
	struct bss_cache *c = new_cache(0, 5000);
	struct bss_cache_req req = {"eps/projects.json", BSS_FRESH_OTHER, 0};
	struct bss_cache_info i1, i2, i3;
	struct bss_error err;
	assert_int_equal(bss_cache_get(c, &req, &i1, NULL, &err), 0);
	fake_now_ms += 601000;
	assert_int_equal(bss_cache_get(c, &req, &i2, NULL, &err), 0);
	assert_int_equal(calls(), 2);
	assert_int_equal(i2.mtime, i1.mtime);
	assert_int_equal(i2.size, i1.size);
	assert_true(i2.fetched_ms > i1.fetched_ms);
	/* changed bytes: the mtime moves to the fetch time */
	set_content("changed");
	fake_now_ms += 601000;
	assert_int_equal(bss_cache_get(c, &req, &i3, NULL, &err), 0);
	assert_int_equal(i3.mtime, fake_now_ms / 1000);
	assert_true(i3.mtime != i1.mtime);
	bss_cache_free(c);
}

static void test_closed_month_persists(void **state)
{
	(void)state;
	struct bss_cache *c = new_cache(0, 5000);
	int64_t close_time = fake_now_ms / 1000 - 86400;
	struct bss_cache_req req = {"bills/2026-09/summary.json", BSS_FRESH_CLOSED, close_time};
	struct bss_cache_info info;
	struct bss_error err;
	assert_int_equal(bss_cache_get(c, &req, &info, NULL, &err), 0);
	assert_int_equal(info.mtime, close_time);
	bss_cache_free(c);
	/* a new mount: zero fetches, even a year later */
	fake_now_ms += 365LL * 86400 * 1000;
	c = new_cache(0, 5000);
	int fd;
	assert_int_equal(bss_cache_get(c, &req, &info, &fd, &err), 0);
	assert_int_equal(calls(), 1);
	assert_int_equal(info.mtime, close_time);
	char buf[256];
	read_fd(fd, buf, sizeof(buf));
	close(fd);
	assert_string_equal(buf, "bills/2026-09/summary.json:v1");
	/* a variant (other csv mode) does not see it */
	bss_cache_free(c);
	struct bss_cache_config cfg = {
	    .dir = dir, .variant = "intl/unix", .fetch = fake_fetch, .fetch_ctx = &fk};
	char e[128];
	assert_int_equal(bss_cache_new(&cfg, &c, e, sizeof(e)), 0);
	assert_int_equal(bss_cache_peek(c, req.key, &info), -ENOENT);
	bss_cache_free(c);
}

static void test_open_copy_not_final(void **state)
{
	(void)state;
	struct bss_cache *c = new_cache(0, 5000);
	struct bss_cache_req open = {"bills/2026-10/summary.json", BSS_FRESH_OPEN, 0};
	struct bss_cache_info info;
	struct bss_error err;
	assert_int_equal(bss_cache_get(c, &open, &info, NULL, &err), 0);
	/* ten minutes later the month closed: the copy fetched before is refetched */
	fake_now_ms += 600000;
	struct bss_cache_req closed = {open.key, BSS_FRESH_CLOSED, fake_now_ms / 1000 - 60};
	assert_int_equal(bss_cache_get(c, &closed, &info, NULL, &err), 0);
	assert_int_equal(calls(), 2);
	assert_int_equal(info.mtime, closed.fixed_mtime);
	assert_int_equal(bss_cache_get(c, &closed, &info, NULL, &err), 0);
	assert_int_equal(calls(), 2);
	bss_cache_free(c);
}

static void test_stale_when_offline(void **state)
{
	(void)state;
	struct bss_cache *c = new_cache(0, 5000);
	struct bss_cache_req req = {"coupons/coupons.json", BSS_FRESH_ACCOUNT, 0};
	struct bss_cache_info info;
	struct bss_error err;
	assert_int_equal(bss_cache_get(c, &req, &info, NULL, &err), 0);
	fk.fail_rc = -EHOSTUNREACH;
	fake_now_ms += 120000;
	int fd;
	assert_int_equal(bss_cache_get(c, &req, &info, &fd, &err), 0);
	assert_true(info.stale);
	close(fd);
	/* never cached: the fetch's error */
	struct bss_cache_req other = {"coupons/coupons.csv", BSS_FRESH_ACCOUNT, 0};
	assert_int_equal(bss_cache_get(c, &other, &info, NULL, &err), -EHOSTUNREACH);
	assert_string_equal(err.code, "CURL.7");
	assert_string_equal(err.request_id, "req-1");
	json_object *st = bss_cache_stats(c);
	json_object *acc = json_object_object_get(json_object_object_get(st, "classes"), "account");
	assert_int_equal(json_object_get_int(json_object_object_get(acc, "stale_served")), 1);
	assert_int_equal(json_object_get_int(json_object_object_get(st, "stale_served")), 1);
	assert_int_equal(json_object_get_int(json_object_object_get(acc, "errors")), 2);
	json_object_put(st);
	bss_cache_free(c);
}

static void test_timeout(void **state)
{
	(void)state;
	struct bss_cache *c = new_cache(0, 200);
	fk.delay_ms = 1000;
	struct bss_cache_req req = {"invoices/invoices.json", BSS_FRESH_OTHER, 0};
	struct bss_cache_info info;
	struct bss_error err;
	assert_int_equal(bss_cache_get(c, &req, &info, NULL, &err), -EIO);
	assert_string_equal(err.code, "BSSFS.TIMEOUT");
	bss_cache_free(c); /* waits for the running fetch */
}

/* A fetch that keeps writing outlives the timeout: slow is not stuck. */
static void test_slow_but_progressing(void **state)
{
	(void)state;
	struct bss_cache *c = new_cache(0, 600);
	fk.drip = 20; /* 2 s of progress, timeout 0.6 s */
	struct bss_cache_req req = {"bills/2026-10/records.json", BSS_FRESH_OPEN, 0};
	struct bss_cache_info info;
	struct bss_error err;
	assert_int_equal(bss_cache_get(c, &req, &info, NULL, &err), 0);
	assert_int_equal(info.size, 20 + strlen("bills/2026-10/records.json:v1"));
	bss_cache_free(c);
}

/* A fetch that needs another key does not wait for a free worker. */
static void test_nested_fetch_one_worker(void **state)
{
	(void)state;
	struct bss_cache_config cfg = {
	    .dir = dir, .workers = 1, .timeout_ms = 2000, .fetch = fake_fetch, .fetch_ctx = &fk};
	char e[128];
	assert_int_equal(bss_cache_new(&cfg, &nested_cache, e, sizeof(e)), 0);
	struct bss_cache_req req = {"outer", BSS_FRESH_ACCOUNT, 0};
	struct bss_cache_info info;
	struct bss_error err;
	int fd;
	assert_int_equal(bss_cache_get(nested_cache, &req, &info, &fd, &err), 0);
	char buf[256];
	read_fd(fd, buf, sizeof(buf));
	close(fd);
	assert_string_equal(buf, "inner=8;outer:v1");
	assert_int_equal(calls(), 2);
	bss_cache_free(nested_cache);
	nested_cache = NULL;
}

/* One fetch fills NAME.json and its sibling NAME.csv. */
static void test_sibling(void **state)
{
	(void)state;
	struct bss_cache *c = new_cache(0, 5000);
	struct bss_cache_req j = {"pair.json", BSS_FRESH_ACCOUNT, 0},
			     v = {"pair.csv", BSS_FRESH_ACCOUNT, 0};
	struct bss_cache_info info;
	struct bss_error err;
	int fd;
	assert_int_equal(bss_cache_get(c, &j, &info, NULL, &err), 0);
	assert_int_equal(bss_cache_peek(c, "pair.csv", &info), 0);
	assert_int_equal(bss_cache_get(c, &v, &info, &fd, &err), 0);
	assert_int_equal(calls(), 1);
	char buf[256];
	read_fd(fd, buf, sizeof(buf));
	close(fd);
	assert_string_equal(buf, "pair.csv:v1");
	/* an abandoned sibling is not installed */
	struct bss_cache_req b = {"bad.json", BSS_FRESH_ACCOUNT, 0};
	assert_int_equal(bss_cache_get(c, &b, &info, NULL, &err), 0);
	assert_int_equal(bss_cache_peek(c, "bad.csv", &info), -ENOENT);
	/* a failed fetch installs no sibling either */
	bss_cache_drop(c, "all");
	fk.fail_rc = -EIO;
	assert_int_equal(bss_cache_get(c, &j, &info, NULL, &err), -EIO);
	assert_int_equal(bss_cache_peek(c, "pair.csv", &info), -ENOENT);
	bss_cache_free(c);
}

static void test_trim_oldest_first(void **state)
{
	(void)state;
	struct bss_cache *c = new_cache(100, 5000);
	set_content("0123456789012345678901234567890123456789"); /* 40 + key bytes */
	struct bss_cache_info info;
	struct bss_error err;
	struct bss_cache_req a = {"a", BSS_FRESH_CATALOG, 0}, b = {"b", BSS_FRESH_CATALOG, 0},
			     d = {"d", BSS_FRESH_CATALOG, 0};
	assert_int_equal(bss_cache_get(c, &a, &info, NULL, &err), 0);
	fake_now_ms += 1000;
	assert_int_equal(bss_cache_get(c, &b, &info, NULL, &err), 0);
	fake_now_ms += 1000;
	assert_int_equal(bss_cache_get(c, &a, &info, NULL, &err), 0); /* a used again */
	fake_now_ms += 1000;
	assert_int_equal(bss_cache_get(c, &d, &info, NULL, &err), 0);
	assert_int_equal(bss_cache_peek(c, "b", &info), -ENOENT); /* least recently used */
	assert_int_equal(bss_cache_peek(c, "a", &info), 0);
	assert_int_equal(bss_cache_peek(c, "d", &info), 0);
	json_object *st = bss_cache_stats(c);
	assert_true(json_object_get_int(json_object_object_get(st, "bytes")) <= 100);
	assert_int_equal(json_object_get_int(json_object_object_get(st, "trimmed")), 1);
	json_object_put(st);
	bss_cache_free(c);
}

static void test_drop_prefix(void **state)
{
	(void)state;
	struct bss_cache *c = new_cache(0, 5000);
	struct bss_cache_info info;
	struct bss_error err;
	const char *keys[] = {"bills/2026-10/summary.json", "bills/2026-10/records.csv",
			      "bills/2026-1x", "bills/2026-100/x"};
	for (int i = 0; i < 4; i++) {
		struct bss_cache_req r = {keys[i], BSS_FRESH_OPEN, 0};
		assert_int_equal(bss_cache_get(c, &r, &info, NULL, &err), 0);
	}
	assert_int_equal(bss_cache_drop(c, "bills/2026-10"), 2);
	assert_int_equal(bss_cache_peek(c, keys[0], &info), -ENOENT);
	assert_int_equal(bss_cache_peek(c, keys[3], &info), 0);
	assert_int_equal(bss_cache_drop(c, "all"), 2);
	assert_int_equal(bss_cache_peek(c, keys[2], &info), -ENOENT);
	bss_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_dir_mode_and_hit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_atomic_swap_keeps_open_fd, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_single_flight, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_identical_refetch_keeps_mtime, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_closed_month_persists, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_copy_not_final, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stale_when_offline, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_slow_but_progressing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nested_fetch_one_worker, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sibling, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trim_oldest_first, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_drop_prefix, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
