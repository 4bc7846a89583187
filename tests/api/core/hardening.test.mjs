// Input a client controls never breaks a reply or the log: text that is
// not UTF-8, encoded NULs, line breaks in a path; refusals without a body
// keep the connection open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, login, sql } from '../helpers.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

// One raw request; resolves with the status line, headers and body.
function raw(lines) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(new URL(srv.base).port), '127.0.0.1');
    const chunks = [];
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', reject);
    sock.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head, body] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), head, body });
    });
    sock.end(Buffer.concat([Buffer.from(lines, 'latin1'), Buffer.from('Connection: close\r\n\r\n')]));
  });
}

test('a path, query or header that is not UTF-8, or holds %00, is a 400 problem', async () => {
  const cases = [
    'GET /%ff HTTP/1.1\r\nHost: x\r\n',
    'GET /api/v1/users/%ff HTTP/1.1\r\nHost: x\r\n',
    'GET /api/v1/gpu-models?%ff=1 HTTP/1.1\r\nHost: x\r\n',
    'GET /api/v1/gpu-models?q=%c0%80 HTTP/1.1\r\nHost: x\r\n',
    'GET /healthz%00.html HTTP/1.1\r\nHost: x\r\n',
    'GET /healthz?x=%00 HTTP/1.1\r\nHost: x\r\n',
    'GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\n',
  ];
  for (const c of cases) {
    const r = await raw(c);
    assert.equal(r.status, 400, c);
    assert.match(r.head, /Content-Type: application\/problem\+json/i, c);
    const p = JSON.parse(r.body);
    assert.equal(p.status, 400);
    assert.match(p.detail, /UTF-8/);
  }
  // Valid UTF-8, encoded, is fine (Korean text in a query).
  const ok = await raw('GET /healthz?q=%EC%84%9C%EC%9A%B8 HTTP/1.1\r\nHost: x\r\n');
  assert.equal(ok.status, 200);
});

test('every log line is one JSON object, whatever the path held', async () => {
  await raw('GET /api/v1/x%0a{"level":"forged"}%0d%0a HTTP/1.1\r\nHost: x\r\n');
  await sleep(100);
  const lines = srv.log().trim().split('\n');
  let seen = false;
  for (const l of lines) {
    const o = JSON.parse(l);
    assert.ok(o.level === 'info' || o.level === 'warning', l);
    assert.notEqual(o.level, 'forged');
    if (o.path === '/api/v1/x\n{"level":"forged"}\r\n') {
      seen = true;
      assert.equal(o.status, 404);
      assert.match(o.request_id, /^[0-9a-f]{32}$/);
    }
  }
  assert.ok(seen, 'the request was logged with its path escaped');
});

test('a refusal of a request without a body keeps the connection open', async () => {
  const sock = net.connect(Number(new URL(srv.base).port), '127.0.0.1');
  let data = '';
  sock.on('data', (d) => { data += d; });
  sock.write('GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n');
  for (let i = 0; i < 100 && !data.includes('}'); i++) await sleep(50);
  sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  for (let i = 0; i < 100 && !data.includes('200 OK'); i++) await sleep(50);
  assert.match(data, /^HTTP\/1\.1 401 /);
  assert.doesNotMatch(data, /Connection: close/i);
  assert.match(data, /HTTP\/1\.1 200 OK/, 'the second request was answered on the same connection');
  sock.destroy();
});

