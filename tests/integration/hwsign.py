"""SDK-HMAC-SHA256 request signing (Huawei Cloud AK/SK), stdlib only.

Written from /work/shared/signing/SIGNING.md for the integration tests' own
direct API reads; checked against signing/vectors.json by test_signer.py.
"""

import datetime
import hashlib
import hmac
import urllib.parse

ALGORITHM = "SDK-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def enc(s):
    """Percent-encode per SIGNING.md §2.6: unreserved kept, upper-case hex."""
    if isinstance(s, str):
        s = s.encode("utf-8")
    return urllib.parse.quote(s, safe="-_.~")


def canonical_uri(path):
    if not path:
        path = "/"
    segs = [enc(urllib.parse.unquote_to_bytes(seg)) for seg in path.split("/")]
    uri = "/".join(segs)
    if not uri.endswith("/"):
        uri += "/"
    return uri


def canonical_query(query):
    pairs = []
    for piece in query.split("&"):
        if not piece:
            continue
        if "=" in piece:
            k, v = piece.split("=", 1)
        else:
            k, v = piece, ""
        if not k:
            continue
        # '+' is a literal plus: unquote_to_bytes leaves it alone.
        k = urllib.parse.unquote_to_bytes(k)
        v = urllib.parse.unquote_to_bytes(v)
        pairs.append((k, v))
    pairs.sort()
    return "&".join(enc(k) + "=" + enc(v) for k, v in pairs)


def sign(method, url, headers, body=b"", ak="", sk="", sdk_date=None):
    """Return a new header dict with X-Sdk-Date, Host and Authorization.

    `headers` are signed as given (plus host and x-sdk-date).  `body` is the
    exact bytes (or str) that will be sent.
    """
    if isinstance(body, str):
        body = body.encode("utf-8")
    u = urllib.parse.urlsplit(url)
    host = u.hostname
    if u.port is not None and not (
        (u.scheme == "http" and u.port == 80) or (u.scheme == "https" and u.port == 443)
    ):
        host = "%s:%d" % (host, u.port)
    if sdk_date is None:
        sdk_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = dict(headers)
    out["X-Sdk-Date"] = sdk_date
    out["Host"] = host
    lower = {}
    for k, v in out.items():
        lower[k.lower()] = v.strip()
    names = sorted(lower)
    canon_headers = "".join("%s:%s\n" % (n, lower[n]) for n in names)
    signed_headers = ";".join(names)
    if "x-sdk-content-sha256" in lower:
        payload_hash = lower["x-sdk-content-sha256"]
    else:
        payload_hash = hashlib.sha256(body).hexdigest()
    cr = "\n".join([
        method.upper(),
        canonical_uri(u.path),
        canonical_query(u.query),
        canon_headers,
        signed_headers,
        payload_hash,
    ])
    sts = "\n".join([ALGORITHM, sdk_date,
                     hashlib.sha256(cr.encode("utf-8")).hexdigest()])
    sig = hmac.new(sk.encode("utf-8"), sts.encode("utf-8"), hashlib.sha256).hexdigest()
    out["Authorization"] = "%s Access=%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, ak, signed_headers, sig)
    return out, {"canonical_request": cr, "string_to_sign": sts,
                 "signed_headers": signed_headers, "signature": sig, "host": host}
