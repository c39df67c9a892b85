/* Content producers: a tree node's bytes from the API (through the client)
 * and the renderers.  Installed as the cache's fetch function, so every
 * producer writes the complete content to the FILE* it gets or fails. */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bssfs/clock.h"
#include "bssfs/dec.h"
#include "bssfs/jsonx.h"
#include "bssfs/log.h"
#include "bssfs/render.h"
#include "fs_internal.h"

static void seterr(struct bss_error *err, const char *op, const char *code, const char *msg)
{
	memset(err, 0, sizeof(*err));
	snprintf(err->op, sizeof(err->op), "%s", op ? op : "");
	snprintf(err->code, sizeof(err->code), "%s", code);
	snprintf(err->message, sizeof(err->message), "%s", msg);
}

static void iso_utc(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The value of a row parameter for a node. */
static void param_value(const struct bss_tree_node *node, const char *v, char *buf, size_t len)
{
	int64_t now = bss_wall_ms();
	if (!strcmp(v, "{arg}"))
		snprintf(buf, len, "%s", node->arg);
	else if (!strcmp(v, "{invoice_start}"))
		iso_utc(bss_month_start(bss_month_current(now) - (BSS_MONTHS_MAX - 1)), buf, len);
	else if (!strcmp(v, "{invoice_end}"))
		iso_utc(now / 1000, buf, len);
	else
		snprintf(buf, len, "%s", v);
}

static json_object *typed_value(const struct bss_field *f, const char *v)
{
	switch (f->type) {
	case BSS_T_INT:
		return json_object_new_int64(strtoll(v, NULL, 10));
	case BSS_T_BOOL:
		return json_object_new_boolean(!strcmp(v, "true"));
	case BSS_T_ARRAY: {
		/* comma-separated list in the table */
		json_object *a = json_object_new_array();
		char *copy = strdup(v), *save = NULL;
		for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t;
		     t = strtok_r(NULL, ",", &save))
			json_object_array_add(a, f->elem == BSS_T_INT
						     ? json_object_new_int64(strtoll(t, NULL, 10))
						     : json_object_new_string(t));
		free(copy);
		return a;
	}
	default:
		return json_object_new_string(v);
	}
}

/* A request built from a row's parameters; strings live in `vals`. */
struct built {
	struct bss_request req;
	struct bss_kv path[BSS_TREE_MAX_PARAMS], query[BSS_TREE_MAX_PARAMS];
	char vals[BSS_TREE_MAX_PARAMS][BSS_TREE_PATH_MAX];
	json_object *body;
};

static int build(const struct bss_tree_node *node, const struct bss_op *op, struct built *b,
		 struct bss_error *err)
{
	memset(b, 0, sizeof(*b));
	b->req.op = op->name;
	if (!strcmp(op->method, "POST") || !strcmp(op->method, "PUT"))
		b->body = json_object_new_object();
	for (int i = 0; i < BSS_TREE_MAX_PARAMS && node->row->params[i].name; i++) {
		const struct bss_tree_param *p = &node->row->params[i];
		const struct bss_field *f;
		param_value(node, p->value, b->vals[i], sizeof(b->vals[i]));
		if ((f = bss_field_find(op->path_params, op->n_path_params, p->name))) {
			b->path[b->req.n_path_params++] = (struct bss_kv){f->name, b->vals[i]};
		} else if ((f = bss_field_find(op->query, op->n_query, p->name))) {
			b->query[b->req.n_query++] = (struct bss_kv){f->name, b->vals[i]};
		} else if (b->body && (f = bss_field_find(op->body, op->n_body, p->name))) {
			json_object_object_add(b->body, f->name, typed_value(f, b->vals[i]));
		} else {
			json_object_put(b->body);
			seterr(err, op->name, "BSSFS.TABLE", "parameter not in the operation");
			bss_err("tree: %s: parameter %s is not a parameter of %s", node->path,
				p->name, op->name);
			return -EINVAL;
		}
	}
	b->req.path_params = b->path;
	b->req.query = b->query;
	b->req.body = b->body;
	return 0;
}

struct page_ctx {
	struct bss_fs *fs;
	struct bss_renderer *r;
	struct bss_renderer *sib; /* the sibling's renderer, NULL when none or failed */
	FILE *sib_out;
};

static int page_to_renderer(void *ctx, json_object *page, size_t idx, size_t first)
{
	(void)idx;
	(void)first;
	struct page_ctx *pc = ctx;
	if (atomic_load(&pc->fs->stopping))
		return -ECANCELED; /* unmounting: do not hold the exit up */
	if (pc->sib && bss_render_page(pc->sib, page) < 0) {
		bss_cache_sibling_abandon(pc->sib_out);
		bss_render_free(pc->sib);
		pc->sib = NULL;
	}
	return bss_render_page(pc->r, page);
}

