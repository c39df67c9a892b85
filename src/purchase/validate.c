/* Document and request-body validation for control files and prices/
 * (see bssfs/purchase.h).  Nothing here sends anything. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bssfs/dec.h"
#include "bssfs/jsonx.h"
#include "bssfs/purchase.h"
#include "purchase/purchase_internal.h"

void bss_purchase_reason(char *reason, size_t rlen, const char *fmt, ...)
{
	if (!reason || rlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, rlen, fmt, ap);
	va_end(ap);
	/* One line: a reason never carries a newline into the outcome. */
	for (char *p = reason; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
 * Returns the offset of the first bad byte, or len when all is well. */
size_t bss_utf8_check(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (i + n >= len)
			return i; /* truncated sequence */
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += n + 1;
	}
	return len;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* End of the first top-level object or array (string-aware), or 0 when the
 * text does not start with one or it never closes. */
static size_t first_value_end(const char *s, size_t len, size_t i)
{
	if (i >= len || (s[i] != '{' && s[i] != '['))
		return 0;
	int depth = 0;
	bool in_str = false;
	for (; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

/* json-c keeps the last of two equal keys; a purchase document that says
 * "use_coupon" twice is ambiguous, so it is refused.  Scans the (already
 * size-checked) text; keys are compared as written. Returns the offset of
 * the repeated key, or 0 when there is none. */
struct key_span {
	size_t off, len;
};

static size_t string_end(const char *s, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return len;
}

static size_t duplicate_key(const char *s, size_t len)
{
	enum { MAXD = 64 };
	struct {
		bool obj;
		bool want_key;
		struct key_span *keys;
		size_t n, cap;
	} st[MAXD];
	int d = -1;
	size_t dup = 0;
	for (size_t i = 0; i < len && !dup; i++) {
		char c = s[i];
		if (c == '"') {
			size_t e = string_end(s, len, i);
			if (d >= 0 && st[d].obj && st[d].want_key) {
				for (size_t k = 0; k < st[d].n && !dup; k++)
					if (st[d].keys[k].len == e - i &&
					    memcmp(s + st[d].keys[k].off, s + i, e - i) == 0)
						dup = i + 1;
				if (st[d].n == st[d].cap) {
					size_t nc = st[d].cap ? st[d].cap * 2 : 8;
					struct key_span *nk = realloc(st[d].keys, nc * sizeof *nk);
					if (!nk)
						break;
					st[d].keys = nk;
					st[d].cap = nc;
				}
				st[d].keys[st[d].n++] = (struct key_span){ i, e - i };
				st[d].want_key = false;
			}
			i = e - 1;
		} else if (c == '{' || c == '[') {
			if (d + 1 >= MAXD)
				break; /* the parser rejects it anyway */
			d++;
			st[d].obj = c == '{';
			st[d].want_key = c == '{';
			st[d].keys = NULL;
			st[d].n = st[d].cap = 0;
		} else if ((c == '}' || c == ']') && d >= 0) {
			free(st[d].keys);
			d--;
		} else if (c == ',' && d >= 0 && st[d].obj) {
			st[d].want_key = true;
		}
	}
	for (; d >= 0; d--)
		free(st[d].keys);
	return dup;
}

int bss_doc_parse(const char *doc, size_t len, json_object **out, char *reason, size_t rlen)
{
	*out = NULL;
	if (len > BSS_PURCHASE_MAX_DOC) {
		bss_purchase_reason(reason, rlen, "document of %zu bytes is over the %d-byte limit", len,
				    BSS_PURCHASE_MAX_DOC);
		return -EINVAL;
	}
	size_t i = 0;
	while (i < len && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\n' || doc[i] == '\r'))
		i++;
	if (i == len)
		return -ENODATA;
	size_t bad = bss_utf8_check((const unsigned char *)doc, len);
	if (bad != len) {
		bss_purchase_reason(reason, rlen, "invalid UTF-8 at byte %zu", bad);
		return -EINVAL;
	}
	if (memchr(doc, '\0', len)) {
		bss_purchase_reason(reason, rlen, "NUL byte in the document");
		return -EINVAL;
	}
	size_t end = first_value_end(doc, len, i);
	while (end && end < len &&
	       (doc[end] == ' ' || doc[end] == '\t' || doc[end] == '\n' || doc[end] == '\r'))
		end++;
	if (end && end < len) {
		bss_purchase_reason(reason, rlen,
				    "more than one JSON document (trailing data at byte %zu)", end);
		return -EINVAL;
	}
	char why[160];
	json_object *o = NULL;
	int rc = bss_json_parse(doc, len, &o, why, sizeof why);
	if (rc) {
		if (strstr(why, "trailing"))
			bss_purchase_reason(reason, rlen,
					    "more than one JSON document (or trailing data): %s", why);
		else
			bss_purchase_reason(reason, rlen, "malformed JSON: %s", why);
		return -EINVAL;
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		bss_purchase_reason(reason, rlen, "the document must be a JSON object");
		return -EINVAL;
	}
	size_t dup = duplicate_key(doc, len);
	if (dup) {
		json_object_put(o);
		bss_purchase_reason(reason, rlen, "a field appears twice (at byte %zu)", dup - 1);
		return -EINVAL;
	}
	*out = o;
	return 0;
}

static const char *type_word(enum bss_ftype t)
{
	switch (t) {
	case BSS_T_STRING: return "a string";
	case BSS_T_INT: return "an integer";
	case BSS_T_DECIMAL:
	case BSS_T_FLOAT: return "a decimal number";
	case BSS_T_BOOL: return "true or false";
	case BSS_T_OBJECT:
	case BSS_T_MAP: return "an object";
	case BSS_T_ARRAY: return "an array";
	default: return "a value";
	}
}

static int check_value(const struct bss_field *f, enum bss_ftype t, json_object *v,
		       const char *where, char *reason, size_t rlen, int depth);

static int check_object(const struct bss_field *schema, size_t n, json_object *obj,
			const char *prefix, char *reason, size_t rlen, int depth)
{
	char where[256];
	if (depth > 16) {
		bss_purchase_reason(reason, rlen, "%s: nested too deeply", prefix[0] ? prefix : "body");
		return -EINVAL;
	}
	json_object_object_foreach(obj, key, val)
	{
		snprintf(where, sizeof where, "%s%s%s", prefix, prefix[0] ? "." : "", key);
		const struct bss_field *f = bss_field_find(schema, n, key);
		if (!f) {
			bss_purchase_reason(reason, rlen, "%s: unknown field", where);
			return -EINVAL;
		}
		if (!val) {
			if (f->required) {
				bss_purchase_reason(reason, rlen, "%s: must be %s, not null", where,
						    type_word(f->type));
				return -EINVAL;
			}
			continue; /* null = omitted, for an optional field */
		}
		int rc = check_value(f, f->type, val, where, reason, rlen, depth);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < n; i++) {
		if (!schema[i].required)
			continue;
		json_object *v = NULL;
		if (!json_object_object_get_ex(obj, schema[i].name, &v)) {
			snprintf(where, sizeof where, "%s%s%s", prefix, prefix[0] ? "." : "",
				 schema[i].name);
			bss_purchase_reason(reason, rlen, "%s: missing required field", where);
			return -EINVAL;
		}
	}
	return 0;
}

static int check_value(const struct bss_field *f, enum bss_ftype t, json_object *v,
		       const char *where, char *reason, size_t rlen, int depth)
{
	enum json_type jt = json_object_get_type(v);
	switch (t) {
	case BSS_T_STRING:
		if (jt != json_type_string)
			goto wrong;
		if (f->max_len > 0 && utf8_chars(json_object_get_string(v)) > (size_t)f->max_len) {
			bss_purchase_reason(reason, rlen, "%s: longer than %d characters", where,
					    f->max_len);
			return -EINVAL;
		}
		return 0;
	case BSS_T_INT: {
		if (jt != json_type_int)
			goto wrong;
		int64_t x = json_object_get_int64(v);
		if (f->has_range && (x < f->min || x > f->max)) {
			bss_purchase_reason(reason, rlen, "%s: %lld is out of range %lld-%lld", where,
					    (long long)x, f->min, f->max);
			return -EINVAL;
		}
		return 0;
	}
	case BSS_T_DECIMAL:
	case BSS_T_FLOAT: {
		if (jt != json_type_int && jt != json_type_double && jt != json_type_string)
			goto wrong;
		const char *txt = bss_json_number_text(v);
		struct bss_dec d;
		if (!txt || bss_dec_parse(txt, (size_t)-1, &d) != 0) {
			bss_purchase_reason(reason, rlen, "%s: not a plain decimal number", where);
			return -EINVAL;
		}
		return 0;
	}
	case BSS_T_BOOL:
		if (jt != json_type_boolean)
			goto wrong;
		return 0;
	case BSS_T_OBJECT:
		if (jt != json_type_object)
			goto wrong;
		return check_object(f->children, f->n_children, v, where, reason, rlen, depth + 1);
	case BSS_T_MAP:
		if (jt != json_type_object)
			goto wrong;
		return 0;
	case BSS_T_ARRAY: {
		if (jt != json_type_array)
			goto wrong;
		size_t n = json_object_array_length(v);
		if (f->max_items > 0 && n > (size_t)f->max_items) {
			bss_purchase_reason(reason, rlen, "%s: more than %d items", where,
					    f->max_items);
			return -EINVAL;
		}
		for (size_t i = 0; i < n; i++) {
			char w[256];
			snprintf(w, sizeof w, "%s[%zu]", where, i);
			json_object *e = json_object_array_get_idx(v, i);
			if (!e) {
				bss_purchase_reason(reason, rlen, "%s: null item", w);
				return -EINVAL;
			}
			int rc;
			if (f->elem == BSS_T_OBJECT) {
				if (!json_object_is_type(e, json_type_object)) {
					bss_purchase_reason(reason, rlen, "%s: must be an object", w);
					return -EINVAL;
				}
				rc = check_object(f->children, f->n_children, e, w, reason, rlen,
						  depth + 1);
			} else {
				struct bss_field ef = *f;
				ef.has_range = false; /* ranges of an array are about its size */
				rc = check_value(&ef, f->elem, e, w, reason, rlen, depth + 1);
			}
			if (rc)
				return rc;
		}
		return 0;
	}
	default:
		return 0; /* BSS_T_ANY / NONE: the reference gives no type */
	}
wrong:
	bss_purchase_reason(reason, rlen, "%s: must be %s", where, type_word(t));
	return -EINVAL;
}

int bss_body_validate(const struct bss_field *schema, size_t n, json_object *body, char *reason,
		      size_t rlen)
{
	if (!body || !json_object_is_type(body, json_type_object)) {
		bss_purchase_reason(reason, rlen, "the body must be a JSON object");
		return -EINVAL;
	}
	return check_object(schema, n, body, "", reason, rlen, 0);
}
