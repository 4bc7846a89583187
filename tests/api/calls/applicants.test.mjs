// Companies register themselves: a vendor organisation with its first
// user, able to sign in at once; numbers checked and unique without saying
// who holds them; suspended by an officer with a reason; rate-limited per
// address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, sql, login } from '../helpers.mjs';
import { ministry, company, brn } from './fixtures.mjs';

let srv;
let m;
before(async () => {
  srv = await startServer();
  m = await ministry(srv.base);
});
after(async () => { await srv.stop(); });

const body = (over = {}) => ({
  name_ko: '가람클라우드 주식회사',
  name_en: 'Garam Cloud Inc.',
  country: 'KR',
  registration_number: brn(314860001),
  representative: '박가람',
  address: '경기도 성남시 분당구 판교역로 235',
  user_name: '최담당',
  user_email: 'contact@garam.example.kr',
  user_password: 'correct horse battery',
  ...over,
});

test('a company registers itself and signs in at once as a vendor', async () => {
  const r = await api(srv.base, 'POST', '/api/v1/registrations', { body: body() });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.organization.name_ko, '가람클라우드 주식회사');
  assert.equal(r.body.organization.name_en, 'Garam Cloud Inc.');
  assert.equal(r.body.organization.registration_number, brn(314860001).replace(/-/g, ''));
  assert.equal(r.body.organization.active, true);
  assert.deepEqual(r.body.user.roles, ['vendor']);
  assert.equal(r.body.user.email, 'contact@garam.example.kr');
  assert.ok(!('password_hash' in r.body.user));
  assert.deepEqual(sql(srv.db, `SELECT kind FROM organizations WHERE id = ${r.body.organization.id}`), ['vendor']);
  const token = await login(srv.base, 'contact@garam.example.kr', 'correct horse battery');
  const me = await api(srv.base, 'GET', '/api/v1/me', { token });
  assert.equal(me.status, 200);
  assert.equal(me.body.organization_id ?? me.body.organization?.id, r.body.organization.id);
  const events = sql(srv.db, `SELECT table_name FROM audit_events WHERE action = 'insert'
    AND (table_name = 'organizations' AND record_id = '${r.body.organization.id}'
      OR table_name = 'users' AND record_id = '${r.body.user.id}'
      OR table_name = 'applicants' AND after->>'organization_id' = '${r.body.organization.id}') ORDER BY id`);
  assert.ok(events.includes('applicants') && events.includes('organizations') && events.includes('users'), events.join());
});

test('a foreign company gives its registry id and country', async () => {
  const r = await api(srv.base, 'POST', '/api/v1/registrations', {
    body: body({ name_ko: '노르딕 컴퓨트', name_en: 'Nordic Compute AB', country: 'SE', registration_number: '556677-8899', user_email: 'ir@nordic.example.se' }),
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.organization.country, 'SE');
  assert.equal(r.body.organization.registration_number, '556677-8899');
});

test('a wrong check digit, a bad country and missing fields are named', async () => {
  const digit = await api(srv.base, 'POST', '/api/v1/registrations', { body: body({ registration_number: '314-86-00010', user_email: 'x1@example.kr' }) });
  assert.equal(digit.status, 422);
  assert.equal(digit.body.errors[0].field, 'registration_number');
  assert.match(digit.body.errors[0].message, /check digit/);
  const country = await api(srv.base, 'POST', '/api/v1/registrations', { body: body({ country: 'kr', user_email: 'x2@example.kr' }) });
  assert.equal(country.status, 422);
  assert.equal(country.body.errors[0].field, 'country');
  const missing = await api(srv.base, 'POST', '/api/v1/registrations', { body: { name_ko: '이름만' } });
  assert.equal(missing.status, 422);
  assert.ok(missing.body.errors.some((e) => e.field === 'user_password'));
  const short = await api(srv.base, 'POST', '/api/v1/registrations', { body: body({ user_password: 'short', user_email: 'x3@example.kr' }) });
  assert.equal(short.status, 422);
  assert.equal(short.body.errors[0].field, 'user_password');
});

test('a registration number already held is refused without saying by whom', async () => {
  const first = await company(srv.base, 'Holder Systems');
  const dup = await api(srv.base, 'POST', '/api/v1/registrations', {
    body: body({ name_ko: '다른 회사', name_en: 'Another Co', registration_number: first.number.replace(/-/g, ''), user_email: 'other@another.example.kr' }),
  });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.code, 'call.registration_number_taken');
  assert.ok(!JSON.stringify(dup.body).includes('Holder'));
  assert.ok(!JSON.stringify(dup.body).includes('holder'));
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM organizations WHERE name = '다른 회사'`), ['0']);
});

test('an officer suspends a company with a reason and reinstates it', async () => {
  const co = await company(srv.base, 'Suspended Soon');
  const url = `/api/v1/applicants/${co.org.id}`;
  const noReason = await api(srv.base, 'POST', `${url}/suspend`, { token: m.officer, body: {} });
  assert.equal(noReason.status, 422);
  const byVendor = await api(srv.base, 'POST', `${url}/suspend`, { token: co.token, body: { reason: 'self' } });
  assert.equal(byVendor.status, 403);
  const s = await api(srv.base, 'POST', `${url}/suspend`, { token: m.officer, body: { reason: '허위 서류 제출 조사 중' } });
  assert.equal(s.status, 200, JSON.stringify(s.body));
  assert.equal(s.body.active, false);
  assert.equal(s.body.suspension_reason, '허위 서류 제출 조사 중');
  assert.equal((await api(srv.base, 'GET', '/api/v1/me', { token: co.token })).status, 401);
  const again = await api(srv.base, 'POST', `${url}/suspend`, { token: m.officer, body: { reason: 'again' } });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'call.applicant_state');
  const back = await api(srv.base, 'POST', `${url}/reinstate`, { token: m.officer });
  assert.equal(back.status, 200);
  assert.equal(back.body.active, true);
  assert.equal(back.body.suspension_reason, null);
  const fresh = await login(srv.base, co.email, 'correct horse battery');
  const notApplicant = await api(srv.base, 'POST', '/api/v1/applicants/1/suspend', { token: m.officer, body: { reason: 'ministry' } });
  assert.equal(notApplicant.status, 404);
  const list = await api(srv.base, 'GET', '/api/v1/applicants', { token: m.auditor });
  assert.equal(list.status, 200);
  assert.ok(list.body.items.some((a) => a.id === co.org.id));
  assert.equal((await api(srv.base, 'GET', '/api/v1/applicants', { token: fresh })).status, 403);
});

test('registrations are rate-limited per address', async () => {
  const limited = await startServer({ env: { REGISTRY_REGISTRATIONS_PER_HOUR: '2' } });
  try {
    for (let i = 1; i <= 2; i++) {
      const r = await api(limited.base, 'POST', '/api/v1/registrations', {
        body: body({ name_ko: `속도 ${i}`, registration_number: brn(555000000 + i * 10), user_email: `rate${i}@example.kr` }),
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const third = await api(limited.base, 'POST', '/api/v1/registrations', {
      body: body({ name_ko: '속도 3', registration_number: brn(555000030), user_email: 'rate3@example.kr' }),
    });
    assert.equal(third.status, 429);
    assert.equal(third.body.code, 'call.registration_rate_limited');
    assert.ok(Number(third.headers.get('retry-after')) > 0);
  } finally {
    await limited.stop();
  }
});
