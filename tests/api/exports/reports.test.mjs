// The reports for auditors, as CSV and XLSX: the rows themselves, Korean
// text, numbers as numbers, money in won, dates as dates, the lines that
// state the report, formulas neutralised, filters refused when wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, checkedFetch, sql, until } from '../helpers.mjs';
import { person, procurementCast, program, purchaseOrder } from '../fixtures.mjs';
import { seedAssets, site, tenant } from '../seed.mjs';
import { readCsv, readXlsx, excelDate } from './files.mjs';

let srv;
let cast;
let auditor;
let prog;
let krwOrder;
let usdOrder;
let assetIds;
let kist;
let theSite;

const KOREAN_PROGRAM = '국가 AI 컴퓨팅 자원 확충 사업';

before(async () => {
  srv = await startServer();
  cast = await procurementCast(srv.base);
  auditor = await person(srv.base, cast.admin, { email: 'reports@bai.go.kr', kind: 'auditor', roles: ['auditor'], orgName: '감사원' });
  prog = await program(srv.base, cast.officer.token, { name: KOREAN_PROGRAM });
  krwOrder = await purchaseOrder(srv.base, cast, {
    programId: prog.id,
    lines: [{ gpu_model_id: cast.model.H100.id, quantity: 2, unit_price: 50_000_000 },
      { gpu_model_id: cast.model.A100.id, quantity: 1, unit_price: 20_000_000 }],
  });
  usdOrder = await purchaseOrder(srv.base, cast, {
    programId: prog.id, currency: 'USD', rate: '1385.20', status: 'approved',
    lines: [{ gpu_model_id: cast.model.H200.id, quantity: 2, unit_price: 2_500_000 }],
  });
  // Three accepted GPUs of a known day, one with a reason a spreadsheet
  // would run as a formula, in the Korean programme.
  assetIds = seedAssets(srv.db, { count: 3, model: 'A100' });
  sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
    UPDATE assets SET accepted_at = '2025-01-01 09:00+09', program_id = ${prog.id} WHERE id IN (${assetIds});
    UPDATE assets SET status = 'rma', status_reason = '=HYPERLINK("http://x.example","a, b")' WHERE id = ${assetIds[0]};
    COMMIT;`);
  kist = await tenant(srv.base, cast.admin, '한국과학기술연구원');
  theSite = await site(srv.base, cast.officer.token, { slots: 10, kw: 100, name: '대전 슈퍼컴퓨팅센터' });
  const a = await api(srv.base, 'POST', '/api/v1/allocations', {
    token: cast.officer.token,
    body: { tenant_id: kist.org.id, purpose: '초거대 언어모델 학습', starts_on: '2025-03-01', site_id: theSite.id, gpu_model_id: cast.model.A100.id, count: 2 },
  });
  assert.equal(a.status, 201, JSON.stringify(a.body));
});
after(async () => { await srv.stop(); });

const download = (path, token = auditor.token, headers = {}) =>
  checkedFetch(srv.base, path, { headers: { authorization: `Bearer ${token}`, ...headers } });

async function csv(path, token) {
  const res = await download(path, token);
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
  const id = res.headers.get('x-export-id');
  assert.match(id, /^\d+$/);
  assert.equal(res.headers.get('link'), `</api/v1/exports/${id}/manifest>; rel="describedby"`);
  const file = readCsv(Buffer.from(await res.arrayBuffer()));
  const byName = file.rows.map((r) => Object.fromEntries(file.columns.map((c, i) => [c, r[i]])));
  return { ...file, byName, id, res };
}

async function xlsx(path, token) {
  const res = await download(path + (path.includes('?') ? '&' : '?') + 'format=xlsx', token);
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const book = readXlsx(Buffer.from(await res.arrayBuffer()));
  return { book, id: res.headers.get('x-export-id'), res };
}

test('the purchase orders: a line a row, totals in won, USD at the recorded rate, status dates', async () => {
  const f = await csv(`/api/v1/exports/purchase-orders?program_id=${prog.id}`);
  assert.equal(f.preamble['보고서 report'], '구매 발주 Purchase orders: lines, totals, status dates, approver');
  assert.equal(f.preamble['조건 parameters'], `program_id=${prog.id}`);
  assert.match(f.preamble['추출 시각 extracted at (Asia/Seoul)'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$/);
  assert.equal(f.preamble['사용자 user'], 'reports@bai.go.kr <reports@bai.go.kr>');
  assert.equal(f.preamble['내보내기 export'], f.id);
  assert.equal(f.rows.length, 3);
  const [h100, a100, h200] = f.byName;
  assert.equal(h100.reference, krwOrder.reference);
  assert.equal(h100.program, KOREAN_PROGRAM);
  assert.equal(h100.gpu_model, 'NVIDIA H100');
  assert.equal(h100.quantity, '2');
  assert.equal(h100.line_amount_krw, '100000000');
  assert.equal(a100.line_amount_krw, '20000000');
  assert.equal(h100.order_total_krw, '120000000');
  assert.equal(h100.status, 'ordered');
  for (const at of ['created_at', 'submitted_at', 'approved_at', 'ordered_at']) assert.match(h100[at], /\+09:00$/, at);
  assert.equal(h100.approved_by, 'approver@msit.go.kr <approver@msit.go.kr>');
  assert.equal(h200.currency, 'USD');
  assert.equal(h200.exchange_rate_krw_per_usd, '1385.2000');
  assert.equal(h200.line_amount_minor_units, '5000000');
  assert.equal(h200.line_amount_krw, String(Math.round(5_000_000 * 1385.2 / 100)));
  assert.equal(h200.ordered_at, '');

  const ordered = await csv(`/api/v1/exports/purchase-orders?program_id=${prog.id}&status=approved`);
  assert.deepEqual(ordered.byName.map((r) => r.reference), [usdOrder.reference]);
  const none = await csv(`/api/v1/exports/purchase-orders?program_id=${prog.id}&from=2000-01-01&to=2000-12-31`);
  assert.equal(none.rows.length, 0);
});

test('the asset register: book value straight line over the model\'s period, formulas neutralised', async () => {
  const half = await csv(`/api/v1/exports/assets?program_id=${prog.id}&as_of=2027-07-01`);
  assert.equal(half.preamble['조건 parameters'], `program_id=${prog.id}&as_of=2027-07-01`);
  assert.deepEqual(half.byName.map((r) => Number(r.asset_id)), assetIds);
  const [first, second] = half.byName;
  assert.equal(first.status_reason, undefined, 'the register has no reason column');
  assert.equal(first.status, 'rma');
  assert.equal(second.accepted_on, '2025-01-01');
  assert.equal(second.cost_krw, '1000');
  assert.equal(second.depreciation_months, '60');
  // 911 of 1826 days gone: 1000 * (1 - 911/1826) = 501.
  assert.equal(second.book_value_krw, String(Math.round(1000 * (1 - 911 / 1826))));
  assert.equal(second.as_of, '2027-07-01');
  assert.equal(second.site, '대전 슈퍼컴퓨팅센터');
  assert.equal(second.tenant, '한국과학기술연구원');

  // An administrator shortens the model's period: fully written off.
  const period = async (months) => {
    const url = `/api/v1/gpu-models/${cast.model.A100.id}`;
    const etag = (await api(srv.base, 'GET', url, { token: cast.admin })).headers.get('etag');
    return api(srv.base, 'PATCH', url, { token: cast.admin, body: { depreciation_months: months }, headers: { 'if-match': etag } });
  };
  const m = await period(24);
  assert.equal(m.status, 200, JSON.stringify(m.body));
  assert.equal(m.body.depreciation_months, 24);
  const later = await csv(`/api/v1/exports/assets?program_id=${prog.id}&as_of=2027-07-01&status=allocated`);
  assert.deepEqual(later.byName.map((r) => [r.depreciation_months, r.book_value_krw]), [['24', '0'], ['24', '0']]);
  const before = await csv(`/api/v1/exports/assets?program_id=${prog.id}&as_of=2024-12-31`);
  assert.ok(before.byName.every((r) => r.book_value_krw === '1000'));
  assert.equal((await period(60)).status, 200);
  // Today by default, in Seoul.
  const today = await csv(`/api/v1/exports/assets?site_id=${theSite.id}`);
  assert.match(today.preamble['조건 parameters'], new RegExp(`^site_id=${theSite.id}&as_of=\\d{4}-\\d\\d-\\d\\d$`));
  assert.equal(today.rows.length, 2);
});

test('a cell a spreadsheet would run is written as text', async () => {
  sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
    UPDATE purchase_orders SET notes = 'x', cancel_reason = '=cmd|'' /C calc''!A0' WHERE id = ${krwOrder.id}; COMMIT;`);
  const res = await download(`/api/v1/exports/purchase-orders?program_id=${prog.id}&status=ordered`);
  const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
  assert.ok(text.includes(`,"'=cmd|' /C calc'!A0"\r\n`) || text.includes(`,'=cmd|' /C calc'!A0\r\n`), text);
  const { book } = await xlsx(`/api/v1/exports/purchase-orders?program_id=${prog.id}&status=ordered`);
  const rows = book.sheets[0].rows;
  const cancel = rows[7][23];
  assert.deepEqual(cancel, { type: 'string', value: "=cmd|' /C calc'!A0", format: '' }, 'a string cell, never a formula');
  assert.ok(!book.sheets[0].xml.includes('<f>'), 'no formula in the sheet');
});