/* The other rendering of the same answers (NAME.csv for NAME.json and the
 * reverse), opened as a sibling output of this fetch, or NULL. */
static FILE *open_sibling(struct bss_fs *fs, const struct bss_tree_node *node,
			  struct bss_tree_node *sn)
{
	const struct bss_tree_row *a = node->row;
	bool json = a->render == BSS_TR_JSON;
	const char *cur = json ? ".json" : ".csv", *other = json ? ".csv" : ".json";
	size_t l = strlen(node->path), cl = strlen(cur);
	char p[BSS_TREE_PATH_MAX + 8];
	if (l < cl || strcmp(node->path + l - cl, cur) != 0)
		return NULL;
	snprintf(p, sizeof(p), "%.*s%s", (int)(l - cl), node->path, other);
	if (bss_tree_lookup(&fs->tree, bss_wall_ms(), p, sn) < 0)
		return NULL;
	const struct bss_tree_row *b = sn->row;
	if (b->kind != BSS_TREE_FILE || !b->op || strcmp(a->op, b->op) != 0 || a->feed != b->feed ||
	    (b->render != BSS_TR_JSON && b->render != BSS_TR_CSV) ||
	    (a->records_key != b->records_key &&
	     (!a->records_key || !b->records_key || strcmp(a->records_key, b->records_key))))
		return NULL;
	for (int i = 0; i < BSS_TREE_MAX_PARAMS; i++) {
		const struct bss_tree_param *x = &a->params[i], *y = &b->params[i];
		if (!x->name && !y->name)
			break;
		if (!x->name || !y->name || strcmp(x->name, y->name) || strcmp(x->value, y->value))
			return NULL;
	}
	struct bss_cache_req req;
	fs_cache_req(sn, &req);
	return bss_cache_sibling(&req);
}

static struct bss_renderer *new_renderer(struct bss_fs *fs, const struct bss_tree_node *node,
					 const struct bss_op *op, FILE *out)
{
	struct bss_render_opts ro = {.csv_unix = fs->opt.csv_unix,
				     .records_key = node->row->records_key};
	return bss_render_new(
	    op, node->row->render == BSS_TR_CSV ? BSS_RENDER_CSV : BSS_RENDER_JSON, &ro, out);
}

static int finish(struct bss_renderer *r, int rc, const char *op, struct bss_error *err)
{
	if (rc == 0)
		rc = bss_render_finish(r);
	if (rc < 0 && !err->code[0])
		seterr(err, op, "BSSFS.RENDER", "the answer could not be rendered");
	bss_render_free(r);
	return rc;
}

static int produce_op(struct bss_fs *fs, const struct bss_tree_node *node, const struct bss_op *op,
		      FILE *out, struct bss_error *err)
{
	struct built b;
	int rc = build(node, op, &b, err);
	if (rc < 0)
		return rc;
	struct bss_renderer *r = new_renderer(fs, node, op, out);
	if (!r) {
		json_object_put(b.body);
		seterr(err, op->name, "BSSFS.RENDER", "no renderer for this answer");
		return -ENOMEM;
	}
	struct page_ctx pc = {fs, r, NULL, NULL};
	struct bss_tree_node sn;
	if ((pc.sib_out = open_sibling(fs, node, &sn)) &&
	    !(pc.sib = new_renderer(fs, &sn, op, pc.sib_out)))
		bss_cache_sibling_abandon(pc.sib_out);
	rc = bss_client_fetch_all(fs->client, &b.req, page_to_renderer, &pc, err);
	json_object_put(b.body);
	if (pc.sib) {
		if (rc == 0 && bss_render_finish(pc.sib) < 0)
			bss_cache_sibling_abandon(pc.sib_out);
		bss_render_free(pc.sib);
	}
	return finish(r, rc, op->name, err);
}

/* Exact conversion of an amount in unit measure_id to the base unit
 * (1 = base, 2 = 1/10, 3 = 1/100; others are refused). */
static int base_amount(json_object *amount, json_object *measure, char *buf, size_t len)
{
	struct bss_dec d, o;
	if (!amount || bss_json_get_dec(amount, &d) < 0)
		return -EINVAL;
	int m = measure ? json_object_get_int(measure) : 1;
	if (m < 1 || m > 3)
		return -EINVAL;
	if (bss_dec_shift(&d, -(m - 1), &o) < 0)
		return -ERANGE;
	if (m == 1) {
		snprintf(buf, len, "%s", bss_json_number_text(amount));
		return 0;
	}
	bss_dec_format(&o, buf, len);
	return 0;
}

static const char *account_type_name(int t)
{
	switch (t) {
	case 1:
		return "cash";
	case 2:
		return "credit";
	case 5:
		return "bonus";
	case 7:
		return "deposit";
	default:
		return NULL;
	}
}

