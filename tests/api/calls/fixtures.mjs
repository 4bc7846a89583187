// What the call tests share: a server whose deadlines follow a clock the
// test sets (REGISTRY_TEST_CLOCK_FILE, which no request can reach), the
// ministry's people, a call, and companies that register themselves.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, api, login } from '../helpers.mjs';
import { person } from '../fixtures.mjs';

export const TIMETABLE = {
  briefing_at: '2026-03-10T14:00:00+09:00',
  loi_deadline: '2026-03-31T18:00:00+09:00',
  guidelines_release_at: '2026-04-01T10:00:00+09:00',
  proposal_deadline: '2026-05-15T18:00:00+09:00',
  opening_at: '2026-05-18T10:00:00+09:00',
  evaluation_ends_at: '2026-06-30T18:00:00+09:00',
};

// A server with a test clock; returns {srv, setClock(iso)}.
export async function clockedServer(env = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-clock-'));
  const file = path.join(dir, 'now');
  const setClock = (iso) => writeFileSync(file, String(Math.floor(Date.parse(iso) / 1000)));
  setClock('2026-03-01T09:00:00+09:00');
  const srv = await startServer({ env: { REGISTRY_TEST_CLOCK_FILE: file, ...env } });
  return { srv, setClock };
}

// A valid Korean business registration number from nine digits.
export function brn(nine) {
  const w = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  const d = String(nine).padStart(9, '0').split('').map(Number);
  let sum = d.reduce((s, x, i) => s + x * w[i], 0);
  sum += Math.floor((d[8] * 5) / 10);
  const check = (10 - (sum % 10)) % 10;
  const s = d.join('') + check;
  return `${s.slice(0, 3)}-${s.slice(3, 5)}-${s.slice(5)}`;
}

export const callBody = (over = {}) => ({
  title_ko: '국가AI컴퓨팅센터 민관합작 공모',
  title_en: 'Call for the public-private national AI computing centre',
  description_ko: 'GPU 3만 장 규모의 국가AI컴퓨팅센터를 함께 구축·운영할 사업자를 찾습니다.',
  description_en: 'Partners to build and run a national AI computing centre of 30,000 GPUs.',
  briefing_place: '서울 중구 세종대로 209 정부서울청사 별관 대강당',
  briefing_capacity: 3,
  ...TIMETABLE,
  ...over,
});

// The ministry's officer and an auditor.
export async function ministry(base) {
  const admin = await login(base);
  const officer = await person(base, admin, { email: 'call.officer@msit.go.kr', kind: 'ministry', roles: ['officer'], orgName: 'MSIT' });
  const auditor = await person(base, admin, { email: 'call.auditor@bai.go.kr', kind: 'auditor', roles: ['auditor'], orgName: 'Board of Audit' });
  return { admin, officer: officer.token, auditor: auditor.token };
}

// A published call with the default timetable; returns it.
export async function publishedCall(base, officer, over = {}) {
  const c = await api(base, 'POST', '/api/v1/calls', { token: officer, body: callBody(over) });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const p = await api(base, 'POST', `/api/v1/calls/${c.body.id}/publish`, { token: officer });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  return p.body;
}

let companyNo = 0;

// A company that registers itself; returns {org, user, token, number}.
export async function company(base, name, over = {}) {
  companyNo += 1;
  const number = over.registration_number ?? brn(220810000 + companyNo * 37 + Math.floor(Math.random() * 10000) * 1000);
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@${companyNo}.example.kr`;
  const r = await api(base, 'POST', '/api/v1/registrations', {
    body: {
      name_ko: `${name} 주식회사`,
      name_en: `${name} Inc.`,
      country: 'KR',
      registration_number: number,
      representative: '김대표',
      address: '서울특별시 강남구 테헤란로 1',
      user_name: `${name} 담당자`,
      user_email: email,
      user_password: 'correct horse battery',
      ...over,
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const token = await login(base, email, 'correct horse battery');
  return { org: r.body.organization, user: r.body.user, token, number, email };
}

export const letterBody = (over = {}) => ({
  contact_name: '이서연',
  contact_email: 'seoyeon.lee@example.kr',
  contact_phone: '+82-2-1234-5678',
  summary: '수도권 데이터센터에 GPU 1만 장 규모의 클러스터를 구축하고 운영하겠습니다.',
  members: [
    { name: '한빛데이터센터', registration_number: brn(101810001), role: 'data_centre' },
    { name: '미래투자파트너스', registration_number: brn(101810002), role: 'finance_investment' },
  ],
  ...over,
});

// A tiny but real-looking PDF of n bytes.
export function pdf(text = 'guidelines', n = 0) {
  const body = `%PDF-1.7\n% ${text}\n${'x'.repeat(n)}\n%%EOF\n`;
  return Buffer.from(body);
}

// A clocked server with the ministry's people: {srv, setClock, m}.
export async function callContext(env = {}) {
  const { srv, setClock } = await clockedServer(env);
  return { srv, setClock, m: await ministry(srv.base) };
}

// A draft with an opening committee of officers who set their passphrases
// (k of n = members.length): {call, url(rest), seal(text), submit(token,
// bytes, headers), give(token, passphrase)}. Publish it with publish().
export async function committeeCall(base, officer, members, passphrases, { threshold = 2, over = {} } = {}) {
  const draft = await api(base, 'POST', '/api/v1/calls', { token: officer, body: callBody(over) });
  assert.equal(draft.status, 201, JSON.stringify(draft.body));
  const s = { call: draft.body };
  s.url = (rest = '') => `/api/v1/calls/${s.call.id}${rest}`;
  const put = await api(base, 'PUT', s.url('/committee'), { token: officer, body: { threshold, members: members.map((p) => ({ user_id: p.user.id })) } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  for (let i = 0; i < members.length; i++) {
    const r = await api(base, 'PUT', s.url('/committee/passphrase'), { token: members[i].token, body: { passphrase: passphrases[i] } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  s.publish = async () => {
    const p = await api(base, 'POST', s.url('/publish'), { token: officer });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    s.call = p.body;
    return s.call;
  };
  s.seal = (sodium, text) => Buffer.from(sodium.crypto_box_seal(Buffer.from(text),
    Buffer.from(s.call.opening_key.public_key, 'base64')));
  s.submit = (token, bytes, headers = {}) => api(base, 'POST', s.url('/proposals'),
    { token, raw: bytes, headers: { 'content-type': 'application/octet-stream', ...headers } });
  s.give = (token, passphrase) => api(base, 'POST', s.url('/opening'), { token, body: { passphrase } });
  return s;
}
