// The second factor: TOTP enrolment (RFC 6238, codes computed here with
// node's crypto), sign-in with a code or a recovery code, replay and
// drift, the throttle, disabling and an administrator's reset, the roles
// that require it (a session that can only enrol), and how the secrets
// are kept. The server's clock is moved through REGISTRY_TEST_CLOCK_FILE.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, api, login, sql } from '../helpers.mjs';
import { base32Decode, totp } from '../totp.mjs';

const PASSWORD = 'correct horse battery';
const T0 = 1_800_000_000;         // a multiple of 30: step 60,000,000 begins here
const clockFile = path.join(mkdtempSync(path.join(tmpdir(), 'registry-clock-')), 'now');
let srv;
let admin;

function setClock(seconds) { writeFileSync(clockFile, String(seconds)); }

before(async () => {
  setClock(T0);
  srv = await startServer({ env: { REGISTRY_TEST_CLOCK_FILE: clockFile, REGISTRY_LOGIN_MAX_FAILURES: '4' } });
  admin = await login(srv.base);
});
after(async () => { await srv.stop(); });

let orgs = 0;
async function makeUser(email, roles = ['officer'], kind = 'ministry') {
  const org = await api(srv.base, 'POST', '/api/v1/organizations', {
    token: admin, body: { name: `second factor org ${++orgs}`, kind },
  });
  assert.equal(org.status, 201, JSON.stringify(org.body));
  const u = await api(srv.base, 'POST', '/api/v1/users', {
    token: admin, body: { email, password: PASSWORD, name: email, organization_id: org.body.id, roles },
  });
  assert.equal(u.status, 201, JSON.stringify(u.body));
  return { user: u.body, token: await login(srv.base, email, PASSWORD) };
}

const signIn = (email, extra = {}) => api(srv.base, 'POST', '/api/v1/auth/login',
  { body: { email, password: PASSWORD, ...extra } });

