"""DESIGN §3 "sizes are exact", "times are stable": tar and rsync copy the
tree byte for byte; a second rsync transfers nothing; tools agree."""

import csv
import io
import os
import re
import shutil
import subprocess
import tarfile
import unittest

import harness
from harness import MountedCase


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600, **kw)


def tree_bytes(root):
    out = {}
    for d, dirs, files in os.walk(root):
        for n in files:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = f.read()
    return out


@harness.require_binaries
class Backup(MountedCase):
    SCALE = "small"

    def test_1_tar_reproduces_bills(self):
        work = harness.mkdtemp("tar")
        tarball = os.path.join(work, "bills.tar")
        r = run(["tar", "-cf", tarball, "-C", self.mnt.mountpoint, "bills"])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertNotIn(b"file changed as we read it", r.stderr)
        out = os.path.join(work, "x")
        os.mkdir(out)
        r = run(["tar", "-xf", tarball, "-C", out])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        got = tree_bytes(os.path.join(out, "bills"))
        want = tree_bytes(self.mnt.path("bills"))
        self.assertEqual(sorted(got), sorted(want))
        for rel in want:
            self.assertEqual(len(got[rel]), len(want[rel]), "tar copy of %s: size" % rel)
            self.assertTrue(got[rel] == want[rel], "tar copy of bills/%s differs" % rel)

    def test_2_rsync_twice(self):
        work = harness.mkdtemp("rsync")
        dst = os.path.join(work, "bills")
        r = run(["rsync", "-a", self.mnt.path("bills") + "/", dst + "/"])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        got = tree_bytes(dst)
        want = tree_bytes(self.mnt.path("bills"))
        self.assertEqual(sorted(got), sorted(want))
        for rel in want:
            self.assertTrue(got[rel] == want[rel], "rsync copy of bills/%s differs" % rel)
        r = run(["rsync", "-a", "--stats", "--itemize-changes",
                 self.mnt.path("bills") + "/", dst + "/"])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        text = r.stdout.decode()
        m = re.search(r"Number of regular files transferred: ([\d,]+)", text)
        self.assertIsNotNone(m, text)
        changed = [l for l in text.splitlines() if re.match(r"^[<>ch.][fdL]", l) and not l.startswith(".d")]
        self.assertEqual(m.group(1), "0", "second rsync transferred files:\n" + "\n".join(changed[:20]))

    def test_stat_size_equals_bytes_read(self):
        for rel in self.mnt.files():
            if rel.startswith(".bssfs/"):
                continue
            with self.subTest(rel):
                size = os.stat(self.mnt.path(rel)).st_size
                self.assertEqual(size, len(self.mnt.read(rel)), rel)

    def test_stable_times_and_inodes(self):
        m = self.closed_months()[0]
        rel = "bills/%s/summary.csv" % m
        st1 = os.stat(self.mnt.path(rel))
        self.mnt.read(rel)
        self.mnt.refresh(rel)
        self.mnt.read(rel)
        st2 = os.stat(self.mnt.path(rel))
        self.assertEqual(st1.st_ino, st2.st_ino)
        self.assertEqual(st1.st_mtime, st2.st_mtime, "refetching identical content changed mtime")
        self.assertEqual(st1.st_size, st2.st_size)

    def test_closed_month_mtime_is_close_time(self):
        import calendar
        for m in self.closed_months()[-2:]:
            y, mo = int(m[:4]), int(m[5:7])
            ny, nm = (y + 1, 1) if mo == 12 else (y, mo + 1)
            close = calendar.timegm((ny, nm, 5, 0, 0, 0)) - 8 * 3600
            for n in ("summary.json", "records.csv"):
                rel = "bills/%s/%s" % (m, n)
                with self.subTest(rel):
                    self.assertEqual(int(os.stat(self.mnt.path(rel)).st_mtime), close)

    def test_tools_agree(self):
        m = self.closed_months()[-1]
        work = harness.mkdtemp("tools")
        for stem in ("records.csv", "summary.csv", "daily.json"):
            rel = "bills/%s/%s" % (m, stem)
            p = self.mnt.path(rel)
            with self.subTest(rel):
                data = self.mnt.read(rel)
                cat = run(["cat", p]).stdout
                self.assertTrue(cat == data, "cat differs from read()")
                cp_dst = os.path.join(work, stem)
                self.assertEqual(run(["cp", p, cp_dst]).returncode, 0)
                with open(cp_dst, "rb") as f:
                    self.assertTrue(f.read() == data, "cp differs")
                head = run(["head", "-c", "1000", p]).stdout
                self.assertEqual(head, data[:1000])
                headn = run(["head", "-n", "3", p]).stdout
                self.assertEqual(headn, b"".join(data.splitlines(True)[:3]))
                wc = run(["wc", "-l", "-c", p]).stdout.split()
                self.assertEqual(int(wc[0]), data.count(b"\n"))
                self.assertEqual(int(wc[1]), len(data))
                if stem.endswith(".csv"):
                    with open(p, newline="", encoding="utf-8-sig") as f:
                        rows = list(csv.reader(f))
                    rows2 = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
                    self.assertEqual(rows, rows2)


if __name__ == "__main__":
    unittest.main()
