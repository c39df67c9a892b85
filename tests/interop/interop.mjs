// Signing interop: Huawei's official Node.js SDK core (AKSKSigner of
// @huaweicloud/huaweicloud-sdk-core 3.1.211) against our C signer/verifier.
//
// usage: node interop.mjs SIGN_TOOL [--seed N] [--count N]
//        (or INTEROP_SEED / INTEROP_COUNT in the environment)
//
// For every random request:
//   1. the official SDK signs it (AKSKSigner.sign, fed structured query
//      params and a data object, as its HTTP layer does);
//   2. sign-tool signs the same request as it goes on the wire; the
//      Authorization headers must be identical;
//   3. our verifier must accept the request as the SDK signed it;
//   4. two copies altered after signing (one byte of path, query, body,
//      a signed header, the date, or the method) must be rejected.
// Inputs avoid the edges where the official SDKs disagree (SIGNING.md §9):
// paths only [A-Za-z0-9-._~/], header values without padding, ASCII header
// names from a fixed set, no raw '+' on the wire, X-Sdk-Content-Sha256 only
// with a non-empty body and a non-JSON Content-Type, and non-ASCII query
// keys/values outside U+E000..U+FFFF (JS sorts UTF-16 code units, which
// agrees with UTF-8 byte order everywhere else).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner');
const { GlobalCredentials } = require('@huaweicloud/huaweicloud-sdk-core');

// ---- arguments ----
const argv = process.argv.slice(2);
let tool = null;
let seed = process.env.INTEROP_SEED ?? '20261126';
let count = Number(process.env.INTEROP_COUNT ?? 500);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--seed') seed = argv[++i];
  else if (argv[i] === '--count') count = Number(argv[++i]);
  else tool = argv[i];
}
if (!tool) {
  console.error('usage: node interop.mjs SIGN_TOOL [--seed N] [--count N]');
  process.exit(2);
}
if (!Number.isInteger(count) || count < 1) {
  console.error(`bad --count ${count}`);
  process.exit(2);
}

// ---- seeded PRNG (mulberry32 over a 32-bit hash of the seed text) ----
function hashSeed(s) {
  let h = 2166136261 >>> 0;
  for (const ch of String(s)) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}
let state = hashSeed(seed);
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rand() * n);
const pick = (a) => a[int(a.length)];
const chance = (p) => rand() < p;
function randStr(alphabet, min, max) {
  const chars = Array.from(alphabet);
  let s = '';
  const n = min + int(max - min + 1);
  for (let i = 0; i < n; i++) s += pick(chars);
  return s;
}
function shuffle(a) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// ---- request generator ----
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const HOSTS = [
  ['https', 'bss.myhuaweicloud.com'],
  ['https', 'bss-intl.myhuaweicloud.com'],
  ['https', 'eps.myhuaweicloud.com'],
  ['https', 'bss.myhuaweicloud.eu'],
  ['http', '127.0.0.1:18080'],
];
const uuid = () =>
  `${randStr(HEX, 8, 8)}-${randStr(HEX, 4, 4)}-${randStr(HEX, 4, 4)}-${randStr(HEX, 4, 4)}-${randStr(HEX, 12, 12)}`;
const PATHS = [
  () => '/v2/accounts/customer-accounts/balances',
  () => '/v2/bills/customer-bills/monthly-sum',
  () => '/v2/bills/customer-bills/fee-records',
  () => '/v2/bills/customer-bills/res-records/query',
  () => '/v2/bills/customer-bills/res-fee-records',
  () => '/v4/costs/cost-analysed-bills/query',
  () => '/v2/orders/customer-orders',
  () => `/v2/orders/customer-orders/details/CS${randStr('0123456789', 10, 14)}`,
  () => '/v2/payments/orders/pay',
  () => '/v1.0/enterprise-projects',
  () => `/v1.0/enterprise-projects/${uuid()}`,
  () => `/v1.0/enterprise-projects/${uuid()}/resources/filter`,
  () => `/v1.0/enterprise-projects/${uuid()}/action`,
  () => '/v3/auth/projects',
  () => `/v1/${randStr(HEX, 32, 32)}/vpcs`,
  () => `/v2/x.y_z~w/${randStr(ALNUM + '-._~', 1, 12)}`,
];
const KEYS = [
  'bill_cycle', 'limit', 'offset', 'service_type_code', 'region_code', 'resource_id',
  'enterprise_project_id', 'status', 'x_language', 'include_zero_record', 'method',
  'sub_customer_id', 'charging_mode', 'name', 'sort_key', 'Upper', '_lead', 'a.b',
  'k~', 'a-b', 'Z', 'z', 'a', 'a b', 'k:1', 'x/y', 'p*q', 'e=f', 'amp&', 'pct%', 'plus+',
  'hash#', 'q?', "it's", '(p)', '[0]', 'emoji', '@at', 'semi;colon', 'comma,',
  'clé', '中文', '😀k', 'Ünïcode',
];
// Reserved and non-ASCII characters; nothing in U+E000..U+FFFF.
const VALUE_CHARS =
  ALNUM + "-._~ !*'();:@&=+$,/?#[]%\"<>\\^`{|}" + 'éüñ中文€ß😀🚀' + '\t';
