// Deliveries against purchase orders: who may deliver what, every refused
// serial named, all or nothing, receipt, acceptance inspection turning units
// into assets, the PO's status following, vendor isolation, and the race of
// concurrent deliveries against one PO line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startServer, api, sql, psqlSession, until } from '../helpers.mjs';
import { person, procurementCast, program, purchaseOrder } from '../fixtures.mjs';

let srv;
let cast;
let prog;
let other;      // a second vendor, with a PO of its own
before(async () => {
  // Enough workers for the ten racing deliveries to be in flight at once.
  srv = await startServer({ env: { REGISTRY_THREADS: '16' } });
  cast = await procurementCast(srv.base);
  prog = await program(srv.base, cast.officer.token);
  other = await person(srv.base, cast.admin, {
    email: 'sales@other-vendor.example', kind: 'vendor', roles: ['vendor'], orgName: 'Other GPU Vendor',
  });
});
after(async () => { await srv.stop(); });

const as = (who) => ({
  get: (url) => api(srv.base, 'GET', url, { token: who.token ?? who }),
  post: (url, body) => api(srv.base, 'POST', url, { token: who.token ?? who, body }),
});
const fieldsOf = (r) => r.body.errors.map((e) => e.field);
const count = (table, where) => Number(sql(srv.db, `SELECT count(*) FROM ${table} WHERE ${where}`)[0]);
let serialNo = 0;
const serials = (n, prefix = 'SN') => Array.from({ length: n }, () => `${prefix}-${String(++serialNo).padStart(6, '0')}`);

// An ordered PO of cast.vendor (or of vendorOrg) with lines {model: quantity}.
async function orderedPo(lines, { vendorOrg, warranty = 36 } = {}) {
  const body = Object.entries(lines).map(([m, quantity]) => ({
    gpu_model_id: cast.model[m].id, quantity, unit_price: 45_000_000, warranty_months: warranty,
  }));
  if (!vendorOrg) return purchaseOrder(srv.base, cast, { programId: prog.id, lines: body });
  const c = await as(cast.officer).post('/api/v1/purchase-orders', { program_id: prog.id, vendor_id: vendorOrg, currency: 'KRW', lines: body });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  for (const [action, who] of [['submit', cast.officer], ['approve', cast.approver], ['order', cast.officer]]) {
    const r = await as(who).post(`/api/v1/purchase-orders/${c.body.id}/${action}`);
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
  }
  return c.body;
}

const deliver = (who, po, lines, extra = {}) => as(who).post('/api/v1/deliveries', {
  purchase_order_id: po.id,
  lines: Object.entries(lines).map(([m, s]) => ({ gpu_model_id: cast.model[m].id, serials: s })),
  ...extra,
});

