// Programmes, the GPU catalogue, purchase orders through every move,
// budgets, four eyes, ETags, idempotency and payments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, sql, patchRead } from '../helpers.mjs';
import { procurementCast, program, purchaseOrder } from '../fixtures.mjs';

let srv;
let cast;
let H100;
before(async () => {
  srv = await startServer();
  cast = await procurementCast(srv.base);
  H100 = cast.model.H100;
});
after(async () => { await srv.stop(); });

const as = (who) => ({
  get: (url) => api(srv.base, 'GET', url, { token: who.token ?? who }),
  post: (url, body, headers) => api(srv.base, 'POST', url, { token: who.token ?? who, body, headers }),
  patch: (url, body, headers) => api(srv.base, 'PATCH', url, { token: who.token ?? who, body, headers }),
});
const fieldsOf = (r) => r.body.errors.map((e) => e.field).sort();

test('the catalogue holds the programme\'s models as data', async () => {
  for (const m of ['H100', 'H200', 'H800', 'A100', 'B200']) {
    assert.ok(cast.model[m], `${m} in the catalogue`);
    assert.equal(cast.model[m].manufacturer, 'NVIDIA');
    assert.ok(cast.model[m].tdp_watts > 0 && cast.model[m].memory_gb > 0);
  }
  const add = await as(cast.admin).post('/api/v1/gpu-models', {
    manufacturer: 'NVIDIA', model: 'GB200', memory_gb: 192, form_factor: 'NVL72', tdp_watts: 1200,
  });
  assert.equal(add.status, 201);
  const dup = await as(cast.admin).post('/api/v1/gpu-models', {
    manufacturer: 'nvidia', model: 'gb200', memory_gb: 192, form_factor: 'nvl72', tdp_watts: 1200,
  });
  assert.equal(dup.status, 409);
  const officer = await as(cast.officer).post('/api/v1/gpu-models', { manufacturer: 'X', model: 'Y', memory_gb: 1, form_factor: 'Z', tdp_watts: 1 });
  assert.equal(officer.status, 403);
  const retire = await patchRead(srv.base, `/api/v1/gpu-models/${add.body.id}`, { token: cast.admin, body: { active: false } });
  assert.equal(retire.body.active, false);
  const vendorReads = await as(cast.vendor).get('/api/v1/gpu-models?active=true');
  assert.equal(vendorReads.status, 200);
  assert.ok(!vendorReads.body.items.some((m) => m.id === add.body.id));
  const p = await program(srv.base, cast.officer.token);
  const retired = await as(cast.officer).post('/api/v1/purchase-orders', {
    program_id: p.id, vendor_id: cast.vendor.org.id, lines: [{ gpu_model_id: add.body.id, quantity: 1, unit_price: 1 }],
  });
  assert.equal(retired.status, 422, 'a retired model is not ordered again');
  assert.deepEqual(fieldsOf(retired), ['lines']);
  assert.match(retired.body.errors[0].message, /retired/);
});

test('a programme carries its budget and milestones; bad input names fields', async () => {
  const p = await program(srv.base, cast.officer.token);
  assert.equal(p.budget_krw, 1_000_000_000_000);
  assert.deepEqual(p.milestones.map((m) => [m.due_on, m.gpu_target]), [['2025-12-31', 15000], ['2027-01-31', 30000]]);
  const bad = await as(cast.officer).post('/api/v1/programs', {
    name: '', budget_krw: -5, starts_on: '2025-02-30', ends_on: 'soon',
    milestones: [{ due_on: '2025-12-31', gpu_target: 0 }, { gpu_target: 3, extra: 1 }],
  });
  assert.equal(bad.status, 422);
  assert.deepEqual(fieldsOf(bad), ['budget_krw', 'ends_on', 'milestones[0].gpu_target',
    'milestones[1].due_on', 'milestones[1].extra', 'name', 'starts_on']);
  const order = await as(cast.officer).post('/api/v1/programs', {
    name: 'Backwards', budget_krw: 5, starts_on: '2026-01-01', ends_on: '2025-01-01',
  });
  assert.equal(order.status, 422);
  assert.deepEqual(fieldsOf(order), ['ends_on']);
  const floaty = await as(cast.officer).post('/api/v1/programs', {
    name: 'Floats', budget_krw: 10.5, starts_on: '2026-01-01', ends_on: '2026-02-01',
  });
  assert.equal(floaty.status, 422, 'money is never a float');
});