test('XLSX: the header stated and frozen, numbers, won, dates, filter, widths for Korean', async () => {
  const { book } = await xlsx(`/api/v1/exports/assets?program_id=${prog.id}&as_of=2027-07-01`);
  assert.equal(book.sheets.length, 1);
  const { rows, xml, widths } = book.sheets[0];
  assert.equal(rows[0][0].value, '보고서 report');
  assert.equal(rows[0][1].value, '자산 대장 Asset register: warranty and straight-line book value');
  assert.equal(rows[1][1].value, `program_id=${prog.id}&as_of=2027-07-01`);
  assert.equal(rows[3][1].value, 'reports@bai.go.kr <reports@bai.go.kr>');
  assert.equal(rows[5], undefined, 'a blank row');
  const header = rows[6].map((c) => c.value);
  assert.deepEqual(header.slice(0, 3), ['asset_id', 'serial', 'manufacturer']);
  assert.match(xml, /<pane ySplit="7" topLeftCell="A8" activePane="bottomLeft" state="frozen"\/>/);
  assert.match(xml, /<autoFilter ref="A7:P10"\/>/);
  const col = (name) => header.indexOf(name);
  const second = rows[8];
  assert.deepEqual(second[col('asset_id')], { type: 'number', value: assetIds[1], format: '0' });
  assert.equal(second[col('cost_krw')].type, 'number');
  assert.equal(second[col('cost_krw')].value, 1000);
  assert.equal(second[col('cost_krw')].format, '"₩"#,##0');
  assert.equal(second[col('book_value_krw')].value, 501);
  assert.equal(second[col('accepted_on')].format, 'yyyy-mm-dd');
  assert.equal(excelDate(second[col('accepted_on')].value), '2025-01-01');
  assert.equal(second[col('site')].value, '대전 슈퍼컴퓨팅센터');
  const width = (i) => widths.find((w) => w.min <= i + 1 && w.max >= i + 1).width;
  // Nine Hangul characters and a space: 19 columns on screen.
  assert.ok(width(col('site')) >= 21, `site column ${width(col('site'))}`);
  assert.ok(width(col('site')) > width(col('manufacturer')));
});

