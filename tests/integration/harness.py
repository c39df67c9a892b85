"""Integration harness: real bss-emulator processes and real bssfs FUSE mounts.

Environment:
  BSSFS_BUILD_DIR     where bssfs and bss-emulator are (default /work/main/build)
  BSSFS_SHARED_DIR    the shared contract folder (default /work/main/../shared)
  BSSFS_EMU_LATENCY   e.g. "20-50": pass --latency-ms to every emulator
  BSSFS_EMU_FAULTS    e.g. "503=0.05,429=0.05": pass --faults to the emulators
                      of mounted test classes (the client must retry through them)
  BSSFS_SKIP_HUGE=1   skip tests marked huge
  BSSFS_KEEP_LOGS=1   keep temp dirs (logs) after the run

Every process and mount started here is registered for atexit clean-up, so
a crashing test never leaves a mount behind.
"""

import atexit
import decimal
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

import hwsign

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
BUILD = os.environ.get("BSSFS_BUILD_DIR", os.path.join(REPO, "build"))
SHARED = os.environ.get("BSSFS_SHARED_DIR",
                        os.path.abspath(os.path.join(REPO, "..", "shared")))
EMULATOR_BIN = os.path.join(BUILD, "bss-emulator")
BSSFS_BIN = os.path.join(BUILD, "bssfs")

# Test credentials: random per run, so a leak search is meaningful.
AK = "ITGAK" + secrets.token_hex(8).upper()
SK = "ItgSecret" + secrets.token_hex(16)
DOMAIN_ID = secrets.token_hex(16)

_live = []          # objects with .stop(), stopped at exit in reverse order
_tmp_dirs = []


def _cleanup_all():
    for obj in reversed(list(_live)):
        try:
            obj.stop()
        except Exception:
            pass
    if not os.environ.get("BSSFS_KEEP_LOGS"):
        for d in _tmp_dirs:
            shutil.rmtree(d, ignore_errors=True)


atexit.register(_cleanup_all)


def _sigterm(signum, frame):
    _cleanup_all()
    os._exit(128 + signum)


signal.signal(signal.SIGTERM, _sigterm)


def mkdtemp(prefix):
    d = tempfile.mkdtemp(prefix="bssfs-it-" + prefix + "-")
    _tmp_dirs.append(d)
    return d


def have_binaries():
    return os.access(EMULATOR_BIN, os.X_OK) and os.access(BSSFS_BIN, os.X_OK)


def require_binaries(testcase_cls):
    """Class decorator: skip when the binaries are not built."""
    if not os.access(EMULATOR_BIN, os.X_OK):
        return unittest.skip("bss-emulator not built at %s" % EMULATOR_BIN)(testcase_cls)
    if not os.access(BSSFS_BIN, os.X_OK):
        return unittest.skip("bssfs not built at %s" % BSSFS_BIN)(testcase_cls)
    return testcase_cls


def huge(testcase):
    """Mark a test (or class) as huge: skipped with BSSFS_SKIP_HUGE=1."""
    return unittest.skipIf(os.environ.get("BSSFS_SKIP_HUGE") == "1",
                           "BSSFS_SKIP_HUGE=1")(testcase)


def _tail(path, n=40):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return ""
    lines = data.decode("utf-8", "replace").splitlines()
    return "\n".join(lines[-n:])


# ----------------------------------------------------------------------------
# API reference
# ----------------------------------------------------------------------------

_API = None


def api_ops():
    global _API
    if _API is None:
        with open(os.path.join(SHARED, "api", "api-reference.json")) as f:
            _API = {op["name"]: op for op in json.load(f)}
    return _API


def record_key(op_name):
    """The response field that holds the record array (first array of objects)."""
    op = api_ops()[op_name]
    for r in op["response"]:
        if r["type"].startswith("array<") and r.get("fields"):
            return r["name"]
    for r in op["response"]:
        if r["type"].startswith("array<"):
            return r["name"]
    return None


def page_limit(op_name):
    """The largest documented page size, else 100 (docs/API-NOTES.md)."""
    p = api_ops()[op_name].get("pagination") or {}
    m = re.match(r"\s*\[?1-(\d+)", p.get("limit") or "")
    return int(m.group(1)) if m else 100


def total_field(op_name):
    p = api_ops()[op_name].get("pagination") or {}
    return p.get("total_field")


# ----------------------------------------------------------------------------
# Emulator
# ----------------------------------------------------------------------------