function randValue() {
  const r = rand();
  if (r < 0.12) return '';
  if (r < 0.25) return String(int(1000));
  if (r < 0.3) return pick(['true', 'false']);
  if (r < 0.4) return `2024-${String(1 + int(12)).padStart(2, '0')}`;
  if (r < 0.45) return `${2020 + int(8)}-0${1 + int(9)}-1${int(10)}T0${int(10)}:${int(6)}0:00Z`;
  return randStr(VALUE_CHARS, 1, 12);
}
function randQueryParams() {
  const params = {};
  const n = chance(0.2) ? 0 : 1 + int(6);
  for (let i = 0; i < n; i++) {
    const k = pick(KEYS);
    if (chance(0.2)) {
      const vals = [];
      const m = 2 + int(3);
      for (let j = 0; j < m; j++) vals.push(chance(0.5) ? String(int(20)) : randValue());
      params[k] = vals;
    } else {
      params[k] = randValue();
    }
  }
  return params;
}

// Wire encoders: all decode to the same bytes.  '+' and space are always
// escaped (a raw '+' is a literal plus for us but a space for some SDKs).
function encStrict(s, lower) {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-._~]/.test(c) && !(c === '~' && chance(0.3))) out += c;
    else {
      const h = b.toString(16).toUpperCase().padStart(2, '0');
      out += '%' + (lower ? h.toLowerCase() : h);
    }
  }
  return out;
}
function wireEncode(s, style) {
  if (style === 0) return encStrict(s, false);
  if (style === 1) return encStrict(s, true);
  return encodeURIComponent(s); // leaves !'()* raw, escapes '+'
}
function wireQuery(params) {
  const pairs = [];
  for (const [k, v] of Object.entries(params)) {
    for (const x of Array.isArray(v) ? v : [v]) pairs.push([k, x]);
  }
  shuffle(pairs);
  const style = int(3);
  return pairs
    .map(([k, v]) =>
      v === '' && chance(0.3) ? wireEncode(k, style) : `${wireEncode(k, style)}=${wireEncode(v, style)}`)
    .join('&');
}

function randJson(depth) {
  const r = rand();
  if (depth > 2 || r < 0.3) {
    const t = int(6);
    if (t === 0) return int(100000);
    if (t === 1) return pick([true, false, null]);
    if (t === 2) return Number(`${int(10000)}.${int(100)}`);
    return randStr(VALUE_CHARS, 0, 16);
  }
  if (r < 0.5) return Array.from({ length: int(4) }, () => randJson(depth + 1));
  const o = {};
  const n = 1 + int(5);
  for (let i = 0; i < n; i++) o[pick(KEYS)] = randJson(depth + 1);
  return o;
}

