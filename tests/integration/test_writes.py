"""DESIGN §6: control files. purchases=off refuses and sends nothing;
dry-run never submits; on submits once; malformed JSON is EINVAL on close."""

import errno
import json
import os
import unittest

import harness
from harness import MountedCase

PENDING = 6  # ListCustomerOrders status: pending payment


def shell_write(path, data):
    """As `echo DATA > path`: returns 0 or the errno of the failing step."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    except OSError as e:
        return e.errno
    try:
        if data:
            os.write(fd, data.encode() if isinstance(data, str) else data)
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


class WritesBase:
    def pending_orders(self):
        orders, _ = self.api.fetch_all("ListCustomerOrders")
        ids = [o["order_id"] for o in orders["order_infos"] if int(o.get("status") or 0) == PENDING]
        if not ids:
            self.skipTest("the emulator's account has no order pending payment")
        return ids

    def order_status(self, oid):
        d, _ = self.api.fetch_all("ShowCustomerOrderDetails", {"order_id": oid})
        return int(d["order_info"]["status"])

    def payments(self):
        s = self.emu.stats()
        return int(s.get("payments", 0)), self.emu.op_count("PayOrders", s)


@harness.require_binaries
class WritesOff(WritesBase, MountedCase):
    def test_pay_refused_nothing_sent(self):
        oid = self.pending_orders()[0]
        p0 = self.payments()
        rc = shell_write(self.mnt.path("orders/%s/pay" % oid), "{}\n")
        self.assertEqual(rc, errno.EACCES, "purchases=off: write to pay gave %s"
                         % errno.errorcode.get(rc, rc))
        self.assertEqual(self.payments(), p0, "purchases=off sent a request")
        self.assertEqual(self.order_status(oid), PENDING)

    def test_other_control_files_refused(self):
        subs, _ = self.api.fetch_all("ListPayPerUseCustomerResources", body={})
        if not subs["data"]:
            self.skipTest("no subscriptions")
        rid = subs["data"][0]["resource_id"]
        c0 = self.emu.stats().get("state_changes", {})
        for name in ("renew", "auto-renew", "to-on-demand", "unsubscribe"):
            with self.subTest(name):
                rc = shell_write(self.mnt.path("subscriptions/%s/%s" % (rid, name)), "{}\n")
                self.assertEqual(rc, errno.EACCES, "%s: %s" % (name, errno.errorcode.get(rc, rc)))
        self.assertEqual(self.emu.stats().get("state_changes", {}), c0)


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

    def test_prices_quote_in_every_mode(self):
        body = self.price_body()
        want = self.api.op("ListOnDemandResourceRatings", body=body)
        doc = dict(body, type="on-demand")
        path = self.mnt.path("prices/quote-1")
        try:
            with open(path, "w") as f:
                f.write(json.dumps(doc))
        except OSError as e:
            self.fail("prices/: create and write a request failed: %s" % e)
        got = self.mnt.read_json("prices/quote-1")
        self.assertIn("quote", got, "prices/quote-1 holds no quote: %r" % got)
        import datasets
        diff = datasets.first_difference(datasets.exact(got["quote"]), datasets.exact(want))
        self.assertIsNone(diff, "quote differs from ListOnDemandResourceRatings: %s" % diff)

    def test_prices_invalid_request_einval(self):
        path = self.mnt.path("prices/bad-1")
        rc = shell_write(path, "{\"type\": \"on-demand\"}") if os.path.exists(path) else None
        if rc is None:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            except OSError as e:
                self.fail("prices/: create failed: %s" % e)
            os.write(fd, b'{"type": "on-demand"}')
            try:
                os.close(fd)
                rc = 0
            except OSError as e:
                rc = e.errno
        self.assertEqual(rc, errno.EINVAL, "invalid price request: %s" % errno.errorcode.get(rc, rc))


@harness.require_binaries
class WritesDryRun(WritesBase, MountedCase):
    MOUNT_OPTS = {"purchases": "dry-run"}

    def test_dry_run_never_submits(self):
        oid = self.pending_orders()[0]
        p0 = self.payments()
        rc = shell_write(self.mnt.path("orders/%s/pay" % oid), "{}\n")
        self.assertEqual(rc, 0, "dry-run write: %s" % errno.errorcode.get(rc, rc))
        self.assertEqual(self.payments(), p0, "dry-run submitted a payment")
        self.assertEqual(self.order_status(oid), PENDING)
        out = self.mnt.read("orders/%s/pay" % oid).decode("utf-8", "replace")
        self.assertTrue(out.strip(), "reading pay gives no outcome")


@harness.require_binaries
class WritesOn(WritesBase, MountedCase):
    MOUNT_OPTS = {"purchases": "on"}

    def test_1_malformed_json_einval_nothing_sent(self):
        oid = self.pending_orders()[-1]
        p0 = self.payments()
        rc = shell_write(self.mnt.path("orders/%s/pay" % oid), "{not json\n")
        self.assertEqual(rc, errno.EINVAL, "malformed JSON: %s" % errno.errorcode.get(rc, rc))
        self.assertEqual(self.payments(), p0)

    def test_2_empty_write_does_nothing(self):
        oid = self.pending_orders()[-1]
        p0 = self.payments()
        rc = shell_write(self.mnt.path("orders/%s/pay" % oid), "")
        self.assertEqual(rc, 0)
        self.assertEqual(self.payments(), p0)

    def test_3_pay_once(self):
        oid = self.pending_orders()[0]
        bal0 = self.mnt.read("account/balances.json")
        p0 = self.payments()
        rc = shell_write(self.mnt.path("orders/%s/pay" % oid), "{}\n")
        self.assertEqual(rc, 0, "pay: %s\n%s" % (errno.errorcode.get(rc, rc), self.mnt.log()[-1500:]))
        p1 = self.payments()
        self.assertEqual(p1[0], p0[0] + 1, "one close must pay once")
        self.assertEqual(p1[1], p0[1] + 1, "one close must send one PayOrders")
        self.assertNotEqual(self.order_status(oid), PENDING)
        out = self.mnt.read("orders/%s/pay" % oid).decode("utf-8", "replace")
        self.assertTrue(out.strip(), "reading pay gives no outcome")
        # balances drop their cache at once after an action (DESIGN §3)
        api = self.api.op("ShowCustomerAccountBalances")
        import datasets
        datasets.compare_json(self, "account/balances.json", self.mnt.read_json("account/balances.json"),
                              api, "ShowCustomerAccountBalances")
        # the order is no longer pending: a second write pays nothing
        shell_write(self.mnt.path("orders/%s/pay" % oid), "{}\n")
        self.assertEqual(self.payments()[0], p1[0], "a paid order was paid again")


if __name__ == "__main__":
    unittest.main()
