/* Renderers: an operation's pages to NAME.json and NAME.csv, streaming.
 *
 * Owns: DESIGN §2's merged JSON (top-level fields as the API sent them,
 * every record, one record per line, values as the API wrote them) and
 * §4's CSV (RFC 4180, CRLF + BOM or LF, flattening, exact money converted
 * to the base unit, currency column, formula guard).  Pages arrive one at a
 * time and are written at once, so memory is bounded by one page. Knows
 * nothing about HTTP or files beyond the FILE* it writes. */
#ifndef BSSFS_RENDER_H
#define BSSFS_RENDER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "bssfs/api.h"

enum bss_render_format { BSS_RENDER_JSON, BSS_RENDER_CSV };

struct bss_render_opts {
	bool csv_unix; /* LF line ends and no byte-order mark */
	/* Added by render: when non-NULL, the top-level array of the answer
	 * to render instead of op->records_key (its schema is looked up in
	 * op->response; no total is rewritten). NULL: op->records_key. */
	const char *records_key;
};

struct bss_renderer;

/* Renders the answers of `op` to out (borrowed). opts may be NULL;
 * opts->records_key overrides op->records_key when non-NULL (e.g. another
 * array of the answer). NULL on ENOMEM or an unknown records_key. */
struct bss_renderer *bss_render_new(const struct bss_op *op, enum bss_render_format fmt,
				    const struct bss_render_opts *opts, FILE *out);
/* Adds one page (the whole answer; borrowed). 0 or -errno (-EIO on write
 * error, -EINVAL on an answer that cannot be rendered). A page rejected
 * for its shape writes nothing; any other error is sticky. */
int bss_render_page(struct bss_renderer *r, json_object *page);
/* Finishes the document; total_count in the JSON becomes the number of
 * records rendered (a total that precedes the record array is written as
 * the first page sent it, and finish returns -EIO when the records rendered
 * differ). -EINVAL when no page was added. 0 or -errno. */
int bss_render_finish(struct bss_renderer *r);
void bss_render_free(struct bss_renderer *r);

/* CSV field helpers, exposed for tests and small files. */
/* Writes one CSV field (quoted when needed, formula guard for text). */
int bss_csv_write_field(FILE *out, const char *s, bool is_text);
/* True for a money field name ("amount", "cash_amount", "unit_price",
 * "balance", "face_value", "invoiceAmount", ...). */
bool bss_render_is_money(const char *field_name);

#endif
