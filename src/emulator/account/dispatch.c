/* emu_account_handle(): routes a validated call to its handler, plus the
 * parameter, paging and error helpers every handler uses. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"

const char *emu_call_query(const struct emu_call *c, const char *name)
{
	for (size_t i = 0; c && i < c->n_query; i++)
		if (c->query[i].name && !strcmp(c->query[i].name, name))
			return c->query[i].value;
	return NULL;
}

json_object *emu_bss_error(const char *code, const char *msg)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "error_code", json_object_new_string(code ? code : "CBC.0999"));
	json_object_object_add(o, "error_msg", json_object_new_string(msg ? msg : ""));
	return o;
}

json_object *emu_eps_error(const char *code, const char *msg)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "error", emu_bss_error(code ? code : "EPS.0001", msg));
	return o;
}

const char *acct_param_str(const struct emu_call *c, const char *name)
{
	json_object *v;
	if (c->body && json_object_is_type(c->body, json_type_object) &&
	    json_object_object_get_ex(c->body, name, &v)) {
		if (json_object_is_type(v, json_type_string))
			return json_object_get_string(v);
		return NULL;
	}
	return emu_call_query(c, name);
}

long acct_param_long(const struct emu_call *c, const char *name, long dflt)
{
	json_object *v;
	if (c->body && json_object_is_type(c->body, json_type_object) &&
	    json_object_object_get_ex(c->body, name, &v)) {
		if (json_object_is_type(v, json_type_int))
			return (long)json_object_get_int64(v);
		if (json_object_is_type(v, json_type_string)) {
			char *end;
			long n = strtol(json_object_get_string(v), &end, 10);
			return *end ? dflt : n;
		}
		return dflt;
	}
	const char *s = emu_call_query(c, name);
	if (!s || !*s)
		return dflt;
	char *end;
	errno = 0;
	long n = strtol(s, &end, 10);
	return (*end || errno) ? dflt : n;
}

void acct_page(const struct emu_call *c, long dflt_limit, long *offset, long *limit)
{
	*offset = acct_param_long(c, "offset", 0);
	*limit = acct_param_long(c, "limit", dflt_limit);
	if (*offset < 0)
		*offset = 0;
	if (*limit < 1)
		*limit = dflt_limit;
	if (c->op && c->op->paging == BSS_PAGE_PAGE) /* 1-based page number */
		*offset = (*offset > 0 ? *offset - 1 : 0) * *limit;
}

void acct_reply_error(struct emu_reply *r, int status, const char *code, const char *msg)
{
	r->status = status;
	r->body = !strncmp(code, "EPS.", 4) ? emu_eps_error(code, msg) : emu_bss_error(code, msg);
}

void acct_reply_ok(struct emu_reply *r, int status, json_object *body)
{
	r->status = status;
	if (status == 204) {
		json_object_put(body);
		body = NULL;
	}
	r->body = body;
}

static acct_handler bills_handler(const char *op)
{
	if (!strcmp(op, "ShowCustomerMonthlySum"))
		return acct_h_monthly_sum;
	if (!strcmp(op, "ListCustomerselfResourceRecords"))
		return acct_h_res_fee_records;
	if (!strcmp(op, "ListCustomerselfResourceRecordDetails"))
		return acct_h_res_records;
	if (!strcmp(op, "ListCustomerBillsFeeRecords"))
		return acct_h_fee_records;
	return NULL;
}

int emu_account_handle(struct emu_account *a, const struct emu_call *c, struct emu_reply *reply)
{
	reply->status = 500;
	reply->body = NULL;
	if (!a || !c || !c->op) {
		acct_reply_error(reply, 500, "CBC.0999", "Internal error.");
		return 0;
	}
	const char *op = c->op->name;
	acct_handler (*lookups[])(const char *) = { bills_handler, acct_catalog_handler, acct_orders_handler,
						    acct_subs_handler, acct_misc_handler, acct_eps_handler };
	acct_handler h = NULL;
	for (size_t i = 0; !h && i < sizeof(lookups) / sizeof(lookups[0]); i++)
		h = lookups[i](op);
	if (!h) {
		if (c->op->host == BSS_HOST_EPS)
			acct_reply_error(reply, 404, "EPS.0005", "The requested resource was not found.");
		else
			acct_reply_error(reply, 404, "APIG.0101", "The API does not exist or has not been published.");
		return 0;
	}
	struct acct_ctx x;
	x.now_ms = c->now_ms;
	x.cur_mk = acct_month_of_ms(c->now_ms, &x.today);
	x.anchor_ms = acct_day_start_ms(x.cur_mk, x.today);
	h(a, &x, c, reply);
	return 0;
}
