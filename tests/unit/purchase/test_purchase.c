/* Unit tests of the purchase engine over a fake API (no network): every
 * rejection kind sends nothing; dry runs price and submit nothing; mode on
 * submits once; a lost answer is read back, never resent. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bssfs/jsonx.h"
#include "bssfs/purchase.h"

/* ---- a fake API ------------------------------------------------------ */

#define MAX_CALLS 32

struct fake {
	int order_status;       /* what order reads answer */
	int pay_status_after;   /* status once PayOrders arrived (0 = unchanged) */
	int fail_rc;            /* PayOrders etc. fail with this (0 = success) */
	int lost;               /* non-idempotent calls lose their answer */
	int expire_policy;      /* resource read */
	int reads_fail_after;   /* reads fail once a write was sent */
	int wrote;
	int n;
	char ops[MAX_CALLS][64];
	char bodies[MAX_CALLS][1024];
	char paths[MAX_CALLS][128];
};

static int count(const struct fake *f, const char *op)
{
	int n = 0;
	for (int i = 0; i < f->n; i++)
		n += strcmp(f->ops[i], op) == 0;
	return n;
}

static const char *body_of(const struct fake *f, const char *op)
{
	for (int i = f->n - 1; i >= 0; i--)
		if (strcmp(f->ops[i], op) == 0)
			return f->bodies[i];
	return NULL;
}

static int is_write(const char *op)
{
	const struct bss_op *o = bss_op_find(op);
	return o && !o->idempotent;
}

static json_object *parse(const char *s)
{
	json_object *o = NULL;
	assert_int_equal(bss_json_parse(s, strlen(s), &o, NULL, 0), 0);
	return o;
}

static int fake_call(void *ctx, const struct bss_request *req, json_object **out,
		     struct bss_error *err)
{
	struct fake *f = ctx;
	assert_true(f->n < MAX_CALLS);
	assert_non_null(bss_op_find(req->op));
	snprintf(f->ops[f->n], sizeof f->ops[0], "%s", req->op);
	snprintf(f->bodies[f->n], sizeof f->bodies[0], "%s",
		 req->body ? bss_json_compact(req->body) : "");
	for (size_t i = 0; i < req->n_path_params; i++)
		snprintf(f->paths[f->n], sizeof f->paths[0], "%s=%s", req->path_params[i].name,
			 req->path_params[i].value);
	f->n++;
	*out = NULL;
	char buf[512];
	if (is_write(req->op))
		f->wrote = 1;
	else if (f->reads_fail_after && f->wrote) {
		err->http_status = 503;
		snprintf(err->code, sizeof err->code, "APIG.0202");
		snprintf(err->message, sizeof err->message, "backend unavailable");
		return -EAGAIN;
	}
	if (strcmp(req->op, "ShowCustomerOrderDetails") == 0) {
		snprintf(buf, sizeof buf,
			 "{\"total_count\":1,\"order_info\":{\"order_id\":\"%s\",\"status\":%d,"
			 "\"amount_after_discount\":12.34000000,\"official_amount\":20.5,"
			 "\"measure_id\":1,\"currency\":\"USD\"},\"order_line_items\":[]}",
			 req->path_params[0].value, f->order_status);
		*out = parse(buf);
		return 0;
	}
	if (strcmp(req->op, "ListPayPerUseCustomerResources") == 0) {
		snprintf(buf, sizeof buf,
			 "{\"total_count\":1,\"data\":[{\"resource_id\":\"res-1\",\"status\":2,"
			 "\"expire_policy\":%d}]}",
			 f->expire_policy);
		*out = parse(buf);
		return 0;
	}
	if (strcmp(req->op, "ListCustomerOrders") == 0) {
		*out = parse("{\"total_count\":0,\"order_infos\":[]}");
		return 0;
	}
	if (strcmp(req->op, "ListRenewRateOnPeriod") == 0) {
		*out = parse("{\"currency\":\"USD\",\"renew_inquiry_results\":[{\"resource_id\":"
			     "\"res-1\",\"amount\":\"99.990000\"}]}");
		return 0;
	}
	if (strcmp(req->op, "ListOnDemandResourceRatings") == 0) {
		*out = parse("{\"amount\":0.123456,\"currency\":\"USD\"}");
		return 0;
	}
	if (is_write(req->op)) {
		if (strcmp(req->op, "PayOrders") == 0 && f->pay_status_after)
			f->order_status = f->pay_status_after;
		if (f->lost) {
			err->http_status = 0;
			snprintf(err->code, sizeof err->code, "CURL.52");
			snprintf(err->message, sizeof err->message, "empty reply from server");
			err->outcome_unknown = true;
			return -EIO;
		}
		if (f->fail_rc) {
			err->http_status = 400;
			snprintf(err->code, sizeof err->code, "CBC.0100");
			snprintf(err->message, sizeof err->message, "parameter error");
			snprintf(err->request_id, sizeof err->request_id, "req-42");
			return f->fail_rc;
		}
		if (strcmp(req->op, "RenewalResources") == 0)
			*out = parse("{\"order_ids\":[\"CS-NEW-1\"]}");
		return 0;
	}
	return -ENOSYS;
}

