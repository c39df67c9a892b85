/* The renderer object: picks the record array and its schema, checks each
 * page's shape and dispatches to the JSON or CSV writer. Pages are borrowed:
 * the renderer keeps references only to what it must write at the end (the
 * first page's fields that follow the record array, for JSON) and a copy of
 * the answer's currency (for CSV). */
#include "render_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bssfs/log.h"

struct bss_renderer *bss_render_new(const struct bss_op *op, enum bss_render_format fmt,
				    const struct bss_render_opts *opts, FILE *out)
{
	if (!op || !out || (fmt != BSS_RENDER_JSON && fmt != BSS_RENDER_CSV))
		return NULL;
	struct bss_renderer *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->op = op;
	r->fmt = fmt;
	r->out = out;
	if (opts)
		r->opts = *opts;
	r->opts.records_key = NULL; /* borrowed string: not kept */

	if (opts && opts->records_key) {
		const struct bss_field *f =
		    bss_field_find(op->response, op->n_response, opts->records_key);
		if (!f || f->type != BSS_T_ARRAY) {
			free(r);
			return NULL;
		}
		r->records_key = f->name; /* lives in the op table */
		r->total_key = NULL;
		if (f->elem == BSS_T_OBJECT) {
			r->schema = f->children;
			r->n_schema = f->n_children;
		}
	} else if (op->records_key) {
		r->records_key = op->records_key;
		r->total_key = op->total_key;
		r->schema = bss_op_record_schema(op, &r->n_schema);
	} else {
		/* No record array: the whole answer is the one record. */
		r->schema = op->response;
		r->n_schema = op->n_response;
	}

	if (fmt == BSS_RENDER_CSV) {
		/* Records without a currency of their own get the answer's
		 * top-level currency as a last column when they carry money
		 * or the answer documents a currency (every money CSV has a
		 * currency column; its cells are empty when the answer has
		 * no currency at all). */
		bool own = bss_field_find(r->schema, r->n_schema, "currency") != NULL;
		bool top = r->records_key &&
			   bss_field_find(op->response, op->n_response, "currency") != NULL;
		struct render_cols probe = {0};
		if (render_cols_build(r->schema, r->n_schema, false, &probe) < 0) {
			free(r);
			return NULL;
		}
		bool money = render_cols_have_money(&probe);
		render_cols_free(&probe);
		bool add = !own && (money || top);
		if (render_cols_build(r->schema, r->n_schema, add, &r->cols) < 0) {
			free(r);
			return NULL;
		}
	}
	return r;
}

int bss_render_page(struct bss_renderer *r, json_object *page)
{
	if (!r)
		return -EINVAL;
	if (r->error)
		return r->error;
	if (r->finished)
		return -EINVAL;
	if (!page || !json_object_is_type(page, json_type_object))
		return -EINVAL;
	if (r->records_key) {
		json_object *arr = NULL;
		if (json_object_object_get_ex(page, r->records_key, &arr) && arr &&
		    !json_object_is_type(arr, json_type_array))
			return -EINVAL;
		/* A CSV row needs an object; checked before anything is
		 * written so that a rejected page leaves no trace. */
		size_t n = arr && r->fmt == BSS_RENDER_CSV ? json_object_array_length(arr) : 0;
		for (size_t i = 0; i < n; i++)
			if (!json_object_is_type(json_object_array_get_idx(arr, i),
						 json_type_object))
				return -EINVAL;
	} else if (r->pages > 0) {
		/* An answer without a record array has one page only. */
		return -EINVAL;
	}
	int rc = r->fmt == BSS_RENDER_JSON ? render_json_page(r, page) : render_csv_page(r, page);
	if (rc < 0)
		r->error = rc; /* the output may be incomplete: stay failed */
	if (rc == 0)
		r->pages++;
	return rc;
}

int bss_render_finish(struct bss_renderer *r)
{
	if (!r)
		return -EINVAL;
	if (r->error)
		return r->error;
	if (r->finished)
		return -EINVAL;
	r->finished = true;
	int rc = r->fmt == BSS_RENDER_JSON ? render_json_finish(r) : render_csv_finish(r);
	if (rc == 0 && fflush(r->out) != 0)
		rc = -EIO;
	if (rc == 0 && ferror(r->out))
		rc = -EIO;
	if (r->unknown_keys)
		bss_debug("render %s: %llu record fields not in the schema (kept in JSON only)",
			  r->op->name, r->unknown_keys);
	if (rc < 0)
		r->error = rc;
	return rc;
}

void bss_render_free(struct bss_renderer *r)
{
	if (!r)
		return;
	if (r->tail)
		json_object_put(r->tail);
	render_cols_free(&r->cols);
	free(r->currency);
	free(r);
}
