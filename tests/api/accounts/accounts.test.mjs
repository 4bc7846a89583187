// Organisations and users: create, read, list with keyset pages, patch,
// deactivate, and every refusal with the field named.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, sql, patchRead } from '../helpers.mjs';

let srv;
let admin;
before(async () => {
  srv = await startServer();
  admin = await login(srv.base);
});
after(async () => { await srv.stop(); });

const post = (url, body) => api(srv.base, 'POST', url, { token: admin, body });
const patch = (url, body) => patchRead(srv.base, url, { token: admin, body });
const get = (url) => api(srv.base, 'GET', url, { token: admin });
const fieldsOf = (r) => r.body.errors.map((e) => e.field).sort();

test('an organisation with a Korean name is created, read back and listed', async () => {
  const r = await post('/api/v1/organizations', {
    name: '한국과학기술정보연구원', kind: 'institute', registration_number: '314-82-00000',
  });
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('location'), `/api/v1/organizations/${r.body.id}`);
  assert.equal(r.body.name, '한국과학기술정보연구원');
  assert.equal(r.body.kind, 'institute');
  assert.equal(r.body.country, 'KR');
  assert.equal(r.body.active, true);
  const g = await get(`/api/v1/organizations/${r.body.id}`);
  assert.deepEqual(g.body, r.body);
  const l = await get('/api/v1/organizations?kind=institute&q=' + encodeURIComponent('과학기술'));
  assert.equal(l.body.items.length, 1);
  assert.equal(l.body.items[0].id, r.body.id);
  assert.equal(l.body.next, null);
});

test('organisation input errors name every field', async () => {
  const r = await post('/api/v1/organizations', { kind: 'pirate', colour: 'red', country: 'Korea' });
  assert.equal(r.status, 422);
  assert.equal(r.body.type, '/problems/validation-failed');
  assert.deepEqual(fieldsOf(r), ['colour', 'country', 'kind', 'name']);
  const lower = await post('/api/v1/organizations', { name: 'Lower Co', kind: 'vendor', country: 'kr' });
  assert.equal(lower.status, 422);
  assert.deepEqual(fieldsOf(lower), ['country']);
  const spaces = await post('/api/v1/organizations', { name: ' padded ', kind: 'vendor' });
  assert.equal(spaces.status, 422);
  assert.deepEqual(fieldsOf(spaces), ['name']);
  const long = await post('/api/v1/organizations', { name: '가'.repeat(201), kind: 'vendor' });
  assert.equal(long.status, 422);
  assert.match(long.body.errors[0].message, /at most 200/);
});

test('a duplicate name is a 409 whatever the case', async () => {
  assert.equal((await post('/api/v1/organizations', { name: 'Naver Cloud', kind: 'company' })).status, 201);
  const r = await post('/api/v1/organizations', { name: 'NAVER CLOUD', kind: 'vendor' });
  assert.equal(r.status, 409);
  assert.match(r.body.detail, /already exists/);
});

test('patch changes only what it names; an empty patch is refused', async () => {
  const c = await post('/api/v1/organizations', { name: 'Patch Me', kind: 'vendor', registration_number: '1' });
  const p = await patch(`/api/v1/organizations/${c.body.id}`, { name: 'Patched' });
  assert.equal(p.status, 200);
  assert.equal(p.body.name, 'Patched');
  assert.equal(p.body.registration_number, '1');
  assert.ok(Date.parse(p.body.updated_at) >= Date.parse(c.body.updated_at));
  const n = await patch(`/api/v1/organizations/${c.body.id}`, { registration_number: null });
  assert.equal(n.body.registration_number, null);
  const e = await patch(`/api/v1/organizations/${c.body.id}`, {});
  assert.equal(e.status, 422);
  const missing = await patch('/api/v1/organizations/987654', { name: 'x' });
  assert.equal(missing.status, 404);
});

