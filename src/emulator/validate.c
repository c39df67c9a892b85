/* Generic request validation against the operation schemas of bssfs/api.h:
 * required parameters, JSON types, documented integer ranges, string
 * lengths (in characters), array sizes, and the YYYY-MM form of
 * `bill_cycle` / `cycle`.  Semantic checks (unknown ids, months outside
 * the window) belong to the account.
 *
 * Decisions where api/ is silent:
 * - `limit` without a documented range accepts 1..1000, `offset` without
 *   one accepts 0 and up.
 * - Unknown query parameters and body members are ignored (the gateway
 *   passes them through), as are JSON nulls.
 * - Numbers in the query for decimal fields must be plain decimals; in a
 *   body, integers must be JSON integers (12.0 is not an integer). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bssfs/dec.h"
#include "bssfs/month.h"
#include "emulator/front.h"

struct verr {
	char msg[256];
	const char *field; /* the offending field's name, for the EPS code */
};

/* Message "Invalid parameter <name>: <what>". */
static int fail(struct verr *e, const struct bss_field *f, const char *what)
{
	e->field = f ? f->name : NULL;
	snprintf(e->msg, sizeof(e->msg), "Invalid parameter %s: %s", f ? f->name : "body", what);
	return -EINVAL;
}

bool emu_valid_bill_cycle(const char *s)
{
	int index;
	return bss_month_parse(s, &index) == 0;
}

