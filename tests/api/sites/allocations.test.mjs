// Allocations: GPUs to tenants at sites, by count or by id; every refusal
// (capacity in slots and in power, stock, tenant kind, unknown site, bad
// dates); a race of concurrent allocations against one site; tenant
// isolation; end, move and return writing the assets' history; and the
// utilisation figures, exact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, sql } from '../helpers.mjs';
import { person } from '../fixtures.mjs';
import { assetRows, seedAssets, setAssetStatus, site, tenant } from '../seed.mjs';

let srv;
let admin;
let officer;
let auditor;
let kisti;       // tenant institute {user, org, token}
let snu;         // tenant university
let vendorOrg;
const stock = {};
before(async () => {
  // Enough worker threads (each with its own connection) for the race
  // below to run its transactions side by side.
  srv = await startServer({ env: { REGISTRY_THREADS: '16' } });
  admin = await login(srv.base);
  officer = await person(srv.base, admin, { email: 'alloc.officer@msit.go.kr', kind: 'ministry', roles: ['officer'], orgName: 'MSIT' });
  auditor = (await person(srv.base, admin, { email: 'alloc.auditor@bai.go.kr', kind: 'auditor', roles: ['auditor'], orgName: 'Board of Audit' })).token;
  kisti = await tenant(srv.base, admin, 'KISTI');
  snu = await tenant(srv.base, admin, 'Seoul National University', 'university');
  vendorOrg = (await api(srv.base, 'POST', '/api/v1/organizations', { token: admin, body: { name: 'Not A Tenant', kind: 'vendor' } })).body;
  stock.H100 = seedAssets(srv.db, { count: 120, model: 'H100' });
  stock.A100 = seedAssets(srv.db, { count: 30, model: 'A100' });
  stock.B200 = seedAssets(srv.db, { count: 4, model: 'B200' });
});
after(async () => { await srv.stop(); });

const model = (name) => Number(sql(srv.db, `SELECT id FROM gpu_models WHERE model = '${name}'`)[0]);
const as = (token) => ({
  get: (url) => api(srv.base, 'GET', url, { token }),
  post: (url, body) => api(srv.base, 'POST', url, { token, body }),
});
const off = () => as(officer.token);
const fieldsOf = (r) => r.body.errors.map((e) => e.field).sort();
const allocation = (over) => ({
  tenant_id: kisti.org.id, purpose: 'LLM pre-training', starts_on: '2025-03-01', ...over,
});
const inStock = (name) => Number(sql(srv.db, `SELECT count(*) FROM assets a JOIN gpu_models m
  ON m.id = a.gpu_model_id WHERE m.model = '${name}' AND a.status = 'in_stock'`)[0]);
const count = (table) => Number(sql(srv.db, `SELECT count(*) FROM ${table}`)[0]);
const history = async (assetId) => (await as(admin).get(`/api/v1/audit-events?table=assets&record_id=${assetId}`)).body.items;

test('by count: the lowest in-stock ids are picked, reported and placed', async () => {
  const s = await site(srv.base, officer.token, { slots: 100, kw: 500, racks: [{ name: 'R1', slot_capacity: 8, power_capacity_kw: 40 }] });
  const before = inStock('H100');
  const r = await off().post('/api/v1/allocations', allocation({
    site_id: s.id, rack_id: s.racks[0].id, gpu_model_id: model('H100'), count: 3, ends_on: '2025-12-31',
  }));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.headers.get('location'), `/api/v1/allocations/${r.body.id}`);
  assert.equal(r.body.status, 'active');
  assert.equal(r.body.gpu_count, 3);
  assert.deepEqual(r.body.gpus, [{ gpu_model_id: model('H100'), gpu_model: 'NVIDIA H100', count: 3 }]);
  assert.equal(r.body.site.id, s.id);
  assert.equal(r.body.rack.name, 'R1');
  assert.equal(r.body.tenant.name, 'KISTI');
  assert.equal(r.body.ends_on, '2025-12-31');
  const ids = r.body.assets.map((a) => a.id);
  assert.deepEqual(ids, ids.slice().sort((a, b) => a - b));
  assert.ok(r.body.assets.every((a) => /^H100-/.test(a.serial) && a.status === 'allocated' && a.removed_at === null));
  assert.equal(inStock('H100'), before - 3);
  for (const row of Object.values(assetRows(srv.db, ids))) {
    assert.deepEqual(row, { status: 'allocated', site_id: s.id, rack_id: s.racks[0].id, tenant_id: kisti.org.id });
  }
  const ev = await history(ids[0]);
  assert.equal(ev[0].action, 'update');
  assert.equal(ev[0].before.status, 'in_stock');
  assert.equal(ev[0].after.status, 'allocated');
  assert.equal(ev[0].after.tenant_id, kisti.org.id);
  assert.equal(ev[0].actor_user_id, officer.user.id);
  const g = await as(auditor).get(`/api/v1/allocations/${r.body.id}`);
  assert.deepEqual(g.body, r.body);
});

