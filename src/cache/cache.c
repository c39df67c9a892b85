/* The cache table, single flight, fetch workers, freshness, stale serving
 * and trimming.  See bssfs/cache.h; files on disk are in store.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bssfs/cache.h"
#include "bssfs/clock.h"
#include "bssfs/log.h"
#include "cache_internal.h"

struct entry {
	struct entry *next;  /* table chain; immutable once linked */
	struct cache_meta m; /* guarded by cache.lock; m.key immutable */
	char name[CACHE_NAME_LEN + 1];
	bool present;  /* a complete data file exists; lock */
	bool fetching; /* a fetch runs or is queued; lock */
	bool queued;   /* its fetch is queued, not started (a sibling may claim it); lock */
	bool dropped;  /* dropped while fetching: install as stale; lock */
	int last_rc;   /* result of the last fetch; lock */
	struct bss_error *last_err; /* of the last failed fetch, else NULL; lock */
	int64_t last_access_ms;	    /* for trimming; lock */
	int tmp_fd;		    /* temp file of the running fetch or -1 (progress); lock */
};

struct job {
	struct job *next;
	struct entry *e;
};

struct class_counters {
	uint64_t hits, misses, stale_served, fetches, errors;
};

struct bss_cache {
	struct bss_cache_config cfg; /* immutable after new */
	char *dir, *variant;	     /* immutable */
	pthread_mutex_t lock;
	pthread_cond_t done;  /* broadcast when a fetch ends; with lock */
	pthread_cond_t work;  /* signalled when a job is queued; with lock */
	struct entry **table; /* lock */
	size_t nbuckets;
	size_t nentries;				 /* lock */
	struct job *queue_head, *queue_tail;		 /* lock */
	bool stopping;					 /* lock */
	uint64_t bytes;					 /* sum of present entries' sizes; lock */
	uint64_t trimmed;				 /* lock */
	struct class_counters counters[BSS_FRESH_COUNT]; /* lock */
	pthread_t *threads;
	int nthreads;
};

static __thread bool in_worker; /* this thread is a fetch worker: nested fetches run inline */

static size_t hash_key(const char *k)
{
	size_t h = 5381;
	for (; *k; k++)
		h = h * 33 + (unsigned char)*k;
	return h;
}

/* LOCKS_REQUIRED(c->lock) */
static struct entry *find(struct bss_cache *c, const char *key)
{
	for (struct entry *e = c->table[hash_key(key) % c->nbuckets]; e; e = e->next)
		if (!strcmp(e->m.key, key))
			return e;
	return NULL;
}

/* LOCKS_REQUIRED(c->lock) */
static struct entry *find_or_add(struct bss_cache *c, const char *key)
{
	struct entry *e = find(c, key);
	if (e)
		return e;
	e = calloc(1, sizeof(*e));
	if (!e || !(e->m.key = strdup(key))) {
		free(e);
		return NULL;
	}
	e->tmp_fd = -1;
	cache_name_for(c->variant, key, e->name);
	size_t b = hash_key(key) % c->nbuckets;
	e->next = c->table[b];
	c->table[b] = e;
	c->nentries++;
	return e;
}

static bool is_fresh(const struct entry *e, const struct bss_cache_req *req, int64_t now_ms)
{
	if (!e->present)
		return false;
	if (req->fresh == BSS_FRESH_CLOSED)
		/* final only if fetched after the close (an open month's copy is not) */
		return req->fixed_mtime > 0 && e->m.fetched_ms / 1000 >= req->fixed_mtime;
	int64_t ttl = bss_fresh_ttl_s(req->fresh);
	if (ttl < 0)
		return true;
	return e->m.fetched_ms > 0 && now_ms - e->m.fetched_ms < ttl * 1000 &&
	       now_ms >= e->m.fetched_ms;
}

