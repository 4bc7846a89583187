// Letters of intent: one per organisation per call, amended and withdrawn
// until the LOI deadline (to the second, by the server's clock), every
// version kept with an acknowledgement; a PDF checked by its content;
// officers list, filter, flag shared consortium members and export CSV.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { api, sql } from '../helpers.mjs';
import { callContext, publishedCall, company, letterBody, brn, pdf } from './fixtures.mjs';

let srv;
let setClock;
let m;
before(async () => { ({ srv, setClock, m } = await callContext()); });
after(async () => { await srv.stop(); });

const call = (token, method, url, body, headers) => api(srv.base, method, url, { token, body, headers });
const putPdf = (token, url, bytes, type = 'application/pdf') =>
  api(srv.base, 'PUT', url, { token, raw: bytes, headers: { 'content-type': type } });

test('a company files, amends with a PDF and withdraws; every version is kept', async () => {
  setClock('2026-03-02T10:15:30+09:00');
  const c = await publishedCall(srv.base, m.officer);
  const co = await company(srv.base, 'Hanbit Cloud');
  const base = `/api/v1/calls/${c.id}/letters`;

  const f = await call(co.token, 'POST', base, letterBody());
  assert.equal(f.status, 201, JSON.stringify(f.body));
  assert.equal(f.headers.get('location'), `${base}/${f.body.id}`);
  assert.equal(f.body.status, 'active');
  assert.equal(f.body.version, 1);
  assert.match(f.body.reference, new RegExp(`^LOI-${c.id}-\\d{5}$`));
  assert.equal(f.body.acknowledgement.reference, `${f.body.reference}-V1`);
  assert.equal(f.body.acknowledgement.received_at, '2026-03-02T10:15:30+09:00');
  assert.equal(f.body.acknowledgement.action, 'filed');
  assert.equal(f.body.members[0].registration_number, brn(101810001).replace(/-/g, ''));
  assert.equal(f.body.members[0].country, 'KR');
  assert.equal(f.body.contact.name, '이서연');
  assert.equal(f.body.pdf, null);
  assert.ok(!('conflicts' in f.body));

  const twice = await call(co.token, 'POST', base, letterBody());
  assert.equal(twice.status, 409);
  assert.equal(twice.body.code, 'call.letter_exists');

  setClock('2026-03-05T09:00:00+09:00');
  const url = `${base}/${f.body.id}`;
  const a = await call(co.token, 'PUT', url, letterBody({ summary: '규모를 GPU 1만5천 장으로 늘립니다.' }));
  assert.equal(a.status, 200, JSON.stringify(a.body));
  assert.equal(a.body.version, 2);
  assert.equal(a.body.acknowledgement.reference, `${f.body.reference}-V2`);
  assert.equal(a.body.filed_at, '2026-03-02T10:15:30+09:00');

  const bytes = pdf('letter of intent', 2000);
  const p = await putPdf(co.token, `${url}/pdf`, bytes);
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.equal(p.body.version, 3);
  assert.equal(p.body.pdf.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(p.body.pdf.size, bytes.length);
  assert.equal(p.body.summary, '규모를 GPU 1만5천 장으로 늘립니다.');
  const got = await fetch(`${srv.base}${url}/pdf`, { headers: { authorization: `Bearer ${m.officer}` } });
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'application/pdf');
  assert.match(got.headers.get('content-disposition'), /^attachment; filename="letter-\d+\.pdf"$/);
  assert.equal(got.headers.get('x-content-sha256'), p.body.pdf.sha256);
  assert.ok(Buffer.from(await got.arrayBuffer()).equals(bytes));

  const notPdf = await putPdf(co.token, `${url}/pdf`, Buffer.from('<html>not a pdf</html>'));
  assert.equal(notPdf.status, 415);
  assert.equal(notPdf.body.code, 'call.not_pdf');
  const big = await putPdf(co.token, `${url}/pdf`, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(21 << 20, 0x20)]));
  assert.equal(big.status, 413);
  assert.equal(big.body.code, 'call.pdf_too_large');

  const w = await call(co.token, 'POST', `${url}/withdraw`, { reason: '컨소시엄 구성 변경' });
  assert.equal(w.status, 200, JSON.stringify(w.body));
  assert.equal(w.body.status, 'withdrawn');
  assert.equal(w.body.version, 4);
  assert.equal(w.body.withdrawal_reason, '컨소시엄 구성 변경');
  const amendWithdrawn = await call(co.token, 'PUT', url, letterBody());
  assert.equal(amendWithdrawn.status, 409);
  assert.equal(amendWithdrawn.body.code, 'call.letter_withdrawn');

  const v = await call(m.officer, 'GET', `${url}/versions`);
  assert.equal(v.status, 200);
  assert.deepEqual(v.body.items.map((x) => [x.version, x.action]), [[1, 'filed'], [2, 'amended'], [3, 'amended'], [4, 'withdrawn']]);
  assert.equal(v.body.items[0].summary, letterBody().summary);
  assert.equal(v.body.items[2].pdf.sha256, p.body.pdf.sha256);
  const own = await call(co.token, 'GET', `${url}/versions`);
  assert.deepEqual(own.body, v.body);

  const refile = await call(co.token, 'POST', base, letterBody({ summary: '다시 제출합니다.' }));
  assert.equal(refile.status, 201);
  assert.equal(refile.body.id, f.body.id);
  assert.equal(refile.body.version, 5);
  assert.equal(refile.body.status, 'active');
  assert.equal(refile.body.pdf, null);
  const audit = sql(srv.db, `SELECT count(*) FROM audit_events WHERE table_name = 'letter_versions'
    AND after->>'letter_id' = '${f.body.id}'`);
  assert.deepEqual(audit, ['5']);
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM audit_events WHERE table_name = 'call_files' AND after ? 'content'`), ['0']);
});

test('the LOI deadline holds to the second and the refusal names it in Seoul time', async () => {
  setClock('2026-03-20T09:00:00+09:00');
  const c = await publishedCall(srv.base, m.officer);
  const co = await company(srv.base, 'Deadline Telecom');
  const late = await company(srv.base, 'Too Late AI');
  const base = `/api/v1/calls/${c.id}/letters`;
  const f = await call(co.token, 'POST', base, letterBody());
  assert.equal(f.status, 201);
  const url = `${base}/${f.body.id}`;

  setClock('2026-03-31T18:00:00+09:00');
  const onTime = await call(co.token, 'PUT', url, letterBody({ summary: '마감 직전 수정' }));
  assert.equal(onTime.status, 200, JSON.stringify(onTime.body));
  assert.equal(onTime.body.acknowledgement.received_at, '2026-03-31T18:00:00+09:00');

  setClock('2026-03-31T18:00:01+09:00');
  for (const [method, u, b] of [['PUT', url, letterBody()], ['POST', `${url}/withdraw`, {}], ['POST', base, letterBody()]]) {
    const who = method === 'POST' && u === base ? late.token : co.token;
    const r = await call(who, method, u, b);
    assert.equal(r.status, 409, `${method} ${u}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.code, 'call.loi_deadline_passed');
    assert.match(r.body.detail, /2026-03-31T18:00:00\+09:00/);
  }
  const p = await putPdf(co.token, `${url}/pdf`, pdf('late'));
  assert.equal(p.status, 409);
  assert.equal(p.body.code, 'call.loi_deadline_passed');
  const now = await call(co.token, 'GET', url);
  assert.equal(now.body.version, 2);
});