class Emulator:
    def __init__(self, site="intl", scale="tiny", seed=1, records_per_month=None,
                 extra_args=(), latency=None, faults=None, ak=AK, sk=SK,
                 domain_id=DOMAIN_ID):
        self.site = site
        self.ak, self.sk, self.domain_id = ak, sk, domain_id
        self.dir = mkdtemp("emu")
        self.port_file = os.path.join(self.dir, "port")
        self.log_path = os.path.join(self.dir, "emulator.log")
        if latency is None:
            latency = os.environ.get("BSSFS_EMU_LATENCY") or None
        self.args = [EMULATOR_BIN, "--listen", "127.0.0.1:0",
                     "--port-file", self.port_file,
                     "--ak", ak, "--sk", sk, "--domain-id", domain_id,
                     "--site", site, "--seed", str(seed)]
        if scale:
            self.args += ["--scale", scale]
        if records_per_month:
            self.args += ["--records-per-month", str(records_per_month)]
        if latency:
            self.args += ["--latency-ms", str(latency)]
        if faults:
            self.args += ["--faults", faults]
        self.args += list(extra_args)
        self.proc = None
        self.port = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self, timeout=30):
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        _live.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("bss-emulator exited with %s:\n%s"
                                   % (self.proc.returncode, _tail(self.log_path)))
            try:
                with open(self.port_file) as f:
                    txt = f.read().strip()
                if txt:
                    self.port = int(txt.rsplit(":", 1)[-1])
                    return self
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("bss-emulator wrote no port file in %ss:\n%s"
                           % (timeout, _tail(self.log_path)))

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self in _live:
            _live.remove(self)
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None

    def log(self):
        return _tail(self.log_path, 100000)

    # -- control API (unsigned) --
    def control(self, method, path, body=None, timeout=10):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=timeout) as r:
            txt = r.read()
        return json.loads(txt) if txt.strip() else None

    def stats(self):
        return self.control("GET", "/_emulator/stats")

    def op_count(self, op, stats=None):
        s = stats if stats is not None else self.stats()
        return int(s.get("requests", {}).get(op, 0))

    def reset(self):
        return self.control("POST", "/_emulator/reset", {})

    def set_faults(self, spec):
        return self.control("POST", "/_emulator/faults", {"spec": spec})

    def set_latency(self, ms):
        return self.control("POST", "/_emulator/latency", {"ms": str(ms)})

    # -- signed API --
    def api(self):
        return ApiClient(self.url, self.ak, self.sk, self.domain_id)


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__("HTTP %s: %s" % (status, body[:500]))
        self.status = status
        self.body = body


class ApiClient:
    """Direct signed API calls (the tests' own reads, for comparisons)."""

    def __init__(self, base, ak, sk, domain_id):
        self.base, self.ak, self.sk, self.domain_id = base, ak, sk, domain_id

    def call(self, method, path, query=None, body=None, timeout=60):
        url = self.base + path
        if query:
            qs = "&".join("%s=%s" % (hwsign.enc(str(k)), hwsign.enc(_qv(v)))
                          for k, v in query.items() if v is not None)
            url += "?" + qs
        data = b""
        headers = {"Content-Type": "application/json", "X-Domain-Id": self.domain_id}
        if body is not None:
            data = json.dumps(body, separators=(",", ":")).encode()
        last = None
        for attempt in range(10):
            if attempt:
                time.sleep(min(0.1 * 2 ** attempt, 2.0))
            signed, _ = hwsign.sign(method, url, headers, data, self.ak, self.sk)
            req = urllib.request.Request(url, data=data if body is not None else None,
                                         method=method, headers=signed)
            try:
                with urllib.request.urlopen(req, timeout=timeout) as r:
                    txt = r.read()
                if not txt.strip():
                    return {}
                return json.loads(txt, parse_float=decimal.Decimal,
                                  parse_int=decimal.Decimal)
            except urllib.error.HTTPError as e:
                last = ApiError(e.code, e.read().decode("utf-8", "replace"))
                if e.code != 429 and e.code < 500:
                    raise last
            except (OSError, ValueError, http.client.HTTPException) as e:
                # dropped connections, truncated or malformed bodies (faults)
                last = e
        raise last

    def op(self, name, path_params=None, query=None, body=None):
        op = api_ops()[name]
        path = op["path"]
        params = dict(path_params or {})
        params.setdefault("domain_id", self.domain_id)
        for k, v in params.items():
            path = path.replace("{%s}" % k, urllib.parse.quote(str(v), safe=""))
        return self.call(op["method"], path, query, body)

    def fetch_all(self, name, path_params=None, query=None, body=None, limit=None):
        """All pages merged as bssfs should: top-level fields of the first page,
        the record array concatenated, total_count = number of records."""
        op = api_ops()[name]
        style = (op.get("pagination") or {}).get("style") or "none"
        key = record_key(name)
        tf = total_field(name)
        query = dict(query or {})
        body = None if body is None else dict(body)
        if limit is None:
            limit = page_limit(name)
        if style == "none" or key is None:
            return self.op(name, path_params, query or None, body), 1
        merged, records, pages = None, [], 0
        offset = 1 if style == "page_number" else 0
        while True:
            if style == "offset_limit":
                query.update(offset=offset, limit=limit)
            elif style == "offset_limit_in_body":
                body = dict(body or {})
                body.update(offset=offset, limit=limit)
            elif style == "page_number":
                query.update(offset=offset, limit=limit)
            else:
                raise NotImplementedError(style)
            page = self.op(name, path_params, query or None, body)
            pages += 1
            if merged is None:
                merged = page
            got = page.get(key) or []
            records.extend(got)
            total = page.get(tf) if tf else None
            if not got or len(got) < limit:
                break
            if total is not None and len(records) >= int(total):
                break
            offset = offset + 1 if style == "page_number" else offset + len(got)
            if pages > 100000:
                raise RuntimeError("runaway pagination")
        merged = dict(merged)
        merged[key] = records
        return merged, pages


