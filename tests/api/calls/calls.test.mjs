// The call and its timetable: drafts for the ministry, published calls for
// everyone, times in Asia/Seoul stored in UTC, the order of the dates kept
// by the database, and a status that follows the server's clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, api, sql, ROOT } from '../helpers.mjs';
import { callContext, ministry, callBody, publishedCall, company, letterBody, TIMETABLE } from './fixtures.mjs';

let srv;
let setClock;
let m;
before(async () => { ({ srv, setClock, m } = await callContext()); });
after(async () => { await srv.stop(); });

const call = (token, method, url, body, headers) => api(srv.base, method, url, { token, body, headers });

test('a draft is the ministry\'s; once published everyone sees it, times in Seoul, stored in UTC', async () => {
  const c = await call(m.officer, 'POST', '/api/v1/calls', callBody());
  assert.equal(c.status, 201, JSON.stringify(c.body));
  assert.equal(c.headers.get('location'), `/api/v1/calls/${c.body.id}`);
  assert.equal(c.body.status, 'draft');
  assert.equal(c.body.loi_deadline, '2026-03-31T18:00:00+09:00');
  assert.equal(c.body.title_ko, '국가AI컴퓨팅센터 민관합작 공모');
  assert.equal(c.body.organization.name, 'MSIT');
  assert.deepEqual(sql(srv.db, `SELECT to_char(loi_deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM calls WHERE id = ${c.body.id}`),
    ['2026-03-31 09:00:00']);

  const anon = await api(srv.base, 'GET', `/api/v1/calls/${c.body.id}`);
  assert.equal(anon.status, 404);
  assert.equal(anon.body.code, 'call.not_found');
  assert.ok(!(await api(srv.base, 'GET', '/api/v1/calls')).body.items.some((x) => x.id === c.body.id));
  const staff = await call(m.auditor, 'GET', `/api/v1/calls/${c.body.id}`);
  assert.equal(staff.status, 200);
  assert.equal(staff.body.status, 'draft');

  const p = await call(m.officer, 'POST', `/api/v1/calls/${c.body.id}/publish`);
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.equal(p.body.status, 'published');
  assert.equal(p.body.published_at, '2026-03-01T09:00:00+09:00');
  const pub = await api(srv.base, 'GET', `/api/v1/calls/${c.body.id}`);
  assert.equal(pub.status, 200);
  assert.equal(pub.body.status, 'published');
  assert.equal(pub.body.letters_filed, 0);
  assert.deepEqual(Object.keys(pub.body).sort(), Object.keys(p.body).sort());
  const again = await call(m.officer, 'POST', `/api/v1/calls/${c.body.id}/publish`);
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'call.not_draft');
});

test('the database keeps the timetable in order; times must be Seoul times', async () => {
  const bad = await call(m.officer, 'POST', '/api/v1/calls', callBody({ loi_deadline: '2026-03-09T18:00:00+09:00' }));
  assert.equal(bad.status, 422);
  assert.equal(bad.body.errors[0].field, 'loi_deadline');
  assert.match(bad.body.errors[0].message, /briefing_at < loi_deadline/);
  const utc = await call(m.officer, 'POST', '/api/v1/calls', callBody({ opening_at: '2026-05-18T01:00:00Z', briefing_at: '2026-02-30T14:00:00+09:00' }));
  assert.equal(utc.status, 422);
  assert.deepEqual(utc.body.errors.map((e) => e.field).sort(), ['briefing_at', 'opening_at']);
  assert.match(utc.body.errors[0].message, /\+09:00/);
  const missing = await call(m.officer, 'POST', '/api/v1/calls', { title_ko: '제목' });
  assert.equal(missing.status, 422);
  assert.ok(missing.body.errors.some((e) => e.field === 'loi_deadline'));
});

test('a draft changes under If-Match; a published call does not', async () => {
  const c = await call(m.officer, 'POST', '/api/v1/calls', callBody());
  const url = `/api/v1/calls/${c.body.id}`;
  assert.equal((await call(m.officer, 'PATCH', url, { briefing_capacity: 500 })).status, 428);
  const etag = c.headers.get('etag');
  assert.equal(etag, `"call-${c.body.id}-v1"`);
  const ok = await call(m.officer, 'PATCH', url, { briefing_capacity: 500 }, { 'if-match': etag });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.briefing_capacity, 500);
  const order = await call(m.officer, 'PATCH', url, { evaluation_ends_at: '2026-05-01T00:00:00+09:00' }, { 'if-match': ok.headers.get('etag') });
  assert.equal(order.status, 422);
  await call(m.officer, 'POST', `${url}/publish`);
  const late = await call(m.officer, 'PATCH', url, { briefing_capacity: 10 }, { 'if-match': `"call-${c.body.id}-v3"` });
  assert.equal(late.status, 409);
  assert.equal(late.body.code, 'call.not_draft');
});

