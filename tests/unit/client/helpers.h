/* Shared helpers of the client tests. */
#ifndef BSSFS_CLIENT_TEST_HELPERS_H
#define BSSFS_CLIENT_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include "bssfs/client.h"
#include "bssfs/clock.h"
#include "testserver.h"

#define T_AK "HPUATESTAKEXAMPLE0001"
#define T_SK "tEsTsEcReTkEy0123456789abcdefSECRETxyz"
#define T_TOKEN "gQpjT0kEnVaLuEsEcUrItYtOkEnXYZ=="
#define T_DOMAIN "0f0e0d0c0b0a09080706050403020100"

/* A client for all three hosts on the test server, fast backoff. */
static inline struct bss_client *test_client(struct ts_server *s, struct bss_client_config *over)
{
	struct bss_client_config cfg = {.ak = T_AK,
					.sk = T_SK,
					.domain_id = T_DOMAIN,
					.max_rps = 1000,
					.backoff_base_ms = 5,
					.backoff_max_ms = 20,
					.request_timeout_ms = 5000,
					.deadline_ms = 20000};
	if (over)
		cfg = *over;
	if (!cfg.ak)
		cfg.ak = T_AK;
	if (!cfg.sk)
		cfg.sk = T_SK;
	cfg.endpoint = ts_url(s);
	cfg.eps_endpoint = ts_url(s);
	cfg.iam_endpoint = ts_url(s);
	struct bss_client *c = NULL;
	char err[256];
	int rc = bss_client_new(&cfg, &c, err, sizeof(err));
	if (rc != 0)
		print_error("bss_client_new: %s\n", err);
	assert_int_equal(rc, 0);
	return c;
}

/* Fake monotonic clock: sleeping advances it and records the delays. */
struct fake_clock {
	pthread_mutex_t lock;
	int64_t mono;
	int64_t sleeps[256];
	int n_sleeps;
};

static inline int64_t fake_mono(void *ctx)
{
	struct fake_clock *f = ctx;
	pthread_mutex_lock(&f->lock);
	int64_t v = f->mono;
	pthread_mutex_unlock(&f->lock);
	return v;
}

static inline void fake_sleep(void *ctx, int64_t ms)
{
	struct fake_clock *f = ctx;
	pthread_mutex_lock(&f->lock);
	f->mono += ms;
	if (f->n_sleeps < 256)
		f->sleeps[f->n_sleeps++] = ms;
	pthread_mutex_unlock(&f->lock);
}

static inline void fake_clock_install(struct fake_clock *f)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	f->mono = 1000000;
	struct bss_clock_hooks h = {
	    .wall_ms = NULL, .mono_ms = fake_mono, .sleep_ms = fake_sleep, .ctx = f};
	bss_clock_set_hooks(&h);
}

static inline void fake_clock_remove(struct fake_clock *f)
{
	bss_clock_set_hooks(NULL);
	pthread_mutex_destroy(&f->lock);
}

#endif