def _qv(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


# ----------------------------------------------------------------------------
# Mount
# ----------------------------------------------------------------------------

def write_credentials(path, ak=AK, sk=SK, domain_id=DOMAIN_ID, mode=0o600):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("[global]\nak = %s\nsk = %s\n" % (ak, sk))
        if domain_id:
            f.write("domain_id = %s\n" % domain_id)
    os.chmod(path, mode)
    return path


class Mount:
    def __init__(self, emu, opts=None, cache_dir=None, creds=None, site=None,
                 endpoints=True, extra_args=()):
        self.emu = emu
        self.dir = mkdtemp("mnt")
        self.mountpoint = os.path.join(self.dir, "mnt")
        os.mkdir(self.mountpoint)
        self.cache_dir = cache_dir or os.path.join(self.dir, "cache")
        os.makedirs(self.cache_dir, exist_ok=True)
        self.creds = creds or write_credentials(os.path.join(self.dir, "credentials"))
        self.log_path = os.path.join(self.dir, "bssfs.log")
        o = {}
        if endpoints and emu is not None:
            o.update(endpoint=emu.url, eps_endpoint=emu.url, iam_endpoint=emu.url)
        o.update(credentials=self.creds, cache_dir=self.cache_dir)
        site = site or (emu.site if emu is not None else None)
        if site and site != "intl":
            o["site"] = site
        o.update(opts or {})
        self.opts = o
        self.extra_args = list(extra_args)
        self.proc = None

    def command(self):
        parts = []
        for k, v in self.opts.items():
            if v is None:
                continue
            parts.append(k if v is True else "%s=%s" % (k, v))
        return [BSSFS_BIN, "-f", "-o", ",".join(parts)] + self.extra_args + [self.mountpoint]

    def start(self, timeout=60, env=None):
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command(), stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env)
        _live.append(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.ismount(self.mountpoint):
                return self
            if self.proc.poll() is not None:
                rc = self.proc.returncode
                self.stop()
                raise RuntimeError("bssfs exited with %s before mounting:\n%s"
                                   % (rc, _tail(self.log_path)))
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("bssfs did not mount in %ss:\n%s" % (timeout, _tail(self.log_path)))

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def path(self, rel=""):
        return os.path.join(self.mountpoint, rel)

    def is_mounted(self):
        """In the mount table (os.path.ismount is False for a mount whose
        daemon died: lstat fails with ENOTCONN)."""
        try:
            with open("/proc/self/mountinfo") as f:
                for line in f:
                    if line.split()[4] == self.mountpoint:
                        return True
        except OSError:
            pass
        return os.path.ismount(self.mountpoint)

    def stop(self, timeout=15):
        """Unmount and wait for the daemon; never leaves a mount behind."""
        if self.is_mounted():
            subprocess.run(["fusermount3", "-u", self.mountpoint],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        if self.proc is not None:
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    pass
        if self.is_mounted():
            subprocess.run(["fusermount3", "-uz", self.mountpoint],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        if self in _live:
            _live.remove(self)
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None
        return self.proc.returncode if self.proc else None

    def log(self):
        return _tail(self.log_path, 100000)

    def read(self, rel, mode="rb"):
        with open(self.path(rel), mode) as f:
            return f.read()

    def read_json(self, rel):
        return json.loads(self.read(rel), parse_float=decimal.Decimal,
                          parse_int=decimal.Decimal)

    def write(self, rel, data):
        if isinstance(data, str):
            data = data.encode()
        with open(self.path(rel), "wb") as f:
            f.write(data)

    def refresh(self, rel):
        self.write(".bssfs/refresh", rel + "\n")

    def files(self):
        """Every regular file under the mount (relative paths), by os.walk."""
        out = []
        for root, dirs, files in os.walk(self.mountpoint):
            dirs.sort()
            for name in sorted(files):
                out.append(os.path.relpath(os.path.join(root, name), self.mountpoint))
        return out

    def months(self):
        return sorted(n for n in os.listdir(self.path("bills"))
                      if len(n) == 7 and n[4] == "-")

    def vm_hwm_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return None


def run_bssfs(args, timeout=60):
    """Run bssfs to completion (start-up error tests). Returns CompletedProcess."""
    return subprocess.run([BSSFS_BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, timeout=timeout)


# ----------------------------------------------------------------------------
# Billing calendar (UTC+8), for closed months
# ----------------------------------------------------------------------------

def bss_now():
    return time.gmtime(time.time() + 8 * 3600)


def month_is_closed(month):
    """Closed from day 5 (UTC+8) of the next month (DESIGN §3)."""
    y, m = int(month[:4]), int(month[5:7])
    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
    t = bss_now()
    return (t.tm_year, t.tm_mon, t.tm_mday) >= (ny, nm, 5)


def current_month():
    t = bss_now()
    return "%04d-%02d" % (t.tm_year, t.tm_mon)


# ----------------------------------------------------------------------------
# Test base class
# ----------------------------------------------------------------------------

class MountedCase(unittest.TestCase):
    """One emulator and one mount per test class."""

    SITE = "intl"
    SCALE = "tiny"
    SEED = 1
    RECORDS_PER_MONTH = None
    EMU_ARGS = ()
    MOUNT_OPTS = {}
    MOUNT = True

    @classmethod
    def setUpClass(cls):
        if not have_binaries():
            raise unittest.SkipTest("binaries not built in %s" % BUILD)
        cls.emu = None
        cls.mnt = None
        try:
            cls.emu = Emulator(site=cls.SITE, scale=cls.SCALE, seed=cls.SEED,
                               records_per_month=cls.RECORDS_PER_MONTH,
                               extra_args=cls.EMU_ARGS,
                               faults=os.environ.get("BSSFS_EMU_FAULTS") or None).start()
            cls.api = cls.emu.api()
            if cls.MOUNT:
                cls.mnt = Mount(cls.emu, dict(cls.MOUNT_OPTS)).start()
        except BaseException:
            cls._teardown()
            raise

    @classmethod
    def _teardown(cls):
        if os.environ.get("BSSFS_EMU_FAULTS") and getattr(cls, "emu", None):
            try:
                s = cls.emu.stats()
                print("       [%s: emulator injected %s faults in %s requests]"
                      % (cls.__name__, s.get("faults_injected"), s.get("requests_total")),
                      flush=True)
            except Exception:
                pass
        if getattr(cls, "mnt", None):
            cls.mnt.stop()
        if getattr(cls, "emu", None):
            cls.emu.stop()

    def closed_months(self):
        return [m for m in self.mnt.months() if month_is_closed(m)]

    @classmethod
    def tearDownClass(cls):
        mnt = getattr(cls, "mnt", None)
        cls._teardown()
        if mnt is not None:
            check_clean_exit(mnt)


SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "SUMMARY: UndefinedBehaviorSanitizer")


def check_clean_exit(mnt):
    """Like libfuse's and sshfs's tests: the daemon exits 0 at unmount and its
    log holds no sanitizer report."""
    log = mnt.log()
    for mark in SANITIZER_MARKS:
        if mark in log:
            i = log.index(mark)
            raise AssertionError("bssfs log has a sanitizer report:\n" + log[max(0, i - 200):i + 3000])
    rc = mnt.proc.returncode if mnt.proc else 0
    if rc != 0:
        raise AssertionError("bssfs exited with %s at unmount:\n%s" % (rc, log[-3000:]))
