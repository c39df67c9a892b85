/* Internals of the fs module shared by fs.c (context, ids), fetch.c
 * (content producers) and ops.c (FUSE operations). */
#ifndef BSSFS_FS_INTERNAL_H
#define BSSFS_FS_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "bssfs/fs.h"
#include "bssfs/purchase.h"

#define FS_ID_MEMOS 16
#define FS_LISTED 8

/* The ids a list file names, parsed once per fetched version. */
struct id_memo {
	char *key;	    /* list file path, NULL = unused slot */
	int64_t fetched_ms; /* version parsed */
	uint64_t size;
	char **ids;
	size_t n;
};

/* The last outcome of one control file (created at its first use, kept
 * until unmount). */
struct ctl_state {
	struct ctl_state *next; /* bss_fs.ctl_lock */
	char *path;		/* immutable */
	pthread_mutex_t run;	/* held while an action of this file runs */
	char *outcome;		/* bss_fs.ctl_lock: last outcome JSON, NULL = none */
	size_t len;		/* bss_fs.ctl_lock */
	int64_t mtime;		/* bss_fs.ctl_lock */
};

/* An in-memory file: a prices/ file or an editor's temp file in a control
 * file's directory. Everything is guarded by bss_fs.mem_lock. */
struct memfile {
	struct memfile *next;
	char *path;
	bool price;  /* prices/ file (content = last quote), else temp file */
	bool linked; /* in the list (false once unlinked or consumed) */
	int refs;    /* the list's reference + one per open handle */
	char *data;
	size_t len;
	int64_t mtime;
};

/* One open file (ops.c, control.c). */
struct handle {
	int fd;	   /* cached content, or -1 */
	char *buf; /* generated content, refresh input, or snapshot of an outcome */
	size_t len, cap;
	bool refresh;
	/* control files and prices/ files */
	bool control;	   /* orders/<id>/pay ... */
	bool writer;	   /* opened for writing: own document buffer */
	bool wrote;	   /* a write (even of zero bytes) happened */
	bool acted;	   /* the document was submitted (or rejected): never again */
	bool too_big;	   /* a write went past BSS_PURCHASE_MAX_DOC */
	bool append;	   /* O_APPEND: writes go to the end of the document */
	char *doc;	   /* the document written through this handle */
	size_t doc_len, doc_cap;
	enum bss_action action;
	char id[BSS_TREE_ARG_MAX];
	char path[BSS_TREE_PATH_MAX];
	struct memfile *mem; /* prices/ or temp file (holds a reference) */
	struct handle *prev, *next; /* bss_fs.handles, handles_lock */
};

struct bss_fs {
	struct bss_fs_options opt; /* immutable */
	struct bss_client *client; /* borrowed; thread-safe */
	struct bss_cache *cache;   /* set by bss_fs_start, then immutable */
	struct bss_tree_cfg tree;  /* immutable */
	int64_t mount_time;	   /* Unix s; immutable */
	atomic_bool stopping;       /* set at unmount: running fetches give up */
	uid_t uid;
	gid_t gid;
	pthread_mutex_t memo_lock;
	struct id_memo memos[FS_ID_MEMOS]; /* memo_lock */
	size_t memo_next;		   /* memo_lock: next slot to replace */
	/* Directories listed lately whose files are not prefetched yet: the
	 * first getattr of one of their files prefetches them all (so `ls`
	 * costs no API call and `ls -l` fetches in parallel). */
	char listed[FS_LISTED][BSS_TREE_PATH_MAX]; /* memo_lock */
	int64_t listed_ms[FS_LISTED];		   /* memo_lock */
	size_t listed_next;			   /* memo_lock */
	enum bss_purchase_mode purchases;	   /* immutable */
	pthread_mutex_t ctl_lock;
	struct ctl_state *ctls; /* ctl_lock */
	pthread_mutex_t mem_lock;
	struct memfile *mems; /* mem_lock */
	/* Open handles: the kernel may not send RELEASE for handles still open
	 * at unmount, so bss_fs_free frees what is left. */
	pthread_mutex_t handles_lock;
	struct handle *handles; /* handles_lock */
};

