/* Writes (DESIGN §6): the control files orders/<id>/{pay,cancel} and
 * subscriptions/<id>/{renew,auto-renew,to-on-demand,unsubscribe}, the
 * in-memory prices/ files, and editors' temp files next to control files.
 *
 * - Each handle opened for writing has its own document buffer; the
 *   document is acted on once, at the first flush of that handle that comes
 *   after a non-empty write (close(2) gets FLUSH's error), or at release if
 *   no flush did it. A handle never acts twice.
 * - Actions of one control file are serialized (ctl_state.run).
 * - rename(temp -> control file) submits the temp file's content once and
 *   consumes the temp file, whatever the outcome.
 * See docs/SEMANTICS.md "Purchases and price inquiries". */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bssfs/clock.h"
#include "bssfs/log.h"
#include "fs_internal.h"

#define PRICES_DIR "prices"

void fs_ctl_init(struct bss_fs *fs)
{
	pthread_mutex_init(&fs->ctl_lock, NULL);
	pthread_mutex_init(&fs->mem_lock, NULL);
	fs->purchases = BSS_PURCHASE_OFF;
	if (fs->opt.purchases && bss_purchase_mode_parse(fs->opt.purchases, &fs->purchases) < 0)
		fs->purchases = BSS_PURCHASE_OFF;
}

static void mem_unref(struct memfile *m) /* mem_lock held */
{
	if (m && --m->refs == 0) {
		free(m->path);
		free(m->data);
		free(m);
	}
}

void fs_ctl_free(struct bss_fs *fs)
{
	for (struct ctl_state *c = fs->ctls, *nx; c; c = nx) {
		nx = c->next;
		pthread_mutex_destroy(&c->run);
		free(c->path);
		free(c->outcome);
		free(c);
	}
	fs->ctls = NULL;
	for (struct memfile *m = fs->mems, *nx; m; m = nx) {
		nx = m->next;
		m->linked = false;
		mem_unref(m);
	}
	fs->mems = NULL;
	pthread_mutex_destroy(&fs->ctl_lock);
	pthread_mutex_destroy(&fs->mem_lock);
}

/* ---- control file state ---------------------------------------------- */

static struct ctl_state *ctl_get(struct bss_fs *fs, const char *path, bool create)
{
	pthread_mutex_lock(&fs->ctl_lock);
	struct ctl_state *c = fs->ctls;
	while (c && strcmp(c->path, path) != 0)
		c = c->next;
	if (!c && create && (c = calloc(1, sizeof(*c)))) {
		c->path = strdup(path);
		if (!c->path) {
			free(c);
			c = NULL;
		} else {
			pthread_mutex_init(&c->run, NULL);
			c->next = fs->ctls;
			fs->ctls = c;
		}
	}
	pthread_mutex_unlock(&fs->ctl_lock);
	return c;
}

/* The control file's content: its last outcome or the placeholder
 * {"action": ..., "id": ..., "mode": ..., "result": null}. malloc'd. */
static char *ctl_content(struct bss_fs *fs, const struct bss_tree_node *n, size_t *len,
			 int64_t *mtime)
{
	char *out = NULL;
	*mtime = fs->mount_time;
	struct ctl_state *c = ctl_get(fs, n->path, false);
	if (c) {
		pthread_mutex_lock(&fs->ctl_lock);
		if (c->outcome && (out = malloc(c->len + 1))) {
			memcpy(out, c->outcome, c->len + 1);
			*len = c->len;
			*mtime = c->mtime;
		}
		pthread_mutex_unlock(&fs->ctl_lock);
		if (out)
			return out;
	}
	const char *name = strrchr(n->path, '/');
	json_object *o = json_object_new_object();
	json_object_object_add(o, "action", json_object_new_string(name ? name + 1 : n->path));
	json_object_object_add(o, "id", json_object_new_string(n->arg));
	json_object_object_add(o, "mode",
			       json_object_new_string(bss_purchase_mode_name(fs->purchases)));
	json_object_object_add(o, "result", NULL);
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_SPACED |
							      JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t sl = strlen(s);
	out = malloc(sl + 2);
	if (out) {
		memcpy(out, s, sl);
		out[sl] = '\n';
		out[sl + 1] = 0;
		*len = sl + 1;
	}
	json_object_put(o);
	return out;
}