test('an allocation sent twice with one Idempotency-Key is made once', async () => {
  const s = await site(srv.base, officer.token, { slots: 100, kw: 500 });
  const send = () => api(srv.base, 'POST', '/api/v1/allocations', {
    token: officer.token, headers: { 'idempotency-key': 'alloc-once-1' },
    body: allocation({ site_id: s.id, gpu_model_id: model('H100'), count: 2 }),
  });
  const first = await send();
  const again = await send();
  assert.equal(first.status, 201);
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.deepEqual(again.body, first.body);
  const u = await off().get(`/api/v1/sites/${s.id}/utilization`);
  assert.equal(u.body.total.slots.used, 2);
});

test('by ids: named in-stock assets; busy ones are 409, unknown ones 422', async () => {
  const s = await site(srv.base, officer.token, { slots: 100, kw: 500 });
  const ids = stock.A100.slice(0, 2);
  const r = await off().post('/api/v1/allocations', allocation({ site_id: s.id, asset_ids: ids, tenant_id: snu.org.id, ends_on: null }));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.ends_on, null, 'a null ends_on is open-ended');
  assert.deepEqual(r.body.assets.map((a) => a.id), ids);
  assert.equal(r.body.rack, null);
  const again = await off().post('/api/v1/allocations', allocation({ site_id: s.id, asset_ids: [stock.A100[1], stock.A100[2]] }));
  assert.equal(again.status, 409);
  assert.match(again.body.detail, /not in stock: A100-\S+ \(allocated\)/);
  assert.equal(assetRows(srv.db, [stock.A100[2]])[stock.A100[2]].status, 'in_stock', 'nothing of a refused request stays');
  const unknown = await off().post('/api/v1/allocations', allocation({ site_id: s.id, asset_ids: [stock.A100[3], 99999999] }));
  assert.equal(unknown.status, 422);
  assert.match(unknown.body.errors[0].message, /99999999/);
  const bad = await off().post('/api/v1/allocations', allocation({ site_id: s.id, asset_ids: [1, 'x'] }));
  assert.equal(bad.status, 422);
  assert.deepEqual(fieldsOf(bad), ['asset_ids']);
  const twice = await off().post('/api/v1/allocations', allocation({ site_id: s.id, asset_ids: [stock.A100[4], stock.A100[4]] }));
  assert.equal(twice.status, 422);
  assert.match(twice.body.errors[0].message, new RegExp(`names asset ${stock.A100[4]} twice`));
});

