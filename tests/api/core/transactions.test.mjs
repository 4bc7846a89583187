// The data layer's retries: a transaction retried after a serialization
// failure, a statement lost with its connection, and an Idempotency-Key
// released while another request looks it up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, api, login, sql, psqlSession, until } from '../helpers.mjs';

// Sanitizer reports of this file's server go here, so that the test itself
// sees a leak (with the ASan build; the plain build writes none).
const reports = mkdtempSync(path.join(tmpdir(), 'registry-tx-'));
let srv;
let token;
before(async () => {
  srv = await startServer({
    env: {
      // One worker: the connection the tests cut is the one that serves.
      REGISTRY_THREADS: '1',
      REGISTRY_SESSION_CACHE_SECONDS: '300',
      ASAN_OPTIONS: `log_path=${reports}/report:detect_leaks=1`,
      UBSAN_OPTIONS: `log_path=${reports}/report:print_stacktrace=1`,
    },
  });
  token = await login(srv.base);
});
after(async () => { await srv.stop(); });

const count = (table, where) => Number(sql(srv.db, `SELECT count(*) FROM ${table} WHERE ${where}`)[0]);
const post = (url, body, key) => api(srv.base, 'POST', url, {
  token, body, headers: key ? { 'idempotency-key': key } : {},
});

