// Deadline day for sealed proposals, measured (scripts/bench-deadline.sh,
// make bench). Timings and memory figures live here, never in the tests.
//
// The server runs on a test clock that this script moves with real time,
// from one minute before the proposal deadline; the organisations, their
// users, sessions and letters are written straight into the tables (a
// benchmark's data), and each organisation sends one sealed proposal at a
// moment spread over that minute. A submission that reaches the call's
// lock after the deadline is refused (409 call.proposals_not_open): that
// is the clear answer the issue asks for, counted apart.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { emit, rssKiB, sampler, sendInPieces } from './bench-lib.mjs';
import sodium from 'libsodium-wrappers';
import { login, sql, startServer } from '../tests/api/helpers.mjs';
import { person } from '../tests/api/fixtures.mjs';
import { callBody, committeeCall } from '../tests/api/calls/fixtures.mjs';

const ORGS = Number(process.env.BENCH_DEADLINE_ORGS ?? 500);
const MIB = Number(process.env.BENCH_DEADLINE_MIB ?? 5);
const WINDOW_S = 60;
const DEADLINE = callBody().proposal_deadline;   // Asia/Seoul, to the second
const deadlineS = Date.parse(DEADLINE) / 1000;

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function submit(base, url, token, body) {
  return new Promise((resolve) => {
    const t = performance.now();
    const req = http.request(`${base}${url}`, {
      method: 'POST', agent: false,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': body.length },
    }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => {
        let code = '';
        try { code = JSON.parse(Buffer.concat(parts).toString()).code ?? ''; } catch { /* not JSON */ }
        resolve({ status: res.statusCode, code, started: t, ms: performance.now() - t });
      });
    });
    req.on('error', (e) => resolve({ status: 0, code: e.code, started: t, ms: performance.now() - t }));
    sendInPieces(req, body);
  });
}

// Organisations with a vendor, a session and a letter filed before the
// LOI deadline, without the audit trigger; returns their bearer tokens.
function seedCompanies(db, callId, n) {
  const tokens = Array.from({ length: n }, () => randomBytes(32).toString('base64url'));
  const hashes = tokens.map((t) => `'\\x${createHash('sha256').update(t).digest('hex')}'`).join(',');
  sql(db, `SET session_replication_role = replica;
    INSERT INTO organizations (name, kind) SELECT 'deadline bidder ' || g, 'vendor' FROM generate_series(1, ${n}) g;
    INSERT INTO users (email, name, organization_id, roles, password_hash)
      SELECT 'bidder' || g || '@deadline.example', 'bidder ' || g, o.id, '{vendor}', 'x'
        FROM generate_series(1, ${n}) g JOIN organizations o ON o.name = 'deadline bidder ' || g;
    INSERT INTO sessions (token_hash, user_id, expires_at)
      SELECT h.hash::bytea, u.id, now() + interval '1 day'
        FROM unnest(ARRAY[${hashes}]) WITH ORDINALITY AS h(hash, g)
        JOIN users u ON u.email = 'bidder' || h.g || '@deadline.example';
    INSERT INTO letters (call_id, organization_id, version)
      SELECT ${callId}, o.id, 1 FROM organizations o WHERE o.name LIKE 'deadline bidder %';
    INSERT INTO letter_versions (letter_id, version, action, reference, received_at, user_id, contact, summary, members)
      SELECT l.id, 1, 'filed', l.reference || '-v1', '2026-03-20T01:00:00Z', u.id, '{}', 'deadline bench', '[]'
        FROM letters l JOIN users u ON u.organization_id = l.organization_id
       WHERE l.call_id = ${callId};`);
  return tokens;
}

