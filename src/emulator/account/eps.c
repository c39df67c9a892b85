/* Enterprise projects (EPS) and IAM domain discovery. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"
#include "bssfs/jsonx.h"

#define DAY_MS (86400LL * 1000)

static json_object *ep_json(const struct emu_account *a, int i, int64_t now)
{
	const struct acct_ep *e = &a->eps[i];
	json_object *o = json_object_new_object();
	char t[32];
	json_object_object_add(o, "id", json_object_new_string(e->id));
	json_object_object_add(o, "name", json_object_new_string(e->name));
	json_object_object_add(o, "description", json_object_new_string(e->desc));
	json_object_object_add(o, "status", json_object_new_int(e->status));
	/* Fixed dates: 2024-01-0N, independent of the clock. */
	acct_fmt_time(1704067200000LL + (int64_t)i * 7 * DAY_MS, t);
	json_object_object_add(o, "created_at", json_object_new_string(t));
	acct_fmt_time(1704067200000LL + (int64_t)i * 9 * DAY_MS, t);
	json_object_object_add(o, "updated_at", json_object_new_string(t));
	json_object_object_add(o, "type", json_object_new_string(i == a->n_eps - 1 ? "poc" : "prod"));
	json_object_object_add(o, "delete_flag", json_object_new_boolean(0));
	return o;
}

static void h_list_eps(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
		       struct emu_reply *r)
{
	long off, lim;
	acct_page(c, 1000, &off, &lim);
	const char *id = acct_param_str(c, "id"), *name = acct_param_str(c, "name"), *type = acct_param_str(c, "type");
	long status = acct_param_long(c, "status", -1);
	json_object *arr = json_object_new_array();
	long n = 0;
	for (int i = 0; i < a->n_eps; i++) {
		const struct acct_ep *e = &a->eps[i];
		if ((id && *id && strcmp(id, e->id)) || (name && *name && !strstr(e->name, name)) ||
		    (status >= 0 && status != e->status) ||
		    (type && *type && strcmp(type, i == a->n_eps - 1 ? "poc" : "prod")))
			continue;
		if (n++ < off || n > off + lim)
			continue;
		json_object_array_add(arr, ep_json(a, i, x->anchor_ms));
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "enterprise_projects", arr);
	json_object_object_add(o, "total_count", json_object_new_int((int)n));
	acct_reply_ok(r, 200, o);
}

static int find_ep(const struct emu_account *a, const char *id)
{
	for (int i = 0; id && i < a->n_eps; i++)
		if (!strcmp(a->eps[i].id, id))
			return i;
	return -1;
}

static void h_show_ep(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c, struct emu_reply *r)
{
	int i = find_ep(a, c->n_path_vals ? c->path_vals[0] : NULL);
	if (i < 0) {
		acct_reply_error(r, 404, "EPS.0005", "The enterprise project does not exist.");
		return;
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "enterprise_project", ep_json(a, i, x->anchor_ms));
	acct_reply_ok(r, 200, o);
}

static void h_ep_quota(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c, struct emu_reply *r)
{
	json_object *o = json_object_new_object(), *q = json_object_new_object(), *arr = json_object_new_array();
	json_object *e = json_object_new_object();
	json_object_object_add(e, "quota", json_object_new_int(100));
	json_object_object_add(e, "type", json_object_new_string("enterprise_project"));
	json_object_object_add(e, "used", json_object_new_int(a->n_eps - 1));
	json_object_array_add(arr, e);
	json_object_object_add(q, "resources", arr);
	json_object_object_add(o, "quotas", q);
	acct_reply_ok(r, 200, o);
}

/* EPS resource type name of a catalog resource type. */
static const char *eps_type(int rtype)
{
	static const char *const t[] = { "ecs", "disk", "shared_bandwidth", "eip", "obs", "rds", "cdn", "elb" };
	return rtype < (int)(sizeof t / sizeof t[0]) ? t[rtype] : "ecs";
}