test('bad letters name each field; members need valid numbers and roles', async () => {
  setClock('2026-03-02T10:00:00+09:00');
  const c = await publishedCall(srv.base, m.officer);
  const co = await company(srv.base, 'Careless Corp');
  const r = await call(co.token, 'POST', `/api/v1/calls/${c.id}/letters`, letterBody({
    summary: '',
    members: [{ name: '검증', registration_number: '101-81-00010', role: 'data_centre' }, { name: 'X', registration_number: brn(101810003), role: 'caterer' }],
  }));
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.errors.map((e) => e.field).sort(), ['members[1].role', 'summary']);
  const n = await call(co.token, 'POST', `/api/v1/calls/${c.id}/letters`, letterBody({
    members: [{ name: '검증', registration_number: '101-81-00010', role: 'data_centre' }],
  }));
  assert.equal(n.status, 422);
  assert.deepEqual(n.body.errors.map((e) => e.field), ['members[0].registration_number']);
  const country = await call(co.token, 'POST', `/api/v1/calls/${c.id}/letters`, letterBody({
    members: [{ name: 'Nordic', registration_number: '556677-8899', country: 'se', role: 'cloud' }],
  }));
  assert.equal(country.status, 422);
  assert.deepEqual(country.body.errors.map((e) => e.field), ['members[0].country']);
  const foreign = await call(co.token, 'POST', `/api/v1/calls/${c.id}/letters`, letterBody({
    members: [{ name: 'Nordic Compute AB', registration_number: '556677-8899', country: 'SE', role: 'cloud' }],
  }));
  assert.equal(foreign.status, 201, JSON.stringify(foreign.body));
  const draft = await call(m.officer, 'POST', '/api/v1/calls', (await import('./fixtures.mjs')).callBody());
  const d = await call(co.token, 'POST', `/api/v1/calls/${draft.body.id}/letters`, letterBody());
  assert.equal(d.status, 404);
});