test('PATCH of organisations, users and GPU models needs the ETag last read: 428 without, 412 when stale', async () => {
  const org = await post('/api/v1/organizations', { name: 'Versioned Org', kind: 'company' });
  const user = await post('/api/v1/users', {
    email: 'versioned@company.example', password: 'a long enough password', name: 'V', organization_id: org.body.id, roles: ['tenant'],
  });
  const model = await post('/api/v1/gpu-models', { manufacturer: 'NVIDIA', model: 'Versioned', memory_gb: 1, form_factor: 'PCIe', tdp_watts: 1 });
  const cases = [
    ['organization', `/api/v1/organizations/${org.body.id}`, org, { name: 'Versioned Org 2' }, { name: 'Versioned Org 3' }],
    ['user', `/api/v1/users/${user.body.id}`, user, { name: 'V2' }, { name: 'V3' }],
    ['gpu-model', `/api/v1/gpu-models/${model.body.id}`, model, { memory_gb: 2 }, { memory_gb: 3 }],
  ];
  for (const [kind, url, created, first, second] of cases) {
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const etag = `"${kind}-${created.body.id}-v1"`;
    assert.equal(created.headers.get('etag'), etag, `${kind}: the creation's ETag`);
    const read = await get(url);
    assert.equal(read.headers.get('etag'), etag, `${kind}: the read's ETag`);
    assert.equal(read.body.version, 1);
    const none = await api(srv.base, 'PATCH', url, { token: admin, body: first });
    assert.equal(none.status, 428, `${kind}: ${JSON.stringify(none.body)}`);
    assert.equal(none.body.code, 'if_match.required');
    const ok = await api(srv.base, 'PATCH', url, { token: admin, body: first, headers: { 'if-match': etag } });
    assert.equal(ok.status, 200, `${kind}: ${JSON.stringify(ok.body)}`);
    assert.equal(ok.body.version, 2);
    assert.equal(ok.headers.get('etag'), `"${kind}-${created.body.id}-v2"`);
    const stale = await api(srv.base, 'PATCH', url, { token: admin, body: second, headers: { 'if-match': etag } });
    assert.equal(stale.status, 412, `${kind}: ${JSON.stringify(stale.body)}`);
    assert.equal(stale.body.code, 'if_match.stale');
    assert.equal(stale.headers.get('etag'), ok.headers.get('etag'));
    const now = await get(url);
    for (const [k, v] of Object.entries(first)) assert.equal(now.body[k], v, `${kind}: the stale change was not made`);
  }
});

test('there is no delete: deactivation instead', async () => {
  const c = await post('/api/v1/organizations', { name: 'Short Lived', kind: 'company' });
  const d = await api(srv.base, 'DELETE', `/api/v1/organizations/${c.body.id}`, { token: admin });
  assert.equal(d.status, 405);
  const p = await patch(`/api/v1/organizations/${c.body.id}`, { active: false });
  assert.equal(p.body.active, false);
  const inactive = await get('/api/v1/organizations?active=false');
  assert.ok(inactive.body.items.some((o) => o.id === c.body.id));
  assert.ok(inactive.body.items.every((o) => o.active === false));
});

