// bench-lib.mjs -- what the benchmarks share: a flood of sign-ins, a
// request body sent in pieces, the server's resident memory, and the table.
import { appendFileSync, readFileSync } from 'node:fs';
import { api, sql, ADMIN_EMAIL, ADMIN_PASSWORD } from '../tests/api/helpers.mjs';

// parallel loops signing in with the right password until stopped, so that
// every one costs an argon2id; counts the answers by status. A client
// refused with 429 waits 100 ms before it tries again.
export function flood(base, parallel, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  const counts = {};
  let running = true;
  const loop = async () => {
    while (running) {
      const r = await api(base, 'POST', '/api/v1/auth/login', { body: { email, password } })
        .catch(() => ({ status: 'error' }));
      counts[r.status] = (counts[r.status] ?? 0) + 1;
      if (r.status === 429) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const loops = Array.from({ length: parallel }, loop);
  return { counts, async stop() { running = false; await Promise.all(loops); } };
}

// Writes body into req in 1 MiB pieces, as a real client sends a file,
// waiting for the socket to drain; then ends the request.
export function sendInPieces(req, body) {
  let off = 0;
  const more = () => {
    while (off < body.length) {
      const piece = body.subarray(off, off + (1 << 20));
      off += piece.length;
      if (!req.write(piece)) { req.once('drain', more); return; }
    }
    req.end();
  };
  more();
}

export const rssKiB = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);

// Samples the server's resident memory until stopped; returns the peak.
export function sampler(pid) {
  let peak = rssKiB(pid);
  const timer = setInterval(() => { peak = Math.max(peak, rssKiB(pid)); }, 50);
  return () => { clearInterval(timer); return Math.max(peak, rssKiB(pid)); };
}

// Straight into the tables, without the audit trigger: a benchmark's data,
// with Korean names as the real register has.
export function seedAssets(db, rows) {
  sql(db, `SET session_replication_role = replica;
    INSERT INTO programs (id, name, budget_krw, starts_on, ends_on) OVERRIDING SYSTEM VALUE
      VALUES (900001, '국가 AI 컴퓨팅 자원 확충 사업', 1, '2025-01-01', '2027-12-31');
    INSERT INTO organizations (id, name, kind) OVERRIDING SYSTEM VALUE VALUES (900001, '벤치 공급사', 'vendor');
    INSERT INTO purchase_orders (id, reference, program_id, vendor_id, created_by) OVERRIDING SYSTEM VALUE
      VALUES (900001, 'BENCH-1', 900001, 900001, 1);
    INSERT INTO purchase_order_lines (id, purchase_order_id, gpu_model_id, quantity, unit_price) OVERRIDING SYSTEM VALUE
      SELECT 900001, 900001, id, ${rows}, 45000000 FROM gpu_models WHERE model = 'H100';
    INSERT INTO deliveries (id, purchase_order_id, status, created_by) OVERRIDING SYSTEM VALUE
      VALUES (900001, 900001, 'inspected', 1);
    INSERT INTO delivery_units (id, delivery_id, purchase_order_line_id, serial, result) OVERRIDING SYSTEM VALUE
      SELECT g, 900001, 900001, 'BENCH-' || lpad(g::text, 9, '0'), 'passed' FROM generate_series(1, ${rows}) g;
    INSERT INTO assets (id, serial, gpu_model_id, program_id, vendor_id, purchase_order_id,
                        purchase_order_line_id, delivery_id, delivery_unit_id, warranty_ends_on, accepted_at)
      OVERRIDING SYSTEM VALUE
      SELECT g, 'BENCH-' || lpad(g::text, 9, '0'), (SELECT id FROM gpu_models WHERE model = 'H100'),
             900001, 900001, 900001, 900001, 900001, g, '2029-03-31', '2026-03-02 10:00+09'
        FROM generate_series(1, ${rows}) g;
    ANALYZE;`);
}

// --- The one table of make bench -------------------------------------
// A row: { path: '1'..'6' or '-', name, value (throughput or measure, a
// number), unit, p50, p99 (ms, or null), limit_name, limit, limit_p99
// (pgbench's own p99 at 64 clients, where the limit is pgbench), ratio (ours
// over the limit, higher is better; null where the target is not a
// ratio), rss_mib (the server's peak resident memory), above_idle_mib
// (where the target is on memory), target (the issue's, in words), met }.
// Each script hands its rows to emit(): under make bench they go to the
// file BENCH_ROWS, which scripts/bench-report.mjs prints as one table and
// keeps as one JSON; a script run alone prints its own rows as a table.

export function emit(rows) {
  if (process.env.BENCH_ROWS) {
    appendFileSync(process.env.BENCH_ROWS, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  } else {
    printTable(rows);
  }
}

const num = (v, digits) => (v == null || Number.isNaN(v) ? '-' :
  v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const COLUMNS = [
  ['#', 1, (r) => r.path],
  ['path', 38, (r) => r.name],
  ['throughput', 20, (r) => `${num(r.value, r.value < 100 && !Number.isInteger(r.value) ? 2 : 0)} ${r.unit}`],
  ['p50 ms', 7, (r) => num(r.p50, r.p50 < 100 ? 2 : 0)],
  ['p99 ms', 7, (r) => num(r.p99, r.p99 < 100 ? 2 : 0)],
  ['limit', 24, (r) => r.limit_name ?? '-'],
  ['', 9, (r) => num(r.limit, r.limit < 100 ? 2 : 0)],
  ['its p99', 7, (r) => num(r.limit_p99, r.limit_p99 < 100 ? 2 : 0)],
  ['ratio', 5, (r) => num(r.ratio, 2)],
  ['peak RSS MiB', 14, (r) => (r.above_idle_mib == null ? num(r.rss_mib, 1) :
    `${num(r.rss_mib, 1)} (+${num(r.above_idle_mib, 1)})`)],
  ['target', 36, (r) => r.target ?? '-'],
  ['met', 3, (r) => (r.met == null ? '-' : r.met ? 'yes' : 'NO')],
];

// Left-aligned text, right-aligned numbers.
export function printTable(rows) {
  const cell = ([, width], text, k) => (k === 1 || k === 5 || k === 10 ? text.padEnd(width) : text.padStart(width));
  console.log('\n' + COLUMNS.map((c, k) => cell(c, c[0], k)).join('  ').trimEnd());
  for (const r of rows) console.log(COLUMNS.map((c, k) => cell(c, String(c[2](r)), k)).join('  ').trimEnd());
}
