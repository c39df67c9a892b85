/* Internals of the API client (src/client/), shared by its files only.
 *
 * Owns: struct bss_client and the per-operation state (rate limiter,
 * concurrency cap, counters).  Files:
 *   creds.c      credential loading (bss_credentials_load)
 *   endpoints.c  bss_client_new/free, sites and base URLs
 *   errors.c     bss_errno_for, bss_error_from_body, error helpers
 *   ratelimit.c  per-operation pacing and concurrency cap
 *   http.c       the libcurl share/pool and one signed attempt
 *   retry.c      bss_client_call (retries, backoff), domain discovery
 *   paging.c     bss_client_fetch_all
 *   stats.c      counters and bss_client_stats */
#ifndef BSSFS_CLIENT_INTERNAL_H
#define BSSFS_CLIENT_INTERNAL_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "bssfs/client.h"

#define BSS_SEND_LOG_MAX 64

/* Per-operation state; one per entry of bss_ops plus one spare slot for
 * operations that are not in the table (tests). */
struct bss_opstate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* guarded by lock: */
	int64_t next_start_us; /* earliest monotonic time (us) the next attempt may start */
	int in_flight;	       /* attempts running now */
	/* send moments (monotonic ms) of the last sends, oldest at send_head,
	 * non-decreasing: the sliding-window guard applied when libcurl is
	 * about to put the request on the wire */
	int64_t send_log[BSS_SEND_LOG_MAX];
	int send_head;
	int64_t send_last;
	/* counters, guarded by lock: */
	uint64_t requests, retries, throttled, errors, bytes;
	uint64_t latency_ms_total, latency_ms_max;
};

/* A reusable easy handle. */
struct bss_easy {
	CURL *h;
	struct bss_easy *next;
};

struct bss_client {
	/* immutable after bss_client_new: */
	char *ak, *sk, *security_token;
	char *language;
	char *base[3];	   /* indexed by enum bss_host, no trailing '/' */
	char *cacert_blob; /* system CAs + extra CA, or NULL */
	size_t cacert_len;
	unsigned site;
	double max_rps;
	int max_concurrency, connect_timeout_ms, request_timeout_ms, deadline_ms, max_attempts,
	    backoff_base_ms, backoff_max_ms;

	/* domain id: written once under domain_lock, read with __atomic loads */
	pthread_mutex_t domain_lock;
	char *domain_id;

	/* libcurl: the share handle locks itself through share_locks; the pool
	 * of idle easy handles is guarded by pool_lock */
	CURLSH *share;
	pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
	pthread_mutex_t pool_lock;
	struct bss_easy *pool; /* guarded by pool_lock */

	size_t n_ops; /* bss_ops_count + 1 */
	struct bss_opstate *ops;
};

/* ---- endpoints.c ---- */
const char *bss_client_domain_peek(const struct bss_client *c);

/* ---- ratelimit.c ---- */
struct bss_opstate *bss_opstate_for(struct bss_client *c, const struct bss_op *op);
void bss_opstate_init(struct bss_opstate *s);
void bss_opstate_destroy(struct bss_opstate *s);
/* Waits for the pacing slot and a concurrency slot; fails with -ETIMEDOUT
 * (without waiting) when the slot comes after deadline_ms (monotonic). */
int bss_rate_acquire(struct bss_client *c, struct bss_opstate *s, int64_t deadline_ms);
void bss_rate_release(struct bss_client *c, struct bss_opstate *s);
/* Called right before the request goes on the wire: waits (rarely) so that
 * no window of window_ms holds more than n sends of this operation. */
void bss_rate_before_send(struct bss_client *c, struct bss_opstate *s);

/* ---- http.c ---- */
struct bss_http_result {
	long status;	 /* 0: no HTTP answer */
	int curl_code;	 /* CURLE_* */
	bool maybe_sent; /* the request may have reached the server */
	char *body;	 /* NUL-terminated, owned */
	size_t body_len;
	char request_id[128];
	int retry_after_s; /* -1 when absent */
};
int bss_http_global_init(void);
int bss_http_init(struct bss_client *c, char *err, size_t errlen);
void bss_http_cleanup(struct bss_client *c);
/* One signed attempt. The URL path and query are already built and encoded.
 * Returns 0 when an exchange happened (see res->status / curl_code), or
 * -errno for a local failure (allocation, signing). */
int bss_http_perform(struct bss_client *c, const struct bss_op *op, struct bss_opstate *s,
		     const char *path, const char *query, const char *body, size_t body_len,
		     int timeout_ms, struct bss_http_result *res);
void bss_http_result_free(struct bss_http_result *res);

/* ---- errors.c ---- */
void bss_error_reset(struct bss_error *err, const char *op);
void bss_error_set(struct bss_error *err, int http_status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The error code of a 2xx answer ("" when none or CBC.0000). */
bool bss_body_has_error(json_object *ans);

/* ---- retry.c ---- */
/* bss_client_call for a given operation entry (tests pass ops outside the
 * table; their counters go to the entry of the same name, else a spare). */
int bss_client_call_op(struct bss_client *c, const struct bss_op *op, const struct bss_request *req,
		       json_object **out, struct bss_error *err);
/* An accepted answer kept as bytes (bss_client_call_op_raw). */
struct bss_raw_answer {
	char *body; /* NUL-terminated, owned by the caller (free); NULL when empty */
	size_t body_len;
	bool has_total; /* op->total_key holds an integer */
	int64_t total;	/* that integer, else -1 */
	size_t records; /* length of the op->records_key array, 0 when absent */
};
/* bss_client_call_op, keeping the accepted answer as bytes: the answer is
 * scanned without building a tree (unparsable answers are retried, error
 * answers classified as usual) to fill the summary.  On failure raw->body
 * is NULL. */
int bss_client_call_op_raw(struct bss_client *c, const struct bss_op *op,
			   const struct bss_request *req, struct bss_raw_answer *raw,
			   struct bss_error *err);
/* The scanner behind it: fills raw's summary (not body) from an answer's
 * text; *error: a top-level error_code other than "" and CBC.0000.
 * Returns -1 (why set) for text bss_json_parse refuses, else 0. */
int bss_scan_answer(const struct bss_op *op, const char *body, size_t len,
		    struct bss_raw_answer *raw, bool *error, char *why, size_t whylen);
/* Builds "path?query" parts for a request: path with {params} filled and
 * encoded, wire query. Caller frees both. */
int bss_build_target(struct bss_client *c, const struct bss_op *op, const struct bss_request *req,
		     char **path, char **query, struct bss_error *err);

/* ---- paging.c ---- */
int bss_client_fetch_all_op(struct bss_client *c, const struct bss_op *op,
			    const struct bss_request *req, bss_page_fn fn, void *ctx,
			    struct bss_error *err);

/* High-water marks of bss_client_fetch_all since the last reset, over the
 * whole process (for tests): pages waiting in windows, their raw bytes, and
 * delivered trees alive at once. reset: restart them from the current
 * values. */
struct bss_paging_peaks {
	size_t pages, bytes, trees;
};
void bss_paging_peaks(struct bss_paging_peaks *out, bool reset);

/* ---- stats.c ---- */
void bss_stats_attempt(struct bss_opstate *s, long status, size_t bytes, int64_t latency_ms,
		       bool retry);
void bss_stats_error(struct bss_opstate *s);

#endif