test('deliveries per unit, allocations by site and tenant, site utilisation, progress', async () => {
  const d = await api(srv.base, 'POST', '/api/v1/deliveries', {
    token: cast.vendor.token,
    body: { purchase_order_id: krwOrder.id, reference: '납품서-001', lines: [{ gpu_model_id: cast.model.H100.id, serials: ['RPT-0001', 'RPT-0002'] }] },
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  const units = await csv(`/api/v1/exports/deliveries?program_id=${prog.id}`);
  assert.deepEqual(units.byName.map((u) => [u.serial, u.result, u.delivery_reference, u.gpu_model]),
    [['RPT-0001', 'pending', '납품서-001', 'NVIDIA H100'], ['RPT-0002', 'pending', '납품서-001', 'NVIDIA H100']]);
  assert.equal((await csv(`/api/v1/exports/deliveries?program_id=${prog.id}&result=passed`)).rows.length, 0);

  const alloc = await csv(`/api/v1/exports/allocations?tenant_id=${kist.org.id}`);
  assert.equal(alloc.rows.length, 1);
  assert.equal(alloc.byName[0].site, '대전 슈퍼컴퓨팅센터');
  assert.equal(alloc.byName[0].purpose, '초거대 언어모델 학습');
  assert.equal(alloc.byName[0].gpus_held, '2');
  assert.equal(alloc.byName[0].power_watts, '800');
  assert.equal(alloc.byName[0].starts_on, '2025-03-01');

  const use = await csv(`/api/v1/exports/site-utilization?site_id=${theSite.id}`);
  assert.deepEqual(use.byName.map((s) => [s.site, s.slot_capacity, s.slots_used, s.slots_free, s.slots_used_percent, s.power_used_kw, s.tenants]),
    [['대전 슈퍼컴퓨팅센터', '10', '2', '8', '20.0', '0.8', '1']]);

  const p = await csv(`/api/v1/exports/program-progress?program_id=${prog.id}`);
  assert.equal(p.rows.length, 2, 'a row a milestone');
  const [first] = p.byName;
  assert.equal(first.program, KOREAN_PROGRAM);
  assert.equal(first.budget_krw, '1000000000000');
  assert.equal(first.committed_krw, String(120_000_000 + Math.round(5_000_000 * 1385.2 / 100)));
  assert.equal(first.paid_krw, '0');
  assert.equal(first.remaining_krw, String(1_000_000_000_000 - Number(first.committed_krw)));
  assert.equal(first.milestone_due_on, '2025-12-31');
  assert.equal(first.gpu_target, '15000');
  const { book } = await xlsx(`/api/v1/exports/program-progress?program_id=${prog.id}`);
  const row = book.sheets[0].rows[7];
  assert.deepEqual(row[5], { type: 'number', value: Number(first.committed_krw), format: '"₩"#,##0' });
});

test('the audit trail for a period: events with their actors; exports are events too', async () => {
  const f = await csv('/api/v1/exports/audit-trail?table=exports');
  assert.ok(f.rows.length >= 5, 'every export so far is an event');
  // The export is recorded before its rows are read: the trail's own
  // export holds its event, the last one started.
  const inserts = f.byName.filter((e) => e.action === 'insert');
  const self = inserts.at(-1);
  assert.equal(self.table_name, 'exports');
  assert.equal(Number(self.record_id), Number(f.id));
  assert.equal(self.actor_email, 'reports@bai.go.kr');
  assert.equal(self.actor_roles, 'auditor');
  assert.match(self.at, /\+09:00$/);
  assert.deepEqual([JSON.parse(self.after).report, JSON.parse(self.after).format, JSON.parse(self.after).parameters],
    ['audit-trail', 'csv', 'table=exports']);
  assert.deepEqual(JSON.parse(inserts.at(-2).after).report, 'program-progress');
  const completed = f.byName.filter((e) => e.action === 'update');
  assert.ok(completed.length >= 4, 'completed exports are events of their own');
  assert.ok(completed.every((e) => e.actor_email === 'reports@bai.go.kr' && JSON.parse(e.after).sha256));
  const none = await csv('/api/v1/exports/audit-trail?from=2000-01-01&to=2000-01-31');
  assert.equal(none.rows.length, 0);
});

test('each event of the audit trail report carries its leaf index in the verifiable log', async () => {
  // The sequencer gives leaves to committed events within a second or so.
  const first = (await csv('/api/v1/exports/audit-trail?table=organizations')).byName[0];
  await until(srv.db, `SELECT count(*) = 1 FROM audit_tree WHERE level = 0 AND event_id = ${first.event_id}`);
  const f = await csv('/api/v1/exports/audit-trail?table=organizations');
  assert.ok(f.columns.indexOf('leaf_index') === f.columns.indexOf('event_id') + 1);
  const row = f.byName.find((e) => e.event_id === first.event_id);
  assert.match(row.leaf_index, /^\d+$/);
  assert.deepEqual(sql(srv.db, `SELECT idx FROM audit_tree WHERE level = 0 AND event_id = ${row.event_id}`),
    [row.leaf_index]);
  const indexes = f.byName.filter((e) => e.leaf_index !== '').map((e) => e.leaf_index);
  assert.equal(new Set(indexes).size, indexes.length, 'no two events share a leaf');
});

test('wrong filters are 400 problems; the trail is not the officers\'', async () => {
  const bad = [
    ['/api/v1/exports/assets?as_of=2027-02-30', 'as_of'],
    ['/api/v1/exports/assets?status=lost', 'status'],
    ['/api/v1/exports/assets?program_id=abc', 'program_id'],
    ['/api/v1/exports/assets?format=pdf', 'format'],
    ['/api/v1/exports/purchase-orders?from=2026-02-01&to=2026-01-01', 'to'],
    ['/api/v1/exports/audit-trail?table=Robert%27)%3B', 'table'],
  ];
  for (const [path, parameter] of bad) {
    const r = await api(srv.base, 'GET', path, { token: auditor.token });
    assert.equal(r.status, 400, path);
    assert.equal(r.body.code, 'query.invalid', path);
    assert.equal(r.body.parameter, parameter, path);
  }
  const unknown = await api(srv.base, 'GET', '/api/v1/exports/assets?colour=red', { token: auditor.token });
  assert.equal(unknown.body.code, 'query.unknown_parameter');
  const officer = await api(srv.base, 'GET', '/api/v1/exports/audit-trail', { token: cast.officer.token });
  assert.equal(officer.status, 403);
  const vendor = await api(srv.base, 'GET', '/api/v1/exports/purchase-orders', { token: cast.vendor.token });
  assert.equal(vendor.status, 403);
});