static json_object *run(struct fake *f, enum bss_purchase_mode m, enum bss_action a,
			const char *id, const char *doc, int *rc)
{
	char *out = NULL;
	*rc = bss_action_run_io(fake_call, f, m, a, id, doc, strlen(doc), &out);
	if (!out)
		return NULL;
	json_object *o = NULL;
	assert_int_equal(bss_json_parse(out, strlen(out), &o, NULL, 0), 0);
	assert_int_equal(out[strlen(out) - 1], '\n');
	free(out);
	return o;
}

static const char *get(json_object *o, const char *dotted)
{
	char key[128];
	snprintf(key, sizeof key, "%s", dotted);
	char *save = NULL;
	json_object *cur = o;
	for (char *k = strtok_r(key, ".", &save); k && cur; k = strtok_r(NULL, ".", &save))
		cur = bss_json_get(cur, k);
	return cur ? json_object_get_string(cur) : NULL;
}

/* Runs a document that must be rejected: -EINVAL, a reason containing
 * `needle`, and nothing sent at all. */
static void expect_rejected(enum bss_action a, const char *id, const char *doc, size_t len,
			    const char *needle)
{
	struct fake f = { .order_status = 6 };
	char *out = NULL;
	int rc = bss_action_run_io(fake_call, &f, BSS_PURCHASE_ON, a, id, doc, len, &out);
	assert_int_equal(rc, -EINVAL);
	assert_non_null(out);
	json_object *o = NULL;
	assert_int_equal(bss_json_parse(out, strlen(out), &o, NULL, 0), 0);
	assert_string_equal(get(o, "result"), "rejected");
	const char *reason = get(o, "reason");
	assert_non_null(reason);
	if (!strstr(reason, needle))
		fail_msg("reason \"%s\" lacks \"%s\"", reason, needle);
	assert_null(strchr(reason, '\n'));
	assert_int_equal(f.n, 0); /* nothing sent, not even a read */
	json_object_put(o);
	free(out);
}

#define REJ(a, doc, needle) expect_rejected(a, "res-1", doc, strlen(doc), needle)

