#!/usr/bin/env python3
"""Run the bssfs integration suite: real FUSE mounts against bss-emulator.

  tests/integration/run.py [-k PATTERN] [--latency] [--twice] [-v] [TEST_FILE_OR_NAME ...]

--latency   run with BSSFS_EMU_LATENCY (default 20-50 ms) set
--twice     run the suite plain, then again with emulator latency
--faults S  the emulators of mounted classes inject faults S (bssfs must retry)
Env: BSSFS_BUILD_DIR, BSSFS_SKIP_HUGE=1, BSSFS_EMU_LATENCY, BSSFS_EMU_FAULTS,
BSSFS_KEEP_LOGS=1.
Ends with the line "integration: N passed, N failed, N skipped".
"""

import argparse
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def shorten(text, keep=1500):
    """Failure details of huge assertion messages: head and tail only."""
    if len(text) <= 2 * keep + 100:
        return text
    return "%s\n[... %d characters left out ...]\n%s" % (text[:keep], len(text) - 2 * keep,
                                                       text[-keep:])


class Result(unittest.TestResult):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.passed = 0
        self._t0 = 0.0
        self._sub_failed = set()
        self._reported = set()

    def startTest(self, test):
        super().startTest(test)
        self._t0 = time.monotonic()

    def _say(self, test, status, detail=None):
        print("%-6s %s (%.1fs)" % (status, test.id(), time.monotonic() - self._t0), flush=True)
        if detail:
            detail = shorten(detail.rstrip())
            print("       " + detail.replace("\n", "\n       "), flush=True)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._sub_failed.add(test.id())
            kind = "FAIL" if issubclass(err[0], test.failureException) else "ERROR"
            print("  %-5s %s" % (kind, subtest.id()), flush=True)
            print("         " + shorten(self._exc_info_to_string(err, test).rstrip().splitlines()[-1],
                                        1000), flush=True)

    def stopTest(self, test):
        super().stopTest(test)
        if test.id() in self._sub_failed and test.id() not in self._reported:
            self._reported.add(test.id())
            self._say(test, "FAIL", "(subtests failed, above)")

    def addSuccess(self, test):
        super().addSuccess(test)
        if test.id() in self._sub_failed:
            return
        self.passed += 1
        self._say(test, "PASS")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._say(test, "FAIL", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._say(test, "ERROR", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._say(test, "SKIP", reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.passed += 1
        self._say(test, "XFAIL")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._say(test, "XPASS")


def load(names, pattern):
    loader = unittest.TestLoader()
    if pattern:
        loader.testNamePatterns = ["*%s*" % p for p in pattern]
    if names:
        suite = unittest.TestSuite()
        for n in names:
            n = os.path.basename(n)
            if n.endswith(".py"):
                n = n[:-3]
            suite.addTests(loader.loadTestsFromName(n))
        return suite
    return loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)


def run_once(names, pattern, label):
    print("== integration run: %s (build %s)" % (
        label, os.environ.get("BSSFS_BUILD_DIR", "/work/main/build")), flush=True)
    suite = load(names, pattern)
    result = Result()
    t0 = time.monotonic()
    suite.run(result)
    import harness  # clean anything left between passes
    harness._cleanup_all()
    failed = len(set(t.id() for t, _ in result.failures + result.errors
                     if not isinstance(t, unittest.case._SubTest)) | result._sub_failed)
    failed += len(result.unexpectedSuccesses)
    print("-- %s: %d passed, %d failed, %d skipped in %.0fs" % (
        label, result.passed, failed, len(result.skipped), time.monotonic() - t0), flush=True)
    return result.passed, failed, len(result.skipped)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("names", nargs="*")
    ap.add_argument("-k", action="append", dest="pattern")
    ap.add_argument("--latency", action="store_true")
    ap.add_argument("--twice", action="store_true")
    ap.add_argument("--faults", metavar="SPEC",
                    help='emulator --faults for mounted classes, e.g. "503=0.05,429=0.05"')
    args = ap.parse_args()
    if args.faults:
        os.environ["BSSFS_EMU_FAULTS"] = args.faults
    lat = os.environ.get("BSSFS_EMU_LATENCY") or "20-50"
    passes = []
    if args.twice:
        passes = [("plain", None), ("latency %s ms" % lat, lat)]
    elif args.latency:
        passes = [("latency %s ms" % lat, lat)]
    else:
        passes = [("plain", os.environ.get("BSSFS_EMU_LATENCY"))]
    tp = tf = ts = 0
    for label, latency in passes:
        if latency:
            os.environ["BSSFS_EMU_LATENCY"] = latency
        else:
            os.environ.pop("BSSFS_EMU_LATENCY", None)
        if os.environ.get("BSSFS_EMU_FAULTS"):
            label += ", faults %s" % os.environ["BSSFS_EMU_FAULTS"]
        p, f, s = run_once(args.names, args.pattern, label)
        tp, tf, ts = tp + p, tf + f, ts + s
    print("integration: %d passed, %d failed, %d skipped" % (tp, tf, ts), flush=True)
    return 1 if tf else 0


if __name__ == "__main__":
    sys.exit(main())