test('programme edits need the current ETag', async () => {
  const p = await program(srv.base, cast.officer.token);
  const g = await as(cast.officer).get(`/api/v1/programs/${p.id}`);
  const etag = g.headers.get('etag');
  assert.match(etag, /^"program-\d+-v1"$/);
  const none = await as(cast.officer).patch(`/api/v1/programs/${p.id}`, { budget_krw: 5 });
  assert.equal(none.status, 428);
  assert.equal(none.body.code, 'if_match.required');
  const ok = await as(cast.officer).patch(`/api/v1/programs/${p.id}`, { budget_krw: 2_000_000 }, { 'if-match': etag });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.budget_krw, 2_000_000);
  assert.notEqual(ok.headers.get('etag'), etag);
  const stale = await as(cast.approver).patch(`/api/v1/programs/${p.id}`, { budget_krw: 7 }, { 'if-match': etag });
  assert.equal(stale.status, 412, 'a second officer with the old ETag cannot overwrite');
  assert.equal(stale.body.code, 'if_match.stale');
  assert.equal(stale.body.etag, ok.headers.get('etag'));
  assert.equal(stale.body.version, 2);
  assert.equal((await as(cast.officer).get(`/api/v1/programs/${p.id}`)).body.budget_krw, 2_000_000);
});

test('a purchase order goes draft → submitted → approved → ordered, totals from its lines', async () => {
  const p = await program(srv.base, cast.officer.token);
  const po = await purchaseOrder(srv.base, cast, {
    programId: p.id, status: 'draft',
    lines: [{ gpu_model_id: H100.id, quantity: 100, unit_price: 45_000_000 },
      { gpu_model_id: cast.model.H200.id, quantity: 10, unit_price: 55_000_000, warranty_months: 60 }],
  });
  assert.equal(po.status, 'draft');
  assert.match(po.reference, /^PO-\d{4}-\d{6}$/);
  assert.equal(po.total_amount, 100 * 45_000_000 + 10 * 55_000_000);
  assert.equal(po.total_krw, po.total_amount);
  assert.equal(po.lines.length, 2);
  const officer = as(cast.officer);
  assert.equal((await officer.post(`/api/v1/purchase-orders/${po.id}/submit`)).body.status, 'submitted');
  const self = await officer.post(`/api/v1/purchase-orders/${po.id}/approve`);
  assert.equal(self.status, 403, 'four eyes: the creator cannot approve');
  assert.match(self.body.detail, /another officer/);
  const approved = await as(cast.approver).post(`/api/v1/purchase-orders/${po.id}/approve`);
  assert.equal(approved.status, 200);
  assert.equal(approved.body.status, 'approved');
  assert.equal(approved.body.approved_by, cast.approver.user.id);
  const ordered = await officer.post(`/api/v1/purchase-orders/${po.id}/order`);
  assert.equal(ordered.body.status, 'ordered');
  assert.ok(ordered.body.ordered_at);
});

test('a move from the wrong status is a 409 naming the allowed ones', async () => {
  const p = await program(srv.base, cast.officer.token);
  const po = await purchaseOrder(srv.base, cast, { programId: p.id, status: 'draft', lines: [{ gpu_model_id: H100.id, quantity: 1, unit_price: 1000 }] });
  const cases = [['approve', /approve is allowed from: submitted; this order is draft/],
    ['order', /order is allowed from: approved/], ['close', /close is allowed from: delivered/]];
  for (const [action, msg] of cases) {
    const r = await as(cast.approver).post(`/api/v1/purchase-orders/${po.id}/${action}`);
    assert.equal(r.status, 409, action);
    assert.match(r.body.detail, msg);
  }
  const cancel = await as(cast.officer).post(`/api/v1/purchase-orders/${po.id}/cancel`, {});
  assert.equal(cancel.status, 422, 'a cancel needs a reason');
  const c2 = await as(cast.officer).post(`/api/v1/purchase-orders/${po.id}/cancel`, { reason: 'duplicate of another order' });
  assert.equal(c2.body.status, 'cancelled');
  const again = await as(cast.officer).post(`/api/v1/purchase-orders/${po.id}/submit`);
  assert.equal(again.status, 409);
  assert.match(again.body.detail, /submit is allowed from: draft; this order is cancelled/);
  assert.equal(again.body.code, 'po.wrong_status');
  assert.equal(again.body.action, 'submit');
  assert.equal(again.body.current_status, 'cancelled');
  assert.deepEqual(again.body.allowed, ['draft']);
});