test('an officer records a delivery as received; its lines and unit counts read back', async () => {
  const po = await orderedPo({ H100: 10, A100: 5 });
  const h = serials(3);
  const a = serials(2);
  const r = await deliver(cast.officer, po, { H100: h, A100: a }, { reference: 'DN-2025-0001', note: '1st batch' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.headers.get('location'), `/api/v1/deliveries/${r.body.id}`);
  assert.equal(r.body.status, 'received');
  assert.equal(r.body.received_by, cast.officer.user.id);
  assert.ok(r.body.received_at);
  assert.equal(r.body.purchase_order_reference, po.reference);
  assert.equal(r.body.reference, 'DN-2025-0001');
  assert.deepEqual(r.body.units, { total: 5, pending: 5, passed: 0, failed: 0 });
  const byModel = Object.fromEntries(r.body.lines.map((l) => [l.model, l]));
  assert.equal(byModel.H100.quantity, 10);
  assert.equal(byModel.H100.remaining, 7);
  assert.deepEqual(byModel.H100.units, { total: 3, pending: 3, passed: 0, failed: 0 });
  assert.equal(byModel.A100.remaining, 3);

  const g = await as(cast.officer).get(`/api/v1/deliveries/${r.body.id}`);
  assert.deepEqual(g.body, r.body);
  assert.deepEqual(sql(srv.db, `SELECT serial FROM delivery_units WHERE delivery_id = ${r.body.id} ORDER BY id`), [...h, ...a]);
  // Each unit's insert is in the audit trail, by the officer.
  assert.equal(count('audit_events', `table_name = 'delivery_units' AND actor_user_id = ${cast.officer.user.id}
    AND (after ->> 'delivery_id')::bigint = ${r.body.id}`), 5);

  const units = await as(cast.admin).get(`/api/v1/deliveries/${r.body.id}/units?limit=2`);
  assert.equal(units.status, 200);
  assert.deepEqual(units.body.items.map((u) => u.serial), h.slice(0, 2));
  assert.equal(units.body.items[0].model, 'H100');
  assert.equal(units.body.items[0].result, 'pending');
  assert.equal(units.body.items[0].asset_id, null);
  const rest = await as(cast.admin).get(`/api/v1/deliveries/${r.body.id}/units?limit=2&cursor=${units.body.next}`);
  assert.deepEqual(rest.body.items.map((u) => u.serial), [h[2], a[0]]);
  const pending = await as(cast.admin).get(`/api/v1/deliveries/${r.body.id}/units?result=passed`);
  assert.deepEqual(pending.body.items, []);

  const list = await as(cast.officer).get(`/api/v1/deliveries?purchase_order_id=${po.id}&status=received`);
  assert.deepEqual(list.body.items.map((d) => d.id), [r.body.id]);
  const none = await as(cast.officer).get(`/api/v1/deliveries?purchase_order_id=${po.id}&status=inspected`);
  assert.deepEqual(none.body.items, []);
  assert.equal((await as(cast.officer).get('/api/v1/deliveries?status=lost')).status, 400);
});

test('every refused serial is named, and nothing of the delivery is written', async () => {
  const po = await orderedPo({ H100: 4, A100: 2 });
  const taken = serials(1);
  assert.equal((await deliver(cast.officer, po, { H100: taken })).status, 201);
  const before = count('deliveries', `purchase_order_id = ${po.id}`);
  const [ok1, ok2, ok3] = serials(3);
  const r = await as(cast.officer).post('/api/v1/deliveries', {
    purchase_order_id: po.id,
    lines: [
      { gpu_model_id: cast.model.H100.id, serials: [ok1, 'bad serial!', taken[0].toLowerCase(), ok2] },
      { gpu_model_id: cast.model.A100.id, serials: [ok1.toLowerCase(), ok3, '-leading'] },
      { gpu_model_id: cast.model.H200.id, serials: ['SN-H200-1'] },
      { gpu_model_id: cast.model.H100.id, serials: ['SN-EXTRA-1', 'SN-EXTRA-2'] },
    ],
  });
  assert.equal(r.status, 422, JSON.stringify(r.body));
  const msg = Object.fromEntries(r.body.errors.map((e) => [e.field, e.message]));
  assert.deepEqual(fieldsOf(r), [
    'lines[0].serials[1]', 'lines[0].serials[2]', 'lines[1].serials[0]', 'lines[1].serials[2]',
    'lines[2].serials[0]', 'lines[3].serials[1]',
  ]);
  assert.match(msg['lines[0].serials[1]'], /is not a serial number/);
  assert.match(msg['lines[0].serials[2]'], /already registered in delivery \d+/);
  assert.match(msg['lines[1].serials[0]'], /repeats the serial number of lines\[0\]\.serials\[0\]/);
  assert.match(msg['lines[1].serials[2]'], /is not a serial number/);
  assert.match(msg['lines[2].serials[0]'], /GPU model \d+ \(H200\) is not on purchase order .* \(its models: H100, A100\)/);
  // H100 has 3 left: ok1, ok2 and SN-EXTRA-1 fit; SN-EXTRA-2 does not.
  assert.match(msg['lines[3].serials[1]'], /one unit too many: the H100 line has 3 unit\(s\) left/);
  assert.equal(count('deliveries', `purchase_order_id = ${po.id}`), before);
  assert.equal(count('delivery_units', `serial IN ('${ok1}', '${ok2}', '${ok3}', 'SN-EXTRA-1')`), 0);

  const shape = await as(cast.officer).post('/api/v1/deliveries', {
    purchase_order_id: 'x', colour: 'red', lines: [{ gpu_model_id: 0, serials: [] }, 7, { serials: ['A', 3], extra: 1 }],
  });
  assert.equal(shape.status, 422);
  assert.deepEqual(fieldsOf(shape).sort(), ['colour', 'lines[0].gpu_model_id', 'lines[0].serials', 'lines[1]',
    'lines[2].extra', 'lines[2].gpu_model_id', 'lines[2].serials[1]', 'purchase_order_id']);
});

test('units arrive only while the PO is ordered or partially delivered', async () => {
  const draft = await purchaseOrder(srv.base, cast, {
    programId: prog.id, status: 'approved',
    lines: [{ gpu_model_id: cast.model.H100.id, quantity: 2, unit_price: 1000 }],
  });
  const r = await deliver(cast.officer, draft, { H100: serials(1) });
  assert.equal(r.status, 409);
  assert.match(r.body.detail, /is approved; .*only while it is ordered or partially_delivered/);
  assert.equal(count('deliveries', `purchase_order_id = ${draft.id}`), 0);
  const missing = await as(cast.officer).post('/api/v1/deliveries', { purchase_order_id: 987654 });
  assert.equal(missing.status, 404);
});

test('a vendor announces deliveries of its own POs only, and sees no other', async () => {
  const mine = await orderedPo({ H100: 4 });
  const theirs = await orderedPo({ H100: 4 }, { vendorOrg: other.org.id });
  const theirDelivery = await deliver(cast.officer, theirs, { H100: serials(1) });
  assert.equal(theirDelivery.status, 201);

  const notice = await deliver(cast.vendor, mine, { H100: serials(2) }, { reference: 'ASN-77' });
  assert.equal(notice.status, 201, JSON.stringify(notice.body));
  assert.equal(notice.body.status, 'announced');
  assert.equal(notice.body.received_at, null);
  assert.equal(notice.body.created_by, cast.vendor.user.id);

  const v = as(cast.vendor);
  const cross = await deliver(cast.vendor, theirs, { H100: serials(1) });
  assert.equal(cross.status, 404);
  assert.equal(count('deliveries', `purchase_order_id = ${theirs.id}`), 1);
  assert.equal((await v.get(`/api/v1/deliveries/${theirDelivery.body.id}`)).status, 404);
  assert.equal((await v.get(`/api/v1/deliveries/${theirDelivery.body.id}/units`)).status, 404);
  const list = await v.get('/api/v1/deliveries?limit=500');
  assert.ok(list.body.items.length > 0);
  assert.ok(list.body.items.every((d) => d.vendor_id === cast.vendor.org.id), 'only its own');
  assert.ok(list.body.items.some((d) => d.id === notice.body.id));
  const theirList = await v.get(`/api/v1/deliveries?purchase_order_id=${theirs.id}`);
  assert.deepEqual(theirList.body.items, []);
  assert.equal((await v.get(`/api/v1/deliveries/${notice.body.id}`)).status, 200);

  // Another supplier's serial can be refused, never traced to its records:
  // no delivery or asset of theirs is named.
  const takenSerial = theirDelivery.body.lines[0].serials?.[0] ??
    sql(srv.db, `SELECT serial FROM delivery_units WHERE delivery_id = ${theirDelivery.body.id}`)[0];
  const probe = await deliver(cast.vendor, mine, { H100: [takenSerial] });
  assert.equal(probe.status, 422, JSON.stringify(probe.body));
  assert.equal(probe.body.errors[0].message, 'is already registered by another supplier; check the serial number');
  assert.doesNotMatch(JSON.stringify(probe.body), new RegExp(`delivery ${theirDelivery.body.id}\\b`));

  // Acceptance is the ministry's: a vendor can neither receive nor inspect.
  assert.equal((await v.post(`/api/v1/deliveries/${notice.body.id}/receive`)).status, 403);
  const inspect = await v.post(`/api/v1/deliveries/${notice.body.id}/inspection`, { units: [{ serial: 'x', result: 'passed' }] });
  assert.equal(inspect.status, 403);
  assert.equal(count('delivery_units', `delivery_id = ${notice.body.id} AND result = 'pending'`), 2);
  // Tenants and auditors do not deliver.
  const auditor = await person(srv.base, cast.admin, { email: 'audit@bai.go.kr', kind: 'auditor', roles: ['auditor'] });
  assert.equal((await deliver(auditor, mine, { H100: serials(1) })).status, 403);
  assert.equal((await as(auditor).get(`/api/v1/deliveries/${notice.body.id}`)).status, 200);
});

test('an announced delivery is received once, then inspected; not the other way round', async () => {
  const po = await orderedPo({ A100: 3 });
  const s = serials(2);
  const notice = await deliver(cast.vendor, po, { A100: s });
  const early = await as(cast.officer).post(`/api/v1/deliveries/${notice.body.id}/inspection`, {
    units: [{ serial: s[0], result: 'passed' }],
  });
  assert.equal(early.status, 409);
  assert.match(early.body.detail, /is announced; only a received delivery is inspected/);
  // Receipt takes no fields: a body with any is refused, not ignored.
  const url = `/api/v1/deliveries/${notice.body.id}/receive`;
  const noted = await as(cast.officer).post(url, { note: 'two boxes dented' });
  assert.equal(noted.status, 422, JSON.stringify(noted.body));
  assert.deepEqual(fieldsOf(noted), ['note']);
  const text = await api(srv.base, 'POST', url, {
    token: cast.officer.token, raw: 'received', headers: { 'content-type': 'text/plain' },
  });
  assert.equal(text.status, 415);
  assert.deepEqual(sql(srv.db, `SELECT status FROM deliveries WHERE id = ${notice.body.id}`), ['announced']);
  assert.equal((await as(cast.officer).post(url, {})).status, 200, '{} is no fields');
  sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true);
    UPDATE deliveries SET status = 'announced', received_by = NULL, received_at = NULL WHERE id = ${notice.body.id};
    COMMIT`);
  const rec = await as(cast.officer).post(`/api/v1/deliveries/${notice.body.id}/receive`);
  assert.equal(rec.status, 200);
  assert.equal(rec.body.status, 'received');
  assert.equal(rec.body.received_by, cast.officer.user.id);
  assert.deepEqual(sql(srv.db, `SELECT status, received_by FROM deliveries WHERE id = ${notice.body.id}`),
    [`received|${cast.officer.user.id}`]);
  const again = await as(cast.officer).post(`/api/v1/deliveries/${notice.body.id}/receive`);
  assert.equal(again.status, 409);
  assert.match(again.body.detail, /is received; only an announced delivery can be received/);
  assert.equal((await as(cast.officer).post('/api/v1/deliveries/987654/receive')).status, 404);
});

test('inspection: passed units become assets, failed ones free their place, the PO follows', async () => {
  const po = await orderedPo({ H100: 3 }, { warranty: 24 });
  const s = serials(3);
  const d = await deliver(cast.officer, po, { H100: s });
  const insp = (body) => as(cast.officer).post(`/api/v1/deliveries/${d.body.id}/inspection`, body);

  const bad = await insp({ units: [
    { serial: s[0], result: 'failed' },
    { serial: 'NOT-HERE', result: 'passed' },
    { serial: s[1], result: 'maybe' },
    { serial: s[2], result: 'passed', colour: 'green' },
  ] });
  assert.equal(bad.status, 422);
  assert.deepEqual(fieldsOf(bad), ['units[2].result', 'units[3].colour']);
  const noNote = await insp({ units: [{ serial: s[0], result: 'failed' }, { serial: 'NOT-HERE', result: 'passed' }] });
  assert.equal(noNote.status, 422);
  assert.deepEqual(fieldsOf(noNote), ['units[0].note']);
  const unknown = await insp({ units: [{ serial: s[0], result: 'passed' }, { serial: 'NOT-HERE', result: 'passed' },
    { serial: s[0].toLowerCase(), result: 'passed' }] });
  assert.equal(unknown.status, 422);
  assert.deepEqual(unknown.body.errors, [
    { field: 'units[1].serial', message: `is not a unit of delivery ${d.body.id}` },
    { field: 'units[2].serial', message: 'is listed twice' },
  ]);
  assert.equal(count('delivery_units', `delivery_id = ${d.body.id} AND result <> 'pending'`), 0);
  assert.equal(count('assets', `delivery_id = ${d.body.id}`), 0);

  // Two pass; one fails with its reason and goes back to the vendor.
  const r = await insp({ units: [
    { serial: s[0], result: 'passed', note: 'burn-in 72h ok' },
    { serial: s[1].toLowerCase(), result: 'passed' },
    { serial: s[2], result: 'failed', note: 'ECC errors under load; RMA' },
  ] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'inspected');
  assert.equal(r.body.inspected_by, cast.officer.user.id);
  assert.deepEqual(r.body.units, { total: 3, pending: 0, passed: 2, failed: 1 });
  assert.equal(r.body.lines[0].remaining, 1, 'the failed unit frees its place');
  const assets = sql(srv.db, `SELECT serial, status, gpu_model_id, program_id, vendor_id, purchase_order_id,
      delivery_id, warranty_ends_on = ((now() AT TIME ZONE 'Asia/Seoul')::date + interval '24 months')::date
    FROM assets WHERE delivery_id = ${d.body.id} ORDER BY serial`);
  assert.deepEqual(assets, [s[0], s[1]].map((x) =>
    `${x}|in_stock|${cast.model.H100.id}|${prog.id}|${cast.vendor.org.id}|${po.id}|${d.body.id}|t`));
  assert.deepEqual(sql(srv.db, `SELECT result, note, inspected_by FROM delivery_units WHERE serial = '${s[2]}'`),
    [`failed|ECC errors under load; RMA|${cast.officer.user.id}`]);
  let p = await as(cast.officer).get(`/api/v1/purchase-orders/${po.id}`);
  assert.equal(p.body.status, 'partially_delivered');
  const units = await as(cast.officer).get(`/api/v1/deliveries/${d.body.id}/units?result=passed`);
  assert.equal(units.body.items.length, 2);
  assert.ok(units.body.items.every((u) => Number.isInteger(u.asset_id)));

  const twice = await insp({ units: [{ serial: s[0], result: 'failed', note: 'changed my mind' }] });
  assert.equal(twice.status, 409, 'an inspected delivery has nothing left to inspect');

  // The repaired unit comes back under its own serial, with the last one.
  const more = await deliver(cast.officer, po, { H100: [s[2], 'SN-ONE-TOO-MANY'] });
  assert.equal(more.status, 422);
  assert.deepEqual(fieldsOf(more), ['lines[0].serials[1]']);
  const back = await deliver(cast.officer, po, { H100: [s[2]] });
  assert.equal(back.status, 201, JSON.stringify(back.body));
  const last = await as(cast.officer).post(`/api/v1/deliveries/${back.body.id}/inspection`, {
    units: [{ serial: s[2], result: 'passed' }],
  });
  assert.equal(last.status, 200);
  p = await as(cast.officer).get(`/api/v1/purchase-orders/${po.id}`);
  assert.equal(p.body.status, 'delivered');
  assert.equal(count('assets', `purchase_order_id = ${po.id}`), 3);
  const closed = await deliver(cast.officer, po, { H100: serials(1) });
  assert.equal(closed.status, 409);
  assert.match(closed.body.detail, /is delivered/);
});

test('a partial inspection leaves the delivery received until no unit is pending', async () => {
  const po = await orderedPo({ B200: 4 });
  const s = serials(4);
  const d = await deliver(cast.officer, po, { B200: s });
  const insp = (units) => as(cast.officer).post(`/api/v1/deliveries/${d.body.id}/inspection`, { units });
  const first = await insp([{ serial: s[0], result: 'passed' }]);
  assert.equal(first.body.status, 'received');
  assert.deepEqual(first.body.units, { total: 4, pending: 3, passed: 1, failed: 0 });
  const again = await insp([{ serial: s[0], result: 'passed' }]);
  assert.deepEqual(again.body.errors, [{ field: 'units[0].serial', message: 'was already inspected: passed' }]);
  const rest = await insp(s.slice(1).map((serial) => ({ serial, result: 'passed' })));
  assert.equal(rest.body.status, 'inspected');
  assert.equal((await as(cast.officer).get(`/api/v1/purchase-orders/${po.id}`)).body.status, 'delivered');
});

// Ten deliveries of 3 units each race for a line with 12 left. To make the
// race certain rather than lucky, a session holds back every insert into
// delivery_units until all ten requests are in flight: without the lock on
// the PO's lines each would count 12 left, and all thirty units would go
// in. With it, exactly four get through, whatever the interleaving.
test('concurrent deliveries can never together exceed a PO line', async () => {
  const po = await orderedPo({ H200: 12 });
  const gate = spawn('psql', [srv.db.url, '-qAtc',
    'BEGIN; LOCK TABLE delivery_units IN SHARE MODE; SELECT pg_sleep(1.5); COMMIT;']);
  const gateDone = once(gate, 'exit');
  while (count('pg_locks l JOIN pg_class c ON c.oid = l.relation', "c.relname = 'delivery_units' AND l.mode = 'ShareLock' AND l.granted") === 0) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
    deliver(i % 2 ? cast.officer : cast.approver, po, { H200: serials(3, `RACE${i}`) })));
  assert.deepEqual(await gateDone, [0, null]);
  const codes = results.map((r) => r.status).sort();
  assert.deepEqual(codes, [201, 201, 201, 201, 422, 422, 422, 422, 422, 422], JSON.stringify(results.map((r) => r.body.detail)));
  for (const r of results.filter((x) => x.status === 422)) {
    assert.ok(r.body.errors.every((e) => /one unit too many: the H200 line has 0 unit\(s\) left/.test(e.message)));
  }
  const line = po.lines[0].id;
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM delivery_units WHERE purchase_order_line_id = ${line}`), ['12']);
  assert.equal(count('deliveries', `purchase_order_id = ${po.id}`), 4);
});

