/* Path lookup, listings of fixed names and billing-month arithmetic over the
 * table in rows.c.  See bssfs/tree.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bssfs/api.h"
#include "bssfs/tree.h"


int64_t bss_fresh_ttl_s(enum bss_fresh f)
{
	switch (f) {
	case BSS_FRESH_STATIC:
	case BSS_FRESH_CLOSED:
		return -1;
	case BSS_FRESH_OPEN:
		return 3600;
	case BSS_FRESH_CATALOG:
		return 24 * 3600;
	case BSS_FRESH_ACCOUNT:
		return 60;
	case BSS_FRESH_OTHER:
		return 600;
	default:
		return 0;
	}
}

const char *bss_fresh_name(enum bss_fresh f)
{
	static const char *const names[] = {"static",  "closed", "open", "catalog",
					    "account", "other",	 "live"};
	if ((int)f >= 0 && f < BSS_FRESH_COUNT)
		return names[f];
	return "month";
}

/* ---- months ------------------------------------------------------------ */

int bss_month_current(int64_t now_ms)
{
	return bss_month_of_ms(now_ms, NULL);
}

int64_t bss_month_start(int index)
{
	return bss_month_day_start(index, 1);
}

int64_t bss_month_close_time(int index)
{
	return bss_month_day_start(index + 1, 5);
}

bool bss_month_is_closed(int index, int64_t now_ms)
{
	return now_ms / 1000 >= bss_month_close_time(index);
}

bool bss_month_in_reach(int index, int64_t now_ms)
{
	int cur = bss_month_current(now_ms);
	return index <= cur && index > cur - BSS_MONTHS_MAX;
}

/* ---- ids, inodes ------------------------------------------------------- */

bool bss_tree_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n >= BSS_TREE_ARG_MAX || id[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)id[i];
		if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
			return false;
	}
	return true;
}

uint64_t bss_tree_ino(const char *path)
{
	if (!path[0] || (path[0] == '/' && !path[1]))
		return 1;
	uint64_t h = 1469598103934665603ULL; /* FNV-1a 64 */
	for (const char *p = path; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 1099511628211ULL;
	}
	return h < 2 ? h + 2 : h;
}

/* ---- matching ---------------------------------------------------------- */

static bool on_site(const struct bss_tree_row *r, unsigned site)
{
	if (r->sites && !(r->sites & site))
		return false;
	if (r->op) {
		const struct bss_op *op = bss_op_find(r->op);
		if (!op || !bss_op_on_site(op, site))
			return false;
	}
	return true;
}

/* Next segment of s (no '/'), advancing *s past it and one '/'. */
static size_t next_seg(const char **s, const char **seg)
{
	const char *p = *s;
	*seg = p;
	size_t n = strcspn(p, "/");
	*s = p[n] == '/' ? p + n + 1 : p + n;
	return n;
}

struct match {
	char arg[BSS_TREE_ARG_MAX];
	int month;
	size_t arg_end; /* offset in the path just after the placeholder's segment */
};

static bool match_pattern(const char *pattern, const char *path, int64_t now_ms, struct match *m)
{
	const char *pp = pattern, *sp = path;
	m->arg[0] = 0;
	m->month = -1;
	m->arg_end = 0;
	if (!*pattern || !*path)
		return !*pattern && !*path;
	while (*pp && *sp) {
		const char *a, *b;
		size_t na = next_seg(&pp, &a), nb = next_seg(&sp, &b);
		if (na == 7 && !memcmp(a, "{month}", 7)) {
			char buf[16];
			if (nb >= sizeof(buf))
				return false;
			memcpy(buf, b, nb);
			buf[nb] = 0;
			int idx;
			if (bss_month_parse(buf, &idx) < 0 || !bss_month_in_reach(idx, now_ms))
				return false;
			memcpy(m->arg, buf, nb + 1);
			m->month = idx;
			m->arg_end = (size_t)(b + nb - path);
		} else if (na == 4 && !memcmp(a, "{id}", 4)) {
			if (nb >= BSS_TREE_ARG_MAX)
				return false;
			memcpy(m->arg, b, nb);
			m->arg[nb] = 0;
			if (!bss_tree_id_valid(m->arg))
				return false;
			m->arg_end = (size_t)(b + nb - path);
		} else if (na != nb || memcmp(a, b, na) != 0) {
			return false;
		}
	}
	return !*pp && !*sp;
}