/* LOCKS_REQUIRED(c->lock) */
static void remove_files(struct bss_cache *c, struct entry *e)
{
	char p[4096];
	if (cache_path(c->dir, e->name, ".meta", p, sizeof(p)) == 0)
		unlink(p);
	if (cache_path(c->dir, e->name, ".data", p, sizeof(p)) == 0)
		unlink(p);
	if (e->present && c->bytes >= e->m.size)
		c->bytes -= e->m.size;
	e->present = false;
}

/* Trims least recently used entries until under the bound.
 * LOCKS_REQUIRED(c->lock) */
static void trim(struct bss_cache *c)
{
	while (c->bytes > c->cfg.max_bytes) {
		struct entry *victim = NULL;
		for (size_t b = 0; b < c->nbuckets; b++)
			for (struct entry *e = c->table[b]; e; e = e->next)
				if (e->present && !e->fetching &&
				    (!victim || e->last_access_ms < victim->last_access_ms))
					victim = e;
		if (!victim)
			break;
		remove_files(c, victim);
		c->trimmed++;
	}
}

static void set_error(struct bss_error *err, const char *code, const char *msg)
{
	memset(err, 0, sizeof(*err));
	snprintf(err->code, sizeof(err->code), "%s", code);
	snprintf(err->message, sizeof(err->message), "%s", msg);
}

/* One output of a fetch being written: the main key or a sibling. */
struct output {
	struct entry *e;
	struct bss_cache_req req; /* req.key points into e */
	char tmp[4096];
	int fd;
	FILE *f;
	bool abandoned; /* the producer gave it up: discard it */
};

#define MAX_SIBLINGS 2

/* The fetch running on this thread (a fetch may run another inline). */
struct running {
	struct bss_cache *c;
	struct output sib[MAX_SIBLINGS];
	int n_sib;
	struct running *outer;
};
static __thread struct running *current;

/* Creates the temp file of an output. LOCKS_EXCLUDED(c->lock) */
static int output_open(struct bss_cache *c, struct output *o, struct bss_error *err)
{
	o->f = NULL;
	int rc = cache_path(c->dir, "tmp.XXXXXX", "", o->tmp, sizeof(o->tmp));
	o->fd = rc < 0 ? -1 : mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		o->tmp[0] = 0;
		set_error(err, "BSSFS.CACHE", "cannot create a file in the cache directory");
		return rc < 0 ? rc : -errno;
	}
	if (!(o->f = fdopen(o->fd, "w"))) {
		rc = -errno;
		close(o->fd);
		o->fd = -1;
		unlink(o->tmp);
		o->tmp[0] = 0;
		return rc;
	}
	return 0;
}

/* Flushes and hashes an output (rc is the producer's result), then closes
 * it. Returns the final result. LOCKS_EXCLUDED(c->lock) */
static int output_close(struct bss_cache *c, struct output *o, int rc, uint64_t *size,
			unsigned char sha[32], struct bss_error *err)
{
	if (!o->f)
		return rc < 0 ? rc : -EIO;
	if ((fflush(o->f) != 0 || ferror(o->f)) && rc == 0) {
		rc = -EIO;
		set_error(err, "BSSFS.CACHE", "cannot write the cache file");
	}
	if (rc == 0 && fsync(fileno(o->f)) < 0)
		rc = -EIO;
	if (rc == 0)
		rc = cache_hash_fd(fileno(o->f), size, sha);
	pthread_mutex_lock(&c->lock);
	o->e->tmp_fd = -1; /* before the descriptor is closed and its number reused */
	pthread_mutex_unlock(&c->lock);
	fclose(o->f);
	o->f = NULL;
	if (rc < 0 && o->tmp[0])
		unlink(o->tmp);
	return rc;
}

/* Installs a finished output (or records its failure) and wakes waiters.
 * LOCKS_REQUIRED(c->lock) */