test('keyset pages walk every organisation exactly once', async () => {
  for (let i = 0; i < 7; i++) await post('/api/v1/organizations', { name: `Page Org ${i}`, kind: 'university' });
  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const r = await get(`/api/v1/organizations?kind=university&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200);
    assert.ok(r.body.items.length <= 3);
    seen.push(...r.body.items.map((o) => o.id));
    cursor = r.body.next;
    pages++;
  } while (cursor);
  assert.equal(seen.length, 7);
  assert.equal(new Set(seen).size, 7);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
  assert.equal(pages, 3);
});

test('a user is created without ever echoing the password', async () => {
  const org = await post('/api/v1/organizations', { name: '서울대학교', kind: 'university' });
  const r = await post('/api/v1/users', {
    email: 'lee@snu.ac.kr', password: 'a long enough secret', name: '이서울',
    organization_id: org.body.id, roles: ['tenant'],
  });
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('location'), `/api/v1/users/${r.body.id}`);
  assert.equal(r.body.name, '이서울');
  assert.deepEqual(r.body.organization, { id: org.body.id, name: '서울대학교', kind: 'university' });
  const text = JSON.stringify(r.body);
  assert.ok(!text.includes('secret') && !text.includes('argon'));
  assert.ok(await login(srv.base, 'lee@snu.ac.kr', 'a long enough secret'));
  const l = await get(`/api/v1/users?organization_id=${org.body.id}`);
  assert.deepEqual(l.body.items.map((u) => u.email), ['lee@snu.ac.kr']);
  const byRole = await get('/api/v1/users?role=tenant');
  assert.ok(byRole.body.items.every((u) => u.roles.includes('tenant')));
});

test('user input errors: weak password, unknown role and organisation, duplicate email', async () => {
  const org = await post('/api/v1/organizations', { name: 'User Errors Ministry', kind: 'ministry' });
  const bad = await post('/api/v1/users', {
    email: 'x@y.kr', password: 'short', name: '', organization_id: 'one', roles: ['king'],
  });
  assert.equal(bad.status, 422);
  assert.deepEqual(fieldsOf(bad), ['name', 'organization_id', 'password', 'roles[0]']);
  const noOrg = await post('/api/v1/users', {
    email: 'x@y.kr', password: 'long enough password', name: 'X', organization_id: 999999, roles: ['officer'],
  });
  assert.equal(noOrg.status, 422);
  assert.deepEqual(fieldsOf(noOrg), ['organization_id']);
  const ok = await post('/api/v1/users', {
    email: 'Park@Ministry.go.kr', password: 'long enough password', name: 'Park', organization_id: org.body.id, roles: ['officer'],
  });
  assert.equal(ok.status, 201);
  const dup = await post('/api/v1/users', {
    email: 'park@ministry.go.kr', password: 'long enough password', name: 'Park 2', organization_id: org.body.id, roles: ['officer'],
  });
  assert.equal(dup.status, 409);
  assert.match(dup.body.detail, /email already exists/);
  const notEmail = await post('/api/v1/users', {
    email: 'no-at-sign', password: 'long enough password', name: 'N', organization_id: org.body.id, roles: ['officer'],
  });
  assert.equal(notEmail.status, 422);
  assert.deepEqual(fieldsOf(notEmail), ['email']);
});

test('roles must fit the organisation: no officer at a vendor', async () => {
  const v = await post('/api/v1/organizations', { name: 'GPU Vendor Ltd', kind: 'vendor' });
  const r = await post('/api/v1/users', {
    email: 'sales@vendor.example', password: 'long enough password', name: 'S',
    organization_id: v.body.id, roles: ['vendor', 'officer'],
  });
  assert.equal(r.status, 422);
  assert.deepEqual(fieldsOf(r), ['roles']);
  const ok = await post('/api/v1/users', {
    email: 'sales@vendor.example', password: 'long enough password', name: 'S',
    organization_id: v.body.id, roles: ['vendor'],
  });
  assert.equal(ok.status, 201);
  const promote = await patch(`/api/v1/users/${ok.body.id}`, { roles: ['admin'] });
  assert.equal(promote.status, 422);
});

test('an organisation\'s kind changes only to one its users\' roles fit', async () => {
  const c = await post('/api/v1/organizations', { name: 'Kind Changer', kind: 'company' });
  const user = (email, roles) => post('/api/v1/users', {
    email, password: 'long enough password', name: 'K', organization_id: c.body.id, roles,
  });
  assert.equal((await user('seller@kind.example', ['vendor'])).status, 201);
  assert.equal((await user('renter@kind.example', ['tenant'])).status, 201);
  // A company may be a vendor and a tenant; a university only a tenant.
  const r = await patch(`/api/v1/organizations/${c.body.id}`, { kind: 'university' });
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.deepEqual(fieldsOf(r), ['kind']);
  assert.match(r.body.errors[0].message, /kind university cannot have the roles of these users: seller@kind\.example \(vendor\); change their roles first/);
  assert.doesNotMatch(r.body.errors[0].message, /renter/);
  assert.deepEqual(sql(srv.db, `SELECT kind FROM organizations WHERE id = ${c.body.id}`), ['company']);
  // A change of something else, or to a kind that fits, goes through.
  assert.equal((await patch(`/api/v1/organizations/${c.body.id}`, { name: 'Kind Changer Ltd' })).status, 200);
  const v = await post('/api/v1/organizations', { name: 'Kind Vendor', kind: 'vendor' });
  assert.equal((await patch(`/api/v1/organizations/${v.body.id}`, { kind: 'company' })).status, 200);
});

test('a password change ends the old sessions and the new password works', async () => {
  const org = await post('/api/v1/organizations', { name: 'Password Ministry', kind: 'ministry' });
  const u = await post('/api/v1/users', {
    email: 'pw@ministry.go.kr', password: 'first password!!', name: 'P', organization_id: org.body.id, roles: ['officer'],
  });
  const t = await login(srv.base, 'pw@ministry.go.kr', 'first password!!');
  const p = await patch(`/api/v1/users/${u.body.id}`, { password: 'second password!!' });
  assert.equal(p.status, 200);
  assert.equal((await api(srv.base, 'GET', '/api/v1/me', { token: t })).status, 401);
  assert.ok(await login(srv.base, 'pw@ministry.go.kr', 'second password!!'));
  const roles = await patch(`/api/v1/users/${u.body.id}`, { roles: ['officer', 'auditor'] });
  assert.deepEqual(roles.body.roles, ['officer', 'auditor']);
});

test('nothing is half-written: a failed request leaves no rows', async () => {
  const before = sql(srv.db, 'SELECT count(*) FROM users')[0];
  const events = sql(srv.db, 'SELECT count(*) FROM audit_events')[0];
  const r = await post('/api/v1/users', {
    email: 'admin@localhost', password: 'long enough password', name: 'Dup', organization_id: 1, roles: ['officer'],
  });
  assert.equal(r.status, 409);
  assert.equal(sql(srv.db, 'SELECT count(*) FROM users')[0], before);
  assert.equal(sql(srv.db, 'SELECT count(*) FROM audit_events')[0], events);
});

test('staff list the active officers by name and email only, in pages; companies may not', async () => {
  const org = await post('/api/v1/organizations', { name: 'Officers Ministry', kind: 'ministry' });
  const make = async (email, roles) => {
    const r = await post('/api/v1/users', { email, password: 'long enough password', name: email, organization_id: org.body.id, roles });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  const a = await make('officer.a@officers.go.kr', ['officer']);
  const b = await make('officer.b@officers.go.kr', ['officer', 'auditor']);
  const gone = await make('officer.gone@officers.go.kr', ['officer']);
  await make('auditor.only@officers.go.kr', ['auditor']);
  assert.equal((await patch(`/api/v1/users/${gone.id}`, { active: false })).status, 200);
  const officer = await login(srv.base, 'officer.a@officers.go.kr', 'long enough password');
  const seen = [];
  let cursor = null;
  do {
    const r = await api(srv.base, 'GET', `/api/v1/officers?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: officer });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    seen.push(...r.body.items);
    cursor = r.body.next;
  } while (cursor);
  assert.equal(new Set(seen.map((u) => u.id)).size, seen.length);
  assert.ok(seen.every((u) => Object.keys(u).sort().join() === 'email,id,name'));
  const ours = seen.filter((u) => u.email.endsWith('@officers.go.kr'));
  assert.deepEqual(ours.map((u) => [u.id, u.email]), [[a.id, a.email], [b.id, b.email]]);
  const vOrg = await post('/api/v1/organizations', { name: 'Officers Vendor', kind: 'vendor' });
  await post('/api/v1/users', { email: 'sales@officers-vendor.kr', password: 'long enough password', name: 'V', organization_id: vOrg.body.id, roles: ['vendor'] });
  const vendor = await login(srv.base, 'sales@officers-vendor.kr', 'long enough password');
  assert.equal((await api(srv.base, 'GET', '/api/v1/officers', { token: vendor })).status, 403);
});
