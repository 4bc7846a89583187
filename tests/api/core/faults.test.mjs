// Faults with the real server and a real PostgreSQL: the database
// restarted and killed under load, the server killed in the middle of an
// import, the database made read-only. This file runs its own cluster
// (scripts/pg.sh), so that stopping and killing it disturbs no other file.
// Nothing here is judged by time: every wait polls for a state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, chmodSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, createDatabase, startServer, api, login, sql, psqlSession, until } from '../helpers.mjs';
import { procurementCast, program, purchaseOrder } from '../fixtures.mjs';

const tmp = mkdtempSync(path.join(tmpdir(), 'registry-faults-'));
chmodSync(tmp, 0o755);
const cluster = path.join(tmp, 'pg');

function pg(cmd) {
  const r = spawnSync(path.join(ROOT, 'scripts/pg.sh'), [cmd, cluster], {
    encoding: 'utf8', env: { ...process.env, REGISTRY_PG_FAST: '1', PGDATABASE: 'postgres' },
  });
  assert.equal(r.status, 0, `pg.sh ${cmd}: ${r.stderr}`);
}

// The postmaster's process and its children, from the pid file and /proc.
function postmaster() {
  const pid = Number(readFileSync(path.join(cluster, 'data/postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1] === String(pid);
    } catch { return false; }
  }).map(Number);
  return { pid, children };
}

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };

async function poll(what, cond, tries = 1500) {
  while (!(await cond())) {
    if (--tries === 0) assert.fail(`never came true: ${what}`);
    await sleep(20);
  }
}

before(() => {
  pg('start');
  // Throwaway, so fsync may stay off; but a commit must be on disk before
  // it is acknowledged, or a killed cluster forgets replies it gave.
  process.env.PGHOST = path.join(cluster, 'run');
  spawnSync('psql', ['-d', 'postgres', '-qc', 'ALTER SYSTEM SET synchronous_commit = on'], { encoding: 'utf8' });
  spawnSync('psql', ['-d', 'postgres', '-qc', 'SELECT pg_reload_conf()'], { encoding: 'utf8' });
});
after(() => {
  pg('stop');
  rmSync(tmp, { recursive: true, force: true });
});

// What one write of the load got: every reply, and whether one was a 2xx.
function programBody(name) {
  return {
    name, budget_krw: 1_000_000_000, starts_on: '2025-01-01', ends_on: '2027-12-31',
    milestones: [{ due_on: '2025-12-31', gpu_target: 10, label: 'first' }],
  };
}