static void output_install(struct bss_cache *c, struct output *o, int rc, uint64_t size,
			   const unsigned char sha[32], struct bss_error *err, bool count)
{
	struct entry *e = o->e;
	const struct bss_cache_req *req = &o->req;
	char data[4096];
	int64_t now = bss_wall_ms();
	struct class_counters *cc = &c->counters[req->fresh < BSS_FRESH_COUNT ? req->fresh : 0];
	if (count)
		cc->fetches++;
	e->last_rc = rc;
	free(e->last_err);
	e->last_err = NULL;
	if (rc == 0) {
		bool same = e->present && e->m.size == size && !memcmp(e->m.sha, sha, 32);
		if (same) {
			unlink(o->tmp);
		} else if (cache_path(c->dir, e->name, ".data", data, sizeof(data)) < 0 ||
			   rename(o->tmp, data) < 0) {
			unlink(o->tmp);
			e->last_rc = rc = -EIO;
			set_error(err, "BSSFS.CACHE", "cannot rename into the cache");
		} else {
			if (e->present && c->bytes >= e->m.size)
				c->bytes -= e->m.size;
			c->bytes += size;
			e->m.size = size;
			memcpy(e->m.sha, sha, 32);
			e->m.mtime = now / 1000;
		}
		if (rc == 0) {
			if (req->fixed_mtime > 0)
				e->m.mtime = req->fixed_mtime;
			e->m.fixed_mtime = req->fixed_mtime;
			e->m.fresh = req->fresh;
			e->m.fetched_ms = e->dropped ? 0 : now;
			e->present = true;
			if (cache_meta_write(c->dir, e->name, &e->m) < 0)
				bss_warn("cache: cannot write the metadata of %s", e->m.key);
		}
	} else if (count) {
		cc->errors++;
	}
	if (rc < 0 && (e->last_err = malloc(sizeof(*e->last_err))))
		*e->last_err = *err;
	e->dropped = false;
	e->fetching = false;
	e->tmp_fd = -1;
	pthread_cond_broadcast(&c->done);
}

FILE *bss_cache_sibling(const struct bss_cache_req *req)
{
	struct running *r = current;
	if (!r || r->n_sib >= MAX_SIBLINGS)
		return NULL;
	struct bss_cache *c = r->c;
	pthread_mutex_lock(&c->lock);
	struct entry *e = find_or_add(c, req->key);
	if (!e || (e->fetching && !e->queued)) { /* someone else fetches it */
		pthread_mutex_unlock(&c->lock);
		return NULL;
	}
	e->queued = false; /* a queued job of it is claimed: the worker skips it */
	e->fetching = true;
	pthread_mutex_unlock(&c->lock);
	struct output *o = &r->sib[r->n_sib];
	memset(o, 0, sizeof(*o));
	o->e = e;
	o->req = *req;
	o->req.key = e->m.key;
	struct bss_error err;
	memset(&err, 0, sizeof(err));
	if (output_open(c, o, &err) < 0) {
		pthread_mutex_lock(&c->lock);
		e->fetching = false;
		pthread_cond_broadcast(&c->done);
		pthread_mutex_unlock(&c->lock);
		return NULL;
	}
	pthread_mutex_lock(&c->lock);
	e->tmp_fd = o->fd;
	pthread_mutex_unlock(&c->lock);
	r->n_sib++;
	return o->f;
}

void bss_cache_sibling_abandon(FILE *f)
{
	struct running *r = current;
	for (int i = 0; r && f && i < r->n_sib; i++)
		if (r->sib[i].f == f)
			r->sib[i].abandoned = true;
}

/* Runs one fetch for e (e->fetching already set by the caller) and
 * installs the result, with any siblings the producer wrote.
 * LOCKS_EXCLUDED(c->lock) */
