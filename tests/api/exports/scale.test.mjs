// Downloads of any size: a client that stops reading a report is dropped
// by the server within seconds, and its database connection goes back to
// the pool; a client that leaves mid-way leaves an export without an end
// (and without a manifest).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, login, sql, sqlAsync, eventually } from '../helpers.mjs';
import { seedAssetsAsync } from '../seed.mjs';

let srv;
let admin;
let total;

before(async () => {
  srv = await startServer({ env: { REGISTRY_EXPORT_CONNECTIONS: '1', REGISTRY_CONNECTION_TIMEOUT: '2' } });
  admin = await login(srv.base);
  // More than the socket buffers of both ends hold (about 10 MB): 20,000
  // rows made wide by long Korean names (three bytes a character).
  const ids = await seedAssetsAsync(srv.db, { count: 20000 });
  await sqlAsync(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
    UPDATE programs SET name = repeat('국가AI컴퓨팅', 28) || id WHERE id = (SELECT program_id FROM assets WHERE id = ${ids[0]});
    UPDATE organizations SET name = repeat('지피유공급사', 32) || id WHERE id = (SELECT vendor_id FROM assets WHERE id = ${ids[0]});
    COMMIT;`);
  total = Number(sql(srv.db, 'SELECT count(*) FROM assets')[0]);
});
after(async () => { await srv.stop(); });

const until = (what, cond, ms = 30000) => eventually(what, cond, ms);

const get = (path) => fetch(srv.base + path, { headers: { authorization: `Bearer ${admin}` } });

const exportsRunning = () => Number(sql(srv.db, `SELECT count(*) FROM pg_stat_activity
   WHERE application_name = 'registry-export' AND state = 'active' AND backend_type = 'client backend'`)[0]);

test('a client that stops reading is dropped and its connection released', async () => {
  const sock = net.connect(Number(new URL(srv.base).port), '127.0.0.1');
  let received = 0;
  sock.on('data', (d) => { received += d.length; if (received > 20000) sock.pause(); });
  sock.on('error', () => {});
  sock.write(`GET /api/v1/exports/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\n\r\n`);
  await until('the first rows', () => received > 20000);
  await until('the statement to hold its connection', () => exportsRunning() === 1);
  const busy = await get('/api/v1/exports/assets');
  assert.equal(busy.status, 503, 'the one download connection is held');
  // The client reads nothing more (its socket stays open): the server
  // gives up on it after REGISTRY_CONNECTION_TIMEOUT, cancels the
  // statement and gives the connection back.
  await until('the statement to end', () => exportsRunning() === 0);
  await until('the download connection to be free', async () =>
    (await get('/api/v1/exports/site-utilization')).status === 200);
  sock.destroy();
  const id = sql(srv.db, "SELECT max(id) FROM exports WHERE report = 'assets' AND completed_at IS NULL")[0];
  assert.ok(Number(id) > 0, 'the abandoned export has no end');
  const m = await get(`/api/v1/exports/${id}/manifest`);
  assert.equal(m.status, 409);
  assert.equal((await m.json()).code, 'export.incomplete');

  const whole = await get('/api/v1/exports/assets');
  assert.equal(whole.status, 200, 'the connection went back to the pool');
  const lines = (await whole.text()).split('\r\n');
  assert.equal(lines.length, 5 + 1 + 1 + total + 1, 'the stated lines, a blank, the names, every row');
});