test('approval over budget is refused unless an administrator overrides with a reason', async () => {
  const p = await program(srv.base, cast.officer.token, { budget_krw: 1_000_000_000 });
  const first = await purchaseOrder(srv.base, cast, { programId: p.id, status: 'approved', lines: [{ gpu_model_id: H100.id, quantity: 15, unit_price: 50_000_000 }] });
  assert.equal(first.total_krw, 750_000_000);
  const second = await purchaseOrder(srv.base, cast, { programId: p.id, status: 'submitted', lines: [{ gpu_model_id: H100.id, quantity: 6, unit_price: 50_000_000 }] });
  const refused = await as(cast.approver).post(`/api/v1/purchase-orders/${second.id}/approve`);
  assert.equal(refused.status, 409);
  assert.match(refused.body.detail, /1000000000 KRW budget, 750000000 committed, 250000000 left/);
  assert.equal(refused.body.code, 'po.budget_exceeded');
  assert.equal(refused.body.order_krw, 300_000_000);
  assert.equal(refused.body.budget_krw, 1_000_000_000);
  assert.equal(refused.body.committed_krw, 750_000_000);
  assert.equal(refused.body.left_krw, 250_000_000);
  const notAdmin = await as(cast.approver).post(`/api/v1/purchase-orders/${second.id}/approve`, { override_reason: 'urgent research demand' });
  assert.equal(notAdmin.status, 403);
  assert.equal(notAdmin.body.code, 'po.override_forbidden');
  const override = await as(cast.admin).post(`/api/v1/purchase-orders/${second.id}/approve`, { override_reason: 'Cabinet decision 2025-14: over budget approved' });
  assert.equal(override.status, 200);
  assert.equal(override.body.override_reason, 'Cabinet decision 2025-14: over budget approved');
  const progress = await as(cast.officer).get(`/api/v1/programs/${p.id}/progress`);
  assert.equal(progress.body.committed_krw, 1_050_000_000);
  assert.equal(progress.body.remaining_krw, -50_000_000);
});

test('a USD order records its rate at approval and converts to won', async () => {
  const p = await program(srv.base, cast.officer.token);
  const po = await purchaseOrder(srv.base, cast, { programId: p.id, status: 'submitted', currency: 'USD', lines: [{ gpu_model_id: H100.id, quantity: 3, unit_price: 3_099_999 }] });
  assert.equal(po.total_krw, null, 'no won figure before a rate is recorded');
  const noRate = await as(cast.approver).post(`/api/v1/purchase-orders/${po.id}/approve`);
  assert.equal(noRate.status, 422);
  assert.deepEqual(fieldsOf(noRate), ['exchange_rate']);
  const floatRate = await as(cast.approver).post(`/api/v1/purchase-orders/${po.id}/approve`, { exchange_rate: 1385.2 });
  assert.equal(floatRate.status, 422);
  const ok = await as(cast.approver).post(`/api/v1/purchase-orders/${po.id}/approve`, { exchange_rate: '1385.20' });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.exchange_rate, '1385.2');
  // 9,299,997 cents × 1385.20 / 100 = 128,823,558.44 → 128,823,558 won.
  assert.equal(ok.body.total_amount, 9_299_997);
  assert.equal(ok.body.total_krw, 128_823_558);
  const krw = await purchaseOrder(srv.base, cast, { programId: p.id, status: 'submitted', lines: [{ gpu_model_id: H100.id, quantity: 1, unit_price: 5 }] });
  const rateOnKrw = await as(cast.approver).post(`/api/v1/purchase-orders/${krw.id}/approve`, { exchange_rate: '1300' });
  assert.equal(rateOnKrw.status, 422);
});