// Enrols a user at time `at`: returns the secret and the recovery codes.
async function enrol(token, at = T0) {
  setClock(at);
  const start = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp', { token });
  assert.equal(start.status, 201, JSON.stringify(start.body));
  const ok = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp/confirm',
    { token, body: { totp: totp(start.body.secret, at) } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  return { secret: start.body.secret, codes: ok.body.recovery_codes };
}

test('enrolment: the secret is shown once, only a current code activates it, ten recovery codes come once', async () => {
  const { user, token } = await makeUser('enrol@msit.go.kr');
  setClock(T0);
  const none = await api(srv.base, 'GET', '/api/v1/auth/second-factor', { token });
  assert.deepEqual(none.body, { totp: 'none', recovery_codes_left: 0, required: false });
  const start = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp',
    { token, headers: { 'idempotency-key': 'enrol-1' } });
  assert.equal(start.status, 201);
  assert.match(start.body.secret, /^[A-Z2-7]{32}$/);
  // A secret shown once is not kept for a replay: the key is let go.
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM idempotency_keys WHERE user_id = ${user.id}`), ['0']);
  assert.equal(start.body.otpauth_uri, `otpauth://totp/National%20GPU%20Registry:enrol%40msit.go.kr?secret=${start.body.secret}` +
    '&issuer=National%20GPU%20Registry&algorithm=SHA1&digits=6&period=30');
  const pending = await api(srv.base, 'GET', '/api/v1/auth/second-factor', { token });
  assert.equal(pending.body.totp, 'pending');
  // Pending does nothing yet: the password alone still signs in.
  assert.equal((await signIn('enrol@msit.go.kr')).status, 200);

  // A code of a step two away, or of another secret, does not confirm.
  const far = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp/confirm',
    { token, body: { totp: totp(start.body.secret, T0 + 60) } });
  assert.equal(far.status, 422);
  assert.equal(far.body.code, 'second_factor.code_invalid');
  const ok = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp/confirm',
    { token, body: { totp: totp(start.body.secret, T0) }, headers: { 'idempotency-key': 'confirm-1' } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.totp, 'active');
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM idempotency_keys WHERE user_id = ${user.id}`), ['0']);
  assert.equal(ok.body.recovery_codes.length, 10);
  assert.equal(new Set(ok.body.recovery_codes).size, 10);
  for (const c of ok.body.recovery_codes) assert.match(c, /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);

  const again = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp/confirm',
    { token, body: { totp: totp(start.body.secret, T0) } });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'second_factor.active');
  const restart = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp', { token });
  assert.equal(restart.status, 409);
  assert.equal(restart.body.code, 'second_factor.active');
  const active = await api(srv.base, 'GET', '/api/v1/auth/second-factor', { token });
  assert.deepEqual(active.body, { totp: 'active', recovery_codes_left: 10, required: false });

  // The database holds neither the secret nor a recovery code in clear,
  // and the trail holds neither box nor hash.
  const secret = base32Decode(start.body.secret).toString('hex');
  const [box] = sql(srv.db, `SELECT encode(secret_box, 'hex') FROM user_totp WHERE user_id = ${user.id} AND confirmed_at IS NOT NULL`);
  assert.equal(box.length, 120);
  assert.ok(!box.includes(secret));
  const hashes = sql(srv.db, `SELECT encode(code_hash, 'hex') FROM recovery_codes WHERE user_id = ${user.id}`);
  assert.equal(hashes.length, 10);
  for (const c of ok.body.recovery_codes) {
    assert.ok(!hashes.includes(Buffer.from(c).toString('hex')));
    assert.ok(!hashes.includes(Buffer.from(c.replaceAll('-', '')).toString('hex')));
  }
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM audit_events WHERE table_name IN ('user_totp', 'recovery_codes')
    AND (coalesce(after, before) ? 'secret_box' OR coalesce(after, before) ? 'code_hash')`), ['0']);
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM audit_events WHERE table_name = 'recovery_codes'
    AND actor_user_id = ${user.id} AND action = 'insert'`), ['10']);
});

test('sign-in with TOTP: the password alone asks for the code; each step works once, one step of drift either way', async () => {
  const { user, token } = await makeUser('signin.totp@msit.go.kr');
  const { secret } = await enrol(token, T0);
  const t = T0 + 300;
  setClock(t);
  const bare = await signIn('signin.totp@msit.go.kr');
  assert.equal(bare.status, 401);
  assert.equal(bare.body.code, 'auth.second_factor_required');
  // Asking for the code is not a failure; a wrong code is.
  assert.deepEqual(sql(srv.db, "SELECT count(*) FROM login_failures WHERE email = 'signin.totp@msit.go.kr'"), ['0']);
  const wrong = await signIn('signin.totp@msit.go.kr', { totp: totp(secret, t + 90) });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.code, 'auth.second_factor_invalid');
  assert.deepEqual(sql(srv.db, "SELECT count(*) FROM login_failures WHERE email = 'signin.totp@msit.go.kr'"), ['1']);
  // A wrong password with the right code is the usual 401.
  const badPassword = await api(srv.base, 'POST', '/api/v1/auth/login',
    { body: { email: 'signin.totp@msit.go.kr', password: 'not the password', totp: totp(secret, t) } });
  assert.equal(badPassword.body.code, 'auth.invalid_credentials');

  const late = await signIn('signin.totp@msit.go.kr', { totp: totp(secret, t - 30) });
  assert.equal(late.status, 200, JSON.stringify(late.body));
  assert.equal(late.body.user.id, user.id);
  // That step is used: its code again, or an older one, is refused.
  const replay = await signIn('signin.totp@msit.go.kr', { totp: totp(secret, t - 30) });
  assert.equal(replay.status, 401);
  assert.equal(replay.body.code, 'auth.second_factor_invalid');
  const now = await signIn('signin.totp@msit.go.kr', { totp: totp(secret, t) });
  assert.equal(now.status, 200);
  const early = await signIn('signin.totp@msit.go.kr', { totp: totp(secret, t + 30) });
  assert.equal(early.status, 200);
  const replayed = await signIn('signin.totp@msit.go.kr', { totp: totp(secret, t + 30) });
  assert.equal(replayed.body.code, 'auth.second_factor_invalid');
  assert.deepEqual(sql(srv.db, `SELECT last_step FROM user_totp WHERE user_id = ${user.id}`), [String((t + 30) / 30)]);
  // The right sign-in cleared the pair's failures.
  assert.deepEqual(sql(srv.db, "SELECT count(*) FROM login_failures WHERE email = 'signin.totp@msit.go.kr'"), ['1']);
});

test('failed codes count toward the sign-in throttle, which then refuses even the right code', async () => {
  const { token } = await makeUser('throttle.totp@msit.go.kr');
  const { secret } = await enrol(token, T0);
  const t = T0 + 600;
  setClock(t);
  for (let i = 0; i < 4; i++) {
    const r = await signIn('throttle.totp@msit.go.kr', { totp: String((Number(totp(secret, t)) + 1 + i) % 1e6).padStart(6, '0') });
    assert.equal(r.body.code, 'auth.second_factor_invalid');
  }
  const blocked = await signIn('throttle.totp@msit.go.kr', { totp: totp(secret, t) });
  assert.equal(blocked.status, 429);
  assert.equal(blocked.body.code, 'auth.throttled');
  assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  // Codes tried while signed in count the same way.
  sql(srv.db, "DELETE FROM login_failures WHERE email = 'throttle.totp@msit.go.kr'");
  for (let i = 0; i < 4; i++) {
    const r = await api(srv.base, 'POST', '/api/v1/auth/second-factor/recovery-codes', { token, body: { totp: '000000' === totp(secret, t) ? '111111' : '000000' } });
    assert.equal(r.status, 422);
  }
  const held = await api(srv.base, 'POST', '/api/v1/auth/second-factor/recovery-codes', { token, body: { totp: totp(secret, t) } });
  assert.equal(held.status, 429);
});

test('recovery codes: each signs in once, in any case and grouping; new ones need a code and void the old', async () => {
  const { user, token } = await makeUser('recovery@msit.go.kr');
  const { secret, codes } = await enrol(token, T0);
  const first = await signIn('recovery@msit.go.kr', { recovery_code: codes[0].toUpperCase().replaceAll('-', ' ') });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const reused = await signIn('recovery@msit.go.kr', { recovery_code: codes[0] });
  assert.equal(reused.status, 401);
  assert.equal(reused.body.code, 'auth.second_factor_invalid');
  assert.equal((await signIn('recovery@msit.go.kr', { recovery_code: 'aaaa-bbbb-cccc-dddd' })).status, 401);
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM recovery_codes WHERE user_id = ${user.id} AND used_at IS NOT NULL`), ['1']);
  const left = await api(srv.base, 'GET', '/api/v1/auth/second-factor', { token });
  assert.equal(left.body.recovery_codes_left, 9);

  const none = await api(srv.base, 'POST', '/api/v1/auth/second-factor/recovery-codes', { token, body: {} });
  assert.equal(none.status, 422);
  assert.equal(none.body.errors[0].field, 'totp');
  setClock(T0 + 900);
  const fresh = await api(srv.base, 'POST', '/api/v1/auth/second-factor/recovery-codes',
    { token, body: { totp: totp(secret, T0 + 900) } });
  assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
  assert.equal(fresh.body.recovery_codes.length, 10);
  assert.equal((await signIn('recovery@msit.go.kr', { recovery_code: codes[1] })).status, 401);
  assert.equal((await signIn('recovery@msit.go.kr', { recovery_code: fresh.body.recovery_codes[1] })).status, 200);
  // A recovery code proves as much as a current code.
  const byCode = await api(srv.base, 'POST', '/api/v1/auth/second-factor/recovery-codes',
    { token, body: { recovery_code: fresh.body.recovery_codes[2] } });
  assert.equal(byCode.status, 200);
});