static void h_ep_resources(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			   struct emu_reply *r)
{
	int ep = find_ep(a, c->n_path_vals ? c->path_vals[0] : NULL);
	if (ep < 0) {
		acct_reply_error(r, 404, "EPS.0005", "The enterprise project does not exist.");
		return;
	}
	long off, lim;
	acct_page(c, 1000, &off, &lim);
	json_object *types = bss_json_get(c->body, "resource_types");
	json_object *arr = json_object_new_array();
	long n = 0;
	for (int i = 0; i < a->nres; i++) {
		const struct acct_res *res = &a->res[i];
		if (res->ep != ep)
			continue;
		const char *et = eps_type(res->rtype);
		if (types && json_object_is_type(types, json_type_array) && json_object_array_length(types)) {
			bool hit = false;
			for (size_t k = 0; k < json_object_array_length(types); k++)
				hit |= !strcmp(json_object_get_string(json_object_array_get_idx(types, k)), et);
			if (!hit)
				continue;
		}
		if (n++ < off || n > off + lim)
			continue;
		json_object *e = json_object_new_object(), *d = json_object_new_object();
		char pid[40], nb[64];
		snprintf(pid, sizeof pid, "%032llx", (unsigned long long)acct_hash3(a->seed, 6, (uint64_t)res->region));
		json_object_object_add(e, "enterprise_project_id", json_object_new_string(a->eps[ep].id));
		json_object_object_add(e, "project_id", json_object_new_string(pid));
		json_object_object_add(e, "project_name", json_object_new_string(acct_regions[res->region].code));
		json_object_object_add(d, "region", json_object_new_string(acct_regions[res->region].code));
		json_object_object_add(d, "spec", json_object_new_string(acct_rtypes[res->rtype].spec));
		json_object_object_add(e, "resource_detail", d);
		json_object_object_add(e, "resource_id", json_object_new_string(res->id));
		snprintf(nb, sizeof nb, "%s-%03d", et, i);
		json_object_object_add(e, "resource_name", json_object_new_string(res->name ? res->name : nb));
		json_object_object_add(e, "resource_type", json_object_new_string(et));
		json_object_array_add(arr, e);
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "resources", arr);
	json_object_object_add(o, "errors", json_object_new_array());
	json_object_object_add(o, "total_count", json_object_new_int((int)n));
	acct_reply_ok(r, 200, o);
}

static void h_domains(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c, struct emu_reply *r)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array(), *d = json_object_new_object();
	json_object *l = json_object_new_object(), *l2 = json_object_new_object();
	char self[160];
	snprintf(self, sizeof self, "https://iam.myhuaweicloud.com/v3/domains/%s", a->domain_id);
	json_object_object_add(d, "id", json_object_new_string(a->domain_id));
	json_object_object_add(d, "name", json_object_new_string(a->domain_name));
	json_object_object_add(d, "enabled", json_object_new_boolean(1));
	json_object_object_add(d, "description", json_object_new_string(""));
	json_object_object_add(l, "self", json_object_new_string(self));
	json_object_object_add(d, "links", l);
	json_object_array_add(arr, d);
	json_object_object_add(o, "domains", arr);
	json_object_object_add(l2, "self", json_object_new_string("https://iam.myhuaweicloud.com/v3/auth/domains"));
	json_object_object_add(o, "links", l2);
	acct_reply_ok(r, 200, o);
}

acct_handler acct_eps_handler(const char *op)
{
	static const struct {
		const char *name;
		acct_handler h;
	} t[] = {
		{ "ListEnterpriseProject", h_list_eps },
		{ "ShowEnterpriseProject", h_show_ep },
		{ "ShowEnterpriseProjectQuota", h_ep_quota },
		{ "ShowResourceBindEnterpriseProject", h_ep_resources },
		{ "KeystoneListAuthDomains", h_domains },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, op))
			return t[i].h;
	return NULL;
}