test('purchase order input errors name each field', async () => {
  const p = await program(srv.base, cast.officer.token);
  const r = await as(cast.officer).post('/api/v1/purchase-orders', {
    program_id: p.id, vendor_id: cast.vendor.org.id, currency: 'EUR',
    lines: [{ gpu_model_id: H100.id, quantity: 0, unit_price: 1 }, { quantity: 2, unit_price: '3' }],
  });
  assert.equal(r.status, 422);
  assert.deepEqual(fieldsOf(r), ['currency', 'lines[0].quantity', 'lines[1].gpu_model_id', 'lines[1].unit_price']);
  const huge = await as(cast.officer).post('/api/v1/purchase-orders', {
    program_id: p.id, vendor_id: cast.vendor.org.id,
    lines: [{ gpu_model_id: H100.id, quantity: 3_000_000_000, unit_price: 1, warranty_months: 121 }],
  });
  assert.equal(huge.status, 422);
  assert.deepEqual(fieldsOf(huge), ['lines[0].quantity', 'lines[0].warranty_months']);
  const empty = await as(cast.officer).post('/api/v1/purchase-orders', { program_id: p.id, vendor_id: cast.vendor.org.id, lines: [] });
  assert.deepEqual(fieldsOf(empty), ['lines']);
  const refs = [
    [{ program_id: 999999 }, 'program_id'],
    [{ vendor_id: cast.officer.org.id }, 'vendor_id'],
    [{ vendor_id: 999999 }, 'vendor_id'],
    [{ lines: [{ gpu_model_id: 999999, quantity: 1, unit_price: 1 }] }, 'lines'],
    [{ lines: [{ gpu_model_id: H100.id, quantity: 1, unit_price: 1 }, { gpu_model_id: H100.id, quantity: 2, unit_price: 1 }] }, 'lines'],
  ];
  for (const [change, field] of refs) {
    const body = { program_id: p.id, vendor_id: cast.vendor.org.id, lines: [{ gpu_model_id: H100.id, quantity: 1, unit_price: 1 }], ...change };
    const x = await as(cast.officer).post('/api/v1/purchase-orders', body);
    assert.equal(x.status, 422, JSON.stringify(change));
    assert.deepEqual(fieldsOf(x), [field], JSON.stringify(change));
  }
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM purchase_orders WHERE program_id = ${p.id}`), ['0']);
});

test('draft edits need If-Match; a stale ETag is 412; only drafts change', async () => {
  const p = await program(srv.base, cast.officer.token);
  const po = await purchaseOrder(srv.base, cast, { programId: p.id, status: 'draft', lines: [{ gpu_model_id: H100.id, quantity: 1, unit_price: 10 }] });
  const g = await as(cast.officer).get(`/api/v1/purchase-orders/${po.id}`);
  const etag = g.headers.get('etag');
  assert.equal(etag, `"po-${po.id}-v1"`);
  assert.equal((await as(cast.officer).patch(`/api/v1/purchase-orders/${po.id}`, { notes: 'x' })).status, 428);
  const ok = await as(cast.officer).patch(`/api/v1/purchase-orders/${po.id}`,
    { notes: '1차 도입분', lines: [{ gpu_model_id: cast.model.B200.id, quantity: 8, unit_price: 70_000_000 }] }, { 'if-match': etag });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.notes, '1차 도입분');
  assert.deepEqual(ok.body.lines.map((l) => [l.model, l.quantity]), [['B200', 8]]);
  const stale = await as(cast.approver).patch(`/api/v1/purchase-orders/${po.id}`, { notes: 'overwrite' }, { 'if-match': etag });
  assert.equal(stale.status, 412);
  assert.equal(stale.headers.get('etag'), ok.headers.get('etag'));
  await as(cast.officer).post(`/api/v1/purchase-orders/${po.id}/submit`);
  const g2 = await as(cast.officer).get(`/api/v1/purchase-orders/${po.id}`);
  const late = await as(cast.officer).patch(`/api/v1/purchase-orders/${po.id}`, { notes: 'late' }, { 'if-match': g2.headers.get('etag') });
  assert.equal(late.status, 409);
});

test('Idempotency-Key: a replay returns the first reply and creates nothing', async () => {
  const p = await program(srv.base, cast.officer.token);
  const body = { program_id: p.id, vendor_id: cast.vendor.org.id, lines: [{ gpu_model_id: H100.id, quantity: 2, unit_price: 10 }] };
  const key = { 'idempotency-key': 'po-create-7f3a' };
  const a = await as(cast.officer).post('/api/v1/purchase-orders', body, key);
  const b = await as(cast.officer).post('/api/v1/purchase-orders', body, key);
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.deepEqual(b.body, a.body);
  assert.equal(b.headers.get('idempotent-replayed'), 'true');
  assert.equal(b.headers.get('location'), a.headers.get('location'));
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM purchase_orders WHERE program_id = ${p.id}`), ['1']);
  const other = await as(cast.officer).post('/api/v1/purchase-orders', { ...body, notes: 'different' }, key);
  assert.equal(other.status, 422);
  assert.match(other.body.detail, /Idempotency-Key was already used/);
  assert.deepEqual(other.body.errors.map((e) => e.field), ['Idempotency-Key']);
  // Keys are per user: another officer's same key is a new request.
  const c = await as(cast.approver).post('/api/v1/purchase-orders', body, key);
  assert.equal(c.status, 201);
  assert.notEqual(c.body.id, a.body.id);
  // A refused request is replayed as refused, and still writes nothing.
  const badKey = { 'idempotency-key': 'bad-1' };
  const bad1 = await as(cast.officer).post('/api/v1/purchase-orders', { ...body, vendor_id: 999999 }, badKey);
  const bad2 = await as(cast.officer).post('/api/v1/purchase-orders', { ...body, vendor_id: 999999 }, badKey);
  assert.equal(bad1.status, 422);
  assert.equal(bad2.status, 422);
  assert.equal(bad2.headers.get('idempotent-replayed'), 'true');
});

