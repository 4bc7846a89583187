// Sites and racks: create, read, list, change under If-Match, and who may
// do what. Capacity in use and utilisation are in allocations.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login } from '../helpers.mjs';
import { person } from '../fixtures.mjs';
import { site, tenant } from '../seed.mjs';

let srv;
let admin;
let officer;
let auditor;
let tenantUser;
before(async () => {
  srv = await startServer();
  admin = await login(srv.base);
  officer = (await person(srv.base, admin, { email: 'site.officer@msit.go.kr', kind: 'ministry', roles: ['officer'], orgName: 'MSIT' })).token;
  auditor = (await person(srv.base, admin, { email: 'site.auditor@bai.go.kr', kind: 'auditor', roles: ['auditor'], orgName: 'Board of Audit' })).token;
  tenantUser = (await tenant(srv.base, admin, 'Site Test Institute')).token;
});
after(async () => { await srv.stop(); });

const call = (token, method, url, body, headers) => api(srv.base, method, url, { token, body, headers });
const fieldsOf = (r) => r.body.errors.map((e) => e.field).sort();

const siteBody = (over = {}) => ({
  name: 'KISTI 국가슈퍼컴퓨팅센터',
  operator_id: 1,
  address: '대전광역시 유성구 대학로 245',
  region: 'Daejeon',
  power_capacity_kw: 2000,
  cooling_type: 'liquid',
  gpu_slot_capacity: 1024,
  ...over,
});

test('an officer creates a site; it reads back with its operator and an ETag', async () => {
  const c = await call(officer, 'POST', '/api/v1/sites', siteBody());
  assert.equal(c.status, 201, JSON.stringify(c.body));
  assert.equal(c.headers.get('location'), `/api/v1/sites/${c.body.id}`);
  assert.equal(c.headers.get('etag'), `"site-${c.body.id}-v1"`);
  assert.equal(c.body.name, 'KISTI 국가슈퍼컴퓨팅센터');
  assert.equal(c.body.operator.id, 1);
  assert.equal(c.body.cooling_type, 'liquid');
  assert.equal(c.body.gpu_slot_capacity, 1024);
  assert.equal(c.body.power_capacity_kw, 2000);
  assert.equal(c.body.active, true);
  const g = await call(auditor, 'GET', `/api/v1/sites/${c.body.id}`);
  assert.equal(g.status, 200);
  assert.deepEqual(g.body, c.body);
  assert.equal(g.headers.get('etag'), `"site-${c.body.id}-v1"`);
  const l = await call(officer, 'GET', `/api/v1/sites?region=Daejeon&q=${encodeURIComponent('슈퍼컴퓨팅')}`);
  assert.equal(l.status, 200);
  assert.deepEqual(l.body.items.map((s) => s.id), [c.body.id]);
  assert.equal(l.body.next, null);
});

test('site names are unique whatever the case; bad input names each field', async () => {
  await call(officer, 'POST', '/api/v1/sites', siteBody({ name: 'Gwangju AI Hub' }));
  const dup = await call(officer, 'POST', '/api/v1/sites', siteBody({ name: 'GWANGJU AI HUB' }));
  assert.equal(dup.status, 409);
  assert.match(dup.body.detail, /already exists/);
  const bad = await call(officer, 'POST', '/api/v1/sites', {
    name: '', operator_id: 0, cooling_type: 'freon', gpu_slot_capacity: 2_000_000, colour: 'red',
  });
  assert.equal(bad.status, 422);
  assert.deepEqual(fieldsOf(bad), ['address', 'colour', 'cooling_type', 'gpu_slot_capacity', 'name',
    'operator_id', 'power_capacity_kw', 'region']);
  const big = await call(officer, 'POST', '/api/v1/sites', siteBody({ name: 'Too big', gpu_slot_capacity: 2_000_000 }));
  assert.equal(big.status, 422);
  assert.deepEqual(fieldsOf(big), ['gpu_slot_capacity']);
  const op = await call(officer, 'POST', '/api/v1/sites', siteBody({ name: 'No operator', operator_id: 987654 }));
  assert.equal(op.status, 422);
  assert.deepEqual(fieldsOf(op), ['operator_id']);
});