static void ctl_set_outcome(struct bss_fs *fs, struct ctl_state *c, char *json)
{
	size_t n = strlen(json);
	pthread_mutex_lock(&fs->ctl_lock);
	free(c->outcome);
	c->outcome = json;
	c->len = n;
	c->mtime = bss_wall_time();
	pthread_mutex_unlock(&fs->ctl_lock);
}

void fs_ctl_stat(struct bss_fs *fs, const struct bss_tree_node *n, struct stat *st)
{
	size_t len = 0;
	int64_t mtime;
	char *s = ctl_content(fs, n, &len, &mtime);
	free(s);
	st->st_mode = S_IFREG | (fs->purchases == BSS_PURCHASE_OFF ? 0444 : 0644);
	st->st_nlink = 1;
	st->st_size = (off_t)len;
	st->st_mtime = mtime;
}

static bool is_writer(struct fuse_file_info *fi)
{
	return (fi->flags & O_ACCMODE) != O_RDONLY;
}

int fs_ctl_open(struct bss_fs *fs, const struct bss_tree_node *n, struct fuse_file_info *fi,
		struct handle *h)
{
	const char *name = strrchr(n->path, '/');
	if (bss_action_from_name(name ? name + 1 : n->path, &h->action) < 0)
		return -ENOENT;
	if (is_writer(fi) && fs->purchases == BSS_PURCHASE_OFF)
		return -EACCES; /* nothing is sent */
	int64_t mtime;
	h->buf = ctl_content(fs, n, &h->len, &mtime);
	if (!h->buf)
		return -ENOMEM;
	h->control = true;
	h->writer = is_writer(fi);
	h->append = (fi->flags & O_APPEND) != 0; /* the kernel's offset is the outcome's size */
	snprintf(h->id, sizeof(h->id), "%s", n->arg);
	snprintf(h->path, sizeof(h->path), "%s", n->path);
	fi->direct_io = 1; /* the outcome changes at every action */
	return 0;
}

/* ---- in-memory files ----------------------------------------------------- */

static struct memfile *mem_find(struct bss_fs *fs, const char *path) /* mem_lock held */
{
	while (*path == '/')
		path++;
	for (struct memfile *m = fs->mems; m; m = m->next)
		if (!strcmp(m->path, path))
			return m;
	return NULL;
}

int fs_mem_stat(struct bss_fs *fs, const char *path, struct stat *st)
{
	pthread_mutex_lock(&fs->mem_lock);
	struct memfile *m = mem_find(fs, path);
	if (m) {
		st->st_mode = S_IFREG | 0644;
		st->st_nlink = 1;
		st->st_size = (off_t)m->len;
		st->st_mtime = m->mtime;
	}
	pthread_mutex_unlock(&fs->mem_lock);
	return m ? 0 : -ENOENT;
}

void fs_mem_list(struct bss_fs *fs, const char *dir, bss_tree_name_fn fn, void *ctx)
{
	size_t dl = strlen(dir);
	pthread_mutex_lock(&fs->mem_lock);
	for (struct memfile *m = fs->mems; m; m = m->next)
		if (!strncmp(m->path, dir, dl) && m->path[dl] == '/' && !strchr(m->path + dl + 1, '/'))
			if (fn(ctx, m->path + dl + 1, BSS_TREE_FILE))
				break;
	pthread_mutex_unlock(&fs->mem_lock);
}

/* The handle's view of a memfile: price files read a snapshot of their
 * last quote and write their own document; temp files read and write the
 * shared bytes. mem_lock held. */