static void run_fetch(struct bss_cache *c, struct entry *e, const struct bss_cache_req *req)
{
	struct bss_error err;
	memset(&err, 0, sizeof(err));
	struct output main_out = {.e = e, .req = *req};
	main_out.req.key = e->m.key;
	struct running run = {.c = c, .outer = current};
	int rc = output_open(c, &main_out, &err);
	pthread_mutex_lock(&c->lock);
	e->tmp_fd = main_out.fd;
	pthread_mutex_unlock(&c->lock);
	if (rc == 0) {
		current = &run;
		rc = c->cfg.fetch(c->cfg.fetch_ctx, req->key, main_out.f, &err);
		current = run.outer;
	}
	uint64_t size = 0;
	unsigned char sha[32] = {0};
	rc = output_close(c, &main_out, rc, &size, sha, &err);
	struct {
		int rc;
		uint64_t size;
		unsigned char sha[32];
		struct bss_error err;
	} sib[MAX_SIBLINGS];
	for (int i = 0; i < run.n_sib; i++) {
		sib[i].err = err;
		sib[i].size = 0;
		memset(sib[i].sha, 0, 32);
		int src = rc;
		if (run.sib[i].abandoned && src == 0) {
			src = -EIO;
			set_error(&sib[i].err, "BSSFS.RENDER",
				  "this rendering of the answer failed");
		}
		sib[i].rc =
		    output_close(c, &run.sib[i], src, &sib[i].size, sib[i].sha, &sib[i].err);
	}

	pthread_mutex_lock(&c->lock);
	output_install(c, &main_out, rc, size, sha, &err, true);
	for (int i = 0; i < run.n_sib; i++)
		output_install(c, &run.sib[i], sib[i].rc, sib[i].size, sib[i].sha, &sib[i].err,
			       false);
	trim(c);
	pthread_mutex_unlock(&c->lock);
}

struct queued {
	struct job job;
	struct bss_cache_req req;
	char key_storage[];
};

static void *worker_main(void *arg)
{
	struct bss_cache *c = arg;
	in_worker = true;
	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!c->queue_head && !c->stopping)
			pthread_cond_wait(&c->work, &c->lock);
		if (!c->queue_head)
			break;
		struct queued *q = (struct queued *)c->queue_head;
		c->queue_head = q->job.next;
		if (!c->queue_head)
			c->queue_tail = NULL;
		if (!q->job.e->queued) { /* claimed as a sibling of another fetch */
			free(q);
			continue;
		}
		q->job.e->queued = false;
		pthread_mutex_unlock(&c->lock);
		run_fetch(c, q->job.e, &q->req);
		free(q);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* Queues a fetch of e. LOCKS_REQUIRED(c->lock) */
static int enqueue(struct bss_cache *c, struct entry *e, const struct bss_cache_req *req)
{
	size_t kl = strlen(req->key) + 1;
	struct queued *q = calloc(1, sizeof(*q) + kl);
	if (!q)
		return -ENOMEM;
	memcpy(q->key_storage, req->key, kl);
	q->req = *req;
	q->req.key = q->key_storage;
	q->job.e = e;
	if (c->queue_tail)
		c->queue_tail->next = &q->job;
	else
		c->queue_head = &q->job;
	c->queue_tail = &q->job;
	e->fetching = true;
	e->queued = true;
	pthread_cond_signal(&c->work);
	return 0;
}

static void fill_info(const struct entry *e, struct bss_cache_info *info, bool stale)
{
	if (!info)
		return;
	info->size = e->m.size;
	info->mtime = e->m.mtime;
	info->fetched_ms = e->m.fetched_ms;
	info->stale = stale;
}

/* LOCKS_REQUIRED(c->lock) */
static int open_data(struct bss_cache *c, struct entry *e, int *fd)
{
	if (!fd)
		return 0;
	char p[4096];
	int rc = cache_path(c->dir, e->name, ".data", p, sizeof(p));
	if (rc < 0)
		return rc;
	*fd = open(p, O_RDONLY | O_CLOEXEC);
	return *fd < 0 ? -errno : 0;
}

