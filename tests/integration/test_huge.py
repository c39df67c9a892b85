"""DESIGN §3, §7: a month of 1,000,000 records reads with bounded memory.
Skipped with BSSFS_SKIP_HUGE=1."""

import csv
import io
import os
import time
import unittest

import harness
from harness import MountedCase

LIMIT_KIB = 64 * 1024


def sanitized(binary):
    with open(binary, "rb") as f:
        return b"__asan_init" in f.read()


@harness.huge
@harness.require_binaries
class HugeMonth(MountedCase):
    RECORDS_PER_MONTH = 1000000
    EMU_ARGS = ("--rps", "100000")
    MOUNT_OPTS = {"max_rps": 1000, "timeout": 120}

    def test_million_record_month(self):
        m = self.closed_months()[-1]
        first = self.api.op("ListCustomerselfResourceRecords",
                            query={"cycle": m, "statistic_type": 3, "offset": 0, "limit": 1})
        total = int(first["total_count"])
        self.assertGreaterEqual(total, 1000000)
        rel = "bills/%s/records.csv" % m
        hwm0 = self.mnt.vm_hwm_kib()
        t0 = time.monotonic()
        size = os.stat(self.mnt.path(rel)).st_size
        t_stat = time.monotonic() - t0
        hwm_stat = self.mnt.vm_hwm_kib()

        class Counting(io.RawIOBase):
            def __init__(self, f):
                self.f, self.n = f, 0

            def readable(self):
                return True

            def readinto(self, b):
                k = self.f.readinto(b)
                self.n += k
                return k
        with open(self.mnt.path(rel), "rb", buffering=0) as f:
            raw = Counting(f)
            text = io.TextIOWrapper(io.BufferedReader(raw, 1 << 20), encoding="utf-8-sig",
                                    newline="")
            rows = sum(1 for _ in csv.reader(text))
        dt = time.monotonic() - t0
        hwm = self.mnt.vm_hwm_kib()
        print("\n       huge: %d records, %d bytes; stat %.0fs, total %.0fs; bssfs VmHWM "
              "%d KiB after mount, %d KiB after stat, %d KiB after read"
              % (total, raw.n, t_stat, dt, hwm0, hwm_stat, hwm), flush=True)
        self.assertEqual(raw.n, size, "st_size != bytes read")
        self.assertEqual(rows, total + 1, "CSV rows != records + header")
        if sanitized(harness.BSSFS_BIN):
            self.skipTest("sanitizer build: VmHWM %d KiB not comparable to the 64 MiB bound" % hwm)
        self.assertLess(hwm, LIMIT_KIB, "bssfs VmHWM %d KiB >= 64 MiB" % hwm)


if __name__ == "__main__":
    unittest.main()