test('PATCH needs the ETag last read: 428 without, 412 when stale', async () => {
  const c = await call(officer, 'POST', '/api/v1/sites', siteBody({ name: 'Patchable' }));
  const url = `/api/v1/sites/${c.body.id}`;
  const none = await call(officer, 'PATCH', url, { region: 'Seoul' });
  assert.equal(none.status, 428);
  const wrong = await call(officer, 'PATCH', url, { region: 'Seoul' }, { 'if-match': `"site-${c.body.id}-v7"` });
  assert.equal(wrong.status, 412);
  const ok = await call(officer, 'PATCH', url, { region: 'Seoul', cooling_type: 'immersion' },
    { 'if-match': c.headers.get('etag') });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.region, 'Seoul');
  assert.equal(ok.body.cooling_type, 'immersion');
  assert.equal(ok.body.name, 'Patchable');
  assert.equal(ok.headers.get('etag'), `"site-${c.body.id}-v2"`);
  const stale = await call(officer, 'PATCH', url, { region: 'Busan' }, { 'if-match': c.headers.get('etag') });
  assert.equal(stale.status, 412);
  const empty = await call(officer, 'PATCH', url, {}, { 'if-match': ok.headers.get('etag') });
  assert.equal(empty.status, 422);
  const missing = await call(officer, 'PATCH', '/api/v1/sites/987654', { region: 'x' }, { 'if-match': '"site-987654-v1"' });
  assert.equal(missing.status, 404);
});

test('racks: created inside a site, unique by name there, changed under If-Match', async () => {
  const s = await site(srv.base, officer, { slots: 100, kw: 200 });
  const url = `/api/v1/sites/${s.id}/racks`;
  const r = await call(officer, 'POST', url, { name: 'A-01', slot_capacity: 8, power_capacity_kw: 40 });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.headers.get('location'), `${url}/${r.body.id}`);
  assert.equal(r.body.site_id, s.id);
  const dup = await call(officer, 'POST', url, { name: 'a-01', slot_capacity: 8, power_capacity_kw: 40 });
  assert.equal(dup.status, 409);
  const other = await site(srv.base, officer, { slots: 10, kw: 10 });
  const same = await call(officer, 'POST', `/api/v1/sites/${other.id}/racks`, { name: 'A-01', slot_capacity: 8, power_capacity_kw: 40 });
  assert.equal(same.status, 201, 'the same rack name is fine at another site');
  const big = await call(officer, 'POST', url, { name: 'B', slot_capacity: 8, power_capacity_kw: 5000 });
  assert.equal(big.status, 422);
  assert.deepEqual(fieldsOf(big), ['power_capacity_kw']);
  const nosite = await call(officer, 'POST', '/api/v1/sites/987654/racks', { name: 'X', slot_capacity: 1, power_capacity_kw: 1 });
  assert.equal(nosite.status, 404);
  const l = await call(auditor, 'GET', url);
  assert.deepEqual(l.body.items.map((x) => x.name), ['A-01']);
  assert.equal((await call(auditor, 'GET', '/api/v1/sites/987654/racks')).status, 404);
  const g = await call(auditor, 'GET', `${url}/${r.body.id}`);
  assert.equal(g.status, 200);
  assert.equal(g.headers.get('etag'), `"rack-${r.body.id}-v1"`);
  assert.equal((await call(auditor, 'GET', `/api/v1/sites/${other.id}/racks/${r.body.id}`)).status, 404,
    'a rack is found only under its own site');
  const p = await call(officer, 'PATCH', `${url}/${r.body.id}`, { slot_capacity: 16 }, { 'if-match': g.headers.get('etag') });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.equal(p.body.slot_capacity, 16);
  assert.equal(p.headers.get('etag'), `"rack-${r.body.id}-v2"`);
});

test('auditors read but do not write; tenants neither list sites nor see others', async () => {
  const s = await site(srv.base, officer, { slots: 10, kw: 10 });
  assert.equal((await call(auditor, 'POST', '/api/v1/sites', siteBody({ name: 'Auditor site' }))).status, 403);
  assert.equal((await call(auditor, 'GET', `/api/v1/sites/${s.id}/utilization`)).status, 200);
  assert.equal((await call(tenantUser, 'GET', '/api/v1/sites')).status, 403);
  assert.equal((await call(tenantUser, 'GET', `/api/v1/sites/${s.id}/racks`)).status, 403);
  assert.equal((await call(tenantUser, 'GET', `/api/v1/sites/${s.id}/utilization`)).status, 403);
  const g = await call(tenantUser, 'GET', `/api/v1/sites/${s.id}`);
  assert.equal(g.status, 404, 'a tenant without an allocation there does not see the site');
});

test('creating and changing a site leaves audit events', async () => {
  const c = await call(officer, 'POST', '/api/v1/sites', siteBody({ name: 'Audited site' }));
  await call(officer, 'PATCH', `/api/v1/sites/${c.body.id}`, { active: false }, { 'if-match': c.headers.get('etag') });
  const ev = await call(admin, 'GET', `/api/v1/audit-events?table=sites&record_id=${c.body.id}`);
  assert.deepEqual(ev.body.items.map((e) => e.action), ['update', 'insert']);
  assert.equal(ev.body.items[0].before.active, true);
  assert.equal(ev.body.items[0].after.active, false);
});
