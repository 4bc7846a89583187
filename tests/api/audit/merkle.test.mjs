// The verifiable audit log (docs/audit.md): events are leaves of an RFC
// 6962 Merkle tree, in an order no later commit changes; checkpoints are
// signed notes; proofs from the API verify in the implementation below,
// written here from the RFCs and sharing nothing with the server's; and
// each kind of tampering with the rows is found at the right event.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, verify as edVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, api, login, sql, cli, psqlSession, until, ADMIN_EMAIL } from '../helpers.mjs';
import { person } from '../fixtures.mjs';
import * as browserMerkle from '../../../static/js/merkle.js';

// --- RFC 6962 / RFC 9162, independently -------------------------------------
const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leafHash = (data) => sha256(Buffer.from([0]), data);
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);
const largestPow2Below = (n) => { let k = 1; while (k * 2 < n) k *= 2; return k; };

// MTH(D[n]) of RFC 6962 2.1, straight from its definition.
function mth(leaves) {
  if (leaves.length === 0) return sha256(Buffer.alloc(0));
  if (leaves.length === 1) return leafHash(leaves[0]);
  const k = largestPow2Below(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

// RFC 9162 2.1.3.2.
function verifyInclusion(index, size, hash, proof, root) {
  if (index >= size) return false;
  let fn = index; let sn = size - 1; let r = hash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

// RFC 9162 2.1.4.2.
function verifyConsistency(first, second, root1, root2, proof) {
  if (first === second) return proof.length === 0 && root1.equals(root2);
  if (first === 0 || first > second || proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [root1, ...proof] : [...proof];
  let fn = first - 1; let sn = second - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = path[0]; let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr); sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(root1) && sr.equals(root2);
}

// The canonical bytes of an event (docs/audit.md): fields as a 4-byte
// big-endian length and UTF-8, NULL as ffffffff.
const FIELDS = ['version', 'id', 'at', 'actor_user_id', 'actor_org_id', 'actor_roles', 'channel',
  'request_id', 'client_addr', 'table_name', 'record_id', 'action', 'before', 'after'];
function decodeLeaf(buf) {
  const out = {}; let at = 0;
  for (const name of FIELDS) {
    const len = buf.readUInt32BE(at); at += 4;
    if (len === 0xffffffff) { out[name] = null; continue; }
    out[name] = buf.subarray(at, at + len).toString('utf8'); at += len;
  }
  assert.equal(at, buf.length, 'no bytes after the last field');
  return out;
}

// A checkpoint note: its text, and Ed25519 checked by Node against the key.
function checkNote(note, key) {
  const [text, sigs] = note.split(/\n\n(?=— )/);
  const body = text + '\n';
  const m = sigs.match(/^— (\S+) (\S+)\n$/);
  assert.ok(m, `a signature line: ${JSON.stringify(sigs)}`);
  assert.equal(m[1], key.name);
  const raw = Buffer.from(m[2], 'base64');
  assert.equal(raw.subarray(0, 4).toString('hex'), key.key_id);
  const pub = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'),
    Buffer.from(key.public_key, 'base64')]), format: 'der', type: 'spki' });
  const ok = edVerify(null, Buffer.from(body), pub, raw.subarray(4));
  const [origin, size, root, ...ext] = body.trimEnd().split('\n');
  return { ok, origin, size: Number(size), root: Buffer.from(root, 'base64'), ext };
}

// --- the server ---------------------------------------------------------------
const FAST = { REGISTRY_AUDIT_SEQUENCE_MS: '30', REGISTRY_AUDIT_CHECKPOINT_MS: '50' };
let srv;
let admin;
let auditor;
let key;

// Makes a few events and waits for a checkpoint that covers all of them.
async function eventsAndCheckpoint(n = 3) {
  for (let i = 0; i < n; i++) {
    const r = await api(srv.base, 'POST', '/api/v1/organizations', {
      token: admin, body: { name: `Merkle ${Date.now()} ${Math.random()}`, kind: 'institute' },
    });
    assert.equal(r.status, 201);
  }
  const events = Number(sql(srv.db, 'SELECT count(*) FROM audit_events')[0]);
  return waitForCheckpoint(events);
}

