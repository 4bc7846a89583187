// Sign-in under attack: throttling per account and address, per address,
// and per account without locking the right password out from an address
// it signed in from before; X-Forwarded-For from trusted proxies only; the
// count taken atomically; the small body; the bounded hash pool; and the
// passwords nobody may choose.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, sql, patchRead, ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers.mjs';

const PASSWORD = 'correct horse battery';
let srv;
let admin;
before(async () => {
  srv = await startServer({
    env: {
      REGISTRY_LOGIN_MAX_FAILURES: '3',
      REGISTRY_LOGIN_ACCOUNT_FAILURES: '5',
      REGISTRY_LOGIN_ADDRESS_FAILURES: '6',
      REGISTRY_TRUSTED_PROXIES: '127.0.0.1',
      REGISTRY_HASH_QUEUE: '64',
    },
  });
  admin = await login(srv.base);
});
after(async () => { await srv.stop(); });

let orgs = 0;
async function makeUser(email, roles = ['officer']) {
  const org = await api(srv.base, 'POST', '/api/v1/organizations', {
    token: admin, body: { name: `signin org ${++orgs}`, kind: 'ministry' },
  });
  assert.equal(org.status, 201, JSON.stringify(org.body));
  const u = await api(srv.base, 'POST', '/api/v1/users', {
    token: admin, body: { email, password: PASSWORD, name: email, organization_id: org.body.id, roles },
  });
  assert.equal(u.status, 201, JSON.stringify(u.body));
  return u.body;
}

// A sign-in as if from client address `from` behind the trusted proxy.
function signin(email, password, from) {
  return api(srv.base, 'POST', '/api/v1/auth/login', {
    body: { email, password }, headers: from ? { 'x-forwarded-for': from } : {},
  });
}

test('failures from one address do not lock the account out from another', async () => {
  await makeUser('pair@ministry.go.kr');
  for (let i = 0; i < 3; i++) assert.equal((await signin('pair@ministry.go.kr', 'wrong', '203.0.113.1')).status, 401);
  const held = await signin('pair@ministry.go.kr', PASSWORD, '203.0.113.1');
  assert.equal(held.status, 429, 'the address that failed waits');
  assert.equal(held.body.code, 'auth.throttled');
  assert.ok(Number(held.headers.get('retry-after')) > 0);
  assert.equal(held.body.retry_after_s, Number(held.headers.get('retry-after')));
  const other = await signin('pair@ministry.go.kr', PASSWORD, '203.0.113.2');
  assert.equal(other.status, 200, JSON.stringify(other.body));
});

test('the client address behind a trusted proxy is the right-most untrusted one, in the audit trail too', async () => {
  await makeUser('xff@ministry.go.kr');
  const r = await signin('xff@ministry.go.kr', PASSWORD, '198.51.100.1, 192.0.2.44');
  assert.equal(r.status, 200);
  const [addr] = sql(srv.db, `SELECT client_addr FROM audit_events WHERE table_name = 'sessions'
    AND actor_user_id = ${r.body.user.id} ORDER BY id DESC LIMIT 1`);
  assert.equal(addr, '192.0.2.44');
  // The log line is written once the reply has gone.
  for (let i = 0; i < 50 && !/"client":"192\.0\.2\.44"/.test(srv.log()); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.match(srv.log(), /"client":"192\.0\.2\.44"/);
});

test('X-Forwarded-For from a peer that is not a trusted proxy is ignored', async () => {
  const plain = await startServer({ env: { REGISTRY_LOGIN_MAX_FAILURES: '2' } });
  try {
    const t = await login(plain.base);
    const org = await api(plain.base, 'POST', '/api/v1/organizations', { token: t, body: { name: 'o', kind: 'ministry' } });
    await api(plain.base, 'POST', '/api/v1/users', {
      token: t, body: { email: 'u@m.go.kr', password: PASSWORD, name: 'u', organization_id: org.body.id, roles: ['officer'] },
    });
    const at = (from) => api(plain.base, 'POST', '/api/v1/auth/login', {
      body: { email: 'u@m.go.kr', password: 'wrong' }, headers: { 'x-forwarded-for': from },
    });
    assert.equal((await at('203.0.113.7')).status, 401);
    assert.equal((await at('203.0.113.8')).status, 401);
    // A forged header does not buy a fresh address.
    assert.equal((await at('203.0.113.9')).status, 429);
    assert.deepEqual(sql(plain.db, 'SELECT DISTINCT host(client_addr) FROM login_failures'), ['127.0.0.1']);
  } finally {
    await plain.stop();
  }
});

test('an account under attack from many addresses still signs in from an address it knows', async () => {
  await makeUser('victim@ministry.go.kr');
  assert.equal((await signin('victim@ministry.go.kr', PASSWORD, '192.0.2.10')).status, 200);
  for (let i = 0; i < 5; i++) {
    assert.equal((await signin('victim@ministry.go.kr', 'guess' + i, `203.0.113.${100 + i}`)).status, 401);
  }
  const stranger = await signin('victim@ministry.go.kr', PASSWORD, '203.0.113.200');
  assert.equal(stranger.status, 429, 'an address the account never used waits');
  const home = await signin('victim@ministry.go.kr', PASSWORD, '192.0.2.10');
  assert.equal(home.status, 200, JSON.stringify(home.body));
  // From a known address the attack only slows: one attempt per few seconds.
  assert.equal((await signin('victim@ministry.go.kr', 'typo', '192.0.2.10')).status, 401);
  const slowed = await signin('victim@ministry.go.kr', PASSWORD, '192.0.2.10');
  assert.equal(slowed.status, 429);
  const wait = Number(slowed.headers.get('retry-after'));
  assert.ok(wait >= 1 && wait <= 5, `Retry-After ${wait}`);
  assert.equal(slowed.body.code, 'auth.throttled');
  assert.match(slowed.body.detail, /slowed/);
});

test('one address spraying accounts waits; others behind the same proxy do not', async () => {
  await makeUser('known@ministry.go.kr');
  assert.equal((await signin('known@ministry.go.kr', PASSWORD, '198.51.100.50')).status, 200);
  for (let i = 0; i < 6; i++) {
    assert.equal((await signin(`nobody${i}@nowhere.example`, 'wrong', '198.51.100.50')).status, 401);
  }
  assert.equal((await signin(ADMIN_EMAIL, ADMIN_PASSWORD, '198.51.100.50')).status, 429);
  assert.equal((await signin(ADMIN_EMAIL, ADMIN_PASSWORD, '198.51.100.51')).status, 200);
  // An account that signed in from that address before is not held by it.
  assert.equal((await signin('known@ministry.go.kr', PASSWORD, '198.51.100.50')).status, 200);
});

test('60 parallel wrong passwords get exactly the limit checked', async () => {
  await makeUser('race@ministry.go.kr');
  const all = await Promise.all(Array.from({ length: 60 },
    () => signin('race@ministry.go.kr', 'wrong', '203.0.113.60')));
  const statuses = all.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 401).length, 3, statuses.join(' '));
  assert.equal(statuses.filter((s) => s === 429).length, 57, statuses.join(' '));
  assert.deepEqual(sql(srv.db, "SELECT count(*) FROM login_failures WHERE email = 'race@ministry.go.kr'"), ['3']);
});

