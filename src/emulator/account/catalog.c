/* The static product catalog (service types, resource types, usage types,
 * measurement units, conversions, regions) and its list operations. */
#include <string.h>

#include "acct.h"

const struct acct_service acct_services[] = {
	{ "hws.service.type.ec2", "Elastic Cloud Server", "ECS" },
	{ "hws.service.type.ebs", "Elastic Volume Service", "EVS" },
	{ "hws.service.type.vpc", "Virtual Private Cloud", "VPC" },
	{ "hws.service.type.obs", "Object Storage Service", "OBS" },
	{ "hws.service.type.rds", "Relational Database Service", "RDS" },
	{ "hws.service.type.cdn", "Content Delivery Network", "CDN" },
	{ "hws.service.type.elb", "Elastic Load Balance", "ELB" },
};
const int acct_n_services = sizeof(acct_services) / sizeof(acct_services[0]);

const struct acct_rtype acct_rtypes[] = {
	{ "hws.resource.type.vm", "ECS VM", "Elastic Cloud Server virtual machine", 0, "Duration", "Duration", 4,
	  "s6.large.2.linux", 12345678, 3 },
	{ "hws.resource.type.volume", "EVS Disk", "Elastic Volume Service disk", 1, "Duration", "Duration", 4, "SSD",
	  1234567, 1 },
	{ "hws.resource.type.bandwidth", "Bandwidth", "Shared or dedicated bandwidth", 2, "upflow", "Upstream traffic",
	  10, "19_bgp", 8012345, 3 },
	{ "hws.resource.type.ip", "Elastic IP", "Elastic public IP address", 2, "Duration", "Duration", 4, "5_bgp",
	  523456, 3 },
	{ "hws.resource.type.obs", "OBS Bucket", "Object storage bucket", 3, "capacity", "Storage capacity", 10,
	  "obs.standard", 2112345, 3 },
	{ "hws.resource.type.rds.vm", "RDS DB Instance", "Relational database instance", 4, "Duration", "Duration", 4,
	  "rds.mysql.c2.large.ha", 45678901, 1 },
	{ "hws.resource.type.cdn", "CDN Domain", "Content delivery acceleration domain", 5, "upflow",
	  "Upstream traffic", 10, "cdn.flow", 3456789, 3 },
	{ "hws.resource.type.elb", "Load Balancer", "Shared load balancer", 6, "Duration", "Duration", 4,
	  "elb.shared", 2500001, 1 },
};
const int acct_n_rtypes = sizeof(acct_rtypes) / sizeof(acct_rtypes[0]);

const struct acct_region acct_regions[] = {
	{ "ap-southeast-1", "CN-Hong Kong" },   { "ap-southeast-3", "AP-Singapore" },
	{ "cn-north-4", "CN North-Beijing4" }, { "eu-west-101", "EU-Dublin" },
	{ "ap-southeast-2", "AP-Bangkok" },    { "la-south-2", "LA-Santiago" },
};
const int acct_n_regions = sizeof(acct_regions) / sizeof(acct_regions[0]);

int acct_service_find(const char *code)
{
	for (int i = 0; code && i < acct_n_services; i++)
		if (!strcmp(acct_services[i].code, code))
			return i;
	return -1;
}

static const struct {
	int id;
	const char *name, *abbr;
	int type;
} measures[] = {
	{ 1, "Yuan/Dollar", "USD", 1 }, { 2, "Jiao/Dime", "DIME", 1 }, { 3, "Fen/Cent", "CENT", 1 },
	{ 4, "Hour", "h", 2 },          { 5, "Day", "d", 2 },          { 6, "Minute", "min", 2 },
	{ 7, "Second", "s", 2 },        { 10, "GB", "GB", 3 },         { 11, "MB", "MB", 3 },
	{ 12, "KB", "KB", 3 },          { 13, "TB", "TB", 3 },         { 14, "Piece", "pcs", 4 },
	{ 15, "Mbps", "Mbps", 16 },     { 16, "Kbps", "Kbps", 16 },    { 17, "GB", "GB", 7 },
	{ 19, "Month", "mon", 10 },     { 20, "Year", "yr", 10 },
};

static const struct {
	int from, to;
	long long ratio;
	int type;
} conversions[] = {
	{ 1, 2, 10, 1 },    { 1, 3, 100, 1 },  { 2, 3, 10, 1 },     { 5, 4, 24, 2 },  { 4, 6, 60, 2 },
	{ 6, 7, 60, 2 },    { 13, 10, 1024, 3 }, { 10, 11, 1024, 3 }, { 11, 12, 1024, 3 }, { 15, 16, 1000, 16 },
	{ 20, 19, 12, 10 },
};

static json_object *paged_list(const char *key, json_object *all, long off, long lim, const char *total_key)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	long n = (long)json_object_array_length(all);
	for (long i = off; i < n && i < off + lim; i++)
		json_object_array_add(arr, json_object_get(json_object_array_get_idx(all, (size_t)i)));
	if (total_key)
		json_object_object_add(o, total_key, json_object_new_int((int)n));
	json_object_object_add(o, key, arr);
	json_object_put(all);
	return o;
}