function sdkDate() {
  const t = Date.UTC(2020, 0, 1) + int(10 * 365 * 24 * 3600) * 1000;
  return new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function randRequest(i) {
  const [scheme, host] = pick(HOSTS);
  let p = pick(PATHS)();
  if (chance(0.15)) p += '/';
  const method = pick(['GET', 'POST', 'PUT', 'DELETE']);
  const queryParams = randQueryParams();
  const headers = {};
  let data;
  let unsignedPayload = false;
  if (method === 'POST' || method === 'PUT' || (method === 'DELETE' && chance(0.3))) {
    data = chance(0.1) ? [randJson(1), randJson(1)] : { ...randJson(0), seq: i };
    if (typeof data !== 'object' || data === null) data = { value: data };
    if (chance(0.06)) {
      headers['Content-Type'] = pick(['text/plain', 'application/octet-stream']);
      headers['X-Sdk-Content-Sha256'] = 'UNSIGNED-PAYLOAD';
      unsignedPayload = true;
    } else {
      headers['Content-Type'] = 'application/json';
    }
  } else if (chance(0.3)) {
    headers['Content-Type'] = 'application/json';
  }
  if (chance(0.5)) headers['X-Domain-Id'] = randStr(HEX, 32, 32);
  else if (chance(0.2)) headers['X-Project-Id'] = randStr(HEX, 32, 32);
  if (chance(0.3)) headers['X-Security-Token'] = randStr(ALNUM + '+/=-_', 40, 300);
  if (chance(0.2)) headers['X-Language'] = pick(['zh_CN', 'en_US']);
  const date = sdkDate();
  headers['X-Sdk-Date'] = date;
  const ak = randStr(ALNUM.slice(0, 36), 20, 20);
  const sk = randStr(ALNUM, chance(0.1) ? 65 : 40, chance(0.1) ? 100 : 40);
  return { scheme, host, path: p, method, queryParams, headers, data, date, ak, sk, unsignedPayload };
}

// ---- the official signer ----
function sdkSign(r) {
  const request = {
    endpoint: `${r.scheme}://${r.host}${r.path}`,
    method: r.method,
    headers: { ...r.headers },
    queryParams: JSON.parse(JSON.stringify(r.queryParams)),
    data: r.data,
  };
  const cred = new GlobalCredentials().withAk(r.ak).withSk(r.sk);
  return AKSKSigner.sign(request, cred); // all signed headers + Authorization
}

function toolLine(r, sent, overrides = {}) {
  const query = r.wireQuery;
  return {
    method: r.method,
    url: `${r.scheme}://${r.host}${r.path}${query ? '?' + query : ''}`,
    headers: sent,
    body: r.data === undefined ? '' : JSON.stringify(r.data),
    ak: r.ak,
    sk: r.sk,
    sdk_date: r.date,
    ...overrides,
  };
}

// One-byte (or one-field) alterations after signing.
function changeChar(s, allowed) {
  const chars = Array.from(s);
  const idx = int(chars.length);
  let c;
  do c = pick(Array.from(allowed)); while (c === chars[idx]);
  chars[idx] = c;
  return chars.join('');
}
function tamper(r, line, kind) {
  const t = JSON.parse(JSON.stringify(line));
  const u = new URL(t.url);
  switch (kind) {
    case 'path': {
      const segs = r.path.split('/');
      let si;
      do si = int(segs.length); while (!segs[si]);
      segs[si] = changeChar(segs[si], ALNUM);
      t.url = `${r.scheme}://${r.host}${segs.join('/')}${u.search}`;
      return t;
    }
    case 'query': {
      const params = JSON.parse(JSON.stringify(r.queryParams));
      const keys = Object.keys(params);
      if (keys.length === 0 || chance(0.2)) {
        params[pick(KEYS)] = 'added';
      } else {
        const k = pick(keys);
        const v = params[k];
        const alter = (x) => (x === '' ? 'x' : changeChar(x, ALNUM + 'é '));
        if (Array.isArray(v)) {
          const j = int(v.length);
          v[j] = alter(v[j]);
        } else params[k] = alter(v);
      }
      const q = wireQuery(params);
      t.url = `${r.scheme}://${r.host}${r.path}${q ? '?' + q : ''}`;
      return t;
    }
    case 'body': {
      const b = Buffer.from(t.body, 'utf8');
      const i = int(b.length);
      b[i] = b[i] === 0x20 ? 0x21 : b[i] ^ 0x01;
      t.body = b.toString('latin1') === b.toString('utf8') ? b.toString('utf8') : t.body.replace(/.$/su, '~');
      if (t.body === line.body) t.body = line.body + ' ';
      return t;
    }
    case 'header': {
      const names = Object.keys(t.headers).filter(
        (h) => !/^(authorization|x-sdk-date|x-sdk-content-sha256)$/i.test(h));
      const h = pick(names);
      t.headers[h] = changeChar(t.headers[h], ALNUM);
      return t;
    }
    case 'date': {
      const d = t.headers['X-Sdk-Date'];
      const last = Number(d[14]);
      t.headers['X-Sdk-Date'] = d.slice(0, 14) + String((last + 1 + int(8)) % 10) + 'Z';
      t.now = d; // keep the server clock at the signing time
      return t;
    }
    case 'method': {
      t.method = pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((m) => m !== r.method));
      return t;
    }
    default:
      throw new Error(kind);
  }
}

