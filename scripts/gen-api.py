#!/usr/bin/env python3
"""Generates src/api/api_gen.c from ../shared/api/api-reference.json.

The reference is the single source of truth for paths, methods, parameter
and field names, types, required flags and documented ranges.  This script
copies those facts, for the operations bssfs uses, into C tables that the
client, the renderers and the emulator share.  What the reference does not
say (which host serves an operation, the page size we ask for, whether a
retry is safe) is decided here, in OPS below, and nowhere else.

Usage: scripts/gen-api.py [REFERENCE_JSON] > src/api/api_gen.c
"""
import json
import re
import sys

# name: (host, paging, records_key, total_key, page_limit, idempotent)
# host: BSS, EPS or IAM.  paging: NONE, OFFSET, OFFSET_BODY, PAGE, MARKER.
# page_limit: the largest documented limit; where the docs do not confirm a
# maximum we ask for 100 (an assumption, noted in docs/API-NOTES.md).
OPS = {
    "ShowCustomerAccountBalances": ("BSS", "NONE", "account_balances", None, 0, True),
    "ShowCustomerExpenditureQuota": ("BSS", "NONE", None, None, 0, True),
    "ListServiceTypes": ("BSS", "OFFSET", "service_types", "total_count", 1000, True),
    "ListResourceTypes": ("BSS", "OFFSET", "resource_types", "total_count", 100, True),
    "ListUsageTypes": ("BSS", "OFFSET", "usage_types", "total_count", 100, True),
    "ListMeasureUnits": ("BSS", "NONE", "measure_units", None, 0, True),
    "ListConversions": ("BSS", "NONE", "conversions", None, 0, True),
    "ListServiceResources": ("BSS", "OFFSET", "infos", "total_count", 100, True),
    "ListSubCustomerCoupons": ("BSS", "OFFSET", "user_coupons", "count", 100, True),
    "ListFreeResourceInfos": ("BSS", "OFFSET_BODY", "free_resource_packages", "total_count", 100, True),
    "ListFreeResourceUsages": ("BSS", "NONE", "free_resources", None, 0, True),
    "ShowCustomerMonthlySum": ("BSS", "OFFSET", "bill_sums", "total_count", 1000, True),
    "ListCustomerselfResourceRecords": ("BSS", "OFFSET", "fee_records", "total_count", 1000, True),
    "ListCustomerselfResourceRecordDetails": ("BSS", "OFFSET_BODY", "monthly_records", "total_count", 1000, True),
    "ListCustomerBillsFeeRecords": ("BSS", "OFFSET", "records", "total_count", 100, True),
    "ListCustomerOrders": ("BSS", "OFFSET", "order_infos", "total_count", 100, True),
    "ShowCustomerOrderDetails": ("BSS", "OFFSET", "order_line_items", "total_count", 100, True),
    "ListOrderDiscounts": ("BSS", "NONE", "discounts", None, 0, True),
    "ListPayPerUseCustomerResources": ("BSS", "OFFSET_BODY", "data", "total_count", 100, True),
    "ListRenewRateOnPeriod": ("BSS", "NONE", "renew_inquiry_results", None, 0, True),
    "ListOnDemandResourceRatings": ("BSS", "NONE", "product_rating_results", None, 0, True),
    "ListRateOnPeriodDetail": ("BSS", "NONE", None, None, 0, True),
    "ListInvoices": ("BSS", "PAGE", "invoices", "count", 100, True),
    "PayOrders": ("BSS", "NONE", None, None, 0, False),
    "CancelCustomerOrder": ("BSS", "NONE", None, None, 0, False),
    "RenewalResources": ("BSS", "NONE", None, None, 0, False),
    "AutoRenewalResources": ("BSS", "NONE", None, None, 0, False),
    "CancelAutoRenewalResources": ("BSS", "NONE", None, None, 0, False),
    "UpdatePeriodToOnDemand": ("BSS", "NONE", None, None, 0, False),
    "CancelResourcesSubscription": ("BSS", "NONE", None, None, 0, False),
    "ListEnterpriseProject": ("EPS", "OFFSET", "enterprise_projects", "total_count", 1000, True),
    "ShowEnterpriseProject": ("EPS", "NONE", None, None, 0, True),
    "ShowEnterpriseProjectQuota": ("EPS", "NONE", None, None, 0, True),
    "ShowResourceBindEnterpriseProject": ("EPS", "OFFSET_BODY", "resources", "total_count", 1000, True),
}

# IAM domain discovery is not in the BSS reference; its answer is as
# ../shared/api/ERRATA.md item 3 gives it.
IAM_OP = {
    "name": "KeystoneListAuthDomains", "method": "GET", "path": "/v3/auth/domains",
    "service": "iam", "also_in": ["bss"], "path_params": [], "query": [], "body": [],
    "success_status": 200,
    "response": [
        {"name": "domains", "type": "array<Domains>", "required": False, "fields": [
            {"name": "id", "type": "string", "required": True},
            {"name": "name", "type": "string", "required": True},
            {"name": "enabled", "type": "boolean", "required": True},
            {"name": "description", "type": "string", "required": False},
            {"name": "links", "type": "object<Links>", "required": True, "fields": [
                {"name": "self", "type": "string", "required": True}]}]},
        {"name": "links", "type": "object<Links>", "required": True, "fields": [
            {"name": "self", "type": "string", "required": True}]},
    ],
}


