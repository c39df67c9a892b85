/* The FUSE operations: thin translations of FUSE calls into tree lookups
 * and cache requests.  Errors are logged once here, with the operation,
 * the path and the API's code and request id (never a secret). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "bssfs/clock.h"
#include "bssfs/log.h"
#include "fs_internal.h"

/* One open file (struct handle, fs_internal.h): a cached file's
 * descriptor, a generated buffer, the refresh control file's input, or a
 * document handle of control.c. */

static struct bss_fs *FS(void)
{
	return fuse_get_context()->private_data;
}

/* Logs a failure at the boundary; lookups of absent names are not logged. */
static int fail(const char *op, const char *path, int rc, const struct bss_error *err)
{
	if (rc == -ENOENT && (!err || !err->code[0]))
		return rc;
	if (err && err->code[0])
		bss_err("%s %s: %s (%s %s, HTTP %d, request id %s): %s", op, path, strerror(-rc),
			err->op, err->code, err->http_status,
			err->request_id[0] ? err->request_id : "-", err->message);
	else
		bss_err("%s %s: %s", op, path, strerror(-rc));
	switch (rc) {
	case -ECONNREFUSED:
	case -ECONNRESET:
	case -ECONNABORTED:
	case -EHOSTUNREACH:
	case -ENETUNREACH:
	case -ENETDOWN:
	case -ETIMEDOUT:
	case -ENOTCONN:
	case -EPROTO:
	case -EBADMSG:
		return -EIO; /* the API could not be reached: DESIGN §3 "Offline" */
	default:
		return rc;
	}
}

static bool is_generated(const struct bss_tree_node *n)
{
	return n->row->kind == BSS_TREE_LIVE || n->row->render == BSS_TR_README;
}

static void fill_dir(struct bss_fs *fs, const struct bss_tree_node *n, struct stat *st)
{
	st->st_mode = S_IFDIR | 0555;
	st->st_nlink = 2;
	st->st_mtime = n->fresh == BSS_FRESH_CLOSED ? n->close_time : fs->mount_time;
}

static void prefetch_dir(struct bss_fs *fs, const char *dir);

static int do_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	struct bss_fs *fs = FS();
	struct bss_tree_node n;
	struct bss_error err;
	memset(st, 0, sizeof(*st));
	if (fs_mem_stat(fs, path, st) == 0) { /* prices/ and temp files */
		st->st_ino = bss_tree_ino(path[0] == '/' ? path + 1 : path);
		st->st_uid = fs->uid;
		st->st_gid = fs->gid;
		st->st_blksize = 4096;
		st->st_blocks = (st->st_size + 511) / 512;
		st->st_atime = st->st_ctime = st->st_mtime;
		return 0;
	}
	int rc = fs_resolve(fs, path, &n, &err);
	if (rc < 0)
		return fail("getattr", path, rc, &err);
	st->st_ino = bss_tree_ino(n.path);
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	st->st_blksize = 4096;
	struct handle *h = fi ? (struct handle *)(uintptr_t)fi->fh : NULL;
	switch (n.row->kind) {
	case BSS_TREE_DIR:
		fill_dir(fs, &n, st);
		break;
	case BSS_TREE_REFRESH:
		st->st_mode = S_IFREG | 0200;
		st->st_nlink = 1;
		st->st_mtime = fs->mount_time;
		break;
	case BSS_TREE_CONTROL:
		fs_ctl_stat(fs, &n, st);
		break;
	case BSS_TREE_LIVE:
	case BSS_TREE_FILE:
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		if (h && h->fd >= 0) {
			struct stat fst;
			if (fstat(h->fd, &fst) == 0)
				st->st_size = fst.st_size;
			struct bss_cache_info info;
			st->st_mtime = bss_cache_peek(fs->cache, n.path, &info) == 0
					   ? info.mtime
					   : fs->mount_time;
		} else if (is_generated(&n)) {
			char *buf;
			size_t len;
			if (h) {
				st->st_size = (off_t)h->len;
			} else if (fs_generate(fs, &n, &buf, &len) == 0) {
				st->st_size = (off_t)len;
				free(buf);
			}
			st->st_mtime =
			    n.row->kind == BSS_TREE_LIVE ? bss_wall_time() : fs->mount_time;
		} else {
			struct bss_cache_req req;
			struct bss_cache_info info;
			fs_cache_req(&n, &req);
			if (fs->opt.lazy_size) {
				rc = bss_cache_peek(fs->cache, n.path, &info);
				if (rc < 0)
					info = (struct bss_cache_info){.mtime = fs->mount_time};
			} else {
				char parent[BSS_TREE_PATH_MAX];
				snprintf(parent, sizeof(parent), "%s", n.path);
				char *slash = strrchr(parent, '/');
				if (slash)
					*slash = 0;
				else
					parent[0] = 0;
				if (fs_take_listed(fs, parent))
					prefetch_dir(fs, parent);
				rc = bss_cache_get(fs->cache, &req, &info, NULL, &err);
				if (rc < 0)
					return fail("getattr", path, rc, &err);
			}
			st->st_size = (off_t)info.size;
			st->st_mtime = info.mtime;
		}
		break;
	}
	st->st_blocks = (st->st_size + 511) / 512;
	st->st_atime = st->st_mtime;
	st->st_ctime = st->st_mtime;
	return 0;
}