static void test_rejections(void **state)
{
	(void)state;
	REJ(BSS_ACTION_PAY, "{\"foo\":1}", "foo: unknown field");
	REJ(BSS_ACTION_PAY, "{\"order_id\":\"x\"}", "order_id: given by the path");
	REJ(BSS_ACTION_CANCEL, "{\"order_id\":\"x\"}", "order_id: given by the path");
	REJ(BSS_ACTION_RENEW, "{\"resource_ids\":[\"a\"],\"period_type\":2,\"period_num\":1}",
	    "resource_ids: given by the path");
	REJ(BSS_ACTION_RENEW, "{\"period_type\":\"2\",\"period_num\":1}",
	    "period_type: must be an integer");
	REJ(BSS_ACTION_RENEW, "{\"period_type\":2,\"period_num\":1.0}",
	    "period_num: must be an integer");
	REJ(BSS_ACTION_RENEW, "{\"period_type\":2}", "period_num: missing required field");
	REJ(BSS_ACTION_RENEW, "{}", "missing required field");
	REJ(BSS_ACTION_RENEW, "{\"period_type\":4,\"period_num\":1}", "period_type: 4 is not one of 2|3");
	REJ(BSS_ACTION_RENEW, "{\"period_type\":2,\"period_num\":12}", "out of range 1-11");
	REJ(BSS_ACTION_RENEW, "{\"period_type\":2,\"period_num\":0}", "out of range 1-11");
	REJ(BSS_ACTION_RENEW, "{\"period_type\":3,\"period_num\":4}", "out of range 1-3");
	REJ(BSS_ACTION_RENEW, "{\"period_type\":3,\"period_num\":1,\"is_auto_pay\":2}",
	    "is_auto_pay: 2 is not one of 0|1");
	REJ(BSS_ACTION_RENEW, "{\"period_type\":null,\"period_num\":1}", "not null");
	REJ(BSS_ACTION_PAY, "{\"use_coupon\":\"yes\"}", "use_coupon: \"yes\" is not one of YES|NO");
	REJ(BSS_ACTION_PAY, "{\"use_coupon\":\"YES\"}", "requires a non-empty coupon_infos");
	REJ(BSS_ACTION_PAY, "{\"use_discount\":\"YES\",\"discount_infos\":[]}",
	    "requires a non-empty discount_infos");
	REJ(BSS_ACTION_PAY,
	    "{\"use_coupon\":\"YES\",\"coupon_infos\":[{\"id\":\"a\",\"type\":300},{\"id\":\"b\","
	    "\"type\":300},{\"id\":\"c\",\"type\":300},{\"id\":\"d\",\"type\":300}]}",
	    "coupon_infos: at most 3 items");
	REJ(BSS_ACTION_PAY, "{\"use_coupon\":\"YES\",\"coupon_infos\":[{\"id\":\"a\",\"type\":299}]}",
	    "coupon_infos[0].type: 299 is not one of");
	REJ(BSS_ACTION_PAY, "{\"use_coupon\":\"YES\",\"coupon_infos\":[{\"type\":300}]}",
	    "coupon_infos[0].id: missing required field");
	REJ(BSS_ACTION_PAY, "{\"use_coupon\":\"YES\",\"coupon_infos\":[{\"id\":\"a\",\"type\":300,"
	    "\"x\":1}]}", "coupon_infos[0].x: unknown field");
	REJ(BSS_ACTION_PAY, "{\"coupon_infos\":{}}", "coupon_infos: must be an array");
	REJ(BSS_ACTION_AUTO_RENEW, "{\"auto_renew_times\":100}", "out of range 0-99");
	REJ(BSS_ACTION_AUTO_RENEW, "{\"period_type\":\"WEEK\"}", "not one of MONTH|YEAR");
	REJ(BSS_ACTION_AUTO_RENEW, "{\"resource_id\":\"x\"}", "resource_id: given by the path");
	REJ(BSS_ACTION_AUTO_RENEW, "maybe", "malformed JSON");
	REJ(BSS_ACTION_TO_ON_DEMAND, "{}", "operation: missing required field");
	REJ(BSS_ACTION_TO_ON_DEMAND, "{\"operation\":\"NOW\"}", "not one of SET_UP|CANCEL");
	REJ(BSS_ACTION_UNSUBSCRIBE, "{}", "unsubscribe_type: missing required field");
	REJ(BSS_ACTION_UNSUBSCRIBE, "{\"unsubscribe_type\":3}", "not one of 1|2");
	REJ(BSS_ACTION_UNSUBSCRIBE, "{\"unsubscribe_type\":1,\"unsubscribe_reason_type\":6}",
	    "not one of 1|2|3|4|5");
	REJ(BSS_ACTION_UNSUBSCRIBE, "{\"unsubscribe_type\":1,\"unsubscribe_reason\":5}",
	    "unsubscribe_reason: must be a string");
	/* Documents that are not one JSON object. */
	REJ(BSS_ACTION_PAY, "{} {}", "more than one JSON document");
	REJ(BSS_ACTION_PAY, "{}\n{}\n", "more than one JSON document");
	REJ(BSS_ACTION_PAY, "{", "malformed JSON");
	REJ(BSS_ACTION_PAY, "{\"use_coupon\":\"NO\",\"use_coupon\":\"YES\"}", "appears twice");
	REJ(BSS_ACTION_PAY,
	    "{\"use_coupon\":\"YES\",\"coupon_infos\":[{\"id\":\"a\",\"type\":300,\"id\":\"b\"}]}",
	    "appears twice");
	REJ(BSS_ACTION_PAY, "[]", "must be a JSON object");
	REJ(BSS_ACTION_PAY, "\"NO\"", "must be a JSON object");
	REJ(BSS_ACTION_PAY, "{\"use_coupon\":\"N\xff\"}", "invalid UTF-8 at byte 16");
	REJ(BSS_ACTION_PAY, "{\"use_coupon\":\"\xc0\xaf\"}", "invalid UTF-8");
	REJ(BSS_ACTION_PAY, "{\"use_coupon\":\"\xed\xa0\x80\"}", "invalid UTF-8");
	REJ(BSS_ACTION_PAY, "{\"use_coupon\":\"\xe2\x82\"}", "invalid UTF-8");
	expect_rejected(BSS_ACTION_PAY, "o-1", "{}\0", 3, "NUL");
	/* Over 64 KiB, even if it would be valid. */
	size_t big = BSS_PURCHASE_MAX_DOC + 1;
	char *doc = malloc(big);
	memset(doc, ' ', big);
	doc[0] = '{';
	doc[big - 1] = '}';
	expect_rejected(BSS_ACTION_PAY, "o-1", doc, big, "over the 65536-byte limit");
	free(doc);
	/* Bad ids from the path. */
	expect_rejected(BSS_ACTION_PAY, "a/b", "{}", 2, "invalid order or resource id");
	expect_rejected(BSS_ACTION_PAY, "", "{}", 2, "invalid order or resource id");
}

