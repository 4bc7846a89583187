// Serial numbers as a CSV upload: every bad row by line and column, all or
// nothing, dry runs, the error report as CSV to fix and upload again,
// re-uploads that change nothing, who may upload when, and a large file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer, api, sql } from '../helpers.mjs';
import { procurementCast, program, purchaseOrder } from '../fixtures.mjs';

let srv;
let cast;
let prog;
before(async () => {
  srv = await startServer();
  cast = await procurementCast(srv.base);
  prog = await program(srv.base, cast.officer.token, { budget_krw: 10_000_000_000_000 });
});
after(async () => { await srv.stop(); });

const as = (who) => ({
  get: (url) => api(srv.base, 'GET', url, { token: who.token ?? who }),
  post: (url, body) => api(srv.base, 'POST', url, { token: who.token ?? who, body }),
});
const count = (table, where) => Number(sql(srv.db, `SELECT count(*) FROM ${table} WHERE ${where}`)[0]);
const upload = (who, id, text, { query = '', type = 'text/csv', accept } = {}) =>
  api(srv.base, 'POST', `/api/v1/deliveries/${id}/units${query}`, {
    token: who.token ?? who, raw: text, headers: { 'content-type': type, ...(accept ? { accept } : {}) },
  });
// What the server says it received: the file's size and SHA-256, taken as it streamed to disk.
const fileOf = (text) => ({ bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') });
const csv = (rows, header = 'serial,model') => [header, ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n';

// An ordered PO of cast.vendor with lines {model: quantity}, and an empty
// delivery against it, received by an officer (or announced by the vendor).
async function emptyDelivery(lines, who = cast.officer) {
  const po = await purchaseOrder(srv.base, cast, {
    programId: prog.id,
    lines: Object.entries(lines).map(([m, quantity]) => ({ gpu_model_id: cast.model[m].id, quantity, unit_price: 30_000_000 })),
  });
  const d = await as(who).post('/api/v1/deliveries', { purchase_order_id: po.id });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  return { po, d: d.body };
}

test('an upload registers every row; the same file again changes nothing', async () => {
  const { d } = await emptyDelivery({ H100: 10, A100: 10 });
  const rows = [['CSV-A-001', 'H100'], ['CSV-A-002', 'h100'], ['"CSV-A-003"', ' A100 '], [' CSV-A-004 ', 'A100']];
  const file = '\ufeff' + csv(rows, 'Serial, Model') + '\r\n';
  const r = await upload(cast.officer, d.id, file);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(r.body, { delivery_id: d.id, dry_run: false, received: 4, already_registered: 0, total_rows: 4, file: fileOf(file) });
  assert.equal(r.headers.get('location'), `/api/v1/deliveries/${d.id}/units`);
  assert.deepEqual(sql(srv.db, `SELECT u.serial, g.model FROM delivery_units u
      JOIN purchase_order_lines l ON l.id = u.purchase_order_line_id JOIN gpu_models g ON g.id = l.gpu_model_id
     WHERE u.delivery_id = ${d.id} ORDER BY u.id`),
  ['CSV-A-001|H100', 'CSV-A-002|H100', 'CSV-A-003|A100', 'CSV-A-004|A100']);
  // One event per unit, by the officer, in the file's order, each the row as inserted.
  assert.deepEqual(sql(srv.db, `SELECT e.after ->> 'serial', e.action, e.actor_user_id, e.before IS NULL,
      e.after = to_jsonb(u) FROM audit_events e JOIN delivery_units u ON u.id::text = e.record_id
     WHERE e.table_name = 'delivery_units' AND u.delivery_id = ${d.id} ORDER BY e.id`),
  [1, 2, 3, 4].map((i) => `CSV-A-00${i}|insert|${cast.officer.user.id}|t|t`));
  const events = count('audit_events', "table_name = 'delivery_units'");

  const lower = file.toLowerCase().replace('\ufeff', '');
  const again = await upload(cast.officer, d.id, lower);
  assert.equal(again.status, 200);
  assert.deepEqual(again.body, { delivery_id: d.id, dry_run: false, received: 0, already_registered: 4, total_rows: 4, file: fileOf(lower) });
  assert.equal(count('delivery_units', `delivery_id = ${d.id}`), 4);
  assert.equal(count('audit_events', "table_name = 'delivery_units'"), events, 'nothing was written');

  // One new row with the old ones: only it is added.
  const more = await upload(cast.officer, d.id, csv([...rows, ['CSV-A-005', 'H100']]));
  assert.equal(more.status, 201);
  assert.equal(more.body.received, 1);
  assert.equal(more.body.already_registered, 4);
  assert.equal(count('delivery_units', `delivery_id = ${d.id}`), 5);
});

test('bad rows are listed by line, column and reason, and nothing is written', async () => {
  const { d: first } = await emptyDelivery({ H100: 5 });
  assert.equal((await upload(cast.officer, first.id, csv([['CSV-B-TAKEN', 'H100']]))).status, 201);
  const { d } = await emptyDelivery({ H100: 3, A100: 1 });
  const file = [
    'serial,model',
    'CSV-B-001,H100',            // 2 good
    'bad serial!,H100',          // 3 malformed serial
    'CSV-B-002,H999',            // 4 not on the PO
    'csv-b-taken,H100',          // 5 registered by another delivery
    '',                          // 6 blank: skipped
    'CSV-B-001,H100',            // 7 repeats line 2
    'CSV-B-003,H100,extra',      // 8 too many fields
    ',',                         // 9 both empty
    'CSV-B-004,A100',            // 10 good
    'CSV-B-005,A100',            // 11 the A100 line has 1 left
    '"CSV-B-006",H100',          // 12 good
  ].join('\n') + '\n';
  const r = await upload(cast.officer, d.id, file);
  assert.equal(r.status, 422, JSON.stringify(r.body));
  assert.equal(r.headers.get('content-type'), 'application/problem+json');
  assert.match(r.body.detail, /nothing was registered/);
  const errs = r.body.errors.map((e) => [e.line, e.column, e.value, e.message]);
  assert.deepEqual(errs.map(([l, c, v]) => [l, c, v]), [
    [3, 'serial', 'bad serial!'],
    [4, 'model', 'H999'],
    [5, 'serial', 'csv-b-taken'],
    [7, 'serial', 'CSV-B-001'],
    [8, null, null],
    [9, 'serial', null],
    [9, 'model', null],
    [11, 'serial', 'CSV-B-005'],
  ]);
  assert.match(errs[0][3], /is not a serial number/);
  assert.match(errs[1][3], /H999 is not on purchase order PO-[\d-]+ \(its models: H100, A100\)/);
  assert.match(errs[2][3], new RegExp(`already registered in delivery ${first.id}`));
  assert.equal(errs[3][3], 'repeats the serial number of line 2');
  assert.match(errs[4][3], /has 3 field\(s\); a row is serial,model/);
  assert.equal(errs[5][3], 'is empty');
  assert.match(errs[7][3], /one unit too many: the A100 line has 1 unit\(s\) left/);
  assert.equal(count('delivery_units', `delivery_id = ${d.id}`), 0);
});

test('a dry run checks everything and writes nothing', async () => {
  const { d } = await emptyDelivery({ B200: 2 });
  const good = csv([['CSV-C-001', 'B200'], ['CSV-C-002', 'B200']]);
  const events = count('audit_events', 'true');
  const dry = await upload(cast.officer, d.id, good, { query: '?dry_run=true' });
  assert.equal(dry.status, 200);
  assert.deepEqual(dry.body, { delivery_id: d.id, dry_run: true, received: 2, already_registered: 0, total_rows: 2, file: fileOf(good) });
  const bad = await upload(cast.officer, d.id, csv([['CSV-C-001', 'B200'], ['CSV-C-002', 'B200'], ['CSV-C-003', 'B200']]),
    { query: '?dry_run=true' });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.body.errors.map((e) => e.line), [4]);
  assert.equal(count('delivery_units', `delivery_id = ${d.id}`), 0);
  assert.equal(count('audit_events', 'true'), events, 'a dry run leaves no trace');
  const real = await upload(cast.officer, d.id, good, { query: '?dry_run=false' });
  assert.equal(real.status, 201);
  assert.equal(count('delivery_units', `delivery_id = ${d.id}`), 2);
  assert.equal((await upload(cast.officer, d.id, good, { query: '?dry_run=yes' })).status, 400);
  assert.equal((await upload(cast.officer, d.id, good, { query: '?force=1' })).status, 400);
});

test('the errors come back as CSV to fix and upload again', async () => {
  const { d } = await emptyDelivery({ H800: 5 });
  const file = 'serial,model\r\nCSV-D-001,H800\r\n"CSV D 002",H800\r\nCSV-D-003,"H100, PCIe"\r\n';
  const r = await upload(cast.officer, d.id, file, { accept: 'text/csv' });
  assert.equal(r.status, 422);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(r.headers.get('content-disposition'), new RegExp(`delivery-${d.id}-errors\\.csv`));
  const lines = r.body.split('\r\n');
  assert.equal(lines[0], 'serial,model,error');
  assert.equal(lines[1], 'CSV-D-001,H800,');
  assert.match(lines[2], /^CSV D 002,H800,"serial is not a serial number: 1 to 64 letters/);
  assert.match(lines[3], /^CSV-D-003,"H100, PCIe","model H100, PCIe is not on purchase order .*\(its models: H800\)"$/);
  assert.equal(lines[4], '');
  assert.equal(count('delivery_units', `delivery_id = ${d.id}`), 0);

  // A person fixes the two rows in the report and uploads it as it is,
  // error column and all.
  const fixed = r.body.replace('CSV D 002', 'CSV-D-002').replace('"H100, PCIe"', 'H800');
  const ok = await upload(cast.officer, d.id, fixed);
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.equal(ok.body.received, 3);
  assert.equal(count('delivery_units', `delivery_id = ${d.id}`), 3);
});

test('the file must be CSV with the header serial,model', async () => {
  const { d } = await emptyDelivery({ A100: 2 });
  const json = await api(srv.base, 'POST', `/api/v1/deliveries/${d.id}/units`, { token: cast.officer.token, body: { serial: 'x' } });
  assert.equal(json.status, 415);
  const noHeader = await upload(cast.officer, d.id, 'CSV-E-001,A100\n');
  assert.equal(noHeader.status, 422);
  assert.deepEqual(noHeader.body.errors, [{ line: 1, column: null, value: null, message: 'the first line must be the header serial,model' }]);
  const empty = await upload(cast.officer, d.id, 'serial,model\n\n');
  assert.equal(empty.status, 422);
  assert.equal(empty.body.errors[0].line, 2);
  const open = await upload(cast.officer, d.id, 'serial,model\nCSV-E-001,A100\n"CSV-E-002,A100\n');
  assert.equal(open.status, 422);
  assert.deepEqual(open.body.errors.map((e) => [e.line, e.message]), [[3, 'a quoted field is not closed']]);
  const latin1 = await upload(cast.officer, d.id, Buffer.from('serial,model\nCSV-E-\xe9,A100\n', 'latin1'));
  assert.equal(latin1.status, 422);
  assert.deepEqual(latin1.body.errors.map((e) => [e.line, e.message]), [[2, 'is not UTF-8 text; save the file as CSV UTF-8']]);
  const huge = 'serial,model\n' + Array.from({ length: 100001 }, (_, i) => `HUGE-${i},A100`).join('\n') + '\n';
  const tooMany = await upload(cast.officer, d.id, huge);
  assert.equal(tooMany.status, 422);
  assert.deepEqual(tooMany.body.errors.map((e) => [e.line, e.message]),
    [[100002, 'the file has more than 100,000 rows; upload it in parts']]);
  assert.equal(count('delivery_units', `delivery_id = ${d.id}`), 0);
  assert.equal((await upload(cast.officer, 987654, csv([['CSV-E-003', 'A100']]))).status, 404);
});

test('fields reach the judgement as they were: quotes, backslashes, control characters, any script', async () => {
  const { d } = await emptyDelivery({ A100: 2 });
  const file = 'serial,model\r\n"CSV-G\\1""\t",A100\r\nCSV-G-002,"모델 🚀"\r\nCSV-G-003\r\n';
  const r = await upload(cast.officer, d.id, file);
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.errors.map((e) => [e.line, e.column, e.value]),
    [[2, 'serial', 'CSV-G\\1"\t'], [3, 'model', '모델 🚀'], [4, null, null]]);
  assert.match(r.body.errors[1].message, /^모델 🚀 is not on purchase order /);
  assert.equal(r.body.errors[2].message, 'has 1 field(s); a row is serial,model');

  // A serial is 1 to 64 of letters, digits and ._/- from a letter or digit.
  const longest = 'G'.repeat(63) + '9';
  const shapes = await upload(cast.officer, d.id, csv([[longest, 'A100'], [longest + 'X', 'A100'], ['-G', 'A100'],
    ['G.1_2/3-4', 'A100'], ['Gé', 'A100']]), { query: '?dry_run=true' });
  assert.equal(shapes.status, 422);
  assert.deepEqual(shapes.body.errors.map((e) => [e.line, e.value]), [[3, longest + 'X'], [4, '-G'], [6, 'Gé']]);
  assert.ok(shapes.body.errors.every((e) => /^is not a serial number: 1 to 64 letters/.test(e.message)));
});

test('who may upload, and when', async () => {
  const { d: notice } = await emptyDelivery({ H200: 6 }, cast.vendor);
  assert.equal(notice.status, 'announced');
  const v = await upload(cast.vendor, notice.id, csv([['CSV-F-001', 'H200']]));
  assert.equal(v.status, 201);
  const received = await as(cast.officer).post(`/api/v1/deliveries/${notice.id}/receive`);
  assert.equal(received.status, 200);
  const late = await upload(cast.vendor, notice.id, csv([['CSV-F-002', 'H200']]));
  assert.equal(late.status, 409);
  assert.match(late.body.detail, /is received; a vendor adds units only to a delivery it has announced/);
  const officer = await upload(cast.officer, notice.id, csv([['CSV-F-002', 'H200']]));
  assert.equal(officer.status, 201);
  const insp = await as(cast.officer).post(`/api/v1/deliveries/${notice.id}/inspection`, {
    units: [{ serial: 'CSV-F-001', result: 'passed' }, { serial: 'CSV-F-002', result: 'passed' }],
  });
  assert.equal(insp.body.status, 'inspected');
  const after = await upload(cast.officer, notice.id, csv([['CSV-F-003', 'H200']]));
  assert.equal(after.status, 409);
  assert.match(after.body.detail, /is inspected; units are added only before the delivery is inspected/);
  // Another vendor's delivery is not there for this vendor.
  const { d: staff } = await emptyDelivery({ H200: 1 });
  const auditor = await api(srv.base, 'POST', `/api/v1/deliveries/${staff.id}/units`, { token: cast.admin, raw: 'serial,model\n', headers: { 'content-type': 'text/csv' } });
  assert.equal(auditor.status, 422, 'an admin may upload');
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM delivery_units WHERE delivery_id = ${notice.id}`), ['2']);
});

// A delivery of 30,000 units in one file: the rows go to PostgreSQL as one
// parameter and are checked and inserted by one statement, in seconds even
// under AddressSanitizer. (scripts/bench-csv.sh times it.)
test('a file of 30,000 rows goes in whole, and again changes nothing', async () => {
  const { d } = await emptyDelivery({ H100: 20000, A100: 10000 });
  const rows = Array.from({ length: 30000 }, (_, i) => [`BULK-${String(i).padStart(6, '0')}`, i < 20000 ? 'H100' : 'A100']);
  const file = csv(rows);
  const r = await upload(cast.officer, d.id, file);
  assert.equal(r.status, 201, JSON.stringify(r.body).slice(0, 500));
  assert.equal(r.body.received, 30000);
  assert.deepEqual(sql(srv.db, `SELECT g.model, count(*) FROM delivery_units u
      JOIN purchase_order_lines l ON l.id = u.purchase_order_line_id JOIN gpu_models g ON g.id = l.gpu_model_id
     WHERE u.delivery_id = ${d.id} GROUP BY g.model ORDER BY g.model`), ['A100|10000', 'H100|20000']);
  const again = await upload(cast.officer, d.id, file);
  assert.equal(again.status, 200);
  assert.equal(again.body.already_registered, 30000);
  assert.equal(count('delivery_units', `delivery_id = ${d.id}`), 30000);
  // One bad row among them: nothing of the file goes in.
  const { d: d2 } = await emptyDelivery({ H100: 30000 });
  const bad = rows.map(([s]) => [`X${s}`, 'H100']);
  bad[12345][0] = 'oops!';
  const r2 = await upload(cast.officer, d2.id, csv(bad));
  assert.equal(r2.status, 422);
  assert.deepEqual(r2.body.errors.map((e) => [e.line, e.value]), [[12347, 'oops!']]);
  assert.equal(count('delivery_units', `delivery_id = ${d2.id}`), 0);
});

// The database holds the serial's shape too, whatever writes the row.
test('the database refuses a unit whose serial is not of the shape', async () => {
  const { d, po } = await emptyDelivery({ H100: 1 });
  const line = sql(srv.db, `SELECT id FROM purchase_order_lines WHERE purchase_order_id = ${po.id}`)[0];
  const insert = (serial) => {
    try {
      sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
        INSERT INTO delivery_units (delivery_id, purchase_order_line_id, serial)
        VALUES (${d.id}, ${line}, '${serial}'); ROLLBACK;`);
      return 'ok';
    } catch (e) {
      return /delivery_units_serial_check/.test(e.message) ? 'refused' : e.message;
    }
  };
  assert.equal(insert('A' + 'b'.repeat(63)), 'ok', '64 characters');
  assert.equal(insert('A/b.c_d-9'), 'ok');
  assert.equal(insert('A' + 'b'.repeat(64)), 'refused', '65 characters');
  assert.equal(insert('-AB'), 'refused', 'a leading dash');
  assert.equal(insert('AB CD'), 'refused', 'a space');
  assert.equal(insert(''), 'refused', 'empty');
});
