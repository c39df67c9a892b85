/* The mount context: creation, path resolution with id checks, the memo of
 * listed ids, and the generated files (README.txt, .bssfs/stats.json,
 * .bssfs/config.json). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bssfs/clock.h"
#include "bssfs/jsonx.h"
#include "bssfs/log.h"
#include "fs_internal.h"

int bss_fs_default_cache_dir(const char *domain_id, char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int n;
	if (!domain_id || !domain_id[0] || strchr(domain_id, '/'))
		return -EINVAL;
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/bssfs/%s", xdg, domain_id);
	else if (home && home[0] == '/')
		n = snprintf(buf, len, "%s/.cache/bssfs/%s", home, domain_id);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int bss_fs_new(const struct bss_fs_options *opt, struct bss_client *client, struct bss_fs **out,
	       char *err, size_t errlen)
{
	*out = NULL;
	if (!opt->cache_dir) {
		snprintf(err, errlen, "no cache directory");
		return -EINVAL;
	}
	struct bss_fs *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->opt = *opt;
	if (fs->opt.months < 1 || fs->opt.months > BSS_MONTHS_MAX) {
		snprintf(err, errlen, "months must be between 1 and %d", BSS_MONTHS_MAX);
		free(fs);
		return -EINVAL;
	}
	if (fs->opt.timeout_s <= 0)
		fs->opt.timeout_s = 30;
	fs->client = client;
	fs->tree.site = client ? bss_client_site(client) : BSS_SITE_INTL;
	fs->tree.months = fs->opt.months;
	fs->mount_time = bss_wall_time();
	fs->uid = getuid();
	fs->gid = getgid();
	pthread_mutex_init(&fs->memo_lock, NULL);
	pthread_mutex_init(&fs->handles_lock, NULL);
	fs_ctl_init(fs);
	*out = fs;
	return 0;
}

int bss_fs_start(struct bss_fs *fs, char *err, size_t errlen)
{
	char variant[64];
	snprintf(variant, sizeof(variant), "site=%u;csv=%s", fs->tree.site,
		 fs->opt.csv_unix ? "unix" : "excel");
	struct bss_cache_config cc = {
	    .dir = fs->opt.cache_dir,
	    .max_bytes = fs->opt.cache_max_bytes,
	    .workers = fs->opt.workers,
	    .timeout_ms = fs->opt.timeout_s * 1000,
	    .variant = variant,
	    .fetch = bss_fs_fetch,
	    .fetch_ctx = fs,
	};
	return bss_cache_new(&cc, &fs->cache, err, errlen);
}

void fs_forget_ids(struct bss_fs *fs)
{
	pthread_mutex_lock(&fs->memo_lock);
	for (size_t i = 0; i < FS_ID_MEMOS; i++) {
		struct id_memo *m = &fs->memos[i];
		for (size_t k = 0; k < m->n; k++)
			free(m->ids[k]);
		free(m->ids);
		free(m->key);
		memset(m, 0, sizeof(*m));
	}
	pthread_mutex_unlock(&fs->memo_lock);
}

void fs_handle_track(struct bss_fs *fs, struct handle *h)
{
	pthread_mutex_lock(&fs->handles_lock);
	h->prev = NULL;
	h->next = fs->handles;
	if (fs->handles)
		fs->handles->prev = h;
	fs->handles = h;
	pthread_mutex_unlock(&fs->handles_lock);
}

void fs_handle_free(struct bss_fs *fs, struct handle *h)
{
	pthread_mutex_lock(&fs->handles_lock);
	if (h->prev)
		h->prev->next = h->next;
	else if (fs->handles == h)
		fs->handles = h->next;
	if (h->next)
		h->next->prev = h->prev;
	pthread_mutex_unlock(&fs->handles_lock);
	fs_doc_release(fs, h);
	if (h->fd >= 0)
		close(h->fd);
	free(h->buf);
	free(h);
}

void bss_fs_free(struct bss_fs *fs)
{
	if (!fs)
		return;
	/* Handles whose RELEASE never came: their documents were acted on at
	 * flush, if at all; unmounting is no close, so nothing is sent now. */
	while (fs->handles) {
		fs->handles->acted = true;
		fs_handle_free(fs, fs->handles);
	}
	bss_cache_free(fs->cache);
	fs_forget_ids(fs);
	fs_ctl_free(fs);
	pthread_mutex_destroy(&fs->memo_lock);
	pthread_mutex_destroy(&fs->handles_lock);
	free(fs);
}