test('SIGTERM: no new connections, the request under way finishes and is answered', async () => {
  const own = await startServer();
  const token = await login(own.base);
  const port = Number(new URL(own.base).port);
  const body = JSON.stringify({ name: 'Drained programme', budget_krw: 1000, starts_on: '2026-01-01', ends_on: '2026-12-31' });
  const sock = net.connect(port, '127.0.0.1');
  let reply = '';
  sock.on('data', (d) => { reply += d; });
  sock.write(`POST /api/v1/programs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` + body.slice(0, 10));
  await sleep(300);
  const exited = new Promise((resolve) => own.child.once('exit', (code) => resolve(code)));
  process.kill(own.pid, 'SIGTERM');
  await sleep(300);
  const refused = await new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve(false); });
    s.on('error', (e) => resolve(e.code === 'ECONNREFUSED'));
  });
  assert.ok(refused, 'a new connection is refused while draining');
  sock.write(body.slice(10));
  assert.equal(await exited, 0, 'the server exits cleanly once the request is answered');
  assert.match(reply, /^HTTP\/1\.1 201 /, reply);
  assert.match(reply, /Connection: close/i);
  assert.deepEqual(sql(own.db, "SELECT count(*) FROM programs WHERE name = 'Drained programme'"), ['1']);
});

// Opens a connection that sends the start of a request line and waits.
function lingering(base) {
  const sock = net.connect(Number(new URL(base).port), '127.0.0.1');
  const c = { sock, closed: false };
  sock.on('close', () => { c.closed = true; });
  sock.on('error', () => {});
  sock.write('GET /healthz HTTP/1.1\r\n');
  return c;
}

test('headers must come within the header timeout, however slowly they trickle', async () => {
  const own = await startServer({ env: { REGISTRY_HEADER_TIMEOUT: '2' } });
  try {
    const c = lingering(own.base);
    const started = Date.now();
    for (let i = 0; i < 40 && !c.closed; i++) {
      c.sock.write(`X-Slow-${i}: 1\r\n`);     // a byte now and then keeps MHD's idle timer young
      await sleep(250);
    }
    assert.ok(c.closed, 'the server dropped the slow sender');
    assert.ok(Date.now() - started < 6000);
    assert.equal((await fetch(`${own.base}/healthz`)).status, 200);
  } finally { await own.stop(); }
});

test('near the connection limit, the longest-waiting connections make room for a new client', async () => {
  const own = await startServer({
    env: { REGISTRY_MAX_CONNECTIONS: '40', REGISTRY_HEADER_TIMEOUT: '60', REGISTRY_THREADS: '2' },
  });
  const crowd = [];
  try {
    // 20 ms apart: connections opened in the same millisecond have no
    // order of age, as each worker registers its own as it wakes.
    for (let i = 0; i < 40; i++) { crowd.push(lingering(own.base)); await sleep(20); }
    await sleep(500);
    const res = await fetch(`${own.base}/healthz`, { signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 200, 'a new client is served');
    const dropped = crowd.filter((c) => c.closed).length;
    assert.ok(dropped >= 4 && dropped < 40, `${dropped} of the crowd were closed, oldest first`);
    assert.ok(crowd[0].closed, 'the oldest went first');
    assert.ok(!crowd[39].closed, 'the newest stays');
  } finally {
    for (const c of crowd) c.sock.destroy();
    await own.stop();
  }
});

test('static files revalidate with their ETag; the API is never stored', async () => {
  const first = await fetch(`${srv.base}/`);
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('cache-control'), 'no-cache');
  const etag = first.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+(-gz)?"$/, 'the gzip twin has an ETag of its own');
  const again = await fetch(`${srv.base}/`, { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.headers.get('etag'), etag);
  assert.equal(again.headers.get('cache-control'), 'no-cache');
  assert.equal(await again.text(), '');
  const api = await fetch(`${srv.base}/api/v1/me`);
  assert.equal(api.headers.get('cache-control'), 'no-store');
});

test('/readyz without the database says so, and claims nothing about migrations', async () => {
  const own = await startServer();
  const name = own.db.name;
  const other = { url: own.db.url.replace(`dbname=${name}`, 'dbname=postgres') };
  try {
    sql(other, `ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
    sql(other, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
    const r = await fetch(`${own.base}/readyz`);
    assert.equal(r.status, 503);
    const body = await r.json();
    assert.equal(body.database, 'unreachable');
    assert.deepEqual(body.migrations, { applied: null, pending: null });
  } finally {
    sql(other, `ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
    await own.stop();
  }
});