struct fill_ctx {
	struct bss_fs *fs;
	const struct bss_tree_node *dir;
	void *buf;
	fuse_fill_dir_t filler;
	bool prefetch;
};

static int add_name(void *ctx, const char *name, enum bss_tree_kind kind)
{
	struct fill_ctx *c = ctx;
	char path[BSS_TREE_PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s%s%s", c->dir->path, c->dir->path[0] ? "/" : "", name);
	if (c->prefetch && kind == BSS_TREE_FILE) {
		struct bss_tree_node n;
		if (bss_tree_lookup(&c->fs->tree, bss_wall_ms(), path, &n) == 0 &&
		    !is_generated(&n) && n.row->kind == BSS_TREE_FILE) {
			struct bss_cache_req req;
			fs_cache_req(&n, &req);
			bss_cache_prefetch(c->fs->cache, &req);
		}
	}
	if (!c->filler)
		return 0;
	/* d_ino and d_type as stat will report them (no size: that needs a fetch) */
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_ino = bss_tree_ino(path);
	st.st_mode = kind == BSS_TREE_DIR ? S_IFDIR : S_IFREG;
	return c->filler(c->buf, name, &st, 0, 0);
}

/* Starts fetching every data file of a directory (the first getattr of a
 * file after a listing: `ls -l` then waits for the slowest, not the sum). */
static void prefetch_dir(struct bss_fs *fs, const char *dir)
{
	struct bss_tree_node d;
	if (bss_tree_lookup(&fs->tree, bss_wall_ms(), dir, &d) < 0)
		return;
	struct fill_ctx c = {fs, &d, NULL, NULL, true};
	bss_tree_list_fixed(&fs->tree, bss_wall_ms(), &d, add_name, &c);
}

static int do_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void)off;
	(void)fi;
	(void)flags;
	struct bss_fs *fs = FS();
	struct bss_tree_node n;
	struct bss_error err;
	int rc = fs_resolve(fs, path, &n, &err);
	if (rc < 0)
		return fail("readdir", path, rc, &err);
	if (n.row->kind != BSS_TREE_DIR)
		return -ENOTDIR;
	filler(buf, ".", NULL, 0, 0);
	filler(buf, "..", NULL, 0, 0);
	struct fill_ctx c = {fs, &n, buf, filler, false};
	bss_tree_list_fixed(&fs->tree, bss_wall_ms(), &n, add_name, &c);
	if (!fs->opt.lazy_size)
		fs_note_listed(fs, n.path);
	const struct bss_tree_row *idr = bss_tree_id_child(&fs->tree, &n);
	if (idr) {
		c.prefetch = false;
		rc = fs_list_ids(fs, idr, add_name, &c, &err);
		if (rc < 0)
			return fail("readdir", path, rc, &err);
	}
	c.prefetch = false;
	fs_mem_list(fs, n.path, add_name, &c); /* prices/ files, editors' temp files */
	return 0;
}

static int do_open(const char *path, struct fuse_file_info *fi)
{
	struct bss_fs *fs = FS();
	struct bss_tree_node n;
	struct bss_error err;
	struct handle *h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->fd = -1;
	int rc = fs_mem_open(fs, path, fi, h);
	if (rc != -ENOENT) {
		if (rc < 0) {
			fs_doc_release(fs, h);
			free(h->buf);
			free(h);
			return rc;
		}
		fi->fh = (uint64_t)(uintptr_t)h;
		fs_handle_track(FS(), h);
		return 0;
	}
	rc = fs_resolve(fs, path, &n, &err);
	if (rc < 0) {
		free(h);
		return fail("open", path, rc, &err);
	}
	int acc = fi->flags & O_ACCMODE;
	if (n.row->kind == BSS_TREE_DIR) {
		free(h);
		return -EISDIR;
	}
	if (n.row->kind == BSS_TREE_CONTROL) {
		rc = fs_ctl_open(fs, &n, fi, h);
	} else if (n.row->kind == BSS_TREE_REFRESH) {
		h->refresh = true;
		fi->direct_io = 1;
	} else if (acc != O_RDONLY) {
		free(h);
		return -EROFS;
	} else if (is_generated(&n)) {
		rc = fs_generate(fs, &n, &h->buf, &h->len);
		fi->direct_io = 1;
	} else {
		struct bss_cache_req req;
		struct bss_cache_info info;
		bool had = bss_cache_peek(fs->cache, n.path, &info) == 0;
		fs_cache_req(&n, &req);
		rc = bss_cache_get(fs->cache, &req, &info, &h->fd, &err);
		fi->keep_cache = n.fresh == BSS_FRESH_CLOSED && !info.stale;
		fi->direct_io = fs->opt.lazy_size && !had;
	}
	if (rc < 0) {
		free(h->buf);
		free(h);
		return fail("open", path, rc, &err);
	}
	fi->fh = (uint64_t)(uintptr_t)h;
	fs_handle_track(FS(), h);
	return 0;
}

