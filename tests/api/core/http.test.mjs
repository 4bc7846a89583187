// The HTTP surface every resource shares: health, errors as problem+json,
// limits, methods, static files and their headers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

import { startServer, api, checkedFetch, login, sql, psqlSession, until } from '../helpers.mjs';

let srv;
let token;
before(async () => {
  srv = await startServer({ env: { REGISTRY_BODY_LIMIT: '4096' } });
  token = await login(srv.base);
});
after(async () => { assert.equal(await srv.stop(), 0, 'server exits cleanly on SIGTERM'); });

function assertProblem(r, status, detailPart, code) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  if (code) assert.equal(r.body.code, code);
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(r.body.status, status);
  assert.equal(typeof r.body.title, 'string');
  assert.match(r.body.type, /^\/problems\/[a-z-]+$/);
  if (detailPart) assert.match(r.body.detail, detailPart);
}

test('healthz and readyz answer without a session', async () => {
  const h = await api(srv.base, 'GET', '/healthz');
  assert.equal(h.status, 200);
  assert.deepEqual(h.body, { status: 'ok' });
  const r = await api(srv.base, 'GET', '/readyz');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ready');
  assert.equal(r.body.migrations.pending, 0);
  assert.ok(r.body.migrations.applied >= 1);
});

test('every reply carries a request id, echoed when the client sent one', async () => {
  const a = await api(srv.base, 'GET', '/healthz');
  assert.match(a.headers.get('x-request-id'), /^[0-9a-f]{32}$/);
  const b = await api(srv.base, 'GET', '/healthz', { headers: { 'x-request-id': 'trace-42' } });
  assert.equal(b.headers.get('x-request-id'), 'trace-42');
  const c = await api(srv.base, 'GET', '/healthz', { headers: { 'x-request-id': 'bad id <script>' } });
  assert.notEqual(c.headers.get('x-request-id'), 'bad id <script>');
});

