/* bss_client_fetch_all: OFFSET, OFFSET_BODY, PAGE and MARKER styles, order,
 * concurrency, bounded window, inconsistent pages, callback errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"

#include "bssfs/jsonx.h"
#include "client/client_internal.h"

/* The server's data set: records {"i": n, "amount": "n.000001"}. */
struct pages_srv {
	pthread_mutex_t lock;
	enum bss_paging style;
	const char *records_key, *total_key;
	int n; /* records */
	int delay_ms;
	int change_total_at; /* request offset (records) at which total grows; -1 none */
	int short_at;	     /* record offset of a page answered one short; -1 none */
	int garble_at;	     /* record offset whose first answer is cut short; -1 none */
	int garbled;	     /* answers cut short so far */
	int bad_requests;    /* requests missing the caller's own fields */
	char seen_domain[64];
};

static json_object *records(int from, int count)
{
	json_object *a = json_object_new_array();
	for (int i = from; i < from + count; i++) {
		char buf[128];
		snprintf(buf, sizeof(buf), "{\"i\":%d,\"amount\":%d.000001}", i, i);
		json_object *o = NULL;
		bss_json_parse(buf, strlen(buf), &o, NULL, 0);
		json_object_array_add(a, o);
	}
	return a;
}

static long query_num(const char *q, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = q; p && *p;) {
		if (strncmp(p, name, nl) == 0 && p[nl] == '=')
			return strtol(p + nl + 1, NULL, 10);
		p = strchr(p, '&');
		if (p)
			p++;
	}
	return -1;
}

static void pages_handler(void *ctx, const struct ts_request *req, struct ts_response *resp)
{
	struct pages_srv *ps = ctx;
	long offset = -1, limit = -1;
	const char *marker = NULL;
	json_object *body = NULL;
	if (req->body_len)
		bss_json_parse(req->body, req->body_len, &body, NULL, 0);
	if (ps->style == BSS_PAGE_OFFSET || ps->style == BSS_PAGE_PAGE) {
		offset = query_num(req->query, "offset");
		limit = query_num(req->query, "limit");
		if (query_num(req->query, "keep") != 1)
			__atomic_add_fetch(&ps->bad_requests, 1, __ATOMIC_SEQ_CST);
	} else {
		offset = json_object_get_int(bss_json_get(body, "offset"));
		limit = json_object_get_int(bss_json_get(body, "limit"));
		marker = bss_json_get_str(body, "marker");
		const char *keep = bss_json_get_str(body, "keep");
		if (!keep || strcmp(keep, "me") != 0)
			__atomic_add_fetch(&ps->bad_requests, 1, __ATOMIC_SEQ_CST);
	}
	pthread_mutex_lock(&ps->lock);
	const char *dom = ts_header(req, "x-domain-id");
	snprintf(ps->seen_domain, sizeof(ps->seen_domain), "%s", dom ? dom : "");
	pthread_mutex_unlock(&ps->lock);
	long from;
	if (ps->style == BSS_PAGE_PAGE)
		from = (offset - 1) * limit;
	else if (ps->style == BSS_PAGE_MARKER)
		from = marker ? strtol(marker + 1, NULL, 10) : 0; /* marker "m<offset>" */
	else
		from = offset;
	int total = ps->n;
	if (ps->change_total_at >= 0 && from >= ps->change_total_at)
		total++;
	long count = total - from < limit ? total - from : limit;
	if (count < 0)
		count = 0;
	if (ps->short_at >= 0 && from == ps->short_at)
		count--;
	if (ps->garble_at >= 0 && from == ps->garble_at &&
	    __atomic_add_fetch(&ps->garbled, 1, __ATOMIC_SEQ_CST) == 1) {
		ts_body(resp, 200, "{\"total_count\":1,\"bill_sums\":[");
		json_object_put(body);
		return;
	}
	json_object *ans = json_object_new_object();
	json_object_object_add(ans, ps->records_key, records((int)from, (int)count));
	if (ps->style == BSS_PAGE_MARKER) {
		json_object *pi = json_object_new_object();
		char next[32];
		snprintf(next, sizeof(next), "m%ld", from + count);
		json_object_object_add(pi, "next_marker",
				       from + count < ps->n ? json_object_new_string(next) : NULL);
		json_object_object_add(ans, "page_info", pi);
	} else {
		json_object_object_add(ans, ps->total_key, json_object_new_int(total));
	}
	json_object_object_add(ans, "currency", json_object_new_string("USD"));
	ts_body(resp, 200, bss_json_compact(ans));
	json_object_put(ans);
	json_object_put(body);
	resp->delay_ms = ps->delay_ms;
}