// The order is read back for the reply in the transaction that writes it:
// a 5xx then means nothing was written, and releasing the key is safe.
test('Idempotency-Key: a failed read-back writes nothing, so the retry creates one order', async () => {
  const p = await program(srv.base, cast.officer.token);
  const body = { program_id: p.id, vendor_id: cast.vendor.org.id, lines: [{ gpu_model_id: H100.id, quantity: 1, unit_price: 10 }] };
  const key = { 'idempotency-key': 'po-readback-1' };
  const krwOf = (fn) => sql(srv.db, `CREATE OR REPLACE FUNCTION krw_of(amount bigint, cur currency, rate numeric)
    RETURNS bigint LANGUAGE ${fn}`);
  krwOf(`plpgsql IMMUTABLE AS $$ BEGIN RAISE EXCEPTION 'the read-back fails'; END $$`);
  let failed;
  try {
    failed = await as(cast.officer).post('/api/v1/purchase-orders', body, key);
  } finally {
    krwOf(`sql IMMUTABLE AS $$ SELECT CASE cur WHEN 'KRW' THEN amount
      ELSE round(amount * rate / 100)::bigint END $$`);
  }
  assert.equal(failed.status, 500, JSON.stringify(failed.body));
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM purchase_orders WHERE program_id = ${p.id}`), ['0']);
  const retry = await as(cast.officer).post('/api/v1/purchase-orders', body, key);
  assert.equal(retry.status, 201, JSON.stringify(retry.body));
  assert.equal(retry.headers.get('idempotent-replayed'), null);
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM purchase_orders WHERE program_id = ${p.id}`), ['1']);
});

