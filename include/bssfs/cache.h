/* The content cache: whole rendered files on disk, fetched once, swapped
 * atomically.
 *
 * Owns: the cache directory (0700): one data file and one metadata sidecar
 * per cached path, written by temp file + rename; freshness by class
 * (bssfs/tree.h TTLs, with the injectable clock of bssfs/clock.h); single
 * flight (concurrent readers of one missing path cause one fetch); a small
 * pool of fetch workers (for prefetching a listing's files and for the
 * request deadline); stale serving when a refetch fails; stable mtimes (a
 * refetch that yields identical bytes changes nothing); the size bound,
 * trimmed least recently used first; counters per freshness class.
 *
 * Does not know what a key means: content comes from the fetch function
 * the owner installs, which writes the complete content to a FILE*.  Only
 * complete content is ever installed; an fd returned by bss_cache_get
 * keeps the bytes it opened across refreshes and drops. */
#ifndef BSSFS_CACHE_H
#define BSSFS_CACHE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bssfs/client.h"
#include "bssfs/tree.h"

/* Writes the whole content of `key` to out. 0 or -errno with err filled
 * (err is zeroed before the call). Runs on a cache worker thread or the
 * caller's thread; may call bss_cache_get for other keys (not its own). */
typedef int (*bss_cache_fetch_fn)(void *ctx, const char *key, FILE *out, struct bss_error *err);

#define BSS_CACHE_DEFAULT_MAX_BYTES (2ULL << 30)

struct bss_cache_config {
	const char *dir;     /* created (with parents) mode 0700 if missing */
	uint64_t max_bytes;  /* 0 = BSS_CACHE_DEFAULT_MAX_BYTES */
	int workers;	     /* fetch threads, 0 = 4 */
	int timeout_ms;	     /* how long a caller waits for a fetch; 0 = 30000 */
	const char *variant; /* mixed into on-disk names (rendering options) */
	bss_cache_fetch_fn fetch;
	void *fetch_ctx;
};

struct bss_cache_req {
	const char *key;      /* the tree path */
	enum bss_fresh fresh; /* resolved class (not BSS_FRESH_MONTH) */
	int64_t fixed_mtime;  /* closed months: the close time (Unix s); 0 = none */
};

struct bss_cache_info {
	uint64_t size;
	int64_t mtime;	    /* Unix seconds */
	int64_t fetched_ms; /* wall time of the last successful fetch */
	bool stale;	    /* served although not fresh (the refetch failed) */
};

struct bss_cache;

/* 0 or -errno (a message for the log is written to err). Loads the index
 * of what earlier mounts left and trims to the bound. */
int bss_cache_new(const struct bss_cache_config *cfg, struct bss_cache **out, char *err,
		  size_t errlen);
/* Waits for running fetches and stops the workers. Accepts NULL. */
void bss_cache_free(struct bss_cache *c);

/* Makes sure fresh content is present (fetching it if missing or stale,
 * waiting at most the timeout) and fills info.  When fd is non-NULL an
 * O_RDONLY descriptor of that content is returned in *fd (caller closes).
 * On a failed fetch, content already cached is served (info->stale) unless
 * the error is -ENOENT; otherwise the fetch's -errno and err are returned.
 * A fetch still running after the timeout gives -EIO with code
 * "BSSFS.TIMEOUT" (the fetch goes on and will fill the cache). */
int bss_cache_get(struct bss_cache *c, const struct bss_cache_req *req, struct bss_cache_info *info,
		  int *fd, struct bss_error *err);

/* Called by a fetch function while it runs: opens the output of another
 * key that the same answers produce (NAME.csv while fetching NAME.json),
 * so one fetch fills both. The sibling is installed when the fetch
 * succeeds and discarded when it fails. NULL when the sibling is being
 * fetched already (or outside a fetch): then write nothing for it. */
FILE *bss_cache_sibling(const struct bss_cache_req *req);
/* The producer could not complete a sibling: it is discarded (with an
 * error for whoever waits for it) even if the fetch succeeds. */
void bss_cache_sibling_abandon(FILE *sibling);

/* Info of whatever content is cached for key, fresh or not, without any
 * fetch. 0 or -ENOENT. */
int bss_cache_peek(struct bss_cache *c, const char *key, struct bss_cache_info *info);

/* Queues a background fetch when the content is missing or stale and no
 * fetch runs (a listing's files). Never blocks on the network. */
void bss_cache_prefetch(struct bss_cache *c, const struct bss_cache_req *req);

/* Drops cached content (and its files) so the next access refetches:
 * prefix NULL or "all" drops everything, otherwise the key equal to prefix
 * and every key under prefix + "/". Returns the number of entries dropped.
 * Open descriptors keep their bytes. */
int bss_cache_drop(struct bss_cache *c, const char *prefix);

/* {"hits", "misses", "stale_served", "fetches", "errors" (totals),
 * "classes": {"<class>": {the same per freshness class}}, "bytes",
 * "max_bytes", "entries", "trimmed", "dir"}. Caller owns the result. */
json_object *bss_cache_stats(struct bss_cache *c);

/* The cache directory in use. */
const char *bss_cache_dir(const struct bss_cache *c);

#endif