struct collect {
	struct ts_server *s;
	size_t next_page, next_record;
	int order_errors;
	int max_ahead; /* server requests beyond the pages delivered */
	int stop_at;   /* page index at which to return -ECANCELED; -1 never */
	int delay_ms;  /* slow consumer */
	const char *records_key;
};

static int on_page(void *ctx, json_object *page, size_t page_index, size_t first_record)
{
	struct collect *cl = ctx;
	if (page_index != cl->next_page || first_record != cl->next_record)
		cl->order_errors++;
	json_object *a = bss_json_get(page, cl->records_key);
	size_t n = json_object_array_length(a);
	for (size_t i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(a, i);
		if ((size_t)json_object_get_int(bss_json_get(r, "i")) != first_record + i)
			cl->order_errors++;
		char want[64];
		snprintf(want, sizeof(want), "%zu.000001", first_record + i);
		if (strcmp(bss_json_number_text(bss_json_get(r, "amount")), want) != 0)
			cl->order_errors++;
	}
	int ahead = ts_count(cl->s) - (int)(page_index + 1);
	if (ahead > cl->max_ahead)
		cl->max_ahead = ahead;
	cl->next_page++;
	cl->next_record += n;
	if (cl->delay_ms) {
		struct timespec ts = {0, cl->delay_ms * 1000000L};
		nanosleep(&ts, NULL);
	}
	if (cl->stop_at >= 0 && (int)page_index == cl->stop_at)
		return -ECANCELED;
	return 0;
}

static struct bss_op test_op(const char *name, enum bss_paging style, int limit)
{
	struct bss_op op = *bss_op_find(name);
	op.paging = style;
	op.page_limit = limit;
	return op;
}

struct env {
	struct pages_srv ps;
	struct ts_server *s;
	struct bss_client *c;
	struct collect cl;
};

static void env_start(struct env *e, enum bss_paging style, const char *rk, const char *tk, int n,
		      int delay_ms)
{
	memset(e, 0, sizeof(*e));
	pthread_mutex_init(&e->ps.lock, NULL);
	e->ps.style = style;
	e->ps.records_key = rk;
	e->ps.total_key = tk;
	e->ps.n = n;
	e->ps.delay_ms = delay_ms;
	e->ps.change_total_at = -1;
	e->ps.short_at = -1;
	e->ps.garble_at = -1;
	e->s = ts_start(pages_handler, &e->ps);
	struct bss_client_config cfg = {
	    .domain_id = T_DOMAIN, .max_rps = 1000, .max_concurrency = 4, .backoff_base_ms = 1};
	e->c = test_client(e->s, &cfg);
	e->cl = (struct collect){.s = e->s, .stop_at = -1, .records_key = rk};
}

static void env_stop(struct env *e)
{
	bss_client_free(e->c);
	ts_stop(e->s);
	pthread_mutex_destroy(&e->ps.lock);
}

static const struct bss_kv keep_q[] = {{"keep", "1"}, {"offset", "999"}, {"limit", "3"}};

