// Streaming both ways, measured (scripts/bench-stream.sh, make bench).
// Timings and memory figures live here, never in the tests.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendInPieces } from './bench-lib.mjs';
import { startServer, login, sql } from '../tests/api/helpers.mjs';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 200);
const UPLOAD_MIB = Number(process.env.BENCH_UPLOAD_MIB ?? 20);
const ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);

const rssKiB = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);

// Samples the server's resident memory until stopped; returns the peak.
function sampler(pid) {
  let peak = rssKiB(pid);
  const timer = setInterval(() => { peak = Math.max(peak, rssKiB(pid)); }, 50);
  return () => { clearInterval(timer); return Math.max(peak, rssKiB(pid)); };
}

function upload(base, token, body) {
  return new Promise((resolve) => {
    const req = http.request(`${base}/api/v1/deliveries/1/units`, {
      method: 'POST', agent: false,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': body.length },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', () => resolve(0));
    sendInPieces(req, body);
  });
}

function seed(db, rows) {
  // Straight into the tables, without the audit trigger: a benchmark's data.
  sql(db, `SET session_replication_role = replica;
    INSERT INTO programs (id, name, budget_krw, starts_on, ends_on) OVERRIDING SYSTEM VALUE
      VALUES (900001, 'bench', 1, '2025-01-01', '2027-12-31');
    INSERT INTO organizations (id, name, kind) OVERRIDING SYSTEM VALUE VALUES (900001, 'bench vendor', 'vendor');
    INSERT INTO purchase_orders (id, reference, program_id, vendor_id, created_by) OVERRIDING SYSTEM VALUE
      VALUES (900001, 'BENCH-1', 900001, 900001, 1);
    INSERT INTO purchase_order_lines (id, purchase_order_id, gpu_model_id, quantity, unit_price) OVERRIDING SYSTEM VALUE
      SELECT 900001, 900001, id, ${rows}, 1000 FROM gpu_models WHERE model = 'H100';
    INSERT INTO deliveries (id, purchase_order_id, status, created_by) OVERRIDING SYSTEM VALUE
      VALUES (900001, 900001, 'inspected', 1);
    INSERT INTO delivery_units (id, delivery_id, purchase_order_line_id, serial, result) OVERRIDING SYSTEM VALUE
      SELECT g, 900001, 900001, 'BENCH-' || lpad(g::text, 9, '0'), 'passed'
        FROM generate_series(1, ${rows}) g;
    INSERT INTO assets (id, serial, gpu_model_id, program_id, vendor_id, purchase_order_id,
                        purchase_order_line_id, delivery_id, delivery_unit_id) OVERRIDING SYSTEM VALUE
      SELECT g, 'BENCH-' || lpad(g::text, 9, '0'), (SELECT id FROM gpu_models WHERE model = 'H100'),
             900001, 900001, 900001, 900001, 900001, g FROM generate_series(1, ${rows}) g;
    ANALYZE assets;`);
}

const exportsRunning = (db) => Number(sql(db, `SELECT count(*) FROM pg_stat_activity
  WHERE application_name = 'registry-export' AND state = 'active' AND backend_type = 'client backend'`)[0]);

const srv = await startServer({ env: { REGISTRY_THREADS: '4' } });
try {
  const token = await login(srv.base);
  // fetch keeps its connection 4 s: let it close, so that the uploads
  // alone meet the server's limit of 200 connections per address.
  await sleep(5000);
  const idle = rssKiB(srv.pid);
  console.log(`server idle: ${(idle / 1024).toFixed(1)} MiB resident`);

  const body = Buffer.alloc(UPLOAD_MIB << 20, 'BENCHSERIAL-0000000,H100\n');
  let stop = sampler(srv.pid);
  let t = performance.now();
  const codes = await Promise.all(Array.from({ length: UPLOADS }, () => upload(srv.base, token, body)));
  let s = (performance.now() - t) / 1000;
  let peak = stop();
  const byCode = codes.reduce((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {});
  console.log(`${UPLOADS} concurrent ${UPLOAD_MIB} MiB uploads: ${s.toFixed(1)} s, ` +
    `${((UPLOADS * UPLOAD_MIB) / s).toFixed(0)} MiB/s, answers ${JSON.stringify(byCode)}; ` +
    `peak resident ${((peak - idle) / 1024).toFixed(1)} MiB above idle`);

  seed(srv.db, ROWS);
  const copy = performance.now();
  const q = spawnSync('psql', [srv.db.url, '-qAtc', `COPY (SELECT a.id, a.serial, g.manufacturer, g.model,
      a.status, a.status_reason, a.warranty_ends_on, a.site_id, s.name, a.tenant_id, t.name, a.program_id,
      a.vendor_id, v.name, a.purchase_order_id, p.reference, a.delivery_id, a.accepted_at
      FROM assets a JOIN gpu_models g ON g.id = a.gpu_model_id JOIN purchase_orders p ON p.id = a.purchase_order_id
      JOIN organizations v ON v.id = a.vendor_id LEFT JOIN sites s ON s.id = a.site_id
      LEFT JOIN organizations t ON t.id = a.tenant_id ORDER BY a.id) TO STDOUT (FORMAT csv)`],
  { stdio: ['ignore', 'ignore', 'inherit'] });
  const copyS = (performance.now() - copy) / 1000;
  if (q.status !== 0) throw new Error('COPY failed');

  stop = sampler(srv.pid);
  t = performance.now();
  const res = await fetch(`${srv.base}/api/v1/assets`, { headers: { authorization: `Bearer ${token}`, accept: 'text/csv' } });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body) {
    bytes += chunk.length;
    for (const b of chunk) if (b === 10) lines++;
  }
  s = (performance.now() - t) / 1000;
  peak = stop();
  console.log(`download of ${lines - 1} rows as CSV: ${s.toFixed(1)} s, ${((lines - 1) / s).toFixed(0)} rows/s, ` +
    `${(bytes / 1048576).toFixed(0)} MiB; peak resident ${((peak - idle) / 1024).toFixed(1)} MiB above idle`);
  console.log(`COPY (SELECT ...) TO STDOUT of the same rows: ${copyS.toFixed(1)} s; ratio ${(copyS / s).toFixed(2)}`);

  const abandoned = new Promise((resolve) => {
    const req = http.get(`${srv.base}/api/v1/assets`, { headers: { authorization: `Bearer ${token}`, accept: 'text/csv' }, agent: false }, (r) => {
      let got = 0;
      r.on('data', (c) => {
        got += c.length;
        if (got > (1 << 20)) { r.pause(); resolve(req); }
      });
    });
  });
  const req = await abandoned;
  await sleep(200);
  const running = exportsRunning(srv.db);
  t = performance.now();
  req.destroy();
  while (exportsRunning(srv.db) > 0 && performance.now() - t < 30000) await sleep(10);
  console.log(`abandoned download (statement running before: ${running}): its statement ended ` +
    `${((performance.now() - t) / 1000).toFixed(2)} s after the client left`);
} finally {
  await srv.stop();
}