void fs_cache_req(const struct bss_tree_node *node, struct bss_cache_req *req)
{
	req->key = node->path;
	req->fresh = node->fresh;
	req->fixed_mtime = node->fresh == BSS_FRESH_CLOSED ? node->close_time : 0;
}

int fs_load_json(struct bss_fs *fs, const char *path, json_object **out, struct bss_error *err)
{
	struct bss_tree_node node;
	*out = NULL;
	int rc = bss_tree_lookup(&fs->tree, bss_wall_ms(), path, &node);
	if (rc < 0)
		return rc;
	struct bss_cache_req req;
	struct bss_cache_info info;
	int fd = -1;
	fs_cache_req(&node, &req);
	rc = bss_cache_get(fs->cache, &req, &info, &fd, err);
	if (rc < 0)
		return rc;
	char *buf = malloc(info.size + 1);
	size_t got = 0;
	while (buf && got < info.size) {
		ssize_t n = pread(fd, buf + got, info.size - got, (off_t)got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf || got != info.size) {
		free(buf);
		return buf ? -EIO : -ENOMEM;
	}
	rc = bss_json_parse(buf, got, out, NULL, 0);
	free(buf);
	return rc;
}

/* Copies the ids of a memo slot that matches the list file's version.
 * LOCKS_REQUIRED(fs->memo_lock) */
static struct id_memo *memo_find(struct bss_fs *fs, const char *key,
				 const struct bss_cache_info *info)
{
	for (size_t i = 0; i < FS_ID_MEMOS; i++) {
		struct id_memo *m = &fs->memos[i];
		if (m->key && !strcmp(m->key, key) && m->fetched_ms == info->fetched_ms &&
		    m->size == info->size)
			return m;
	}
	return NULL;
}

/* Parses the ids of a list file into a new memo slot (no lock held while
 * fetching or parsing). */
static int memo_fill(struct bss_fs *fs, const struct bss_tree_row *id_dir,
		     const struct bss_cache_info *info, struct bss_error *err)
{
	json_object *doc = NULL;
	int rc = fs_load_json(fs, id_dir->list_file, &doc, err);
	if (rc < 0)
		return rc;
	json_object *arr = bss_json_get(doc, id_dir->list_records_key);
	size_t n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
	char **ids = calloc(n ? n : 1, sizeof(char *));
	size_t k = 0;
	for (size_t i = 0; i < n && ids; i++) {
		const char *id =
		    bss_json_get_str(json_object_array_get_idx(arr, i), id_dir->list_id_field);
		if (id && bss_tree_id_valid(id) && (ids[k] = strdup(id)))
			k++;
	}
	json_object_put(doc);
	char *key = strdup(id_dir->list_file);
	if (!ids || !key) {
		for (size_t i = 0; i < k; i++)
			free(ids[i]);
		free(ids);
		free(key);
		return -ENOMEM;
	}
	pthread_mutex_lock(&fs->memo_lock);
	struct id_memo *m = NULL;
	for (size_t i = 0; i < FS_ID_MEMOS && !m; i++)
		if (fs->memos[i].key && !strcmp(fs->memos[i].key, key))
			m = &fs->memos[i];
	if (!m) {
		m = &fs->memos[fs->memo_next];
		fs->memo_next = (fs->memo_next + 1) % FS_ID_MEMOS;
	}
	for (size_t i = 0; i < m->n; i++)
		free(m->ids[i]);
	free(m->ids);
	free(m->key);
	m->key = key;
	m->ids = ids;
	m->n = k;
	m->fetched_ms = info->fetched_ms;
	m->size = info->size;
	pthread_mutex_unlock(&fs->memo_lock);
	return 0;
}

int fs_list_ids(struct bss_fs *fs, const struct bss_tree_row *id_dir, bss_tree_name_fn fn,
		void *ctx, struct bss_error *err)
{
	struct bss_tree_node node;
	int rc = bss_tree_lookup(&fs->tree, bss_wall_ms(), id_dir->list_file, &node);
	if (rc < 0)
		return rc;
	struct bss_cache_req req;
	struct bss_cache_info info;
	fs_cache_req(&node, &req);
	rc = bss_cache_get(fs->cache, &req, &info, NULL, err);
	if (rc < 0)
		return rc;
	for (int attempt = 0; attempt < 2; attempt++) {
		pthread_mutex_lock(&fs->memo_lock);
		struct id_memo *m = memo_find(fs, id_dir->list_file, &info);
		if (m) {
			for (size_t i = 0; i < m->n; i++)
				if (fn(ctx, m->ids[i], BSS_TREE_DIR))
					break;
			pthread_mutex_unlock(&fs->memo_lock);
			return 0;
		}
		pthread_mutex_unlock(&fs->memo_lock);
		if (attempt == 0 && (rc = memo_fill(fs, id_dir, &info, err)) < 0)
			return rc;
	}
	return -EAGAIN; /* the list changed while it was parsed */
}

void fs_note_listed(struct bss_fs *fs, const char *dir)
{
	pthread_mutex_lock(&fs->memo_lock);
	size_t slot = fs->listed_next;
	for (size_t i = 0; i < FS_LISTED; i++)
		if (!strcmp(fs->listed[i], dir))
			slot = i;
	if (slot == fs->listed_next)
		fs->listed_next = (fs->listed_next + 1) % FS_LISTED;
	snprintf(fs->listed[slot], sizeof(fs->listed[slot]), "%s", dir);
	fs->listed_ms[slot] = bss_mono_ms();
	pthread_mutex_unlock(&fs->memo_lock);
}

bool fs_take_listed(struct bss_fs *fs, const char *dir)
{
	bool found = false;
	pthread_mutex_lock(&fs->memo_lock);
	for (size_t i = 0; i < FS_LISTED && !found; i++) {
		if (fs->listed_ms[i] && !strcmp(fs->listed[i], dir)) {
			found = bss_mono_ms() - fs->listed_ms[i] < 10000;
			fs->listed_ms[i] = 0;
			fs->listed[i][0] = 0;
		}
	}
	pthread_mutex_unlock(&fs->memo_lock);
	return found;
}

static int find_id(void *ctx, const char *name, enum bss_tree_kind kind)
{
	(void)kind;
	const char **want = ctx;
	if (*want && !strcmp(*want, name)) {
		*want = NULL;
		return 1;
	}
	return 0;
}

int fs_resolve(struct bss_fs *fs, const char *path, struct bss_tree_node *node,
	       struct bss_error *err)
{
	memset(err, 0, sizeof(*err));
	if (!fs->cache)
		return -EIO; /* the cache could not start (logged at init) */
	int rc = bss_tree_lookup(&fs->tree, bss_wall_ms(), path, node);
	if (rc < 0 || !node->id_dir)
		return rc;
	const char *want = node->arg;
	rc = fs_list_ids(fs, node->id_dir, find_id, &want, err);
	if (rc < 0)
		return rc;
	return want ? -ENOENT : 0;
}

/* ---- generated files ---------------------------------------------------- */

static const char *nz(const char *s)
{
	return s ? s : "";
}

static json_object *config_json(struct bss_fs *fs)
{
	json_object *o = json_object_new_object();
	const struct bss_fs_options *p = &fs->opt;
#define S(k, v) json_object_object_add(o, k, (v) ? json_object_new_string(v) : NULL)
	S("site", p->site ? p->site : "intl");
	S("endpoint", fs->client ? bss_client_endpoint(fs->client, BSS_HOST_BSS) : p->endpoint);
	S("eps_endpoint",
	  fs->client ? bss_client_endpoint(fs->client, BSS_HOST_EPS) : p->eps_endpoint);
	S("iam_endpoint",
	  fs->client ? bss_client_endpoint(fs->client, BSS_HOST_IAM) : p->iam_endpoint);
	S("domain_id", fs->client ? bss_client_domain_id(fs->client) : NULL);
	S("credentials", p->credentials);
	S("credentials_source", p->credentials_source);
	S("cacert", p->cacert);
	S("cache_dir", p->cache_dir);
	json_object_object_add(o, "months", json_object_new_int(p->months));
	json_object_object_add(o, "lazy_size", json_object_new_boolean(p->lazy_size));
	S("csv", p->csv_unix ? "unix" : "excel");
	S("purchases", p->purchases ? p->purchases : "off");
	json_object_object_add(o, "max_rps", json_object_new_int(p->max_rps > 0 ? p->max_rps : 10));
	json_object_object_add(o, "timeout", json_object_new_int(p->timeout_s));
	S("log_level", p->log_level ? p->log_level : "info");
	json_object_object_add(
	    o, "cache_max_bytes",
	    json_object_new_int64(
		(int64_t)(p->cache_max_bytes ? p->cache_max_bytes : BSS_CACHE_DEFAULT_MAX_BYTES)));
#undef S
	return o;
}

static void write_readme(struct bss_fs *fs, FILE *f)
{
	const char *dom = fs->client ? bss_client_domain_id(fs->client) : NULL;
	fprintf(f, "bssfs: a Huawei Cloud customer account as files\n\n");
	fprintf(f, "account (domain id): %s\nsite: %s\n", nz(dom),
		fs->opt.site ? fs->opt.site : "intl");
	if (fs->client) {
		fprintf(f, "BSS endpoint: %s\n", nz(bss_client_endpoint(fs->client, BSS_HOST_BSS)));
		fprintf(f, "EPS endpoint: %s\n", nz(bss_client_endpoint(fs->client, BSS_HOST_EPS)));
	}
	fprintf(f,
		"cache: %s\nbills/ lists %d months; older months (up to %d) can be opened by "
		"name (bills/YYYY-MM).\n\n",
		fs->opt.cache_dir, fs->opt.months, BSS_MONTHS_MAX);
	bool cn = fs->tree.site == BSS_SITE_CN;
	fprintf(f,
		"Tree\n"
		"  account/        balance, balances.{json,csv}%s\n"
		"  products/       service, resource and usage types, measure units, conversions;\n"
		"                  services/<service_type_code>/resources.{json,csv}\n"
		"  coupons/        coupons.{json,csv}\n"
		"  packages/       packages.{json,csv}, usage.{json,csv}\n"
		"  bills/          months.csv; <YYYY-MM>/summary, resources, daily, records%s\n"
		"  orders/         orders.{json,csv}; <order_id>/order.json, items.csv, "
		"discounts.json,\n"
		"                  control files pay, cancel\n"
		"  subscriptions/  subscriptions.{json,csv}; <resource_id>/resource.json, "
		"renew-price.json,\n"
		"                  control files renew, auto-renew, to-on-demand, unsubscribe\n"
		"  prices/         price inquiries: write a request file, read the quote back\n"
		"%s"
		"  eps/            projects.{json,csv}, quota.json; <id>/project.json, "
		"resources.{json,csv}\n"
		"  .bssfs/         stats.json, config.json, refresh\n\n",
		cn ? "" : ", expenditure-quota.json", cn ? ", fee-records" : "",
		cn ? "" : "  invoices/       invoices.{json,csv}\n");
	fprintf(f,
		"Purchases: %s (-o purchases=off|dry-run|on). A control file takes one JSON\n"
		"document per close and reads back the outcome of its last action.\n\n",
		bss_purchase_mode_name(fs->purchases));
	fputs("Other files are read-only. Closed months (final from day 5, UTC+8, of the next month)\n"
	      "are kept on disk for good; the current month is refreshed hourly, products daily,\n"
	      "account data every minute, invoices and eps every ten minutes.\n"
	      "To drop cached data: echo bills/2026-10 > .bssfs/refresh (or: echo all > ...).\n",
	      f);
}

int fs_generate(struct bss_fs *fs, const struct bss_tree_node *node, char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	FILE *f = open_memstream(buf, len);
	if (!f)
		return -ENOMEM;
	json_object *o = NULL;
	switch (node->row->render) {
	case BSS_TR_STATS:
		o = json_object_new_object();
		json_object_object_add(
		    o, "api", fs->client ? bss_client_stats(fs->client) : json_object_new_object());
		json_object_object_add(
		    o, "cache", fs->cache ? bss_cache_stats(fs->cache) : json_object_new_object());
		break;
	case BSS_TR_CONFIG:
		o = config_json(fs);
		break;
	case BSS_TR_README:
		write_readme(fs, f);
		break;
	default:
		break;
	}
	if (o) {
		fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_NOSLASHESCAPE),
		      f);
		fputc('\n', f);
		json_object_put(o);
	}
	if (fclose(f) != 0) {
		free(*buf);
		*buf = NULL;
		return -ENOMEM;
	}
	return 0;
}