static const struct bss_tree_row *find_dir_row(const char *pattern_prefix, size_t len)
{
	for (size_t i = 0; i < bss_tree_rows_count; i++) {
		const struct bss_tree_row *r = &bss_tree_rows[i];
		if (r->kind == BSS_TREE_DIR && strlen(r->pattern) == len &&
		    !memcmp(r->pattern, pattern_prefix, len))
			return r;
	}
	return NULL;
}

int bss_tree_lookup(const struct bss_tree_cfg *cfg, int64_t now_ms, const char *path,
		    struct bss_tree_node *out)
{
	while (*path == '/')
		path++;
	size_t n = strlen(path);
	while (n > 0 && path[n - 1] == '/')
		n--;
	if (n >= BSS_TREE_PATH_MAX)
		return -ENAMETOOLONG;
	memset(out, 0, sizeof(*out));
	memcpy(out->path, path, n);
	out->path[n] = 0;
	if (strstr(out->path, "//"))
		return -ENOENT;

	for (size_t i = 0; i < bss_tree_rows_count; i++) {
		const struct bss_tree_row *r = &bss_tree_rows[i];
		struct match m;
		if (!match_pattern(r->pattern, out->path, now_ms, &m))
			continue;
		if (!on_site(r, cfg->site))
			return -ENOENT;
		out->row = r;
		snprintf(out->arg, sizeof(out->arg), "%s", m.arg);
		out->month = m.month;
		out->fresh = r->fresh;
		if (r->fresh == BSS_FRESH_MONTH) {
			bool closed = bss_month_is_closed(m.month, now_ms);
			out->fresh = closed ? BSS_FRESH_CLOSED : BSS_FRESH_OPEN;
			out->close_time = closed ? bss_month_close_time(m.month) : 0;
		}
		const char *ph = strstr(r->pattern, "{id}");
		if (ph) {
			out->id_dir = find_dir_row(r->pattern, (size_t)(ph - r->pattern) + 4);
			memcpy(out->id_dir_path, out->path, m.arg_end);
			out->id_dir_path[m.arg_end] = 0;
		}
		return 0;
	}
	return -ENOENT;
}

/* The parent of a row pattern, as a length of its prefix, or -1 for root. */
static long parent_len(const char *pattern)
{
	if (!*pattern)
		return -1;
	const char *slash = strrchr(pattern, '/');
	return slash ? (long)(slash - pattern) : 0;
}

int bss_tree_list_fixed(const struct bss_tree_cfg *cfg, int64_t now_ms,
			const struct bss_tree_node *dir, bss_tree_name_fn fn, void *ctx)
{
	if (!dir->row || dir->row->kind != BSS_TREE_DIR)
		return -ENOTDIR;
	const char *dp = dir->row->pattern;
	size_t dl = strlen(dp);
	for (size_t i = 0; i < bss_tree_rows_count; i++) {
		const struct bss_tree_row *r = &bss_tree_rows[i];
		if (parent_len(r->pattern) != (long)dl || memcmp(r->pattern, dp, dl) != 0)
			continue;
		if (!on_site(r, cfg->site))
			continue;
		const char *name = r->pattern + dl + (dl ? 1 : 0);
		if (!strcmp(name, "{month}")) {
			int cur = bss_month_current(now_ms);
			int nm = cfg->months;
			if (nm < 1)
				nm = 1;
			if (nm > BSS_MONTHS_MAX)
				nm = BSS_MONTHS_MAX;
			for (int idx = cur - nm + 1; idx <= cur; idx++) {
				char buf[16];
				bss_month_format(idx, buf, sizeof(buf));
				int rc = fn(ctx, buf, BSS_TREE_DIR);
				if (rc)
					return rc;
			}
			continue;
		}
		if (strchr(name, '{'))
			continue;
		int rc = fn(ctx, name, r->kind);
		if (rc)
			return rc;
	}
	return 0;
}

const struct bss_tree_row *bss_tree_id_child(const struct bss_tree_cfg *cfg,
					     const struct bss_tree_node *dir)
{
	if (!dir->row || dir->row->kind != BSS_TREE_DIR)
		return NULL;
	const char *dp = dir->row->pattern;
	size_t dl = strlen(dp);
	for (size_t i = 0; i < bss_tree_rows_count; i++) {
		const struct bss_tree_row *r = &bss_tree_rows[i];
		if (parent_len(r->pattern) != (long)dl || memcmp(r->pattern, dp, dl) != 0)
			continue;
		if (r->list_file && on_site(r, cfg->site))
			return r;
	}
	return NULL;
}
