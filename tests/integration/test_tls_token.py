"""HTTPS with an extra trusted CA (-o cacert) and temporary credentials
(security token): DESIGN §5, the client's TLS and X-Security-Token rules,
through a real mount against the emulator serving HTTPS."""

import os
import subprocess
import unittest

import harness
from harness import Emulator, Mount


def make_ca_and_cert(d):
    """A throw-away CA and a server certificate for 127.0.0.1 signed by it."""
    def run(*args):
        subprocess.run(["openssl"] + list(args), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    ca_key, ca = os.path.join(d, "ca.key"), os.path.join(d, "ca.pem")
    key, csr, cert = (os.path.join(d, n) for n in ("srv.key", "srv.csr", "srv.pem"))
    ext = os.path.join(d, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
        "-days", "2", "-subj", "/CN=bssfs test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
        "-subj", "/CN=127.0.0.1")
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
        "-out", cert, "-days", "2", "-extfile", ext)
    return ca, cert, key


class TlsEmulator(Emulator):
    @property
    def url(self):
        return "https://127.0.0.1:%d" % self.port


def refused(testcase, mnt):
    """bssfs must exit non-zero, print why, and not mount."""
    p = subprocess.run(mnt.command(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=60)
    testcase.assertNotEqual(p.returncode, 0)
    testcase.assertFalse(os.path.ismount(mnt.mountpoint))
    err = p.stderr.decode("utf-8", "replace")
    testcase.assertTrue(err.strip())
    testcase.assertNotIn(harness.SK, err)
    return err


@harness.require_binaries
class Https(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = harness.mkdtemp("tls")
        cls.ca, cert, key = make_ca_and_cert(cls.dir)
        cls.emu = TlsEmulator(extra_args=("--tls-cert", cert, "--tls-key", key)).start()

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def test_trusted_ca_mounts_and_reads(self):
        m = Mount(self.emu, {"cacert": self.ca}).start()
        try:
            self.assertRegex(m.read("account/balance").decode(), r"^cash -?\d+(\.\d+)? \w+")
            self.assertGreater(len(m.read("products/service-types.json")), 0)
        finally:
            self.assertEqual(m.stop(), 0, m.log()[-2000:])

    def test_unknown_ca_refused_at_startup(self):
        err = refused(self, Mount(self.emu))
        self.assertRegex(err.lower(), r"certificate|tls|ssl")


@harness.require_binaries
class SecurityToken(unittest.TestCase):
    TOKEN = "gQpjTestSecurityToken" + "x" * 40

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(extra_args=("--security-token", cls.TOKEN)).start()

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def creds(self, d, token):
        path = os.path.join(d, "token-credentials")
        harness.write_credentials(path)
        if token:
            with open(path, "a") as f:
                f.write("security_token = %s\n" % token)
        return path

    def test_token_sent_and_signed(self):
        d = harness.mkdtemp("tok")
        m = Mount(self.emu, creds=self.creds(d, self.TOKEN)).start()
        try:
            self.assertGreater(len(m.read("account/balances.json")), 0)
            for rel in (".bssfs/config.json", ".bssfs/stats.json", "README.txt"):
                self.assertNotIn(self.TOKEN, m.read(rel).decode("utf-8", "replace"))
        finally:
            self.assertEqual(m.stop(), 0)
        self.assertNotIn(self.TOKEN, m.log())

    def test_missing_token_refused(self):
        d = harness.mkdtemp("tok")
        refused(self, Mount(self.emu, creds=self.creds(d, None)))


if __name__ == "__main__":
    unittest.main()
