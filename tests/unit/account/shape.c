#include "shape.h"

#include <stdio.h>
#include <string.h>

#include "bssfs/jsonx.h"

static int type_ok(json_object *v, enum bss_ftype t)
{
	switch (t) {
	case BSS_T_STRING:
		return json_object_is_type(v, json_type_string);
	case BSS_T_INT:
		return json_object_is_type(v, json_type_int);
	case BSS_T_DECIMAL:
	case BSS_T_FLOAT: {
		if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
			return 0;
		struct bss_dec d;
		return bss_json_get_dec(v, &d) == 0;
	}
	case BSS_T_BOOL:
		return json_object_is_type(v, json_type_boolean);
	case BSS_T_OBJECT:
	case BSS_T_MAP:
		return json_object_is_type(v, json_type_object);
	case BSS_T_ARRAY:
		return json_object_is_type(v, json_type_array);
	default:
		return 1;
	}
}

static int check(json_object *o, const struct bss_field *f, size_t n, const char *path, char *err, size_t errlen)
{
	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "%s: not an object", path);
		return -1;
	}
	json_object_object_foreach(o, key, val)
	{
		const struct bss_field *fd = bss_field_find(f, n, key);
		if (!fd) {
			snprintf(err, errlen, "%s.%s: not in schema", path, key);
			return -1;
		}
		if (!type_ok(val, fd->type)) {
			snprintf(err, errlen, "%s.%s: wrong JSON type (%s)", path, key,
				 json_type_to_name(json_object_get_type(val)));
			return -1;
		}
		char sub[512];
		snprintf(sub, sizeof sub, "%s.%s", path, key);
		if (fd->type == BSS_T_OBJECT && fd->children && check(val, fd->children, fd->n_children, sub, err, errlen))
			return -1;
		if (fd->type == BSS_T_ARRAY) {
			for (size_t i = 0; i < json_object_array_length(val); i++) {
				json_object *e = json_object_array_get_idx(val, i);
				if (fd->elem == BSS_T_OBJECT && fd->children) {
					if (check(e, fd->children, fd->n_children, sub, err, errlen))
						return -1;
				} else if (fd->elem != BSS_T_NONE && !type_ok(e, fd->elem)) {
					snprintf(err, errlen, "%s[]: wrong element type", sub);
					return -1;
				}
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (f[i].required && !json_object_object_get_ex(o, f[i].name, NULL)) {
			snprintf(err, errlen, "%s.%s: required field missing", path, f[i].name);
			return -1;
		}
	return 0;
}

int shape_check(json_object *o, const struct bss_field *f, size_t n, char *err, size_t errlen)
{
	err[0] = 0;
	return check(o, f, n, "$", err, errlen);
}
