/* bss_client_fetch_all: every page of a paged operation, in order.
 *
 * Offset-style operations (query, body, page number): the first page gives
 * the total; the other pages are fetched by up to max_concurrency worker
 * threads (each call goes through the operation's rate limit and
 * concurrency cap) and handed to the callback strictly in order.  A worker
 * may only fetch page k while k < next_deliver + window (workers + 1).
 *
 * Memory: a page of 1000 wide records is ~1.4 MB of JSON and several
 * times that as a json-c tree, so the window keeps raw bodies, not trees.
 * A worker's answer is only scanned, without a tree, to classify it
 * (unparsable answers are retried) and to check total and record count
 * (bss_client_call_op_raw); the delivering thread parses the bytes right
 * before the callback and frees the tree when it returns.  At most: window
 * raw bodies and one delivered tree.  Marker style and offset operations
 * without a total are fetched one page after the other.  Workers are
 * joined before returning. */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bssfs/jsonx.h"
#include "bssfs/log.h"
#include "client_internal.h"

#define MAX_SEQ_PAGES 1000000

/* A window entry: the raw body of a fetched, checked page. */
struct slot {
	bool ready;
	char *body; /* NUL-terminated, owned */
	size_t len;
};

/* Process-wide high-water marks, for tests (bss_paging_peaks). */
static atomic_size_t held_pages, held_bytes, live_trees;
static atomic_size_t peak_pages, peak_bytes, peak_trees;

static void raise_peak(atomic_size_t *peak, size_t v)
{
	size_t cur = atomic_load(peak);
	while (v > cur && !atomic_compare_exchange_weak(peak, &cur, v))
		;
}

static void held_add(size_t bytes)
{
	raise_peak(&peak_pages, atomic_fetch_add(&held_pages, 1) + 1);
	raise_peak(&peak_bytes, atomic_fetch_add(&held_bytes, bytes) + bytes);
}

static void held_sub(size_t bytes)
{
	atomic_fetch_sub(&held_pages, 1);
	atomic_fetch_sub(&held_bytes, bytes);
}

static void tree_add(void)
{
	raise_peak(&peak_trees, atomic_fetch_add(&live_trees, 1) + 1);
}

static void tree_sub(void)
{
	atomic_fetch_sub(&live_trees, 1);
}

void bss_paging_peaks(struct bss_paging_peaks *out, bool reset)
{
	out->pages = atomic_load(&peak_pages);
	out->bytes = atomic_load(&peak_bytes);
	out->trees = atomic_load(&peak_trees);
	if (reset) {
		atomic_store(&peak_pages, atomic_load(&held_pages));
		atomic_store(&peak_bytes, atomic_load(&held_bytes));
		atomic_store(&peak_trees, atomic_load(&live_trees));
	}
}

struct pager {
	struct bss_client *c;
	const struct bss_op *op;
	const struct bss_request *req;
	const char *body_text; /* the caller's body, serialised once, or NULL */
	size_t limit;	       /* page size */
	int64_t total;	       /* from the first page */
	size_t n_pages;
	size_t window;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* guarded by lock: */
	size_t next_claim;   /* next page a worker takes */
	size_t next_deliver; /* next page the caller gets */
	struct slot *slots;  /* window entries, page k at k % window */
	bool stop;
	int rc;
	struct bss_error err;
};

/* Builds the request of one page. kvs (n_query + 2 entries) and numbers
 * are storage owned by the caller; *body_out is a new object or NULL. */