static void deadline_ts(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int bss_cache_get(struct bss_cache *c, const struct bss_cache_req *req, struct bss_cache_info *info,
		  int *fd, struct bss_error *err)
{
	if (fd)
		*fd = -1;
	if (err)
		memset(err, 0, sizeof(*err));
	enum bss_fresh cls = req->fresh < BSS_FRESH_COUNT ? req->fresh : BSS_FRESH_LIVE;
	pthread_mutex_lock(&c->lock);
	struct entry *e = find_or_add(c, req->key);
	if (!e) {
		pthread_mutex_unlock(&c->lock);
		return -ENOMEM;
	}
	int64_t now = bss_wall_ms();
	e->last_access_ms = now;
	if (!e->fetching && is_fresh(e, req, now)) {
		c->counters[cls].hits++;
		fill_info(e, info, false);
		int rc = open_data(c, e, fd);
		pthread_mutex_unlock(&c->lock);
		return rc;
	}
	c->counters[cls].misses++;
	bool retried = false;
again:
	if (in_worker && e->fetching && e->queued) {
		/* a fetch needed by the fetch this worker runs is still queued:
		 * run it here rather than wait for a free worker */
		e->queued = false;
		pthread_mutex_unlock(&c->lock);
		run_fetch(c, e, req);
		pthread_mutex_lock(&c->lock);
	} else if (!e->fetching) {
		if (in_worker) {
			e->fetching = true;
			pthread_mutex_unlock(&c->lock);
			run_fetch(c, e, req);
			pthread_mutex_lock(&c->lock);
		} else if (enqueue(c, e, req) < 0) {
			pthread_mutex_unlock(&c->lock);
			return -ENOMEM;
		}
	}
	struct timespec ts;
	deadline_ts(&ts, c->cfg.timeout_ms);
	bool timed_out = false;
	off_t seen = 0;
	while (e->fetching && !timed_out) {
		timed_out = pthread_cond_timedwait(&c->done, &c->lock, &ts) == ETIMEDOUT;
		/* a fetch that keeps writing is slow, not stuck: wait on */
		struct stat st;
		if (timed_out && e->fetching && e->tmp_fd >= 0 && fstat(e->tmp_fd, &st) == 0 &&
		    st.st_size > seen) {
			seen = st.st_size;
			deadline_ts(&ts, c->cfg.timeout_ms);
			timed_out = false;
		}
	}
	if (!e->fetching && e->last_rc == 0 && !e->present && !retried) {
		retried = true; /* dropped by a refresh as it was installed */
		goto again;
	}
	int rc;
	if (!e->fetching && e->last_rc == 0 && e->present) {
		fill_info(e, info, false);
		rc = open_data(c, e, fd);
	} else if (e->present && (e->fetching || e->last_rc != -ENOENT)) {
		c->counters[cls].stale_served++;
		if (e->fetching)
			bss_warn(
			    "cache: %s: fetch still running after %d ms, serving stale content",
			    req->key, c->cfg.timeout_ms);
		else
			bss_warn("cache: %s: refetch failed (%s %s), serving stale content",
				 req->key, e->last_err ? e->last_err->code : "-",
				 e->last_err ? e->last_err->request_id : "");
		fill_info(e, info, true);
		rc = open_data(c, e, fd);
	} else if (e->fetching) {
		rc = -EIO;
		if (err)
			set_error(err, "BSSFS.TIMEOUT",
				  "the API did not answer within the timeout");
	} else {
		rc = e->last_rc ? e->last_rc : -EIO;
		if (err)
			*err = e->last_err ? *e->last_err : (struct bss_error){0};
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int bss_cache_peek(struct bss_cache *c, const char *key, struct bss_cache_info *info)
{
	pthread_mutex_lock(&c->lock);
	struct entry *e = find(c, key);
	int rc = e && e->present ? 0 : -ENOENT;
	if (rc == 0)
		fill_info(e, info, false);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

void bss_cache_prefetch(struct bss_cache *c, const struct bss_cache_req *req)
{
	pthread_mutex_lock(&c->lock);
	struct entry *e = find_or_add(c, req->key);
	if (e && !e->fetching && !is_fresh(e, req, bss_wall_ms()))
		enqueue(c, e, req);
	pthread_mutex_unlock(&c->lock);
}

int bss_cache_drop(struct bss_cache *c, const char *prefix)
{
	bool all = !prefix || !strcmp(prefix, "all") || !prefix[0];
	size_t pl = all ? 0 : strlen(prefix);
	int n = 0;
	pthread_mutex_lock(&c->lock);
	for (size_t b = 0; b < c->nbuckets; b++)
		for (struct entry *e = c->table[b]; e; e = e->next) {
			const char *k = e->m.key;
			if (!all && !(strncmp(k, prefix, pl) == 0 && (k[pl] == 0 || k[pl] == '/')))
				continue;
			if (e->fetching)
				e->dropped = true;
			if (e->present || e->fetching)
				n++;
			remove_files(c, e);
			e->m.fetched_ms = 0;
		}
	pthread_mutex_unlock(&c->lock);
	return n;
}

json_object *bss_cache_stats(struct bss_cache *c)
{
	json_object *o = json_object_new_object(), *cls = json_object_new_object();
	pthread_mutex_lock(&c->lock);
	for (int f = 0; f < BSS_FRESH_COUNT; f++) {
		const struct class_counters *cc = &c->counters[f];
		json_object *x = json_object_new_object();
		json_object_object_add(x, "hits", json_object_new_int64((int64_t)cc->hits));
		json_object_object_add(x, "misses", json_object_new_int64((int64_t)cc->misses));
		json_object_object_add(x, "stale_served",
				       json_object_new_int64((int64_t)cc->stale_served));
		json_object_object_add(x, "fetches", json_object_new_int64((int64_t)cc->fetches));
		json_object_object_add(x, "errors", json_object_new_int64((int64_t)cc->errors));
		json_object_object_add(cls, bss_fresh_name((enum bss_fresh)f), x);
	}
	struct class_counters tot = {0};
	for (int f = 0; f < BSS_FRESH_COUNT; f++) {
		tot.hits += c->counters[f].hits;
		tot.misses += c->counters[f].misses;
		tot.stale_served += c->counters[f].stale_served;
		tot.fetches += c->counters[f].fetches;
		tot.errors += c->counters[f].errors;
	}
	json_object_object_add(o, "hits", json_object_new_int64((int64_t)tot.hits));
	json_object_object_add(o, "misses", json_object_new_int64((int64_t)tot.misses));
	json_object_object_add(o, "stale_served", json_object_new_int64((int64_t)tot.stale_served));
	json_object_object_add(o, "fetches", json_object_new_int64((int64_t)tot.fetches));
	json_object_object_add(o, "errors", json_object_new_int64((int64_t)tot.errors));
	size_t present = 0;
	for (size_t b = 0; b < c->nbuckets; b++)
		for (struct entry *e = c->table[b]; e; e = e->next)
			present += e->present;
	json_object_object_add(o, "classes", cls);
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)c->bytes));
	json_object_object_add(o, "max_bytes", json_object_new_int64((int64_t)c->cfg.max_bytes));
	json_object_object_add(o, "entries", json_object_new_int64((int64_t)present));
	json_object_object_add(o, "trimmed", json_object_new_int64((int64_t)c->trimmed));
	json_object_object_add(o, "dir", json_object_new_string(c->dir));
	pthread_mutex_unlock(&c->lock);
	return o;
}

const char *bss_cache_dir(const struct bss_cache *c)
{
	return c->dir;
}

/* Loads the sidecars earlier mounts left; removes temp files and orphans.
 * Called before the workers start. */
static void load_index(struct bss_cache *c)
{
	DIR *d = opendir(c->dir);
	if (!d)
		return;
	struct dirent *de;
	char p[4096];
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		if (!strncmp(n, "tmp.", 4)) {
			if (cache_path(c->dir, n, "", p, sizeof(p)) == 0)
				unlink(p);
			continue;
		}
		size_t len = strlen(n);
		if (len != CACHE_NAME_LEN + 5 || strcmp(n + CACHE_NAME_LEN, ".meta"))
			continue;
		struct cache_meta m;
		struct stat st;
		char data[4096], name[CACHE_NAME_LEN + 1];
		memcpy(name, n, CACHE_NAME_LEN);
		name[CACHE_NAME_LEN] = 0;
		if (cache_path(c->dir, n, "", p, sizeof(p)) < 0 ||
		    cache_path(c->dir, name, ".data", data, sizeof(data)) < 0)
			continue;
		if (cache_meta_read(p, &m) < 0) {
			unlink(p);
			unlink(data);
			continue;
		}
		char expect[CACHE_NAME_LEN + 1];
		cache_name_for(c->variant, m.key, expect);
		if (strcmp(expect, name) != 0 || stat(data, &st) < 0 ||
		    (uint64_t)st.st_size != m.size) {
			unlink(p);
			unlink(data);
			free(m.key);
			continue;
		}
		struct entry *e = find_or_add(c, m.key);
		if (e) {
			free(e->m.key);
			e->m = m;
			e->present = true;
			e->last_access_ms = (int64_t)st.st_atime * 1000;
			c->bytes += m.size;
		} else {
			free(m.key);
		}
	}
	closedir(d);
}

