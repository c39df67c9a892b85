"""DESIGN §5: start-up errors exit non-zero with a clear message, before any
mount."""

import os
import subprocess
import time
import unittest

import harness
from harness import Emulator, Mount, write_credentials


@harness.require_binaries
class Startup(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator().start()

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def expect_refused(self, mnt, words=()):
        """Start bssfs -f; it must exit non-zero within 30 s, without mounting."""
        p = subprocess.Popen(mnt.command(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL)
        mnt.proc = p
        harness._live.append(mnt)
        try:
            out, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            mnt.stop()
            self.fail("bssfs kept running (mounted=%s) for %s" % (
                os.path.ismount(mnt.mountpoint), mnt.command()))
        mounted = os.path.ismount(mnt.mountpoint)
        mnt.stop()
        err = err.decode("utf-8", "replace")
        self.assertFalse(mounted, "mounted despite the error")
        self.assertNotEqual(p.returncode, 0, "exit 0; stderr: %s" % err)
        self.assertTrue(err.strip(), "no message on stderr")
        low = err.lower()
        if words:
            self.assertTrue(any(w in low for w in words),
                            "message does not say what is wrong: %r" % err)
        self.assertNotIn(harness.SK, err, "secret in the error message")
        self.assertNotIn("Traceback", err)
        return err

    def test_good_start(self):
        m = Mount(self.emu).start()
        try:
            self.assertTrue(os.path.isfile(m.path("README.txt")))
        finally:
            rc = m.stop()
        self.assertEqual(rc, 0, "bssfs did not exit cleanly at unmount:\n" + m.log()[-2000:])

    def good_mount(self, m, env=None):
        m.start(env=env)
        try:
            self.assertTrue(os.path.isfile(m.path("README.txt")))
            self.assertGreater(len(m.read("account/balances.json")), 0)
        finally:
            rc = m.stop()
        self.assertEqual(rc, 0, m.log()[-2000:])

    def test_fstab_options_ignored(self):
        self.good_mount(Mount(self.emu, {"_netdev": True, "nofail": True, "noauto": True,
                                         "x-systemd.automount": True, "user": True}))

    def test_domain_id_discovered_through_iam(self):
        m = Mount(self.emu)
        write_credentials(m.creds, domain_id=None)
        self.good_mount(m)

    def test_environment_credentials(self):
        m = Mount(self.emu, {"credentials": None})
        env = dict(os.environ, HUAWEICLOUD_SDK_AK=harness.AK, HUAWEICLOUD_SDK_SK=harness.SK,
                   HUAWEICLOUD_SDK_DOMAIN_ID=harness.DOMAIN_ID, HOME=m.dir)
        self.good_mount(m, env=env)

    def test_bad_option_values(self):
        for opt in [{"months": "abc"}, {"months": "0"}, {"months": "37"}, {"csv": "bogus"},
                    {"timeout": "-1"}, {"site": "mars"}, {"purchases": "maybe"}]:
            with self.subTest(opt):
                self.expect_refused(Mount(self.emu, opt),
                                    words=[list(opt)[0]])

    def test_unknown_option(self):
        self.expect_refused(Mount(self.emu, {"no_such_option": "1"}))

    def test_group_readable_credentials(self):
        for mode in (0o644, 0o640, 0o604):
            with self.subTest(oct(mode)):
                m = Mount(self.emu)
                os.chmod(m.creds, mode)
                self.expect_refused(m, words=["credential", m.creds.lower(), "permission", "mode"])

    def test_missing_credentials_file(self):
        m = Mount(self.emu)
        os.unlink(m.creds)
        self.expect_refused(m, words=["credential", m.creds.lower()])

    def test_wrong_sk(self):
        m = Mount(self.emu)
        write_credentials(m.creds, sk="WrongSecret" + "0" * 30)
        err = self.expect_refused(m, words=["401", "auth", "credential", "signature", "apigw"])
        self.assertNotIn("WrongSecret", err)

    def test_unknown_ak(self):
        m = Mount(self.emu)
        write_credentials(m.creds, ak="NOSUCHAK0000000000")
        self.expect_refused(m, words=["401", "auth", "credential", "apigw", "ak"])

    def test_unreachable_endpoint(self):
        m = Mount(None, {"endpoint": "http://127.0.0.1:9", "eps_endpoint": "http://127.0.0.1:9",
                         "iam_endpoint": "http://127.0.0.1:9", "timeout": "5"})
        t0 = time.monotonic()
        self.expect_refused(m)
        self.assertLess(time.monotonic() - t0, 25)


if __name__ == "__main__":
    unittest.main()
