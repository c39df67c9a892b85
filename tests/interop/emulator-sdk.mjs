// bss-emulator against Huawei's official Node.js SDK core signer
// (AKSKSigner of @huaweicloud/huaweicloud-sdk-core 3.1.211).
//
// usage: node tests/interop/emulator-sdk.mjs BUILD_DIR/bss-emulator
//
// Starts the emulator (real clock, --rps 0, its own AK/SK), signs requests
// with AKSKSigner.sign exactly as the SDK's HTTP layer would send them
// (structured query params, JSON.stringify(data) as the body, GlobalCredentials'
// X-Domain-Id header), and checks that:
//   - every SDK-signed request to BSS, EPS and IAM paths passes the
//     gateway (not 401/403);
//   - the same requests with bytes altered after signing (path, query,
//     body, a signed header, the date) and one signed with a wrong SK are
//     rejected with 401 APIGW.0301, and the emulator counted each of them
//     in /_emulator/stats signature_failures.
// Last line: "emulator-sdk: N passed, N failed"; exit status 0 when none
// failed.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner');

const AK = 'NODEINTEROPAK0000001';
const SK = 'NodeInteropSecretKey00000000000000000001';
const DOMAIN = '0123456789abcdef0123456789abcdef';

const emulator = process.argv[2];
if (!emulator || !existsSync(emulator)) {
  console.error('usage: node emulator-sdk.mjs PATH/TO/bss-emulator');
  console.log('emulator-sdk: 0 passed, 1 failed');
  process.exit(2);
}

let passed = 0;
let failed = 0;
function check(ok, name, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}${detail ? ': ' + detail : ''}`);
  }
}

// ---- start the emulator ----
const dir = mkdtempSync(path.join(tmpdir(), 'emu-sdk-'));
const portFile = path.join(dir, 'port');
const child = spawn(emulator, ['--ak', AK, '--sk', SK, '--domain-id', DOMAIN, '--rps', '0',
  '--scale', 'tiny', '--port-file', portFile, '--log-level', 'warn'],
{ stdio: ['ignore', 'inherit', 'inherit'] });
function stop() {
  try { child.kill('SIGTERM'); } catch { /* gone */ }
  rmSync(dir, { recursive: true, force: true });
}
process.on('exit', stop);

async function waitPort() {
  for (let i = 0; i < 100; i++) {
    if (existsSync(portFile)) {
      const t = readFileSync(portFile, 'utf8').trim();
      if (t) return Number(t);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('emulator did not write its port file');
}
const port = await waitPort();
const host = `127.0.0.1:${port}`;

// ---- the SDK's signing, and sending what it signed ----
function wireQuery(params) {
  return Object.keys(params).map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(params[k])}`)
    .join('&');
}

// Signs like the SDK: returns {method, path, query, headers, body}.
function sdkSign({ method, path: p, query = {}, data, sk = SK }) {
  const headers = { 'X-Domain-Id': DOMAIN };
  if (data !== undefined) headers['Content-Type'] = 'application/json';
  const request = { endpoint: `http://${host}${p}`, method, headers, queryParams: query, data };
  const signed = AKSKSigner.sign(request, { getAk: () => AK, getSk: () => sk });
  return {
    method, path: p, query: wireQuery(query), headers: signed,
    body: data !== undefined ? JSON.stringify(data) : undefined,
  };
}

function send(req) {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = Buffer.byteLength(req.body);
    const r = http.request({
      host: '127.0.0.1', port, method: req.method,
      path: req.path + (req.query ? `?${req.query}` : ''), headers,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, text, headers: res.headers }));
    });
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

function errorCode(text) {
  try {
    const o = JSON.parse(text);
    return o.error_code ?? o.error?.error_code;
  } catch {
    return undefined;
  }
}

const now = new Date();
const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
const cycle = `${last.getUTCFullYear()}-${String(last.getUTCMonth() + 1).padStart(2, '0')}`;

const cases = [
  { name: 'ShowCustomerAccountBalances', method: 'GET', path: '/v2/accounts/customer-accounts/balances' },
  { name: 'ShowCustomerMonthlySum', method: 'GET', path: '/v2/bills/customer-bills/monthly-sum',
    query: { bill_cycle: cycle, limit: 10, offset: 0 } },
  { name: 'ListCustomerselfResourceRecords', method: 'GET', path: '/v2/bills/customer-bills/res-fee-records',
    query: { cycle, statistic_type: 3, offset: 0, limit: 10, include_zero_record: true } },
  { name: 'ListFreeResourceInfos (POST body)', method: 'POST', path: '/v3/payments/free-resources/query',
    data: { offset: 0, limit: 10 } },
  { name: 'ListEnterpriseProject (EPS)', method: 'GET', path: '/v1.0/enterprise-projects',
    query: { limit: 10, offset: 0, name: 'a b/c*~' } },
  { name: 'KeystoneListAuthDomains (IAM)', method: 'GET', path: '/v3/auth/domains' },
];

try {
  for (const c of cases) {
    const r = await send(sdkSign(c));
    // Accepted by the gateway: anything but 401. What the account answers
    // next (200, or its own 4xx) is not this test's concern; the stats
    // check below also proves none of these counted as a signature failure.
    check(r.status !== 401 && r.status !== 403, `SDK-signed ${c.name} accepted (HTTP ${r.status})`,
      `${r.status} ${r.text.slice(0, 200)}`);
    check(/^[0-9a-f]{32}$/.test(r.headers['x-request-id'] ?? ''), `${c.name} has X-Request-Id`);
  }

  // Tampered after signing.
  const base = { method: 'GET', path: '/v2/bills/customer-bills/monthly-sum', query: { bill_cycle: cycle } };
  const post = { method: 'POST', path: '/v3/payments/free-resources/query', data: { offset: 0, limit: 10 } };
  const eps = { method: 'GET', path: '/v1.0/enterprise-projects/0' };
  const tampers = [
    ['path', () => ({ ...sdkSign(eps), path: '/v1.0/enterprise-projects/1' })],
    ['query', () => ({ ...sdkSign(base), query: wireQuery({ bill_cycle: '2020-01' }) })],
    ['body', () => ({ ...sdkSign(post), body: JSON.stringify({ offset: 0, limit: 11 }) })],
    ['body whitespace', () => ({ ...sdkSign(post), body: '{"offset": 0, "limit": 10}' })],
    ['signed header', () => {
      const s = sdkSign(post);
      return { ...s, headers: { ...s.headers, 'Content-Type': 'application/json;charset=UTF-8' } };
    }],
    ['date', () => {
      const s = sdkSign(base);
      const d = s.headers['X-Sdk-Date'];
      const bumped = d.slice(0, 14) + String((Number(d[14]) + 1) % 10) + 'Z';
      return { ...s, headers: { ...s.headers, 'X-Sdk-Date': bumped } };
    }],
    ['wrong SK', () => sdkSign({ ...base, sk: 'NotTheSecretKey' })],
  ];
  for (const [what, make] of tampers) {
    const r = await send(make());
    check(r.status === 401 && errorCode(r.text) === 'APIGW.0301', `tampered ${what} rejected`,
      `${r.status} ${r.text.slice(0, 200)}`);
  }
  const stats = JSON.parse((await send({ method: 'GET', path: '/_emulator/stats', headers: {} })).text);
  check(stats.signature_failures === tampers.length, 'stats count every signature failure',
    JSON.stringify(stats).slice(0, 300));
} catch (e) {
  check(false, 'run', String(e?.stack ?? e));
}
console.log(`emulator-sdk: ${passed} passed, ${failed} failed`);
stop();
process.exit(failed ? 1 : 0);
