/* NAME.json: the operation's answer with all pages merged (DESIGN §2).
 *
 * Layout (records_key set):
 *   {"total_count":3,"bill_sums":[
 *   {...record 1...},
 *   {...record 3...}
 *   ],"consume_amount":12.5,"currency":"USD"}
 * The first page's top-level fields in the API's order; the record array
 * under the API's key, one record per line, every value as the API wrote it
 * (json-c keeps the text of decimals); then the first page's fields that
 * followed the array. Later pages contribute records only. The total
 * (op->total_key) is rewritten to the number of records rendered when it
 * follows the array; when it precedes it, it is written as the first page
 * sent it and finish fails with -EIO if the records rendered differ. A
 * first page without the array gets an (empty) array after its fields, so
 * the file always has the key. Memory: the current page plus references to
 * the first page's trailing fields.
 *
 * An answer without a record array (records_key NULL, e.g.
 * ShowCustomerExpenditureQuota) is written one top-level field per line,
 * each value compact:
 *   {
 *     "granting_amount":100.00,
 *     "currency":"USD"
 *   }
 */
#include "render_internal.h"

#include <errno.h>
#include <string.h>

#include "bssfs/log.h"

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static int put(FILE *out, const char *s)
{
	return fputs(s, out) == EOF ? -EIO : 0;
}

int render_json_write_string(FILE *out, const char *s)
{
	if (fputc('"', out) == EOF)
		return -EIO;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int rc;
		switch (*p) {
		case '"':
			rc = put(out, "\\\"");
			break;
		case '\\':
			rc = put(out, "\\\\");
			break;
		case '\n':
			rc = put(out, "\\n");
			break;
		case '\r':
			rc = put(out, "\\r");
			break;
		case '\t':
			rc = put(out, "\\t");
			break;
		case '\b':
			rc = put(out, "\\b");
			break;
		case '\f':
			rc = put(out, "\\f");
			break;
		default:
			if (*p < 0x20)
				rc = fprintf(out, "\\u%04x", *p) < 0 ? -EIO : 0;
			else
				rc = fputc(*p, out) == EOF ? -EIO : 0;
		}
		if (rc)
			return rc;
	}
	return fputc('"', out) == EOF ? -EIO : 0;
}

static int write_value(FILE *out, json_object *v)
{
	return put(out, v ? json_object_to_json_string_ext(v, JSON_FLAGS) : "null");
}

static int write_member(FILE *out, const char *sep, const char *key, json_object *v)
{
	int rc = put(out, sep);
	if (!rc)
		rc = render_json_write_string(out, key);
	if (!rc)
		rc = put(out, ":");
	if (!rc)
		rc = write_value(out, v);
	return rc;
}

static int write_records(struct bss_renderer *r, json_object *arr)
{
	if (!arr)
		return 0; /* absent or null: no records on this page */
	size_t n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		int rc = put(r->out, r->count ? ",\n" : "\n");
		if (!rc)
			rc = write_value(r->out, json_object_array_get_idx(arr, i));
		if (rc)
			return rc;
		r->count++;
	}
	return 0;
}

static int write_single(struct bss_renderer *r, json_object *page)
{
	const char *sep = "\n  ";
	int rc = put(r->out, "{");
	json_object_object_foreach(page, key, val)
	{
		if (!rc)
			rc = write_member(r->out, sep, key, val);
		sep = ",\n  ";
	}
	if (!rc)
		rc = put(r->out, json_object_object_length(page) ? "\n}\n" : "}\n");
	return rc;
}

static int first_page(struct bss_renderer *r, json_object *page)
{
	const char *sep = "";
	int rc = put(r->out, "{");
	json_object_object_foreach(page, key, val)
	{
		if (rc)
			break;
		if (r->array_in_head) {
			/* After the array: kept for finish (references). */
			if (!r->tail && !(r->tail = json_object_new_object()))
				return -ENOMEM;
			if (json_object_object_add(r->tail, key, json_object_get(val)) != 0)
				return -ENOMEM;
			continue;
		}
		if (strcmp(key, r->records_key) == 0) {
			rc = put(r->out, sep);
			if (!rc)
				rc = render_json_write_string(r->out, key);
			if (!rc)
				rc = put(r->out, ":[");
			r->array_open = true;
			r->array_in_head = true;
			if (!rc)
				rc = write_records(r, val);
		} else {
			if (r->total_key && strcmp(key, r->total_key) == 0 && val &&
			    json_object_is_type(val, json_type_int)) {
				r->head_total_known = true;
				r->head_total = json_object_get_int64(val);
			}
			rc = write_member(r->out, sep, key, val);
		}
		sep = ",";
	}
	if (!rc && !r->array_open) {
		/* The first page had no array: it goes after its fields. */
		rc = put(r->out, sep);
		if (!rc)
			rc = render_json_write_string(r->out, r->records_key);
		if (!rc)
			rc = put(r->out, ":[");
		r->array_open = true;
	}
	return rc;
}

int render_json_page(struct bss_renderer *r, json_object *page)
{
	if (!r->records_key)
		return write_single(r, page);
	if (r->pages == 0)
		return first_page(r, page);
	json_object *arr = NULL;
	json_object_object_get_ex(page, r->records_key, &arr);
	return write_records(r, arr);
}

int render_json_finish(struct bss_renderer *r)
{
	if (r->pages == 0)
		return -EINVAL; /* no answer: nothing true to write */
	if (!r->records_key)
		return 0; /* written whole by its page */
	int rc = put(r->out, r->count ? "\n]" : "]");
	if (r->tail) {
		json_object_object_foreach(r->tail, key, val)
		{
			if (rc)
				break;
			if (r->total_key && strcmp(key, r->total_key) == 0) {
				char num[32];
				snprintf(num, sizeof(num), "%llu", r->count);
				rc = put(r->out, ",");
				if (!rc)
					rc = render_json_write_string(r->out, key);
				if (!rc)
					rc = put(r->out, ":");
				if (!rc)
					rc = put(r->out, num);
			} else {
				rc = write_member(r->out, ",", key, val);
			}
		}
	}
	if (!rc)
		rc = put(r->out, "}\n");
	if (!rc && r->head_total_known &&
	    (r->head_total < 0 || (unsigned long long)r->head_total != r->count)) {
		bss_warn("render %s: %llu records rendered but the answer's %s is %lld",
			 r->op->name, r->count, r->total_key, r->head_total);
		rc = -EIO;
	}
	return rc;
}