static int do_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;
	if (!h)
		return -EBADF;
	if (h->refresh)
		return 0;
	if (h->control || h->mem)
		return fs_doc_read(FS(), h, buf, size, off);
	if (h->fd >= 0) {
		ssize_t n = pread(h->fd, buf, size, off);
		return n < 0 ? fail("read", path, -errno, NULL) : (int)n;
	}
	if (off < 0 || (size_t)off >= h->len)
		return 0;
	size_t n = h->len - (size_t)off < size ? h->len - (size_t)off : size;
	memcpy(buf, h->buf + off, n);
	return (int)n;
}

static int invalidate_one(void *ctx, const char *name, enum bss_tree_kind kind)
{
	const char *dir = ctx;
	char p[BSS_TREE_PATH_MAX * 2];
	(void)kind;
	snprintf(p, sizeof(p), "/%s%s%s", dir, dir[0] ? "/" : "", name);
	fuse_invalidate_path(fuse_get_context()->fuse, p);
	return 0;
}

/* Makes the kernel forget pages it keeps (closed months are opened with
 * keep_cache) for a refreshed path and its direct children. */
static void invalidate_kernel(struct bss_fs *fs, const struct bss_tree_node *n)
{
	if (!fuse_get_context()->fuse)
		return;
	if (n->row->kind == BSS_TREE_DIR)
		bss_tree_list_fixed(&fs->tree, bss_wall_ms(), n, invalidate_one, (void *)n->path);
	else
		invalidate_one((void *)"", n->path, n->row->kind);
}

/* Applies complete lines of refresh input. */
static int apply_refresh(struct bss_fs *fs, struct handle *h, bool all_input)
{
	int rc = 0;
	for (;;) {
		char *nl = memchr(h->buf, '\n', h->len);
		if (!nl && !(all_input && h->len))
			break;
		size_t ll = nl ? (size_t)(nl - h->buf) : h->len;
		char line[BSS_TREE_PATH_MAX];
		size_t start = 0, end = ll;
		while (start < end && (h->buf[start] == ' ' || h->buf[start] == '\t'))
			start++;
		while (end > start && (h->buf[end - 1] == ' ' || h->buf[end - 1] == '\r' ||
				       h->buf[end - 1] == '\t'))
			end--;
		if (end - start >= sizeof(line)) {
			rc = -ENAMETOOLONG;
		} else if (end > start) {
			memcpy(line, h->buf + start, end - start);
			line[end - start] = 0;
			struct bss_tree_node n;
			const char *p = line;
			while (*p == '/')
				p++;
			if (strcmp(p, "all") != 0 &&
			    bss_tree_lookup(&fs->tree, bss_wall_ms(), p, &n) < 0) {
				bss_warn("refresh: %s is not a path of the tree", line);
				rc = -ENOENT;
			} else {
				const char *prefix = strcmp(p, "all") == 0 ? "all" : n.path;
				int k = bss_cache_drop(fs->cache, prefix);
				/* months.csv is made of the months' summaries */
				if (strcmp(prefix, "all") != 0 && n.month >= 0)
					k += bss_cache_drop(fs->cache, "bills/months.csv");
				fs_forget_ids(fs);
				if (strcmp(prefix, "all") != 0)
					invalidate_kernel(fs, &n);
				bss_info("refresh %s: %d cached file(s) dropped",
					 prefix[0] ? prefix : "/", k);
			}
		}
		size_t used = nl ? ll + 1 : h->len;
		memmove(h->buf, h->buf + used, h->len - used);
		h->len -= used;
	}
	return rc;
}

static int do_write(const char *path, const char *data, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;
	if (h && (h->control || h->mem)) {
		int rc = fs_doc_write(FS(), h, data, size, off);
		return rc < 0 ? fail("write", path, rc, NULL) : rc;
	}
	if (!h || !h->refresh)
		return -EROFS;
	if (h->len + size > 64 * 1024)
		return -EFBIG;
	if (h->len + size > h->cap) {
		char *nb = realloc(h->buf, h->len + size);
		if (!nb)
			return -ENOMEM;
		h->buf = nb;
		h->cap = h->len + size;
	}
	memcpy(h->buf + h->len, data, size);
	h->len += size;
	int rc = apply_refresh(FS(), h, false);
	return rc < 0 ? fail("write", path, rc, NULL) : (int)size;
}