static void test_offset_query(void **state)
{
	(void)state;
	struct env e;
	env_start(&e, BSS_PAGE_OFFSET, "bill_sums", "total_count", 100, 30);
	struct bss_op op = test_op("ShowCustomerMonthlySum", BSS_PAGE_OFFSET, 7);
	struct bss_request req = {.op = op.name, .query = keep_q, .n_query = 3};
	struct bss_error err;
	assert_int_equal(bss_client_fetch_all_op(e.c, &op, &req, on_page, &e.cl, &err), 0);
	assert_int_equal(e.cl.order_errors, 0);
	assert_int_equal(e.cl.next_page, 15);
	assert_int_equal(e.cl.next_record, 100);
	assert_int_equal(ts_count(e.s), 15);
	assert_int_equal(e.ps.bad_requests, 0);
	assert_true(ts_max_inflight(e.s) > 1);	/* pages fetched concurrently */
	assert_true(ts_max_inflight(e.s) <= 4); /* within the concurrency cap */
	const struct ts_request *r = ts_request_at(e.s, 0);
	assert_string_equal(r->query, "keep=1&offset=0&limit=7");
	env_stop(&e);
}

static void test_offset_body(void **state)
{
	(void)state;
	struct env e;
	env_start(&e, BSS_PAGE_OFFSET_BODY, "monthly_records", "total_count", 61, 20);
	struct bss_op op =
	    test_op("ListCustomerselfResourceRecordDetails", BSS_PAGE_OFFSET_BODY, 10);
	json_object *body = NULL;
	const char *bt = "{\"keep\":\"me\",\"cycle\":\"2024-03\",\"offset\":55,\"limit\":2}";
	assert_int_equal(bss_json_parse(bt, strlen(bt), &body, NULL, 0), 0);
	struct bss_request req = {.op = op.name, .body = body};
	struct bss_error err;
	assert_int_equal(bss_client_fetch_all_op(e.c, &op, &req, on_page, &e.cl, &err), 0);
	assert_int_equal(e.cl.order_errors, 0);
	assert_int_equal(e.cl.next_page, 7);
	assert_int_equal(e.cl.next_record, 61);
	assert_int_equal(e.ps.bad_requests, 0);
	assert_true(ts_max_inflight(e.s) > 1);
	/* the caller's body is untouched */
	assert_string_equal(bss_json_compact(body), bt);
	json_object_put(body);
	env_stop(&e);
}

static void test_page_number(void **state)
{
	(void)state;
	struct env e;
	env_start(&e, BSS_PAGE_PAGE, "invoices", "count", 45, 20);
	struct bss_op op = test_op("ListInvoices", BSS_PAGE_PAGE, 10);
	struct bss_request req = {.op = op.name, .query = keep_q, .n_query = 3};
	struct bss_error err;
	assert_int_equal(bss_client_fetch_all_op(e.c, &op, &req, on_page, &e.cl, &err), 0);
	assert_int_equal(e.cl.order_errors, 0);
	assert_int_equal(e.cl.next_page, 5);
	assert_int_equal(e.cl.next_record, 45);
	const struct ts_request *r = ts_request_at(e.s, 0);
	assert_string_equal(r->path, "/v1.0/" T_DOMAIN "/payments/intl-invoices");
	assert_string_equal(r->query, "keep=1&offset=1&limit=10");
	int seen_last = 0;
	for (int i = 0; i < ts_count(e.s); i++)
		seen_last += query_num(ts_request_at(e.s, i)->query, "offset") == 5;
	assert_int_equal(seen_last, 1);
	assert_true(ts_max_inflight(e.s) > 1);
	env_stop(&e);
}

static void test_marker(void **state)
{
	(void)state;
	struct env e;
	env_start(&e, BSS_PAGE_MARKER, "cloud_service_basics", NULL, 23, 0);
	/* ListResourceSpecs (marker paging) is not in the table bssfs uses */
	struct bss_op op = {.name = "ListResourceSpecs",
			    .method = "POST",
			    .path = "/v2/products/resource-specs-query",
			    .host = BSS_HOST_BSS,
			    .sites = BSS_SITE_INTL | BSS_SITE_CN,
			    .paging = BSS_PAGE_MARKER,
			    .records_key = "cloud_service_basics",
			    .page_limit = 5,
			    .idempotent = true,
			    .success_status = 200};
	json_object *body = NULL;
	const char *bt = "{\"keep\":\"me\"}";
	assert_int_equal(bss_json_parse(bt, strlen(bt), &body, NULL, 0), 0);
	struct bss_request req = {.op = op.name, .body = body};
	struct bss_error err;
	assert_int_equal(bss_client_fetch_all_op(e.c, &op, &req, on_page, &e.cl, &err), 0);
	assert_int_equal(e.cl.order_errors, 0);
	assert_int_equal(e.cl.next_page, 5);
	assert_int_equal(e.cl.next_record, 23);
	assert_int_equal(ts_count(e.s), 5);
	assert_null(strstr(ts_request_at(e.s, 0)->body, "marker"));
	assert_non_null(strstr(ts_request_at(e.s, 1)->body, "\"marker\":\"m5\""));
	assert_non_null(strstr(ts_request_at(e.s, 1)->body, "\"limit\":5"));
	json_object_put(body);
	env_stop(&e);
}