// Two deliveries against different orders share no lock: the second one to
// insert a serial waits on the unique index for the first to commit. A
// session plays the first, holding its unit uncommitted, so that the race
// is certain: the loser is told which serial and where, as if it had come
// second.
test('a serial raced by deliveries of two orders is a 422 naming it, not a bare 409', async () => {
  const poA = await orderedPo({ H100: 2 });
  const poB = await orderedPo({ H100: 2 });
  const first = await deliver(cast.officer, poA, { H100: serials(1) });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const [raced, mine] = serials(2, 'RACED');
  const session = psqlSession(srv.db);
  session.run(`BEGIN; SELECT set_config('registry.channel', 'system', true)`);
  session.run(`INSERT INTO delivery_units (delivery_id, purchase_order_line_id, serial)
    VALUES (${first.body.id}, ${poA.lines[0].id}, '${raced}')`);
  await until(srv.db, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE state = 'idle in transaction'
    AND query LIKE 'INSERT INTO delivery_units%')`);
  const pending = deliver(cast.approver, poB, { H100: [mine, raced] });
  await until(srv.db, "SELECT count(*) = 1 FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted");
  session.run('COMMIT');
  assert.equal(await session.end(), 0);
  const r = await pending;
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.deepEqual(fieldsOf(r), ['lines[0].serials[1]']);
  assert.match(r.body.errors[0].message, new RegExp(`already registered in delivery ${first.body.id}`));
  assert.equal(count('deliveries', `purchase_order_id = ${poB.id}`), 0);
  assert.equal(count('delivery_units', `serial = '${mine}'`), 0);
});