static void h_service_types(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			    struct emu_reply *r)
{
	long off, lim;
	acct_page(c, 10, &off, &lim);
	const char *flt = acct_param_str(c, "service_type_name");
	json_object *all = json_object_new_array();
	for (int i = 0; i < acct_n_services; i++) {
		if (flt && *flt && !strcasestr(acct_services[i].name, flt))
			continue;
		json_object *e = json_object_new_object();
		json_object_object_add(e, "service_type_name", json_object_new_string(acct_services[i].name));
		json_object_object_add(e, "service_type_code", json_object_new_string(acct_services[i].code));
		json_object_object_add(e, "abbreviation", json_object_new_string(acct_services[i].abbr));
		json_object_array_add(all, e);
	}
	acct_reply_ok(r, 200, paged_list("service_types", all, off, lim, "total_count"));
}

static void h_resource_types(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			     struct emu_reply *r)
{
	long off, lim;
	acct_page(c, 10, &off, &lim);
	json_object *all = json_object_new_array();
	for (int i = 0; i < acct_n_rtypes; i++) {
		json_object *e = json_object_new_object();
		json_object_object_add(e, "resource_type_code", json_object_new_string(acct_rtypes[i].code));
		json_object_object_add(e, "resource_type_name", json_object_new_string(acct_rtypes[i].name));
		json_object_object_add(e, "resource_type_desc", json_object_new_string(acct_rtypes[i].desc));
		json_object_object_add(e, "service_type_code",
				       json_object_new_string(acct_services[acct_rtypes[i].service].code));
		json_object_array_add(all, e);
	}
	acct_reply_ok(r, 200, paged_list("resource_types", all, off, lim, "total_count"));
}

static void h_service_resources(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
				struct emu_reply *r)
{
	long off, lim;
	acct_page(c, 10, &off, &lim);
	const char *svc = acct_param_str(c, "service_type_code");
	json_object *all = json_object_new_array();
	for (int i = 0; i < acct_n_rtypes; i++) {
		const char *code = acct_services[acct_rtypes[i].service].code;
		if (svc && strcmp(svc, code))
			continue;
		json_object *e = json_object_new_object(), *b = json_object_new_object();
		json_object_object_add(b, "resource_type_code", json_object_new_string(acct_rtypes[i].code));
		json_object_object_add(b, "product_owner_service", json_object_new_string(code));
		json_object_object_add(b, "name", json_object_new_string(acct_rtypes[i].name));
		json_object_object_add(b, "description", json_object_new_string(acct_rtypes[i].desc));
		json_object_object_add(e, "basic_info", b);
		json_object_array_add(all, e);
	}
	acct_reply_ok(r, 200, paged_list("infos", all, off, lim, "total_count"));
}

static void h_usage_types(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			  struct emu_reply *r)
{
	long off, lim;
	acct_page(c, 10, &off, &lim);
	const char *rt = acct_param_str(c, "resource_type_code");
	json_object *all = json_object_new_array();
	for (int i = 0; i < acct_n_rtypes; i++) {
		const struct acct_rtype *t = &acct_rtypes[i];
		if (rt && *rt && strcmp(rt, t->code))
			continue;
		json_object *e = json_object_new_object();
		json_object_object_add(e, "code", json_object_new_string(t->usage_type));
		json_object_object_add(e, "name", json_object_new_string(t->usage_name));
		json_object_object_add(e, "resource_type_code", json_object_new_string(t->code));
		json_object_object_add(e, "service_type_code", json_object_new_string(acct_services[t->service].code));
		json_object_object_add(e, "resource_type_name", json_object_new_string(t->name));
		json_object_object_add(e, "service_type_name", json_object_new_string(acct_services[t->service].name));
		json_object_array_add(all, e);
	}
	acct_reply_ok(r, 200, paged_list("usage_types", all, off, lim, "total_count"));
}

static void h_measure_units(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			    struct emu_reply *r)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	for (size_t i = 0; i < sizeof(measures) / sizeof(measures[0]); i++) {
		json_object *e = json_object_new_object();
		json_object_object_add(e, "measure_id", json_object_new_int(measures[i].id));
		const char *name = measures[i].name;
		if (measures[i].id == 1)
			name = a->site == BSS_SITE_CN ? "Yuan" : "Dollar";
		json_object_object_add(e, "measure_name", json_object_new_string(name));
		json_object_object_add(e, "abbreviation",
				       json_object_new_string(measures[i].id == 1 ? a->currency : measures[i].abbr));
		json_object_object_add(e, "measure_type", json_object_new_int(measures[i].type));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "measure_units", arr);
	acct_reply_ok(r, 200, o);
}

static void h_conversions(struct emu_account *a, const struct acct_ctx *x, const struct emu_call *c,
			  struct emu_reply *r)
{
	long type = acct_param_long(c, "measure_type", -1);
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	for (size_t i = 0; i < sizeof(conversions) / sizeof(conversions[0]); i++) {
		if (type >= 0 && conversions[i].type != type)
			continue;
		json_object *e = json_object_new_object();
		json_object_object_add(e, "measure_id", json_object_new_int(conversions[i].from));
		json_object_object_add(e, "ref_measure_id", json_object_new_int(conversions[i].to));
		json_object_object_add(e, "conversion_ratio", json_object_new_int64(conversions[i].ratio));
		json_object_object_add(e, "measure_type", json_object_new_int(conversions[i].type));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "conversions", arr);
	acct_reply_ok(r, 200, o);
}

acct_handler acct_catalog_handler(const char *op)
{
	static const struct {
		const char *name;
		acct_handler h;
	} t[] = {
		{ "ListServiceTypes", h_service_types }, { "ListResourceTypes", h_resource_types },
		{ "ListServiceResources", h_service_resources }, { "ListUsageTypes", h_usage_types },
		{ "ListMeasureUnits", h_measure_units }, { "ListConversions", h_conversions },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, op))
			return t[i].h;
	return NULL;
}
