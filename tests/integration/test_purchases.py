"""DESIGN §6 and docs/SEMANTICS.md "Purchases and price inquiries": the control
files of orders/<id>/ and subscriptions/<id>/ in the three purchase modes,
counted at the emulator (GET /_emulator/stats "payments" and
"state_changes"), one document per close whatever writes it (echo, cat,
tee, dd bs=3, cp, an editor's rename-over), invalid documents refused with
EINVAL and nothing sent, lost answers resolved without paying twice, and
prices/ quotes."""

import decimal
import errno
import json
import os
import shutil
import subprocess
import tempfile
import threading
import unittest

import harness
from harness import MountedCase

PENDING = 6
PAID = 5
ORDER_FILES = ("pay", "cancel")
SUB_FILES = ("renew", "auto-renew", "to-on-demand", "unsubscribe")
# operations that change the account (their requests must stay at 0 when
# nothing may be sent)
MUTATING = ("PayOrders", "CancelCustomerOrder", "RenewalResources", "AutoRenewalResources",
            "CancelAutoRenewalResources", "UpdatePeriodToOnDemand",
            "CancelResourcesSubscription")
# a valid document for each control file
DOCS = {
    "pay": "{}\n",
    "cancel": "{}\n",
    "renew": '{"period_type": 2, "period_num": 1}\n',
    "auto-renew": "on\n",
    "to-on-demand": '{"operation": "SET_UP"}\n',
    "unsubscribe": '{"unsubscribe_type": 1}\n',
}
MAX_DOC = 64 * 1024


def write_close(path, data, flags=os.O_WRONLY | os.O_TRUNC, chunks=None):
    """open, write (in chunks), close: 0 or the errno of the failing step
    (close(2) reports the document's fate)."""
    if isinstance(data, str):
        data = data.encode()
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as e:
        return e.errno
    try:
        step = chunks or max(1, len(data))
        for i in range(0, len(data), step):
            os.write(fd, data[i:i + step])
    except OSError as e:
        try:
            os.close(fd)
        except OSError:
            pass
        return e.errno
    try:
        os.close(fd)
    except OSError as e:
        return e.errno
    return 0


def dec(v):
    return decimal.Decimal(str(v))