test('disabling needs the password and a code; an administrator can reset a lost second factor, in the trail', async () => {
  const { user, token } = await makeUser('disable@msit.go.kr');
  const t = T0 + 1200;
  const { secret } = await enrol(token, t);
  setClock(t + 30);
  const noCode = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp/disable', { token, body: { password: PASSWORD } });
  assert.equal(noCode.status, 422);
  const badPassword = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp/disable',
    { token, body: { password: 'not the password', totp: totp(secret, t + 30) } });
  assert.equal(badPassword.status, 422);
  assert.equal(badPassword.body.code, 'second_factor.password_wrong');
  const badCode = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp/disable',
    { token, body: { password: PASSWORD, totp: totp(secret, t + 120) } });
  assert.equal(badCode.body.code, 'second_factor.code_invalid');
  const off = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp/disable',
    { token, body: { password: PASSWORD, totp: totp(secret, t + 30) } });
  assert.equal(off.status, 200, JSON.stringify(off.body));
  assert.deepEqual(off.body, { totp: 'none', recovery_codes_left: 0, required: false });
  assert.equal((await signIn('disable@msit.go.kr')).status, 200);
  const twice = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp/disable',
    { token, body: { password: PASSWORD, totp: totp(secret, t + 30) } });
  assert.equal(twice.body.code, 'second_factor.not_active');

  // The device is lost: the administrator resets.
  await enrol(token, t + 60);
  assert.equal((await signIn('disable@msit.go.kr')).body.code, 'auth.second_factor_required');
  const officer = await makeUser('not.admin@msit.go.kr');
  const refused = await api(srv.base, 'POST', `/api/v1/users/${user.id}/second-factor/reset`, { token: officer.token });
  assert.equal(refused.status, 403);
  const reset = await api(srv.base, 'POST', `/api/v1/users/${user.id}/second-factor/reset`, { token: admin });
  assert.equal(reset.status, 200);
  assert.equal(reset.body.totp, 'none');
  assert.equal((await signIn('disable@msit.go.kr')).status, 200);
  const [adminId] = sql(srv.db, "SELECT id FROM users WHERE email = 'admin@localhost'");
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM audit_events WHERE table_name = 'user_totp' AND action = 'delete'
    AND actor_user_id = ${adminId} AND before ->> 'user_id' = '${user.id}'`), ['1']);
  const missing = await api(srv.base, 'POST', '/api/v1/users/999999/second-factor/reset', { token: admin });
  assert.equal(missing.status, 404);
});

test('a user shows an administrator whether a second factor is active: not while pending, yes once confirmed, no after a reset', async () => {
  const { user, token } = await makeUser('shown@msit.go.kr');
  const seen = async () => {
    const one = await api(srv.base, 'GET', `/api/v1/users/${user.id}`, { token: admin });
    assert.equal(one.status, 200);
    const list = await api(srv.base, 'GET', `/api/v1/users?organization_id=${user.organization_id}`, { token: admin });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items.map((u) => [u.id, u.second_factor_active]), [[user.id, one.body.second_factor_active]]);
    return one.body.second_factor_active;
  };
  assert.equal(user.second_factor_active, false);
  assert.equal(await seen(), false);
  setClock(T0 + 2400);
  const start = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp', { token });
  assert.equal(start.status, 201);
  assert.equal(await seen(), false, 'a started enrolment is no second factor yet');
  const ok = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp/confirm',
    { token, body: { totp: totp(start.body.secret, T0 + 2400) } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(await seen(), true);
  const reset = await api(srv.base, 'POST', `/api/v1/users/${user.id}/second-factor/reset`, { token: admin });
  assert.equal(reset.status, 200);
  assert.equal(await seen(), false);
});

test('a sealed secret opens only for its own user: a box copied to another account is worthless', async () => {
  const a = await makeUser('box.a@msit.go.kr');
  const b = await makeUser('box.b@msit.go.kr');
  const t = T0 + 1800;
  const { secret } = await enrol(a.token, t);
  await enrol(b.token, t);
  sql(srv.db, `BEGIN; SET LOCAL registry.channel = 'system';
    UPDATE user_totp SET secret_box = (SELECT secret_box FROM user_totp WHERE user_id = ${a.user.id}), last_step = NULL
     WHERE user_id = ${b.user.id}; COMMIT`);
  setClock(t + 60);
  const r = await signIn('box.b@msit.go.kr', { totp: totp(secret, t + 60) });
  assert.equal(r.status, 401);
  assert.equal(r.body.code, 'auth.second_factor_invalid');
  assert.equal((await signIn('box.a@msit.go.kr', { totp: totp(secret, t + 60) })).status, 200);
});

test('a role that requires a second factor: without one, the session can only enrol; once confirmed, it reaches everything', async () => {
  const policy = await api(srv.base, 'PUT', '/api/v1/settings/second-factor', { token: admin, body: { required_roles: ['auditor'] } });
  assert.equal(policy.status, 200, JSON.stringify(policy.body));
  assert.deepEqual(policy.body, { required_roles: ['auditor'] });
  const vendorRole = await api(srv.base, 'PUT', '/api/v1/settings/second-factor', { token: admin, body: { required_roles: ['vendor'] } });
  assert.equal(vendorRole.status, 422);
  const auditor = await makeUser('required@bai.go.kr', ['auditor'], 'auditor');
  const token = auditor.token;
  const state = await api(srv.base, 'GET', '/api/v1/auth/second-factor', { token });
  assert.deepEqual(state.body, { totp: 'none', recovery_codes_left: 0, required: true });
  assert.equal((await api(srv.base, 'GET', '/api/v1/me', { token })).status, 200);
  const read = await api(srv.base, 'GET', '/api/v1/settings/second-factor', { token });
  assert.equal(read.status, 403);
  assert.equal(read.body.code, 'auth.second_factor_enrolment_required');

  // Every route but the enrolment's refuses the session, before its roles.
  const r = spawnSync(process.env.REGISTRY_BIN, ['routes', '--json'], { encoding: 'utf8' });
  const routes = JSON.parse(r.stdout).filter((x) => !x.flags.includes('public'));
  const open = routes.filter((x) => x.flags.includes('enrol')).map((x) => `${x.method} ${x.path}`);
  assert.deepEqual(open.sort(), ['GET /api/v1/auth/second-factor', 'GET /api/v1/me', 'POST /api/v1/auth/logout',
    'POST /api/v1/auth/second-factor/totp', 'POST /api/v1/auth/second-factor/totp/confirm']);
  for (const route of routes.filter((x) => !x.flags.includes('enrol'))) {
    const res = await api(srv.base, route.method, route.path.replace(/\{[a-z_]+\}/g, '1'),
      { token, body: route.method === 'GET' ? undefined : {} });
    assert.equal(res.status, 403, `${route.method} ${route.path}`);
    assert.equal(res.body.code, 'auth.second_factor_enrolment_required', `${route.method} ${route.path}`);
  }

  // An officer is not required: the same policy leaves it alone.
  const officer = await makeUser('free.officer@msit.go.kr');
  assert.equal((await api(srv.base, 'GET', '/api/v1/programs', { token: officer.token })).status, 200);

  await enrol(token, T0 + 2400);
  const now = await api(srv.base, 'GET', '/api/v1/audit-events', { token });
  assert.equal(now.status, 200);
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM audit_events WHERE table_name = 'second_factor_roles' AND action = 'insert'`), ['1']);
  const offPolicy = await api(srv.base, 'PUT', '/api/v1/settings/second-factor', { token: admin, body: { required_roles: [] } });
  assert.deepEqual(offPolicy.body, { required_roles: [] });
});

test('the key sealing the secrets is made once, readable by its owner only; a key others can read stops the start', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'registry-key-'));
  const keyFile = path.join(dir, 'totp.key');
  const other = await startServer({ db: srv.db, env: { REGISTRY_TOTP_KEY_FILE: keyFile } });
  await other.stop();
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  const key = readFileSync(keyFile, 'utf8');
  assert.match(key, /^[0-9a-f]{64}\n$/);
  const again = await startServer({ db: srv.db, env: { REGISTRY_TOTP_KEY_FILE: keyFile } });
  await again.stop();
  assert.equal(readFileSync(keyFile, 'utf8'), key);
  chmodSync(keyFile, 0o644);
  await assert.rejects(startServer({ db: srv.db, env: { REGISTRY_TOTP_KEY_FILE: keyFile } }),
    /TOTP key .* must be a file only its owner can read/);
});
