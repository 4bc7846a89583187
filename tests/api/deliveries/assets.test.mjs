// The asset registry: every accepted GPU by serial, the list's filters and
// pages, the state machine with its refusals naming the allowed moves, and
// each asset's history with who and when.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, sql } from '../helpers.mjs';
import { person, procurementCast, program, purchaseOrder } from '../fixtures.mjs';

let srv;
let cast;
let prog;
let po;
let delivery;
let auditor;
let tenant;
const H = ['GPU-H-0001', 'GPU-H-0002', 'GPU-H-0003', 'GPU-H-0004'];
const A = ['GPU-A-0001', 'GPU-A-0002'];

// Four H100s and two A100s, delivered, inspected and accepted through the API.
before(async () => {
  srv = await startServer();
  cast = await procurementCast(srv.base);
  prog = await program(srv.base, cast.officer.token);
  po = await purchaseOrder(srv.base, cast, {
    programId: prog.id,
    lines: [
      { gpu_model_id: cast.model.H100.id, quantity: 4, unit_price: 45_000_000, warranty_months: 36 },
      { gpu_model_id: cast.model.A100.id, quantity: 2, unit_price: 20_000_000, warranty_months: 12 },
    ],
  });
  const d = await api(srv.base, 'POST', '/api/v1/deliveries', {
    token: cast.officer.token,
    body: { purchase_order_id: po.id, lines: [
      { gpu_model_id: cast.model.H100.id, serials: H }, { gpu_model_id: cast.model.A100.id, serials: A },
    ] },
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  delivery = d.body;
  const insp = await api(srv.base, 'POST', `/api/v1/deliveries/${delivery.id}/inspection`, {
    token: cast.approver.token, body: { units: [...H, ...A].map((serial) => ({ serial, result: 'passed' })) },
  });
  assert.equal(insp.status, 200, JSON.stringify(insp.body));
  auditor = await person(srv.base, cast.admin, { email: 'reader@bai.go.kr', kind: 'auditor', roles: ['auditor'] });
  tenant = await person(srv.base, cast.admin, { email: 'gpu@kisti.re.kr', kind: 'institute', roles: ['tenant'], orgName: 'KISTI' });
});
after(async () => { await srv.stop(); });

const get = (url, who = cast.officer) => api(srv.base, 'GET', url, { token: who.token ?? who });
const move = (id, body, who = cast.officer) => api(srv.base, 'POST', `/api/v1/assets/${id}/status`, { token: who.token ?? who, body });
const idOf = (serial) => Number(sql(srv.db, `SELECT id FROM assets WHERE serial = '${serial}'`)[0]);
const statusOf = (id) => sql(srv.db, `SELECT status || '|' || coalesce(status_reason, '') FROM assets WHERE id = ${id}`)[0];
const serialsOf = (r) => r.body.items.map((a) => a.serial);

// Where an asset is and who uses it is the allocation endpoints' to set
// (issue 4); these tests set it directly, with an audit context as every
// write needs, so that they test the registry alone. Returns the site id.
let siteId;
async function allocate(serial) {
  if (!siteId) {
    const s = await api(srv.base, 'POST', '/api/v1/sites', { token: cast.officer.token, body: {
      name: 'Daejeon DC', operator_id: tenant.org.id, address: '245 Daehak-ro, Yuseong-gu', region: 'Daejeon',
      power_capacity_kw: 2000, cooling_type: 'liquid', gpu_slot_capacity: 4096,
    } });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    siteId = s.body.id;
  }
  sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true);
    UPDATE assets SET status = 'allocated', site_id = ${siteId}, tenant_id = ${tenant.org.id}
     WHERE serial = '${serial}'; COMMIT`);
  return siteId;
}

test('an accepted unit is an asset with its model, PO, warranty and origins', async () => {
  const found = await get('/api/v1/assets?serial=gpu-h-0002');
  assert.equal(found.status, 200);
  assert.equal(found.body.items.length, 1, 'look-up by serial ignores case');
  const a = await get(`/api/v1/assets/${found.body.items[0].id}`, auditor);
  assert.equal(a.status, 200);
  assert.equal(a.body.serial, 'GPU-H-0002');
  assert.equal(a.body.model, 'H100');
  assert.equal(a.body.manufacturer, 'NVIDIA');
  assert.equal(a.body.status, 'in_stock');
  assert.equal(a.body.purchase_order_id, po.id);
  assert.equal(a.body.purchase_order_reference, po.reference);
  assert.equal(a.body.program_id, prog.id);
  assert.equal(a.body.vendor_id, cast.vendor.org.id);
  assert.equal(a.body.vendor_name, 'GPU Vendor Korea');
  assert.equal(a.body.delivery_id, delivery.id);
  assert.equal(a.body.site_id, null);
  assert.equal(a.body.tenant_id, null);
  assert.deepEqual(a.body.next_statuses, ['allocated', 'rma', 'retired']);
  const seoulToday = sql(srv.db, "SELECT ((now() AT TIME ZONE 'Asia/Seoul')::date + interval '36 months')::date")[0];
  assert.equal(a.body.warranty_ends_on, seoulToday);
  const a100 = await get(`/api/v1/assets/${idOf('GPU-A-0001')}`);
  assert.equal(a100.body.warranty_ends_on, sql(srv.db, "SELECT ((now() AT TIME ZONE 'Asia/Seoul')::date + interval '12 months')::date")[0]);
  assert.equal((await get('/api/v1/assets/987654')).status, 404);
  assert.equal((await get('/api/v1/assets/abc')).status, 404);
});

test('the list filters by model, status, vendor, programme, PO, site and tenant, in pages', async () => {
  const all = await get(`/api/v1/assets?purchase_order_id=${po.id}`);
  assert.deepEqual(serialsOf(all), [...H, ...A]);
  assert.deepEqual(serialsOf(await get(`/api/v1/assets?gpu_model_id=${cast.model.A100.id}&purchase_order_id=${po.id}`)), A);
  assert.deepEqual(serialsOf(await get(`/api/v1/assets?vendor_id=${cast.vendor.org.id}&gpu_model_id=${cast.model.A100.id}`)), A);
  assert.deepEqual(serialsOf(await get(`/api/v1/assets?program_id=${prog.id}&status=in_stock&gpu_model_id=${cast.model.A100.id}`)), A);
  assert.deepEqual(serialsOf(await get(`/api/v1/assets?vendor_id=${cast.officer.org.id}`)), []);
  assert.deepEqual(serialsOf(await get('/api/v1/assets?serial=GPU-A-0002&gpu_model_id=' + cast.model.H100.id)), []);

  const site = await allocate('GPU-H-0003');
  assert.deepEqual(serialsOf(await get(`/api/v1/assets?site_id=${site}`)), ['GPU-H-0003']);
  assert.deepEqual(serialsOf(await get(`/api/v1/assets?tenant_id=${tenant.org.id}&status=allocated`)), ['GPU-H-0003']);
  assert.deepEqual(serialsOf(await get(`/api/v1/assets?tenant_id=${tenant.org.id}&status=in_stock`)), []);
  assert.ok(!serialsOf(await get(`/api/v1/assets?status=in_stock&purchase_order_id=${po.id}`)).includes('GPU-H-0003'));

  // Pages of two: every asset once, in id order.
  const seen = [];
  let url = `/api/v1/assets?program_id=${prog.id}&limit=2`;
  for (;;) {
    const page = await get(url, auditor);
    assert.equal(page.status, 200);
    assert.ok(page.body.items.length <= 2);
    seen.push(...serialsOf(page));
    if (page.body.next === null) break;
    url = `/api/v1/assets?program_id=${prog.id}&limit=2&cursor=${encodeURIComponent(page.body.next)}`;
  }
  assert.deepEqual(seen, [...H, ...A]);

  assert.equal((await get('/api/v1/assets?status=lost')).status, 400);
  assert.equal((await get('/api/v1/assets?site_id=x')).status, 400);
  assert.equal((await get('/api/v1/assets?owner=me')).status, 400);
  assert.equal((await get('/api/v1/assets?serial=')).status, 400);
  assert.equal((await get('/api/v1/assets', cast.vendor)).status, 403, 'a vendor does not read the registry');
  assert.equal((await get('/api/v1/assets', tenant)).status, 403);
});

test('a forbidden move is a 409 naming the allowed statuses; a reason is needed where the machine says', async () => {
  const id = idOf('GPU-H-0001');
  const skip = await move(id, { status: 'installed' });
  assert.equal(skip.status, 409);
  assert.match(skip.body.detail, /cannot go from in_stock to installed; from in_stock it can go to: allocated, rma, retired/);
  assert.equal(statusOf(id), 'in_stock|');

  const noReason = await move(id, { status: 'rma' });
  assert.equal(noReason.status, 422);
  assert.deepEqual(noReason.body.errors.map((e) => e.field), ['reason']);
  assert.match(noReason.body.errors[0].message, /moving an asset to rma needs a reason/);
  const blank = await move(id, { status: 'rma', reason: '   ' });
  assert.equal(blank.status, 422);
  assert.equal(statusOf(id), 'in_stock|');

  const rma = await move(id, { status: 'rma', reason: 'fan failure; vendor ticket 4411' });
  assert.equal(rma.status, 200, JSON.stringify(rma.body));
  assert.equal(rma.body.status, 'rma');
  assert.equal(rma.body.status_reason, 'fan failure; vendor ticket 4411');
  assert.deepEqual(rma.body.next_statuses, ['in_stock', 'retired']);
  assert.equal(statusOf(id), 'rma|fan failure; vendor ticket 4411');
  const same = await move(id, { status: 'rma', reason: 'again' });
  assert.equal(same.status, 409);
  assert.match(same.body.detail, /already rma; from rma it can go to: in_stock, retired/);

  const back = await move(id, { status: 'in_stock' });
  assert.equal(back.status, 200);
  assert.equal(back.body.status_reason, null, 'a reason belongs to its own move');
  const retire = await move(id, { status: 'retired', reason: 'end of life' });
  assert.equal(retire.status, 200);
  const after = await move(id, { status: 'in_stock' });
  assert.equal(after.status, 409);
  assert.match(after.body.detail, /from retired it can go to: nothing \(final\)/);
  assert.equal(statusOf(id), 'retired|end of life');

  const alloc = await move(idOf('GPU-H-0004'), { status: 'allocated' });
  assert.equal(alloc.status, 422);
  assert.match(alloc.body.errors[0].message, /allocation endpoints/);
  const bad = await move(idOf('GPU-H-0004'), { status: 'lost', colour: 'red' });
  assert.deepEqual(bad.body.errors.map((e) => e.field).sort(), ['colour', 'status']);
  assert.equal((await move(987654, { status: 'rma', reason: 'x' })).status, 404);
  assert.equal((await move(idOf('GPU-H-0004'), { status: 'rma', reason: 'x' }, auditor)).status, 403);
  assert.equal((await move(idOf('GPU-H-0004'), { status: 'rma', reason: 'x' }, cast.vendor)).status, 403);
  assert.equal(statusOf(idOf('GPU-H-0004')), 'in_stock|');
});

test('an installed asset goes into service and back, and out of service only with a reason', async () => {
  await allocate('GPU-H-0004');
  const id = idOf('GPU-H-0004');
  assert.equal(statusOf(id), 'allocated|');
  for (const [status, reason] of [['installed'], ['in_service'], ['installed', 'maintenance window'], ['in_service']]) {
    const r = await move(id, { status, reason });
    assert.equal(r.status, 200, `${status}: ${JSON.stringify(r.body)}`);
  }
  const down = await move(id, { status: 'installed' });
  assert.equal(down.status, 422, 'in_service to installed needs a reason');
  // Back to stock is the return of the allocation, which also clears where
  // it was; this endpoint does not bypass it.
  const stock = await move(id, { status: 'in_stock' });
  assert.equal(stock.status, 409);
  assert.match(stock.body.detail, new RegExp(`allocated to organization ${tenant.org.id}; return it through its allocation`));
  const retire = await move(id, { status: 'retired', reason: 'burnt' });
  assert.equal(retire.status, 409);
  const rma = await move(id, { status: 'rma', reason: 'NVLink errors in service' });
  assert.equal(rma.status, 200, 'an RMA may start where the asset is');
  assert.equal(rma.body.tenant_id, tenant.org.id);
  assert.equal(statusOf(id), 'rma|NVLink errors in service');
});

test('the history lists every status and location change with who and when', async () => {
  const id = idOf('GPU-A-0002');
  assert.equal((await move(id, { status: 'rma', reason: 'PCIe link errors' })).status, 200);
  assert.equal((await move(id, { status: 'in_stock' }, cast.approver)).status, 200);
  // A change that moves nothing a person asks about is not history.
  sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true);
    UPDATE assets SET warranty_ends_on = warranty_ends_on + 1 WHERE id = ${id}; COMMIT`);
  const site = await allocate('GPU-A-0002');

  const h = await get(`/api/v1/assets/${id}/history`, auditor);
  assert.equal(h.status, 200);
  const rows = h.body.items.map((e) => [e.action, e.previous_status, e.status, e.reason, e.site_id, e.tenant_id,
    e.actor.user_id, e.actor.name]);
  assert.deepEqual(rows, [
    ['insert', null, 'in_stock', null, null, null, cast.approver.user.id, cast.approver.user.name],
    ['update', 'in_stock', 'rma', 'PCIe link errors', null, null, cast.officer.user.id, cast.officer.user.name],
    ['update', 'rma', 'in_stock', null, null, null, cast.approver.user.id, cast.approver.user.name],
    ['update', 'in_stock', 'allocated', null, site, tenant.org.id, null, null],
  ]);
  assert.equal(h.body.items[3].previous_tenant_id, null);
  assert.equal(h.body.items[3].channel, 'system');
  assert.equal(h.body.items[1].channel, 'api');
  assert.ok(h.body.items.every((e) => !Number.isNaN(Date.parse(e.at))));
  assert.ok(Date.parse(h.body.items[1].at) <= Date.parse(h.body.items[2].at));

  const page = await get(`/api/v1/assets/${id}/history?limit=1`);
  assert.equal(page.body.items.length, 1);
  const next = await get(`/api/v1/assets/${id}/history?limit=3&cursor=${encodeURIComponent(page.body.next)}`);
  assert.deepEqual(next.body.items.map((e) => e.status), ['rma', 'in_stock', 'allocated']);
  assert.equal(next.body.next, null);
  assert.equal((await get('/api/v1/assets/987654/history')).status, 404);
  assert.equal((await get(`/api/v1/assets/${id}/history`, cast.vendor)).status, 403);
});
