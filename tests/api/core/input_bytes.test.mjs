// Bodies are not checked for UTF-8 on arrival (paths, queries and headers
// are: hardening.test.mjs); text quoted from them into a problem, or cut
// short mid-character, still makes a valid JSON problem (found by
// tests/fuzz/fuzz_json_fields.c: the detail could not go into JSON and the
// reply became an empty 500, or a field error was lost).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login } from '../helpers.mjs';

let srv;
let admin;
before(async () => { srv = await startServer(); admin = await login(srv.base); });
after(async () => { await srv.stop(); });

test('a body whose JSON error quotes bytes that are not UTF-8 is a 400 problem', async () => {
  const r = await api(srv.base, 'POST', '/api/v1/organizations', {
    token: admin, headers: { 'content-type': 'application/json' },
    raw: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0x5c, 0x75, 0x30, 0xd0, 0x9a, 0xc6, 0x22, 0x7d]),
  });
  assert.equal(r.status, 400);
  assert.match(r.body.detail, /not valid JSON/);
});

test('a message or a field name cut short mid-character keeps its error', async () => {
  const long = '가'.repeat(100);
  const u = await api(srv.base, 'POST', '/api/v1/users', {
    token: admin, body: { email: 'x@example.org', password: 'long enough password', name: 'x', organization_id: 1, roles: [long, long] },
  });
  assert.equal(u.status, 422);
  assert.ok(u.body.errors.some((e) => e.field === 'roles[1]' && e.message.startsWith('repeats 가')), JSON.stringify(u.body.errors));
  const po = await api(srv.base, 'POST', '/api/v1/purchase-orders', {
    token: admin, body: { program_id: 1, vendor_id: 1, lines: [{ [long]: 1 }] },
  });
  assert.equal(po.status, 422);
  assert.ok(po.body.errors.some((e) => e.field.startsWith('lines[0].가') && e.message === 'is not a field of this resource'), JSON.stringify(po.body.errors));
});