static int do_flush(const char *path, struct fuse_file_info *fi)
{
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;
	if (h && (h->control || h->mem))
		return fs_doc_flush(FS(), h, false); /* close(2) gets this error */
	if (h && h->refresh && h->len) {
		int rc = apply_refresh(FS(), h, true);
		if (rc < 0)
			return fail("flush", path, rc, NULL);
	}
	return 0;
}

static int do_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;
	if (!h)
		return 0;
	fs_handle_free(FS(), h);
	return 0;
}

static int do_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	struct bss_fs *fs = FS();
	struct handle *h = fi ? (struct handle *)(uintptr_t)fi->fh : NULL;
	int rc = 0;
	if (fs_doc_truncate(fs, path, size, h, &rc))
		return rc;
	struct bss_tree_node n;
	struct bss_error err;
	rc = fs_resolve(fs, path, &n, &err);
	if (rc < 0)
		return rc;
	if (n.row->kind == BSS_TREE_CONTROL) /* without a handle: the document is not touched */
		return fs->purchases == BSS_PURCHASE_OFF ? -EACCES : 0;
	return n.row->kind == BSS_TREE_REFRESH ? 0 : -EROFS;
}

static int do_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)mode;
	struct bss_fs *fs = FS();
	struct handle *h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->fd = -1;
	int rc = fs_mem_create(fs, path, fi, h);
	if (rc < 0) {
		fs_doc_release(fs, h);
		free(h->buf);
		free(h);
		return rc;
	}
	fi->fh = (uint64_t)(uintptr_t)h;
	fs_handle_track(FS(), h);
	return 0;
}

static int do_unlink(const char *path)
{
	return fs_mem_unlink(FS(), path) == 0 ? 0 : -EROFS;
}

static int do_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path;
	(void)datasync;
	(void)fi;
	return 0; /* documents are acted on at close, never at fsync */
}

static bool is_mem(const char *path)
{
	struct stat st;
	return fs_mem_stat(FS(), path, &st) == 0;
}

static int do_mknod(const char *path, mode_t mode, dev_t dev)
{
	(void)path;
	(void)mode;
	(void)dev;
	return -EACCES;
}

static int do_mkdir(const char *path, mode_t mode)
{
	(void)path;
	(void)mode;
	return -EACCES;
}

static int do_rofs1(const char *path)
{
	(void)path;
	return -EROFS;
}

static int do_rofs2(const char *from, const char *to)
{
	(void)from;
	(void)to;
	return -EROFS;
}

static int do_rename(const char *from, const char *to, unsigned int flags)
{
	int rc = fs_mem_rename(FS(), from, to, flags);
	if (rc == -ENOENT)
		return do_rofs2(from, to);
	if (rc < 0 && rc != -EEXIST)
		bss_warn("rename %s -> %s: %s", from, to, strerror(-rc));
	return rc;
}

static int do_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)mode;
	(void)fi;
	return is_mem(path) ? 0 : do_rofs1(path);
}

static int do_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
	(void)uid;
	(void)gid;
	(void)fi;
	return is_mem(path) ? 0 : do_rofs1(path);
}

static int do_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	(void)tv;
	(void)fi;
	return is_mem(path) ? 0 : do_rofs1(path);
}

static int do_statfs(const char *path, struct statvfs *sv)
{
	(void)path;
	memset(sv, 0, sizeof(*sv));
	sv->f_bsize = 4096;
	sv->f_frsize = 4096;
	sv->f_namemax = 255;
	return 0;
}

static void *do_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	struct bss_fs *fs = FS();
	cfg->use_ino = 1;
	cfg->entry_timeout = 1.0;
	cfg->attr_timeout = 1.0;
	cfg->negative_timeout = 1.0;
	if (!fs->cache) {
		char err[512];
		if (bss_fs_start(fs, err, sizeof(err)) < 0)
			bss_err("%s", err);
	}
	return fs;
}

static const struct fuse_operations ops = {
    .init = do_init,
    .getattr = do_getattr,
    .readdir = do_readdir,
    .open = do_open,
    .read = do_read,
    .write = do_write,
    .flush = do_flush,
    .release = do_release,
    .truncate = do_truncate,
    .create = do_create,
    .mknod = do_mknod,
    .mkdir = do_mkdir,
    .unlink = do_unlink,
    .fsync = do_fsync,
    .rmdir = do_rofs1,
    .symlink = do_rofs2,
    .link = do_rofs2,
    .rename = do_rename,
    .chmod = do_chmod,
    .chown = do_chown,
    .utimens = do_utimens,
    .statfs = do_statfs,
};

const struct fuse_operations *bss_fs_operations(void)
{
	return &ops;
}
