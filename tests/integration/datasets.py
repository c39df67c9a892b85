"""Which API operation (and parameters) feeds each dataset file of DESIGN §2,
and checkers shared by the content tests. Expected values always come from
the emulator's API, never from constants."""

import csv
import decimal
import io
import json

import harness

HOSTILE = ("=", "+", "-", "@", "\t", "\r")


def month_datasets(month, site):
    """(stem, op, path_params, query, body) for bills/<month>/."""
    out = [
        ("summary", "ShowCustomerMonthlySum", None, {"bill_cycle": month}, None),
        ("resources", "ListCustomerselfResourceRecordDetails", None, None,
         {"cycle": month, "statistic_type": 1}),
        ("daily", "ListCustomerselfResourceRecords", None,
         {"cycle": month, "statistic_type": 2}, None),
        ("records", "ListCustomerselfResourceRecords", None,
         {"cycle": month, "statistic_type": 3}, None),
    ]
    if site == "cn":
        out.append(("fee-records", "ListCustomerBillsFeeRecords", None,
                    {"bill_cycle": month}, None))
    return ["bills/%s/%s" % (month, s) for s, *_ in out], out


def fixed_datasets(site):
    """(path stem, op, path_params, query, body) for the fixed, list-shaped files."""
    out = [
        ("account/balances", "ShowCustomerAccountBalances", None, None, None),
        ("products/service-types", "ListServiceTypes", None, None, None),
        ("products/resource-types", "ListResourceTypes", None, None, None),
        ("products/usage-types", "ListUsageTypes", None, None, None),
        ("products/measure-units", "ListMeasureUnits", None, None, None),
        ("products/conversions", "ListConversions", None, None, None),
        ("coupons/coupons", "ListSubCustomerCoupons", None, None, None),
        ("packages/packages", "ListFreeResourceInfos", None, None, {}),
        ("orders/orders", "ListCustomerOrders", None, None, None),
        ("subscriptions/subscriptions", "ListPayPerUseCustomerResources", None, None, {}),
        ("eps/projects", "ListEnterpriseProject", None, None, None),
    ]
    return out


def fixed_json_only(site):
    out = [("eps/quota.json", "ShowEnterpriseProjectQuota", None, None, None)]
    if site == "intl":
        out.append(("account/expenditure-quota.json", "ShowCustomerExpenditureQuota",
                    None, None, None))
    return out


# ----------------------------------------------------------------------------
# Exact comparison of JSON values: numbers compared by their written text.
# ----------------------------------------------------------------------------

def exact(v):
    if isinstance(v, dict):
        return {k: exact(x) for k, x in v.items()}
    if isinstance(v, list):
        return [exact(x) for x in v]
    if isinstance(v, decimal.Decimal):
        return ("num", str(v))
    return v


def first_difference(a, b, path="$"):
    if type(a) is not type(b):
        return "%s: %r != %r" % (path, a, b)
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                return "%s.%s missing in file" % (path, k)
            if k not in b:
                return "%s.%s extra in file" % (path, k)
            d = first_difference(a[k], b[k], "%s.%s" % (path, k))
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return "%s: %d items in file, %d from API" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    if a != b:
        return "%s: file %r != API %r" % (path, a, b)
    return None


def compare_json(tc, rel, file_obj, api_obj, op):
    """file_obj: bssfs's NAME.json; api_obj: all pages merged (fetch_all)."""
    key = harness.record_key(op)
    tf = harness.total_field(op)
    f, a = exact(file_obj), exact(api_obj)
    if tf and tf in f:
        tc.assertEqual(f[tf], ("num", str(len(f.get(key) or []))),
                       "%s: %s is not the number of records" % (rel, tf))
    for d in (f, a):
        if tf:
            d.pop(tf, None)
    diff = first_difference(f, a)
    tc.assertIsNone(diff, "%s differs from %s: %s" % (rel, op, diff))


# ----------------------------------------------------------------------------
# CSV
# ----------------------------------------------------------------------------

def check_line_ends(tc, rel, data, crlf=True):
    """Outside quoted fields every line end is CRLF (or LF with csv=unix)."""
    inq = False
    i, n = 0, len(data)
    while i < n:
        c = data[i]
        if c == 0x22:  # "
            inq = not inq
        elif not inq:
            if crlf:
                if c == 0x0A and (i == 0 or data[i - 1] != 0x0D):
                    tc.fail("%s: bare LF at byte %d" % (rel, i))
                if c == 0x0D and (i + 1 >= n or data[i + 1] != 0x0A):
                    tc.fail("%s: bare CR at byte %d" % (rel, i))
            else:
                if c == 0x0D:
                    tc.fail("%s: CR at byte %d with csv=unix" % (rel, i))
        i += 1
    tc.assertFalse(inq, "%s: unbalanced quotes" % rel)
    if data:
        tc.assertTrue(data.endswith(b"\r\n" if crlf else b"\n"),
                      "%s: last line not terminated" % rel)


