/* Internals of the cache module shared by cache.c (table, single flight,
 * workers) and store.c (files on disk). */
#ifndef BSSFS_CACHE_INTERNAL_H
#define BSSFS_CACHE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "bssfs/tree.h"

#define CACHE_NAME_LEN 64 /* hex SHA-256 */

/* What the metadata sidecar <name>.meta holds. */
struct cache_meta {
	char *key; /* owned */
	uint64_t size;
	unsigned char sha[32];
	int64_t mtime;	     /* Unix s */
	int64_t fetched_ms;  /* wall ms */
	int64_t fixed_mtime; /* close time or 0 */
	enum bss_fresh fresh;
};

/* Hex SHA-256 of variant "\n" key into name (CACHE_NAME_LEN + 1 bytes). */
void cache_name_for(const char *variant, const char *key, char *name);
/* "<dir>/<name><suffix>" into buf. -ENAMETOOLONG if it does not fit. */
int cache_path(const char *dir, const char *name, const char *suffix, char *buf, size_t len);
/* Creates dir and its parents with mode 0700; tightens an existing dir. */
int cache_mkdir_private(const char *dir);
/* Size and SHA-256 of an open file (read from offset 0). */
int cache_hash_fd(int fd, uint64_t *size, unsigned char sha[32]);
/* Writes the sidecar by temp file + rename. */
int cache_meta_write(const char *dir, const char *name, const struct cache_meta *m);
/* Reads a sidecar; m->key is allocated. 0 or -errno. */
int cache_meta_read(const char *path, struct cache_meta *m);

#endif
