/* The emulator clock: UTC milliseconds that start at --now and advance in
 * real time (monotonic), or the real wall clock when no start is set.
 * Owns two atomics only; safe from any thread. */
#include "emulator/emu.h"

#include <stdatomic.h>

#include "bssfs/clock.h"

static _Atomic int64_t clock_start_ms;   /* emulated wall time at set; 0 = real */
static _Atomic int64_t clock_mono_at_set; /* bss_mono_ms() when set */

void emu_clock_set_start(int64_t start_ms)
{
	atomic_store(&clock_mono_at_set, bss_mono_ms());
	atomic_store(&clock_start_ms, start_ms);
}

int64_t emu_now_ms(void)
{
	int64_t start = atomic_load(&clock_start_ms);
	if (start == 0)
		return bss_wall_ms();
	return start + (bss_mono_ms() - atomic_load(&clock_mono_at_set));
}
