"""DESIGN §2, §4: each .json is exactly the API's answer (all pages merged);
each .csv is RFC 4180 with one row per record; money sums agree exactly."""

import decimal
import os
import unittest

import datasets
import harness
from datasets import compare_csv_records, compare_json, parse_csv, check_line_ends
from harness import MountedCase

D = decimal.Decimal


class ContentBase:
    CRLF = True

    def all_datasets(self):
        """(stem, op, path_params, query, body) of every list-shaped file."""
        out = list(datasets.fixed_datasets(self.SITE))
        for m in self.mnt.months():
            out += datasets.month_datasets(m, self.SITE)[1] and [
                ("bills/%s/%s" % (m, s), op, pp, q, b)
                for s, op, pp, q, b in datasets.month_datasets(m, self.SITE)[1]]
        types, _ = self.api.fetch_all("ListServiceTypes")
        for r in types["service_types"][:5]:
            c = r["service_type_code"]
            out.append(("products/services/%s/resources" % c, "ListServiceResources", None,
                        {"service_type_code": c}, None))
        return out

    def test_json_equals_api(self):
        for stem, op, pp, q, b in self.all_datasets():
            rel = stem + ".json"
            with self.subTest(rel):
                api, _ = self.api.fetch_all(op, pp, q, b)
                data = self.mnt.read(rel)
                obj = datasets.load_json_bytes(data)
                compare_json(self, rel, obj, api, op)
                key = harness.record_key(op)
                n = len(api.get(key) or [])
                self.assertGreaterEqual(data.count(b"\n"), n, "%s: not one record per line" % rel)

    def test_json_only_files_equal_api(self):
        for rel, op, pp, q, b in datasets.fixed_json_only(self.SITE):
            with self.subTest(rel):
                api = self.api.op(op, pp, q, b)
                compare_json(self, rel, self.mnt.read_json(rel), api, op)

    def test_eps_and_orders_detail(self):
        eps, _ = self.api.fetch_all("ListEnterpriseProject")
        for r in eps["enterprise_projects"][:3]:
            rel = "eps/%s/project.json" % r["id"]
            with self.subTest(rel):
                api = self.api.op("ShowEnterpriseProject", {"enterprise_project_id": r["id"]})
                compare_json(self, rel, self.mnt.read_json(rel), api, "ShowEnterpriseProject")
        orders, _ = self.api.fetch_all("ListCustomerOrders")
        for r in orders["order_infos"][:3]:
            rel = "orders/%s/order.json" % r["order_id"]
            with self.subTest(rel):
                api, _ = self.api.fetch_all("ShowCustomerOrderDetails", {"order_id": r["order_id"]})
                compare_json(self, rel, self.mnt.read_json(rel), api, "ShowCustomerOrderDetails")

    def test_csv_rfc4180_one_row_per_record(self):
        guarded = 0
        for stem, op, pp, q, b in self.all_datasets():
            rel = stem + ".csv"
            with self.subTest(rel):
                api, _ = self.api.fetch_all(op, pp, q, b)
                records = api.get(harness.record_key(op)) or []
                data = self.mnt.read(rel)
                check_line_ends(self, rel, data, crlf=self.CRLF)
                header, rows = parse_csv(self, rel, data, bom=self.CRLF)
                datasets.check_formula_guard(self, rel, header, rows)
                guarded += compare_csv_records(self, rel, header, rows, records)
                money = any(c.endswith("amount") for c in header)
                if money:
                    self.assertIn("currency", header, "%s: money CSV without currency" % rel)
        type(self).guarded_cells = guarded

    def test_every_csv_parses(self):
        for rel in self.mnt.files():
            if not rel.endswith(".csv"):
                continue
            with self.subTest(rel):
                data = self.mnt.read(rel)
                check_line_ends(self, rel, data, crlf=self.CRLF)
                header, rows = parse_csv(self, rel, data, bom=self.CRLF)
                datasets.check_formula_guard(self, rel, header, rows)


