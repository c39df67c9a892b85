/* The path table: every path of the mounted tree as data.
 *
 * Owns: the one table that says, for each path pattern of DESIGN §2, what it
 * is (directory, API-backed file, generated file, control file), which API
 * operation and parameters feed it, how it is rendered, its freshness class
 * (DESIGN §3) and the sites it exists on; the billing-month arithmetic
 * (UTC+8 calendar months, the history window, close times); path lookup and
 * the listing of fixed names.  Knows nothing about FUSE, caches or HTTP:
 * the FUSE layer asks this module what a path is and acts on the answer, so
 * adding a dataset is adding a row.
 *
 * Placeholders in patterns: {month} (a billing month "YYYY-MM") and {id}
 * (one path segment naming an order, resource, service type or enterprise
 * project).  A pattern holds at most one placeholder; its value is the
 * node's `arg`, and a parameter value "{arg}" in a row is replaced by it.
 * Pure functions over constant data: thread-safe. */
#ifndef BSSFS_TREE_H
#define BSSFS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bssfs/month.h"

/* Freshness classes (DESIGN §3). BSS_FRESH_MONTH appears only in rows and
 * resolves to CLOSED or OPEN in a looked-up node. */
enum bss_fresh {
	BSS_FRESH_STATIC = 0, /* directories, README: no API data */
	BSS_FRESH_CLOSED,     /* final month: forever, persists across mounts */
	BSS_FRESH_OPEN,	      /* current / not yet closed month: 1 hour */
	BSS_FRESH_CATALOG,    /* products/: 24 hours */
	BSS_FRESH_ACCOUNT,    /* balances, coupons, packages, orders, subscriptions: 60 s */
	BSS_FRESH_OTHER,      /* invoices, eps: 10 minutes */
	BSS_FRESH_LIVE,	      /* .bssfs/ files: generated at every open, never cached */
	BSS_FRESH_COUNT,
	BSS_FRESH_MONTH = 100 /* rows only */
};

/* Seconds a class stays fresh; -1 = forever; 0 = never cached. */
int64_t bss_fresh_ttl_s(enum bss_fresh f);
/* "closed", "open", "catalog", "account", "other", "live", "static". */
const char *bss_fresh_name(enum bss_fresh f);

enum bss_tree_kind {
	BSS_TREE_DIR,
	BSS_TREE_FILE,	  /* content fetched through the cache */
	BSS_TREE_LIVE,	  /* generated at open, not cached (.bssfs/stats.json...) */
	BSS_TREE_REFRESH, /* .bssfs/refresh: write-only control file */
	BSS_TREE_CONTROL, /* orders/<id>/pay ...: one JSON document per close (DESIGN §6) */
};

/* How a file's content is made. */
enum bss_tree_render {
	BSS_TR_NONE,
	BSS_TR_JSON,	    /* render.h JSON of every page of `op` */
	BSS_TR_CSV,	    /* render.h CSV of every page of `op` */
	BSS_TR_BALANCE,	    /* account/balance text lines */
	BSS_TR_README,	    /* README.txt */
	BSS_TR_MONTHS_CSV,  /* bills/months.csv from each month's summary */
	BSS_TR_RENEW_PRICE, /* {"month": ..., "year": ...} of ListRenewRateOnPeriod */
	BSS_TR_STATS,	    /* .bssfs/stats.json */
	BSS_TR_CONFIG,	    /* .bssfs/config.json */
	BSS_TR_CONTROL,	    /* a control file: the outcome of its last action */
};

/* How the operation's input is found beyond the row's parameters. */
enum bss_tree_feed {
	BSS_FEED_OP = 0,	   /* the row's parameters only */
	BSS_FEED_FREE_RESOURCE_IDS /* free_resource_ids from packages/packages.json */
};

#define BSS_TREE_MAX_PARAMS 4

struct bss_tree_param {
	const char *name;  /* the API's parameter name (query, body or path) */
	const char *value; /* literal text, "{arg}", "{invoice_start}", "{invoice_end}" */
};

