// The binary's command line: migrations (order, checksums, concurrency),
// user add, routes, and the first start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase, cli, sql, startServer, api, login, ROOT } from '../helpers.mjs';

// A copy of the project's sql/ folder, so a test can add or change files.
function sqlCopy() {
  const root = mkdtempSync(path.join(tmpdir(), 'registry-sql-'));
  cpSync(path.join(ROOT, 'sql'), path.join(root, 'sql'), { recursive: true });
  return root;
}

test('migrate applies every file once and records checksums', () => {
  const db = createDatabase();
  const a = cli(db, ['migrate']);
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /applied 0001_foundation\.sql/);
  const b = cli(db, ['migrate']);
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /0 applied now/);
  const rows = sql(db, 'SELECT version, length(checksum) FROM schema_migrations ORDER BY version');
  assert.equal(rows[0], '1|64');
});

test('a changed applied migration is an error naming the file', () => {
  const db = createDatabase();
  const root = sqlCopy();
  try {
    assert.equal(cli(db, ['migrate'], { REGISTRY_ROOT: root }).status, 0);
    appendFileSync(path.join(root, 'sql/0001_foundation.sql'), '\n-- edited\n');
    const r = cli(db, ['migrate'], { REGISTRY_ROOT: root });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /0001_foundation\.sql was changed after it was applied/);
  } finally { rmSync(root, { recursive: true }); }
});

