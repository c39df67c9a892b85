"""DESIGN §2: every path is readable; site-only files; ENOENT; read-only."""

import errno
import os
import time
import unittest

import datasets
import harness
from harness import MountedCase

INTL_ONLY = ["account/expenditure-quota.json", "invoices/invoices.json", "invoices/invoices.csv"]
MONTH_FILES = ["summary", "resources", "daily", "records"]


def both(stem):
    return [stem + ".json", stem + ".csv"]


FIXED = (["README.txt", "account/balance"] + both("account/balances")
         + both("products/service-types") + both("products/resource-types")
         + both("products/usage-types") + both("products/measure-units")
         + both("products/conversions") + both("coupons/coupons")
         + both("packages/packages") + both("packages/usage") + ["bills/months.csv"]
         + both("orders/orders") + both("subscriptions/subscriptions")
         + both("eps/projects") + ["eps/quota.json", ".bssfs/stats.json", ".bssfs/config.json",
                                   ".bssfs/refresh"])


def shift_month(month, delta):
    y, m = int(month[:4]), int(month[5:7])
    i = y * 12 + m - 1 + delta
    return "%04d-%02d" % (i // 12, i % 12 + 1)


class TreeBase:
    def test_fixed_paths_exist(self):
        for rel in FIXED:
            with self.subTest(rel):
                self.assertTrue(os.path.isfile(self.mnt.path(rel)), rel)

    def test_walk_reads_every_file(self):
        files = self.mnt.files()
        self.assertGreater(len(files), 20)
        for rel in files:
            if rel == ".bssfs/refresh":
                continue
            with self.subTest(rel):
                data = self.mnt.read(rel)
                st = os.stat(self.mnt.path(rel))
                if rel.endswith((".json", ".csv")) or rel in ("README.txt", "account/balance"):
                    self.assertGreater(len(data), 0, "%s is empty" % rel)
                if not rel.startswith(".bssfs/"):
                    self.assertEqual(st.st_size, len(data), "%s: st_size != bytes read" % rel)

    def test_months_window(self):
        months = self.mnt.months()
        self.assertEqual(months[-1], harness.current_month())
        self.assertEqual(len(months), 18, months)
        for a, b in zip(months, months[1:]):
            self.assertEqual(shift_month(a, 1), b, "months not contiguous: %r" % months)
        for m in months:
            for stem in MONTH_FILES:
                for ext in (".json", ".csv"):
                    self.assertTrue(os.path.isfile(self.mnt.path("bills/%s/%s%s" % (m, stem, ext))))

    def test_month_outside_window_in_reach(self):
        m = shift_month(harness.current_month(), -30)
        self.assertNotIn(m, os.listdir(self.mnt.path("bills")))
        self.assertTrue(os.path.isdir(self.mnt.path("bills/" + m)), "bills/%s lookup" % m)

    def assertENOENT(self, rel):
        with self.assertRaises(OSError, msg=rel) as cm:
            os.stat(self.mnt.path(rel))
        self.assertEqual(cm.exception.errno, errno.ENOENT, "%s: %s" % (rel, cm.exception))

    def test_enoent(self):
        cur = harness.current_month()
        y = int(cur[:4])
        for rel in ["bills/%d-13" % y, "bills/%d-00" % y, "bills/latest", "bills/" + shift_month(cur, 1),
                    "bills/%d-01" % (y + 1), "bills/" + shift_month(cur, -36), "bills/2026-1",
                    "nope", "bills/%s/nope.csv" % cur, "account/nope.json", "products/nope",
                    "orders/no-such-order", "eps/no-such-project", ".bssfs/nope",
                    "README.txt/x"]:
            with self.subTest(rel):
                if rel == "README.txt/x":
                    with self.assertRaises(OSError) as cm:
                        os.stat(self.mnt.path(rel))
                    self.assertIn(cm.exception.errno, (errno.ENOENT, errno.ENOTDIR))
                else:
                    self.assertENOENT(rel)

    def test_list_dirs_match_api(self):
        types, _ = self.api.fetch_all("ListServiceTypes")
        codes = sorted(r["service_type_code"] for r in types["service_types"])
        self.assertEqual(sorted(os.listdir(self.mnt.path("products/services"))), codes)
        orders, _ = self.api.fetch_all("ListCustomerOrders")
        ids = sorted(r["order_id"] for r in orders["order_infos"])
        got = sorted(n for n in os.listdir(self.mnt.path("orders")) if not n.startswith("orders."))
        self.assertEqual(got, ids)
        subs, _ = self.api.fetch_all("ListPayPerUseCustomerResources", body={})
        ids = sorted(r["resource_id"] for r in subs["data"])
        got = sorted(n for n in os.listdir(self.mnt.path("subscriptions"))
                     if not n.startswith("subscriptions."))
        self.assertEqual(got, ids)
        eps, _ = self.api.fetch_all("ListEnterpriseProject")
        ids = sorted(r["id"] for r in eps["enterprise_projects"])
        got = sorted(n for n in os.listdir(self.mnt.path("eps"))
                     if n not in ("projects.json", "projects.csv", "quota.json"))
        self.assertEqual(got, ids)

    def test_writes_refused(self):
        targets = ["README.txt", "account/balances.json", "bills/%s/summary.csv" % self.mnt.months()[0],
                   "orders/orders.json", ".bssfs/stats.json", ".bssfs/config.json"]
        for rel in targets:
            with self.subTest(rel):
                with self.assertRaises(OSError) as cm:
                    with open(self.mnt.path(rel), "r+b") as f:
                        f.write(b"x")
                self.assertIn(cm.exception.errno, (errno.EROFS, errno.EACCES, errno.EPERM), rel)
        for rel in ["newfile", "bills/newfile", "account/x.json"]:
            with self.subTest("create " + rel):
                with self.assertRaises(OSError) as cm:
                    open(self.mnt.path(rel), "wb").close()
                self.assertIn(cm.exception.errno, (errno.EROFS, errno.EACCES), rel)
        for fn, rel in [(os.mkdir, "newdir"), (os.unlink, "README.txt"),
                        (os.rmdir, "bills"), (lambda p: os.truncate(p, 0), "account/balances.csv")]:
            with self.subTest("%s %s" % (getattr(fn, "__name__", "op"), rel)):
                with self.assertRaises(OSError) as cm:
                    fn(self.mnt.path(rel))
                self.assertIn(cm.exception.errno, (errno.EROFS, errno.EACCES, errno.EPERM), rel)

    def test_readme(self):
        text = self.mnt.read("README.txt").decode("utf-8")
        self.assertIn(self.emu.url, text, "README.txt does not name the endpoint")
        self.assertNotIn(harness.SK, text)

    def test_order_items(self):
        orders, _ = self.api.fetch_all("ListCustomerOrders")
        for r in orders["order_infos"][:3]:
            oid = r["order_id"]
            with self.subTest(oid):
                api, _ = self.api.fetch_all("ShowCustomerOrderDetails", {"order_id": oid})
                data = self.mnt.read("orders/%s/items.csv" % oid)
                header, rows = datasets.parse_csv(self, "items.csv", data, bom=True)
                datasets.compare_csv_records(self, "orders/%s/items.csv" % oid, header, rows,
                                             api["order_line_items"])

    def test_control_files(self):
        import json
        stats = json.loads(self.mnt.read(".bssfs/stats.json"))
        self.assertIsInstance(stats, dict)
        cfg = json.loads(self.mnt.read(".bssfs/config.json"))
        self.assertIsInstance(cfg, dict)
        blob = self.mnt.read(".bssfs/config.json").decode("utf-8", "replace")
        self.assertNotIn(harness.SK, blob)


@harness.require_binaries
class TreeIntl(TreeBase, MountedCase):
    SITE = "intl"

    def test_site_files(self):
        for rel in INTL_ONLY:
            self.assertTrue(os.path.isfile(self.mnt.path(rel)), rel)
        m = self.mnt.months()[0]
        for ext in (".json", ".csv"):
            self.assertENOENT("bills/%s/fee-records%s" % (m, ext))
            self.assertNotIn("fee-records" + ext, os.listdir(self.mnt.path("bills/" + m)))


@harness.require_binaries
class TreeCn(TreeBase, MountedCase):
    SITE = "cn"

    def test_site_files(self):
        for rel in INTL_ONLY:
            self.assertENOENT(rel)
        for m in self.mnt.months():
            for ext in (".json", ".csv"):
                self.assertTrue(os.path.isfile(self.mnt.path("bills/%s/fee-records%s" % (m, ext))))


@harness.require_binaries
class TreeMonthsOption(MountedCase):
    MOUNT_OPTS = {"months": 3}

    def test_months_option(self):
        months = self.mnt.months()
        self.assertEqual(len(months), 3, months)
        self.assertEqual(months[-1], harness.current_month())


@harness.require_binaries
class TreeListingConcurrency(MountedCase):
    """DESIGN §3: a listing fetches a directory's files concurrently, so
    `ls -l` waits for the slowest file, not for the sum."""

    def test_ls_l_waits_for_slowest_not_sum(self):
        import subprocess
        self.emu.set_latency("400")
        self.addCleanup(self.emu.set_latency, os.environ.get("BSSFS_EMU_LATENCY") or "0")
        months = [m for m in self.mnt.months() if harness.month_is_closed(m)]
        # one file alone: the cost of one fetch
        t0 = time.monotonic()
        os.stat(self.mnt.path("bills/%s/summary.json" % months[0]))
        one = time.monotonic() - t0
        c0 = self.emu.stats()["requests_total"]
        t0 = time.monotonic()
        r = subprocess.run(["ls", "-l", self.mnt.path("bills/" + months[1])],
                           stdout=subprocess.PIPE, timeout=300)
        dt = time.monotonic() - t0
        n = self.emu.stats()["requests_total"] - c0
        print("\n       ls -l: %d requests in %.2fs (one file %.2fs)" % (n, dt, one), flush=True)
        self.assertEqual(r.returncode, 0)
        files = [l for l in r.stdout.decode().splitlines() if l.startswith("-")]
        self.assertGreaterEqual(len(files), 8)
        for l in files:
            self.assertNotEqual(l.split()[4], "0", "ls -l shows size 0: " + l)
        self.assertLess(dt, max(0.6 * n * 0.4, 2 * one),
                        "ls -l of %d files (%d requests at 400 ms) took %.1fs; one file %.1fs"
                        % (len(files), n, dt, one))


@harness.require_binaries
class TreeLazySize(MountedCase):
    MOUNT_OPTS = {"lazy_size": True}

    def test_lazy_size(self):
        m = [x for x in self.mnt.months() if harness.month_is_closed(x)][0]
        rel = "bills/%s/records.csv" % m
        c0 = self.emu.op_count("ListCustomerselfResourceRecords")
        t0 = time.monotonic()
        names = os.listdir(self.mnt.path("bills/" + m))
        sizes = {n: os.stat(self.mnt.path("bills/%s/%s" % (m, n))).st_size for n in names}
        self.assertLess(time.monotonic() - t0, 5)
        self.assertEqual(sizes["records.csv"], 0, "lazy_size: unread file should report 0")
        self.assertEqual(self.emu.op_count("ListCustomerselfResourceRecords"), c0,
                         "lazy_size: stat fetched")
        data = self.mnt.read(rel)
        self.assertGreater(len(data), 0, "lazy_size: cat of an unread file got nothing")
        self.assertEqual(os.stat(self.mnt.path(rel)).st_size, len(data),
                         "lazy_size: size after the read")


if __name__ == "__main__":
    unittest.main()
