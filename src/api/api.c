/* Lookups over the generated operation table (api_gen.c). */
#include "bssfs/api.h"

#include <string.h>

const struct bss_op *bss_op_find(const char *name)
{
	for (size_t i = 0; i < bss_ops_count; i++)
		if (strcmp(bss_ops[i].name, name) == 0)
			return &bss_ops[i];
	return NULL;
}

const struct bss_field *bss_field_find(const struct bss_field *fields, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
	return NULL;
}

const struct bss_field *bss_op_record_schema(const struct bss_op *op, size_t *n_out)
{
	*n_out = 0;
	if (!op->records_key)
		return NULL;
	const struct bss_field *f = bss_field_find(op->response, op->n_response, op->records_key);
	if (!f)
		return NULL;
	*n_out = f->n_children;
	return f->children;
}

/* Compares one template against a path; a "{name}" segment matches any
 * non-empty segment. Returns the number of parameters captured or -1. */
static int match_template(const char *tpl, const char *path, char *buf, size_t buflen,
			  const char **vals, size_t n_vals)
{
	size_t used = 0;
	int nparams = 0;
	while (*tpl && *path) {
		if (*tpl == '{') {
			const char *end = strchr(tpl, '}');
			if (!end)
				return -1;
			size_t len = strcspn(path, "/");
			if (len == 0 || used + len + 1 > buflen)
				return -1;
			memcpy(buf + used, path, len);
			buf[used + len] = '\0';
			if ((size_t)nparams < n_vals)
				vals[nparams] = buf + used;
			nparams++;
			used += len + 1;
			tpl = end + 1;
			path += len;
			continue;
		}
		if (*tpl != *path)
			return -1;
		tpl++;
		path++;
	}
	/* A trailing slash on the request is tolerated, as the gateway does. */
	if (*tpl == '\0' && (*path == '\0' || (path[0] == '/' && path[1] == '\0')))
		return nparams;
	return -1;
}

const struct bss_op *bss_op_match(enum bss_host host, const char *method, const char *path,
				  char *buf, size_t buflen, const char **vals, size_t n_vals)
{
	const struct bss_op *best = NULL;
	int best_params = 1 << 20;
	for (size_t i = 0; i < bss_ops_count; i++) {
		const struct bss_op *op = &bss_ops[i];
		if (op->host != host || strcmp(op->method, method) != 0)
			continue;
		int n = match_template(op->path, path, buf, buflen, vals, n_vals);
		/* Prefer literal matches ("/quotas") over parameters ("/{id}"). */
		if (n >= 0 && n < best_params) {
			best = op;
			best_params = n;
			if (n == 0)
				break;
		}
	}
	if (best && best_params > 0)
		match_template(best->path, path, buf, buflen, vals, n_vals);
	return best;
}
