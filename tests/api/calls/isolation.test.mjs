// A company never sees another organisation's letters, members, attendees
// or downloads, through any endpoint, filter, count or error message: the
// wrong company tries each one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../helpers.mjs';
import { clockedServer, ministry, publishedCall, company, letterBody, brn, pdf } from './fixtures.mjs';

let srv;
let setClock;
let m;
let c;
let owner;
let other;
let letter;
const secretMember = { name: '비밀 파트너 데이터센터', registration_number: brn(303810007), role: 'data_centre' };

before(async () => {
  ({ srv, setClock } = await clockedServer());
  m = await ministry(srv.base);
  setClock('2026-03-02T10:00:00+09:00');
  c = await publishedCall(srv.base, m.officer, { briefing_capacity: 50 });
  owner = await company(srv.base, 'Owner Holdings');
  other = await company(srv.base, 'Prying Rival');
  const l = await api(srv.base, 'POST', `/api/v1/calls/${c.id}/letters`, {
    token: owner.token, body: letterBody({ members: [secretMember], contact_email: 'secret.contact@owner.example.kr' }),
  });
  assert.equal(l.status, 201);
  letter = l.body;
  const p = await api(srv.base, 'PUT', `/api/v1/calls/${c.id}/letters/${letter.id}/pdf`, {
    token: owner.token, raw: pdf('owner'), headers: { 'content-type': 'application/pdf' },
  });
  assert.equal(p.status, 200);
  const a = await api(srv.base, 'POST', `/api/v1/calls/${c.id}/attendees`, {
    token: owner.token, body: { name: '오너 대표', title: '대표이사', email: 'ceo@owner.example.kr' },
  });
  assert.equal(a.status, 201, JSON.stringify(a.body));
});
after(async () => { await srv.stop(); });

// Nothing of the owner's may appear in what the rival gets back.
function assertBlind(r, what) {
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  for (const secret of ['Owner Holdings', 'secret.contact', 'ceo@owner', '오너 대표', secretMember.name,
    secretMember.registration_number.replace(/-/g, ''), letter.reference]) {
    assert.ok(!text.includes(secret), `${what} reveals ${secret}: ${text}`);
  }
}

test('the wrong company reads as if the letter did not exist, on every endpoint', async () => {
  const base = `/api/v1/calls/${c.id}/letters/${letter.id}`;
  const tries = [
    ['GET', base], ['GET', `${base}/versions`], ['GET', `${base}/pdf`],
    ['PUT', base, letterBody()], ['POST', `${base}/withdraw`, {}],
  ];
  for (const [method, url, body] of tries) {
    const r = await api(srv.base, method, url, { token: other.token, body });
    assert.equal(r.status, 404, `${method} ${url}: ${r.status}`);
    assertBlind(r, `${method} ${url}`);
  }
  const pdfPut = await api(srv.base, 'PUT', `${base}/pdf`, { token: other.token, raw: pdf('mine'), headers: { 'content-type': 'application/pdf' } });
  assert.equal(pdfPut.status, 404);
  const still = await api(srv.base, 'GET', base, { token: owner.token });
  assert.equal(still.body.version, 2);
  assert.equal(still.body.status, 'active');
});

test('lists, filters and counts show the wrong company nothing of others', async () => {
  const urls = [
    `/api/v1/calls/${c.id}/letters`,
    `/api/v1/calls/${c.id}/letters?member=${secretMember.registration_number.replace(/-/g, '')}`,
    `/api/v1/calls/${c.id}/letters?flagged=false`,
    `/api/v1/calls/${c.id}/letters?status=active`,
    `/api/v1/calls/${c.id}/attendees`,
  ];
  for (const url of urls) {
    const r = await api(srv.base, 'GET', url, { token: other.token });
    assert.equal(r.status, 200, url);
    assert.deepEqual(r.body.items, [], url);
    assertBlind(r, url);
  }
  const callView = await api(srv.base, 'GET', `/api/v1/calls/${c.id}`, { token: other.token });
  assert.equal(callView.body.letters_filed, 1);
  assertBlind(callView, 'the call');
  // Filing with the owner's member is allowed, and says nothing of the owner.
  const mine = await api(srv.base, 'POST', `/api/v1/calls/${c.id}/letters`, { token: other.token, body: letterBody({ members: [secretMember] }) });
  assert.equal(mine.status, 201);
  assert.ok(!('conflicts' in mine.body));
  assertBlind({ body: { ...mine.body, members: [] } }, 'own letter');
});

test('staff-only lists and exports refuse companies', async () => {
  for (const [url, headers] of [
    [`/api/v1/calls/${c.id}/guidelines/downloads`, {}],
    ['/api/v1/applicants', {}],
    [`/api/v1/calls/${c.id}/letters`, { accept: 'text/csv' }],
  ]) {
    const r = await api(srv.base, 'GET', url, { token: other.token, headers });
    assert.equal(r.status, 403, url);
    assertBlind(r, url);
  }
  const csv = await api(srv.base, 'GET', `/api/v1/calls/${c.id}/attendees`, { token: other.token, headers: { accept: 'text/csv' } });
  assert.equal(csv.status, 200);
  assertBlind(csv, 'attendees as CSV');
  const other404 = await api(srv.base, 'GET', `/api/v1/calls/${c.id}/letters/999999`, { token: other.token });
  assert.equal(other404.status, 404);
  assert.equal(other404.body.detail.replace('999999', String(letter.id)), (await api(srv.base, 'GET', `/api/v1/calls/${c.id}/letters/${letter.id}`, { token: other.token })).body.detail);
});