/* A real table entry with its own page size (ListServiceTypes: 1000). */
static void test_real_op_and_unpaged(void **state)
{
	(void)state;
	struct env e;
	env_start(&e, BSS_PAGE_OFFSET, "service_types", "total_count", 2500, 0);
	struct bss_kv q[] = {{"keep", "1"}};
	struct bss_request req = {.op = "ListServiceTypes", .query = q, .n_query = 1};
	struct bss_error err;
	e.cl.records_key = "service_types";
	assert_int_equal(bss_client_fetch_all(e.c, &req, on_page, &e.cl, &err), 0);
	assert_int_equal(e.cl.order_errors, 0);
	assert_int_equal(e.cl.next_page, 3);
	assert_int_equal(e.cl.next_record, 2500);
	assert_int_equal(ts_count(e.s), 3);
	/* empty list: one page */
	e.ps.n = 0;
	e.cl = (struct collect){.s = e.s, .stop_at = -1, .records_key = "service_types"};
	assert_int_equal(bss_client_fetch_all(e.c, &req, on_page, &e.cl, &err), 0);
	assert_int_equal(e.cl.next_page, 1);
	/* a non-paged operation: one call */
	e.cl = (struct collect){.s = e.s, .stop_at = -1, .records_key = "service_types"};
	struct bss_request one = {.op = "ShowCustomerAccountBalances"};
	int before = ts_count(e.s);
	assert_int_equal(bss_client_fetch_all(e.c, &one, on_page, &e.cl, &err), 0);
	assert_int_equal(ts_count(e.s) - before, 1);
	assert_int_equal(e.cl.next_page, 1);
	struct bss_request bad = {.op = "NoSuchOp"};
	assert_int_equal(bss_client_fetch_all(e.c, &bad, on_page, &e.cl, &err), -ENOENT);
	env_stop(&e);
}

static void test_inconsistent_total(void **state)
{
	(void)state;
	struct env e;
	env_start(&e, BSS_PAGE_OFFSET, "bill_sums", "total_count", 100, 5);
	e.ps.change_total_at = 30;
	struct bss_op op = test_op("ShowCustomerMonthlySum", BSS_PAGE_OFFSET, 10);
	struct bss_request req = {.op = op.name, .query = keep_q, .n_query = 1};
	struct bss_error err;
	assert_int_equal(bss_client_fetch_all_op(e.c, &op, &req, on_page, &e.cl, &err), -EIO);
	assert_string_equal(err.code, "BSSFS.INCONSISTENT_PAGES");
	assert_int_equal(e.cl.order_errors, 0);
	assert_true(e.cl.next_page <= 3); /* pages before the change only */
	env_stop(&e);
}

static void test_short_page(void **state)
{
	(void)state;
	struct env e;
	env_start(&e, BSS_PAGE_OFFSET_BODY, "monthly_records", "total_count", 50, 5);
	e.ps.short_at = 20;
	struct bss_op op =
	    test_op("ListCustomerselfResourceRecordDetails", BSS_PAGE_OFFSET_BODY, 10);
	json_object *body = json_object_new_object();
	json_object_object_add(body, "keep", json_object_new_string("me"));
	struct bss_request req = {.op = op.name, .body = body};
	struct bss_error err;
	assert_int_equal(bss_client_fetch_all_op(e.c, &op, &req, on_page, &e.cl, &err), -EIO);
	assert_string_equal(err.code, "BSSFS.INCONSISTENT_PAGES");
	assert_true(e.cl.next_page <= 2);
	/* a short first page is caught too */
	e.ps.short_at = 0;
	e.cl = (struct collect){.s = e.s, .stop_at = -1, .records_key = "monthly_records"};
	assert_int_equal(bss_client_fetch_all_op(e.c, &op, &req, on_page, &e.cl, &err), -EIO);
	assert_string_equal(err.code, "BSSFS.INCONSISTENT_PAGES");
	assert_int_equal(e.cl.next_page, 0);
	json_object_put(body);
	env_stop(&e);
}

