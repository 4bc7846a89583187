// Input a client controls never breaks a reply or the log: text that is
// not UTF-8, encoded NULs, line breaks in a path; refusals without a body
// keep the connection open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from '../helpers.mjs';

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
  await sleep(200);
  sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  await sleep(200);
  assert.match(data, /^HTTP\/1\.1 401 /);
  assert.doesNotMatch(data, /Connection: close/i);
  assert.match(data, /HTTP\/1\.1 200 OK/, 'the second request was answered on the same connection');
  sock.destroy();
});
