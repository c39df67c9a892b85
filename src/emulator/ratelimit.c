/* Per-operation rate limit of the emulated gateway: at most `rps` accepted
 * requests of one operation in any sliding window of 1000 ms (monotonic
 * clock).  Each operation keeps a ring of the times of its last `rps`
 * accepted requests; a request is allowed when the oldest of them is at
 * least 1000 ms old.  Rejected requests are not counted in the window.
 * The real quota is counted per (source IP, API, account); the emulator has
 * one account, and counts per API regardless of the client address. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emulator/front.h"

struct emu_ratelimit {
	int rps;             /* immutable */
	size_t n_ops;        /* immutable */
	pthread_mutex_t lock; /* guards times, heads, counts */
	int64_t *times;      /* n_ops * rps accept times, ring per op */
	size_t *heads;       /* per op: index of the oldest entry */
	size_t *counts;      /* per op: entries used (<= rps) */
};

int emu_ratelimit_new(int rps, size_t n_ops, struct emu_ratelimit **out)
{
	*out = NULL;
	struct emu_ratelimit *rl = calloc(1, sizeof(*rl));
	if (!rl)
		return -ENOMEM;
	rl->rps = rps > 0 ? rps : 0;
	rl->n_ops = n_ops;
	if (rl->rps) {
		rl->times = calloc(n_ops * (size_t)rl->rps, sizeof(*rl->times));
		rl->heads = calloc(n_ops, sizeof(*rl->heads));
		rl->counts = calloc(n_ops, sizeof(*rl->counts));
		if (!rl->times || !rl->heads || !rl->counts) {
			emu_ratelimit_free(rl);
			return -ENOMEM;
		}
	}
	pthread_mutex_init(&rl->lock, NULL);
	*out = rl;
	return 0;
}

void emu_ratelimit_free(struct emu_ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl->times);
	free(rl->heads);
	free(rl->counts);
	free(rl);
}

void emu_ratelimit_reset(struct emu_ratelimit *rl)
{
	if (!rl->rps)
		return;
	pthread_mutex_lock(&rl->lock);
	memset(rl->heads, 0, rl->n_ops * sizeof(*rl->heads));
	memset(rl->counts, 0, rl->n_ops * sizeof(*rl->counts));
	pthread_mutex_unlock(&rl->lock);
}

int emu_ratelimit_rps(const struct emu_ratelimit *rl) { return rl->rps; }

bool emu_ratelimit_allow(struct emu_ratelimit *rl, size_t op_index, int64_t mono_ms)
{
	if (!rl->rps || op_index >= rl->n_ops)
		return true;
	size_t rps = (size_t)rl->rps;
	bool ok = true;
	pthread_mutex_lock(&rl->lock);
	int64_t *ring = rl->times + op_index * rps;
	size_t *head = &rl->heads[op_index];
	size_t *count = &rl->counts[op_index];
	if (*count < rps) {
		ring[(*head + *count) % rps] = mono_ms;
		(*count)++;
	} else if (mono_ms - ring[*head] >= 1000) {
		/* Drop the oldest, append now: the ring stays full. */
		ring[*head] = mono_ms;
		*head = (*head + 1) % rps;
	} else {
		ok = false;
	}
	pthread_mutex_unlock(&rl->lock);
	return ok;
}
