/* Internals shared by the renderer files (not a public interface).
 *
 * render.c owns the bss_renderer object and dispatches to json_render.c
 * (merged NAME.json) and csv_render.c (NAME.csv); flatten.c turns the
 * operation's record schema into CSV columns; money.c knows which fields
 * are money and converts legacy measure units exactly.
 *
 * A renderer is used by one thread at a time (the caller's), so it has no
 * lock: every field below is owned by whoever holds the renderer. */
#ifndef BSSFS_RENDER_INTERNAL_H
#define BSSFS_RENDER_INTERNAL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bssfs/api.h"
#include "bssfs/dec.h"
#include "bssfs/render.h"

/* One CSV column: a path of keys from the record down to a leaf. */
struct render_col {
	char *name;		/* header text, keys joined with '.' */
	const char **path;	/* keys (point into the op table) */
	size_t depth;		/* number of keys in path */
	enum bss_ftype type;	/* leaf type from the schema */
	enum bss_ftype elem;	/* element type when type is ARRAY */
	bool is_money;		/* converted by the object's measure_id */
	bool is_measure;	/* "measure_id" beside money columns */
	bool from_top_currency; /* the added column: answer's currency */
};

struct render_cols {
	struct render_col *v;
	size_t n;
};

struct bss_renderer {
	const struct bss_op *op;
	enum bss_render_format fmt;
	struct bss_render_opts opts;
	FILE *out;			/* borrowed */
	const char *records_key;	/* NULL: the whole answer is one record */
	const char *total_key;		/* NULL: no total to rewrite */
	const struct bss_field *schema; /* record schema (or the response's) */
	size_t n_schema;
	size_t pages;		  /* pages accepted so far */
	unsigned long long count; /* records rendered so far */
	int error;		  /* first error; sticky */
	bool finished;

	/* JSON state */
	bool array_open;       /* '[' written, ']' not yet */
	bool array_in_head;    /* records key seen in the first page */
	json_object *tail;     /* first page's fields after the array */
	bool head_total_known; /* total written before the array */
	long long head_total;  /* ... with this value */

	/* CSV state */
	struct render_cols cols;
	bool header_done;
	char *currency;			 /* first page's top-level currency, or NULL */
	unsigned long long unknown_keys; /* record keys not in the schema */
};

/* flatten.c */
int render_cols_build(const struct bss_field *schema, size_t n, bool add_currency,
		      struct render_cols *out);
void render_cols_free(struct render_cols *c);
/* Value at a column's path in rec, or NULL. *unit gets the object whose
 * measure_id applies to the value: the innermost object on the path that
 * has one, else the object holding the value (NULL when a step is
 * missing). */
json_object *render_col_lookup(json_object *rec, const struct render_col *c, json_object **unit);
/* True when any column (or nested column) is money. */
bool render_cols_have_money(const struct render_cols *c);

/* money.c */
/* The measure_id of obj when it names a legacy money unit (2 or 3), else 1. */
int render_measure_of(json_object *obj);
/* Writes text (decimal) scaled to the base unit for measure into buf.
 * 0, or -EINVAL when text is not a decimal, -ERANGE on overflow. */
int render_money_to_base(const char *text, int measure, char *buf, size_t len);

/* json_render.c */
int render_json_page(struct bss_renderer *r, json_object *page);
int render_json_finish(struct bss_renderer *r);
/* Writes s as a JSON string literal. 0 or -EIO. */
int render_json_write_string(FILE *out, const char *s);

/* csv_render.c */
int render_csv_page(struct bss_renderer *r, json_object *page);
int render_csv_finish(struct bss_renderer *r);

#endif
