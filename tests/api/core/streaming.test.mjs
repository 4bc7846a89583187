// Streaming both ways: bodies are admitted before a byte is read, stream
// to a private file with their hash, and slow or stalled senders are
// dropped with their file removed; downloads are produced from the
// database as the client reads, and a client that leaves frees its
// database connection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, api, login, sql, sqlAsync, eventually } from '../helpers.mjs';
import { person } from '../fixtures.mjs';
import { seedAssetsAsync } from '../seed.mjs';

// srv has tight body limits and a 2 s idle limit; dl, for downloads, one
// download connection and the usual timeouts.
let srv;
let dl;
let admin;
let dlAdmin;
let tenantToken;
before(async () => {
  srv = await startServer({
    env: {
      REGISTRY_BODY_GRACE_SECONDS: '1', REGISTRY_BODY_MIN_RATE: '2000',
      REGISTRY_CONNECTION_TIMEOUT: '2', REGISTRY_BODY_MEMORY_LIMIT: String(1 << 20),
    },
  });
  dl = await startServer({ env: { REGISTRY_EXPORT_CONNECTIONS: '1' } });
  admin = await login(srv.base);
  tenantToken = (await person(srv.base, admin, { email: 'lab@kist.re.kr', kind: 'institute', roles: ['tenant'] })).token;
  dlAdmin = await login(dl.base);
});
after(async () => { await srv.stop(); await dl.stop(); });

// A raw connection: what it received, and whether the server closed it.
function rawClient(server = srv) {
  const sock = net.connect(Number(new URL(server.base).port), '127.0.0.1');
  const c = { sock, data: '', closed: false };
  sock.on('data', (d) => { c.data += d; });
  sock.on('close', () => { c.closed = true; });
  sock.on('error', () => {});
  return c;
}

const until = (what, cond, ms = 8000) => eventually(what, cond, ms);

