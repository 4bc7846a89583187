// Sign-in, sessions, cookies, the CSRF defence, throttling, role checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, checkedFetch, login, sql, patchRead, ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers.mjs';

let srv;
let admin;
before(async () => {
  srv = await startServer({ env: { REGISTRY_LOGIN_MAX_FAILURES: '3' } });
  admin = await login(srv.base);
});
after(async () => { await srv.stop(); });

async function makeUser(email, roles, orgKind = 'ministry') {
  const org = await api(srv.base, 'POST', '/api/v1/organizations', {
    token: admin, body: { name: `org of ${email}`, kind: orgKind },
  });
  assert.equal(org.status, 201, JSON.stringify(org.body));
  const u = await api(srv.base, 'POST', '/api/v1/users', {
    token: admin,
    body: { email, password: 'correct horse battery', name: email, organization_id: org.body.id, roles },
  });
  assert.equal(u.status, 201, JSON.stringify(u.body));
  return u.body;
}

test('login returns a token, the user, and an HttpOnly SameSite=Strict cookie', async () => {
  const r = await api(srv.base, 'POST', '/api/v1/auth/login', {
    body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  assert.equal(r.status, 200);
  assert.match(r.body.token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(r.body.user.email, ADMIN_EMAIL);
  assert.deepEqual(r.body.user.roles, ['admin']);
  assert.equal(r.body.user.password_hash, undefined);
  assert.ok(Date.parse(r.body.expires_at) > Date.now() + 11 * 3600e3);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, new RegExp(`^registry_session=${r.body.token};`));
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
});

test('emails match whatever their case', async () => {
  const r = await api(srv.base, 'POST', '/api/v1/auth/login', {
    body: { email: 'ADMIN@LocalHost', password: ADMIN_PASSWORD },
  });
  assert.equal(r.status, 200);
});

test('only the hash of a token is stored', async () => {
  const t = await login(srv.base);
  const rows = sql(srv.db, 'SELECT encode(token_hash, \'hex\') FROM sessions');
  assert.ok(rows.length >= 1);
  assert.ok(!rows.some((h) => h.includes(Buffer.from(t).toString('hex'))));
  assert.ok(rows.every((h) => h.length === 64));
});

test('me needs a session; bearer and cookie both work', async () => {
  const none = await api(srv.base, 'GET', '/api/v1/me');
  assert.equal(none.status, 401);
  assert.equal(none.body.type, '/problems/unauthorized');
  assert.equal(none.body.code, 'auth.session_required');
  const bad = await api(srv.base, 'GET', '/api/v1/me', { token: 'x'.repeat(43) });
  assert.equal(bad.status, 401);
  const bearer = await api(srv.base, 'GET', '/api/v1/me', { token: admin });
  assert.equal(bearer.status, 200);
  assert.equal(bearer.body.email, ADMIN_EMAIL);
  const cookie = await api(srv.base, 'GET', '/api/v1/me', { headers: { cookie: `other=1; registry_session=${admin}` } });
  assert.equal(cookie.status, 200);
  assert.equal(cookie.body.organization.kind, 'ministry');
});

test('wrong passwords and unknown emails get the same 401', async () => {
  const a = await api(srv.base, 'POST', '/api/v1/auth/login', { body: { email: ADMIN_EMAIL, password: 'nope' } });
  const b = await api(srv.base, 'POST', '/api/v1/auth/login', { body: { email: 'ghost@nowhere', password: 'nope' } });
  assert.equal(a.status, 401);
  assert.equal(b.status, 401);
  assert.equal(a.body.detail, b.body.detail);
  assert.equal(a.body.code, 'auth.invalid_credentials');
  assert.equal(b.body.code, 'auth.invalid_credentials');
});

test('login input is validated', async () => {
  const r = await api(srv.base, 'POST', '/api/v1/auth/login', { body: { email: 5, extra: true } });
  assert.equal(r.status, 422);
  const fields = r.body.errors.map((e) => e.field).sort();
  assert.deepEqual(fields, ['email', 'extra', 'password']);
  assert.equal(r.body.code, 'validation.failed');
});

test('repeated failures for one account are throttled with Retry-After', async () => {
  await makeUser('throttle@ministry.go.kr', ['officer']);
  for (let i = 0; i < 3; i++) {
    const r = await api(srv.base, 'POST', '/api/v1/auth/login', {
      body: { email: 'throttle@ministry.go.kr', password: 'wrong' },
    });
    assert.equal(r.status, 401);
  }
  // Even the right password waits now.
  const r = await api(srv.base, 'POST', '/api/v1/auth/login', {
    body: { email: 'throttle@ministry.go.kr', password: 'correct horse battery' },
  });
  assert.equal(r.status, 429);
  const wait = Number(r.headers.get('retry-after'));
  assert.ok(wait > 0 && wait <= 900, `Retry-After ${wait}`);
  assert.equal(r.body.code, 'auth.throttled');
  assert.equal(r.body.retry_after_s, wait);
  // Another account from the same address is not locked out.
  assert.ok(await login(srv.base));
});

test('logout revokes the session and clears the cookie', async () => {
  const t = await login(srv.base);
  const out = await api(srv.base, 'POST', '/api/v1/auth/logout', { token: t });
  assert.equal(out.status, 204);
  assert.match(out.headers.get('set-cookie'), /registry_session=;.*Max-Age=0/);
  const me = await api(srv.base, 'GET', '/api/v1/me', { token: t });
  assert.equal(me.status, 401);
  const again = await api(srv.base, 'POST', '/api/v1/auth/logout', { token: t });
  assert.equal(again.status, 401);
});

test('cookie writes need a matching Origin; bearer writes do not', async () => {
  const host = new URL(srv.base).host;
  const body = JSON.stringify({ name: 'csrf test org', kind: 'vendor' });
  const cookieHeaders = { cookie: `registry_session=${admin}`, 'content-type': 'application/json' };
  let r = await checkedFetch(srv.base, '/api/v1/organizations', { method: 'POST', body, headers: cookieHeaders });
  assert.equal(r.status, 403, 'no Origin');
  r = await checkedFetch(srv.base, '/api/v1/organizations', {
    method: 'POST', body, headers: { ...cookieHeaders, origin: 'https://evil.example' },
  });
  assert.equal(r.status, 403, 'foreign Origin');
  const count = sql(srv.db, "SELECT count(*) FROM organizations WHERE name = 'csrf test org'");
  assert.deepEqual(count, ['0']);
  r = await checkedFetch(srv.base, '/api/v1/organizations', {
    method: 'POST', body, headers: { ...cookieHeaders, origin: `http://${host}` },
  });
  assert.equal(r.status, 201, 'same Origin');
  const b = await api(srv.base, 'POST', '/api/v1/organizations', {
    token: admin, body: { name: 'bearer org', kind: 'vendor' },
  });
  assert.equal(b.status, 201);
});

test('roles are checked from the route table', async () => {
  await makeUser('vendor@gpu.example', ['vendor'], 'vendor');
  const v = await login(srv.base, 'vendor@gpu.example', 'correct horse battery');
  const list = await api(srv.base, 'GET', '/api/v1/organizations', { token: v });
  assert.equal(list.status, 403);
  const create = await api(srv.base, 'POST', '/api/v1/users', { token: v, body: {} });
  assert.equal(create.status, 403);
  const audit = await api(srv.base, 'GET', '/api/v1/audit-events', { token: v });
  assert.equal(audit.status, 403);
  // A vendor reads its own organisation and itself, nothing else.
  const me = await api(srv.base, 'GET', '/api/v1/me', { token: v });
  const own = await api(srv.base, 'GET', `/api/v1/organizations/${me.body.organization_id}`, { token: v });
  assert.equal(own.status, 200);
  const other = await api(srv.base, 'GET', '/api/v1/organizations/1', { token: v });
  assert.equal(other.status, 404);
  const self = await api(srv.base, 'GET', `/api/v1/users/${me.body.id}`, { token: v });
  assert.equal(self.status, 200);
  const adminUser = await api(srv.base, 'GET', '/api/v1/users/1', { token: v });
  assert.equal(adminUser.status, 404);
});

test('an auditor reads everything and changes nothing', async () => {
  await makeUser('auditor@bai.go.kr', ['auditor'], 'auditor');
  const a = await login(srv.base, 'auditor@bai.go.kr', 'correct horse battery');
  assert.equal((await api(srv.base, 'GET', '/api/v1/users', { token: a })).status, 200);
  assert.equal((await api(srv.base, 'GET', '/api/v1/audit-events', { token: a })).status, 200);
  assert.equal((await api(srv.base, 'GET', '/api/v1/organizations', { token: a })).status, 200);
  const w = await api(srv.base, 'POST', '/api/v1/organizations', { token: a, body: { name: 'x', kind: 'vendor' } });
  assert.equal(w.status, 403);
  const p = await api(srv.base, 'PATCH', '/api/v1/users/1', { token: a, body: { name: 'x' } });
  assert.equal(p.status, 403);
});

test('deactivating a user ends their sessions at once', async () => {
  const u = await makeUser('leaver@ministry.go.kr', ['officer']);
  const t = await login(srv.base, 'leaver@ministry.go.kr', 'correct horse battery');
  assert.equal((await api(srv.base, 'GET', '/api/v1/me', { token: t })).status, 200);
  const d = await patchRead(srv.base, `/api/v1/users/${u.id}`, { token: admin, body: { active: false } });
  assert.equal(d.status, 200);
  assert.equal(d.body.active, false);
  assert.equal((await api(srv.base, 'GET', '/api/v1/me', { token: t })).status, 401);
  const again = await api(srv.base, 'POST', '/api/v1/auth/login', {
    body: { email: 'leaver@ministry.go.kr', password: 'correct horse battery' },
  });
  assert.equal(again.status, 401);
});

test('deactivating an organisation locks out its users', async () => {
  const u = await makeUser('member@vendor.example', ['vendor'], 'vendor');
  const t = await login(srv.base, 'member@vendor.example', 'correct horse battery');
  const d = await patchRead(srv.base, `/api/v1/organizations/${u.organization_id}`, {
    token: admin, body: { active: false },
  });
  assert.equal(d.status, 200);
  assert.equal((await api(srv.base, 'GET', '/api/v1/me', { token: t })).status, 401);
  const again = await api(srv.base, 'POST', '/api/v1/auth/login', {
    body: { email: 'member@vendor.example', password: 'correct horse battery' },
  });
  assert.equal(again.status, 401);
});

test('passwords are stored as argon2id hashes', async () => {
  const rows = sql(srv.db, "SELECT password_hash FROM users WHERE email = 'admin@localhost'");
  assert.match(rows[0], /^\$argon2id\$/);
  assert.ok(!rows[0].includes(ADMIN_PASSWORD));
});
