"""DESIGN §3 "Offline": with the API gone, cached files still read; what was
never cached fails with EIO within -o timeout, never hangs."""

import json
import os
import subprocess
import sys
import time
import unittest

import harness
from harness import MountedCase

TIMEOUT = 5
PROBE = r"""
import errno, os, sys
try:
    with open(sys.argv[1], "rb") as f:
        f.read()
    print("OK")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
"""


@harness.require_binaries
class Offline(MountedCase):
    MOUNT_OPTS = {"timeout": TIMEOUT}

    def probe(self, rel):
        t0 = time.monotonic()
        try:
            r = subprocess.run([sys.executable, "-c", PROBE, self.mnt.path(rel)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=TIMEOUT + 30)
            out = r.stdout.decode().strip()
        except subprocess.TimeoutExpired:
            out = "HANG"
        return out, time.monotonic() - t0

    def test_offline(self):
        months = self.closed_months()
        self.assertGreaterEqual(len(months), 2)
        cached = {}
        for rel in ["bills/%s/summary.json" % months[-1], "bills/%s/records.csv" % months[-1],
                    "account/balances.json", "products/service-types.csv", "README.txt"]:
            cached[rel] = self.mnt.read(rel)
        t_cached = time.monotonic()
        self.emu.stop()
        for rel, data in cached.items():
            with self.subTest("cached " + rel):
                out, dt = self.probe(rel)
                self.assertEqual(out, "OK", "%s: cached file not served offline (%s, %.1fs)"
                                 % (rel, out, dt))
                self.assertTrue(self.mnt.read(rel) == data)
        for rel in ["bills/%s/records.json" % months[0], "bills/%s/daily.csv" % months[0],
                    "orders/orders.csv"]:
            with self.subTest("uncached " + rel):
                out, dt = self.probe(rel)
                self.assertEqual(out, "EIO", "%s offline: %s after %.1fs" % (rel, out, dt))
                self.assertLess(dt, TIMEOUT + 5, "%s: EIO took %.1fs (timeout=%d)"
                                % (rel, dt, TIMEOUT))
        stats = json.loads(self.mnt.read(".bssfs/stats.json"))

        def find(o, key):
            if isinstance(o, dict):
                for k, v in o.items():
                    if k == key and isinstance(v, (int, float)):
                        yield v
                    else:
                        yield from find(v, key)
            elif isinstance(o, list):
                for v in o:
                    yield from find(v, key)
        if time.monotonic() - t_cached > 61:  # account/balances.json (60 s) is stale now
            self.assertGreater(sum(find(stats, "stale_served")), 0,
                               "stats.json does not mark stale content served offline")


if __name__ == "__main__":
    unittest.main()
