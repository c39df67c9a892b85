/* Per-operation rate limit and concurrency cap, shared by all threads.
 *
 * Owns: pacing of attempt starts and the count of attempts in flight.
 * Pacing is a token bucket of capacity 1 (burst 1): attempt starts of one
 * operation are spaced by 1/max_rps plus 2% slack, so that no 1-second
 * window at the server ever sees more than max_rps of them even with some
 * network jitter.  A slot is reserved under the lock, then waited for
 * outside it with bss_sleep_ms (fakeable clock).
 *
 * Pacing alone counts when an attempt starts, but a new connection (TCP,
 * TLS) or a descheduled thread can delay one request and bunch it with the
 * next.  So a second guard runs from libcurl's pre-request callback, at the
 * moment the request is sent: a sliding log of the last n send moments
 * (n = max_rps rounded down, at least 1; window n/max_rps seconds plus a
 * 25 ms margin) makes the sender wait if an (n+1)th send would fall inside
 * one window.  With a fast max_rps (over BSS_SEND_LOG_MAX) only pacing
 * applies. */
#include <errno.h>
#include <time.h>

#include "bssfs/clock.h"
#include "client_internal.h"

void bss_opstate_init(struct bss_opstate *s)
{
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->next_start_us = 0;
	s->in_flight = 0;
}

void bss_opstate_destroy(struct bss_opstate *s)
{
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
}

struct bss_opstate *bss_opstate_for(struct bss_client *c, const struct bss_op *op)
{
	const struct bss_op *t = op ? bss_op_find(op->name) : NULL;
	if (!t)
		return &c->ops[c->n_ops - 1];
	return &c->ops[t - bss_ops];
}

static void abs_after_ms(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += (time_t)(ms / 1000);
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int bss_rate_acquire(struct bss_client *c, struct bss_opstate *s, int64_t deadline_ms)
{
	int64_t interval_us = (int64_t)(1000000.0 * 1.02 / c->max_rps);
	if (interval_us < 1)
		interval_us = 1;
	pthread_mutex_lock(&s->lock);
	while (s->in_flight >= c->max_concurrency) {
		int64_t left = deadline_ms - bss_mono_ms();
		if (left <= 0) {
			pthread_mutex_unlock(&s->lock);
			return -ETIMEDOUT;
		}
		struct timespec ts;
		abs_after_ms(&ts, left < 100 ? left : 100);
		pthread_cond_timedwait(&s->cond, &s->lock, &ts);
	}
	int64_t now_us = bss_mono_ms() * 1000;
	int64_t start_us = s->next_start_us > now_us ? s->next_start_us : now_us;
	if (start_us > deadline_ms * 1000) {
		pthread_mutex_unlock(&s->lock);
		return -ETIMEDOUT;
	}
	s->next_start_us = start_us + interval_us;
	s->in_flight++;
	pthread_mutex_unlock(&s->lock);
	int64_t wait_ms = (start_us - now_us + 999) / 1000;
	if (wait_ms > 0)
		bss_sleep_ms(wait_ms);
	return 0;
}

void bss_rate_release(struct bss_client *c, struct bss_opstate *s)
{
	(void)c;
	pthread_mutex_lock(&s->lock);
	s->in_flight--;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

#define SEND_MARGIN_MS 25

void bss_rate_before_send(struct bss_client *c, struct bss_opstate *s)
{
	int n = (int)c->max_rps;
	if (n < 1)
		n = 1;
	if (n > BSS_SEND_LOG_MAX)
		return;
	int64_t window = (int64_t)(1000.0 * n / c->max_rps) + SEND_MARGIN_MS;
	pthread_mutex_lock(&s->lock);
	int64_t now = bss_mono_ms();
	/* send_log holds the last n sends in a ring of n entries (0 = unused) */
	int64_t oldest = s->send_log[s->send_head];
	int64_t t = now;
	if (oldest > 0 && oldest + window > t)
		t = oldest + window;
	if (s->send_last > t)
		t = s->send_last;
	s->send_log[s->send_head] = t;
	s->send_head = (s->send_head + 1) % n;
	s->send_last = t;
	pthread_mutex_unlock(&s->lock);
	if (t > now)
		bss_sleep_ms(t - now);
}
