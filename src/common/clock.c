/* Replaceable clock (see bssfs/clock.h). */
#include "bssfs/clock.h"

#include <errno.h>
#include <stddef.h>

static struct bss_clock_hooks hooks; /* set before threads start */

void bss_clock_set_hooks(const struct bss_clock_hooks *h)
{
	if (h)
		hooks = *h;
	else
		hooks = (struct bss_clock_hooks){0};
}

static int64_t ts_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t bss_wall_ms(void)
{
	return hooks.wall_ms ? hooks.wall_ms(hooks.ctx) : ts_ms(CLOCK_REALTIME);
}

int64_t bss_mono_ms(void)
{
	return hooks.mono_ms ? hooks.mono_ms(hooks.ctx) : ts_ms(CLOCK_MONOTONIC);
}

void bss_sleep_ms(int64_t ms)
{
	if (ms <= 0)
		return;
	if (hooks.sleep_ms) {
		hooks.sleep_ms(hooks.ctx, ms);
		return;
	}
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}
