/* The table of Huawei Cloud operations bssfs uses.
 *
 * Owns: every fact about an operation that code needs: method, path
 * template, host, sites, pagination style, record-array key, total key, the
 * page size we request, whether a retry is safe, and the parameter and
 * response field schemas copied from ../shared/api/api-reference.json by
 * scripts/gen-api.py (src/api/api_gen.c).  Nothing else in the code spells
 * an API path: callers name an operation.  The client, the CSV renderer
 * (column order) and the emulator (routing, validation, response shapes)
 * all read this one table. */
#ifndef BSSFS_API_H
#define BSSFS_API_H

#include <stdbool.h>
#include <stddef.h>

enum bss_host { BSS_HOST_BSS, BSS_HOST_EPS, BSS_HOST_IAM };

#define BSS_SITE_INTL 1u /* international site (and the eu site) */
#define BSS_SITE_CN 2u   /* China site */

enum bss_paging {
	BSS_PAGE_NONE,        /* one request */
	BSS_PAGE_OFFSET,      /* 0-based record offset + limit in the query */
	BSS_PAGE_OFFSET_BODY, /* same, in the JSON body */
	BSS_PAGE_PAGE,        /* 1-based page number in `offset` (ListInvoices) */
	BSS_PAGE_MARKER,      /* body.marker / page_info.next_marker */
};

enum bss_ftype {
	BSS_T_NONE,
	BSS_T_STRING,
	BSS_T_INT,     /* integer(int32) / integer(int64) */
	BSS_T_DECIMAL, /* number(decimal): exact, keep the text */
	BSS_T_FLOAT,   /* number(float64): still kept as text */
	BSS_T_BOOL,
	BSS_T_OBJECT,
	BSS_T_ARRAY, /* element type in `elem` */
	BSS_T_MAP,
	BSS_T_ANY,
};

struct bss_field {
	const char *name;
	enum bss_ftype type;
	enum bss_ftype elem; /* for BSS_T_ARRAY: BSS_T_OBJECT or a scalar type */
	bool required;
	bool has_range;      /* min/max valid (documented numeric range) */
	long long min, max;
	int max_items;       /* arrays: documented maximum, 0 = none */
	int max_len;         /* strings: documented maximum length, 0 = none */
	const struct bss_field *children; /* object or array<object> members */
	size_t n_children;
};

struct bss_op {
	const char *name;   /* SDK operation name, e.g. "ShowCustomerMonthlySum" */
	const char *method; /* "GET", "POST", "PUT", "DELETE" */
	const char *path;   /* template, e.g. "/v1.0/{domain_id}/payments/intl-invoices" */
	enum bss_host host;
	unsigned sites;     /* BSS_SITE_* mask */
	enum bss_paging paging;
	const char *records_key; /* record array in the answer, or NULL */
	const char *total_key;   /* "total_count", "count" or NULL */
	int page_limit;          /* page size bssfs requests */
	bool idempotent;         /* false: spends or changes; never retried */
	int success_status;
	const struct bss_field *path_params;
	size_t n_path_params;
	const struct bss_field *query;
	size_t n_query;
	const struct bss_field *body;
	size_t n_body;
	const struct bss_field *response;
	size_t n_response;
};

extern const struct bss_op bss_ops[];
extern const size_t bss_ops_count;

/* NULL when unknown. */
const struct bss_op *bss_op_find(const char *name);
/* Matches a request path (no query) and method against the table for a
 * host; fills up to n_vals path-parameter values (pointers into a copy in
 * buf) in template order. NULL when no operation matches. */
const struct bss_op *bss_op_match(enum bss_host host, const char *method, const char *path,
				  char *buf, size_t buflen, const char **vals, size_t n_vals);
/* A field of a list by name, or NULL. */
const struct bss_field *bss_field_find(const struct bss_field *fields, size_t n, const char *name);
/* The schema of one record of the operation's record array, or NULL. */
const struct bss_field *bss_op_record_schema(const struct bss_op *op, size_t *n_out);
/* true when the operation exists on the site. */
static inline bool bss_op_on_site(const struct bss_op *op, unsigned site) { return (op->sites & site) != 0; }

#endif