test('a transaction retried after a serialization failure commits once and leaks nothing', async () => {
  // The first commit of this organisation fails as a serialization failure
  // would; the server runs the whole transaction again.
  sql(srv.db, `CREATE SEQUENCE fail_once;
    CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('fail_once') = 1 THEN
        RAISE EXCEPTION 'forced' USING ERRCODE = 'serialization_failure';
      END IF;
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER org_fail_once AFTER INSERT ON organizations
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.name = 'Retried Institute')
      EXECUTE FUNCTION fail_once();
    GRANT USAGE ON SEQUENCE fail_once TO ${srv.db.name}_serve`);
  // (The trigger runs as the serving role, which gets nothing by default.)
  const r = await post('/api/v1/organizations', { name: 'Retried Institute', kind: 'institute' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.name, 'Retried Institute');
  assert.deepEqual(sql(srv.db, 'SELECT last_value FROM fail_once'), ['2'], 'it ran twice');
  assert.equal(count('organizations', "name = 'Retried Institute'"), 1);
  sql(srv.db, 'DROP TRIGGER org_fail_once ON organizations');
  // The first try's reply must not outlive the request: LeakSanitizer
  // reports at exit.
  const code = await srv.stop();
  const found = readdirSync(reports).map((f) => readFileSync(path.join(reports, f), 'utf8'));
  srv = await startServer({ db: srv.db, env: { REGISTRY_THREADS: '1', REGISTRY_SESSION_CACHE_SECONDS: '300' } });
  token = await login(srv.base);
  assert.deepEqual(found, [], found.join('\n'));
  assert.equal(code, 0);
});

// What a database restart does to the server's connection.
function cut() {
  const n = sql(srv.db, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()`);
  assert.ok(Number(n[0]) >= 1, 'the connection was cut');
}

test('a connection lost while idle is made anew before a request sends anything', async () => {
  assert.equal((await api(srv.base, 'GET', '/api/v1/organizations', { token })).status, 200);
  cut();
  const read = await api(srv.base, 'GET', '/api/v1/organizations', { token });
  assert.equal(read.status, 200, 'a read after the loss');

  // A write too: nothing of it was sent on the lost connection, so it
  // runs once, on the new one (it used to meet a 503 after every restart).
  // Termination is asynchronous: wait until the old backend has gone, as
  // it has after a restart.
  cut();
  await until(srv.db, "NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()" +
    " AND application_name = 'registry')");
  await new Promise((resolve) => setTimeout(resolve, 100));
  const w = await post('/api/v1/organizations', { name: 'Cut Vendor', kind: 'vendor' }, 'cut-1');
  assert.equal(w.status, 201, JSON.stringify(w.body));
  assert.equal(count('organizations', "name = 'Cut Vendor'"), 1);
  const again = await post('/api/v1/organizations', { name: 'Cut Vendor', kind: 'vendor' }, 'cut-1');
  assert.equal(again.status, 201, 'the key replays the reply');
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(count('organizations', "name = 'Cut Vendor'"), 1);
});

test('an Idempotency-Key released between the claim and the look-up is claimed again', async () => {
  const admin = sql(srv.db, "SELECT id FROM users WHERE email = 'admin@localhost'")[0];
  // Another request holds the key, still running on its connection.
  const other = psqlSession(srv.db);
  other.run(`INSERT INTO idempotency_keys (user_id, key, request_hash, holder_pid, holder_started)
    VALUES (${admin}, 'race-1', '\\x00', pg_backend_pid(),
            (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()))`);
  await until(srv.db, "EXISTS (SELECT 1 FROM idempotency_keys WHERE key = 'race-1')");
  // Every claim waits for advisory lock 77 once its statement has found
  // the key taken (and locked its row), and before the look-up after it.
  sql(srv.db, `CREATE FUNCTION claim_gate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_advisory_lock_shared(77);
      PERFORM pg_advisory_unlock_shared(77);
      RETURN NULL;
    END $$;
    CREATE TRIGGER claim_gate AFTER INSERT ON idempotency_keys
      FOR EACH STATEMENT EXECUTE FUNCTION claim_gate()`);
  const gate = psqlSession(srv.db);
  gate.run('SELECT pg_advisory_lock(77)');
  await until(srv.db, "SELECT count(*) = 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 77 AND granted");
  const pending = post('/api/v1/organizations', { name: 'Raced Company', kind: 'company' }, 'race-1');
  await until(srv.db, "SELECT count(*) = 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 77 AND NOT granted");
  // The other request fails and releases its key: its session queues for
  // the table behind the claim, so that it deletes before the look-up.
  other.run('BEGIN');
  other.run('LOCK TABLE idempotency_keys IN ACCESS EXCLUSIVE MODE');
  await until(srv.db, `SELECT count(*) = 1 FROM pg_locks WHERE relation = 'idempotency_keys'::regclass
    AND mode = 'AccessExclusiveLock' AND NOT granted`);
  assert.equal(await gate.end(), 0);
  other.run("DELETE FROM idempotency_keys WHERE key = 'race-1'");
  other.run('COMMIT');
  assert.equal(await other.end(), 0);
  const r = await pending;
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(count('organizations', "name = 'Raced Company'"), 1);
  sql(srv.db, 'DROP TRIGGER claim_gate ON idempotency_keys');
  const replay = await post('/api/v1/organizations', { name: 'Raced Company', kind: 'company' }, 'race-1');
  assert.equal(replay.status, 201);
  assert.equal(replay.headers.get('idempotent-replayed'), 'true');
});

test('a request that fails because the database went away frees its Idempotency-Key', async () => {
  // The handler's insert waits on another transaction's row of the same
  // name; the database then drops the server's connection, as a restart
  // would, while the key is claimed.
  const holder = psqlSession(srv.db);
  holder.run(`BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
    INSERT INTO organizations (name, kind) VALUES ('Restart Vendor', 'vendor')`);
  await until(srv.db, "EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'psql' AND state = 'idle in transaction')");
  const pending = post('/api/v1/organizations', { name: 'Restart Vendor', kind: 'vendor' }, 'restart-1');
  await until(srv.db, "EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'registry' AND wait_event_type = 'Lock')");
  sql(srv.db, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'registry'`);
  const failed = await pending;
  assert.equal(failed.status, 503, JSON.stringify(failed.body));
  holder.run('ROLLBACK');
  await holder.end();
  assert.equal(count('idempotency_keys', "key = 'restart-1'"), 0, 'the key was released on the new connection');
  const again = await post('/api/v1/organizations', { name: 'Restart Vendor', kind: 'vendor' }, 'restart-1');
  assert.equal(again.status, 201, JSON.stringify(again.body));
  assert.equal(count('organizations', "name = 'Restart Vendor'"), 1);
});