test('each refusal says why, and leaves nothing behind', async () => {
  const s = await site(srv.base, officer.token, { slots: 10, kw: 50, racks: [{ name: 'R', slot_capacity: 2, power_capacity_kw: 1 }] });
  const other = await site(srv.base, officer.token, { slots: 10, kw: 10, racks: [{ name: 'X', slot_capacity: 2, power_capacity_kw: 2 }] });
  const h100 = model('H100');
  const allocs = count('allocations');
  const events = count('audit_events');
  const cases = [
    [allocation({ site_id: 987654, gpu_model_id: h100, count: 1 }), 422, ['site_id']],
    [allocation({ site_id: s.id, rack_id: other.racks[0].id, gpu_model_id: h100, count: 1 }), 422, ['rack_id']],
    [allocation({ site_id: s.id, tenant_id: vendorOrg.id, gpu_model_id: h100, count: 1 }), 422, ['tenant_id']],
    [allocation({ site_id: s.id, tenant_id: 1, gpu_model_id: h100, count: 1 }), 422, ['tenant_id']],
    [allocation({ site_id: s.id, ends_on: '2025-02-28', gpu_model_id: h100, count: 1 }), 422, ['ends_on']],
    [allocation({ site_id: s.id, starts_on: '2025-02-30', gpu_model_id: h100, count: 1 }), 422, ['starts_on']],
    [allocation({ site_id: s.id, gpu_model_id: 987654, count: 1 }), 422, ['gpu_model_id']],
    [allocation({ site_id: s.id, gpu_model_id: h100 }), 422, ['count']],
    [allocation({ site_id: s.id }), 422, ['gpu_model_id']],
    [allocation({ site_id: s.id, gpu_model_id: h100, count: 1, asset_ids: [1] }), 422, ['asset_ids']],
    [allocation({ site_id: s.id, gpu_model_id: h100, count: 20000 }), 422, ['count']],
    [{ site_id: s.id, gpu_model_id: h100, count: 1 }, 422, ['purpose', 'starts_on', 'tenant_id']],
  ];
  for (const [body, status, fields] of cases) {
    const r = await off().post('/api/v1/allocations', body);
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
    assert.deepEqual(fieldsOf(r), fields, JSON.stringify(body));
  }
  // Slots: the rack holds 2.
  const slots = await off().post('/api/v1/allocations', allocation({ site_id: s.id, rack_id: s.racks[0].id, gpu_model_id: model('A100'), count: 3 }));
  assert.equal(slots.status, 409);
  assert.match(slots.body.detail, /not enough room at rack R of site .*: 2 slot\(s\) and 1 kW left; this needs 3 slot\(s\) and 1\.2 kW/);
  assert.equal(slots.body.code, 'allocation.no_capacity');
  assert.equal(slots.body.scope, 'rack');
  assert.equal(slots.body.rack_name, 'R');
  assert.equal(slots.body.slots_left, 2);
  assert.equal(slots.body.power_left_w, 1000);
  assert.equal(slots.body.slots_needed, 3);
  assert.equal(slots.body.power_needed_w, 1200);
  // Power: a B200 takes the rack's whole 1 kW; an H100 then finds a slot but no power.
  const two = await off().post('/api/v1/allocations', allocation({ site_id: s.id, rack_id: s.racks[0].id, gpu_model_id: model('B200'), count: 1 }));
  assert.equal(two.status, 201, JSON.stringify(two.body));
  const power = await off().post('/api/v1/allocations', allocation({ site_id: s.id, rack_id: s.racks[0].id, gpu_model_id: h100, count: 1 }));
  assert.equal(power.status, 409);
  assert.match(power.body.detail, /1 slot\(s\) and 0 kW left; this needs 1 slot\(s\) and 0\.7 kW/);
  assert.equal(power.body.code, 'allocation.no_capacity');
  assert.equal(power.body.slots_left, 1);
  assert.equal(power.body.power_left_w, 0);
  assert.equal(power.body.power_needed_w, 700);
  // Stock: more B200 than there are.
  const short = await off().post('/api/v1/allocations', allocation({ site_id: s.id, gpu_model_id: model('B200'), count: 5 }));
  assert.equal(short.status, 409);
  assert.match(short.body.detail, /not enough in stock: 3 NVIDIA B200 available, 5 asked for/);
  assert.equal(short.body.code, 'allocation.no_stock');
  assert.equal(short.body.available, 3);
  assert.equal(short.body.requested, 5);
  assert.equal(count('allocations'), allocs + 1, 'refused allocations leave no row');
  assert.equal(inStock('B200'), 3);
  assert.ok(count('audit_events') > events);
});

