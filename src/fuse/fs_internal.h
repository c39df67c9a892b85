/* Internals of the fs module shared by fs.c (context, ids), fetch.c
 * (content producers) and ops.c (FUSE operations). */
#ifndef BSSFS_FS_INTERNAL_H
#define BSSFS_FS_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "bssfs/fs.h"

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
};

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

#endif