struct bss_tree_row {
	const char *pattern; /* "bills/{month}/summary.json"; "" = the root */
	enum bss_tree_kind kind;
	const char *op; /* operation name (bssfs/api.h), NULL when none */
	enum bss_tree_render render;
	const char *records_key; /* overrides the op's record array, or NULL */
	enum bss_tree_feed feed;
	struct bss_tree_param params[BSS_TREE_MAX_PARAMS];
	enum bss_fresh fresh;
	unsigned sites; /* BSS_SITE_* mask; 0 = every site */
	/* Directories whose last segment is {id}: the file listing the ids,
	 * the record array in it and the field naming each child. */
	const char *list_file;
	const char *list_records_key;
	const char *list_id_field;
};

extern const struct bss_tree_row bss_tree_rows[];
extern const size_t bss_tree_rows_count;

/* ---- billing months: index = year * 12 + (month - 1) ----------------- */

#define BSS_MONTHS_DEFAULT 18
#define BSS_MONTHS_MAX 36 /* how far back the API reaches, current month included */

/* bss_month_parse and bss_month_format: bssfs/month.h. */
/* The billing month (UTC+8) containing the instant now_ms. */
int bss_month_current(int64_t now_ms);
/* Unix time (UTC) of the month's first instant: day 1, 00:00 UTC+8. */
int64_t bss_month_start(int index);
/* Unix time (UTC) at which the month's bill is final: day 5 of the next
 * month, 00:00 UTC+8. */
int64_t bss_month_close_time(int index);
bool bss_month_is_closed(int index, int64_t now_ms);
/* A month a lookup accepts: not in the future and at most BSS_MONTHS_MAX - 1
 * months before the current one. */
bool bss_month_in_reach(int index, int64_t now_ms);

/* ---- lookup ----------------------------------------------------------- */

#define BSS_TREE_PATH_MAX 512
#define BSS_TREE_ARG_MAX 160

struct bss_tree_cfg {
	unsigned site; /* BSS_SITE_INTL or BSS_SITE_CN */
	int months;    /* history window listed in bills/, 1..BSS_MONTHS_MAX */
};

struct bss_tree_node {
	const struct bss_tree_row *row;
	char path[BSS_TREE_PATH_MAX]; /* normalised, no leading or trailing '/', "" = root */
	char arg[BSS_TREE_ARG_MAX];   /* the placeholder's value, "" when none */
	int month;		      /* month index, -1 when the path has none */
	enum bss_fresh fresh;	      /* resolved class */
	int64_t close_time;	      /* closed months: close time (Unix s), else 0 */
	/* When the path goes through an {id} directory: that directory's row
	 * and its path, so the caller can check the id is listed. */
	const struct bss_tree_row *id_dir;
	char id_dir_path[BSS_TREE_PATH_MAX];
};

/* Resolves a path ("/bills/2026-10/summary.json" or without the leading
 * slash). 0, or -ENOENT for a path the tree does not have on this site
 * (unknown names, invalid or out-of-reach months, absent site-only files),
 * -ENAMETOOLONG for an over-long path. */
int bss_tree_lookup(const struct bss_tree_cfg *cfg, int64_t now_ms, const char *path,
		    struct bss_tree_node *out);

/* Called for each fixed child name of a directory. Return non-zero to stop. */
typedef int (*bss_tree_name_fn)(void *ctx, const char *name, enum bss_tree_kind kind);

/* Lists the names known without any API call: the fixed names of a
 * directory and, for bills/, the months of the window (oldest first, the
 * current month last).  Names of an {id} directory's children come from its
 * list file and are not listed here. Returns 0 or the callback's value. */
int bss_tree_list_fixed(const struct bss_tree_cfg *cfg, int64_t now_ms,
			const struct bss_tree_node *dir, bss_tree_name_fn fn, void *ctx);

/* The {id} directory row that is a child of `dir`, or NULL. */
const struct bss_tree_row *bss_tree_id_child(const struct bss_tree_cfg *cfg,
					     const struct bss_tree_node *dir);

/* True when an id may be used as a path segment ("." "..", '/', control
 * characters and over-long ids are refused). */
bool bss_tree_id_valid(const char *id);

/* Stable inode number for a path (never 0 or 1 except the root, which is 1). */
uint64_t bss_tree_ino(const char *path);

#endif
