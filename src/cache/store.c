/* The cache's files on disk: names, the 0700 directory, content hashes and
 * the metadata sidecars (written by temp file + rename). */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bssfs/jsonx.h"
#include "cache_internal.h"

static void hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = 0;
}

static int unhex(const char *s, unsigned char *b, size_t n)
{
	if (strlen(s) != 2 * n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		b[i] = (unsigned char)v;
	}
	return 0;
}

void cache_name_for(const char *variant, const char *key, char *name)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	if (variant)
		EVP_DigestUpdate(ctx, variant, strlen(variant));
	EVP_DigestUpdate(ctx, "\n", 1);
	EVP_DigestUpdate(ctx, key, strlen(key));
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	hex(md, 32, name);
}

int cache_path(const char *dir, const char *name, const char *suffix, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s%s", dir, name, suffix);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int cache_mkdir_private(const char *dir)
{
	char buf[4096];
	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	struct stat st;
	if (stat(buf, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if ((st.st_mode & 077) && chmod(buf, 0700) < 0)
		return -errno;
	return 0;
}

int cache_hash_fd(int fd, uint64_t *size, unsigned char sha[32])
{
	unsigned char buf[65536];
	uint64_t total = 0;
	unsigned int mdlen = 0;
	int rc = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	for (off_t off = 0;;) {
		ssize_t n = pread(fd, buf, sizeof(buf), off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		off += n;
		total += (uint64_t)n;
	}
	EVP_DigestFinal_ex(ctx, sha, &mdlen);
	EVP_MD_CTX_free(ctx);
	*size = total;
	return rc;
}

int cache_meta_write(const char *dir, const char *name, const struct cache_meta *m)
{
	char path[4096], tmp[4096], shahex[65];
	int rc = cache_path(dir, name, ".meta", path, sizeof(path));
	if (rc < 0)
		return rc;
	rc = cache_path(dir, "tmp.meta.", name, tmp, sizeof(tmp));
	if (rc < 0)
		return rc;
	hex(m->sha, 32, shahex);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "key", json_object_new_string(m->key));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)m->size));
	json_object_object_add(o, "sha256", json_object_new_string(shahex));
	json_object_object_add(o, "mtime", json_object_new_int64(m->mtime));
	json_object_object_add(o, "fetched_ms", json_object_new_int64(m->fetched_ms));
	json_object_object_add(o, "fixed_mtime", json_object_new_int64(m->fixed_mtime));
	json_object_object_add(o, "class", json_object_new_string(bss_fresh_name(m->fresh)));
	const char *text = bss_json_compact(o);
	rc = 0;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
	} else {
		size_t len = strlen(text);
		if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
			rc = -EIO;
		close(fd);
		if (rc == 0 && rename(tmp, path) < 0)
			rc = -errno;
		if (rc < 0)
			unlink(tmp);
	}
	json_object_put(o);
	return rc;
}

static enum bss_fresh fresh_from_name(const char *s)
{
	for (int f = 0; f < BSS_FRESH_COUNT; f++)
		if (s && !strcmp(s, bss_fresh_name((enum bss_fresh)f)))
			return (enum bss_fresh)f;
	return BSS_FRESH_LIVE; /* unknown: treated as never fresh */
}

int cache_meta_read(const char *path, struct cache_meta *m)
{
	char buf[8192];
	memset(m, 0, sizeof(*m));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0 || n == (ssize_t)sizeof(buf))
		return -EINVAL;
	json_object *o = NULL;
	if (bss_json_parse(buf, (size_t)n, &o, NULL, 0) < 0)
		return -EINVAL;
	int rc = -EINVAL;
	const char *key = bss_json_get_str(o, "key");
	const char *sha = bss_json_get_str(o, "sha256");
	json_object *size = bss_json_get(o, "size"), *mt = bss_json_get(o, "mtime");
	json_object *fe = bss_json_get(o, "fetched_ms"), *fx = bss_json_get(o, "fixed_mtime");
	if (key && sha && size && mt && fe && fx && unhex(sha, m->sha, 32) == 0) {
		m->key = strdup(key);
		m->size = (uint64_t)json_object_get_int64(size);
		m->mtime = json_object_get_int64(mt);
		m->fetched_ms = json_object_get_int64(fe);
		m->fixed_mtime = json_object_get_int64(fx);
		m->fresh = fresh_from_name(bss_json_get_str(o, "class"));
		rc = m->key ? 0 : -ENOMEM;
	}
	json_object_put(o);
	return rc;
}