test('site power is a limit of its own', async () => {
  const s = await site(srv.base, officer.token, { slots: 100, kw: 2 });
  const a = await off().post('/api/v1/allocations', allocation({ site_id: s.id, gpu_model_id: model('H100'), count: 2 }));
  assert.equal(a.status, 201);
  const b = await off().post('/api/v1/allocations', allocation({ site_id: s.id, gpu_model_id: model('H100'), count: 1 }));
  assert.equal(b.status, 409);
  assert.match(b.body.detail, /at site .*: 98 slot\(s\) and 0\.6 kW left; this needs 1 slot\(s\) and 0\.7 kW/);
  const c = await off().post('/api/v1/allocations', allocation({ site_id: s.id, gpu_model_id: model('A100'), count: 1 }));
  assert.equal(c.status, 201, '400 W still fits in 600');
});

test('a race of 20 concurrent allocations never passes the site capacity', async () => {
  const s = await site(srv.base, officer.token, { slots: 10, kw: 1000 });
  const second = await person(srv.base, admin, { email: 'second.officer@msit.go.kr', kind: 'ministry', roles: ['officer'], orgName: 'MSIT' });
  const sizes = Array.from({ length: 20 }, (_, i) => (i * 7) % 3 + 1);
  const results = await Promise.all(sizes.map((n, i) => api(srv.base, 'POST', '/api/v1/allocations', {
    token: i % 2 ? officer.token : second.token,
    body: allocation({ site_id: s.id, gpu_model_id: model('H100'), count: n, tenant_id: i % 3 ? kisti.org.id : snu.org.id }),
  })));
  const statuses = results.map((r) => r.status);
  assert.ok(statuses.every((x) => x === 201 || x === 409), `statuses: ${statuses}`);
  const won = results.filter((r) => r.status === 201);
  const granted = won.reduce((sum, r) => sum + r.body.gpu_count, 0);
  assert.ok(granted <= 10, `granted ${granted} of 10 slots`);
  assert.ok(results.some((r) => r.status === 409), 'asked for more than there is: some must be refused');
  // No request was refused while there was room for it.
  for (const r of results.filter((x) => x.status === 409)) {
    const m = r.body.detail.match(/: (\d+) slot\(s\) and [\d.]+ kW left; this needs (\d+) slot\(s\)/);
    assert.ok(m, r.body.detail);
    assert.ok(Number(m[1]) < Number(m[2]), r.body.detail);
  }
  // What the winners hold is exactly what the site holds, asset by asset.
  const held = won.flatMap((r) => r.body.assets.map((a) => a.id)).sort((a, b) => a - b);
  assert.equal(new Set(held).size, held.length, 'no asset went to two allocations');
  const placed = sql(srv.db, `SELECT id FROM assets WHERE site_id = ${s.id} AND status = 'allocated' ORDER BY id`).map(Number);
  assert.deepEqual(placed, held);
  const u = await off().get(`/api/v1/sites/${s.id}/utilization`);
  assert.equal(u.body.total.slots.used, granted);
  assert.equal(u.body.total.slots.free, 10 - granted);
  // Requests were of 1 to 3 GPUs and some were refused: at most 2 slots stay free.
  assert.ok(granted >= 8, `only ${granted} granted`);
});

test('a race on power: concurrent allocations never pass the kW budget', async () => {
  const s = await site(srv.base, officer.token, { slots: 100, kw: 5 });
  const asks = Array.from({ length: 20 }, (_, i) => ({ name: i % 2 ? 'H100' : 'A100', n: (i % 3) + 1 }));
  const results = await Promise.all(asks.map(({ name, n }) => off().post('/api/v1/allocations',
    allocation({ site_id: s.id, gpu_model_id: model(name), count: n }))));
  assert.ok(results.every((r) => r.status === 201 || r.status === 409), `statuses: ${results.map((r) => r.status)}`);
  const watts = { 'NVIDIA H100': 700, 'NVIDIA A100': 400 };
  const won = results.filter((r) => r.status === 201);
  const granted = won.reduce((sum, r) => sum + r.body.gpus.reduce((w, g) => w + g.count * watts[g.gpu_model], 0), 0);
  assert.ok(granted <= 5000, `granted ${granted} W of 5000`);
  assert.ok(results.some((r) => r.status === 409));
  const u = await off().get(`/api/v1/sites/${s.id}/utilization`);
  assert.equal(u.body.total.power.used_watts, granted);
  assert.equal(u.body.total.slots.used, won.reduce((sum, r) => sum + r.body.gpu_count, 0));
});