// A reply the database's absence may give: a clean 503 problem with a
// stable code and Retry-After, nothing else.
function assertOutageReply(r, what) {
  assert.equal(r.status, 503, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  assert.equal(r.headers.get('content-type'), 'application/problem+json');
  assert.equal(r.body.code, 'db.unavailable', what);
  assert.ok(Number(r.headers.get('retry-after')) > 0, `${what}: Retry-After`);
}

test('the database restarted and killed under load: every 2xx kept, nothing else written, nothing doubled', async () => {
  const srv = await startServer({ env: { REGISTRY_THREADS: '4' } });
  try {
    const token = await login(srv.base);
    const writes = [];      // {name, key, retry, replies: [status]}
    const seen = { ok: 0, failed: 0 };
    let stop = false;
    const post = (w) => api(srv.base, 'POST', '/api/v1/programs', {
      token, body: programBody(w.name), headers: { 'idempotency-key': w.key },
    });
    // Four clients; every other write is retried with its key until it
    // succeeds, the others are sent once.
    let failure;
    const client = (c) => (async () => {
      for (let i = 0; !stop; i++) {
        const w = { name: `Fault ${c}-${i}`, key: `fault-${c}-${i}`, retry: i % 2 === 1, replies: [] };
        writes.push(w);
        for (;;) {
          const r = await post(w);
          w.replies.push(r.status);
          if (r.status === 201) { seen.ok++; break; }
          assertOutageReply(r, `${w.name} (try ${w.replies.length})`);
          seen.failed++;
          if (!w.retry) break;
          await sleep(Number(r.headers.get('retry-after')) * 20);
        }
      }
    })().catch((e) => { failure ??= e; stop = true; });
    const clients = [0, 1, 2, 3].map(client);
    const more = async (what, field, n) => {
      const from = seen[field];
      await poll(what, () => {
        if (failure) throw failure;
        return seen[field] >= from + n;
      });
    };

    await more('writes before the restart', 'ok', 8);
    pg('stop');
    await more('refusals while the database is stopped', 'failed', 4);
    pg('start');
    await more('writes after the restart', 'ok', 8);

    const pm = postmaster();
    process.kill(pm.pid, 'SIGKILL');
    await more('refusals while the postmaster is dead', 'failed', 4);
    await poll('the killed cluster\'s processes to end', () => pm.children.every((p) => !alive(p)));
    pg('start');
    await more('writes after the kill', 'ok', 8);
    stop = true;
    await Promise.all(clients);
    if (failure) throw failure;

    // Every write acknowledged is there once; every other is not there.
    const rows = new Map(sql(srv.db, "SELECT name, count(*) FROM programs WHERE name LIKE 'Fault %' GROUP BY name")
      .map((l) => l.split('|')).map(([n, k]) => [n, Number(k)]));
    for (const w of writes) {
      const acked = w.replies.includes(201);
      assert.equal(rows.get(w.name) ?? 0, acked ? 1 : 0, `${w.name}: replies ${w.replies}`);
      if (w.retry) assert.ok(acked, `${w.name} was retried until it succeeded: ${w.replies}`);
    }
    assert.ok(writes.some((w) => w.replies.length > 1), 'some write was retried');
    // A retry of an acknowledged write replays it and adds nothing. (Had
    // the database gone between the commit and the storing of the reply,
    // the key would say its request is still running: never run twice.)
    for (const w of writes.filter((x) => x.replies.includes(201))) {
      const r = await post(w);
      if (r.status === 409) assert.equal(r.body.code, 'idempotency.in_flight', w.name);
      else assert.equal(r.headers.get('idempotent-replayed'), 'true', `${w.name}: ${r.status}`);
    }
    assert.equal(sql(srv.db, "SELECT count(*) FROM programs WHERE name LIKE 'Fault %'")[0],
      String(writes.filter((w) => w.replies.includes(201)).length));
  } finally {
    await srv.stop();
    pg('start');   // whatever failed, the next test has its cluster
  }
});

test('the server killed in the middle of an import leaves nothing of it', async () => {
  const db = createDatabase();
  let srv = await startServer({ db });
  const uploads = srv.uploads;
  try {
    const cast = await procurementCast(srv.base);
    const prog = await program(srv.base, cast.officer.token, { budget_krw: 10_000_000_000_000 });
    const po = await purchaseOrder(srv.base, cast, {
      programId: prog.id, lines: [{ gpu_model_id: cast.model.H100.id, quantity: 20000, unit_price: 30_000_000 }],
    });
    const d = await api(srv.base, 'POST', '/api/v1/deliveries', { token: cast.officer.token, body: { purchase_order_id: po.id } });
    assert.equal(d.status, 201, JSON.stringify(d.body));
    const file = 'serial,model\r\n' +
      Array.from({ length: 20000 }, (_, i) => `KILL-${String(i).padStart(6, '0')},H100\r\n`).join('');
    const events = sql(db, 'SELECT count(*) FROM audit_events')[0];

    // The trail is locked: the import writes its 20,000 units, then waits
    // for the trail inside its transaction. There the server dies.
    const lock = psqlSession(db);
    lock.run('BEGIN');
    lock.run('LOCK TABLE audit_events IN SHARE MODE');
    await until(db, "EXISTS (SELECT 1 FROM pg_locks WHERE relation = 'audit_events'::regclass AND mode = 'ShareLock' AND granted)");
    const sent = fetch(`${srv.base}/api/v1/deliveries/${d.body.id}/units`, {
      method: 'POST', body: file,
      headers: { authorization: `Bearer ${cast.officer.token}`, 'content-type': 'text/csv' },
    }).then(() => 'answered', () => 'cut');
    await until(db, `EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
      WHERE l.relation = 'audit_events'::regclass AND NOT l.granted AND a.usename = '${db.name}_serve')`);
    assert.equal(readdirSync(uploads).length, 1, 'the upload is on disk');
    srv.child.kill('SIGKILL');
    assert.equal(await sent, 'cut');
    lock.run('COMMIT');
    assert.equal(await lock.end(), 0);
    await until(db, `NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE usename = '${db.name}_serve')`);

    assert.deepEqual(sql(db, `SELECT count(*) FROM delivery_units WHERE delivery_id = ${d.body.id}`), ['0']);
    assert.deepEqual(sql(db, 'SELECT count(*) FROM audit_events'), [events], 'no event of the import');

    // The server comes back: the dead request's file is gone, and the
    // same file goes in whole.
    srv = await startServer({ db, env: { REGISTRY_UPLOAD_DIR: uploads } });
    assert.deepEqual(readdirSync(uploads), [], 'the dead request\'s file was removed');
    const r = await api(srv.base, 'POST', `/api/v1/deliveries/${d.body.id}/units`, {
      token: cast.officer.token, raw: file, headers: { 'content-type': 'text/csv' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body).slice(0, 500));
    assert.equal(r.body.received, 20000);
  } finally {
    await srv.stop();
  }
});

test('a read-only database: writes are a 503 with their own code, reads go on', async () => {
  const srv = await startServer();
  try {
    const token = await login(srv.base);
    // The server's connections end, as an operator would end them; the
    // server notices a lost idle connection once its backend is gone.
    // The audit sequencer's own connection comes back by itself within a
    // round; the request threads' are the ones this is about.
    const serving = `pg_stat_activity WHERE usename = '${srv.db.name}_serve' AND application_name <> 'registry-audit'`;
    const cut = async () => {
      sql(srv.db, `SELECT count(pg_terminate_backend(pid)) FROM ${serving}`);
      await until(srv.db, `NOT EXISTS (SELECT 1 FROM ${serving})`);
    };
    sql(srv.db, `ALTER DATABASE ${srv.db.name} SET default_transaction_read_only = on`);
    await cut();
    const refused = async (r, what) => {
      assert.equal(r.status, 503, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(r.body.code, 'db.read_only', what);
      assert.ok(Number(r.headers.get('retry-after')) > 0, `${what}: Retry-After`);
    };
    const before = sql(srv.db, 'SELECT count(*) FROM programs')[0];
    await refused(await api(srv.base, 'POST', '/api/v1/programs', { token, body: programBody('Read only') }), 'a write');
    await refused(await api(srv.base, 'POST', '/api/v1/programs', {
      token, body: programBody('Read only, keyed'), headers: { 'idempotency-key': 'read-only-1' },
    }), 'a write with an Idempotency-Key');
    const orgs = await api(srv.base, 'GET', '/api/v1/organizations', { token });
    assert.equal(orgs.status, 200, 'a read');
    assert.equal((await api(srv.base, 'GET', '/api/v1/programs', { token })).status, 200, 'another read');
    assert.equal(sql(srv.db, 'SELECT count(*) FROM programs')[0], before);

    // Writable again: the same key goes through.
    const postgres = { url: srv.db.url.replace(/dbname=\S+/, 'dbname=postgres') };
    sql(postgres, `ALTER DATABASE ${srv.db.name} RESET default_transaction_read_only`);
    await cut();
    const r = await api(srv.base, 'POST', '/api/v1/programs', {
      token, body: programBody('Read only, keyed'), headers: { 'idempotency-key': 'read-only-1' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  } finally {
    await srv.stop();
  }
});

// The backoff's log lines of the request threads (server/db/db.c):
// [failures in a row, wait in ms] of each failed connect.
function connectFailures(log) {
  return [...log.matchAll(/database \(registry\): connect failed \((\d+) in a row\), next attempt in (\d+) ms/g)]
    .map((m) => [Number(m[1]), Number(m[2])]);
}

test('the database down: each request is a 503 with Retry-After at once, connects are spaced out, service resumes', async () => {
  // One request thread, so that the log's connect attempts are one
  // thread's sequence.
  const srv = await startServer({ env: { REGISTRY_THREADS: '1' } });
  try {
    const token = await login(srv.base);
    assert.equal((await api(srv.base, 'GET', '/api/v1/organizations/1', { token })).status, 200);
    pg('stop');
    const asked = 120;
    for (let i = 0; i < asked; i++) {
      assertOutageReply(await api(srv.base, 'GET', '/api/v1/organizations/1', { token }), `request ${i}`);
      await sleep(25);
    }
    // Requests did not each try to connect: a few attempts, each wait at
    // least as long as the one before (doubling, drawn in [d/2, d]) up to
    // the cap of 5 s.
    const tries = connectFailures(srv.log());
    assert.ok(tries.length >= 2, `connect attempts during the outage: ${tries.length}\n${srv.log()}`);
    assert.ok(tries.length <= asked / 4, `${tries.length} connect attempts for ${asked} requests`);
    tries.forEach(([n, wait], i) => {
      assert.equal(n, i + 1, 'failures counted in a row');
      assert.ok(wait > 0 && wait <= 5000, `wait ${wait} ms`);
      if (i > 0 && wait < 2500) assert.ok(wait >= tries[i - 1][1], `waits ${tries.map((t) => t[1])}`);
    });

    pg('start');
    await poll('a read answered again', async () =>
      (await api(srv.base, 'GET', '/api/v1/organizations/1', { token })).status === 200);
    assert.match(srv.log(), /database: connected again after \d+ failed attempts/);
  } finally {
    await srv.stop();
  }
});
