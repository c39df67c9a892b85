/* Time source and sleep that tests can replace.
 *
 * Owns: the process-wide clock used for signing dates, TTLs, token buckets
 * and backoff.  Production uses CLOCK_REALTIME / CLOCK_MONOTONIC and
 * nanosleep; tests install fakes with bss_clock_set_hooks(). */
#ifndef BSSFS_CLOCK_H
#define BSSFS_CLOCK_H

#include <stdint.h>
#include <time.h>

struct bss_clock_hooks {
	int64_t (*wall_ms)(void *ctx);     /* Unix epoch milliseconds */
	int64_t (*mono_ms)(void *ctx);     /* monotonic milliseconds */
	void (*sleep_ms)(void *ctx, int64_t ms);
	void *ctx;
};

/* NULL restores the real clock. Not thread-safe against concurrent use:
 * call before starting threads. */
void bss_clock_set_hooks(const struct bss_clock_hooks *hooks);
int64_t bss_wall_ms(void);
int64_t bss_mono_ms(void);
void bss_sleep_ms(int64_t ms);
static inline time_t bss_wall_time(void) { return (time_t)(bss_wall_ms() / 1000); }

#endif