static int mem_attach(struct memfile *m, struct fuse_file_info *fi, struct handle *h)
{
	h->mem = m;
	m->refs++;
	h->writer = is_writer(fi);
	snprintf(h->path, sizeof(h->path), "%s", m->path);
	fi->direct_io = 1;
	h->append = m->price && (fi->flags & O_APPEND);
	if (!m->price) {
		if (h->writer && (fi->flags & O_TRUNC)) {
			m->len = 0;
			m->mtime = bss_wall_time();
		}
		return 0;
	}
	h->buf = malloc(m->len + 1);
	if (!h->buf)
		return -ENOMEM;
	memcpy(h->buf, m->data ? m->data : "", m->len);
	h->len = m->len;
	return 0;
}

int fs_mem_open(struct bss_fs *fs, const char *path, struct fuse_file_info *fi, struct handle *h)
{
	pthread_mutex_lock(&fs->mem_lock);
	struct memfile *m = mem_find(fs, path);
	int rc = m ? mem_attach(m, fi, h) : -ENOENT;
	pthread_mutex_unlock(&fs->mem_lock);
	return rc;
}

/* Splits "a/b/c" into the parent "a/b" and checks the name. */
static int split_parent(const char *path, char *parent, size_t plen, const char **name)
{
	while (*path == '/')
		path++;
	const char *slash = strrchr(path, '/');
	if (!slash || (size_t)(slash - path) >= plen)
		return -EACCES;
	memcpy(parent, path, (size_t)(slash - path));
	parent[slash - path] = 0;
	*name = slash + 1;
	size_t nl = strlen(*name);
	if (nl == 0 || nl >= BSS_TREE_ARG_MAX || !strcmp(*name, ".") || !strcmp(*name, ".."))
		return -EACCES;
	return 0;
}

/* Whether a directory takes in-memory files: 1 prices/, 2 a control file's
 * directory (orders/<id>, subscriptions/<id>), 0 neither. */
static int mem_dir_kind(struct bss_fs *fs, const char *parent)
{
	if (!strcmp(parent, PRICES_DIR))
		return 1;
	struct bss_tree_node n;
	struct bss_error err;
	if (fs_resolve(fs, parent, &n, &err) < 0 || n.row->kind != BSS_TREE_DIR)
		return 0;
	if (!strcmp(n.row->pattern, "orders/{id}") || !strcmp(n.row->pattern, "subscriptions/{id}"))
		return 2;
	return 0;
}

int fs_mem_create(struct bss_fs *fs, const char *path, struct fuse_file_info *fi,
		  struct handle *h)
{
	char parent[BSS_TREE_PATH_MAX];
	const char *name;
	int rc = split_parent(path, parent, sizeof(parent), &name);
	if (rc < 0)
		return rc;
	int kind = mem_dir_kind(fs, parent);
	if (kind == 0 || (kind == 2 && fs->purchases == BSS_PURCHASE_OFF))
		return -EACCES;
	if (kind == 2) {
		/* a name of the tree (pay, order.json...) is not a temp file */
		struct bss_tree_node n;
		char full[BSS_TREE_PATH_MAX * 2];
		snprintf(full, sizeof(full), "%s/%s", parent, name);
		if (bss_tree_lookup(&fs->tree, bss_wall_ms(), full, &n) == 0)
			return -EACCES;
	}
	pthread_mutex_lock(&fs->mem_lock);
	struct memfile *m = mem_find(fs, path);
	if (!m) {
		m = calloc(1, sizeof(*m));
		char *p = m ? malloc(strlen(parent) + strlen(name) + 2) : NULL;
		if (!p) {
			free(m);
			pthread_mutex_unlock(&fs->mem_lock);
			return -ENOMEM;
		}
		sprintf(p, "%s/%s", parent, name);
		m->path = p;
		m->price = kind == 1;
		m->linked = true;
		m->refs = 1;
		m->mtime = bss_wall_time();
		m->next = fs->mems;
		fs->mems = m;
	}
	rc = mem_attach(m, fi, h);
	pthread_mutex_unlock(&fs->mem_lock);
	return rc;
}