/* Links an opened handle into fs->handles / unlinks and frees it. */
void fs_handle_track(struct bss_fs *fs, struct handle *h);
void fs_handle_free(struct bss_fs *fs, struct handle *h);

/* Notes that a directory was listed. */
void fs_note_listed(struct bss_fs *fs, const char *dir);
/* True once for a directory noted within the last few seconds. */
bool fs_take_listed(struct bss_fs *fs, const char *dir);

/* Resolves a path and checks that an {id} it goes through is listed.
 * 0, -ENOENT, or the -errno of fetching the list (err filled). */
int fs_resolve(struct bss_fs *fs, const char *path, struct bss_tree_node *node,
	       struct bss_error *err);
/* The cache request for a node. */
void fs_cache_req(const struct bss_tree_node *node, struct bss_cache_req *req);
/* Calls fn for every id the list file of an {id} directory names. */
int fs_list_ids(struct bss_fs *fs, const struct bss_tree_row *id_dir, bss_tree_name_fn fn,
		void *ctx, struct bss_error *err);
/* Drops memoised id lists (refresh). */
void fs_forget_ids(struct bss_fs *fs);
/* Generates a LIVE or README file into a malloc'd buffer. */
int fs_generate(struct bss_fs *fs, const struct bss_tree_node *node, char **buf, size_t *len);
/* Reads a whole cached file (fetching it if needed) and parses it. */
int fs_load_json(struct bss_fs *fs, const char *path, json_object **out, struct bss_error *err);

/* ---- control files, prices/ and temp files (control.c) ---------------- */

void fs_ctl_init(struct bss_fs *fs);
void fs_ctl_free(struct bss_fs *fs);
/* stat of a control file node. */
void fs_ctl_stat(struct bss_fs *fs, const struct bss_tree_node *n, struct stat *st);
/* Opens a control file node into h. 0 or -errno. */
int fs_ctl_open(struct bss_fs *fs, const struct bss_tree_node *n, struct fuse_file_info *fi,
		struct handle *h);
/* stat of an in-memory file: 0, or -ENOENT when path is none. */
int fs_mem_stat(struct bss_fs *fs, const char *path, struct stat *st);
/* Opens an in-memory file into h: 0, -ENOENT when path is none, -errno. */
int fs_mem_open(struct bss_fs *fs, const char *path, struct fuse_file_info *fi, struct handle *h);
/* create(2) under prices/ or (purchases not off) in a control file's
 * directory. 0 or -errno (EACCES elsewhere). */
int fs_mem_create(struct bss_fs *fs, const char *path, struct fuse_file_info *fi,
		  struct handle *h);
int fs_mem_unlink(struct bss_fs *fs, const char *path);
/* rename of an in-memory file: onto a control file submits its content
 * once. -ENOENT when from is not an in-memory file. */
int fs_mem_rename(struct bss_fs *fs, const char *from, const char *to, unsigned flags);
/* truncate of an in-memory file or of a document handle: 1 when handled
 * (then *rc is the result), 0 when not. */
int fs_doc_truncate(struct bss_fs *fs, const char *path, off_t size, struct handle *h, int *rc);
/* Lists the in-memory files of a directory. */
void fs_mem_list(struct bss_fs *fs, const char *dir, bss_tree_name_fn fn, void *ctx);
/* read, write and flush of the handles above; release frees their part. */
int fs_doc_read(struct bss_fs *fs, struct handle *h, char *buf, size_t size, off_t off);
int fs_doc_write(struct bss_fs *fs, struct handle *h, const char *data, size_t size, off_t off);
int fs_doc_flush(struct bss_fs *fs, struct handle *h, bool release);
void fs_doc_release(struct bss_fs *fs, struct handle *h);

#endif