/* A slow consumer: workers run at most a window of pages ahead. */
static void test_bounded_window(void **state)
{
	(void)state;
	struct env e;
	env_start(&e, BSS_PAGE_OFFSET, "bill_sums", "total_count", 300, 0);
	e.cl.delay_ms = 15;
	struct bss_op op = test_op("ShowCustomerMonthlySum", BSS_PAGE_OFFSET, 5);
	struct bss_request req = {.op = op.name, .query = keep_q, .n_query = 1};
	struct bss_error err;
	assert_int_equal(bss_client_fetch_all_op(e.c, &op, &req, on_page, &e.cl, &err), 0);
	assert_int_equal(e.cl.next_page, 60);
	assert_int_equal(e.cl.order_errors, 0);
	print_message("workers ran at most %d requests ahead of the consumer\n", e.cl.max_ahead);
	assert_true(e.cl.max_ahead <= 5); /* window = 4 workers + 1 */
	assert_true(e.cl.max_ahead >= 2);
	env_stop(&e);
}

/* The window keeps raw bodies, not trees: with a slow consumer, at most
 * `window` pages of bytes wait, and only the delivered page is a tree. */
static void test_window_holds_bytes(void **state)
{
	(void)state;
	struct env e;
	env_start(&e, BSS_PAGE_OFFSET, "bill_sums", "total_count", 2000, 0);
	e.cl.delay_ms = 10;
	struct bss_op op = test_op("ShowCustomerMonthlySum", BSS_PAGE_OFFSET, 50);
	struct bss_request req = {.op = op.name, .query = keep_q, .n_query = 1};
	struct bss_error err;
	struct bss_paging_peaks pk;
	bss_paging_peaks(&pk, true);
	assert_int_equal(bss_client_fetch_all_op(e.c, &op, &req, on_page, &e.cl, &err), 0);
	assert_int_equal(e.cl.next_page, 40);
	assert_int_equal(e.cl.order_errors, 0);
	bss_paging_peaks(&pk, false);
	print_message("window peak: %zu pages, %zu bytes, %zu delivered trees\n", pk.pages,
		      pk.bytes, pk.trees);
	/* window = 4 workers + 1 pages of bytes (the page being parsed for
	 * delivery included) */
	assert_true(pk.pages <= 5);
	assert_true(pk.pages >= 2);		      /* the slow consumer lets them pile up */
	assert_true(pk.bytes <= 5 * (50 * 40 + 200)); /* < 40 bytes a record */
	assert_int_equal(pk.trees, 1);
	env_stop(&e);
}

/* An unparsable page is retried by its worker; the deliverer sees it once. */
static void test_unparsable_page_retried(void **state)
{
	(void)state;
	struct env e;
	env_start(&e, BSS_PAGE_OFFSET, "bill_sums", "total_count", 100, 0);
	e.ps.garble_at = 50;
	struct bss_op op = test_op("ShowCustomerMonthlySum", BSS_PAGE_OFFSET, 10);
	struct bss_request req = {.op = op.name, .query = keep_q, .n_query = 1};
	struct bss_error err;
	assert_int_equal(bss_client_fetch_all_op(e.c, &op, &req, on_page, &e.cl, &err), 0);
	assert_int_equal(e.ps.garbled, 2);
	assert_int_equal(e.cl.next_page, 10);
	assert_int_equal(e.cl.next_record, 100);
	assert_int_equal(e.cl.order_errors, 0);
	assert_int_equal(ts_count(e.s), 11);
	env_stop(&e);
}