test('a right password clears its attempt and the failures of its address', async () => {
  await makeUser('clear@ministry.go.kr');
  assert.equal((await signin('clear@ministry.go.kr', 'wrong', '203.0.113.70')).status, 401);
  assert.equal((await signin('clear@ministry.go.kr', PASSWORD, '203.0.113.70')).status, 200);
  assert.deepEqual(sql(srv.db, "SELECT count(*) FROM login_failures WHERE email = 'clear@ministry.go.kr'"), ['0']);
  assert.deepEqual(sql(srv.db, `SELECT host(a.client_addr) FROM user_addresses a JOIN users u ON u.id = a.user_id
    WHERE u.email = 'clear@ministry.go.kr'`), ['203.0.113.70']);
});

test('a sign-in body is limited to a few KiB', async () => {
  const r = await api(srv.base, 'POST', '/api/v1/auth/login', {
    body: { email: ADMIN_EMAIL, password: 'x'.repeat(8000) },
  });
  assert.equal(r.status, 413);
  assert.equal(r.body.code, 'request.body_too_large');
  assert.equal(r.body.limit_bytes, 4096);
  // Other routes keep the general limit.
  const big = await api(srv.base, 'POST', '/api/v1/organizations', {
    token: admin, body: { name: 'y'.repeat(8000), kind: 'vendor' },
  });
  assert.equal(big.status, 422);
});

test('past the hash pool and its queue, a sign-in gets 429 with Retry-After', async () => {
  const small = await startServer({ env: { REGISTRY_HASH_THREADS: '1', REGISTRY_HASH_QUEUE: '0' } });
  try {
    const all = await Promise.all(Array.from({ length: 12 }, () => api(small.base, 'POST', '/api/v1/auth/login', {
      body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    })));
    const busy = all.filter((r) => r.status === 429);
    assert.ok(busy.length > 0, all.map((r) => r.status).join(' '));
    assert.ok(all.some((r) => r.status === 200));
    assert.ok(all.every((r) => r.status === 200 || r.status === 429));
    assert.equal(busy[0].headers.get('retry-after'), '1');
    assert.equal(busy[0].body.code, 'auth.busy');
    // A refusal for lack of room is no failed sign-in.
    assert.deepEqual(sql(small.db, 'SELECT count(*) FROM login_failures'), ['0']);
  } finally {
    await small.stop();
  }
});

test('common passwords and passwords of spaces are refused', async () => {
  const org = await api(srv.base, 'POST', '/api/v1/organizations', { token: admin, body: { name: 'pw org', kind: 'ministry' } });
  for (const password of ['password1234', 'Qwerty123456', ' '.repeat(12), '\u3000'.repeat(12)]) {
    const r = await api(srv.base, 'POST', '/api/v1/users', {
      token: admin, body: { email: 'weak@ministry.go.kr', password, name: 'w', organization_id: org.body.id, roles: ['officer'] },
    });
    assert.equal(r.status, 422, `${JSON.stringify(password)}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.code, 'validation.failed');
    assert.deepEqual(r.body.errors.map((e) => e.field), ['password']);
  }
  const u = await makeUser('strong@ministry.go.kr');
  const patch = await patchRead(srv.base, `/api/v1/users/${u.id}`, { token: admin, body: { password: 'iloveyou1234' } });
  assert.equal(patch.status, 422);
  assert.match(patch.body.errors[0].message, /common/);
});
