// The guidelines go only to organisations whose letter of intent stood at
// the LOI deadline, and to ministry staff; everyone else gets 403 saying
// why. Versions carry a note and a hash; every download is recorded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { api, sql } from '../helpers.mjs';
import { clockedServer, ministry, publishedCall, company, letterBody, pdf } from './fixtures.mjs';
import { tenant } from '../seed.mjs';

let srv;
let setClock;
let m;
let c;
let filer;
let withdrawer;
let nobody;
let latecomer;
let tenantUser;
const v1 = pdf('공모지침서 제1판', 5000);
const v2 = pdf('공모지침서 제2판 (정정)', 6000);
const sha = (b) => createHash('sha256').update(b).digest('hex');

before(async () => {
  ({ srv, setClock } = await clockedServer());
  m = await ministry(srv.base);
  setClock('2026-03-02T10:00:00+09:00');
  c = await publishedCall(srv.base, m.officer);
  filer = await company(srv.base, 'Eligible Cloud');
  withdrawer = await company(srv.base, 'Withdrawn Telecom');
  nobody = await company(srv.base, 'Never Filed');
  latecomer = await company(srv.base, 'Late Investor');
  tenantUser = (await tenant(srv.base, m.admin, 'Guidelines Institute')).token;
  const base = `/api/v1/calls/${c.id}/letters`;
  assert.equal((await api(srv.base, 'POST', base, { token: filer.token, body: letterBody() })).status, 201);
  const w = await api(srv.base, 'POST', base, { token: withdrawer.token, body: letterBody() });
  assert.equal((await api(srv.base, 'POST', `${base}/${w.body.id}/withdraw`, { token: withdrawer.token, body: {} })).status, 200);
  // A letter recorded after the deadline (taken on paper, say): it does not count.
  sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
    WITH l AS (INSERT INTO letters (call_id, organization_id, version)
               VALUES (${c.id}, ${latecomer.org.id}, 1) RETURNING id)
    INSERT INTO letter_versions (letter_id, version, action, reference, received_at, user_id, contact, summary, members)
    SELECT id, 1, 'filed', 'LOI-LATE-V1', '2026-03-31T18:00:01+09:00', ${latecomer.user.id}, '{}', 'late', '[]' FROM l;
    COMMIT;`);
});
after(async () => { await srv.stop(); });

const get = (token, url) => fetch(`${srv.base}${url}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const upload = (token, bytes, note) => api(srv.base, 'POST', `/api/v1/calls/${c.id}/guidelines?note=${encodeURIComponent(note)}`,
  { token, raw: bytes, headers: { 'content-type': 'application/pdf' } });

test('an officer uploads versioned guidelines with a note; no note or no PDF is refused', async () => {
  const noNote = await api(srv.base, 'POST', `/api/v1/calls/${c.id}/guidelines`, { token: m.officer, raw: v1, headers: { 'content-type': 'application/pdf' } });
  assert.equal(noNote.status, 422);
  assert.equal(noNote.body.errors[0].field, 'note');
  const notPdf = await upload(m.officer, Buffer.from('PK\x03\x04 a zip'), '제1판');
  assert.equal(notPdf.status, 415);
  assert.equal((await upload(filer.token, v1, '제1판')).status, 403);
  const u = await upload(m.officer, v1, '제1판');
  assert.equal(u.status, 201, JSON.stringify(u.body));
  assert.equal(u.body.version, 1);
  assert.equal(u.body.sha256, sha(v1));
  assert.equal(u.body.size, v1.length);
  assert.equal(u.body.uploaded_at, '2026-03-02T10:00:00+09:00');
});

test('before the release nobody outside the ministry gets them', async () => {
  setClock('2026-04-01T09:59:59+09:00');
  const r = await get(filer.token, `/api/v1/calls/${c.id}/guidelines`);
  assert.equal(r.status, 403);
  const body = await r.json();
  assert.equal(body.code, 'call.guidelines_not_released');
  assert.match(body.detail, /2026-04-01T10:00:00\+09:00/);
  const staff = await get(m.auditor, `/api/v1/calls/${c.id}/guidelines`);
  assert.equal(staff.status, 200);
});

test('after the release the filer downloads them as an attachment with their hash', async () => {
  setClock('2026-04-01T10:00:00+09:00');
  const r = await get(filer.token, `/api/v1/calls/${c.id}/guidelines`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="guidelines-call-\d+-v1\.pdf"$/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('x-content-sha256'), sha(v1));
  assert.ok(Buffer.from(await r.arrayBuffer()).equals(v1));
});

test('everyone else is refused with a code that says why', async () => {
  const cases = [
    [withdrawer.token, 'call.guidelines_letter_withdrawn', /withdrawn/],
    [nobody.token, 'call.guidelines_no_letter', /no letter of intent/],
    [latecomer.token, 'call.guidelines_letter_late', /after the deadline 2026-03-31T18:00:00\+09:00/],
  ];
  for (const [token, code, detail] of cases) {
    for (const url of ['', '/versions', '/versions/1']) {
      const r = await get(token, `/api/v1/calls/${c.id}/guidelines${url}`);
      assert.equal(r.status, 403, `${code} ${url}`);
      const body = await r.json();
      assert.equal(body.code, code);
      assert.match(body.detail, detail);
    }
  }
  assert.equal((await get(tenantUser, `/api/v1/calls/${c.id}/guidelines`)).status, 403);
  assert.equal((await get(null, `/api/v1/calls/${c.id}/guidelines`)).status, 401);
});

test('an amendment is a new version; the eligible see what changed and when, and each version', async () => {
  setClock('2026-04-10T15:30:00+09:00');
  const u = await upload(m.officer, v2, '제12조 평가 배점 정정');
  assert.equal(u.status, 201);
  assert.equal(u.body.version, 2);
  const list = await api(srv.base, 'GET', `/api/v1/calls/${c.id}/guidelines/versions`, { token: filer.token });
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.items.map((v) => [v.version, v.note, v.sha256, v.uploaded_at]), [
    [1, '제1판', sha(v1), '2026-03-02T10:00:00+09:00'],
    [2, '제12조 평가 배점 정정', sha(v2), '2026-04-10T15:30:00+09:00'],
  ]);
  const latest = await get(filer.token, `/api/v1/calls/${c.id}/guidelines`);
  assert.equal(latest.headers.get('x-content-sha256'), sha(v2));
  const first = await get(filer.token, `/api/v1/calls/${c.id}/guidelines/versions/1`);
  assert.equal(first.status, 200);
  assert.ok(Buffer.from(await first.arrayBuffer()).equals(v1));
  const none = await get(filer.token, `/api/v1/calls/${c.id}/guidelines/versions/9`);
  assert.equal(none.status, 404);
  assert.equal((await none.json()).code, 'call.guidelines_not_found');
});

test('every download is recorded; officers and auditors list them, companies cannot', async () => {
  const r = await api(srv.base, 'GET', `/api/v1/calls/${c.id}/guidelines/downloads`, { token: m.auditor });
  assert.equal(r.status, 200);
  const mine = r.body.items.filter((d) => d.organization.id === filer.org.id);
  assert.deepEqual(mine.map((d) => [d.version, d.at]), [
    [1, '2026-04-01T10:00:00+09:00'], [2, '2026-04-10T15:30:00+09:00'], [1, '2026-04-10T15:30:00+09:00'],
  ]);
  assert.equal(mine[0].user.id, filer.user.id);
  assert.equal(mine[0].client_addr, '127.0.0.1');
  assert.ok(r.body.items.some((d) => d.organization.name === 'Board of Audit'));
  assert.ok(!r.body.items.some((d) => d.organization.id === nobody.org.id));
  assert.equal((await api(srv.base, 'GET', `/api/v1/calls/${c.id}/guidelines/downloads`, { token: m.officer })).status, 200);
  assert.equal((await api(srv.base, 'GET', `/api/v1/calls/${c.id}/guidelines/downloads`, { token: filer.token })).status, 403);
  const audit = sql(srv.db, `SELECT count(*) FROM audit_events WHERE table_name = 'guideline_downloads'`);
  assert.equal(Number(audit[0]), r.body.items.length);
  // Each download is also an event of its own, named, on the call.
  const named = sql(srv.db, `SELECT actor_user_id, after->>'guideline_version_id' FROM audit_events
    WHERE table_name = 'calls' AND record_id = '${c.id}' AND action = 'guidelines_download' ORDER BY id`);
  assert.equal(named.length, r.body.items.length);
  assert.ok(named.some((row) => row.split('|')[0] === String(filer.user.id)));
});