test('headers as large as browsers send are read; past the connection memory, 431', async () => {
  // Three cookies at a browser's 4 KiB limit each, and large headers in all.
  const cookie = ['a', 'b', 'c'].map((k) => `${k}=${'x'.repeat(4000)}`).join('; ');
  const r = await api(srv.base, 'GET', '/api/v1/me', { token, headers: { cookie } });
  assert.equal(r.status, 200);
  const many = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x-big-${i}`, 'y'.repeat(4000)]));
  assert.equal((await api(srv.base, 'GET', '/api/v1/me', { token, headers: many })).status, 200);
  // libmicrohttpd's own page, before the request reaches the API
  // (docs/security.md): plain fetch, not the contract's checks.
  const huge = await fetch(srv.base + '/api/v1/me', { headers: { cookie: 'x'.repeat(40000) } });
  assert.equal(huge.status, 431);
});

test('unknown routes are 404 problems', async () => {
  assertProblem(await api(srv.base, 'GET', '/api/v1/nothing-here', { token }), 404, /nothing-here/,
    'request.not_found');
  assertProblem(await api(srv.base, 'GET', '/api/v2/organizations', { token }), 404, undefined,
    'request.not_found');
});

test('a wrong method is 405 with Allow', async () => {
  const r = await api(srv.base, 'DELETE', '/api/v1/organizations/1', { token });
  assertProblem(r, 405, undefined, 'request.method_not_allowed');
  assert.equal(r.headers.get('allow'), 'GET, HEAD, PATCH');
  const s = await api(srv.base, 'PUT', '/api/v1/organizations', { token });
  assert.equal(s.headers.get('allow'), 'GET, HEAD, POST');
});

test('malformed JSON is a 400 naming the position', async () => {
  const r = await api(srv.base, 'POST', '/api/v1/organizations', {
    token, raw: '{"name": "x",', headers: { 'content-type': 'application/json' },
  });
  assertProblem(r, 400, /not valid JSON.*line 1/, 'request.invalid_json');
  assert.equal(r.body.line, 1);
  assert.equal(typeof r.body.column, 'number');
});

test('a body that is not an object is a 400', async () => {
  const r = await api(srv.base, 'POST', '/api/v1/organizations', { token, body: ['a'] });
  assertProblem(r, 400, /JSON object/);
});

test('duplicate keys are refused rather than guessed', async () => {
  const r = await api(srv.base, 'POST', '/api/v1/organizations', {
    token, raw: '{"name":"a","name":"b","kind":"vendor"}', headers: { 'content-type': 'application/json' },
  });
  assertProblem(r, 400, /duplicate/);
});

test('a body that is not JSON is a 415', async () => {
  const r = await api(srv.base, 'POST', '/api/v1/organizations', {
    token, raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assertProblem(r, 415, /application\/json/, 'request.unsupported_media_type');
  assert.equal(r.body.expected, 'application/json');
});

test('a body over the limit is a 413, announced or chunked', async () => {
  const big = JSON.stringify({ name: 'x'.repeat(5000), kind: 'vendor' });
  const r = await api(srv.base, 'POST', '/api/v1/organizations', { token, body: JSON.parse(big) });
  assertProblem(r, 413, /4096 bytes/, 'request.body_too_large');
  assert.equal(r.body.limit_bytes, 4096);
  // Without Content-Length: a stream, sent chunked.
  const stream = new ReadableStream({
    start(c) { for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('x'.repeat(1000))); c.close(); },
  });
  const res = await checkedFetch(srv.base, '/api/v1/organizations', {
    method: 'POST', body: stream, duplex: 'half',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  assert.equal(res.status, 413);
  const p = await res.json();
  assert.equal(p.type, '/problems/payload-too-large');
  assert.equal(p.code, 'request.body_too_large');
  assert.equal(p.limit_bytes, 4096);
  // Nothing was written by either.
  const list = await api(srv.base, 'GET', '/api/v1/organizations', { token });
  assert.equal(list.body.items.length, 1);
});

test('unknown query parameters and bad limits are 400s', async () => {
  assertProblem(await api(srv.base, 'GET', '/api/v1/organizations?colour=red', { token }), 400, /colour/);
  assertProblem(await api(srv.base, 'GET', '/api/v1/organizations?limit=0', { token }), 400, /limit/);
  assertProblem(await api(srv.base, 'GET', '/api/v1/organizations?limit=501', { token }), 400, /limit/);
  assertProblem(await api(srv.base, 'GET', '/api/v1/organizations?cursor=zzz', { token }), 400, /cursor/);
  const kind = await api(srv.base, 'GET', '/api/v1/organizations?kind=pirate', { token });
  assertProblem(kind, 400, /kind/, 'query.invalid');
  assert.equal(kind.body.parameter, 'kind');
  assertProblem(await api(srv.base, 'GET', '/api/v1/organizations?active=maybe', { token }), 400, /active/);
});

test('an id that is not a number names no record', async () => {
  assertProblem(await api(srv.base, 'GET', '/api/v1/organizations/abc', { token }), 404, undefined,
    'record.not_found');
  const missing = await api(srv.base, 'GET', '/api/v1/organizations/99999', { token });
  assertProblem(missing, 404, /99999/, 'organization.not_found');
  assert.equal(missing.body.id, 99999);
});

test('static files: index at /, content types, CSP without inline script', async () => {
  const res = await fetch(srv.base + '/');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  const csp = res.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  const html = await res.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script in index.html');
  const js = await fetch(srv.base + '/js/main.js');
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
});

test('static serving refuses to leave static/', async () => {
  for (const p of ['/../Makefile', '/%2e%2e/Makefile', '/.hidden', '/nope.html']) {
    const res = await fetch(srv.base + p);
    assert.equal(res.status, 404, p);
  }
  const post = await fetch(srv.base + '/index.html', { method: 'POST' });
  assert.equal(post.status, 405);
});

test('the server reconnects after its database connections are cut', async () => {
  const before = await api(srv.base, 'GET', '/api/v1/organizations', { token });
  assert.equal(before.status, 200);
  // What a database restart does to the server's connections.
  const cut = sql(srv.db, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()`);
  assert.ok(Number(cut[0]) >= 1, 'connections were cut');
  for (let i = 0; i < 8; i++) {
    const r = await api(srv.base, 'GET', '/api/v1/organizations', { token });
    assert.equal(r.status, 200, `read ${i} after the cut: ${JSON.stringify(r.body)}`);
  }
  sql(srv.db, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()`);
  const w = await api(srv.base, 'POST', '/api/v1/organizations', { token, body: { name: 'After the cut', kind: 'vendor' } });
  assert.equal(w.status, 201, 'a write after the cut');
});

// The claim of a key whose first request still runs is made here in SQL,
// with the hash the server computes (method, path, each NUL-ended; body),
// by a connection that stays open as the request's would, so that no race
// is needed.
test('a request whose Idempotency-Key is still running gets 409 with Retry-After', async () => {
  const body = JSON.stringify({ purchase_order_id: 999999 });
  const hash = createHash('sha256').update('POST\0/api/v1/deliveries\0').update(body).digest('hex');
  const holder = psqlSession(srv.db);
  holder.run(`INSERT INTO idempotency_keys (user_id, key, request_hash, holder_pid, holder_started)
    SELECT id, 'running-1', '\\x${hash}', pg_backend_pid(),
           (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid())
      FROM users WHERE email = 'admin@localhost'`);
  await until(srv.db, "EXISTS (SELECT 1 FROM idempotency_keys WHERE key = 'running-1')");
  const r = await api(srv.base, 'POST', '/api/v1/deliveries', {
    token, raw: body, headers: { 'content-type': 'application/json', 'idempotency-key': 'running-1' },
  });
  assert.equal(r.status, 409, JSON.stringify(r.body));
  assert.match(r.body.detail, /still running/);
  assert.equal(r.headers.get('retry-after'), '1');
  assert.equal(await holder.end(), 0);
});

// A claim whose connection is gone (no backend has its pid and start)
// belongs to a request that died: free at once, unless the request's
// writes committed, which it must never make twice.
test('a claim whose connection is gone is taken again, unless its writes committed', async () => {
  const body = JSON.stringify({ name: 'Orphaned claim', kind: 'vendor' });
  const hash = createHash('sha256').update('POST\0/api/v1/organizations\0').update(body).digest('hex');
  const claim = (key, committed) => sql(srv.db, `INSERT INTO idempotency_keys
      (user_id, key, request_hash, holder_pid, holder_started, committed)
    SELECT id, '${key}', '\\x${hash}', 0, now(), ${committed} FROM users WHERE email = 'admin@localhost'`);
  const send = (key) => api(srv.base, 'POST', '/api/v1/organizations', {
    token, raw: body, headers: { 'content-type': 'application/json', 'idempotency-key': key },
  });
  claim('orphan-1', false);
  const r = await send('orphan-1');
  assert.equal(r.status, 201, JSON.stringify(r.body));
  claim('orphan-2', true);
  const again = await send('orphan-2');
  assert.equal(again.status, 409, JSON.stringify(again.body));
  assert.equal(again.body.code, 'idempotency.in_flight');
  assert.deepEqual(sql(srv.db, "SELECT count(*) FROM organizations WHERE name = 'Orphaned claim'"), ['1']);
});