static void mem_unlink_locked(struct bss_fs *fs, struct memfile *m)
{
	for (struct memfile **pp = &fs->mems; *pp; pp = &(*pp)->next)
		if (*pp == m) {
			*pp = m->next;
			m->linked = false;
			mem_unref(m);
			return;
		}
}

int fs_mem_unlink(struct bss_fs *fs, const char *path)
{
	pthread_mutex_lock(&fs->mem_lock);
	struct memfile *m = mem_find(fs, path);
	if (m)
		mem_unlink_locked(fs, m);
	pthread_mutex_unlock(&fs->mem_lock);
	return m ? 0 : -ENOENT;
}

/* ---- documents ------------------------------------------------------------ */

int fs_doc_read(struct bss_fs *fs, struct handle *h, char *buf, size_t size, off_t off)
{
	bool temp = h->mem && !h->mem->price;
	if (temp)
		pthread_mutex_lock(&fs->mem_lock); /* temp file: the shared bytes */
	const char *src = temp ? h->mem->data : h->buf;
	size_t len = temp ? h->mem->len : h->len, n = 0;
	if (off >= 0 && (size_t)off < len) {
		n = len - (size_t)off < size ? len - (size_t)off : size;
		memcpy(buf, src + off, n);
	}
	if (temp)
		pthread_mutex_unlock(&fs->mem_lock);
	return (int)n;
}

static int grow(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap : 256;
	while (nc < need)
		nc *= 2;
	char *nb = realloc(*buf, nc + 1);
	if (!nb)
		return -ENOMEM;
	*buf = nb;
	*cap = nc;
	return 0;
}

/* Writes at off into buf/len/cap (zero-filling a gap), bounded. */
static int put_at(char **buf, size_t *len, size_t *cap, const char *data, size_t size, off_t off)
{
	if (off < 0)
		return -EINVAL;
	if ((uint64_t)off + size > BSS_PURCHASE_MAX_DOC)
		return -EFBIG;
	size_t end = (size_t)off + size;
	int rc = grow(buf, cap, end);
	if (rc < 0)
		return rc;
	if ((size_t)off > *len)
		memset(*buf + *len, 0, (size_t)off - *len);
	memcpy(*buf + off, data, size);
	if (end > *len)
		*len = end;
	(*buf)[*len] = 0;
	return (int)size;
}

int fs_doc_write(struct bss_fs *fs, struct handle *h, const char *data, size_t size, off_t off)
{
	if (h->mem && !h->mem->price) {
		pthread_mutex_lock(&fs->mem_lock);
		struct memfile *m = h->mem;
		/* no capacity kept: put_at reallocates past the length */
		char *d = m->data;
		size_t len = m->len, cap = len;
		int rc = put_at(&d, &len, &cap, data, size, off);
		if (rc >= 0) {
			m->data = d;
			m->len = len;
			m->mtime = bss_wall_time();
		}
		pthread_mutex_unlock(&fs->mem_lock);
		return rc;
	}
	if (!h->writer)
		return -EBADF;
	h->wrote = true;
	if (h->acted)
		return -EINVAL; /* this handle already submitted its document */
	int rc = put_at(&h->doc, &h->doc_len, &h->doc_cap, data, size,
			h->append ? (off_t)h->doc_len : off);
	if (rc == -EFBIG)
		h->too_big = true;
	return rc;
}

/* ---- acting ---------------------------------------------------------------- */

static char *rejection(const char *action, enum bss_purchase_mode mode, const char *reason)
{
	json_object *o = json_object_new_object();
	char when[32];
	time_t t = (time_t)bss_wall_time();
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (action) {
		json_object_object_add(o, "action", json_object_new_string(action));
		json_object_object_add(o, "mode", json_object_new_string(bss_purchase_mode_name(mode)));
	}
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "request", NULL);
	json_object_object_add(o, "result", json_object_new_string("rejected"));
	json_object_object_add(o, "reason", json_object_new_string(reason));
	const char *s = json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t n = strlen(s);
	char *out = malloc(n + 2);
	if (out) {
		memcpy(out, s, n);
		out[n] = '\n';
		out[n + 1] = 0;
	}
	json_object_put(o);
	return out;
}