test('a failing migration leaves nothing of itself behind', () => {
  const db = createDatabase();
  const root = sqlCopy();
  try {
    writeFileSync(path.join(root, 'sql/9998_half.sql'),
      'CREATE TABLE half_done (id int);\nSELECT no_such_function();\n');
    const r = cli(db, ['migrate'], { REGISTRY_ROOT: root });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /9998_half\.sql/);
    assert.deepEqual(sql(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'"), ['0']);
    assert.deepEqual(sql(db, 'SELECT count(*) FROM schema_migrations WHERE version = 9998'), ['0']);
    assert.deepEqual(sql(db, 'SELECT count(*) FROM schema_migrations WHERE version = 1'), ['1']);
  } finally { rmSync(root, { recursive: true }); }
});

test('two processes migrating at once apply each file once', async () => {
  const db = createDatabase();
  const run = () => new Promise((resolve) => {
    const p = spawn(process.env.REGISTRY_BIN, ['migrate'], {
      env: { ...process.env, DATABASE_URL: db.url, REGISTRY_ROOT: ROOT },
    });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.on('exit', (code) => resolve({ code, out }));
  });
  const results = await Promise.all([run(), run(), run()]);
  assert.deepEqual(results.map((r) => r.code), [0, 0, 0]);
  const applied = results.map((r) => (r.out.match(/^applied /gm) || []).length);
  const files = readdirSync(path.join(ROOT, 'sql')).filter((f) => /^\d{4}_.*\.sql$/.test(f));
  assert.equal(applied.reduce((a, b) => a + b, 0), files.length, `applied: ${applied}`);
});

test('user add creates a user whose sign-in works, audited as cli', async () => {
  const srv = await startServer();
  try {
    const r = cli(srv.db, ['user', 'add', '--email', 'officer@msit.go.kr', '--name', '김담당',
      '--org', '과학기술정보통신부', '--role', 'officer'], { REGISTRY_USER_PASSWORD: 'cli password 123' });
    assert.equal(r.status, 0, r.stderr);
    const t = await login(srv.base, 'officer@msit.go.kr', 'cli password 123');
    const me = await api(srv.base, 'GET', '/api/v1/me', { token: t });
    assert.deepEqual(me.body.roles, ['officer']);
    assert.equal(me.body.organization.name, '과학기술정보통신부');
    assert.deepEqual(sql(srv.db, `SELECT channel FROM audit_events WHERE table_name = 'users' AND record_id = '${me.body.id}' AND action = 'insert'`), ['cli']);
    const unknownOrg = cli(srv.db, ['user', 'add', '--email', 'a@b.c', '--name', 'A', '--org', 'Nowhere', '--role', 'tenant']);
    assert.equal(unknownOrg.status, 1);
    assert.match(unknownOrg.stderr, /no organization is named Nowhere/);
    const badRole = cli(srv.db, ['user', 'add', '--email', 'a@b.c', '--name', 'A', '--org', 'X', '--role', 'king']);
    assert.equal(badRole.status, 2);
  } finally { await srv.stop(); }
});

test('user add refuses the passwords the API refuses: common ones, only spaces, too long', () => {
  const db = createDatabase();
  assert.equal(cli(db, ['migrate']).status, 0);
  const add = (password, email) => cli(db, ['user', 'add', '--email', email, '--name', 'A',
    '--org', '과학기술정보통신부', '--org-kind', 'ministry', '--role', 'officer'],
  { REGISTRY_USER_PASSWORD: password });
  // In data/common-passwords.txt, whatever the case.
  const common = add('ABCDEFGHIJKL', 'common@msit.go.kr');
  assert.equal(common.status, 2);
  assert.match(common.stderr, /REGISTRY_USER_PASSWORD is one of the most common passwords/);
  const spaces = add(' '.repeat(12), 'spaces@msit.go.kr');
  assert.equal(spaces.status, 2);
  assert.match(spaces.stderr, /must not be only spaces/);
  assert.equal(add('x'.repeat(1025), 'long@msit.go.kr').status, 2);
  assert.deepEqual(sql(db, 'SELECT count(*) FROM users'), ['0']);
  const fine = add('a sound passphrase 42', 'fine@msit.go.kr');
  assert.equal(fine.status, 0, fine.stderr);
  assert.deepEqual(sql(db, 'SELECT email FROM users'), ['fine@msit.go.kr']);
});

test('first start with no password prints a random one that works, once', async () => {
  const db = createDatabase();
  const out = cli(db, ['migrate']);
  assert.equal(out.status, 0);
  const p = spawn(process.env.REGISTRY_BIN, ['serve'], {
    env: {
      ...process.env, DATABASE_URL: db.url, REGISTRY_ROOT: ROOT, PORT: '0', REGISTRY_ADMIN_PASSWORD: '',
      // Its own folder, as startServer gives: the default var/uploads needs var/ to exist.
      REGISTRY_UPLOAD_DIR: mkdtempSync(path.join(tmpdir(), 'registry-uploads-')),
    },
  });
  let stdout = '';
  const base = await new Promise((resolve, reject) => {
    p.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    p.on('exit', () => reject(new Error(stdout)));
  });
  const pw = stdout.match(/created admin@localhost with the password (\S+)/)[1];
  assert.ok(pw.length >= 20);
  assert.ok(await login(base, 'admin@localhost', pw));
  p.kill('SIGTERM');
  await new Promise((resolve) => p.on('exit', resolve));
  // A second start creates nothing: the first password still signs in.
  const second = await startServer({ db, env: { REGISTRY_ADMIN_PASSWORD: '' } });
  try {
    assert.ok(await login(second.base, 'admin@localhost', pw));
  } finally { await second.stop(); }
  assert.deepEqual(sql(db, 'SELECT count(*) FROM users'), ['1']);
});

test('routes lists the table; help lists the environment', () => {
  const db = { url: '' };
  const r = cli(db, ['routes']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^GET \/api\/v1\/organizations\/\{id\}$/m);
  const json = JSON.parse(cli(db, ['routes', '--json']).stdout);
  const login = json.find((x) => x.method === 'POST' && x.path === '/api/v1/auth/login');
  assert.deepEqual(login.flags, ['public']);
  assert.deepEqual(login.body.fields.map((f) => [f.name, f.type, f.required]),
    [['email', 'string', true], ['password', 'string', true], ['totp', 'string', false],
      ['recovery_code', 'string', false]]);
  const inspect = json.find((x) => x.path === '/api/v1/deliveries/{id}/inspection');
  assert.deepEqual(inspect.roles, ['admin', 'officer']);
  assert.deepEqual(inspect.body.fields[0].items.map((f) => f.name), ['serial', 'result', 'note']);
  const usage = cli(db, ['routes', '--yaml']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /usage: registry routes \[--json\]/);
  const h = cli(db, ['--help']);
  assert.match(h.stdout, /DATABASE_URL/);
  assert.match(h.stdout, /REGISTRY_SESSION_CACHE_SECONDS/);
  const bad = cli(db, ['serve'], { DATABASE_URL: 'x', PORT: 'eighty' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /PORT=eighty/);
});

test('statement prints the SQL the server prepares under a name, which PostgreSQL runs as it is', () => {
  const db = createDatabase();
  assert.equal(cli(db, ['migrate']).status, 0);
  const res = cli(db, ['statement', 'asset_get']);
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stdout, /^SELECT json_build_object\('id', a\.id, /);
  assert.match(res.stdout, /WHERE a\.id = \$1\n$/);
  // The text is valid SQL for the migrated schema: prepared and run for a
  // missing asset, it answers no row.
  const text = res.stdout.trim().replace('$1', '0');
  assert.deepEqual(sql(db, text), []);
  const missing = cli(db, ['statement', 'no_such_statement']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no statement is named no_such_statement/);
});
