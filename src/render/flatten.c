/* CSV columns from an operation's record schema (DESIGN §4).
 *
 * Columns follow the schema's field order, depth first: an object with a
 * documented shape becomes one column per member, named with '.'
 * (extend_params.self_resource_id), recursively; everything else (scalars,
 * arrays, maps, free-form objects) is one column. The columns depend only on
 * the schema, never on the records, so every file of an operation has the
 * same header. */
#include "render_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const currency_path[] = {"currency"};

static bool money_type(enum bss_ftype t)
{
	/* String-typed amounts exist in the API (e.g. official_website_amount
	 * of some price answers); they are converted when they hold a decimal
	 * and written as text otherwise. */
	return t == BSS_T_DECIMAL || t == BSS_T_FLOAT || t == BSS_T_STRING;
}

static bool is_nested(const struct bss_field *f)
{
	return f->type == BSS_T_OBJECT && f->children && f->n_children > 0;
}

static int push(struct render_cols *c, size_t *cap, const struct render_col *col)
{
	if (c->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		struct render_col *v = realloc(c->v, ncap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->v = v;
		*cap = ncap;
	}
	c->v[c->n++] = *col;
	return 0;
}

static int make_col(const char **prefix, size_t depth, const struct bss_field *f,
		    bool money_sibling, struct render_col *col)
{
	memset(col, 0, sizeof(*col));
	col->depth = depth + 1;
	col->path = malloc(col->depth * sizeof(*col->path));
	if (!col->path)
		return -ENOMEM;
	size_t len = 0;
	for (size_t i = 0; i < depth; i++) {
		col->path[i] = prefix[i];
		len += strlen(prefix[i]) + 1;
	}
	col->path[depth] = f->name;
	len += strlen(f->name) + 1;
	col->name = malloc(len);
	if (!col->name) {
		free(col->path);
		return -ENOMEM;
	}
	char *p = col->name;
	for (size_t i = 0; i < col->depth; i++) {
		size_t l = strlen(col->path[i]);
		memcpy(p, col->path[i], l);
		p += l;
		*p++ = i + 1 < col->depth ? '.' : '\0';
	}
	col->type = f->type;
	col->elem = f->elem;
	col->is_money = money_type(f->type) && bss_render_is_money(f->name);
	col->is_measure = money_sibling && strcmp(f->name, "measure_id") == 0;
	return 0;
}

#define MAX_DEPTH 16

static bool has_money(const struct bss_field *fields, size_t n, size_t depth)
{
	for (size_t i = 0; i < n; i++) {
		const struct bss_field *f = &fields[i];
		if (money_type(f->type) && bss_render_is_money(f->name))
			return true;
		if (is_nested(f) && depth + 1 < MAX_DEPTH &&
		    has_money(f->children, f->n_children, depth + 1))
			return true;
	}
	return false;
}

static int build(const struct bss_field *fields, size_t n, const char **prefix, size_t depth,
		 struct render_cols *out, size_t *cap)
{
	if (depth >= MAX_DEPTH)
		return 0; /* the generated schemas are shallow; never loop */
	/* A measure_id is the unit of the money in its object and in the
	 * objects flattened under it (amount_info.coupon_amount of an order). */
	bool money_sibling = has_money(fields, n, depth);
	for (size_t i = 0; i < n; i++) {
		const struct bss_field *f = &fields[i];
		int rc;
		if (is_nested(f)) {
			prefix[depth] = f->name;
			rc = build(f->children, f->n_children, prefix, depth + 1, out, cap);
		} else {
			struct render_col col;
			rc = make_col(prefix, depth, f, money_sibling, &col);
			if (!rc && (rc = push(out, cap, &col)) < 0) {
				free(col.name);
				free(col.path);
			}
		}
		if (rc)
			return rc;
	}
	return 0;
}

int render_cols_build(const struct bss_field *schema, size_t n, bool add_currency,
		      struct render_cols *out)
{
	const char *prefix[MAX_DEPTH];
	size_t cap = 0;
	out->v = NULL;
	out->n = 0;
	int rc = schema ? build(schema, n, prefix, 0, out, &cap) : 0;
	if (!rc && add_currency) {
		struct render_col col = {0};
		col.depth = 1;
		col.path = malloc(sizeof(*col.path));
		col.name = strdup("currency");
		col.type = BSS_T_STRING;
		col.from_top_currency = true;
		if (!col.path || !col.name)
			rc = -ENOMEM;
		else
			col.path[0] = currency_path[0];
		if (!rc)
			rc = push(out, &cap, &col);
		if (rc) {
			free(col.name);
			free(col.path);
		}
	}
	if (rc)
		render_cols_free(out);
	return rc;
}

void render_cols_free(struct render_cols *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].path);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

bool render_cols_have_money(const struct render_cols *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].is_money)
			return true;
	return false;
}

json_object *render_col_lookup(json_object *rec, const struct render_col *c, json_object **unit)
{
	json_object *obj = rec;
	*unit = NULL;
	for (size_t i = 0; i + 1 < c->depth; i++) {
		json_object *next = NULL;
		if (!obj || !json_object_is_type(obj, json_type_object))
			return NULL;
		if (json_object_object_get_ex(obj, "measure_id", NULL))
			*unit = obj;
		if (!json_object_object_get_ex(obj, c->path[i], &next))
			return NULL;
		obj = next;
	}
	if (!obj || !json_object_is_type(obj, json_type_object))
		return NULL;
	if (!*unit || json_object_object_get_ex(obj, "measure_id", NULL))
		*unit = obj;
	json_object *v = NULL;
	json_object_object_get_ex(obj, c->path[c->depth - 1], &v);
	return v;
}