static int inval_one(void *ctx, const char *name, enum bss_tree_kind kind)
{
	const char *dir = ctx;
	char p[BSS_TREE_PATH_MAX * 2];
	if (kind == BSS_TREE_CONTROL)
		return 0; /* the file being closed, or its siblings: direct_io anyway */
	snprintf(p, sizeof(p), "/%s%s%s", dir, dir[0] ? "/" : "", name);
	fuse_invalidate_path(fuse_get_context()->fuse, p);
	return 0;
}

/* The kernel forgets the attributes and pages of a directory's files. */
static void inval_dir(struct bss_fs *fs, const char *dir)
{
	struct bss_tree_node d;
	if (!fuse_get_context() || !fuse_get_context()->fuse)
		return;
	if (bss_tree_lookup(&fs->tree, bss_wall_ms(), dir, &d) < 0 || d.row->kind != BSS_TREE_DIR)
		return;
	bss_tree_list_fixed(&fs->tree, bss_wall_ms(), &d, inval_one, (void *)d.path);
}

/* Drops what an action may have changed: the cached data under each
 * prefix (the same as .bssfs/refresh of it), the memo of listed ids, and
 * the kernel's copies. */
static void invalidate(struct bss_fs *fs, unsigned bits, const char *ctl_path)
{
	char own_dir[BSS_TREE_PATH_MAX];
	snprintf(own_dir, sizeof(own_dir), "%s", ctl_path);
	char *slash = strrchr(own_dir, '/');
	if (slash)
		*slash = 0;
	for (unsigned bit = 1; bit && bit <= bits; bit <<= 1) {
		if (!(bits & bit))
			continue;
		const char *const *paths = bss_inval_paths(bit);
		for (size_t i = 0; paths && paths[i]; i++) {
			char pre[BSS_TREE_PATH_MAX];
			snprintf(pre, sizeof(pre), "%s", paths[i]);
			size_t pl = strlen(pre);
			while (pl && pre[pl - 1] == '/')
				pre[--pl] = 0;
			int k = fs->cache ? bss_cache_drop(fs->cache, pre) : 0;
			bss_info("%s: %d cached file(s) of %s/ dropped", ctl_path, k, pre);
			inval_dir(fs, pre);
			if (!strncmp(own_dir, pre, pl) && own_dir[pl] == '/')
				inval_dir(fs, own_dir);
		}
	}
	if (bits & BSS_INVAL_BALANCES) {
		/* a payment is a fee record of the current month */
		char cur[16], dir[32];
		bss_month_format(bss_month_current(bss_wall_ms()), cur, sizeof(cur));
		snprintf(dir, sizeof(dir), "bills/%s", cur);
		if (fs->cache) {
			bss_cache_drop(fs->cache, dir);
			bss_cache_drop(fs->cache, "bills/months.csv");
		}
		inval_dir(fs, dir);
		inval_dir(fs, "bills");
	}
	fs_forget_ids(fs);
}

/* Runs one document through a control file. */
static int ctl_act(struct bss_fs *fs, const char *path, enum bss_action a, const char *id,
		   const char *doc, size_t len, bool too_big)
{
	struct ctl_state *c = ctl_get(fs, path, true);
	if (!c)
		return -ENOMEM;
	pthread_mutex_lock(&c->run);
	char *out = NULL;
	int rc;
	if (too_big) {
		rc = -EINVAL;
		out = rejection(bss_action_name(a), fs->purchases,
				"the document is larger than 65536 bytes");
	} else {
		rc = bss_action_run(fs->client, fs->purchases, a, id, doc, len, &out);
	}
	if (out)
		ctl_set_outcome(fs, c, out);
	unsigned inv = bss_action_run_invalidates(a, fs->purchases, rc);
	pthread_mutex_unlock(&c->run);
	if (inv)
		invalidate(fs, inv, path);
	if (rc == -ENODATA) {
		bss_info("%s: empty document, nothing done", path);
		return 0;
	}
	if (rc == 0)
		bss_info("%s: %s (%s)", path, bss_action_name(a), bss_purchase_mode_name(fs->purchases));
	else if (rc == -EINVAL)
		bss_warn("%s: document rejected, nothing sent (the reason is in the file)", path);
	else
		bss_err("%s: %s failed: %s (the outcome is in the file)", path, bss_action_name(a),
			strerror(-rc));
	return rc;
}