await sodium.ready;
const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-deadline-'));
const clockFile = path.join(dir, 'now');
// Written aside and renamed into place: the server reads the file at
// every deadline check, and a read between writeFileSync's truncation and
// its write found it empty, fell back to real time (after the deadline)
// and refused proposals half a minute early.
const setClock = (s) => {
  writeFileSync(`${clockFile}.new`, String(Math.floor(s)));
  renameSync(`${clockFile}.new`, clockFile);
};
setClock(Date.parse('2026-03-02T10:00:00+09:00') / 1000);
mkdirSync(path.join(dir, 'proposals'), { mode: 0o700 });
const srv = await startServer({ env: { REGISTRY_TEST_CLOCK_FILE: clockFile, REGISTRY_PROPOSAL_DIR: path.join(dir, 'proposals') } });
try {
  const admin = await login(srv.base);
  const members = [];
  for (let i = 0; i < 2; i++) {
    members.push(await person(srv.base, admin, { email: `deadline${i}@msit.go.kr`, kind: 'ministry', roles: ['officer'], orgName: 'MSIT' }));
  }
  const s = await committeeCall(srv.base, members[0].token, members, ['first member passphrase', 'second member passphrase']);
  await s.publish();
  const tokens = seedCompanies(srv.db, s.call.id, ORGS);
  // One sealed blob, sent by everyone: the server hashes and stores each.
  const blob = s.seal(sodium, randomBytes(MIB << 20).toString('base64').slice(0, (MIB << 20) - 48));
  await sleep(5000);   // let the set-up's connections close
  const idle = rssKiB(srv.pid);
  const stopSampling = sampler(srv.pid);

  // The clock follows real time from one minute before the deadline.
  const start = performance.now();
  const from = deadlineS - WINDOW_S;
  setClock(from);
  const ticker = setInterval(() => setClock(from + (performance.now() - start) / 1000), 100);
  const results = await Promise.all(tokens.map(async (token, i) => {
    await sleep((i / ORGS) * WINDOW_S * 1000);
    return submit(srv.base, s.url('/proposals'), token, blob);
  }));
  clearInterval(ticker);
  const peak = stopSampling();

  const receipted = results.filter((r) => r.status === 201);
  const late = results.filter((r) => r.code === 'call.proposals_not_open');
  const other = results.filter((r) => r.status !== 201 && r.code !== 'call.proposals_not_open');
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const inDb = Number(sql(srv.db, `SELECT count(*) FROM proposal_submissions WHERE call_id = ${s.call.id}`)[0]);
  const seconds = (performance.now() - start) / 1000;
  console.log(`deadline day: ${ORGS} organisations x ${MIB} MiB sealed proposals over the last ${WINDOW_S} s (took ${seconds.toFixed(1)} s)`);
  console.log(`  receipted before the deadline: ${receipted.length} (recorded: ${inDb})`);
  console.log(`  refused, after the deadline (409 call.proposals_not_open): ${late.length}`);
  const byKind = {};
  for (const r of other) byKind[`${r.status} ${r.code}`] = (byKind[`${r.status} ${r.code}`] ?? 0) + 1;
  console.log(`  other answers: ${other.length}${other.length ? ` ${JSON.stringify(byKind)}` : ''}`);
  console.log(`  submission time: p50 ${pct(ms, 50).toFixed(0)} ms, p99 ${pct(ms, 99).toFixed(0)} ms`);
  console.log(`  server resident memory: idle ${(idle / 1024).toFixed(1)} MiB, peak ${(peak / 1024).toFixed(1)} MiB`);
  if (inDb !== receipted.length) {
    console.log('  MISMATCH: receipts given and submissions recorded differ');
    process.exitCode = 1;
  }
  // A refusal is fair when the proposal was still on its way at the
  // deadline: it began less than the target's 2 s before it. Lost: any
  // answer but a receipt or that refusal, or a receipt not recorded.
  const earliestRefused = Math.max(0, ...late.map((r) => WINDOW_S - (r.started - start) / 1000));
  console.log(`  the earliest refused began ${earliestRefused.toFixed(2)} s before the deadline`);
  const lost = other.length + Math.abs(inDb - receipted.length);
  const p99 = pct(ms, 99);
  const above = (peak - idle) / 1024;
  emit([{ path: '5', name: `deadline day, ${ORGS} x ${MIB} MiB in ${WINDOW_S} s`, value: receipted.length,
    unit: `of ${ORGS} receipted`, p50: pct(ms, 50), p99, limit_name: 'refused after deadline', limit: late.length,
    ratio: null, rss_mib: peak / 1024, above_idle_mib: above, lost, refused_late: late.length,
    earliest_refused_s_before_deadline: earliestRefused, other: byKind,
    target: 'none lost, p99 < 2 s, < 64 MiB above idle',
    met: lost === 0 && earliestRefused < 2 && p99 < 2000 && above < 64 }]);
} finally {
  await srv.stop();
}