test('tenants see their own allocations only; officers and auditors see all', async () => {
  const s = await site(srv.base, officer.token, { slots: 50, kw: 100 });
  const hidden = await site(srv.base, officer.token, { slots: 50, kw: 100 });
  const mine = await off().post('/api/v1/allocations', allocation({ site_id: s.id, gpu_model_id: model('A100'), count: 2 }));
  const theirs = await off().post('/api/v1/allocations', allocation({ site_id: hidden.id, gpu_model_id: model('A100'), count: 1, tenant_id: snu.org.id }));
  assert.equal(mine.status, 201);
  assert.equal(theirs.status, 201);
  const t = as(kisti.token);
  const list = await t.get('/api/v1/allocations?limit=500');
  assert.equal(list.status, 200);
  assert.ok(list.body.items.length > 0);
  assert.ok(list.body.items.every((a) => a.tenant_id === kisti.org.id), 'only its own organisation');
  assert.ok(list.body.items.some((a) => a.id === mine.body.id));
  assert.deepEqual((await t.get(`/api/v1/allocations?tenant_id=${snu.org.id}`)).body.items, []);
  assert.equal((await t.get(`/api/v1/allocations/${theirs.body.id}`)).status, 404);
  assert.equal((await t.get(`/api/v1/allocations/${mine.body.id}`)).status, 200);
  assert.equal((await t.get(`/api/v1/tenants/${snu.org.id}/allocations`)).status, 404);
  assert.equal((await t.get(`/api/v1/tenants/${kisti.org.id}/allocations`)).status, 200);
  assert.equal((await t.get(`/api/v1/sites/${s.id}`)).status, 200, 'a site where it has GPUs');
  assert.equal((await t.get(`/api/v1/sites/${hidden.id}`)).status, 404);
  assert.equal((await t.post('/api/v1/allocations', allocation({ site_id: s.id, gpu_model_id: model('A100'), count: 1 }))).status, 403);
  assert.equal((await t.post(`/api/v1/allocations/${mine.body.id}/end`, {})).status, 403);
  const all = await as(auditor).get(`/api/v1/allocations?site_id=${hidden.id}`);
  assert.deepEqual(all.body.items.map((a) => a.id), [theirs.body.id]);
  assert.equal((await as(auditor).get(`/api/v1/tenants/${snu.org.id}/allocations`)).status, 200);
  assert.equal((await as(auditor).post(`/api/v1/allocations/${theirs.body.id}/end`, {})).status, 403);
  assert.equal((await as(auditor).get(`/api/v1/tenants/${vendorOrg.id}/allocations`)).status, 404, 'a vendor is no tenant');
});

test('ending returns every asset to stock, installed and in service too, with history', async () => {
  const s = await site(srv.base, officer.token, { slots: 20, kw: 100 });
  const a = await off().post('/api/v1/allocations', allocation({ site_id: s.id, gpu_model_id: model('H100'), count: 3 }));
  const ids = a.body.assets.map((x) => x.id);
  setAssetStatus(srv.db, ids.slice(1), 'installed');
  setAssetStatus(srv.db, ids.slice(2), 'in_service');
  const e = await off().post(`/api/v1/allocations/${a.body.id}/end`, { reason: 'project finished' });
  assert.equal(e.status, 200, JSON.stringify(e.body));
  assert.equal(e.body.status, 'ended');
  assert.equal(e.body.end_reason, 'project finished');
  assert.equal(e.body.ended_by, officer.user.id);
  assert.equal(e.body.gpu_count, 0);
  assert.ok(e.body.assets.every((x) => x.removed_reason === 'ended' && x.removed_at !== null));
  for (const row of Object.values(assetRows(srv.db, ids))) {
    assert.deepEqual(row, { status: 'in_stock', site_id: null, rack_id: null, tenant_id: null });
  }
  const ev = await history(ids[2]);
  assert.deepEqual(ev.map((x) => x.after.status), ['in_stock', 'in_service', 'installed', 'allocated', 'in_stock']);
  assert.equal(ev[0].before.site_id, s.id);
  assert.equal(ev[0].after.site_id, null);
  assert.equal(ev[0].actor_user_id, officer.user.id);
  const again = await off().post(`/api/v1/allocations/${a.body.id}/end`);
  assert.equal(again.status, 409);
  assert.equal((await off().post(`/api/v1/allocations/${a.body.id}/return`, { asset_ids: [ids[0]] })).status, 409);
  assert.equal((await off().post('/api/v1/allocations/987654/end')).status, 404);
  const ended = await as(auditor).get(`/api/v1/allocations?status=ended&site_id=${s.id}`);
  assert.deepEqual(ended.body.items.map((x) => x.id), [a.body.id]);
});