int bss_cache_new(const struct bss_cache_config *cfg, struct bss_cache **out, char *err,
		  size_t errlen)
{
	*out = NULL;
	if (!cfg->dir || !cfg->fetch) {
		snprintf(err, errlen, "cache: no directory or fetch function");
		return -EINVAL;
	}
	int rc = cache_mkdir_private(cfg->dir);
	if (rc < 0) {
		snprintf(err, errlen, "cannot create the cache directory %s: %s", cfg->dir,
			 strerror(-rc));
		return rc;
	}
	struct bss_cache *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->done, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&c->work, NULL);
	c->cfg = *cfg;
	if (!c->cfg.max_bytes)
		c->cfg.max_bytes = BSS_CACHE_DEFAULT_MAX_BYTES;
	if (c->cfg.workers <= 0)
		c->cfg.workers = 4;
	if (c->cfg.timeout_ms <= 0)
		c->cfg.timeout_ms = 30000;
	c->dir = strdup(cfg->dir);
	c->variant = strdup(cfg->variant ? cfg->variant : "");
	c->nbuckets = 1024;
	c->table = calloc(c->nbuckets, sizeof(*c->table));
	c->threads = calloc((size_t)c->cfg.workers, sizeof(pthread_t));
	if (!c->dir || !c->variant || !c->table || !c->threads) {
		bss_cache_free(c);
		return -ENOMEM;
	}
	c->cfg.dir = c->dir;
	c->cfg.variant = c->variant;
	load_index(c);
	trim(c);
	for (int i = 0; i < c->cfg.workers; i++) {
		if (pthread_create(&c->threads[i], NULL, worker_main, c) != 0)
			break;
		c->nthreads++;
	}
	if (c->nthreads == 0) {
		snprintf(err, errlen, "cache: cannot start fetch threads");
		bss_cache_free(c);
		return -EAGAIN;
	}
	*out = c;
	return 0;
}

void bss_cache_free(struct bss_cache *c)
{
	if (!c)
		return;
	{
		pthread_mutex_lock(&c->lock);
		c->stopping = true;
		/* queued jobs that never ran */
		while (c->queue_head) {
			struct queued *q = (struct queued *)c->queue_head;
			c->queue_head = q->job.next;
			q->job.e->fetching = false;
			q->job.e->queued = false;
			free(q);
		}
		c->queue_tail = NULL;
		pthread_cond_broadcast(&c->work);
		pthread_mutex_unlock(&c->lock);
	}
	for (int i = 0; i < c->nthreads; i++)
		pthread_join(c->threads[i], NULL);
	for (size_t b = 0; c->table && b < c->nbuckets; b++)
		for (struct entry *e = c->table[b], *n; e; e = n) {
			n = e->next;
			free(e->m.key);
			free(e->last_err);
			free(e);
		}
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->done);
	pthread_cond_destroy(&c->work);
	free(c->table);
	free(c->threads);
	free(c->dir);
	free(c->variant);
	free(c);
}
