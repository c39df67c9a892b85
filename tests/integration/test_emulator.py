"""The emulator's own contract as the suite relies on it (DESIGN §7): port
file, control API, signature checks, rate limits, latency."""

import json
import time
import unittest
import urllib.request

import harness
from harness import ApiError, Emulator


@harness.require_binaries
class EmulatorContract(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(scale="tiny").start()
        cls.api = cls.emu.api()

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def test_stats_shape(self):
        self.api.op("ListServiceTypes", query={"offset": 0, "limit": 10})
        s = self.emu.stats()
        for k in ("requests", "requests_total", "signature_failures", "throttled",
                  "faults_injected", "payments", "state_changes"):
            self.assertIn(k, s)
        self.assertGreaterEqual(s["requests"].get("ListServiceTypes", 0), 1)

    def test_bad_signature_401(self):
        bad = harness.ApiClient(self.emu.url, harness.AK, "not-the-secret", harness.DOMAIN_ID)
        f0 = self.emu.stats()["signature_failures"]
        with self.assertRaises(ApiError) as cm:
            bad.op("ListServiceTypes")
        self.assertEqual(cm.exception.status, 401)
        self.assertIn("APIGW.0301", cm.exception.body)
        self.assertGreater(self.emu.stats()["signature_failures"], f0)
        # lockout is after 5 consecutive failures: a good request still works
        self.api.op("ListServiceTypes")

    def test_unsigned_401(self):
        req = urllib.request.Request(self.emu.url + "/v2/products/service-types")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(cm.exception.code, 401)

    def test_latency_control(self):
        self.emu.set_latency("200")
        try:
            t0 = time.monotonic()
            self.api.op("ListMeasureUnits")
            self.assertGreaterEqual(time.monotonic() - t0, 0.18)
        finally:
            self.emu.set_latency("0")

    def test_rate_limit_429(self):
        e = Emulator(scale="tiny", extra_args=("--rps", "2")).start()
        try:
            raw = harness.ApiClient(e.url, harness.AK, harness.SK, harness.DOMAIN_ID)
            import hwsign
            codes = []
            for _ in range(10):
                h, _ = hwsign.sign("GET", e.url + "/v2/bases/measurements",
                                   {"Content-Type": "application/json"}, b"", harness.AK, harness.SK)
                try:
                    urllib.request.urlopen(urllib.request.Request(
                        e.url + "/v2/bases/measurements", headers=h), timeout=10).read()
                    codes.append(200)
                except urllib.error.HTTPError as x:
                    codes.append(x.code)
                    if x.code == 429:
                        self.assertIn("APIG.0308", x.read().decode())
            self.assertIn(429, codes)
            self.assertGreater(e.stats()["throttled"], 0)
        finally:
            e.stop()

    def test_data_stable_over_time(self):
        """DESIGN §7: the account is deterministic; an order's create_time must
        not move with the clock (bssfs's JSON would differ from a later API
        read, and backups would see changes)."""
        for op, body in (("ListCustomerOrders", None), ("ListPayPerUseCustomerResources", {}),
                         ("ListSubCustomerCoupons", None)):
            with self.subTest(op):
                a, _ = self.api.fetch_all(op, body=body)
                time.sleep(2.1)
                b, _ = self.api.fetch_all(op, body=body)
                import datasets
                diff = datasets.first_difference(datasets.exact(a), datasets.exact(b))
                self.assertIsNone(diff, "%s answer changed in 2 s: %s" % (op, diff))

    def test_reset(self):
        self.api.op("ListMeasureUnits")
        self.emu.reset()
        self.assertEqual(self.emu.stats()["requests_total"], 0)


if __name__ == "__main__":
    unittest.main()


@harness.require_binaries
class EmulatorNumbers(unittest.TestCase):
    """DESIGN §7: a month's summary equals the sum of its records (API level;
    tells an emulator inconsistency from a bssfs rendering error)."""

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(scale="small").start()
        cls.api = cls.emu.api()

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def test_summary_equals_records(self):
        import decimal
        D = decimal.Decimal
        cur = harness.current_month()
        y, m = int(cur[:4]), int(cur[5:7])
        months = []
        for k in range(1, 4):
            i = y * 12 + m - 1 - k
            months.append("%04d-%02d" % (i // 12, i % 12 + 1))
        for month in months:
            summ, _ = self.api.fetch_all("ShowCustomerMonthlySum", query={"bill_cycle": month})
            want = {}
            for r in summ["bill_sums"]:
                scale = D(10) ** -(int(r.get("measure_id") or 1) - 1)
                want[r["service_type_code"]] = want.get(r["service_type_code"], D(0)) + r["consume_amount"] * scale
            self.assertEqual(sum(want.values(), D(0)), summ["consume_amount"], month + " total")
            for st, op, key, amt, body in [
                    (3, "ListCustomerselfResourceRecords", "fee_records", "amount", False),
                    (2, "ListCustomerselfResourceRecords", "fee_records", "amount", False),
                    (1, "ListCustomerselfResourceRecordDetails", "monthly_records", "consume_amount", True)]:
                with self.subTest("%s statistic_type=%d" % (month, st)):
                    if body:
                        res, _ = self.api.fetch_all(op, body={"cycle": month, "statistic_type": st})
                    else:
                        res, _ = self.api.fetch_all(op, query={"cycle": month, "statistic_type": st})
                    got = {}
                    for r in res[key]:
                        scale = D(10) ** -(int(r.get("measure_id") or 1) - 1)
                        got[r["cloud_service_type"]] = got.get(r["cloud_service_type"], D(0)) + r[amt] * scale
                    got = {k: v for k, v in got.items() if v}
                    wantnz = {k: v for k, v in want.items() if v}
                    self.assertEqual(got, wantnz)
                    self.assertEqual(int(res["total_count"]), len(res[key]))

    def test_statistic_types_differ(self):
        """daily (statistic_type=2) aggregates per resource per day; records (3)
        are every fee record: the two answers are not the same list."""
        cur = harness.current_month()
        y, m = int(cur[:4]), int(cur[5:7])
        i = y * 12 + m - 3
        month = "%04d-%02d" % (i // 12, i % 12 + 1)
        d, _ = self.api.fetch_all("ListCustomerselfResourceRecords",
                                  query={"cycle": month, "statistic_type": 2})
        r, _ = self.api.fetch_all("ListCustomerselfResourceRecords",
                                  query={"cycle": month, "statistic_type": 3})
        self.assertNotEqual(d["fee_records"], r["fee_records"])
