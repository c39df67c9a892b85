/* prices/: a price request document -> ListOnDemandResourceRatings or
 * ListRateOnPeriodDetail -> {"request", "quote"}.  Buys nothing; works in
 * every purchase mode. */
#include <errno.h>
#include <string.h>

#include "bssfs/jsonx.h"
#include "purchase/purchase_internal.h"

static int price_reject(json_object *o, const char *reason, char **out)
{
	pc_set_str(o, "result", "rejected");
	pc_set_str(o, "reason", reason);
	return pc_outcome_finish(o, -EINVAL, out);
}

int bss_price_run_io(bss_call_fn call, void *ctx, const char *doc, size_t len, char **out)
{
	*out = NULL;
	const struct pc_io io = { call, ctx };
	char reason[400] = "";
	json_object *body = NULL;
	int rc = bss_doc_parse(doc ? doc : "", doc ? len : 0, &body, reason, sizeof reason);
	if (rc == -ENODATA)
		return rc;
	json_object *o = pc_outcome_new("price", NULL);
	if (!o) {
		json_object_put(body);
		return -ENOMEM;
	}
	if (rc)
		return price_reject(o, reason, out);
	const char *type = bss_json_get_str(body, "type");
	const char *op = NULL;
	if (!json_object_object_get_ex(body, "type", NULL))
		bss_purchase_reason(reason, sizeof reason,
				    "type: missing (\"on-demand\" or \"period\")");
	else if (!type)
		bss_purchase_reason(reason, sizeof reason, "type: must be a string");
	else if (strcmp(type, "on-demand") == 0)
		op = "ListOnDemandResourceRatings";
	else if (strcmp(type, "period") == 0)
		op = "ListRateOnPeriodDetail";
	else
		bss_purchase_reason(reason, sizeof reason,
				    "type: \"%s\" is not one of on-demand|period", type);
	if (!op) {
		json_object_put(body);
		return price_reject(o, reason, out);
	}
	pc_set_str(o, "type", type);
	json_object_object_del(body, "type");
	pc_set_str(o, "operation", op);
	if (bss_op_body_validate(op, body, reason, sizeof reason) != 0) {
		json_object_put(body);
		return price_reject(o, reason, out);
	}
	json_object_object_add(o, "request", json_object_get(body));
	struct bss_request req = { .op = op, .body = body };
	struct bss_error err;
	json_object *ans = NULL;
	rc = pc_call(&io, &req, &ans, &err);
	if (rc == 0) {
		json_object_object_add(o, "quote", ans ? ans : json_object_new_object());
	} else {
		pc_set_str(o, "result", "failed");
		pc_outcome_error(o, &err);
	}
	json_object_put(body);
	return pc_outcome_finish(o, rc, out);
}