async function waitForCheckpoint(size) {
  for (let tries = 0; tries < 1500; tries++) {
    const r = await api(srv.base, 'GET', '/api/v1/audit/checkpoints', { token: auditor });
    assert.equal(r.status, 200);
    if (r.body.latest && r.body.latest.tree_size >= size) return r.body.latest;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no checkpoint of ${size} leaves`);
}

// Every event in leaf order, with its canonical bytes, read through the API.
async function allLeaves() {
  const items = [];
  let cursor = '';
  for (;;) {
    const r = await api(srv.base, 'GET', `/api/v1/audit/events?limit=500${cursor}`, { token: auditor });
    assert.equal(r.status, 200);
    items.push(...r.body.items);
    if (!r.body.next) break;
    cursor = `&cursor=${r.body.next}`;
  }
  return items.filter((e) => e.leaf_index !== null).sort((a, b) => a.leaf_index - b.leaf_index);
}

before(async () => {
  srv = await startServer({ env: FAST });
  admin = await login(srv.base);
  auditor = (await person(srv.base, admin, { email: 'merkle.auditor@bai.go.kr', kind: 'auditor', roles: ['auditor'], orgName: 'Board of Audit' })).token;
  key = (await api(srv.base, 'GET', '/api/v1/keys')).body.signing_key;
});
after(async () => { await srv.stop(); });

test('each event carries its leaf index and canonical bytes, which decode to the event', async () => {
  const cp = await eventsAndCheckpoint();
  const leaves = await allLeaves();
  assert.ok(leaves.length >= cp.tree_size);
  leaves.forEach((e, i) => assert.equal(e.leaf_index, i, 'leaves 0, 1, 2... without a gap'));
  for (const e of leaves) {
    const f = decodeLeaf(Buffer.from(e.leaf, 'base64'));
    assert.equal(f.version, 'registry-audit-event-v1');
    assert.equal(f.id, String(e.id));
    assert.match(f.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(Date.parse(f.at), Date.parse(e.at));
    assert.equal(f.actor_user_id, e.actor_user_id === null ? null : String(e.actor_user_id));
    assert.equal(f.actor_org_id, e.actor_org_id === null ? null : String(e.actor_org_id));
    assert.equal(f.actor_roles, e.actor_roles.join(','));
    assert.equal(f.channel, e.channel);
    assert.equal(f.request_id, e.request_id);
    assert.equal(f.client_addr, e.client_addr);
    assert.equal(f.table_name, e.table_name);
    assert.equal(f.record_id, e.record_id);
    assert.equal(f.action, e.action);
    assert.deepEqual(f.before === null ? null : JSON.parse(f.before), e.before);
    assert.deepEqual(f.after === null ? null : JSON.parse(f.after), e.after);
  }
  // The list keeps its first address and its filters.
  const old = await api(srv.base, 'GET', '/api/v1/audit-events?table=organizations&action=insert&limit=2', { token: auditor });
  assert.equal(old.status, 200);
  assert.equal(old.body.items.length, 2);
  assert.ok(old.body.items.every((e) => e.table_name === 'organizations' && e.action === 'insert'));
  const since = await api(srv.base, 'GET', `/api/v1/audit/events?actor_org_id=1&since=${encodeURIComponent(leaves[0].at)}&until=2999-01-01T00:00:00Z`, { token: auditor });
  assert.equal(since.status, 200);
  assert.ok(since.body.items.length > 0 && since.body.items.every((e) => e.actor_org_id === 1));
  const bad = await api(srv.base, 'GET', '/api/v1/audit/events?since=yesterday', { token: auditor });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'query.invalid');
});

test('checkpoints are signed notes in the tlog-checkpoint form, verified by Node against /api/v1/keys', async () => {
  await eventsAndCheckpoint();
  await eventsAndCheckpoint();
  const r = await api(srv.base, 'GET', '/api/v1/audit/checkpoints?limit=500', { token: auditor });
  assert.equal(r.status, 200);
  assert.ok(r.body.items.length >= 2);
  assert.deepEqual(r.body.items[0], r.body.latest);
  const leaves = (await allLeaves()).map((e) => Buffer.from(e.leaf, 'base64'));
  let previous = Infinity;
  for (const cp of r.body.items) {
    assert.ok(cp.tree_size < previous, 'largest first, every one kept');
    previous = cp.tree_size;
    const note = checkNote(cp.note, key);
    assert.ok(note.ok, 'the signature verifies');
    assert.equal(note.origin, 'gpu-registry/audit');
    assert.equal(note.size, cp.tree_size);
    assert.equal(note.root.toString('base64'), cp.root_hash);
    assert.match(note.ext[0], /^time \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(cp.key_id, key.key_id);
    // The root is the one the events give, computed here from their bytes.
    assert.ok(mth(leaves.slice(0, cp.tree_size)).equals(note.root), `root of ${cp.tree_size}`);
    // A changed text no longer verifies.
    assert.ok(!checkNote(cp.note.replace(/\n\d+\n/, `\n${cp.tree_size + 1}\n`), key).ok);
  }
});

test('inclusion proofs from the API verify against the signed root, for every leaf', async () => {
  const cp = await eventsAndCheckpoint();
  const root = Buffer.from(cp.root_hash, 'base64');
  const leaves = (await allLeaves()).slice(0, cp.tree_size);
  for (const e of leaves) {
    const r = await api(srv.base, 'GET', `/api/v1/audit/proof/inclusion?leaf=${e.leaf_index}&size=${cp.tree_size}`, { token: auditor });
    assert.equal(r.status, 200, JSON.stringify(r.body) + srv.log().slice(-1500));
    const hash = leafHash(Buffer.from(e.leaf, 'base64'));
    assert.equal(r.body.leaf_hash, hash.toString('base64'));
    const proof = r.body.proof.map((p) => Buffer.from(p, 'base64'));
    assert.ok(verifyInclusion(e.leaf_index, cp.tree_size, hash, proof, root), `leaf ${e.leaf_index}`);
    // Forged: a hash short, one too many, a changed sibling, another size.
    if (proof.length > 0) {
      assert.ok(!verifyInclusion(e.leaf_index, cp.tree_size, hash, proof.slice(1), root));
      const forged = proof.map((p, i) => (i === proof.length - 1 ? Buffer.from(p.map((b) => b ^ 1)) : p));
      assert.ok(!verifyInclusion(e.leaf_index, cp.tree_size, hash, forged, root));
    }
    assert.ok(!verifyInclusion(e.leaf_index, cp.tree_size, hash, [...proof, root], root));
    // The browser's own check (static/js/merkle.js) agrees, forged proofs included.
    const bytes = new Uint8Array(Buffer.from(e.leaf, 'base64'));
    assert.ok(Buffer.from(await browserMerkle.leafHash(bytes)).equals(hash));
    assert.ok(await browserMerkle.verifyInclusion(e.leaf_index, cp.tree_size, hash, proof, root), `browser: leaf ${e.leaf_index}`);
    if (proof.length > 0) {
      assert.ok(!(await browserMerkle.verifyInclusion(e.leaf_index, cp.tree_size, hash, proof.slice(1), root)));
      const forged = proof.map((p, i) => (i === 0 ? Buffer.from(p.map((b) => b ^ 1)) : p));
      assert.ok(!(await browserMerkle.verifyInclusion(e.leaf_index, cp.tree_size, hash, forged, root)));
    }
    assert.ok(!verifyInclusion(e.leaf_index, cp.tree_size + 1, hash, proof, mth(leaves.map((x) => Buffer.from(x.leaf, 'base64')).concat([Buffer.from('x')]))));
  }
});

test('consistency proofs between every two checkpoints verify', async () => {
  await eventsAndCheckpoint(1);
  await eventsAndCheckpoint(2);
  const cps = (await api(srv.base, 'GET', '/api/v1/audit/checkpoints?limit=500', { token: auditor })).body.items;
  for (const a of cps) {
    for (const b of cps) {
      if (a.tree_size > b.tree_size) continue;
      const r = await api(srv.base, 'GET', `/api/v1/audit/proof/consistency?from=${a.tree_size}&to=${b.tree_size}`, { token: auditor });
      assert.equal(r.status, 200);
      const proof = r.body.proof.map((p) => Buffer.from(p, 'base64'));
      const r1 = Buffer.from(a.root_hash, 'base64'); const r2 = Buffer.from(b.root_hash, 'base64');
      assert.ok(verifyConsistency(a.tree_size, b.tree_size, r1, r2, proof), `${a.tree_size} to ${b.tree_size}`);
      if (proof.length > 0) {
        assert.ok(!verifyConsistency(a.tree_size, b.tree_size, r1, r2, proof.slice(0, -1)));
        assert.ok(!verifyConsistency(a.tree_size, b.tree_size, r2, r1, proof));
      }
    }
  }
});

test('proofs the tree cannot give are refused with a code', async () => {
  const cp = await waitForCheckpoint(1);
  const tree = Number(sql(srv.db, 'SELECT max(idx) + 1 FROM audit_tree WHERE level = 0')[0]);
  const cases = [
    [`/api/v1/audit/proof/inclusion?leaf=${cp.tree_size}&size=${cp.tree_size}`, 422, 'audit.leaf_past_size'],
    [`/api/v1/audit/proof/inclusion?leaf=0&size=${tree + 1000}`, 422, 'audit.size_past_tree'],
    ['/api/v1/audit/proof/inclusion?leaf=0', 400, 'query.invalid'],
    ['/api/v1/audit/proof/inclusion?leaf=-1&size=1', 400, 'query.invalid'],
    ['/api/v1/audit/proof/consistency?from=0&to=1', 400, 'query.invalid'],
    ['/api/v1/audit/proof/consistency?from=2&to=1', 422, 'audit.range_invalid'],
    [`/api/v1/audit/proof/consistency?from=1&to=${tree + 1000}`, 422, 'audit.size_past_tree'],
  ];
  for (const [url, status, code] of cases) {
    const r = await api(srv.base, 'GET', url, { token: auditor });
    assert.equal(r.status, status, url);
    assert.equal(r.body.code, code, url);
  }
});

test('sign-ins and failed sign-ins are events', async () => {
  const before = Number(sql(srv.db, 'SELECT max(id) FROM audit_events')[0]);
  const wrong = await api(srv.base, 'POST', '/api/v1/auth/login', { body: { email: ADMIN_EMAIL, password: 'not the password' } });
  assert.equal(wrong.status, 401);
  const unknown = await api(srv.base, 'POST', '/api/v1/auth/login', { body: { email: 'nobody@example.com', password: 'not the password' } });
  assert.equal(unknown.status, 401);
  await login(srv.base);
  const rows = sql(srv.db, `SELECT action, table_name, record_id, coalesce(actor_user_id::text, '-'), after->>'email',
      coalesce(after->>'failed', '-'), host(client_addr)
    FROM audit_events WHERE id > ${before} AND action LIKE 'sign_in%' ORDER BY id`);
  assert.deepEqual(rows, [
    `sign_in_failed|users|1|-|${ADMIN_EMAIL}|password|127.0.0.1`,
    'sign_in_failed|users||-|nobody@example.com|password|127.0.0.1',
    `sign_in|users|1|1|${ADMIN_EMAIL}|-|127.0.0.1`,
  ]);
});

test('the serving role may add named events, never a row change', () => {
  const role = sql(srv.db, 'SELECT current_database()')[0] + '_serve';
  const as = (text) => sql(srv.db, `SET ROLE ${role}; ${text}`);
  assert.throws(() => as("BEGIN; SELECT set_config('registry.channel', 'api', true); SELECT audit_log_event('assets', '1', 'update', NULL); COMMIT"),
    /row changes are recorded by the trigger only/);
  assert.throws(() => as("SELECT audit_insert('assets', '1', 'update', NULL, NULL)"), /permission denied for function audit_insert/);
  assert.throws(() => as('SELECT audit_log_event(\'calls\', \'1\', \'export\', NULL)'), /without an audit context/);
  const id = as("BEGIN; SELECT set_config('registry.channel', 'api', true); SELECT audit_log_event('calls', '1', 'export', '{\"format\": \"csv\"}'); COMMIT");
  assert.match(id.at(-1), /^\d+$/);
});

test('sequencing: an event committed after a later one still gets its leaf, and no leaf moves', async () => {
  await eventsAndCheckpoint(1);
  const setContext = "SELECT set_config('registry.channel', 'cli', true)";
  const a = psqlSession(srv.db);
  a.run('BEGIN');
  a.run(setContext);
  a.run("INSERT INTO organizations (name, kind) VALUES ('Early, committed late', 'institute')");
  await until(srv.db, "EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND backend_xid IS NOT NULL)");
  sql(srv.db, `BEGIN; ${setContext}; INSERT INTO organizations (name, kind) VALUES ('Late, committed early', 'institute'); COMMIT`);
  const late = sql(srv.db, "SELECT id FROM audit_events WHERE after->>'name' = 'Late, committed early'")[0];
  const leavesBefore = sql(srv.db, 'SELECT idx, event_id FROM audit_tree WHERE level = 0 ORDER BY idx');
  // The sequencer (called here as well as by the server) leaves the later
  // commit waiting while the earlier transaction runs.
  const size = Number(sql(srv.db, 'SELECT audit_sequence(100000)')[0]);
  assert.equal(sql(srv.db, `SELECT count(*) FROM audit_tree WHERE event_id = ${late}`)[0], '0');
  const cpWhileOpen = await waitForCheckpoint(size);
  a.run('COMMIT');
  assert.equal(await a.end(), 0);
  const early = sql(srv.db, "SELECT id FROM audit_events WHERE after->>'name' = 'Early, committed late'")[0];
  assert.ok(Number(early) < Number(late), 'the earlier id committed later');
  sql(srv.db, 'SELECT audit_sequence(100000)');
  const [earlyLeaf, lateLeaf] = [early, late].map((id) => Number(sql(srv.db, `SELECT idx FROM audit_tree WHERE event_id = ${id}`)[0]));
  assert.ok(earlyLeaf < lateLeaf, 'both have leaves, in transaction order');
  assert.ok(earlyLeaf >= size, 'after every leaf given out before');
  // Every leaf given out before is where it was, and every event has one leaf.
  const leavesAfter = sql(srv.db, 'SELECT idx, event_id FROM audit_tree WHERE level = 0 ORDER BY idx');
  assert.deepEqual(leavesAfter.slice(0, leavesBefore.length), leavesBefore);
  assert.deepEqual(sql(srv.db, `SELECT count(*) = (SELECT count(*) FROM audit_tree WHERE level = 0),
    count(*) = count(DISTINCT id) FROM audit_events`), ['t|t']);
  const cp = await waitForCheckpoint(lateLeaf + 1);
  const r = await api(srv.base, 'GET', `/api/v1/audit/proof/consistency?from=${cpWhileOpen.tree_size}&to=${cp.tree_size}`, { token: auditor });
  assert.ok(verifyConsistency(cpWhileOpen.tree_size, cp.tree_size, Buffer.from(cpWhileOpen.root_hash, 'base64'),
    Buffer.from(cp.root_hash, 'base64'), r.body.proof.map((p) => Buffer.from(p, 'base64'))));
});

// --- tampering, as the database's owner -----------------------------------
async function verifyReport() {
  const r = await api(srv.base, 'GET', '/api/v1/audit/verify', { token: auditor });
  assert.equal(r.status, 200);
  const c = cli(srv.db, ['audit', 'verify', '--public-key', key.verifier_key]);
  const fromCli = JSON.parse(c.stdout);
  assert.equal(c.status, r.body.ok ? 0 : 1, c.stderr);
  assert.deepEqual(fromCli.first_mismatch, r.body.first_mismatch);
  return r.body;
}

// Runs tamper (SQL) with triggers off, as an owner could, checks the
// report, then puts the rows back and checks the log verifies again.
async function tampered(tamper, check) {
  const cp = await eventsAndCheckpoint(4);
  const clean = await verifyReport();
  assert.equal(clean.ok, true, JSON.stringify(clean));
  sql(srv.db, `CREATE TABLE saved_events AS SELECT * FROM audit_events;
    CREATE TABLE saved_tree AS SELECT * FROM audit_tree`);
  try {
    const leaves = sql(srv.db, `SELECT idx, event_id FROM audit_tree WHERE level = 0 AND idx < ${cp.tree_size} ORDER BY idx`)
      .map((row) => row.split('|').map(Number));
    sql(srv.db, `SET session_replication_role = replica; ${tamper(leaves, cp)}`);
    const report = await verifyReport();
    assert.equal(report.ok, false);
    assert.equal(report.latest_checkpoint.tree_size, cp.tree_size);
    assert.equal(report.latest_checkpoint.matches, false, 'the last signed checkpoint no longer matches');
    check(report.first_mismatch, leaves, cp);
  } finally {
    sql(srv.db, `SET session_replication_role = replica;
      DELETE FROM audit_tree; INSERT INTO audit_tree SELECT * FROM saved_tree;
      DELETE FROM audit_events; INSERT INTO audit_events OVERRIDING SYSTEM VALUE SELECT * FROM saved_events;
      DROP TABLE saved_events; DROP TABLE saved_tree`);
  }
  assert.equal((await verifyReport()).ok, true);
}

test('an edited event is found at its leaf', async () => {
  await tampered((leaves) => `UPDATE audit_events SET after = after || '{"name": "rewritten"}' WHERE id = ${leaves[5][1]}`,
    (m, leaves, cp) => {
      assert.equal(m.kind, 'event_changed');
      assert.equal(m.leaf_index, 5);
      assert.equal(m.event_id, leaves[5][1]);
      assert.ok(m.checkpoint_size > 5 && m.checkpoint_size <= cp.tree_size);
    });
});

test('a deleted event is found at its leaf', async () => {
  await tampered((leaves) => `DELETE FROM audit_events WHERE id = ${leaves[7][1]}`,
    (m, leaves) => {
      assert.equal(m.kind, 'event_missing');
      assert.equal(m.leaf_index, 7);
      assert.equal(m.event_id, leaves[7][1]);
    });
});

test('a deleted event and its leaf are found at the gap', async () => {
  await tampered((leaves) => `DELETE FROM audit_events WHERE id = ${leaves[3][1]}; DELETE FROM audit_tree WHERE event_id = ${leaves[3][1]}`,
    (m) => {
      assert.equal(m.kind, 'leaf_missing');
      assert.equal(m.leaf_index, 3);
    });
});

test('reordered events are found at the first that moved', async () => {
  await tampered((leaves) => `UPDATE audit_tree SET event_id = -1 WHERE level = 0 AND idx = 4;
      UPDATE audit_tree SET event_id = ${leaves[4][1]} WHERE level = 0 AND idx = 6;
      UPDATE audit_tree SET event_id = ${leaves[6][1]} WHERE level = 0 AND idx = 4`,
    (m, leaves) => {
      assert.equal(m.kind, 'event_changed');
      assert.equal(m.leaf_index, 4);
      assert.equal(m.event_id, leaves[6][1]);
    });
});

test('a truncated trail is found where it ends, against the last checkpoint', async () => {
  await tampered((leaves, cp) => `DELETE FROM audit_tree WHERE level = 0 AND idx >= ${cp.tree_size - 3};
      DELETE FROM audit_events WHERE id IN (${leaves.slice(-3).map((l) => l[1]).join(',')})`,
    (m, leaves, cp) => {
      assert.equal(m.kind, 'truncated');
      assert.equal(m.leaf_index, cp.tree_size - 3);
      assert.ok(m.checkpoint_size > m.leaf_index && m.checkpoint_size <= cp.tree_size);
    });
});

test('an event rewritten together with its leaf hash is found by the signed root', async () => {
  await tampered((leaves) => `UPDATE audit_events SET record_id = 'x' WHERE id = ${leaves[2][1]};
      UPDATE audit_tree t SET hash = sha256('\\x00'::bytea || audit_event_leaf(e)) FROM audit_events e
       WHERE t.level = 0 AND t.event_id = e.id AND e.id = ${leaves[2][1]}`,
    (m) => {
      assert.equal(m.kind, 'root_mismatch');
      assert.ok(m.leaf_index <= 2, 'the range named starts at or before the event');
    });
});

// --- offline ------------------------------------------------------------------
test('an export verifies offline with the public key alone; a changed byte or a foreign key does not', async () => {
  await eventsAndCheckpoint(2);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-audit-'));
  const file = path.join(dir, 'audit.jsonl');
  const ex = cli(srv.db, ['audit', 'export', '--out', file]);
  assert.equal(ex.status, 0, ex.stderr);
  const offline = (f, k = key.verifier_key) => cli({ url: 'dbname=none' }, ['audit', 'verify-offline', '--public-key', k, f], { DATABASE_URL: '' });
  const good = offline(file);
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.equal(JSON.parse(good.stdout).ok, true);

  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const i = lines.findIndex((l) => JSON.parse(l).leaf_index === 1);
  const leaf = JSON.parse(lines[i]);
  const bytes = Buffer.from(leaf.leaf, 'base64'); bytes[bytes.length - 2] ^= 1;
  lines[i] = JSON.stringify({ ...leaf, leaf: bytes.toString('base64') });
  writeFileSync(path.join(dir, 'changed.jsonl'), lines.join('\n') + '\n');
  const changed = offline(path.join(dir, 'changed.jsonl'));
  assert.equal(changed.status, 1);
  assert.equal(JSON.parse(changed.stdout).first_mismatch.kind, 'root_mismatch');
  const m = JSON.parse(changed.stdout).first_mismatch;
  assert.ok(m.leaf_index <= 1 && m.checkpoint_size > 1, JSON.stringify(m));

  // Another key of the same name: its checkpoints would not be ours.
  const pk = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const id = sha256(Buffer.from(`${key.name}\n`), Buffer.from([1]), pk).subarray(0, 4).toString('hex');
  const foreign = offline(file, `${key.name}+${id}+${Buffer.concat([Buffer.from([1]), pk]).toString('base64')}`);
  assert.equal(foreign.status, 1);
  assert.equal(JSON.parse(foreign.stdout).first_mismatch.kind, 'checkpoint_invalid');
});

// --- key rotation -------------------------------------------------------------
test('after a key rotation, old checkpoints verify with the old key, which stays listed', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-rotation-'));
  const first = await startServer({ env: { ...FAST, REGISTRY_SIGNING_KEY_FILE: path.join(dir, 'old.key') } });
  const db = first.db;
  let oldKey;
  try {
    const t = await login(first.base);
    oldKey = (await api(first.base, 'GET', '/api/v1/keys')).body.signing_key;
    await api(first.base, 'POST', '/api/v1/organizations', { token: t, body: { name: 'Before the rotation', kind: 'institute' } });
  } finally { await first.stop(); }
  // Stopping sequenced the last events and signed them with the old key.
  const signedOld = Number(sql(db, 'SELECT max(tree_size) FROM audit_checkpoints')[0]);
  assert.equal(signedOld, Number(sql(db, 'SELECT count(*) FROM audit_events')[0]));

  const env = { ...FAST, REGISTRY_SIGNING_KEY_FILE: path.join(dir, 'new.key') };
  const second = await startServer({ db, env: { ...env, REGISTRY_SIGNING_PREVIOUS_KEYS: oldKey.verifier_key } });
  try {
    const t = await login(second.base);
    const keys = (await api(second.base, 'GET', '/api/v1/keys')).body;
    assert.notEqual(keys.signing_key.key_id, oldKey.key_id);
    assert.deepEqual(keys.previous_keys, [oldKey]);
    await api(second.base, 'POST', '/api/v1/organizations', { token: t, body: { name: 'After the rotation', kind: 'institute' } });
    const events = Number(sql(db, 'SELECT count(*) FROM audit_events')[0]);
    let cps;
    for (let tries = 0; tries < 1500; tries++) {
      cps = (await api(second.base, 'GET', '/api/v1/audit/checkpoints?limit=500', { token: t })).body;
      if (cps.latest && cps.latest.tree_size >= events) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const byKey = (id) => cps.items.filter((c) => c.key_id === id);
    assert.ok(byKey(oldKey.key_id).length > 0 && byKey(keys.signing_key.key_id).length > 0);
    for (const c of byKey(oldKey.key_id)) assert.ok(checkNote(c.note, oldKey).ok);
    for (const c of byKey(keys.signing_key.key_id)) assert.ok(checkNote(c.note, keys.signing_key).ok);
    const report = await api(second.base, 'GET', '/api/v1/audit/verify', { token: t });
    assert.equal(report.body.ok, true, JSON.stringify(report.body));
    assert.equal(report.body.checkpoints_checked, cps.items.length);
    // Without the old key, its checkpoints do not count.
    const alone = cli(db, ['audit', 'verify', '--public-key', keys.signing_key.verifier_key]);
    assert.equal(alone.status, 1);
    assert.equal(JSON.parse(alone.stdout).first_mismatch.kind, 'checkpoint_invalid');
    const both = cli(db, ['audit', 'verify', '--public-key', keys.signing_key.verifier_key, '--public-key', oldKey.verifier_key]);
    assert.equal(both.status, 0, both.stdout);
  } finally { await second.stop(); }
});