static void test_empty_and_off(void **state)
{
	(void)state;
	struct fake f = { .order_status = 6 };
	char *out = (char *)1;
	assert_int_equal(bss_action_run_io(fake_call, &f, BSS_PURCHASE_ON, BSS_ACTION_PAY, "o-1", "",
					   0, &out),
			 -ENODATA);
	assert_null(out);
	assert_int_equal(bss_action_run_io(fake_call, &f, BSS_PURCHASE_ON, BSS_ACTION_PAY, "o-1",
					   " \n\t\r\n", 5, &out),
			 -ENODATA);
	assert_null(out);
	assert_int_equal(bss_action_run_io(fake_call, &f, BSS_PURCHASE_ON, BSS_ACTION_PAY, "o-1",
					   NULL, 0, &out),
			 -ENODATA);
	int rc;
	json_object *o = run(&f, BSS_PURCHASE_OFF, BSS_ACTION_PAY, "o-1", "{}", &rc);
	assert_int_equal(rc, -EACCES);
	assert_string_equal(get(o, "result"), "rejected");
	assert_string_equal(get(o, "mode"), "off");
	json_object_put(o);
	assert_int_equal(f.n, 0);
}

static void test_pay_dry_run(void **state)
{
	(void)state;
	struct fake f = { .order_status = 6 };
	int rc;
	json_object *o = run(&f, BSS_PURCHASE_DRY_RUN, BSS_ACTION_PAY, "CS-1", "{}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(get(o, "result"), "dry-run");
	assert_string_equal(get(o, "mode"), "dry-run");
	assert_string_equal(get(o, "action"), "pay");
	assert_string_equal(get(o, "request.order_id"), "CS-1");
	assert_string_equal(get(o, "request.use_coupon"), "NO");
	assert_string_equal(get(o, "request.use_discount"), "NO");
	/* The amount is the API's text, unchanged. */
	assert_string_equal(get(o, "price.amount_after_discount"), "12.34000000");
	assert_string_equal(get(o, "price.currency"), "USD");
	const char *t = get(o, "time");
	assert_int_equal(strlen(t), 20);
	assert_int_equal(t[19], 'Z');
	assert_int_equal(count(&f, "PayOrders"), 0);
	assert_int_equal(count(&f, "ShowCustomerOrderDetails"), 1);
	json_object_put(o);
}

static void test_pay_on(void **state)
{
	(void)state;
	struct fake f = { .order_status = 6, .pay_status_after = 5 };
	int rc;
	json_object *o = run(&f, BSS_PURCHASE_ON, BSS_ACTION_PAY, "CS-1", "{\"use_discount\":\"NO\"}",
			     &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(get(o, "result"), "submitted");
	assert_int_equal(count(&f, "PayOrders"), 1);
	json_object *b = parse(body_of(&f, "PayOrders"));
	assert_string_equal(get(b, "order_id"), "CS-1");
	assert_string_equal(get(b, "use_coupon"), "NO");
	assert_string_equal(get(b, "use_discount"), "NO");
	assert_int_equal(json_object_object_length(b), 3);
	json_object_put(b);
	assert_null(bss_json_get(o, "price"));
	json_object_put(o);
}

static void test_pay_not_pending(void **state)
{
	(void)state;
	for (int mode = BSS_PURCHASE_DRY_RUN; mode <= BSS_PURCHASE_ON; mode++) {
		struct fake f = { .order_status = 5 };
		int rc;
		json_object *o = run(&f, (enum bss_purchase_mode)mode, BSS_ACTION_PAY, "CS-1", "{}",
				     &rc);
		assert_int_equal(rc, -EINVAL);
		assert_string_equal(get(o, "result"), "rejected");
		assert_non_null(strstr(get(o, "reason"), "not pending payment (status 5)"));
		assert_int_equal(count(&f, "PayOrders"), 0);
		json_object_put(o);
	}
}

static void test_pay_failed(void **state)
{
	(void)state;
	struct fake f = { .order_status = 6, .fail_rc = -EINVAL };
	int rc;
	json_object *o = run(&f, BSS_PURCHASE_ON, BSS_ACTION_PAY, "CS-1", "{}", &rc);
	assert_int_equal(rc, -EINVAL);
	assert_string_equal(get(o, "result"), "failed");
	assert_string_equal(get(o, "error.http_status"), "400");
	assert_string_equal(get(o, "error.error_code"), "CBC.0100");
	assert_string_equal(get(o, "error.error_msg"), "parameter error");
	assert_string_equal(get(o, "error.request_id"), "req-42");
	assert_int_equal(count(&f, "PayOrders"), 1);
	json_object_put(o);
}

static void test_pay_lost_answer(void **state)
{
	(void)state;
	/* Applied: the read-back finds the order completed. */
	struct fake f = { .order_status = 6, .pay_status_after = 5, .lost = 1 };
	int rc;
	json_object *o = run(&f, BSS_PURCHASE_ON, BSS_ACTION_PAY, "CS-1", "{}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(get(o, "result"), "unknown");
	assert_string_equal(get(o, "readback.verdict"), "applied");
	assert_string_equal(get(o, "readback.status"), "5");
	assert_string_equal(get(o, "error.error_code"), "CURL.52");
	assert_int_equal(count(&f, "PayOrders"), 1);
	assert_int_equal(count(&f, "ShowCustomerOrderDetails"), 2);
	json_object_put(o);
	/* Not applied: still pending; still never resent. */
	struct fake g = { .order_status = 6, .lost = 1 };
	o = run(&g, BSS_PURCHASE_ON, BSS_ACTION_PAY, "CS-1", "{}", &rc);
	assert_int_equal(rc, -EIO);
	assert_string_equal(get(o, "result"), "unknown");
	assert_string_equal(get(o, "readback.verdict"), "not applied");
	assert_int_equal(count(&g, "PayOrders"), 1);
	json_object_put(o);
}

static void test_lost_answer_edges(void **state)
{
	(void)state;
	int rc;
	/* The read-back itself fails: "unknown", an error, never a resend. */
	struct fake f = { .order_status = 6, .lost = 1, .reads_fail_after = 1 };
	json_object *o = run(&f, BSS_PURCHASE_ON, BSS_ACTION_PAY, "CS-1", "{}", &rc);
	assert_int_equal(rc, -EIO);
	assert_string_equal(get(o, "result"), "unknown");
	assert_string_equal(get(o, "readback.verdict"), "unknown");
	assert_non_null(strstr(get(o, "readback.detail"), "APIG.0202"));
	assert_int_equal(count(&f, "PayOrders"), 1);
	json_object_put(o);
	/* Renewal lost, no new renewal order appeared: not applied. */
	struct fake g = { .lost = 1 };
	o = run(&g, BSS_PURCHASE_ON, BSS_ACTION_RENEW, "res-1", "{\"period_type\":2,\"period_num\":3}",
		&rc);
	assert_int_equal(rc, -EIO);
	assert_string_equal(get(o, "readback.verdict"), "not applied");
	assert_int_equal(count(&g, "RenewalResources"), 1);
	assert_int_equal(count(&g, "ListCustomerOrders"), 2); /* before and after */
	json_object_put(o);
	/* Unsubscribing renewed periods only (type 2), lost: order diff too. */
	struct fake h = { .lost = 1 };
	o = run(&h, BSS_PURCHASE_ON, BSS_ACTION_UNSUBSCRIBE, "res-1", "{\"unsubscribe_type\":2}", &rc);
	assert_int_equal(rc, -EIO);
	assert_string_equal(get(o, "readback.operation"), "ListCustomerOrders");
	assert_int_equal(count(&h, "CancelResourcesSubscription"), 1);
	json_object_put(o);
	/* to-on-demand CANCEL lost; resource policy 3 is "not 1": applied. */
	struct fake k = { .lost = 1, .expire_policy = 3 };
	o = run(&k, BSS_PURCHASE_ON, BSS_ACTION_TO_ON_DEMAND, "res-1", "{\"operation\":\"CANCEL\"}",
		&rc);
	assert_int_equal(rc, 0);
	assert_string_equal(get(o, "readback.verdict"), "applied");
	json_object_put(o);
}

static void test_renew(void **state)
{
	(void)state;
	struct fake f = { 0 };
	int rc;
	json_object *o = run(&f, BSS_PURCHASE_DRY_RUN, BSS_ACTION_RENEW, "res-1",
			     "{\"period_type\":3,\"period_num\":1,\"is_auto_pay\":1}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(get(o, "result"), "dry-run");
	assert_int_equal(count(&f, "RenewalResources"), 0);
	assert_int_equal(count(&f, "ListRenewRateOnPeriod"), 1);
	json_object *b = parse(body_of(&f, "ListRenewRateOnPeriod"));
	assert_string_equal(bss_json_compact(b),
			    "{\"resource_ids\":[\"res-1\"],\"period_type\":3,\"period_num\":1}");
	json_object_put(b);
	assert_string_equal(get(o, "price.operation"), "ListRenewRateOnPeriod");
	assert_non_null(get(o, "price.quote.renew_inquiry_results"));
	json_object_put(o);

	struct fake g = { 0 };
	o = run(&g, BSS_PURCHASE_ON, BSS_ACTION_RENEW, "res-1",
		"{\"period_type\":2,\"period_num\":11}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(get(o, "result"), "submitted");
	assert_int_equal(count(&g, "RenewalResources"), 1);
	assert_int_equal(count(&g, "ListRenewRateOnPeriod"), 0);
	assert_non_null(strstr(get(o, "response"), "CS-NEW-1"));
	json_object_put(o);
}

static void test_auto_renew_words(void **state)
{
	(void)state;
	struct fake f = { .expire_policy = 3 };
	int rc;
	json_object *o = run(&f, BSS_PURCHASE_ON, BSS_ACTION_AUTO_RENEW, "res-1", "on\n", &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(count(&f, "AutoRenewalResources"), 1);
	assert_string_equal(f.paths[f.n - 1], "resource_id=res-1");
	assert_string_equal(body_of(&f, "AutoRenewalResources"), "{}");
	assert_string_equal(get(o, "operation"), "AutoRenewalResources");
	json_object_put(o);
	o = run(&f, BSS_PURCHASE_ON, BSS_ACTION_AUTO_RENEW, "res-1", " off ", &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(count(&f, "CancelAutoRenewalResources"), 1);
	assert_string_equal(body_of(&f, "CancelAutoRenewalResources"), "");
	assert_string_equal(f.paths[f.n - 1], "resource_id=res-1");
	json_object_put(o);
	o = run(&f, BSS_PURCHASE_ON, BSS_ACTION_AUTO_RENEW, "res-1",
		"{\"auto_renew_times\":2,\"period_type\":\"YEAR\"}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(body_of(&f, "AutoRenewalResources"),
			    "{\"auto_renew_times\":2,\"period_type\":\"YEAR\"}");
	json_object_put(o);
	/* Lost answer: read back the resource's expire_policy (3 = on). */
	struct fake g = { .expire_policy = 3, .lost = 1 };
	o = run(&g, BSS_PURCHASE_ON, BSS_ACTION_AUTO_RENEW, "res-1", "on", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(get(o, "readback.verdict"), "applied");
	assert_int_equal(count(&g, "AutoRenewalResources"), 1);
	json_object_put(o);
	struct fake h = { .expire_policy = 0, .lost = 1 };
	o = run(&h, BSS_PURCHASE_ON, BSS_ACTION_AUTO_RENEW, "res-1", "on", &rc);
	assert_int_equal(rc, -EIO);
	assert_string_equal(get(o, "readback.verdict"), "not applied");
	json_object_put(o);
}

static void test_no_price_inquiry(void **state)
{
	(void)state;
	struct fake f = { 0 };
	int rc;
	json_object *o = run(&f, BSS_PURCHASE_DRY_RUN, BSS_ACTION_TO_ON_DEMAND, "res-1",
			     "{\"operation\":\"SET_UP\"}", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(get(o, "price.available"), "false");
	assert_non_null(strstr(get(o, "price.reason"), "UpdatePeriodToOnDemand"));
	assert_string_equal(get(o, "request"),
			    "{ \"operation\": \"SET_UP\", \"resource_ids\": [ \"res-1\" ] }");
	assert_int_equal(f.n, 0);
	json_object_put(o);
	o = run(&f, BSS_PURCHASE_DRY_RUN, BSS_ACTION_UNSUBSCRIBE, "res-1",
		"{\"unsubscribe_type\":1,\"unsubscribe_reason_type\":5,\"unsubscribe_reason\":\"x\"}",
		&rc);
	assert_int_equal(rc, 0);
	assert_string_equal(get(o, "result"), "dry-run");
	assert_int_equal(f.n, 0);
	json_object_put(o);
}

static json_object *price(struct fake *f, const char *doc, int *rc)
{
	char *out = NULL;
	*rc = bss_price_run_io(fake_call, f, doc, strlen(doc), &out);
	if (!out)
		return NULL;
	json_object *o = NULL;
	assert_int_equal(bss_json_parse(out, strlen(out), &o, NULL, 0), 0);
	free(out);
	return o;
}

static void test_prices(void **state)
{
	(void)state;
	static const char ok[] =
		"{\"type\":\"on-demand\",\"project_id\":\"p1\",\"product_infos\":[{\"id\":\"1\","
		"\"cloud_service_type\":\"hws.service.type.ebs\",\"resource_type\":"
		"\"hws.resource.type.volume\",\"resource_spec\":\"SSD\",\"region\":\"ap-southeast-1\","
		"\"usage_factor\":\"Duration\",\"usage_value\":1.50,\"usage_measure_id\":4,"
		"\"subscription_num\":1}]}";
	struct fake f = { 0 };
	int rc;
	json_object *o = price(&f, ok, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(count(&f, "ListOnDemandResourceRatings"), 1);
	assert_null(strstr(body_of(&f, "ListOnDemandResourceRatings"), "\"type\""));
	assert_non_null(strstr(body_of(&f, "ListOnDemandResourceRatings"), "\"usage_value\":1.50"));
	assert_string_equal(get(o, "quote.amount"), "0.123456");
	assert_string_equal(get(o, "request.project_id"), "p1");
	json_object_put(o);

	struct {
		const char *doc, *needle;
	} bad[] = {
		{ "{\"project_id\":\"p\"}", "type: missing" },
		{ "{\"type\":\"spot\"}", "not one of on-demand|period" },
		{ "{\"type\":1}", "type: must be a string" },
		{ "{\"type\":\"on-demand\",\"project_id\":\"p\"}", "product_infos: missing" },
		{ "{\"type\":\"on-demand\",\"project_id\":\"p\",\"product_infos\":[]}",
		  "product_infos: needs at least 1 item" },
		{ "{\"type\":\"period\",\"project_id\":\"p\",\"product_infos\":[{\"id\":\"1\","
		  "\"cloud_service_type\":\"a\",\"resource_type\":\"b\",\"resource_spec\":\"c\","
		  "\"region\":\"r\",\"period_type\":1,\"period_num\":1,\"subscription_num\":1}]}",
		  "product_infos[0].period_type: 1 is not one of 0|2|3|4" },
		{ "{\"type\":\"on-demand\",\"project_id\":\"p\",\"product_infos\":[{\"id\":\"1\","
		  "\"cloud_service_type\":\"a\",\"resource_type\":\"b\",\"resource_spec\":\"c\","
		  "\"region\":\"r\",\"usage_factor\":\"D\",\"usage_value\":\"1e3\","
		  "\"usage_measure_id\":4,\"subscription_num\":1}]}",
		  "usage_value: not a plain decimal" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o = price(&f, bad[i].doc, &rc);
		assert_int_equal(rc, -EINVAL);
		assert_string_equal(get(o, "result"), "rejected");
		if (!strstr(get(o, "reason"), bad[i].needle))
			fail_msg("case %zu: \"%s\"", i, get(o, "reason"));
		json_object_put(o);
	}
	assert_int_equal(count(&f, "ListOnDemandResourceRatings"), 1);
	assert_int_equal(count(&f, "ListRateOnPeriodDetail"), 0);
	char *out = (char *)1;
	assert_int_equal(bss_price_run_io(fake_call, &f, "\n", 1, &out), -ENODATA);
	assert_null(out);
}

static void test_names_and_invalidation(void **state)
{
	(void)state;
	static const char *const files[] = { "pay", "cancel", "renew", "auto-renew",
					     "to-on-demand", "unsubscribe" };
	for (int i = 0; i < BSS_ACTION_COUNT; i++) {
		enum bss_action a;
		assert_int_equal(bss_action_from_name(files[i], &a), 0);
		assert_int_equal(a, i);
		assert_string_equal(bss_action_name(a), files[i]);
		assert_int_equal(bss_action_on_order(a), i <= BSS_ACTION_CANCEL);
		assert_true(bss_action_invalidates(a) & BSS_INVAL_SUBSCRIPTIONS);
	}
	enum bss_action a;
	assert_int_equal(bss_action_from_name("order.json", &a), -ENOENT);
	unsigned pay = bss_action_invalidates(BSS_ACTION_PAY);
	assert_true(pay & BSS_INVAL_ORDERS);
	assert_true(pay & BSS_INVAL_BALANCES);
	assert_int_equal(bss_action_invalidates(BSS_ACTION_AUTO_RENEW), BSS_INVAL_SUBSCRIPTIONS);
	assert_string_equal(bss_inval_paths(BSS_INVAL_ORDERS)[0], "orders/");
	assert_string_equal(bss_inval_paths(BSS_INVAL_BALANCES)[0], "account/");
	assert_null(bss_inval_paths(0x100));
	assert_int_equal(bss_action_run_invalidates(BSS_ACTION_PAY, BSS_PURCHASE_ON, 0), pay);
	assert_int_equal(bss_action_run_invalidates(BSS_ACTION_PAY, BSS_PURCHASE_ON, -EIO), pay);
	assert_int_equal(bss_action_run_invalidates(BSS_ACTION_PAY, BSS_PURCHASE_ON, -EINVAL), 0);
	assert_int_equal(bss_action_run_invalidates(BSS_ACTION_PAY, BSS_PURCHASE_DRY_RUN, 0), 0);
	assert_int_equal(bss_action_run_invalidates(BSS_ACTION_PAY, BSS_PURCHASE_ON, -ENODATA), 0);
	enum bss_purchase_mode m;
	assert_int_equal(bss_purchase_mode_parse("dry-run", &m), 0);
	assert_int_equal(m, BSS_PURCHASE_DRY_RUN);
	assert_int_equal(bss_purchase_mode_parse("yes", &m), -EINVAL);
	assert_string_equal(bss_purchase_mode_name(BSS_PURCHASE_ON), "on");
}

static void test_validator_direct(void **state)
{
	(void)state;
	const struct bss_op *op = bss_op_find("RenewalResources");
	char reason[200];
	json_object *b = parse("{\"resource_ids\":[\"a\",1],\"period_type\":2,\"period_num\":1}");
	assert_int_equal(bss_body_validate(op->body, op->n_body, b, reason, sizeof reason), -EINVAL);
	assert_string_equal(reason, "resource_ids[1]: must be a string");
	json_object_put(b);
	b = parse("{\"resource_ids\":[\"a\"],\"period_type\":2,\"period_num\":1}");
	assert_int_equal(bss_body_validate(op->body, op->n_body, b, reason, sizeof reason), 0);
	assert_int_equal(bss_op_body_validate("RenewalResources", b, reason, sizeof reason), 0);
	json_object_put(b);
	b = parse("{\"resource_ids\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\","
		  "\"11\"],\"period_type\":2,\"period_num\":1}");
	assert_int_equal(bss_op_body_validate("RenewalResources", b, reason, sizeof reason), -EINVAL);
	assert_non_null(strstr(reason, "resource_ids: at most 10 items"));
	json_object_put(b);
	/* A schema with a documented range and length. */
	static const struct bss_field s[] = {
		{ "n", BSS_T_INT, BSS_T_NONE, false, true, 1, 5, 0, 0, NULL, 0 },
		{ "s", BSS_T_STRING, BSS_T_NONE, false, false, 0, 0, 0, 3, NULL, 0 },
		{ "b", BSS_T_BOOL, BSS_T_NONE, false, false, 0, 0, 0, 0, NULL, 0 },
		{ "l", BSS_T_ARRAY, BSS_T_INT, false, false, 0, 0, 2, 0, NULL, 0 },
	};
	b = parse("{\"n\":6}");
	assert_int_equal(bss_body_validate(s, 4, b, reason, sizeof reason), -EINVAL);
	assert_string_equal(reason, "n: 6 is out of range 1-5");
	json_object_put(b);
	b = parse("{\"s\":\"\xc3\xa9\xc3\xa9\xc3\xa9\",\"b\":true,\"l\":[1,2]}");
	assert_int_equal(bss_body_validate(s, 4, b, reason, sizeof reason), 0);
	json_object_put(b);
	b = parse("{\"s\":\"abcd\"}");
	assert_int_equal(bss_body_validate(s, 4, b, reason, sizeof reason), -EINVAL);
	json_object_put(b);
	b = parse("{\"b\":1}");
	assert_int_equal(bss_body_validate(s, 4, b, reason, sizeof reason), -EINVAL);
	assert_string_equal(reason, "b: must be true or false");
	json_object_put(b);
	b = parse("{\"l\":[1,2,3]}");
	assert_int_equal(bss_body_validate(s, 4, b, reason, sizeof reason), -EINVAL);
	assert_string_equal(reason, "l: more than 2 items");
	json_object_put(b);
	json_object *o = NULL;
	/* Equal keys in different objects, and key-like strings as values, are fine. */
	static const char same[] = "{\"a\":{\"a\":1},\"b\":[{\"a\":\"a\"},{\"a\":\"\\\"a\"}],\"c\":\"a\"}";
	assert_int_equal(bss_doc_parse(same, strlen(same), &o, reason, sizeof reason), 0);
	json_object_put(o);
	assert_int_equal(bss_doc_parse("{\"a\":\"\xf0\x9f\x98\x80\"}", 12, &o, reason, sizeof reason),
			 0);
	json_object_put(o);
	assert_int_equal(bss_doc_parse("{\"a\":\"\xf4\x90\x80\x80\"}", 12, &o, reason, sizeof reason),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_empty_and_off),
		cmocka_unit_test(test_pay_dry_run),
		cmocka_unit_test(test_pay_on),
		cmocka_unit_test(test_pay_not_pending),
		cmocka_unit_test(test_pay_failed),
		cmocka_unit_test(test_pay_lost_answer),
		cmocka_unit_test(test_lost_answer_edges),
		cmocka_unit_test(test_renew),
		cmocka_unit_test(test_auto_renew_words),
		cmocka_unit_test(test_no_price_inquiry),
		cmocka_unit_test(test_prices),
		cmocka_unit_test(test_names_and_invalidation),
		cmocka_unit_test(test_validator_direct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