/* Runs one price request and stores the quote in the memfile. */
static int price_act(struct bss_fs *fs, struct memfile *m, const char *path, const char *doc,
		     size_t len, bool too_big)
{
	char *out = NULL;
	int rc;
	if (too_big) {
		rc = -EINVAL;
		out = rejection(NULL, fs->purchases, "the document is larger than 65536 bytes");
	} else {
		rc = bss_price_run(fs->client, doc, len, &out);
	}
	if (rc == -ENODATA)
		return 0;
	if (out) {
		pthread_mutex_lock(&fs->mem_lock);
		free(m->data);
		m->data = out;
		m->len = strlen(out);
		m->mtime = bss_wall_time();
		pthread_mutex_unlock(&fs->mem_lock);
	}
	if (rc == -EINVAL)
		bss_warn("%s: price request rejected (the reason is in the file)", path);
	else if (rc < 0)
		bss_err("%s: price inquiry failed: %s", path, strerror(-rc));
	return rc;
}

static int errno_out(int rc)
{
	switch (rc) {
	case 0:
	case -EINVAL:
	case -EACCES:
	case -ENOMEM:
	case -EFBIG:
	case -ENOENT:
	case -EPERM:
		return rc;
	default:
		return -EIO;
	}
}

int fs_doc_flush(struct bss_fs *fs, struct handle *h, bool release)
{
	(void)release;
	if (!h->writer || h->acted || (!h->doc_len && !h->too_big))
		return 0; /* nothing written yet (shells dup2 and close before writing) */
	if (h->mem && !h->mem->price)
		return 0; /* temp file: submitted by its rename */
	h->acted = true;
	int rc;
	if (h->control)
		rc = ctl_act(fs, h->path, h->action, h->id, h->doc, h->doc_len, h->too_big);
	else
		rc = price_act(fs, h->mem, h->path, h->doc, h->doc_len, h->too_big);
	return errno_out(rc);
}

/* Sets a length (shrinks, or zero-extends within the bound). */
static int set_len(char **buf, size_t *len, size_t *cap, off_t size)
{
	if (size < 0)
		return -EINVAL;
	if (size > BSS_PURCHASE_MAX_DOC)
		return -EFBIG;
	if ((size_t)size > *len) {
		int rc = grow(buf, cap, (size_t)size);
		if (rc < 0)
			return rc;
		memset(*buf + *len, 0, (size_t)size - *len);
	}
	*len = (size_t)size;
	if (*buf)
		(*buf)[*len] = 0;
	return 0;
}

static int temp_set_len(struct bss_fs *fs, struct memfile *m, off_t size)
{
	(void)fs;
	size_t cap = m->len; /* mem_lock held */
	int rc = set_len(&m->data, &m->len, &cap, size);
	if (rc == 0)
		m->mtime = bss_wall_time();
	return rc;
}

int fs_doc_truncate(struct bss_fs *fs, const char *path, off_t size, struct handle *h, int *rc)
{
	if (h && h->mem && !h->mem->price) {
		pthread_mutex_lock(&fs->mem_lock);
		*rc = temp_set_len(fs, h->mem, size);
		pthread_mutex_unlock(&fs->mem_lock);
		return 1;
	}
	if (h && (h->control || h->mem)) {
		*rc = 0;
		if (h->writer && !h->acted) {
			*rc = set_len(&h->doc, &h->doc_len, &h->doc_cap, size);
			if (*rc == -EFBIG)
				h->too_big = true;
		}
		return 1;
	}
	pthread_mutex_lock(&fs->mem_lock);
	struct memfile *m = mem_find(fs, path);
	*rc = 0;
	if (m && !m->price)
		*rc = temp_set_len(fs, m, size);
	pthread_mutex_unlock(&fs->mem_lock);
	return m != NULL; /* prices/ files: truncating by path changes nothing */
}