def parse_csv(tc, rel, data, bom=True):
    if bom:
        tc.assertTrue(data.startswith(b"\xef\xbb\xbf"), "%s: no UTF-8 BOM" % rel)
        data = data[3:]
    else:
        tc.assertFalse(data.startswith(b"\xef\xbb\xbf"), "%s: BOM with csv=unix" % rel)
    text = data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    tc.assertGreaterEqual(len(rows), 1, "%s: no header row" % rel)
    header = rows[0]
    tc.assertEqual(len(set(header)), len(header), "%s: duplicate columns %r" % (rel, header))
    for i, r in enumerate(rows[1:], 2):
        tc.assertEqual(len(r), len(header), "%s: row %d has %d fields, header %d"
                       % (rel, i, len(r), len(header)))
    return header, [dict(zip(header, r)) for r in rows[1:]]


EMPTY_ARRAY = object()


class JsonText:
    def __init__(self, v):
        self.v = v


def flatten(rec, prefix=""):
    out = {}
    for k, v in rec.items():
        name = prefix + k
        if isinstance(v, dict):
            out.update(flatten(v, name + "."))
        elif isinstance(v, list):
            if not v:
                out[name] = EMPTY_ARRAY  # '' (scalars) or '[]' (objects)
            elif all(not isinstance(x, (dict, list)) for x in v):
                out[name] = ";".join("" if x is None else str(x) for x in v)
            else:
                out[name] = JsonText(v)  # arrays of objects: JSON text
        else:
            out[name] = v
    return out


def is_number(s):
    try:
        decimal.Decimal(s)
        return True
    except decimal.InvalidOperation:
        return False


def check_formula_guard(tc, rel, header, rows):
    for i, r in enumerate(rows, 2):
        for col, cell in r.items():
            if cell[:1] in ("=", "+", "@", "\t", "\r"):
                tc.fail("%s row %d column %s: formula not guarded: %r" % (rel, i, col, cell))
            if cell[:1] == "-" and not is_number(cell):
                tc.fail("%s row %d column %s: '-' text not guarded: %r" % (rel, i, col, cell))


def compare_csv_records(tc, rel, header, rows, records):
    """Each row matches its API record: text cells exactly (with the formula
    guard), numbers by value when no unit conversion applies. Returns the
    number of guarded cells seen."""
    tc.assertEqual(len(rows), len(records), "%s: %d rows, API has %d records"
                   % (rel, len(rows), len(records)))
    guarded = 0
    for i, (row, rec) in enumerate(zip(rows, records), 2):
        flat = flatten(rec)
        for col in header:
            if col not in flat:
                continue
            v = flat[col]
            cell = row[col]
            if v is EMPTY_ARRAY:
                tc.assertIn(cell, ("", "[]"), "%s row %d %s: empty array" % (rel, i, col))
            elif isinstance(v, JsonText):
                try:
                    parsed = load_json_bytes(cell)
                except ValueError:
                    tc.fail("%s row %d %s: not JSON text: %r" % (rel, i, col, cell[:200]))
                tc.assertEqual(exact(parsed), exact(v.v), "%s row %d %s" % (rel, i, col))
            elif v is None:
                tc.assertEqual(cell, "", "%s row %d %s: null is not empty" % (rel, i, col))
            elif isinstance(v, bool):
                continue
            elif isinstance(v, str):
                if v[:1] in HOSTILE:
                    guarded += 1
                    tc.assertEqual(cell, "'" + v, "%s row %d %s: formula guard" % (rel, i, col))
                else:
                    tc.assertEqual(cell, v, "%s row %d %s: CSV %r, API %r" % (rel, i, col, cell, v))
            elif isinstance(v, decimal.Decimal):
                mid = rec.get("measure_id")
                if mid is None or int(mid) == 1:
                    tc.assertTrue(is_number(cell), "%s row %d %s: %r not a number"
                                  % (rel, i, col, cell))
                    tc.assertEqual(decimal.Decimal(cell), v, "%s row %d %s" % (rel, i, col))
    return guarded


def load_json_bytes(data):
    return json.loads(data, parse_float=decimal.Decimal, parse_int=decimal.Decimal)
