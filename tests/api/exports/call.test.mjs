// The call's report: each letter of intent's versions with its consortium
// members, the briefing's attendees, the guideline downloads, the sealed
// proposals as hashes, the frozen set, the opening, and the marked place
// of what the registry does not record yet (scores, the award).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { api, checkedFetch, sql } from '../helpers.mjs';
import { callContext, publishedCall, company, letterBody, pdf } from '../calls/fixtures.mjs';
import { readCsv, readXlsx, excelDate } from './files.mjs';

let srv;
let setClock;
let m;
let c;
let alpha;
let letter;

before(async () => {
  ({ srv, setClock, m } = await callContext());
  setClock('2026-03-02T10:00:00+09:00');
  c = await publishedCall(srv.base, m.officer);
  alpha = await company(srv.base, 'Alpha Cloud');
  const a = await api(srv.base, 'POST', `/api/v1/calls/${c.id}/attendees`, {
    token: alpha.token, body: { name: '=cmd|calc', title: '+부장', email: 'a1@alpha.example.kr' },
  });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  setClock('2026-03-20T11:00:00+09:00');
  const l = await api(srv.base, 'POST', `/api/v1/calls/${c.id}/letters`, { token: alpha.token, body: letterBody() });
  assert.equal(l.status, 201, JSON.stringify(l.body));
  letter = l.body;
  const u = await api(srv.base, 'POST', `/api/v1/calls/${c.id}/guidelines?note=${encodeURIComponent('제1판')}`,
    { token: m.officer, raw: pdf('지침'), headers: { 'content-type': 'application/pdf' } });
  assert.equal(u.status, 201, JSON.stringify(u.body));
  setClock('2026-04-02T09:30:00+09:00');
  const g = await fetch(`${srv.base}/api/v1/calls/${c.id}/guidelines`, { headers: { authorization: `Bearer ${alpha.token}` } });
  assert.equal(g.status, 200);
  // A sealed proposal and the frozen set, as the proposals module records
  // them (its own tests drive the sealing).
  sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
    WITH s AS (INSERT INTO proposal_submissions (call_id, organization_id, version, action, sha256, size, user_id, received_at)
      VALUES (${c.id}, ${alpha.org.id}, 1, 'submitted', sha256('blob'), 4242, ${alpha.user.id}, '2026-05-10T15:00:00+09:00') RETURNING id)
    INSERT INTO proposal_receipts (submission_id, note, sha256) SELECT id, 'receipt', sha256(convert_to('receipt', 'UTF8')) FROM s;
    INSERT INTO proposal_checkpoints (call_id, size, root, note, frozen_at)
      VALUES (${c.id}, 1, sha256('root'), 'checkpoint', '2026-05-15T18:00:00+09:00');
    COMMIT;`);
});
after(async () => { await srv.stop(); });

test('letters with their members, attendees, downloads, sealed proposals as hashes and the frozen set; no ranking before the evaluation is complete', async () => {
  const res = await checkedFetch(srv.base, `/api/v1/exports/call?call_id=${c.id}`, { headers: { authorization: `Bearer ${m.auditor}` } });
  assert.equal(res.status, 200);
  const f = readCsv(Buffer.from(await res.arrayBuffer()));
  assert.equal(f.preamble['조건 parameters'], `call_id=${c.id}`);
  const rows = f.rows.map((r) => Object.fromEntries(f.columns.map((k, i) => [k, r[i]])));
  assert.deepEqual(rows.map((r) => r.section), ['letter', 'briefing_attendee', 'guideline_download',
    'proposal_submitted', 'proposals_frozen']);
  const [l, att, dl, prop, frozen] = rows;
  assert.equal(l.call_title, '국가AI컴퓨팅센터 민관합작 공모');
  assert.equal(l.reference, letter.reference);
  assert.equal(l.organization, 'Alpha Cloud 주식회사');
  assert.equal(l.person, '이서연');
  assert.equal(l.detail, 'filed v1');
  assert.match(l.consortium_members, /^data_centre \/ 한빛데이터센터 \/ \d{3}-?\d{2}-?\d{5}.*; finance_investment \/ 미래투자파트너스 \//);
  assert.equal(l.at, '2026-03-20T11:00:00+09:00');
  assert.equal(att.person, "'=cmd|calc", 'neutralised');
  assert.equal(att.detail, "'+부장");
  assert.equal(dl.reference, 'v1');
  assert.equal(dl.at, '2026-04-02T09:30:00+09:00');
  const hex = (t) => createHash('sha256').update(t).digest('hex');
  assert.equal(prop.organization, 'Alpha Cloud 주식회사');
  assert.equal(prop.reference, hex('receipt'), 'the receipt hash');
  assert.equal(prop.detail, `v1, 4242 bytes sealed, sha256 ${hex('blob')}`);
  assert.equal(prop.person, '', 'no content, no person');
  assert.equal(frozen.reference, hex('root'));
  assert.equal(frozen.detail, '1 proposals under this Merkle root');

  const x = await checkedFetch(srv.base, `/api/v1/exports/call?call_id=${c.id}&format=xlsx`, { headers: { authorization: `Bearer ${m.officer}` } });
  assert.equal(x.status, 200);
  const sheet = readXlsx(Buffer.from(await x.arrayBuffer())).sheets[0];
  assert.equal(sheet.rows[8][5].value, '=cmd|calc', 'a string cell in the workbook: never a formula');
  assert.equal(sheet.rows[7][8].format, 'yyyy-mm-dd hh:mm:ss');
  assert.equal(excelDate(sheet.rows[7][8].value), '2026-03-20 11:00:00', 'Seoul wall-clock time');
});
