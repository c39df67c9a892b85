"""DESIGN §3: closed months persist across mounts; refresh; one fetch for
concurrent readers; .bssfs files; no secret anywhere."""

import json
import os
import threading
import unittest

import harness
from harness import Mount, MountedCase

BILL_OPS = ("ShowCustomerMonthlySum", "ListCustomerselfResourceRecords",
            "ListCustomerselfResourceRecordDetails", "ListCustomerBillsFeeRecords")
MONTH_FILES = [s + e for s in ("summary", "resources", "daily", "records") for e in (".json", ".csv")]


def bill_requests(stats):
    return {op: int(stats.get("requests", {}).get(op, 0)) for op in BILL_OPS}


@harness.require_binaries
class Cache(MountedCase):
    def read_closed(self, mnt):
        out = {}
        for m in self.closed_months():
            for f in MONTH_FILES:
                rel = "bills/%s/%s" % (m, f)
                out[rel] = mnt.read(rel)
        return out

    def test_1_remount_closed_months_zero_requests(self):
        first = self.read_closed(self.mnt)
        self.assertGreater(len(first), 0)
        cache_dir = self.mnt.cache_dir
        type(self).mnt.stop()
        before = bill_requests(self.emu.stats())
        m2 = Mount(self.emu, dict(self.MOUNT_OPTS), cache_dir=cache_dir).start()
        type(self).mnt = m2
        second = self.read_closed(m2)
        for rel in first:
            self.assertEqual(os.stat(m2.path(rel)).st_size, len(first[rel]), rel)
        after = bill_requests(self.emu.stats())
        self.assertEqual(after, before, "closed months refetched after remount")
        for rel in first:
            self.assertTrue(first[rel] == second[rel], "%s differs after remount" % rel)
        mode = os.stat(cache_dir).st_mode & 0o777
        for root, dirs, files in os.walk(cache_dir):
            for d in dirs:
                self.assertEqual(os.stat(os.path.join(root, d)).st_mode & 0o077, 0,
                                 "cache dir %s readable by others" % d)

    def test_refresh_refetches(self):
        m = self.closed_months()[0]
        rel = "bills/%s/summary.json" % m
        data = self.mnt.read(rel)
        c0 = self.emu.op_count("ShowCustomerMonthlySum")
        self.assertEqual(self.mnt.read(rel), data)
        self.assertEqual(self.emu.op_count("ShowCustomerMonthlySum"), c0, "cached read hit the API")
        self.mnt.refresh(rel)
        self.assertEqual(self.mnt.read(rel), data)
        self.assertGreater(self.emu.op_count("ShowCustomerMonthlySum"), c0,
                           "read after .bssfs/refresh did not refetch")

    def test_refresh_all(self):
        rel = "products/service-types.json"
        self.mnt.read(rel)
        c0 = self.emu.op_count("ListServiceTypes")
        self.mnt.refresh("all")
        self.mnt.read(rel)
        self.assertGreater(self.emu.op_count("ListServiceTypes"), c0)

    def test_concurrent_readers_one_fetch(self):
        op = "ListCustomerselfResourceRecords"
        if os.environ.get("BSSFS_EMU_FAULTS"):
            self.emu.set_faults("")  # retries would change the request count
            self.addCleanup(self.emu.set_faults, os.environ["BSSFS_EMU_FAULTS"])
        m = self.closed_months()[-1]
        rel = "bills/%s/records.json" % m
        self.mnt.refresh(rel)
        c0 = self.emu.op_count(op)
        want = self.mnt.read(rel)
        pages = self.emu.op_count(op) - c0
        self.assertGreater(pages, 0)
        self.mnt.refresh(rel)
        c1 = self.emu.op_count(op)
        results, errors = [None] * 8, []
        barrier = threading.Barrier(8)

        def reader(i):
            try:
                barrier.wait()
                with open(self.mnt.path(rel), "rb") as f:
                    results[i] = f.read()
            except Exception as e:  # noqa
                errors.append(e)
        ts = [threading.Thread(target=reader, args=(i,)) for i in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(120)
        self.assertEqual(errors, [])
        for r in results:
            self.assertTrue(r == want, "a concurrent reader got different bytes")
        self.assertEqual(self.emu.op_count(op) - c1, pages,
                         "8 concurrent readers: %d requests, one fetch is %d pages"
                         % (self.emu.op_count(op) - c1, pages))

    def test_open_handle_keeps_its_version(self):
        m = self.closed_months()[0]
        rel = "bills/%s/daily.csv" % m
        want = self.mnt.read(rel)
        with open(self.mnt.path(rel), "rb") as f:
            head = f.read(100)
            self.mnt.refresh(rel)
            self.assertEqual(self.mnt.read(rel), want)
            rest = f.read()
        self.assertTrue(head + rest == want, "open handle changed under a refresh")

    def test_stats_and_config(self):
        stats = json.loads(self.mnt.read(".bssfs/stats.json"))
        self.assertIsInstance(stats, dict)
        cfg = json.loads(self.mnt.read(".bssfs/config.json"))
        self.assertIsInstance(cfg, dict)

    def test_z_no_secret_anywhere(self):
        sk = harness.SK.encode()
        for rel in self.mnt.files():
            if rel == ".bssfs/refresh":
                continue
            with self.subTest(rel):
                self.assertNotIn(sk, self.mnt.read(rel), "secret key in %s" % rel)
        self.assertNotIn(harness.SK, self.mnt.log(), "secret key in the bssfs log")
        for root, dirs, files in os.walk(self.mnt.cache_dir):
            for n in files:
                with open(os.path.join(root, n), "rb") as f:
                    self.assertNotIn(sk, f.read(), "secret key in cache file %s" % n)


if __name__ == "__main__":
    unittest.main()