test('an asset sent for RMA from an allocation leaves the site when the allocation ends', async () => {
  const s = await site(srv.base, officer.token, { slots: 20, kw: 100, racks: [{ name: 'R1', slot_capacity: 8, power_capacity_kw: 40 }] });
  const a = await off().post('/api/v1/allocations', allocation({ site_id: s.id, rack_id: s.racks[0].id, gpu_model_id: model('H100'), count: 2 }));
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const [rma, ok] = a.body.assets.map((x) => x.id);
  const sent = await off().post(`/api/v1/assets/${rma}/status`, { status: 'rma', reason: 'ECC errors' });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  assert.equal(sent.body.site_id, s.id, 'an RMA starts where the asset is');
  const e = await off().post(`/api/v1/allocations/${a.body.id}/end`, { reason: 'done' });
  assert.equal(e.status, 200, JSON.stringify(e.body));
  const rows = assetRows(srv.db, [rma, ok]);
  assert.deepEqual(rows[rma], { status: 'rma', site_id: null, rack_id: null, tenant_id: null });
  assert.deepEqual(rows[ok], { status: 'in_stock', site_id: null, rack_id: null, tenant_id: null });
  // Back from the vendor, it is stock like any other, at no site.
  const back = await off().post(`/api/v1/assets/${rma}/status`, { status: 'in_stock' });
  assert.equal(back.status, 200, JSON.stringify(back.body));
  assert.deepEqual(assetRows(srv.db, [rma])[rma], { status: 'in_stock', site_id: null, rack_id: null, tenant_id: null });
});

test('moving checks the target capacity and writes each asset\'s new place', async () => {
  const from = await site(srv.base, officer.token, { slots: 20, kw: 100, racks: [{ name: 'F1', slot_capacity: 10, power_capacity_kw: 20 }] });
  const small = await site(srv.base, officer.token, { slots: 1, kw: 100 });
  const to = await site(srv.base, officer.token, { slots: 20, kw: 100, racks: [{ name: 'T1', slot_capacity: 4, power_capacity_kw: 10 }] });
  const a = await off().post('/api/v1/allocations', allocation({ site_id: from.id, rack_id: from.racks[0].id, gpu_model_id: model('H100'), count: 2 }));
  const ids = a.body.assets.map((x) => x.id);
  const full = await off().post(`/api/v1/allocations/${a.body.id}/move`, { site_id: small.id });
  assert.equal(full.status, 409);
  assert.match(full.body.detail, /1 slot\(s\) and 100 kW left; this needs 2 slot\(s\) and 1\.4 kW/);
  const wrongRack = await off().post(`/api/v1/allocations/${a.body.id}/move`, { site_id: to.id, rack_id: from.racks[0].id });
  assert.equal(wrongRack.status, 422);
  const m = await off().post(`/api/v1/allocations/${a.body.id}/move`, { site_id: to.id, rack_id: to.racks[0].id });
  assert.equal(m.status, 200, JSON.stringify(m.body));
  assert.equal(m.body.site_id, to.id);
  assert.equal(m.body.rack.name, 'T1');
  for (const row of Object.values(assetRows(srv.db, ids))) {
    assert.deepEqual(row, { status: 'allocated', site_id: to.id, rack_id: to.racks[0].id, tenant_id: kisti.org.id });
  }
  const ev = await history(ids[0]);
  assert.equal(ev[0].before.site_id, from.id);
  assert.equal(ev[0].after.site_id, to.id);
  assert.equal(ev[0].after.rack_id, to.racks[0].id);
  const same = await off().post(`/api/v1/allocations/${a.body.id}/move`, { site_id: to.id, rack_id: to.racks[0].id });
  assert.equal(same.status, 409);
  // Within one site, out of the rack: its own GPUs are not counted twice.
  const out = await off().post(`/api/v1/allocations/${a.body.id}/move`, { site_id: to.id });
  assert.equal(out.status, 200, JSON.stringify(out.body));
  assert.equal(out.body.rack, null);
  const u = await off().get(`/api/v1/sites/${to.id}/utilization`);
  assert.equal(u.body.total.slots.used, 2);
  assert.equal(u.body.racks[0].usage.slots.used, 0);
  assert.equal((await off().get(`/api/v1/sites/${from.id}/utilization`)).body.total.slots.used, 0);
});

