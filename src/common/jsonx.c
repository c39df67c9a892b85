/* JSON helpers that keep numbers as text (see bssfs/jsonx.h). */
#include "bssfs/jsonx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* json-c clamps integers beyond 64 bits; reject them instead, so a number
 * is never changed silently. */
static int check_ints(json_object *o, int depth)
{
	if (depth > 64)
		return -EINVAL;
	switch (json_object_get_type(o)) {
	case json_type_int: {
		errno = 0;
		int64_t v = json_object_get_int64(o);
		uint64_t u = json_object_get_uint64(o);
		if (v == INT64_MAX && u == UINT64_MAX)
			return -ERANGE;
		return 0;
	}
	case json_type_object: {
		json_object_object_foreach(o, k, v)
		{
			(void)k;
			if (v && check_ints(v, depth + 1))
				return -ERANGE;
		}
		return 0;
	}
	case json_type_array:
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			json_object *v = json_object_array_get_idx(o, i);
			if (v && check_ints(v, depth + 1))
				return -ERANGE;
		}
		return 0;
	default:
		return 0;
	}
}

int bss_json_parse(const char *text, size_t len, json_object **out, char *err, size_t errlen)
{
	*out = NULL;
	json_tokener *tok = json_tokener_new_ex(64);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	json_object *obj = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	int rc = 0;
	if (jerr == json_tokener_continue) {
		rc = -EINVAL;
		if (err)
			snprintf(err, errlen, "truncated JSON");
	} else if (jerr != json_tokener_success) {
		rc = -EINVAL;
		if (err)
			snprintf(err, errlen, "%s at byte %zu", json_tokener_error_desc(jerr), used);
	} else {
		while (used < len && (text[used] == ' ' || text[used] == '\n' || text[used] == '\r' ||
				      text[used] == '\t'))
			used++;
		if (used != len) {
			rc = -EINVAL;
			if (err)
				snprintf(err, errlen, "trailing data at byte %zu", used);
		} else if (check_ints(obj, 0)) {
			rc = -EINVAL;
			if (err)
				snprintf(err, errlen, "integer out of 64-bit range");
		}
	}
	json_tokener_free(tok);
	if (rc) {
		json_object_put(obj);
		return rc;
	}
	*out = obj;
	return 0;
}

json_object *bss_json_new_decimal(const char *text)
{
	struct bss_dec d;
	if (!text || bss_dec_parse(text, (size_t)-1, &d))
		return NULL;
	/* The double is only what json-c reports to callers that ask for one;
	 * serialisation writes `text`. */
	return json_object_new_double_s(strtod(text, NULL), text);
}

json_object *bss_json_new_dec(const struct bss_dec *d)
{
	char buf[BSS_DEC_STRLEN];
	return bss_json_new_decimal(bss_dec_format(d, buf, sizeof(buf)));
}

const char *bss_json_number_text(json_object *obj)
{
	switch (json_object_get_type(obj)) {
	case json_type_double:
	case json_type_int:
	case json_type_string:
		return json_object_get_string(obj);
	default:
		return NULL;
	}
}

int bss_json_get_dec(json_object *obj, struct bss_dec *out)
{
	const char *t = bss_json_number_text(obj);
	if (!t)
		return -EINVAL;
	return bss_dec_parse(t, (size_t)-1, out) ? -EINVAL : 0;
}

const char *bss_json_compact(json_object *obj)
{
	return json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE);
}

json_object *bss_json_get(json_object *obj, const char *key)
{
	json_object *v = NULL;
	if (!obj || !json_object_is_type(obj, json_type_object))
		return NULL;
	return json_object_object_get_ex(obj, key, &v) ? v : NULL;
}

const char *bss_json_get_str(json_object *obj, const char *key)
{
	json_object *v = bss_json_get(obj, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}