test('vendors see only the orders sent to their own organisation', async () => {
  const p = await program(srv.base, cast.officer.token);
  const draft = await purchaseOrder(srv.base, cast, { programId: p.id, status: 'draft', lines: [{ gpu_model_id: H100.id, quantity: 1, unit_price: 10 }] });
  const sent = await purchaseOrder(srv.base, cast, { programId: p.id, status: 'ordered', lines: [{ gpu_model_id: H100.id, quantity: 1, unit_price: 10 }] });
  const v = as(cast.vendor);
  const seen = await v.get(`/api/v1/purchase-orders/${sent.id}`);
  assert.equal(seen.status, 200);
  // Whose order it is, by name: a vendor may not read the programme itself.
  assert.deepEqual(seen.body.program, { id: p.id, name: p.name });
  assert.equal((await v.get(`/api/v1/programs/${p.id}`)).status, 403);
  for (const internal of ['notes', 'override_reason', 'cancel_reason', 'created_by', 'approved_by'])
    assert.ok(!(internal in seen.body), `a vendor does not see ${internal}`);
  assert.equal(seen.body.lines.length, 1);
  assert.equal((await v.get(`/api/v1/purchase-orders/${draft.id}`)).status, 404, 'a draft is internal');
  const staffList = await as(cast.officer).get(`/api/v1/purchase-orders?program_id=${p.id}`);
  assert.deepEqual(staffList.body.items.map((o) => [o.id, o.program.name]), [[draft.id, p.name], [sent.id, p.name]]);
  const list = await v.get('/api/v1/purchase-orders?limit=500');
  assert.ok(list.body.items.every((o) => o.vendor_id === cast.vendor.org.id && o.ordered_at && !('notes' in o)));
  assert.ok(list.body.items.some((o) => o.id === sent.id));
  // Another vendor sees nothing of it.
  const other = await import('../fixtures.mjs').then((f) => f.person(srv.base, cast.admin, { email: 'rival@vendor2.example', kind: 'vendor', roles: ['vendor'] }));
  assert.equal((await as(other).get(`/api/v1/purchase-orders/${sent.id}`)).status, 404);
  assert.equal((await as(other).get('/api/v1/purchase-orders')).body.items.length, 0);
  assert.equal((await v.post(`/api/v1/purchase-orders/${sent.id}/cancel`, { reason: 'nope' })).status, 403);
  assert.equal((await v.get(`/api/v1/purchase-orders/${sent.id}/payments`)).status, 403);
});