static int produce_balance(struct bss_fs *fs, const struct bss_op *op, FILE *out,
			   struct bss_error *err)
{
	struct bss_request req = {.op = op->name};
	json_object *ans = NULL;
	int rc = bss_client_call(fs->client, &req, &ans, err);
	if (rc < 0)
		return rc;
	json_object *arr = bss_json_get(ans, "account_balances");
	const char *top_cur = bss_json_get_str(ans, "currency");
	size_t n =
	    arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		json_object *rec = json_object_array_get_idx(arr, i);
		int t = json_object_get_int(bss_json_get(rec, "account_type"));
		const char *cur = bss_json_get_str(rec, "currency");
		char amount[BSS_DEC_STRLEN], tbuf[32];
		const char *name = account_type_name(t);
		if (!name) {
			snprintf(tbuf, sizeof(tbuf), "type-%d", t);
			name = tbuf;
		}
		if (base_amount(bss_json_get(rec, "amount"), bss_json_get(rec, "measure_id"),
				amount, sizeof(amount)) < 0) {
			seterr(err, op->name, "BSSFS.RENDER", "an amount could not be read");
			rc = -EIO;
			break;
		}
		fprintf(out, "%s %s %s\n", name, amount, cur ? cur : top_cur ? top_cur : "");
	}
	json_object_put(ans);
	return rc;
}

static int produce_renew_price(struct bss_fs *fs, const struct bss_tree_node *node,
			       const struct bss_op *op, FILE *out, struct bss_error *err)
{
	static const struct {
		const char *key;
		int period_type;
	} periods[] = {{"month", 2}, {"year", 3}};
	json_object *answers[2] = {NULL, NULL};
	int rc = 0;
	for (int i = 0; i < 2 && rc == 0; i++) {
		struct built b;
		rc = build(node, op, &b, err);
		if (rc < 0)
			break;
		json_object_object_add(b.body, "period_type",
				       json_object_new_int(periods[i].period_type));
		rc = bss_client_call(fs->client, &b.req, &answers[i], err);
		json_object_put(b.body);
	}
	if (rc == 0) {
		fprintf(out, "{\"month\":%s,\n\"year\":%s}\n",
			answers[0] ? bss_json_compact(answers[0]) : "null",
			answers[1] ? bss_json_compact(answers[1]) : "null");
	}
	json_object_put(answers[0]);
	json_object_put(answers[1]);
	return rc;
}

static void csv_eol(struct bss_fs *fs, FILE *out)
{
	fputs(fs->opt.csv_unix ? "\n" : "\r\n", out);
}

/* bills/months.csv: one row per month of the window, the decimal top-level
 * fields of ShowCustomerMonthlySum in api/ order, then currency. */
static int produce_months_csv(struct bss_fs *fs, const struct bss_op *op, FILE *out,
			      struct bss_error *err)
{
	int64_t now = bss_wall_ms();
	int cur = bss_month_current(now), first = cur - fs->tree.months + 1;
	char path[64], month[16];
	/* start the months' fetches together */
	for (int m = first; m <= cur; m++) {
		struct bss_tree_node node;
		bss_month_format(m, month, sizeof(month));
		snprintf(path, sizeof(path), "bills/%s/summary.json", month);
		if (bss_tree_lookup(&fs->tree, now, path, &node) == 0) {
			struct bss_cache_req req;
			fs_cache_req(&node, &req);
			bss_cache_prefetch(fs->cache, &req);
		}
	}
	if (!fs->opt.csv_unix)
		fputs("\xEF\xBB\xBF", out);
	fputs("month", out);
	for (size_t i = 0; i < op->n_response; i++)
		if (op->response[i].type == BSS_T_DECIMAL)
			fprintf(out, ",%s", op->response[i].name);
	fputs(",currency", out);
	csv_eol(fs, out);
	for (int m = first; m <= cur; m++) {
		json_object *sum = NULL;
		bss_month_format(m, month, sizeof(month));
		snprintf(path, sizeof(path), "bills/%s/summary.json", month);
		int rc = fs_load_json(fs, path, &sum, err);
		if (rc == -EINVAL || rc == -ENOENT) {
			/* the API refuses this month (before the account existed,
			 * say): an empty row, not a failed file */
			bss_warn("bills/months.csv: %s: %s %s", month, err->code, err->message);
			memset(err, 0, sizeof(*err));
			fputs(month, out);
			for (size_t i = 0; i < op->n_response; i++)
				if (op->response[i].type == BSS_T_DECIMAL)
					fputc(',', out);
			fputc(',', out);
			csv_eol(fs, out);
			continue;
		}
		if (rc < 0)
			return rc;
		fputs(month, out);
		json_object *measure = bss_json_get(sum, "measure_id");
		for (size_t i = 0; i < op->n_response; i++) {
			if (op->response[i].type != BSS_T_DECIMAL)
				continue;
			char amount[BSS_DEC_STRLEN] = "";
			json_object *v = bss_json_get(sum, op->response[i].name);
			if (v && base_amount(v, measure, amount, sizeof(amount)) < 0) {
				json_object_put(sum);
				seterr(err, op->name, "BSSFS.RENDER",
				       "an amount could not be read");
				return -EIO;
			}
			fprintf(out, ",%s", amount);
		}
		fputc(',', out);
		const char *c = bss_json_get_str(sum, "currency");
		bss_csv_write_field(out, c ? c : "", true);
		csv_eol(fs, out);
		json_object_put(sum);
	}
	return 0;
}

