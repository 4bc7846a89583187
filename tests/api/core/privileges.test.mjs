// The database roles: the server migrates as DATABASE_URL's role and
// serves as "<database>_serve", which owns nothing, cannot switch the
// audit trail off, and holds exactly the privileges listed below.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { startServer, createDatabase, api, login, sql, cli, until, ROOT } from '../helpers.mjs';

let srv;
let role;
before(async () => {
  srv = await startServer();
  role = `${srv.db.name}_serve`;
});
after(async () => { await srv.stop(); });

// The serving role's connection string: the project cluster trusts the socket.
const servingUrl = (db, r = role) => `host=${process.env.PGHOST} user=${r} dbname=${db.name}`;

// Runs one statement as the serving role; returns psql's exit status and stderr.
function asServing(text) {
  const r = spawnSync('psql', [servingUrl(srv.db), '-v', 'ON_ERROR_STOP=1', '-qAtc', text],
    { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

test("the server's own connections are the serving role's, downloads' and the audit sequencer's too", async () => {
  const token = await login(srv.base);
  await until(srv.db, `EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'registry-audit' AND datname = '${srv.db.name}')`);
  const csv = await fetch(`${srv.base}/api/v1/assets`, { headers: { authorization: `Bearer ${token}`, accept: 'text/csv' } });
  assert.equal(csv.status, 200);
  await csv.text();
  const users = sql(srv.db, "SELECT DISTINCT usename FROM pg_stat_activity" +
    ` WHERE application_name IN ('registry', 'registry-export', 'registry-audit') AND datname = '${srv.db.name}'`);
  assert.deepEqual(users, [role]);
  assert.deepEqual(sql(srv.db, "SELECT count(*) > 0 FROM pg_stat_activity" +
    ` WHERE application_name = 'registry-export' AND datname = '${srv.db.name}'`), ['t']);
});

test('the serving role is no superuser, owns nothing and belongs to no role', () => {
  assert.deepEqual(sql(srv.db, 'SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication,' +
    ` rolbypassrls FROM pg_roles WHERE rolname = '${role}'`), ['f|f|f|f|f']);
  assert.deepEqual(sql(srv.db, "SELECT count(*) FROM pg_class WHERE relowner =" +
    ` '${role}'::regrole`), ['0']);
  assert.deepEqual(sql(srv.db, "SELECT count(*) FROM pg_auth_members WHERE member =" +
    ` '${role}'::regrole`), ['0']);
});

// Each of these would switch the audit trail off, or make room to.
const refused = [
  ['TRUNCATE audit_events', /permission denied for table audit_events/],
  ["UPDATE audit_events SET request_id = 'x'", /permission denied for table audit_events/],
  ['DELETE FROM audit_events', /permission denied for table audit_events/],
  ["INSERT INTO audit_events (channel, table_name, record_id, action)" +
    " VALUES ('api', 'assets', '1', 'delete')", /permission denied for table audit_events/],
  ['SET session_replication_role = replica', /permission denied to set parameter/],
  ['ALTER TABLE assets DISABLE TRIGGER assets_audit', /must be owner of table assets/],
  ['ALTER TABLE assets DISABLE TRIGGER assets_audit_insert', /must be owner of table assets/],
  // The audit log's tree and checkpoints: the serving role adds checkpoints
  // it signed, nothing else, and changes neither.
  ["INSERT INTO audit_tree (level, idx, hash, event_id) VALUES (0, 999999, sha256(''), 1)",
    /permission denied for table audit_tree/],
  ["UPDATE audit_tree SET hash = sha256('')", /permission denied for table audit_tree/],
  ['DELETE FROM audit_tree', /permission denied for table audit_tree/],
  ['TRUNCATE audit_tree', /permission denied for table audit_tree/],
  ["UPDATE audit_checkpoints SET note = ''", /permission denied for table audit_checkpoints/],
  ['DELETE FROM audit_checkpoints', /permission denied for table audit_checkpoints/],
  ['TRUNCATE audit_checkpoints', /permission denied for table audit_checkpoints/],
  ["SELECT audit_insert('assets', '1', 'delete', NULL, NULL)", /permission denied for function audit_insert/],
  ['ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only',
    /must be owner of table audit_events/],
  ["COPY audit_events FROM PROGRAM 'true'", /permission denied to COPY from or to an external program|must be superuser/],
  ['CREATE TABLE t (i int)', /permission denied for schema public/],
  ['CREATE TEMP TABLE audit_events (id int)', /permission denied to create temporary tables/],
  ['DROP TABLE sessions', /must be owner of table sessions/],
  ["CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", /permission denied for schema public/],
];
for (const [statement, error] of refused) {
  test(`the serving role is refused: ${statement}`, () => {
    const r = asServing(statement);
    assert.notEqual(r.status, 0, `${statement} succeeded`);
    assert.match(r.stderr, error);
  });
}

test('the serving role reads the trail, and its changes still leave events', async () => {
  const admin = await login(srv.base);
  const r = await api(srv.base, 'POST', '/api/v1/organizations', {
    token: admin, body: { name: '권한 시험 기관', kind: 'institute' },
  });
  assert.equal(r.status, 201);
  const events = asServing('SELECT channel, action, actor_user_id FROM audit_events' +
    ` WHERE table_name = 'organizations' AND record_id = '${r.body.id}'`);
  assert.equal(events.status, 0, events.stderr);
  assert.equal(events.stdout, 'api|insert|1');
});

// Every table, view and sequence of the schema with what the serving role
// may do to it. A new table fails here until it is listed, here and in
// serving_privileges (sql/0007_roles.sql and later migrations).
const expected = {
  allocation_assets: 'SELECT, INSERT, UPDATE',
  allocations: 'SELECT, INSERT, UPDATE',
  applicants: 'SELECT, INSERT, UPDATE',
  asset_placements: 'SELECT',
  asset_transitions: 'SELECT',
  assets: 'SELECT, INSERT, UPDATE',
  audit_checkpoints: 'SELECT, INSERT',
  audit_events: 'SELECT',
  audit_tree: 'SELECT',
  briefing_attendees: 'SELECT, INSERT',
  call_awards: 'SELECT, INSERT',
  call_committee: 'SELECT, INSERT, UPDATE, DELETE',
  call_criteria: 'SELECT, INSERT, DELETE',
  call_evaluators: 'SELECT, INSERT, UPDATE, DELETE',
  call_files: 'SELECT, INSERT',
  call_key_shares: 'SELECT, INSERT',
  call_opening_keys: 'SELECT, INSERT',
  call_opening_officers: 'SELECT, INSERT',
  calls: 'SELECT, INSERT, UPDATE',
  deliveries: 'SELECT, INSERT, UPDATE',
  delivery_units: 'SELECT, INSERT, UPDATE',
  evaluation_pairs: 'SELECT',
  evaluation_ranking: 'SELECT',
  evaluation_scores: 'SELECT, INSERT, UPDATE',
  evaluator_interests: 'SELECT, INSERT, DELETE',
  exports: 'SELECT, INSERT, UPDATE',
  gpu_models: 'SELECT, INSERT, UPDATE',
  guideline_downloads: 'SELECT, INSERT',
  guideline_versions: 'SELECT, INSERT',
  idempotency_keys: 'SELECT, INSERT, UPDATE, DELETE',
  letter_versions: 'SELECT, INSERT',
  letters: 'SELECT, INSERT, UPDATE',
  letters_current: 'SELECT',
  login_failures: 'SELECT, INSERT, DELETE',
  organization_keys: 'SELECT, INSERT, UPDATE',
  organizations: 'SELECT, INSERT, UPDATE',
  payments: 'SELECT, INSERT',
  program_milestones: 'SELECT, INSERT, DELETE',
  programs: 'SELECT, INSERT, UPDATE',
  proposal_checkpoints: 'SELECT, INSERT',
  proposal_opening_results: 'SELECT, INSERT',
  proposal_parties: 'SELECT',
  proposal_receipts: 'SELECT, INSERT',
  proposal_submissions: 'SELECT, INSERT',
  proposals_current: 'SELECT',
  purchase_order_lines: 'SELECT, INSERT, UPDATE, DELETE',
  purchase_order_number: 'USAGE',
  purchase_orders: 'SELECT, INSERT, UPDATE',
  racks: 'SELECT, INSERT, UPDATE',
  recovery_codes: 'SELECT, INSERT, UPDATE, DELETE',
  registration_attempts: 'SELECT, INSERT, DELETE',
  schema_migrations: 'SELECT',
  second_factor_roles: 'SELECT, INSERT, DELETE',
  serving_privileges: '',
  sessions: 'SELECT, INSERT, UPDATE',
  sites: 'SELECT, INSERT, UPDATE',
  user_addresses: 'SELECT, INSERT, UPDATE',
  user_totp: 'SELECT, INSERT, UPDATE, DELETE',
  users: 'SELECT, INSERT, UPDATE',
};

test('the serving role holds exactly the expected privileges on every relation', () => {
  const rows = sql(srv.db, `
    SELECT c.relname, array_to_string(array(
             SELECT p FROM unnest(CASE WHEN c.relkind = 'S' THEN '{USAGE,SELECT,UPDATE}'::text[]
                    ELSE '{SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER}'::text[] END)
                    WITH ORDINALITY AS x(p, n)
              WHERE CASE WHEN c.relkind = 'S' THEN has_sequence_privilege('${role}', c.oid, p)
                    ELSE has_table_privilege('${role}', c.oid, p) END
              ORDER BY n), ', ')
      FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
       AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d
                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i'))
     ORDER BY c.relname`);
  assert.deepEqual(Object.fromEntries(rows.map((r) => r.split('|'))), expected);
  assert.deepEqual(sql(srv.db, `SELECT has_schema_privilege('${role}', 'public', 'CREATE'),` +
    ` has_database_privilege('${role}', current_database(), 'TEMP')`), ['f|f']);
});

test('a second start takes back a privilege granted by hand', async () => {
  const db = createDatabase();
  assert.equal(cli(db, ['migrate']).status, 0);
  sql(db, `GRANT TRUNCATE, DELETE ON audit_events TO ${db.name}_serve`);
  const r = cli(db, ['migrate']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(sql(db, `SELECT has_table_privilege('${db.name}_serve', 'audit_events', 'TRUNCATE'),` +
    ` has_table_privilege('${db.name}_serve', 'audit_events', 'DELETE')`), ['f|f']);
});

test('REGISTRY_SERVE_DATABASE_URL names the serving role instead', async () => {
  const db = createDatabase();
  const own = `${db.name}_app`;
  sql(db, `CREATE ROLE ${own} LOGIN`);
  const s = await startServer({ db, env: { REGISTRY_SERVE_DATABASE_URL: servingUrl(db, own) } });
  try {
    await login(s.base);
    assert.deepEqual(sql(db, "SELECT DISTINCT usename FROM pg_stat_activity" +
      ` WHERE application_name = 'registry' AND datname = '${db.name}'`), [own]);
    assert.deepEqual(sql(db, `SELECT count(*) FROM pg_roles WHERE rolname = '${db.name}_serve'`), ['0']);
  } finally { await s.stop(); }
  // Alone, without the owner's URL, once migrated: the server never holds
  // the owner's credentials.
  const t = await startServer({ db, env: { DATABASE_URL: '', REGISTRY_MIGRATE_ON_START: 'false',
    REGISTRY_SERVE_DATABASE_URL: servingUrl(db, own) } });
  try {
    const r = await api(t.base, 'GET', '/api/v1/organizations', { token: await login(t.base) });
    assert.equal(r.status, 200);
  } finally { await t.stop(); }
});

test('the server refuses to serve as a superuser', () => {
  const db = createDatabase();
  assert.equal(cli(db, ['migrate']).status, 0);
  // `serve`, which would not return if it served: a time limit.
  const serve = (env) => spawnSync(process.env.REGISTRY_BIN, ['serve'], {
    encoding: 'utf8', cwd: ROOT, timeout: 20000,
    env: { ...process.env, DATABASE_URL: db.url, REGISTRY_ROOT: ROOT, PORT: '0', ...env },
  });
  const su = serve({ REGISTRY_SERVE_DATABASE_URL: db.url });
  assert.equal(su.status, 1);
  assert.match(su.stderr, /refusing to serve as registry: role registry is a superuser/);
  const alone = serve({ DATABASE_URL: '', REGISTRY_SERVE_DATABASE_URL: db.url,
    REGISTRY_MIGRATE_ON_START: 'false' });
  assert.equal(alone.status, 1);
  assert.match(alone.stderr, /refusing to serve: role registry is a superuser/);
});

// make run as root serves as registry-http; here `nobody`, which exists
// everywhere (it cannot reach the test cluster's socket, so no API call).
const rootCanDrop = process.getuid() === 0 &&
  spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-r', `${ROOT}/static/index.html`]).status === 0;
test('started as root with REGISTRY_USER, the server serves as that user',
  { skip: !rootCanDrop && 'needs root and a checkout readable to nobody' }, async () => {
    const s = await startServer({ env: { REGISTRY_USER: 'nobody' } });
    try {
      const status = readFileSync(`/proc/${s.pid}/status`, 'utf8');
      assert.match(status, /^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
      assert.match(status, /^Gid:\s+65534\s/m);
      assert.equal(statSync(s.uploads).uid, 65534);
      assert.equal((await api(s.base, 'GET', '/')).status, 200);
      assert.equal((await api(s.base, 'GET', '/healthz')).status, 200);
    } finally { await s.stop(); }
  });