test('payments: nothing before acceptance, never more than accepted, currency of the order', async () => {
  const p = await program(srv.base, cast.officer.token);
  const po = await purchaseOrder(srv.base, cast, { programId: p.id, status: 'ordered', lines: [{ gpu_model_id: H100.id, quantity: 4, unit_price: 1_000_000 }] });
  const url = `/api/v1/purchase-orders/${po.id}/payments`;
  const early = await as(cast.officer).post(url, { invoice_number: 'INV-1', amount: 1, paid_on: '2025-03-01' });
  assert.equal(early.status, 409);
  assert.match(early.body.detail, /more than the 0 KRW accepted/);
  // Two of four units accepted (recorded here directly: deliveries have their own tests).
  sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true);
    INSERT INTO deliveries (purchase_order_id, status, created_by, received_at) VALUES (${po.id}, 'received', 1, now());
    INSERT INTO delivery_units (delivery_id, purchase_order_line_id, serial, result)
      SELECT currval('deliveries_id_seq'), ${po.lines[0].id}, 'SN-PAY-' || g, 'passed' FROM generate_series(1, 2) g;
    COMMIT`);
  const ok = await as(cast.officer).post(url, { invoice_number: 'INV-1', amount: 1_500_000, paid_on: '2025-03-01' });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.amount_krw, 1_500_000);
  const dup = await as(cast.officer).post(url, { invoice_number: 'INV-1', amount: 1, paid_on: '2025-03-01' });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.code, 'payment.invoice_taken');
  assert.equal(dup.body.field, 'invoice_number');
  const over = await as(cast.officer).post(url, { invoice_number: 'INV-2', amount: 500_001, paid_on: '2025-03-02' });
  assert.equal(over.status, 409);
  assert.match(over.body.detail, /2000001 KRW, more than the 2000000 KRW accepted/);
  assert.equal(over.body.code, 'payment.over_accepted');
  assert.equal(over.body.paid_krw, 2_000_001);
  assert.equal(over.body.accepted_krw, 2_000_000);
  const exact = await as(cast.officer).post(url, { invoice_number: 'INV-2', amount: 500_000, paid_on: '2025-03-02' });
  assert.equal(exact.status, 201);
  const usd = await as(cast.officer).post(url, { invoice_number: 'INV-3', amount: 1, currency: 'USD', paid_on: '2025-03-02' });
  assert.equal(usd.status, 422);
  const future = await as(cast.officer).post(url, { invoice_number: 'INV-4', amount: 1, paid_on: '2999-01-01' });
  assert.equal(future.status, 422);
  const list = await as(cast.officer).get(url);
  assert.deepEqual(list.body.items.map((y) => y.invoice_number), ['INV-1', 'INV-2']);
  const unknown = await as(cast.officer).get(`${url}?limit=1`);
  assert.equal(unknown.status, 400, 'the list takes no query parameters, not even limit');
  assert.match(unknown.body.detail, /limit/);
  const progress = await as(cast.officer).get(`/api/v1/programs/${p.id}/progress`);
  assert.equal(progress.body.paid_krw, 2_000_000);
  assert.equal((await as(cast.officer).get(`/api/v1/purchase-orders/${po.id}`)).body.paid_krw, 2_000_000);
});

test('progress counts ordered units against the milestones from the real rows', async () => {
  const p = await program(srv.base, cast.officer.token, {
    budget_krw: 10_000_000_000,
    milestones: [{ due_on: '2030-12-31', gpu_target: 20, label: 'first' }, { due_on: '2031-12-31', gpu_target: 40 }],
  });
  await purchaseOrder(srv.base, cast, { programId: p.id, status: 'ordered', lines: [{ gpu_model_id: H100.id, quantity: 12, unit_price: 100_000_000 }] });
  await purchaseOrder(srv.base, cast, { programId: p.id, status: 'approved', lines: [{ gpu_model_id: H100.id, quantity: 5, unit_price: 100_000_000 }] });
  await purchaseOrder(srv.base, cast, { programId: p.id, status: 'draft', lines: [{ gpu_model_id: H100.id, quantity: 99, unit_price: 1 }] });
  const r = await as(cast.officer).get(`/api/v1/programs/${p.id}/progress`);
  assert.equal(r.status, 200);
  assert.equal(r.body.budget_krw, 10_000_000_000);
  assert.equal(r.body.committed_krw, 1_700_000_000, 'approved and ordered, not drafts');
  assert.equal(r.body.remaining_krw, 8_300_000_000);
  assert.equal(r.body.totals.ordered, 12, 'only orders sent to the vendor');
  assert.equal(r.body.totals.accepted, 0);
  assert.deepEqual(r.body.milestones.map((m) => [m.target, m.ordered, m.accepted, m.shortfall]), [[20, 12, 0, 20], [40, 12, 0, 40]]);
  assert.equal((await as(cast.officer).get('/api/v1/programs/999999/progress')).status, 404);
  assert.equal((await as(cast.vendor).get(`/api/v1/programs/${p.id}/progress`)).status, 403);
});

test('every change to an order is in the audit trail', async () => {
  const p = await program(srv.base, cast.officer.token);
  const po = await purchaseOrder(srv.base, cast, { programId: p.id, status: 'ordered', lines: [{ gpu_model_id: H100.id, quantity: 1, unit_price: 10 }] });
  const ev = await as(cast.admin).get(`/api/v1/audit-events?table=purchase_orders&record_id=${po.id}`);
  const statuses = ev.body.items.reverse().map((e) => e.after.status);
  assert.deepEqual(statuses, ['draft', 'submitted', 'approved', 'ordered']);
  assert.equal(ev.body.items[2].actor_user_id, cast.approver.user.id);
});

test('concurrent approvals never together exceed the budget', async () => {
  const p = await program(srv.base, cast.officer.token, { budget_krw: 1000 });
  const pos = [];
  for (let i = 0; i < 4; i++)
    pos.push(await purchaseOrder(srv.base, cast, { programId: p.id, status: 'submitted', lines: [{ gpu_model_id: H100.id, quantity: 1, unit_price: 800 }] }));
  const results = await Promise.all(pos.map((po) => as(cast.approver).post(`/api/v1/purchase-orders/${po.id}/approve`)));
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409, 409]);
  const progress = await as(cast.officer).get(`/api/v1/programs/${p.id}/progress`);
  assert.equal(progress.body.committed_krw, 800);
});

test('a line whose amount would overflow is refused before it is written', async () => {
  const p = await program(srv.base, cast.officer.token);
  const r = await as(cast.officer).post('/api/v1/purchase-orders', {
    program_id: p.id, vendor_id: cast.vendor.org.id, lines: [{ gpu_model_id: H100.id, quantity: 1_000_000, unit_price: 1_000_000_000_000_000 }],
  });
  assert.equal(r.status, 422);
  assert.deepEqual(fieldsOf(r), ['lines']);
  assert.equal((await as(cast.officer).get(`/api/v1/purchase-orders?program_id=${p.id}`)).body.items.length, 0);
});