test('officers see every letter, filter them, see shared members flagged and export CSV', async () => {
  setClock('2026-03-02T10:00:00+09:00');
  const c = await publishedCall(srv.base, m.officer);
  const base = `/api/v1/calls/${c.id}/letters`;
  const shared = { name: '공유 데이터센터', registration_number: brn(202810001), role: 'data_centre' };
  const a = await company(srv.base, 'Alpha Compute');
  const b = await company(srv.base, 'Beta Networks');
  const d = await company(srv.base, 'Delta Finance');
  const la = await call(a.token, 'POST', base, letterBody({ members: [shared] }));
  const lb = await call(b.token, 'POST', base, letterBody({ summary: '=HYPERLINK("http://evil")', members: [{ ...shared, registration_number: shared.registration_number.replace(/-/g, '') }] }));
  const ld = await call(d.token, 'POST', base, letterBody({ members: [] }));
  assert.equal(ld.status, 201, JSON.stringify(ld.body));
  await call(d.token, 'POST', `${base}/${ld.body.id}/withdraw`, {});

  const all = await call(m.officer, 'GET', base);
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.items.map((l) => l.id), [la.body.id, lb.body.id, ld.body.id]);
  const byId = Object.fromEntries(all.body.items.map((l) => [l.id, l]));
  const plain = shared.registration_number.replace(/-/g, '');
  assert.deepEqual(byId[la.body.id].conflicts, [plain]);
  assert.deepEqual(byId[lb.body.id].conflicts, [plain]);
  assert.deepEqual(byId[ld.body.id].conflicts, []);

  const flagged = await call(m.auditor, 'GET', `${base}?flagged=true`);
  assert.deepEqual(flagged.body.items.map((l) => l.id), [la.body.id, lb.body.id]);
  const withdrawn = await call(m.officer, 'GET', `${base}?status=withdrawn`);
  assert.deepEqual(withdrawn.body.items.map((l) => l.id), [ld.body.id]);
  const member = await call(m.officer, 'GET', `${base}?member=${plain}`);
  assert.deepEqual(member.body.items.map((l) => l.id), [la.body.id, lb.body.id]);
  const page = await call(m.officer, 'GET', `${base}?limit=2`);
  assert.equal(page.body.items.length, 2);
  const next = await call(m.officer, 'GET', `${base}?limit=2&cursor=${page.body.next}`);
  assert.deepEqual(next.body.items.map((l) => l.id), [ld.body.id]);

  const own = await call(a.token, 'GET', base);
  assert.deepEqual(own.body.items.map((l) => l.id), [la.body.id]);
  assert.ok(!('conflicts' in own.body.items[0]));

  const csv = await fetch(`${srv.base}${base}`, { headers: { authorization: `Bearer ${m.officer}`, accept: 'text/csv' } });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const bytes = Buffer.from(await csv.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8').slice(1);
  const lines = text.trim().split('\r\n');
  assert.match(lines[0], /^reference,organisation,registration_number,status/);
  assert.equal(lines.length, 4);
  assert.ok(text.includes('Alpha Compute 주식회사'));
  assert.ok(text.includes(`'=HYPERLINK`), text);
  assert.ok(!/,=HYPERLINK/.test(text));
  const vendorCsv = await fetch(`${srv.base}${base}`, { headers: { authorization: `Bearer ${a.token}`, accept: 'text/csv' } });
  assert.equal(vendorCsv.status, 403);
});
