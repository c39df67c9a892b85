/* NAME.csv (DESIGN §4): RFC 4180 with a header row, one row per record.
 *
 * Bytes: UTF-8 with a byte-order mark and CRLF line ends, or LF and no
 * byte-order mark with opts.csv_unix. Fields holding ',' '"' CR or LF are
 * quoted with '"' doubled. Cells:
 *  - absent and null values are empty fields; booleans true/false; numbers
 *    exactly as the API wrote them (json-c keeps the text);
 *  - nested objects are flattened into columns (flatten.c), arrays of
 *    scalars are joined with ';', arrays of objects and free-form objects
 *    are compact JSON text;
 *  - money fields of an object whose measure_id is a legacy unit are
 *    converted to the base unit exactly and its measure_id written as 1
 *    (money.c); a money value that exact arithmetic cannot convert makes
 *    the page fail with -EINVAL rather than be written wrong;
 *  - formula guard: a text cell starting with '=' '+' '-' '@' TAB CR or LF
 *    gets a leading '\''. Numbers (JSON numbers, and strings in numeric
 *    columns that are plain decimals, such as a refund "-1.5") are never
 *    altered; a string in a numeric column that is not a plain number is
 *    treated as text.
 *  - the added `currency` column carries the answer's top-level currency
 *    (first page); empty when the answer has none.
 * Record keys that the schema does not know are not written (the columns
 * are the schema's, stable for every file); they are counted for the log.
 * The JSON file keeps everything. */
#include "render_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bssfs/jsonx.h"
#include "bssfs/log.h"

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

int bss_csv_write_field(FILE *out, const char *s, bool is_text)
{
	if (!s || !*s)
		return 0;
	bool guard = is_text && strchr("=+-@\t\r\n", s[0]) != NULL;
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote && fputc('"', out) == EOF)
		return -EIO;
	if (guard && fputc('\'', out) == EOF)
		return -EIO;
	if (!quote) {
		if (fputs(s, out) == EOF)
			return -EIO;
	} else {
		for (const char *p = s; *p; p++) {
			if (*p == '"' && fputc('"', out) == EOF)
				return -EIO;
			if (fputc(*p, out) == EOF)
				return -EIO;
		}
		if (fputc('"', out) == EOF)
			return -EIO;
	}
	return 0;
}

/* A growable text buffer for joined array cells. */
struct cellbuf {
	char *s;
	size_t len, cap;
};

static int cb_add(struct cellbuf *b, const char *s)
{
	size_t l = strlen(s);
	if (b->len + l + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 64;
		while (ncap < b->len + l + 1)
			ncap *= 2;
		char *n = realloc(b->s, ncap);
		if (!n)
			return -ENOMEM;
		b->s = n;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, s, l + 1);
	b->len += l;
	return 0;
}

static bool numeric_type(enum bss_ftype t)
{
	return t == BSS_T_INT || t == BSS_T_DECIMAL || t == BSS_T_FLOAT || t == BSS_T_BOOL;
}

/* -?[0-9]+(\.[0-9]+)?: what a numeric column writes unguarded. */
static bool plain_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* The text of a scalar (or compact JSON of a container); *is_text says
 * whether the formula guard applies. Valid while v lives. */
static const char *scalar_text(json_object *v, enum bss_ftype coltype, bool money, bool *is_text)
{
	*is_text = false;
	switch (json_object_get_type(v)) {
	case json_type_null:
		return NULL;
	case json_type_boolean:
		return json_object_get_boolean(v) ? "true" : "false";
	case json_type_int:
	case json_type_double:
		return bss_json_number_text(v);
	case json_type_string: {
		const char *s = json_object_get_string(v);
		if (coltype == BSS_T_BOOL)
			*is_text = strcmp(s, "true") != 0 && strcmp(s, "false") != 0;
		else if (numeric_type(coltype) || money)
			*is_text = !plain_number(s);
		else
			*is_text = true;
		return s;
	}
	case json_type_object:
	case json_type_array:
		*is_text = true;
		return json_object_to_json_string_ext(v, JSON_FLAGS);
	}
	return NULL;
}