class Base:
    def stats(self):
        return self.emu.stats()

    def snapshot(self):
        s = self.stats()
        return {"payments": int(s.get("payments", 0)),
                "state_changes": dict(s.get("state_changes", {})),
                "mutating": {op: self.emu.op_count(op, s) for op in MUTATING},
                "requests": dict(s.get("requests", {}))}

    def assertNothingSent(self, before, what=""):
        after = self.snapshot()
        self.assertEqual(after["payments"], before["payments"], "%s: a payment was made" % what)
        self.assertEqual(after["state_changes"], before["state_changes"],
                         "%s: the account changed" % what)
        self.assertEqual(after["mutating"], before["mutating"],
                         "%s: a changing request was sent" % what)

    def orders_api(self):
        orders, _ = self.api.fetch_all("ListCustomerOrders")
        return orders["order_infos"]

    def pending(self):
        ids = [o["order_id"] for o in self.orders_api() if int(o.get("status") or 0) == PENDING]
        if not ids:
            self.skipTest("no order pending payment")
        return ids

    def subscription(self, k=0):
        subs, _ = self.api.fetch_all("ListPayPerUseCustomerResources", body={})
        if len(subs["data"]) <= k:
            self.skipTest("not enough subscriptions")
        return subs["data"][k]["resource_id"]

    def order_status(self, oid):
        d, _ = self.api.fetch_all("ShowCustomerOrderDetails", {"order_id": oid})
        return int(d["order_info"]["status"])

    def outcome(self, rel):
        data = self.mnt.read(rel)
        st = os.stat(self.mnt.path(rel))
        self.assertGreater(len(data), 0, "%s reads empty" % rel)
        self.assertEqual(st.st_size, len(data), "%s: st_size != bytes read" % rel)
        return json.loads(data, parse_float=decimal.Decimal)

    def control_paths(self):
        oid = self.orders_api()[0]["order_id"]
        rid = self.subscription()
        return ([("orders/%s/%s" % (oid, n), n) for n in ORDER_FILES]
                + [("subscriptions/%s/%s" % (rid, n), n) for n in SUB_FILES])

    # -- in every mode ----------------------------------------------------

    def test_control_files_listed_and_readable(self):
        for rel, name in self.control_paths():
            with self.subTest(rel):
                self.assertIn(name, os.listdir(os.path.dirname(self.mnt.path(rel))))
                out = self.outcome(rel)
                self.assertEqual(out.get("action"), name)
                self.assertEqual(out.get("mode"), self.MODE)
                mode = os.stat(self.mnt.path(rel)).st_mode & 0o777
                self.assertEqual(mode, 0o444 if self.MODE == "off" else 0o644)

    def price_body(self):
        rt, _ = self.api.fetch_all("ListResourceTypes")
        st, _ = self.api.fetch_all("ListServiceTypes")
        r = rt["resource_types"][0]
        return {"project_id": "0" * 32, "product_infos": [{
            "id": "1", "cloud_service_type": r.get("service_type_code")
            or st["service_types"][0]["service_type_code"],
            "resource_type": r["resource_type_code"], "resource_spec": "s6.small.1.linux",
            "region": "ap-southeast-1", "usage_factor": "Duration", "usage_value": 24,
            "usage_measure_id": 4, "subscription_num": 1}]}

    def period_body(self):
        b = self.price_body()
        p = b["product_infos"][0]
        for k in ("usage_factor", "usage_value", "usage_measure_id"):
            p.pop(k)
        p.update(period_type=2, period_num=1)
        return b

    def test_prices_on_demand_and_period(self):
        before = self.snapshot()
        for kind, body, op in (("on-demand", self.price_body(), "ListOnDemandResourceRatings"),
                               ("period", self.period_body(), "ListRateOnPeriodDetail")):
            with self.subTest(kind):
                name = "prices/q-%s-%s" % (self.MODE, kind)
                n0 = self.emu.op_count(op)
                rc = write_close(self.mnt.path(name), json.dumps(dict(body, type=kind)),
                                 os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                self.assertEqual(rc, 0, "%s: %s\n%s" % (name, errno.errorcode.get(rc, rc),
                                                        self.mnt.log()[-1500:]))
                if os.environ.get("BSSFS_EMU_FAULTS"):
                    # Injected faults make the client retry a price inquiry
                    # (idempotent); still one inquiry per close, within the
                    # client's attempt limit.
                    self.assertIn(self.emu.op_count(op) - n0, range(1, 6), "one close, one inquiry")
                else:
                    self.assertEqual(self.emu.op_count(op), n0 + 1, "one close, one inquiry")
                got = self.outcome(name)
                self.assertIn("quote", got, got)
                self.assertIn("request", got, got)
                self.assertIn(os.path.basename(name), os.listdir(self.mnt.path("prices")))
        self.assertNothingSent(before, "prices/")

    def test_prices_invalid_einval_and_rm(self):
        name = self.mnt.path("prices/bad-%s" % self.MODE)
        rc = write_close(name, '{"type": "on-demand"}', os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        self.assertEqual(rc, errno.EINVAL)
        got = self.outcome("prices/bad-%s" % self.MODE)
        self.assertEqual(got.get("result"), "rejected", got)
        self.assertTrue(got.get("reason"))
        os.unlink(name)
        self.assertFalse(os.path.exists(name))
        self.assertNotIn("bad-%s" % self.MODE, os.listdir(self.mnt.path("prices")))

    def test_create_elsewhere_refused(self):
        for rel in ("orders/new-file", "account/x", "bills/x", "new-file"):
            with self.subTest(rel):
                with self.assertRaises(OSError) as cm:
                    open(self.mnt.path(rel), "w").close()
                self.assertEqual(cm.exception.errno, errno.EACCES)


@harness.require_binaries
class PurchasesOff(Base, MountedCase):
    MODE = "off"

    def test_every_control_file_refused(self):
        before = self.snapshot()
        for rel, name in self.control_paths():
            with self.subTest(rel):
                rc = write_close(self.mnt.path(rel), DOCS[name])
                self.assertEqual(rc, errno.EACCES, "%s: %s" % (rel, errno.errorcode.get(rc, rc)))
                r = subprocess.run(["sh", "-c", 'echo "{}" > "$1"', "sh", self.mnt.path(rel)],
                                   stderr=subprocess.PIPE)
                self.assertNotEqual(r.returncode, 0)
                self.assertEqual(self.outcome(rel).get("result"), None)
        self.assertNothingSent(before, "purchases=off")

    def test_temp_file_refused(self):
        oid = self.pending()[0]
        with self.assertRaises(OSError) as cm:
            open(self.mnt.path("orders/%s/.pay.tmp" % oid), "w").close()
        self.assertEqual(cm.exception.errno, errno.EACCES)


@harness.require_binaries
class PurchasesDryRun(Base, MountedCase):
    MODE = "dry-run"
    MOUNT_OPTS = {"purchases": "dry-run"}

    def test_every_control_file_dry_run(self):
        before = self.snapshot()
        for rel, name in self.control_paths():
            with self.subTest(rel):
                rc = write_close(self.mnt.path(rel), DOCS[name])
                self.assertEqual(rc, 0, "%s: %s\n%s" % (rel, errno.errorcode.get(rc, rc),
                                                        self.mnt.read(rel).decode()))
                out = self.outcome(rel)
                self.assertEqual(out.get("result"), "dry-run", out)
                self.assertEqual(out.get("mode"), "dry-run")
        self.assertNothingSent(before, "dry-run")

    def details(self):
        return self.emu.op_count("ShowCustomerOrderDetails")

    def test_each_writer_is_one_document(self):
        """A dry run of pay reads the order's status once per document: each
        writer costs exactly one ShowCustomerOrderDetails."""
        oid = self.pending()[0]
        rel = "orders/%s/pay" % oid
        path = self.mnt.path(rel)
        doc = '{"use_coupon": "NO", "use_discount": "NO"}\n'
        src = os.path.join(tempfile.mkdtemp(prefix="bssfs-it-buy"), "doc.json")
        with open(src, "w") as f:
            f.write(doc)

        def editor():
            tmp = os.path.join(os.path.dirname(path), ".pay.swp%d" % os.getpid())
            with open(tmp, "w") as f:
                f.write(doc[:10])
                f.flush()
                f.write(doc[10:])
                f.flush()
                os.fsync(f.fileno())
            os.rename(tmp, path)
            self.assertFalse(os.path.exists(tmp), "the temp file is consumed by the rename")

        def dup_fsync():
            fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
            fd2 = os.dup(fd)
            os.write(fd, doc.encode())
            os.fsync(fd)
            os.close(fd2)  # first flush: acts
            os.close(fd)   # second flush: nothing

        writers = {
            "echo": lambda: subprocess.run(["sh", "-c", 'printf "%s" "$1" > "$2"', "sh", doc,
                                            path], check=True),
            "cat": lambda: subprocess.run(["sh", "-c", 'cat > "$1"', "sh", path],
                                          input=doc.encode(), check=True),
            "tee": lambda: subprocess.run(["tee", path], input=doc.encode(),
                                          stdout=subprocess.DEVNULL, check=True),
            "dd bs=3": lambda: subprocess.run(["dd", "of=" + path, "bs=3", "status=none"],
                                              input=doc.encode(), check=True),
            "cp": lambda: subprocess.run(["cp", src, path], check=True),
            "python": lambda: self.mnt.write(rel, doc),
            "editor rename-over": editor,
            "dup + fsync": dup_fsync,
        }
        before = self.snapshot()
        for name, fn in writers.items():
            with self.subTest(name):
                n0 = self.details()
                fn()
                self.assertEqual(self.details(), n0 + 1,
                                 "%s: one document must be acted on exactly once" % name)
                out = self.outcome(rel)
                self.assertEqual(out.get("result"), "dry-run", out)
                self.assertEqual(out.get("request", {}).get("use_coupon"), "NO", out)
        self.assertNothingSent(before, "writers in dry-run")
        shutil.rmtree(os.path.dirname(src))

    def test_two_writers_two_documents(self):
        oid = self.pending()[0]
        path = self.mnt.path("orders/%s/pay" % oid)
        n0 = self.details()
        a = os.open(path, os.O_WRONLY | os.O_TRUNC)
        b = os.open(path, os.O_WRONLY | os.O_TRUNC)
        os.write(a, b'{"use_coupon":')
        os.write(b, b'{"use_discount": "NO"}')
        os.write(a, b' "NO"}')
        os.close(b)
        out = self.outcome("orders/%s/pay" % oid)
        self.assertEqual(out["request"].get("use_discount"), "NO")
        os.close(a)
        self.assertEqual(self.details(), n0 + 2)

    def test_empty_write_keeps_outcome(self):
        oid = self.pending()[0]
        rel = "orders/%s/cancel" % oid
        self.assertEqual(write_close(self.mnt.path(rel), "{}"), 0)
        out0 = self.mnt.read(rel)
        n0 = self.snapshot()["requests"]
        for data in ("", "  \n"):
            self.assertEqual(write_close(self.mnt.path(rel), data), 0)
        self.assertEqual(self.mnt.read(rel), out0)
        self.assertEqual(self.snapshot()["requests"], n0)

    def test_invalid_documents_einval(self):
        oid = self.pending()[0]
        rel = "orders/%s/pay" % oid
        path = self.mnt.path(rel)
        cases = {
            "malformed": "{not json",
            "truncated": '{"use_coupon": "NO", "use_disc',
            "wrong type": '{"use_coupon": 1}',
            "not an object": "[1, 2]",
            "two documents": "{} {}",
            "id in the body": '{"order_id": "%s"}' % oid,
            "unknown field": '{"pay_everything": true}',
        }
        before = self.snapshot()
        for name, doc in cases.items():
            with self.subTest(name):
                n0 = self.snapshot()["requests"]
                rc = write_close(path, doc)
                self.assertEqual(rc, errno.EINVAL, "%s: %s" % (name, errno.errorcode.get(rc, rc)))
                out = self.outcome(rel)
                self.assertEqual(out.get("result"), "rejected", out)
                self.assertTrue(out.get("reason"), out)
                self.assertEqual(self.snapshot()["requests"], n0, "%s: a request was sent" % name)
        with self.subTest("oversized"):
            n0 = self.snapshot()["requests"]
            big = '{"use_coupon": "NO", "x": "%s"}' % ("a" * MAX_DOC)
            rc = write_close(path, big, chunks=4096)
            self.assertIn(rc, (errno.EFBIG, errno.EINVAL))
            out = self.outcome(rel)
            self.assertEqual(out.get("result"), "rejected", out)
            self.assertEqual(self.snapshot()["requests"], n0)
        self.assertNothingSent(before, "invalid documents")
        self.assertIn("rejected", self.mnt.log())


@harness.require_binaries
class PurchasesOn(Base, MountedCase):
    MODE = "on"
    MOUNT_OPTS = {"purchases": "on"}

    def balance(self, kind="cash"):
        for line in self.mnt.read("account/balance").decode().splitlines():
            parts = line.split()
            if parts and parts[0] == kind:
                return decimal.Decimal(parts[1])
        self.fail("no %s line in account/balance" % kind)

    def month_records(self):
        cur = harness.current_month()
        return self.mnt.read_json("bills/%s/records.json" % cur)

    def test_1_pay_once_then_einval(self):
        oid = self.pending()[0]
        rel = "orders/%s/pay" % oid
        order = self.mnt.read_json("orders/%s/order.json" % oid)["order_info"]
        self.assertEqual(int(order["status"]), PENDING)
        self.assertEqual(int(order.get("measure_id", 1)), 1)
        amount = dec(order["amount_after_discount"])
        cash0 = self.balance()
        records0 = self.month_records()
        before = self.snapshot()
        rc = write_close(self.mnt.path(rel), "{}\n")
        self.assertEqual(rc, 0, "pay: %s\n%s" % (errno.errorcode.get(rc, rc), self.mnt.read(rel)))
        after = self.snapshot()
        self.assertEqual(after["payments"], before["payments"] + 1)
        self.assertEqual(after["mutating"]["PayOrders"], before["mutating"]["PayOrders"] + 1)
        out = self.outcome(rel)
        self.assertEqual(out.get("result"), "submitted", out)
        # the next reads show the new state at once (the action drops the caches)
        self.assertEqual(int(self.mnt.read_json("orders/%s/order.json" % oid)
                             ["order_info"]["status"]), PAID)
        self.assertEqual(self.balance(), cash0 - amount, "cash must go down by the order amount")
        self.assertNotEqual(self.month_records(), records0,
                            "the current month's records must show the payment")
        status = {o["order_id"]: int(o["status"])
                  for o in self.mnt.read_json("orders/orders.json")["order_infos"]}
        self.assertEqual(status[oid], PAID)
        # again: not pending any more, refused before any PayOrders
        rc = write_close(self.mnt.path(rel), "{}\n")
        self.assertEqual(rc, errno.EINVAL)
        self.assertEqual(self.snapshot()["mutating"]["PayOrders"], after["mutating"]["PayOrders"])
        self.assertEqual(self.snapshot()["payments"], after["payments"])
        out = self.outcome(rel)
        self.assertEqual(out.get("result"), "rejected", out)
        self.assertIn("not pending", out.get("reason", ""))

    def test_2_lost_answer_paid_once(self):
        oid = self.pending()[0]
        rel = "orders/%s/pay" % oid
        before = self.snapshot()
        self.emu.set_faults("PayOrders:drop_after=1")
        try:
            rc = write_close(self.mnt.path(rel), "{}\n")
        finally:
            self.emu.set_faults("")
        after = self.snapshot()
        self.assertEqual(after["payments"], before["payments"] + 1, "paid exactly once")
        self.assertEqual(after["mutating"]["PayOrders"], before["mutating"]["PayOrders"] + 1,
                         "PayOrders must not be resent")
        self.assertEqual(rc, 0, errno.errorcode.get(rc, rc))
        out = self.outcome(rel)
        self.assertEqual(out.get("result"), "unknown", out)
        self.assertIn("readback", out)
        self.assertIn("applied", json.dumps(out["readback"], default=str))
        self.assertEqual(self.order_status(oid), PAID)

    def test_3_cancel(self):
        oid = self.pending()[-1]
        before = self.snapshot()
        rc = write_close(self.mnt.path("orders/%s/cancel" % oid), "{}")
        self.assertEqual(rc, 0, self.mnt.read("orders/%s/cancel" % oid))
        after = self.snapshot()
        self.assertEqual(after["state_changes"].get("CancelCustomerOrder", 0),
                         before["state_changes"].get("CancelCustomerOrder", 0) + 1)
        self.assertEqual(after["payments"], before["payments"])
        self.assertNotEqual(int(self.mnt.read_json("orders/%s/order.json" % oid)
                                ["order_info"]["status"]), PENDING)

    def test_4_subscription_files(self):
        rid = self.subscription(1)
        want = {"auto-renew": "AutoRenewalResources", "renew": "RenewalResources",
                "to-on-demand": "UpdatePeriodToOnDemand",
                "unsubscribe": "CancelResourcesSubscription"}
        submitted = []
        for name in ("auto-renew", "renew", "to-on-demand", "unsubscribe"):
            with self.subTest(name):
                rel = "subscriptions/%s/%s" % (rid, name)
                before = self.snapshot()
                rc = write_close(self.mnt.path(rel), DOCS[name])
                out = self.outcome(rel)
                after = self.snapshot()
                if rc != 0:
                    # the emulator may refuse (e.g. a state that forbids it):
                    # then the API's error is in the outcome and nothing changed
                    self.assertEqual(out.get("result"), "failed", out)
                    self.assertEqual(after["state_changes"], before["state_changes"])
                    continue
                self.assertEqual(out.get("result"), "submitted", out)
                submitted.append(name)
                op = want[name]
                self.assertEqual(self.emu.op_count(op, after), before["mutating"][op] + 1)
                self.assertEqual(after["state_changes"].get(op, 0),
                                 before["state_changes"].get(op, 0) + 1, after)
        self.assertEqual(submitted, ["auto-renew", "renew", "to-on-demand", "unsubscribe"])

    def test_5_editor_rename_pays_once(self):
        ids = self.pending()
        oid = ids[0]
        path = self.mnt.path("orders/%s/pay" % oid)
        before = self.snapshot()
        tmp = os.path.join(os.path.dirname(path), "pay.new")
        with open(tmp, "w") as f:
            f.write("{}\n")
        self.assertIn("pay.new", os.listdir(os.path.dirname(path)))
        os.replace(tmp, path)
        after = self.snapshot()
        self.assertEqual(after["payments"], before["payments"] + 1)
        self.assertEqual(after["mutating"]["PayOrders"], before["mutating"]["PayOrders"] + 1)
        self.assertFalse(os.path.exists(tmp))
        self.assertEqual(self.outcome("orders/%s/pay" % oid).get("result"), "submitted")

    def test_6_concurrent_closes_pay_once(self):
        """Two processes write the same pay file and close at the same
        moment: the actions are serialized, the order is paid once and the
        other close is EINVAL (no longer pending)."""
        oid = self.pending()[0]  # renewals of test_4 left pending orders
        path = self.mnt.path("orders/%s/pay" % oid)
        before = self.snapshot()
        fds = [os.open(path, os.O_WRONLY | os.O_TRUNC) for _ in range(2)]
        for fd in fds:
            os.write(fd, b"{}\n")
        barrier = threading.Barrier(2)
        rcs = []

        def close(fd):
            barrier.wait()
            try:
                os.close(fd)
                rcs.append(0)
            except OSError as e:
                rcs.append(e.errno)

        ts = [threading.Thread(target=close, args=(fd,)) for fd in fds]
        self.emu.set_latency(150)  # widens the window between status read and PayOrders
        try:
            for t in ts:
                t.start()
            for t in ts:
                t.join(60)
        finally:
            self.emu.set_latency(0)
        after = self.snapshot()
        self.assertEqual(sorted(rcs), [0, errno.EINVAL], rcs)
        self.assertEqual(after["payments"], before["payments"] + 1)
        self.assertEqual(after["mutating"]["PayOrders"], before["mutating"]["PayOrders"] + 1)

    def test_7_append_is_one_document(self):
        """`>>` writes at the kernel's idea of the end (the outcome's size):
        the document still starts at its first byte."""
        rel = "subscriptions/%s/auto-renew" % self.subscription(2)
        self.assertGreater(os.stat(self.mnt.path(rel)).st_size, 0)
        before = self.snapshot()
        r = subprocess.run(["sh", "-c", 'echo on >> "$1"', "sh", self.mnt.path(rel)])
        self.assertEqual(r.returncode, 0)
        out = self.outcome(rel)
        self.assertEqual(out.get("result"), "submitted", out)
        self.assertEqual(self.snapshot()["state_changes"].get("AutoRenewalResources", 0),
                         before["state_changes"].get("AutoRenewalResources", 0) + 1)


if __name__ == "__main__":
    unittest.main()