static bool is_cycle_field(const struct bss_field *f)
{
	return strcmp(f->name, "bill_cycle") == 0 || strcmp(f->name, "cycle") == 0;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static bool parse_ll(const char *s, long long *out)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (!*p)
		return false;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return false;
	errno = 0;
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static int check_int_range(const struct bss_field *f, long long v, struct verr *e)
{
	long long lo = LLONG_MIN, hi = LLONG_MAX;
	if (f->has_range) {
		lo = f->min;
		hi = f->max;
	} else if (strcmp(f->name, "limit") == 0) {
		lo = 1;
		hi = 1000;
	} else if (strcmp(f->name, "offset") == 0) {
		lo = 0;
	}
	if (v < lo || v > hi) {
		char what[96];
		if (hi == LLONG_MAX)
			snprintf(what, sizeof(what), "must be at least %lld.", lo);
		else
			snprintf(what, sizeof(what), "must be between %lld and %lld.", lo, hi);
		return fail(e, f, what);
	}
	return 0;
}

static int check_string(const struct bss_field *f, const char *s, struct verr *e)
{
	if (f->max_len > 0 && utf8_chars(s) > (size_t)f->max_len) {
		char what[64];
		snprintf(what, sizeof(what), "longer than %d characters.", f->max_len);
		return fail(e, f, what);
	}
	if (is_cycle_field(f) && !emu_valid_bill_cycle(s))
		return fail(e, f, "the billing cycle must be YYYY-MM.");
	return 0;
}

/* A query or path value (text) against a scalar field type. */
static int check_text(const struct bss_field *f, enum bss_ftype type, const char *v, struct verr *e)
{
	long long n;
	struct bss_dec d;
	switch (type) {
	case BSS_T_INT:
		if (!parse_ll(v, &n))
			return fail(e, f, "not an integer.");
		return check_int_range(f, n, e);
	case BSS_T_DECIMAL:
	case BSS_T_FLOAT:
		if (bss_dec_parse(v, (size_t)-1, &d) != 0)
			return fail(e, f, "not a number.");
		return 0;
	case BSS_T_BOOL:
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
			return fail(e, f, "not a boolean.");
		return 0;
	case BSS_T_STRING:
		return check_string(f, v, e);
	default:
		return 0; /* arrays/objects in a query: not typed by the reference */
	}
}

static int check_json(const struct bss_field *f, enum bss_ftype type, json_object *v,
		      struct verr *e);

static int check_object(const struct bss_field *fields, size_t n, json_object *obj, struct verr *e)
{
	for (size_t i = 0; i < n; i++) {
		const struct bss_field *f = &fields[i];
		json_object *v = NULL;
		if (!json_object_object_get_ex(obj, f->name, &v) || !v) {
			if (f->required)
				return fail(e, f, "required.");
			continue;
		}
		int rc = check_json(f, f->type, v, e);
		if (rc)
			return rc;
	}
	return 0;
}

static int check_json(const struct bss_field *f, enum bss_ftype type, json_object *v,
		      struct verr *e)
{
	enum json_type jt = json_object_get_type(v);
	switch (type) {
	case BSS_T_INT:
		if (jt != json_type_int)
			return fail(e, f, "not an integer.");
		return check_int_range(f, (long long)json_object_get_int64(v), e);
	case BSS_T_DECIMAL:
	case BSS_T_FLOAT:
		if (jt != json_type_int && jt != json_type_double && jt != json_type_string)
			return fail(e, f, "not a number.");
		if (jt == json_type_string) {
			struct bss_dec d;
			if (bss_dec_parse(json_object_get_string(v), (size_t)-1, &d) != 0)
				return fail(e, f, "not a number.");
		}
		return 0;
	case BSS_T_BOOL:
		if (jt != json_type_boolean)
			return fail(e, f, "not a boolean.");
		return 0;
	case BSS_T_STRING:
		if (jt != json_type_string)
			return fail(e, f, "not a string.");
		return check_string(f, json_object_get_string(v), e);
	case BSS_T_OBJECT:
		if (jt != json_type_object)
			return fail(e, f, "not an object.");
		return check_object(f->children, f->n_children, v, e);
	case BSS_T_MAP:
		if (jt != json_type_object)
			return fail(e, f, "not an object.");
		return 0;
	case BSS_T_ARRAY: {
		if (jt != json_type_array)
			return fail(e, f, "not an array.");
		size_t n = json_object_array_length(v);
		if (f->max_items > 0 && n > (size_t)f->max_items)
			return fail(e, f, "too many items.");
		for (size_t i = 0; i < n; i++) {
			json_object *item = json_object_array_get_idx(v, i);
			if (!item)
				continue;
			int rc;
			if (f->elem == BSS_T_OBJECT && f->children) {
				if (!json_object_is_type(item, json_type_object))
					return fail(e, f, "items must be objects.");
				rc = check_object(f->children, f->n_children, item, e);
			} else {
				rc = check_json(f, f->elem, item, e);
			}
			if (rc)
				return rc;
		}
		return 0;
	}
	default:
		return 0;
	}
}

static int run_checks(const struct emu_call *c, struct verr *e)
{
	const struct bss_op *op = c->op;
	for (size_t i = 0; i < op->n_path_params; i++) {
		const struct bss_field *f = &op->path_params[i];
		const char *v = i < c->n_path_vals ? c->path_vals[i] : NULL;
		if (!v || !*v)
			return fail(e, f, "required.");
		int rc = check_text(f, f->type, v, e);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < c->n_query; i++) {
		const struct bss_field *f = bss_field_find(op->query, op->n_query, c->query[i].name);
		if (!f)
			continue;
		enum bss_ftype t = f->type == BSS_T_ARRAY ? f->elem : f->type;
		int rc = check_text(f, t, c->query[i].value, e);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < op->n_query; i++)
		if (op->query[i].required && !emu_call_query(c, op->query[i].name))
			return fail(e, &op->query[i], "required.");
	if (op->n_body == 0)
		return 0;
	if (c->body && !json_object_is_type(c->body, json_type_object))
		return fail(e, NULL, "the request body must be a JSON object.");
	if (!c->body) {
		for (size_t i = 0; i < op->n_body; i++)
			if (op->body[i].required)
				return fail(e, &op->body[i], "required.");
		return 0;
	}
	return check_object(op->body, op->n_body, c->body, e);
}

int emu_validate(const struct emu_call *c, int *status, json_object **body)
{
	struct verr e = { .msg = "", .field = NULL };
	*status = 0;
	*body = NULL;
	if (run_checks(c, &e) == 0)
		return 0;
	*status = 400;
	if (c->op->host == BSS_HOST_EPS) {
		const char *code = "EPS.0002";
		if (e.field && strcmp(e.field, "limit") == 0)
			code = "EPS.0017";
		else if (e.field && strcmp(e.field, "offset") == 0)
			code = "EPS.0018";
		*body = emu_eps_error(code, e.msg);
	} else {
		*body = emu_bss_error("CBC.0100", e.msg);
	}
	return -EINVAL;
}