// ---- self-check of the harness: the SDK reproduces the public vectors ----
function vectorChecks() {
  const dir = process.env.BSSFS_SHARED_DIR ??
    path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../shared');
  const file = path.join(dir, 'signing', 'vectors.json');
  const out = [];
  let cases;
  try {
    cases = JSON.parse(readFileSync(file, 'utf8')).cases;
  } catch (e) {
    console.log(`note: ${file} not readable, vector self-check skipped`);
    return out;
  }
  for (const c of cases) {
    const u = new URL(c.url);
    const queryParams = {};
    for (const piece of u.search.slice(1).split('&').filter(Boolean)) {
      const eq = piece.indexOf('=');
      const k = decodeURIComponent(eq < 0 ? piece : piece.slice(0, eq));
      const v = eq < 0 ? '' : decodeURIComponent(piece.slice(eq + 1));
      if (k in queryParams) queryParams[k] = [].concat(queryParams[k], v);
      else queryParams[k] = v;
    }
    const request = {
      endpoint: `${u.protocol}//${u.host}${u.pathname}`,
      method: c.method,
      headers: { ...c.headers, 'X-Sdk-Date': c.sdk_date },
      queryParams,
      data: c.body ? JSON.parse(c.body) : undefined,
    };
    const got = AKSKSigner.sign(request, new GlobalCredentials().withAk(c.ak).withSk(c.sk));
    out.push({ name: `vector ${c.name}`, ok: got.Authorization === c.expected.authorization,
      detail: `sdk ${got.Authorization}\nwant ${c.expected.authorization}` });
  }
  return out;
}

// ---- run ----
console.log(`interop: seed ${seed} (rerun with --seed ${seed} or INTEROP_SEED=${seed}), ${count} requests`);
const KINDS = ['path', 'query', 'body', 'header', 'date', 'method'];
const reqs = [];
const lines = [];
for (let i = 0; i < count; i++) {
  const r = randRequest(i);
  r.wireQuery = wireQuery(r.queryParams);
  let sent;
  try {
    sent = sdkSign(r);
  } catch (e) {
    reqs.push({ r, error: `SDK threw: ${e.message}` });
    continue;
  }
  const base = toolLine(r, sent);
  const kinds = shuffle(KINDS.filter((k) => k !== 'body' || (base.body && !r.unsignedPayload)));
  const tampered = kinds.slice(0, 2).map((k) => ({ kind: k, line: tamper(r, base, k) }));
  const entry = { r, sdkAuth: sent.Authorization, base, tampered, first: lines.length };
  lines.push(base, ...tampered.map((t) => t.line));
  reqs.push(entry);
}

const res = spawnSync(tool, [], {
  input: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
  maxBuffer: 1 << 30,
  encoding: 'utf8',
});
if (res.status !== 0 || res.error) {
  console.error(`sign-tool failed: status ${res.status} ${res.error ?? ''}\n${res.stderr}`);
  console.log(`interop: 0 passed, ${count} failed`);
  process.exit(1);
}
const outs = res.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
if (outs.length !== lines.length) {
  console.error(`sign-tool answered ${outs.length} lines for ${lines.length}`);
  console.log(`interop: 0 passed, ${count} failed`);
  process.exit(1);
}

let passed = 0;
let failed = 0;
const stats = { signMatch: 0, verifyOk: 0, tamperRejected: 0, tampers: 0 };
const byKind = {};
const fail = (what, detail) => {
  failed++;
  if (failed <= 25) console.log(`FAIL ${what}\n  ${detail.replace(/\n/g, '\n  ')}`);
};
for (const v of vectorChecks()) {
  if (v.ok) passed++;
  else fail(v.name, v.detail);
}
reqs.forEach((e, i) => {
  if (e.error) {
    fail(`request #${i}`, e.error);
    return;
  }
  const problems = [];
  const o = outs[e.first];
  if (o.authorization === e.sdkAuth) stats.signMatch++;
  else problems.push(`authorization differs\n  sdk: ${e.sdkAuth}\n  ours: ${o.authorization}` +
    `\n  our canonical request:\n    ${String(o.canonical_request).replace(/\n/g, '\n    ')}`);
  if (o.verify === 'ok') stats.verifyOk++;
  else problems.push(`our verifier rejected the SDK's signature: ${o.verify}`);
  e.tampered.forEach((t, j) => {
    const to = outs[e.first + 1 + j];
    stats.tampers++;
    byKind[t.kind] = (byKind[t.kind] ?? 0) + 1;
    if (to.verify !== 'ok') stats.tamperRejected++;
    else problems.push(`altered request (${t.kind}) was accepted: ${JSON.stringify(t.line)}`);
  });
  if (problems.length === 0) passed++;
  else fail(`request #${i} ${e.base.method} ${e.base.url}`,
    `${problems.join('\n')}\n  input: ${JSON.stringify(e.base)}`);
});
if (failed > 25) console.log(`... ${failed - 25} more failures not shown`);
console.log(`interop: authorization identical ${stats.signMatch}/${reqs.length}, ` +
  `SDK signature accepted ${stats.verifyOk}/${reqs.length}, ` +
  `altered requests rejected ${stats.tamperRejected}/${stats.tampers} ` +
  `(${Object.entries(byKind).map(([k, n]) => `${k} ${n}`).join(', ')})`);
console.log(`interop: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