/* packages/usage.*: ListFreeResourceUsages for every free_resource_id of
 * packages/packages.json, asked in chunks. */
#define USAGE_CHUNK 50
static int produce_usage(struct bss_fs *fs, const struct bss_tree_node *node,
			 const struct bss_op *op, FILE *out, struct bss_error *err)
{
	json_object *pk = NULL;
	int rc = fs_load_json(fs, "packages/packages.json", &pk, err);
	if (rc < 0)
		return rc;
	json_object *ids = json_object_new_array();
	json_object *pkgs = bss_json_get(pk, "free_resource_packages");
	size_t np = json_object_is_type(pkgs, json_type_array) ? json_object_array_length(pkgs) : 0;
	for (size_t i = 0; i < np; i++) {
		json_object *fr =
		    bss_json_get(json_object_array_get_idx(pkgs, i), "free_resources");
		size_t nf =
		    json_object_is_type(fr, json_type_array) ? json_object_array_length(fr) : 0;
		for (size_t j = 0; j < nf; j++) {
			const char *id =
			    bss_json_get_str(json_object_array_get_idx(fr, j), "free_resource_id");
			if (id)
				json_object_array_add(ids, json_object_new_string(id));
		}
	}
	json_object_put(pk);
	struct bss_renderer *r = new_renderer(fs, node, op, out);
	if (!r) {
		json_object_put(ids);
		seterr(err, op->name, "BSSFS.RENDER", "no renderer for this answer");
		return -ENOMEM;
	}
	size_t n = json_object_array_length(ids);
	if (n == 0) {
		json_object *empty = json_object_new_object();
		json_object_object_add(empty, op->records_key, json_object_new_array());
		rc = bss_render_page(r, empty);
		json_object_put(empty);
	}
	for (size_t off = 0; off < n && rc == 0; off += USAGE_CHUNK) {
		json_object *body = json_object_new_object(), *chunk = json_object_new_array();
		for (size_t k = off; k < n && k < off + USAGE_CHUNK; k++)
			json_object_array_add(chunk,
					      json_object_get(json_object_array_get_idx(ids, k)));
		json_object_object_add(body, "free_resource_ids", chunk);
		struct bss_request req = {.op = op->name, .body = body};
		json_object *ans = NULL;
		rc = bss_client_call(fs->client, &req, &ans, err);
		if (rc == 0)
			rc = bss_render_page(r, ans);
		json_object_put(ans);
		json_object_put(body);
	}
	json_object_put(ids);
	return finish(r, rc, op->name, err);
}

int bss_fs_fetch(void *ctx, const char *key, FILE *out, struct bss_error *err)
{
	struct bss_fs *fs = ctx;
	struct bss_tree_node node;
	int rc = bss_tree_lookup(&fs->tree, bss_wall_ms(), key, &node);
	if (rc < 0)
		return rc;
	const struct bss_op *op = node.row->op ? bss_op_find(node.row->op) : NULL;
	switch (node.row->render) {
	case BSS_TR_JSON:
	case BSS_TR_CSV:
		if (!op)
			return -ENOENT;
		if (node.row->feed == BSS_FEED_FREE_RESOURCE_IDS)
			return produce_usage(fs, &node, op, out, err);
		return produce_op(fs, &node, op, out, err);
	case BSS_TR_BALANCE:
		return op ? produce_balance(fs, op, out, err) : -ENOENT;
	case BSS_TR_RENEW_PRICE:
		return op ? produce_renew_price(fs, &node, op, out, err) : -ENOENT;
	case BSS_TR_MONTHS_CSV:
		return op ? produce_months_csv(fs, op, out, err) : -ENOENT;
	default: {
		char *buf = NULL;
		size_t len = 0;
		rc = fs_generate(fs, &node, &buf, &len);
		if (rc == 0 && fwrite(buf, 1, len, out) != len)
			rc = -EIO;
		free(buf);
		return rc;
	}
	}
}