def ftype(t):
    t = t.strip()
    if t.startswith("array<"):
        inner = t[6:-1]
        if inner[:1].isupper():
            return ("ARRAY", "OBJECT")
        return ("ARRAY", ftype(inner)[0])
    if t.startswith("object<") or t == "object":
        return ("OBJECT", "NONE")
    table = {
        "string": "STRING", "string(enum)": "STRING", "string(date-time)": "STRING",
        "integer(int32)": "INT", "integer(int64)": "INT",
        "number(decimal)": "DECIMAL", "number(float64)": "FLOAT", "boolean": "BOOL",
        "object(any)": "ANY", "map<string,string>": "MAP",
    }
    if t not in table:
        raise SystemExit(f"unknown type {t}")
    return (table[t], "NONE")


def parse_range(t, r):
    """Returns (min, max, max_items, max_len) from a docs_range text."""
    mn = mx = items = ln = None
    if not r:
        return mn, mx, items, ln
    m = re.match(r"\[(\d+)-(\d+|max int)\]", r)
    if m:
        mn = int(m.group(1))
        mx = 2147483647 if m.group(2) == "max int" else int(m.group(2))
    m = re.match(r"(\d+)\|(\d+)$", r)
    if m:
        mn, mx = int(m.group(1)), int(m.group(2))
    m = re.match(r"(\d+)-(\d+) items", r)
    if m:
        items = int(m.group(2))
    m = re.match(r"max (\d+) chars", r)
    if m:
        ln = int(m.group(1))
    m = re.match(r"length (\d+)-(\d+)", r)
    if m:
        ln = int(m.group(2))
    return mn, mx, items, ln


out = []
counter = [0]


def cstr(s):
    return "NULL" if s is None else json.dumps(s)


def emit_fields(fields, ctx):
    """Emits a static array for fields, returns (symbol, count)."""
    if not fields:
        return "NULL", 0
    rows = []
    for f in fields:
        kind, elem = ftype(f["type"])
        csym, cn = emit_fields(f.get("fields") or [], ctx)
        mn, mx, items, ln = parse_range(f["type"], f.get("docs_range"))
        rows.append(
            "\t{ %s, BSS_T_%s, BSS_T_%s, %s, %s, %s, %s, %s, %s, %s, %d },"
            % (cstr(f["name"]), kind, elem, "true" if f.get("required") else "false",
               "true" if mn is not None else "false", mn or 0, mx or 0,
               items or 0, ln or 0, csym, cn))
    counter[0] += 1
    sym = "f_%s_%d" % (ctx, counter[0])
    out.append("static const struct bss_field %s[] = {\n%s\n};\n" % (sym, "\n".join(rows)))
    return sym, len(fields)


def main():
    ref = sys.argv[1] if len(sys.argv) > 1 else "../shared/api/api-reference.json"
    ops = {o["name"]: o for o in json.load(open(ref))}
    ops[IAM_OP["name"]] = IAM_OP
    rows = []
    for name in list(OPS) + ["KeystoneListAuthDomains"]:
        o = ops[name]
        if name == "KeystoneListAuthDomains":
            host, paging, rec, total, limit, idem = "IAM", "NONE", "domains", None, 0, True
        else:
            host, paging, rec, total, limit, idem = OPS[name]
        names = [f["name"] for f in o.get("response") or []]
        for key in (rec, total):
            if key is not None and key not in names:
                raise SystemExit(f"{name}: {key} is not a response field ({names})")
        sites = []
        svc = [o["service"]] + list(o.get("also_in") or [])
        if "bssintl" in svc or host in ("EPS", "IAM"):
            sites.append("BSS_SITE_INTL")
        if "bss" in svc or host in ("EPS", "IAM"):
            sites.append("BSS_SITE_CN")
        pp = emit_fields(o.get("path_params") or [], name)
        q = emit_fields(o.get("query") or [], name)
        b = emit_fields(o.get("body") or [], name)
        r = emit_fields(o.get("response") or [], name)
        status = o.get("success_status")
        status = int(str(status).split()[0]) if status else 200
        rows.append(
            "\t{ %s, %s, %s, BSS_HOST_%s, %s, BSS_PAGE_%s, %s, %s, %d, %s, %d,\n"
            "\t  %s, %d, %s, %d, %s, %d, %s, %d },"
            % (cstr(name), cstr(o["method"]), cstr(o["path"]), host, " | ".join(sites),
               paging, cstr(rec), cstr(total), limit, "true" if idem else "false", status,
               pp[0], pp[1], q[0], q[1], b[0], b[1], r[0], r[1]))
    print("/* Generated by scripts/gen-api.py from ../shared/api/api-reference.json.")
    print(" * Do not edit: change the generator or the reference and regenerate. */")
    print('#include "bssfs/api.h"\n#include <stddef.h>\n')
    print("\n".join(out))
    print("const struct bss_op bss_ops[] = {\n%s\n};\n" % "\n".join(rows))
    print("const size_t bss_ops_count = sizeof(bss_ops) / sizeof(bss_ops[0]);")


main()