test('returning some GPUs puts them back in stock; strangers are refused', async () => {
  const s = await site(srv.base, officer.token, { slots: 20, kw: 100 });
  const a = await off().post('/api/v1/allocations', allocation({ site_id: s.id, gpu_model_id: model('H100'), count: 3 }));
  const ids = a.body.assets.map((x) => x.id);
  const stranger = await off().post(`/api/v1/allocations/${a.body.id}/return`, { asset_ids: [ids[0], stock.B200[3]] });
  assert.equal(stranger.status, 422);
  assert.match(stranger.body.errors[0].message, new RegExp(`not in this allocation: ${stock.B200[3]}`));
  assert.equal((await off().post(`/api/v1/allocations/${a.body.id}/return`, {})).status, 422);
  const extra = await off().post(`/api/v1/allocations/${a.body.id}/return`, { asset_ids: [ids[0]], why: 'x' });
  assert.equal(extra.status, 422);
  assert.deepEqual(fieldsOf(extra), ['why']);
  const r = await off().post(`/api/v1/allocations/${a.body.id}/return`, { asset_ids: [ids[0], ids[2]] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'active');
  assert.equal(r.body.gpu_count, 1);
  assert.deepEqual(r.body.assets.map((x) => x.removed_reason), ['returned', null, 'returned']);
  const rows = assetRows(srv.db, ids);
  assert.equal(rows[ids[0]].status, 'in_stock');
  assert.equal(rows[ids[0]].tenant_id, null);
  assert.equal(rows[ids[1]].status, 'allocated');
  assert.equal(rows[ids[2]].site_id, null);
  const ev = await history(ids[0]);
  assert.equal(ev[0].before.status, 'allocated');
  assert.equal(ev[0].after.status, 'in_stock');
  const links = (await as(admin).get(`/api/v1/audit-events?table=allocation_assets`)).body.items;
  assert.ok(links.some((x) => x.action === 'update' && x.after.removed_reason === 'returned' && x.after.asset_id === ids[0]));
  const twice = await off().post(`/api/v1/allocations/${a.body.id}/return`, { asset_ids: [ids[0]] });
  assert.equal(twice.status, 422, 'a returned GPU is no longer in the allocation');
});

test('utilisation and the tenant summary are exact', async () => {
  const s = await site(srv.base, officer.token, {
    slots: 40, kw: 30,
    racks: [{ name: 'U1', slot_capacity: 8, power_capacity_kw: 10 }, { name: 'U2', slot_capacity: 8, power_capacity_kw: 10 }],
  });
  const fresh = await tenant(srv.base, admin, 'Upstage AI Lab', 'company');
  const a1 = await off().post('/api/v1/allocations', allocation({ site_id: s.id, rack_id: s.racks[0].id, gpu_model_id: model('H100'), count: 3, tenant_id: fresh.org.id }));
  const a2 = await off().post('/api/v1/allocations', allocation({ site_id: s.id, gpu_model_id: model('A100'), count: 2, tenant_id: snu.org.id }));
  const a3 = await off().post('/api/v1/allocations', allocation({ site_id: s.id, rack_id: s.racks[0].id, gpu_model_id: model('A100'), count: 1, tenant_id: fresh.org.id }));
  assert.deepEqual([a1.status, a2.status, a3.status], [201, 201, 201]);
  setAssetStatus(srv.db, [a1.body.assets[0].id], 'installed');
  const u = await off().get(`/api/v1/sites/${s.id}/utilization`);
  assert.equal(u.status, 200, JSON.stringify(u.body));
  assert.deepEqual(u.body.total, {
    slots: { capacity: 40, used: 6, free: 34 },
    power: { capacity_kw: 30, capacity_watts: 30000, used_watts: 3300, free_watts: 26700 },
  });
  assert.deepEqual(u.body.racks.map((r) => [r.name, r.usage.slots.used, r.usage.power.used_watts, r.usage.slots.free]),
    [['U1', 4, 2500, 4], ['U2', 0, 0, 8]]);
  assert.deepEqual(u.body.unracked, { used: 2, used_watts: 800 });
  assert.deepEqual(u.body.by_status, { allocated: 5, installed: 1, in_service: 0 });
  assert.deepEqual(u.body.by_model.map((m) => [m.gpu_model, m.count, m.used_watts]),
    [['NVIDIA H100', 3, 2100], ['NVIDIA A100', 3, 1200]]);
  assert.deepEqual(u.body.by_tenant.map((t) => [t.tenant, t.count, t.used_watts]).sort(),
    [['Seoul National University', 2, 800], ['Upstage AI Lab', 4, 2500]]);
  assert.equal((await off().get('/api/v1/sites/987654/utilization')).status, 404);

  const t = await as(fresh.token).get(`/api/v1/tenants/${fresh.org.id}/allocations`);
  assert.equal(t.status, 200, JSON.stringify(t.body));
  assert.equal(t.body.tenant.name, 'Upstage AI Lab');
  assert.equal(t.body.gpu_count, 4);
  assert.deepEqual(t.body.by_site, [{ site_id: s.id, site: s.name, count: 4 }]);
  assert.deepEqual(t.body.by_model.map((m) => [m.gpu_model, m.count]), [['NVIDIA H100', 3], ['NVIDIA A100', 1]]);
  assert.deepEqual(t.body.by_site_model.map((m) => [m.site_id, m.gpu_model, m.count]),
    [[s.id, 'NVIDIA H100', 3], [s.id, 'NVIDIA A100', 1]]);
  assert.deepEqual(t.body.allocations.map((x) => [x.id, x.gpu_count]), [[a1.body.id, 3], [a3.body.id, 1]]);
});

test('a site cannot shrink below what it holds, nor take GPUs once inactive', async () => {
  const s = await site(srv.base, officer.token, { slots: 10, kw: 10, racks: [{ name: 'S1', slot_capacity: 4, power_capacity_kw: 5 }] });
  const a = await off().post('/api/v1/allocations', allocation({ site_id: s.id, rack_id: s.racks[0].id, gpu_model_id: model('H100'), count: 3 }));
  assert.equal(a.status, 201);
  const g = await off().get(`/api/v1/sites/${s.id}`);
  const shrink = await api(srv.base, 'PATCH', `/api/v1/sites/${s.id}`, {
    token: officer.token, body: { gpu_slot_capacity: 2 }, headers: { 'if-match': g.headers.get('etag') },
  });
  assert.equal(shrink.status, 409);
  assert.match(shrink.body.detail, /holds 3 GPU\(s\) drawing 2\.1 kW/);
  const rack = await off().get(`/api/v1/sites/${s.id}/racks/${s.racks[0].id}`);
  const rackShrink = await api(srv.base, 'PATCH', `/api/v1/sites/${s.id}/racks/${s.racks[0].id}`, {
    token: officer.token, body: { power_capacity_kw: 2 }, headers: { 'if-match': rack.headers.get('etag') },
  });
  assert.equal(rackShrink.status, 409);
  const off1 = await api(srv.base, 'PATCH', `/api/v1/sites/${s.id}`, {
    token: officer.token, body: { active: false }, headers: { 'if-match': g.headers.get('etag') },
  });
  assert.equal(off1.status, 200, JSON.stringify(off1.body));
  const refused = await off().post('/api/v1/allocations', allocation({ site_id: s.id, gpu_model_id: model('H100'), count: 1 }));
  assert.equal(refused.status, 409);
  assert.match(refused.body.detail, /not active/);
});