/* The workers' scanner accepts exactly what bss_json_parse accepts and
 * reads the same total, record count and error verdict. */
static void test_scanner_agrees(void **state)
{
	(void)state;
	struct bss_op op = test_op("ShowCustomerMonthlySum", BSS_PAGE_OFFSET, 10);
	op.total_key = "total_count";
	op.records_key = "bill_sums";
	static const char *const texts[] = {
	    "{\"total_count\":3,\"bill_sums\":[{},{\"a\":[1,2,{\"b\":null}]},3]}",
	    " {\"bill_sums\":[],\"total_count\":0} \n",
	    "{\"total_count\":1,\"total_count\":2,\"bill_sums\":[1],\"bill_sums\":[1,2]}",
	    "{\"total_count\":\"3\",\"bill_sums\":{}}",
	    "{\"total_count\":3.0,\"bill_sums\":[true,false,null,-0,1e5,-2.5E-3]}",
	    "{\"total_count\":-4}",
	    "{\"total_count\":9223372036854775807}",
	    "{\"total_count\":18446744073709551616}",
	    "{\"total_count\":-9223372036854775809}",
	    "{\"total_count\":-92233720368547758090000000000000000}",
	    "{\"total_count\":18446744073709551615}",
	    "{\"total_count\":18446744073709551614}",
	    "{\"total_count\":184467440737095516140000000000000000000}",
	    "{\"error_code\":\"CBC.0000\",\"total_count\":1,\"bill_sums\":[0]}",
	    "{\"error_code\":\"\",\"total_count\":1,\"bill_sums\":[0]}",
	    "{\"error_code\":\"CBC.0250\",\"error_msg\":\"busy\"}",
	    "{\"error_code\":5}",
	    "{\"s\":\"\\u00e9\\n\\\"\\/ caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}",
	    "[1,2]",
	    "\"x\"",
	    "{\"total_count\":1,\"bill_sums\":[0]",
	    "{\"total_count\":1,\"bill_sums\":[0]}}",
	    "{\"total_count\":1,\"bill_sums\":[0,]}",
	    "{\"total_count\":01}",
	    "{\"total_count\":1.}",
	    "{\"total_count\":.5}",
	    "{\"total_count\":1.e5}",
	    "{\"total_count\":1e}",
	    "{\"total_count\":1e+}",
	    "{\"total_count\":-}",
	    "{\"total_count\":-a}",
	    "{\"total_count\":1E-2}",
	    "[NaN]",
	    "[nan]",
	    "[Infinity]",
	    "[-Infinity]",
	    "[infinity]",
	    "[-NaN]",
	    "[TRUE]",
	    "[NULL]",
	    "[1.5.3]",
	    "[\"\\ud800\"]",
	    "[\"\xed\xa0\x80\"]",
	    "[\"\xc0\x80\"]",
	    "[\"\xf5\x80\x80\x80\"]",
	    "[\"\xf8\x80\x80\x80\x80\"]",
	    "[\"a\x7f\"]",
	    "[-0.0e-0]",
	    "[1,\n2]",
	    "[\"\\u00\"]",
	    "{\"a\":1,}",
	    "[00]",
	    "[01]",
	    "[000]",
	    "[0012]",
	    "[-00]",
	    "[-01]",
	    "[-012]",
	    "{\"total_count\":00}",
	    "{\"total_count\":-01}",
	    "[0,01]",
	    "[00.5]",
	    "[01.5]",
	    "[0e1]",
	    "[00e1]",
	    "[01e1]",
	    "[1e5.5]",
	    "[0x10]",
	    "[Inf]",
	    "[-Inf]",
	    "[infinit]",
	    "[NaNa]",
	    "{\"total_count\":+1}",
	    "{\"total_count\":NaN}",
	    "{\"total_count\":tru}",
	    "{'total_count':1}",
	    "{'total_count':1,'bill_sums':['a\\'b\"c',\"d'e\"]}",
	    "{\"a\":'x\"}",
	    "['\\u0041\\'']",
	    "{\"a\":\"tab\there\"}",
	    "{\"a\":\"\\x\"}",
	    "{\"a\":\"\\u12\"}",
	    "{\"a\":\"\xff\"}",
	    "{\"a\":\"\xc3\"}",
	    "{\"a\":1} x",
	    "",
	    "   ",
	    "{\"total_count\":1,\"bill_sums\":[0]} {}",
	};
	size_t n_texts = sizeof(texts) / sizeof(texts[0]);
	for (size_t i = 0; i < n_texts + 2; i++) {
		/* the last two hold a NUL byte */
		const char *t = i < n_texts ? texts[i] : i == n_texts ? "[\"a\0b\"]" : "[1]\0";
		size_t len = i < n_texts ? strlen(t) : i == n_texts ? 6 : 4;
		json_object *tree = NULL;
		int prc = bss_json_parse(t, len, &tree, NULL, 0);
		struct bss_raw_answer raw = {0};
		bool error = false;
		char why[128];
		int src = bss_scan_answer(&op, t, len, &raw, &error, why, sizeof(why));
		print_message("%zu: parse %d scan %d: %s\n", i, prc, src, t);
		assert_int_equal(src < 0, prc < 0);
		if (prc == 0) {
			json_object *tc = bss_json_get(tree, "total_count");
			json_object *bs = bss_json_get(tree, "bill_sums");
			bool has_total = tc && json_object_is_type(tc, json_type_int);
			assert_int_equal(raw.has_total, has_total);
			if (has_total)
				assert_int_equal(raw.total, json_object_get_int64(tc));
			assert_int_equal(raw.records, bs && json_object_is_type(bs, json_type_array)
							  ? json_object_array_length(bs)
							  : 0);
			assert_int_equal(error, bss_body_has_error(tree));
		}
		json_object_put(tree);
	}
	/* nesting: 64 levels pass, deeper ones are refused by both */
	char deep[256];
	for (int d = 60; d <= 70; d++) {
		memset(deep, '[', (size_t)d);
		memset(deep + d, ']', (size_t)d);
		json_object *tree = NULL;
		int prc = bss_json_parse(deep, (size_t)(2 * d), &tree, NULL, 0);
		json_object_put(tree);
		struct bss_raw_answer raw = {0};
		bool error = false;
		char why[128];
		int src =
		    bss_scan_answer(&op, deep, (size_t)(2 * d), &raw, &error, why, sizeof(why));
		print_message("depth %d: parse %d scan %d\n", d, prc, src);
		assert_int_equal(src < 0, prc < 0);
	}
}