/* Arrays of scalars joined with ';', anything holding objects as JSON. */
static int array_cell(json_object *v, const struct render_col *c, struct cellbuf *b,
		      const char **text, bool *is_text)
{
	size_t n = json_object_array_length(v);
	bool containers = c->elem == BSS_T_OBJECT || c->elem == BSS_T_MAP || c->elem == BSS_T_ANY;
	for (size_t i = 0; i < n && !containers; i++) {
		json_object *e = json_object_array_get_idx(v, i);
		if (json_object_is_type(e, json_type_object) ||
		    json_object_is_type(e, json_type_array))
			containers = true;
	}
	if (containers) {
		*text = json_object_to_json_string_ext(v, JSON_FLAGS);
		*is_text = true;
		return 0;
	}
	*is_text = false;
	b->len = 0;
	if (cb_add(b, ""))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		bool t;
		const char *s = scalar_text(json_object_array_get_idx(v, i), c->elem, false, &t);
		*is_text |= t;
		if ((i && cb_add(b, ";")) || (s && cb_add(b, s)))
			return -ENOMEM;
	}
	*text = b->s;
	return 0;
}

static int write_cell(struct bss_renderer *r, json_object *rec, const struct render_col *c,
		      struct cellbuf *b)
{
	if (c->from_top_currency)
		return bss_csv_write_field(r->out, r->currency, true);
	json_object *unit;
	json_object *v = render_col_lookup(rec, c, &unit);
	if (!v)
		return 0;
	if (c->is_measure && render_measure_of(unit) != 1)
		return bss_csv_write_field(r->out, "1", false);
	const char *text;
	bool is_text;
	if (json_object_is_type(v, json_type_array)) {
		int rc = array_cell(v, c, b, &text, &is_text);
		if (rc)
			return rc;
	} else {
		text = scalar_text(v, c->type, c->is_money, &is_text);
	}
	int measure;
	if (text && c->is_money && !is_text && (measure = render_measure_of(unit)) != 1) {
		char buf[BSS_DEC_STRLEN];
		/* A number the exact arithmetic cannot take (an exponent,
		 * too many digits) cannot be written in the base unit, and
		 * writing it unconverted beside measure_id 1 would be wrong
		 * by a power of ten: the answer cannot be rendered. */
		if (render_money_to_base(text, measure, buf, sizeof(buf)) != 0) {
			bss_warn("render %s: %s \"%s\" in measure %d is not an exact decimal",
				 r->op->name, c->name, text, measure);
			return -EINVAL;
		}
		return bss_csv_write_field(r->out, buf, false);
	}
	return bss_csv_write_field(r->out, text, is_text);
}

static int eol(struct bss_renderer *r)
{
	return fputs(r->opts.csv_unix ? "\n" : "\r\n", r->out) == EOF ? -EIO : 0;
}

static int write_header(struct bss_renderer *r)
{
	if (r->header_done)
		return 0;
	r->header_done = true;
	if (!r->opts.csv_unix && fputs("\xEF\xBB\xBF", r->out) == EOF)
		return -EIO;
	for (size_t i = 0; i < r->cols.n; i++) {
		if (i && fputc(',', r->out) == EOF)
			return -EIO;
		int rc = bss_csv_write_field(r->out, r->cols.v[i].name, false);
		if (rc)
			return rc;
	}
	return eol(r);
}

static void count_unknown(struct bss_renderer *r, json_object *rec)
{
	size_t known = 0;
	for (size_t i = 0; i < r->n_schema; i++)
		if (json_object_object_get_ex(rec, r->schema[i].name, NULL))
			known++;
	size_t have = (size_t)json_object_object_length(rec);
	if (have > known)
		r->unknown_keys += have - known;
}

static int write_row(struct bss_renderer *r, json_object *rec, struct cellbuf *b)
{
	for (size_t i = 0; i < r->cols.n; i++) {
		if (i && fputc(',', r->out) == EOF)
			return -EIO;
		int rc = write_cell(r, rec, &r->cols.v[i], b);
		if (rc)
			return rc;
	}
	count_unknown(r, rec);
	r->count++;
	return eol(r);
}

int render_csv_page(struct bss_renderer *r, json_object *page)
{
	json_object *arr = NULL;
	/* bss_render_page checked the array and its records. */
	if (r->records_key)
		json_object_object_get_ex(page, r->records_key, &arr);
	if (r->pages == 0) {
		const char *cur = bss_json_get_str(page, "currency");
		if (cur && !(r->currency = strdup(cur)))
			return -ENOMEM;
	}
	int rc = write_header(r);
	struct cellbuf b = {0};
	if (!rc && !r->records_key) {
		rc = write_row(r, page, &b);
	} else if (!rc && arr) {
		size_t n = json_object_array_length(arr);
		for (size_t i = 0; i < n && !rc; i++)
			rc = write_row(r, json_object_array_get_idx(arr, i), &b);
	}
	free(b.s);
	return rc;
}

int render_csv_finish(struct bss_renderer *r)
{
	if (r->pages == 0)
		return -EINVAL; /* no answer: nothing true to write */
	return 0;
}