void fs_doc_release(struct bss_fs *fs, struct handle *h)
{
	if (h->writer && !h->acted && (h->doc_len || h->too_big))
		fs_doc_flush(fs, h, true); /* no flush came: act now (errors are logged) */
	free(h->doc);
	h->doc = NULL;
	if (h->mem) {
		pthread_mutex_lock(&fs->mem_lock);
		mem_unref(h->mem);
		pthread_mutex_unlock(&fs->mem_lock);
		h->mem = NULL;
	}
}

int fs_mem_rename(struct bss_fs *fs, const char *from, const char *to, unsigned flags)
{
	while (*from == '/')
		from++;
	while (*to == '/')
		to++;
	char fparent[BSS_TREE_PATH_MAX], tparent[BSS_TREE_PATH_MAX];
	const char *fname, *tname;
	pthread_mutex_lock(&fs->mem_lock);
	struct memfile *m = mem_find(fs, from);
	bool price = m && m->price;
	pthread_mutex_unlock(&fs->mem_lock);
	if (!m)
		return -ENOENT; /* m is only compared from here on, never read unlocked */
	if (split_parent(from, fparent, sizeof(fparent), &fname) < 0 ||
	    split_parent(to, tparent, sizeof(tparent), &tname) < 0 || strcmp(fparent, tparent) != 0)
		return -EACCES; /* in-memory files stay in their directory */
	if (flags & RENAME_EXCHANGE)
		return -EINVAL;
	struct bss_tree_node n;
	struct bss_error err;
	if (fs_resolve(fs, to, &n, &err) == 0) {
		/* onto a tree name: only a control file, from a temp file */
		if (n.row->kind != BSS_TREE_CONTROL || price)
			return -EACCES;
		if (flags & RENAME_NOREPLACE)
			return -EEXIST;
		if (fs->purchases == BSS_PURCHASE_OFF)
			return -EACCES;
		enum bss_action a;
		if (bss_action_from_name(tname, &a) < 0)
			return -EACCES;
		/* take the temp file's bytes and consume it: one rename, one
		 * document, whatever happens next */
		pthread_mutex_lock(&fs->mem_lock);
		if (mem_find(fs, from) != m || !m->linked) {
			pthread_mutex_unlock(&fs->mem_lock);
			return -ENOENT;
		}
		char *doc = malloc(m->len + 1);
		size_t len = m->len;
		if (doc) {
			memcpy(doc, m->data ? m->data : "", len);
			doc[len] = 0;
			mem_unlink_locked(fs, m);
		}
		pthread_mutex_unlock(&fs->mem_lock);
		if (!doc)
			return -ENOMEM;
		int rc = ctl_act(fs, n.path, a, n.arg, doc, len, false);
		free(doc);
		return errno_out(rc);
	}
	/* onto another in-memory name of the same directory */
	pthread_mutex_lock(&fs->mem_lock);
	struct memfile *t = mem_find(fs, to);
	int rc = 0;
	if (mem_find(fs, from) != m) {
		rc = -ENOENT; /* unlinked or renamed meanwhile */
	} else if (t == m) {
		rc = 0;
	} else if (t && (flags & RENAME_NOREPLACE)) {
		rc = -EEXIST;
	} else if (!m->linked) {
		rc = -ENOENT;
	} else {
		char *np = strdup(to);
		if (!np) {
			rc = -ENOMEM;
		} else {
			if (t)
				mem_unlink_locked(fs, t);
			free(m->path);
			m->path = np;
		}
	}
	pthread_mutex_unlock(&fs->mem_lock);
	return rc;
}
