/* Per-operation counters and bss_client_stats.
 *
 * Owns: the counter fields of struct bss_opstate (guarded by its lock). */
#include <string.h>

#include "client_internal.h"

void bss_stats_attempt(struct bss_opstate *s, long status, size_t bytes, int64_t latency_ms,
		       bool retry)
{
	pthread_mutex_lock(&s->lock);
	s->requests++;
	if (retry)
		s->retries++;
	if (status == 429)
		s->throttled++;
	s->bytes += bytes;
	if (latency_ms > 0) {
		s->latency_ms_total += (uint64_t)latency_ms;
		if ((uint64_t)latency_ms > s->latency_ms_max)
			s->latency_ms_max = (uint64_t)latency_ms;
	}
	pthread_mutex_unlock(&s->lock);
}

void bss_stats_error(struct bss_opstate *s)
{
	pthread_mutex_lock(&s->lock);
	s->errors++;
	pthread_mutex_unlock(&s->lock);
}

static json_object *counters(uint64_t req, uint64_t ret, uint64_t thr, uint64_t err, uint64_t bytes,
			     uint64_t lat_total, uint64_t lat_max)
{
	json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "requests", json_object_new_int64((int64_t)req));
	json_object_object_add(o, "retries", json_object_new_int64((int64_t)ret));
	json_object_object_add(o, "throttled", json_object_new_int64((int64_t)thr));
	json_object_object_add(o, "errors", json_object_new_int64((int64_t)err));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)bytes));
	json_object_object_add(o, "latency_ms_total", json_object_new_int64((int64_t)lat_total));
	json_object_object_add(o, "latency_ms_max", json_object_new_int64((int64_t)lat_max));
	return o;
}

json_object *bss_client_stats(struct bss_client *c)
{
	json_object *root = json_object_new_object();
	if (!root)
		return NULL;
	uint64_t t[7] = {0};
	for (size_t i = 0; i < c->n_ops; i++) {
		struct bss_opstate *s = &c->ops[i];
		pthread_mutex_lock(&s->lock);
		uint64_t v[7] = {s->requests, s->retries,	   s->throttled,     s->errors,
				 s->bytes,    s->latency_ms_total, s->latency_ms_max};
		pthread_mutex_unlock(&s->lock);
		if (v[0] == 0 && v[3] == 0)
			continue;
		const char *name = i < bss_ops_count ? bss_ops[i].name : "other";
		json_object_object_add(root, name,
				       counters(v[0], v[1], v[2], v[3], v[4], v[5], v[6]));
		for (int k = 0; k < 6; k++)
			t[k] += v[k];
		if (v[6] > t[6])
			t[6] = v[6];
	}
	json_object_object_add(root, "totals", counters(t[0], t[1], t[2], t[3], t[4], t[5], t[6]));
	return root;
}