static int page_request(const struct pager *p, size_t k, const char *marker,
			struct bss_request *out, struct bss_kv *kvs, char num[2][32],
			json_object **body_out)
{
	const struct bss_request *req = p->req;
	*out = *req;
	*body_out = NULL;
	size_t offset = p->op->paging == BSS_PAGE_PAGE ? k + 1 : k * p->limit;
	snprintf(num[0], 32, "%zu", offset);
	snprintf(num[1], 32, "%zu", p->limit);
	if (p->op->paging == BSS_PAGE_OFFSET || p->op->paging == BSS_PAGE_PAGE) {
		size_t n = 0;
		for (size_t i = 0; i < req->n_query; i++) {
			const char *name = req->query[i].name;
			if (name && (strcmp(name, "offset") == 0 || strcmp(name, "limit") == 0))
				continue;
			kvs[n++] = req->query[i];
		}
		kvs[n++] = (struct bss_kv){"offset", num[0]};
		kvs[n++] = (struct bss_kv){"limit", num[1]};
		out->query = kvs;
		out->n_query = n;
		return 0;
	}
	json_object *b = NULL;
	if (p->body_text) {
		const char *t = p->body_text;
		if (bss_json_parse(t, strlen(t), &b, NULL, 0) < 0)
			return -ENOMEM;
		if (!json_object_is_type(b, json_type_object)) {
			json_object_put(b);
			return -EINVAL;
		}
	} else if (!(b = json_object_new_object())) {
		return -ENOMEM;
	}
	json_object_object_add(b, "limit", json_object_new_int64((int64_t)p->limit));
	if (p->op->paging == BSS_PAGE_MARKER) {
		json_object_object_del(b, "offset");
		if (marker)
			json_object_object_add(b, "marker", json_object_new_string(marker));
		else
			json_object_object_del(b, "marker");
	} else {
		json_object_object_add(b, "offset", json_object_new_int64((int64_t)offset));
	}
	out->body = b;
	*body_out = b;
	return 0;
}

/* Fetches page k as a tree (ans) or, with raw, as bytes (see
 * bss_client_call_op_raw). */
static int fetch_page(struct pager *p, size_t k, const char *marker, json_object **ans,
		      struct bss_raw_answer *raw, struct bss_error *err)
{
	struct bss_kv *kvs = calloc(p->req->n_query + 2, sizeof(*kvs));
	if (!kvs)
		return -ENOMEM;
	char num[2][32];
	struct bss_request r;
	json_object *body = NULL;
	int rc = page_request(p, k, marker, &r, kvs, num, &body);
	if (rc == 0 && raw)
		rc = bss_client_call_op_raw(p->c, p->op, &r, raw, err);
	else if (rc == 0)
		rc = bss_client_call_op(p->c, p->op, &r, ans, err);
	else
		bss_error_set(err, 0, "BSSFS.BAD_REQUEST", "cannot build page %zu", k);
	json_object_put(body);
	free(kvs);
	return rc;
}