const uploads = () => readdirSync(srv.uploads);
const uploadHead = (length, token, extra = '') =>
  `POST /api/v1/deliveries/999999/units HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
  `Content-Type: text/csv\r\nContent-Length: ${length}\r\n` +
  (token ? `Authorization: Bearer ${token}\r\n` : '') + extra + '\r\n';

test('the upload folder is private', () => {
  assert.equal(statSync(srv.uploads).mode & 0o777, 0o700);
});

test('an unauthenticated or unauthorised body is refused before it is sent', async () => {
  const anon = rawClient();
  anon.sock.write(uploadHead(50 << 20, null));
  await until('the 401', () => anon.data.includes('\r\n\r\n'));
  assert.match(anon.data, /^HTTP\/1\.1 401 /);
  assert.deepEqual(uploads(), [], 'no file was made for it');
  anon.sock.destroy();

  const tenant = rawClient();
  tenant.sock.write(uploadHead(50 << 20, tenantToken));
  await until('the 403', () => tenant.data.includes('\r\n\r\n'));
  assert.match(tenant.data, /^HTTP\/1\.1 403 /);
  assert.deepEqual(uploads(), []);
  tenant.sock.destroy();

  // A JSON route: a signed-out body is not read either.
  const json = rawClient();
  json.sock.write('POST /api/v1/programs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    'Content-Length: 900000\r\n\r\n');
  await until('the 401', () => json.data.includes('\r\n\r\n'));
  assert.match(json.data, /^HTTP\/1\.1 401 /);
  json.sock.destroy();
});

test('a streamed body lives in a 0600 file for the request only', async () => {
  const c = rawClient();
  c.sock.write(uploadHead(100000, admin));
  c.sock.write('serial,model\n' + 'X'.repeat(30000));
  await until('the file', () => uploads().length === 1);
  const [name] = uploads();
  assert.equal(statSync(`${srv.uploads}/${name}`).mode & 0o777, 0o600);
  c.sock.write('Y'.repeat(100000 - 13 - 30000));
  await until('the answer', () => c.data.includes('\r\n\r\n'));
  assert.match(c.data, /^HTTP\/1\.1 404 /, 'the handler ran after the whole body');
  await until('the file to go', () => uploads().length === 0);
  c.sock.destroy();
});

test('a client that sends too slowly is dropped and its file removed', async () => {
  const c = rawClient();
  c.sock.write(uploadHead(100000, admin));
  for (let i = 0; i < 40 && !c.closed; i++) {
    c.sock.write('z'.repeat(100));
    await sleep(100);
  }
  assert.ok(c.closed, 'the server closed the connection');
  assert.equal(c.data, '', 'nothing was answered to a dropped upload');
  await until('the file to go', () => uploads().length === 0);
});

test('a client that stops sending is dropped and its file removed', async () => {
  const c = rawClient();
  c.sock.write(uploadHead(100000, admin));
  c.sock.write('serial,model\n' + 'A'.repeat(50000));
  await until('the file', () => uploads().length === 1);
  await until('the server to drop it', () => c.closed, 10000);
  await until('the file to go', () => uploads().length === 0);
});

// Bytes still queued in the kernel between a client socket and the
// server, both ways round (/proc/net/tcp: tx_queue of the client's end,
// rx_queue of the server's). 0 once the server has read all it was sent.
function queued(sock) {
  const hex = (port) => port.toString(16).toUpperCase().padStart(4, '0');
  const [me, server] = [hex(sock.localPort), hex(sock.remotePort)];
  let bytes = 0;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const [local, remote] = [f[1].split(':')[1], f[2].split(':')[1]];
    const [tx, rx] = f[4].split(':').map((x) => parseInt(x, 16));
    if (local === me && remote === server) bytes += tx;
    if (local === server && remote === me) bytes += rx;
  }
  return bytes;
}

// The held body must be in the server's memory before the second is
// sent: sent together, the second may take the memory first, and the
// held one is then the body refused (answered 503 only when it ends,
// which it never does). So the test waits until the server has read every
// byte of the held body, which it appends as it reads.
test('bodies held in memory are bounded all together: past it, 503', async () => {
  const hold = rawClient();
  await once(hold.sock, 'connect');
  hold.sock.write('POST /api/v1/programs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `Authorization: Bearer ${admin}\r\nContent-Length: 1000000\r\n\r\n`);
  hold.sock.write('{"name": "' + 'a'.repeat(600000));
  // A byte now and then keeps the held body alive past the idle timeout.
  const trickle = setInterval(() => hold.sock.write('a'), 500);
  const post = (ch) => api(srv.base, 'POST', '/api/v1/programs', {
    token: admin, raw: '{"name": "' + ch.repeat(600000) + '"}', headers: { 'content-type': 'application/json' },
  });
  try {
    await until('the server to read the held body', () => hold.sock.writableLength === 0 && queued(hold.sock) === 0);
    const second = await post('b');
    assert.equal(second.status, 503, 'the held body was not counted; it was answered: ' + JSON.stringify(hold.data.slice(0, 200)) +
      '\nthe server said:\n' + srv.log().split('\n').slice(-12).join('\n'));
    assert.equal(second.headers.get('retry-after'), '5');
    assert.equal(hold.data, '', 'the held request is still waiting for its body');
  } finally {
    clearInterval(trickle);
    hold.sock.destroy();
  }
  // Once the held request is gone, memory is free again.
  let third;
  await until('the memory to be free', async () => (third = await post('c')).status !== 503);
  assert.equal(third.status, 422);
});

// Rows of the register with cells a spreadsheet would run as formulas.
// Written without blocking the event loop (see sqlAsync).
async function seedRegister(count) {
  const ids = await seedAssetsAsync(dl.db, { count });
  await sqlAsync(dl.db, `BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
    UPDATE assets SET status = 'rma', status_reason = '=HYPERLINK("http://x.example","a, b")'
     WHERE id = ${ids[0]};
    UPDATE assets SET status = 'rma', status_reason = '@SUM(1)' WHERE id = ${ids[1]}; COMMIT;`);
  return ids;
}

const csvOf = (query = '') => fetch(`${dl.base}/api/v1/assets${query}`,
  { headers: { authorization: `Bearer ${dlAdmin}`, accept: 'text/csv' } });

test('GET /api/v1/assets as CSV: the whole filtered register, safe for spreadsheets', async () => {
  const ids = await seedRegister(3);
  const res = await csvOf(`?purchase_order_id=${sql(dl.db, `SELECT purchase_order_id FROM assets WHERE id = ${ids[0]}`)[0]}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="assets.csv"');
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte order mark');
  const lines = bytes.subarray(3).toString('utf8').split('\r\n');
  assert.equal(lines.at(-1), '', 'every record ends with CRLF');
  assert.equal(lines[0], 'id,serial,manufacturer,model,status,status_reason,warranty_ends_on,site_id,' +
    'site_name,tenant_id,tenant_name,program_id,vendor_id,vendor_name,purchase_order_id,' +
    'purchase_order_reference,delivery_id,accepted_at');
  assert.equal(lines.length, 1 + 3 + 1);
  const first = sql(dl.db, `SELECT a.serial, p.reference, a.vendor_id FROM assets a
      JOIN purchase_orders p ON p.id = a.purchase_order_id WHERE a.id = ${ids[0]}`)[0].split('|');
  assert.ok(lines[1].startsWith(`${ids[0]},${first[0]},NVIDIA,H100,rma,` +
    `"'=HYPERLINK(""http://x.example"",""a, b"")",`), lines[1]);
  assert.ok(lines[2].includes(`,rma,"'@SUM(1)",`), lines[2]);
  assert.ok(lines[3].startsWith(`${ids[2]},`) && lines[3].includes(',in_stock,,'), lines[3]);

  const rma = await (await csvOf(`?status=rma&vendor_id=${first[2]}`)).text();
  assert.equal(rma.split('\r\n').length, 1 + 2 + 1);
  assert.equal((await csvOf('?limit=10')).status, 400);
  const anon = await fetch(`${dl.base}/api/v1/assets`, { headers: { accept: 'text/csv' } });
  assert.equal(anon.status, 401);
});

const exportsRunning = () => Number(sql(dl.db, `SELECT count(*) FROM pg_stat_activity
   WHERE application_name = 'registry-export' AND state = 'active'
     AND backend_type = 'client backend'`)[0]);

test('an abandoned download frees its database connection', async () => {
  await seedRegister(150000);   // some 20 MB of CSV: more than loopback's socket buffers hold
  const total = Number(sql(dl.db, 'SELECT count(*) FROM assets')[0]);
  const c = rawClient(dl);
  c.sock.write(`GET /api/v1/assets HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\nAuthorization: Bearer ${dlAdmin}\r\n\r\n`);
  await until('the first rows', () => c.data.length > 0);
  c.sock.pause();                    // the client stops reading: the server waits on it
  await sleep(300);
  assert.equal(exportsRunning(), 1, 'the download holds its statement while the client is there');
  const busy = await csvOf();
  assert.equal(busy.status, 503, 'the one download connection is taken');
  assert.equal(busy.headers.get('retry-after'), '10');
  c.sock.destroy();
  await until('the statement to end', () => exportsRunning() === 0, 5000);

  const whole = await csvOf();
  assert.equal(whole.status, 200, 'the connection went back to the pool');
  const text = await whole.text();
  assert.equal(text.split('\r\n').length, 1 + total + 1);
});
