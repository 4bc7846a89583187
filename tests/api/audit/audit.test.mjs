// The audit trail: every change has its event, with who, how and what;
// the database refuses to rewrite it; secrets never enter it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, checkedFetch, login, sql } from '../helpers.mjs';

let srv;
let admin;
before(async () => {
  srv = await startServer();
  admin = await login(srv.base);
});
after(async () => { await srv.stop(); });

test('creating an organisation records who, how, from where, and the row', async () => {
  const r = await api(srv.base, 'POST', '/api/v1/organizations', {
    token: admin, body: { name: '감사 대상 기관', kind: 'institute' },
    headers: { 'x-request-id': 'audit-test-1' },
  });
  assert.equal(r.status, 201);
  const ev = await api(srv.base, 'GET', `/api/v1/audit-events?table=organizations&record_id=${r.body.id}`, { token: admin });
  assert.equal(ev.status, 200);
  assert.equal(ev.body.items.length, 1);
  const e = ev.body.items[0];
  assert.equal(e.action, 'insert');
  assert.equal(e.actor_user_id, 1);
  assert.equal(e.actor_org_id, 1);
  assert.deepEqual(e.actor_roles, ['admin']);
  assert.equal(e.channel, 'api');
  assert.equal(e.request_id, 'audit-test-1');
  assert.equal(e.client_addr, '127.0.0.1');
  assert.equal(e.before, null);
  assert.equal(e.after.name, '감사 대상 기관');
});

test('an update records before and after; the browser channel is named', async () => {
  const c = await api(srv.base, 'POST', '/api/v1/organizations', { token: admin, body: { name: 'Before Name', kind: 'vendor' } });
  const host = new URL(srv.base).host;
  const res = await checkedFetch(srv.base, `/api/v1/organizations/${c.body.id}`, {
    method: 'PATCH',
    body: JSON.stringify({ name: 'After Name' }),
    headers: {
      cookie: `registry_session=${admin}`, origin: `http://${host}`, 'content-type': 'application/json',
      'if-match': c.headers.get('etag'),
    },
  });
  assert.equal(res.status, 200);
  const ev = await api(srv.base, 'GET', `/api/v1/audit-events?table=organizations&record_id=${c.body.id}`, { token: admin });
  const [upd, ins] = ev.body.items;
  assert.equal(ins.action, 'insert');
  assert.equal(upd.action, 'update');
  assert.equal(upd.channel, 'browser');
  assert.equal(upd.before.name, 'Before Name');
  assert.equal(upd.after.name, 'After Name');
});

test('password hashes and token hashes never enter the trail', async () => {
  await api(srv.base, 'POST', '/api/v1/users', {
    token: admin, body: { email: 'secret@ministry.go.kr', password: 'never in the trail', name: 'S', organization_id: 1, roles: ['officer'] },
  });
  await login(srv.base, 'secret@ministry.go.kr', 'never in the trail');
  const all = sql(srv.db, 'SELECT coalesce(before::text, \'\') || coalesce(after::text, \'\') FROM audit_events').join('\n');
  assert.ok(!all.includes('argon2'), 'no password hash');
  assert.ok(!all.includes('password_hash'));
  assert.ok(!all.includes('token_hash'));
  // The sign-in itself is in the trail, as a session row owned by the user.
  const sessions = sql(srv.db, "SELECT count(*) FROM audit_events WHERE table_name = 'sessions' AND action = 'insert'");
  assert.ok(Number(sessions[0]) >= 2);
});

test('every row written has an event: counts agree', async () => {
  const counts = sql(srv.db, `
    SELECT (SELECT count(*) FROM organizations) = (SELECT count(DISTINCT record_id) FROM audit_events WHERE table_name = 'organizations' AND action = 'insert'),
           (SELECT count(*) FROM users) = (SELECT count(DISTINCT record_id) FROM audit_events WHERE table_name = 'users' AND action = 'insert')`);
  assert.deepEqual(counts, ['t|t']);
});

test('the database refuses to change or delete the trail', () => {
  assert.throws(() => sql(srv.db, 'UPDATE audit_events SET action = \'delete\''), /append-only/);
  assert.throws(() => sql(srv.db, 'DELETE FROM audit_events'), /append-only/);
  // The tree's leaves refer to the events: TRUNCATE is refused for that
  // too, and with CASCADE by the trail's own rule.
  assert.throws(() => sql(srv.db, 'TRUNCATE audit_events'), /append-only|referenced in a foreign key/);
  assert.throws(() => sql(srv.db, 'TRUNCATE audit_events CASCADE'), /append-only/);
  for (const [table, column] of [['audit_tree', 'idx'], ['audit_checkpoints', 'tree_size']]) {
    assert.throws(() => sql(srv.db, `UPDATE ${table} SET ${column} = ${column}`), /append-only/);
    assert.throws(() => sql(srv.db, `DELETE FROM ${table}`), /append-only/);
    assert.throws(() => sql(srv.db, `TRUNCATE ${table}`), /append-only/);
  }
});

test('a change without an audit context is refused by the database', () => {
  assert.throws(() => sql(srv.db, "INSERT INTO organizations (name, kind) VALUES ('sneaky', 'vendor')"),
    /without an audit context/);
  assert.deepEqual(sql(srv.db, "SELECT count(*) FROM organizations WHERE name = 'sneaky'"), ['0']);
});

