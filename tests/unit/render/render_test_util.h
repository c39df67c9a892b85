/* Helpers for the render unit tests: parse JSON text, render pages into
 * memory, and a small independent RFC 4180 reader. Header-only (static). */
#ifndef RENDER_TEST_UTIL_H
#define RENDER_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bssfs/api.h"
#include "bssfs/jsonx.h"
#include "bssfs/render.h"

static inline json_object *parse(const char *text)
{
	json_object *o = NULL;
	char err[128];
	int rc = bss_json_parse(text, strlen(text), &o, err, sizeof(err));
	if (rc)
		fail_msg("bad test JSON (%s): %s", err, text);
	return o;
}

/* Renders the pages (JSON texts, NULL-terminated) and returns the bytes
 * (malloc'd, *len set); *rc_finish gets the finish result. */
static inline char *render_texts(const struct bss_op *op, enum bss_render_format fmt,
				 const struct bss_render_opts *opts, const char *const *pages,
				 size_t *len, int *rc_finish)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	assert_non_null(f);
	struct bss_renderer *r = bss_render_new(op, fmt, opts, f);
	assert_non_null(r);
	for (size_t i = 0; pages[i]; i++) {
		json_object *p = parse(pages[i]);
		assert_int_equal(bss_render_page(r, p), 0);
		json_object_put(p);
	}
	*rc_finish = bss_render_finish(r);
	bss_render_free(r);
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

/* Independent RFC 4180 reader: rows of fields. eol is "\r\n" or "\n". */
struct csv_table {
	char ***rows;  /* rows[i][j] */
	size_t *ncols; /* fields per row */
	size_t nrows;
};

static inline void csv_table_free(struct csv_table *t)
{
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t j = 0; j < t->ncols[i]; j++)
			free(t->rows[i][j]);
		free(t->rows[i]);
	}
	free(t->rows);
	free(t->ncols);
}

/* Returns 0, or -1 on malformed input (bare quote, bad line end). */
static inline int csv_parse(const char *s, size_t len, const char *eol, struct csv_table *t)
{
	memset(t, 0, sizeof(*t));
	size_t el = strlen(eol), i = 0;
	char *field = malloc(len + 1);
	size_t flen = 0;
	char **row = NULL;
	size_t nf = 0;
	bool at_field_start = true;
	while (i < len) {
		if (at_field_start && s[i] == '"') {
			i++;
			for (;;) {
				if (i >= len)
					goto bad;
				if (s[i] == '"') {
					if (i + 1 < len && s[i + 1] == '"') {
						field[flen++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				field[flen++] = s[i++];
			}
			at_field_start = false;
			if (i < len && s[i] != ',' && strncmp(s + i, eol, el) != 0)
				goto bad;
			continue;
		}
		bool end_row = strncmp(s + i, eol, el) == 0;
		if (s[i] == ',' || end_row) {
			field[flen] = '\0';
			row = realloc(row, (nf + 1) * sizeof(*row));
			row[nf++] = strdup(field);
			flen = 0;
			at_field_start = true;
			if (end_row) {
				t->rows = realloc(t->rows, (t->nrows + 1) * sizeof(*t->rows));
				t->ncols = realloc(t->ncols, (t->nrows + 1) * sizeof(*t->ncols));
				t->rows[t->nrows] = row;
				t->ncols[t->nrows++] = nf;
				row = NULL;
				nf = 0;
				i += el;
			} else {
				i++;
			}
			continue;
		}
		if (s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			goto bad; /* quote inside an unquoted field, stray line end */
		field[flen++] = s[i++];
		at_field_start = false;
	}
	free(field);
	if (nf || !at_field_start) {
		for (size_t j = 0; j < nf; j++)
			free(row[j]);
		free(row);
		return -1; /* last row without its line end */
	}
	return 0;
bad:
	free(field);
	for (size_t j = 0; j < nf; j++)
		free(row[j]);
	free(row);
	return -1;
}

/* Index of a header name, or -1. */
static inline int csv_col(const struct csv_table *t, const char *name)
{
	if (t->nrows == 0)
		return -1;
	const char *h0 = t->rows[0][0];
	for (size_t j = 0; j < t->ncols[0]; j++) {
		const char *h = t->rows[0][j];
		if (j == 0 && strncmp(h0, "\xEF\xBB\xBF", 3) == 0)
			h += 3;
		if (strcmp(h, name) == 0)
			return (int)j;
	}
	return -1;
}

#endif