test('the status follows the clock through the timetable; a cancellation needs a reason', async () => {
  const c = await publishedCall(srv.base, m.officer);
  const url = `/api/v1/calls/${c.id}`;
  const at = async (iso) => { setClock(iso); return (await api(srv.base, 'GET', url)).body.status; };
  assert.equal(await at('2026-03-10T13:59:59+09:00'), 'published');
  assert.equal(await at('2026-03-10T14:00:00+09:00'), 'loi_open');
  assert.equal(await at('2026-03-31T18:00:00+09:00'), 'loi_open');
  assert.equal(await at('2026-03-31T18:00:01+09:00'), 'loi_closed');
  assert.equal(await at('2026-04-01T10:00:00+09:00'), 'proposals_open');
  assert.equal(await at('2026-05-15T18:00:01+09:00'), 'proposals_closed');
  const list = await api(srv.base, 'GET', '/api/v1/calls?status=proposals_closed');
  assert.ok(list.body.items.some((x) => x.id === c.id));
  setClock('2026-03-01T09:00:00+09:00');

  const none = await call(m.officer, 'POST', `${url}/cancel`, {});
  assert.equal(none.status, 422);
  const x = await call(m.officer, 'POST', `${url}/cancel`, { reason: '예산 재편성으로 공모를 취소합니다.' });
  assert.equal(x.status, 200);
  assert.equal(x.body.status, 'cancelled');
  assert.equal(x.body.cancellation_reason, '예산 재편성으로 공모를 취소합니다.');
  const twice = await call(m.officer, 'POST', `${url}/cancel`, { reason: 'again' });
  assert.equal(twice.status, 409);
  assert.equal(twice.body.code, 'call.closed');
});

test('the public sees how many letters are in, never whose', async () => {
  const c = await publishedCall(srv.base, m.officer);
  const a = await company(srv.base, 'Count One');
  const b = await company(srv.base, 'Count Two');
  for (const co of [a, b]) {
    const l = await call(co.token, 'POST', `/api/v1/calls/${c.id}/letters`, letterBody());
    assert.equal(l.status, 201, JSON.stringify(l.body));
  }
  const pub = await api(srv.base, 'GET', `/api/v1/calls/${c.id}`);
  assert.equal(pub.body.letters_filed, 2);
  assert.ok(!JSON.stringify(pub.body).includes('Count One'));
  const anonLetters = await api(srv.base, 'GET', `/api/v1/calls/${c.id}/letters`);
  assert.equal(anonLetters.status, 401);
});

test('only ministry buyers create, change and publish calls', async () => {
  const co = await company(srv.base, 'Not Ministry');
  const c = await call(co.token, 'POST', '/api/v1/calls', callBody());
  assert.equal(c.status, 403);
  assert.equal((await call(m.auditor, 'POST', '/api/v1/calls', callBody())).status, 403);
  assert.equal((await api(srv.base, 'POST', '/api/v1/calls', { body: callBody() })).status, 401);
});

test('the clock is the server\'s: no request can set it, and without the test setting it is real time', async () => {
  const real = await startServer();
  try {
    const { officer } = await ministry(real.base);
    // Real time is after 2026-03, so this call's letters are closed ...
    const past = await publishedCall(real.base, officer);
    // ... and this one's are open until 2099.
    const future = await publishedCall(real.base, officer, {
      briefing_at: '2099-03-10T14:00:00+09:00', loi_deadline: '2099-03-31T18:00:00+09:00',
      guidelines_release_at: '2099-04-01T10:00:00+09:00', proposal_deadline: '2099-05-15T18:00:00+09:00',
      opening_at: '2099-05-18T10:00:00+09:00', evaluation_ends_at: '2099-06-30T18:00:00+09:00',
    });
    const tricks = { 'x-registry-clock': '2026-03-01T00:00:00Z', 'x-test-clock': '1772323200', date: 'Sun, 01 Mar 2026 00:00:00 GMT' };
    const p = await api(real.base, 'GET', `/api/v1/calls/${past.id}`, { headers: tricks });
    assert.notEqual(p.body.status, 'published');
    assert.notEqual(p.body.status, 'loi_open');
    const f = await api(real.base, 'GET', `/api/v1/calls/${future.id}`, { headers: tricks });
    assert.equal(f.body.status, 'published');
    const q = await api(real.base, 'GET', '/api/v1/calls?now=2026-03-01T00:00:00Z');
    assert.equal(q.status, 400);
    const co = await company(real.base, 'Clock Tricks');
    const l = await api(real.base, 'POST', `/api/v1/calls/${past.id}/letters`, { token: co.token, body: letterBody(), headers: tricks });
    assert.equal(l.status, 409);
    assert.equal(l.body.code, 'call.loi_deadline_passed');
  } finally {
    await real.stop();
  }
  const routes = spawnSync(process.env.REGISTRY_BIN, ['routes'], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, REGISTRY_ROOT: ROOT } });
  assert.equal(routes.status, 0);
  assert.ok(!/clock|time/i.test(routes.stdout), 'a route names the clock');
  assert.ok(TIMETABLE.loi_deadline);
});