static void test_callback_stops(void **state)
{
	(void)state;
	struct env e;
	env_start(&e, BSS_PAGE_OFFSET, "bill_sums", "total_count", 1000, 10);
	e.cl.stop_at = 2;
	struct bss_op op = test_op("ShowCustomerMonthlySum", BSS_PAGE_OFFSET, 10);
	struct bss_request req = {.op = op.name, .query = keep_q, .n_query = 1};
	struct bss_error err;
	assert_int_equal(bss_client_fetch_all_op(e.c, &op, &req, on_page, &e.cl, &err), -ECANCELED);
	assert_string_equal(err.code, "BSSFS.CALLBACK");
	assert_int_equal(e.cl.next_page, 3);
	int n = ts_count(e.s);
	assert_true(n <= 3 + 5 + 4);
	struct timespec ts = {0, 100 * 1000000L};
	nanosleep(&ts, NULL);
	assert_int_equal(ts_count(e.s), n); /* nothing after return */
	env_stop(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_offset_query),
	    cmocka_unit_test(test_offset_body),
	    cmocka_unit_test(test_page_number),
	    cmocka_unit_test(test_marker),
	    cmocka_unit_test(test_real_op_and_unpaged),
	    cmocka_unit_test(test_inconsistent_total),
	    cmocka_unit_test(test_short_page),
	    cmocka_unit_test(test_bounded_window),
	    cmocka_unit_test(test_callback_stops),
	    cmocka_unit_test(test_window_holds_bytes),
	    cmocka_unit_test(test_unparsable_page_retried),
	    cmocka_unit_test(test_scanner_agrees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
