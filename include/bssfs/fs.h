/* The filesystem: the tree (bssfs/tree.h) over the cache (bssfs/cache.h)
 * over the client (bssfs/client.h), and the FUSE operations.
 *
 * Owns: the one context object of a mount (options, client, cache, the
 * memo of listed ids), the content producers that turn a tree node into
 * bytes (JSON, CSV and the special files), the FUSE glue (thin: every
 * operation looks the path up in the tree and asks the cache), and the
 * errno/log policy at the FUSE boundary.  Does not parse the command line
 * (src/fuse/main.c does) and does not talk HTTP (the client does). */
#ifndef BSSFS_FS_H
#define BSSFS_FS_H

#define FUSE_USE_VERSION 35
#include <fuse.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bssfs/cache.h"
#include "bssfs/client.h"
#include "bssfs/tree.h"

/* Effective options (DESIGN §5). Strings are owned by the caller and must
 * outlive the fs. Never holds a secret. */
struct bss_fs_options {
	const char *site;				    /* "intl", "cn", "eu" */
	const char *endpoint, *eps_endpoint, *iam_endpoint; /* NULL = the site's */
	const char *credentials;	/* file given with -o credentials, or NULL */
	const char *credentials_source; /* where credentials came from (no secret) */
	const char *cacert;
	const char *cache_dir; /* resolved directory */
	int months;	       /* 1..36, default 18 */
	bool lazy_size;
	bool csv_unix;	       /* csv=unix */
	const char *purchases; /* "off", "dry-run", "on" (writes not implemented yet) */
	int max_rps;
	int timeout_s; /* request deadline, default 30 */
	const char *log_level;
	uint64_t cache_max_bytes; /* 0 = default */
	int workers;		  /* fetch workers, 0 = 4 */
};

struct bss_fs;

/* Creates the mount context over a ready client (borrowed; must outlive
 * the fs). The cache (and its threads) starts in bss_fs_start, after
 * daemonizing. 0 or -errno with a message in err. */
int bss_fs_new(const struct bss_fs_options *opt, struct bss_client *client, struct bss_fs **out,
	       char *err, size_t errlen);
/* Opens the cache and starts its workers. 0 or -errno with a message. */
int bss_fs_start(struct bss_fs *fs, char *err, size_t errlen);
void bss_fs_free(struct bss_fs *fs);

/* The fetch function installed in the cache: renders the content of a tree
 * path to out (exposed for tests). ctx is the struct bss_fs. */
int bss_fs_fetch(void *ctx, const char *key, FILE *out, struct bss_error *err);

/* The FUSE operations; private_data must be the struct bss_fs (given to
 * fuse_new as user_data). */
const struct fuse_operations *bss_fs_operations(void);

/* Default cache directory for a domain: $XDG_CACHE_HOME/bssfs/<domain_id>,
 * else $HOME/.cache/bssfs/<domain_id>. 0 or -errno. */
int bss_fs_default_cache_dir(const char *domain_id, char *buf, size_t len);

#endif