static void inconsistent(struct bss_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void inconsistent(struct bss_error *err, const char *fmt, ...)
{
	err->http_status = 0;
	snprintf(err->code, sizeof(err->code), "BSSFS.INCONSISTENT_PAGES");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

static size_t records_in(const struct bss_op *op, json_object *ans)
{
	json_object *a = op->records_key ? bss_json_get(ans, op->records_key) : NULL;
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static bool total_of(const struct bss_op *op, json_object *ans, int64_t *t)
{
	json_object *v = op->total_key ? bss_json_get(ans, op->total_key) : NULL;
	if (!v || !json_object_is_type(v, json_type_int))
		return false;
	*t = json_object_get_int64(v);
	return *t >= 0;
}

/* Checks page k (its summary) against the first page's total. */
static int check_page(struct pager *p, size_t k, const struct bss_raw_answer *ans,
		      struct bss_error *err)
{
	int64_t t = ans->has_total ? ans->total : -1;
	if (t < 0 || t != p->total) {
		inconsistent(err, "page %zu: total %lld, first page said %lld", k, (long long)t,
			     (long long)p->total);
		return -EIO;
	}
	size_t want = (size_t)p->total - k * p->limit;
	if (want > p->limit)
		want = p->limit;
	size_t got = ans->records;
	if (got != want) {
		inconsistent(err, "page %zu: %lld records, expected %lld", k, (long long)got,
			     (long long)want);
		return -EIO;
	}
	return 0;
}

static void fail(struct pager *p, int rc, const struct bss_error *err)
{
	if (!p->stop) {
		p->stop = true;
		p->rc = rc;
		p->err = *err;
	}
	pthread_cond_broadcast(&p->cond);
}

static void *worker(void *arg)
{
	struct pager *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->next_claim < p->n_pages &&
		       p->next_claim >= p->next_deliver + p->window)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->stop || p->next_claim >= p->n_pages)
			break;
		size_t k = p->next_claim++;
		pthread_mutex_unlock(&p->lock);
		struct bss_error err;
		bss_error_reset(&err, p->op->name);
		struct bss_raw_answer ans = {.total = -1};
		int rc = fetch_page(p, k, NULL, NULL, &ans, &err);
		if (rc == 0)
			rc = check_page(p, k, &ans, &err);
		if (rc == 0 && ans.body) { /* drop the slack of the receive buffer */
			char *b = realloc(ans.body, ans.body_len + 1);
			if (b)
				ans.body = b;
		}
		pthread_mutex_lock(&p->lock);
		if (rc < 0 || p->stop) {
			free(ans.body);
			if (rc < 0)
				fail(p, rc, &err);
			break;
		}
		held_add(ans.body_len);
		p->slots[k % p->window] =
		    (struct slot){.ready = true, .body = ans.body, .len = ans.body_len};
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static int callback_stop(int rc, struct bss_error *err)
{
	snprintf(err->code, sizeof(err->code), "BSSFS.CALLBACK");
	snprintf(err->message, sizeof(err->message), "stopped by the page callback: %s",
		 strerror(-rc));
	return rc;
}

/* Marker style, or offset style without a total: one page after another. */
static int fetch_sequential(struct pager *p, bss_page_fn fn, void *ctx, struct bss_error *err)
{
	char *marker = NULL;
	size_t first = 0;
	int rc = 0;
	for (size_t k = 0; k < MAX_SEQ_PAGES; k++) {
		json_object *ans = NULL;
		rc = fetch_page(p, k, marker, &ans, NULL, err);
		if (rc < 0)
			break;
		size_t n = records_in(p->op, ans);
		const char *next = NULL;
		if (p->op->paging == BSS_PAGE_MARKER) {
			next = bss_json_get_str(bss_json_get(ans, "page_info"), "next_marker");
			if (next && !*next)
				next = NULL;
		}
		char *next_copy = next ? strdup(next) : NULL;
		int cb = fn(ctx, ans, k, first);
		json_object_put(ans);
		first += n;
		if (cb < 0) {
			free(next_copy);
			rc = callback_stop(cb, err);
			break;
		}
		if (next_copy && marker && strcmp(next_copy, marker) == 0) {
			free(next_copy);
			inconsistent(err, "page %zu: next_marker repeats", k);
			rc = -EIO;
			break;
		}
		free(marker);
		marker = next_copy;
		bool last = p->op->paging == BSS_PAGE_MARKER ? marker == NULL : n < p->limit;
		if (last)
			break;
	}
	free(marker);
	return rc;
}

static int fetch_parallel(struct pager *p, json_object *first, bss_page_fn fn, void *ctx,
			  struct bss_error *err)
{
	size_t workers = (size_t)p->c->max_concurrency;
	if (workers > p->n_pages - 1)
		workers = p->n_pages - 1;
	p->window = workers + 1;
	p->next_claim = 1;
	p->next_deliver = 1;
	p->slots = calloc(p->window ? p->window : 1, sizeof(*p->slots));
	pthread_t *tids = calloc(workers ? workers : 1, sizeof(*tids));
	if (!p->slots || !tids) {
		free(tids);
		json_object_put(first);
		return -ENOMEM;
	}
	size_t started = 0;
	for (; started < workers; started++)
		if (pthread_create(&tids[started], NULL, worker, p) != 0)
			break;
	int rc = 0;
	if (workers > 0 && started == 0)
		rc = -EAGAIN;
	if (rc == 0) {
		int cb = fn(ctx, first, 0, 0);
		if (cb < 0)
			rc = callback_stop(cb, err);
	}
	json_object_put(first);
	for (size_t k = 1; rc == 0 && k < p->n_pages; k++) {
		pthread_mutex_lock(&p->lock);
		while (!p->stop && !p->slots[k % p->window].ready)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->stop) {
			rc = p->rc;
			*err = p->err;
			pthread_mutex_unlock(&p->lock);
			break;
		}
		struct slot sl = p->slots[k % p->window];
		p->slots[k % p->window] = (struct slot){0};
		pthread_mutex_unlock(&p->lock);
		/* parse here, free the bytes before the callback and the tree
		 * right after it */
		json_object *ans = NULL;
		char why[128];
		int prc = bss_json_parse(sl.body, sl.len, &ans, why, sizeof(why));
		free(sl.body);
		held_sub(sl.len);
		if (prc < 0) { /* the worker parsed the same bytes: memory */
			bss_error_set(err, 0, prc == -ENOMEM ? "BSSFS.NOMEM" : "BSSFS.BAD_ANSWER",
				      "page %zu: cannot parse again: %s", k,
				      prc == -ENOMEM ? "out of memory" : why);
			rc = prc == -ENOMEM ? -ENOMEM : -EIO;
		}
		int cb = 0;
		if (rc == 0) {
			tree_add();
			cb = fn(ctx, ans, k, k * p->limit);
			json_object_put(ans);
			tree_sub();
		}
		pthread_mutex_lock(&p->lock);
		p->next_deliver = k + 1;
		if (cb < 0)
			rc = callback_stop(cb, err);
		if (rc < 0)
			p->stop = true;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	for (size_t i = 0; i < p->window; i++) {
		if (p->slots[i].ready)
			held_sub(p->slots[i].len);
		free(p->slots[i].body);
	}
	free(p->slots);
	free(tids);
	return rc;
}

int bss_client_fetch_all_op(struct bss_client *c, const struct bss_op *op,
			    const struct bss_request *req, bss_page_fn fn, void *ctx,
			    struct bss_error *err)
{
	struct bss_error local;
	if (!err)
		err = &local;
	if (!op || op->paging == BSS_PAGE_NONE || op->page_limit <= 0) {
		json_object *ans = NULL;
		int rc = bss_client_call_op(c, op, req, &ans, err);
		if (rc < 0)
			return rc;
		int cb = fn(ctx, ans, 0, 0);
		json_object_put(ans);
		return cb < 0 ? callback_stop(cb, err) : 0;
	}
	struct bss_request empty = {.op = op->name};
	struct pager p = {
	    .c = c, .op = op, .req = req ? req : &empty, .limit = (size_t)op->page_limit};
	char *body_text = NULL;
	if (p.req->body) {
		const char *t = bss_json_compact(p.req->body);
		if (!t || !(body_text = strdup(t))) {
			bss_error_reset(err, op->name);
			bss_error_set(err, 0, "BSSFS.NOMEM", "out of memory");
			return -ENOMEM;
		}
		p.body_text = body_text;
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	int rc;
	if (op->paging == BSS_PAGE_MARKER || !op->total_key) {
		rc = fetch_sequential(&p, fn, ctx, err);
	} else {
		json_object *first = NULL;
		rc = fetch_page(&p, 0, NULL, &first, NULL, err);
		if (rc == 0) {
			int64_t t = 0;
			size_t n = records_in(op, first);
			if (!total_of(op, first, &t)) {
				inconsistent(err, "first page has no integer %s", op->total_key);
				rc = -EIO;
			} else {
				p.total = t;
				p.n_pages =
				    t == 0
					? 1
					: (size_t)((t + (int64_t)p.limit - 1) / (int64_t)p.limit);
				size_t want = (size_t)t < p.limit ? (size_t)t : p.limit;
				if (n != want) {
					inconsistent(err, "page %d: %lld records, expected %lld", 0,
						     (long long)n, (long long)want);
					rc = -EIO;
				}
			}
			if (rc == 0)
				rc = fetch_parallel(&p, first, fn, ctx, err);
			else
				json_object_put(first);
		}
	}
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.cond);
	free(body_text);
	if (rc < 0 && err->op[0] == '\0')
		snprintf(err->op, sizeof(err->op), "%s", op->name);
	if (rc < 0 && strcmp(err->code, "BSSFS.INCONSISTENT_PAGES") == 0)
		bss_warn("%s: %s", op->name, err->message);
	return rc;
}

int bss_client_fetch_all(struct bss_client *c, const struct bss_request *req, bss_page_fn fn,
			 void *ctx, struct bss_error *err)
{
	const struct bss_op *op = req ? bss_op_find(req->op) : NULL;
	if (!op) {
		struct bss_error local;
		if (!err)
			err = &local;
		bss_error_reset(err, req ? req->op : NULL);
		bss_error_set(err, 0, "BSSFS.UNKNOWN_OP", "unknown operation %s",
			      req && req->op ? req->op : "(null)");
		return -ENOENT;
	}
	return bss_client_fetch_all_op(c, op, req, fn, ctx, err);
}