// The context db_begin() sets, as one psql command runs it.
const context = "SELECT set_config('registry.channel', 'cli', true), set_config('registry.actor_user_id', '1', true)," +
  " set_config('registry.actor_org_id', '1', true), set_config('registry.actor_roles', '{admin,officer}', true)," +
  " set_config('registry.request_id', 'bulk-1', true), set_config('registry.client_addr', '192.0.2.7', true);";

test('a statement inserting many rows leaves one event per row, in the order of the rows', () => {
  const ids = sql(srv.db, `BEGIN; ${context}
    INSERT INTO users (email, name, organization_id, roles, password_hash)
    SELECT 'bulk' || i || '@ministry.go.kr', 'Bulk ' || i, 1, '{officer}', 'argon2-secret-' || i
      FROM generate_series(3, 1, -1) i RETURNING id; COMMIT;`).slice(-3);
  assert.equal(ids.length, 3);
  const events = sql(srv.db, `SELECT e.record_id, e.action, e.actor_user_id, e.actor_org_id, e.actor_roles,
      e.channel, e.request_id, e.client_addr, e.before IS NULL,
      e.after = to_jsonb(u) - 'password_hash', e.after ->> 'email'
      FROM audit_events e JOIN users u ON u.id::text = e.record_id
     WHERE e.table_name = 'users' AND u.email LIKE 'bulk%' ORDER BY e.id`);
  assert.deepEqual(events, [3, 2, 1].map((i, k) =>
    `${ids[k]}|insert|1|1|{admin,officer}|cli|bulk-1|192.0.2.7|t|t|bulk${i}@ministry.go.kr`));
  // One transaction wrote them, one event a row.
  assert.deepEqual(sql(srv.db, "SELECT count(DISTINCT tx), count(*) FROM audit_events WHERE request_id = 'bulk-1'"),
    ['1|3']);
});

test('inserts without an audit context are refused, one row or many, as before', () => {
  // The same error and SQLSTATE (42501) as the row-level trigger raised.
  const refused = (values) => sql(srv.db, `DO $$ BEGIN
      INSERT INTO organizations (name, kind) VALUES ${values};
      RAISE EXCEPTION 'not refused';
    EXCEPTION WHEN insufficient_privilege THEN
      IF SQLERRM <> 'insert of organizations without an audit context' THEN RAISE; END IF;
    END $$`);
  refused("('sneaky one', 'vendor')");
  refused("('sneaky two', 'vendor'), ('sneaky three', 'vendor')");
  assert.deepEqual(sql(srv.db, "SELECT count(*) FROM organizations WHERE name LIKE 'sneaky%'"), ['0']);
  // A statement that inserts nothing changes nothing: no context needed.
  sql(srv.db, "INSERT INTO organizations (name, kind) SELECT 'none', 'vendor' WHERE false");
  // Updates and deletes are refused too, row by row.
  assert.throws(() => sql(srv.db, "UPDATE organizations SET name = 'renamed' WHERE id = 1"),
    /update of organizations without an audit context/);
});

// Inserts are audited per statement (sql/0019), updates and deletes per
// row: every audited table has both triggers, with the same arguments.
test('every audited table audits inserts per statement and the rest per row', () => {
  const rows = sql(srv.db, `
    SELECT c.relname, f.proname, g.tgtype, substring(pg_get_triggerdef(g.oid) FROM '\\((.*)\\)$'),
           g.tgname = c.relname || CASE WHEN f.proname = 'audit_inserted' THEN '_audit_insert' ELSE '_audit' END
      FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_proc f ON f.oid = g.tgfoid
     WHERE f.proname IN ('audit_row', 'audit_inserted') ORDER BY c.relname, f.proname`);
  const byTable = {};
  for (const r of rows) {
    const [table, fn, type, args, named] = r.split('|');
    (byTable[table] ??= {})[fn] = { type: Number(type), args, named };
  }
  assert.ok(Object.keys(byTable).length >= 40, Object.keys(byTable).join(' '));
  for (const [table, t] of Object.entries(byTable)) {
    // tgtype: ROW 1, INSERT 4, DELETE 8, UPDATE 16; AFTER is no bit.
    assert.equal(t.audit_row?.type, 1 | 8 | 16, `${table}: audit_row on UPDATE OR DELETE, FOR EACH ROW`);
    assert.equal(t.audit_inserted?.type, 4, `${table}: audit_inserted on INSERT, FOR EACH STATEMENT`);
    assert.equal(t.audit_inserted.args, t.audit_row.args, `${table}: the same columns kept out`);
    assert.equal(t.audit_row.named, 't', `${table}_audit`);
  }
  assert.equal(byTable.users.audit_inserted.args, "'password_hash'");
});

test('the trail pages newest first with a cursor', async () => {
  const first = await api(srv.base, 'GET', '/api/v1/audit-events?limit=2', { token: admin });
  assert.equal(first.body.items.length, 2);
  assert.ok(first.body.items[0].id > first.body.items[1].id);
  const second = await api(srv.base, 'GET', `/api/v1/audit-events?limit=2&cursor=${first.body.next}`, { token: admin });
  assert.ok(second.body.items[0].id < first.body.items[1].id);
});