@harness.require_binaries
class ContentIntl(ContentBase, MountedCase):
    SITE = "intl"
    SCALE = "small"

    def test_balance_text(self):
        api = self.api.op("ShowCustomerAccountBalances")
        lines = self.mnt.read("account/balance").decode().splitlines()
        self.assertEqual(len(lines), len(api["account_balances"]))
        for line, rec in zip(lines, api["account_balances"]):
            parts = line.split(" ")
            self.assertEqual(len(parts), 3, line)
            self.assertEqual(D(parts[1]), rec["amount"], line)

    def test_hostile_names_guarded(self):
        """The emulator's account should contain hostile text (formula cells);
        each must come out of the CSV with a leading quote."""
        found = 0
        for stem, op, pp, q, b in self.all_datasets():
            api, _ = self.api.fetch_all(op, pp, q, b)
            records = api.get(harness.record_key(op)) or []
            hostile = any(isinstance(v, str) and v[:1] in datasets.HOSTILE
                          for r in records for v in datasets.flatten(r).values())
            if not hostile:
                continue
            rel = stem + ".csv"
            header, rows = parse_csv(self, rel, self.mnt.read(rel), bom=True)
            found += compare_csv_records(self, rel, header, rows, records)
        if not found:
            self.skipTest("the emulator's account has no text cell starting with = + - @ TAB CR")

    def _csv(self, rel):
        return parse_csv(self, rel, self.mnt.read(rel), bom=True)

    def test_money_sums(self):
        """records.csv, daily.csv and resources.csv sum to summary.csv exactly,
        per service type and in total (DESIGN §4)."""
        amount_col = {"records": "amount", "daily": "amount", "resources": "consume_amount"}
        svc_col = {"records": "cloud_service_type", "daily": "cloud_service_type",
                   "resources": "cloud_service_type"}
        for m in self.mnt.months():
            sh, srows = self._csv("bills/%s/summary.csv" % m)
            sj = self.mnt.read_json("bills/%s/summary.json" % m)
            want_by = {}
            for r in srows:
                want_by[r["service_type_code"]] = want_by.get(r["service_type_code"], D(0)) + D(r["consume_amount"] or "0")
            want_total = sum(want_by.values(), D(0))
            with self.subTest(m + " summary.csv total vs API consume_amount"):
                self.assertEqual(want_total, D(sj["consume_amount"]))
            common_cols = [c for c in sh if c.endswith("_amount") and c != "consume_amount"]
            for stem in ("records", "daily", "resources"):
                rel = "bills/%s/%s.csv" % (m, stem)
                with self.subTest(rel):
                    h, rows = self._csv(rel)
                    got_by = {}
                    for r in rows:
                        k = r[svc_col[stem]]
                        got_by[k] = got_by.get(k, D(0)) + D(r[amount_col[stem]] or "0")
                    got_by = {k: v for k, v in got_by.items() if v != 0 or k in want_by}
                    want = {k: v for k, v in want_by.items() if v != 0 or k in got_by}
                    self.assertEqual(got_by, want, "%s per service type vs summary.csv" % rel)
                    self.assertEqual(sum(got_by.values(), D(0)), want_total, rel + " total")
                    for col in common_cols:
                        if col not in h:
                            continue
                        got = sum((D(r[col] or "0") for r in rows), D(0))
                        exp = sum((D(r[col] or "0") for r in srows), D(0))
                        self.assertEqual(got, exp, "%s column %s vs summary.csv" % (rel, col))

    def test_months_csv(self):
        h, rows = self._csv("bills/months.csv")
        months = self.mnt.months()
        self.assertEqual(len(rows), len(months))
        mcol = h[0] if "month" not in h else "month"
        self.assertEqual(sorted(r[mcol] for r in rows), months)
        if "consume_amount" in h:
            for r in rows:
                sj = self.mnt.read_json("bills/%s/summary.json" % r[mcol])
                self.assertEqual(D(r["consume_amount"]), D(sj["consume_amount"]), r[mcol])


@harness.require_binaries
class ContentCn(ContentBase, MountedCase):
    SITE = "cn"


@harness.require_binaries
class ContentUnixCsv(MountedCase):
    MOUNT_OPTS = {"csv": "unix"}

    def test_unix_csv(self):
        n = 0
        for rel in self.mnt.files():
            if not rel.endswith(".csv"):
                continue
            with self.subTest(rel):
                data = self.mnt.read(rel)
                check_line_ends(self, rel, data, crlf=False)
                parse_csv(self, rel, data, bom=False)
                n += 1
        self.assertGreater(n, 10)


if __name__ == "__main__":
    unittest.main()
