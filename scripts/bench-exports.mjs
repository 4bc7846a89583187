// The reports at scale, measured (scripts/bench-exports.sh, make bench).
// Timings and memory figures live here, never in the tests.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { emit, rssKiB, sampler, seedAssets } from './bench-lib.mjs';
import { startServer, login, sql } from '../tests/api/helpers.mjs';

const ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
const TIMEOUT = 5;

// The SELECT of the report (server/exports/db_reports.c, ASSETS), its
// parameters written in: no filter, the book value as of 2026-12-01.
const REPORT_SELECT = `SELECT a.id, a.serial, m.manufacturer, m.model, a.status, g.name, v.name, p.reference,
    s.name, t.name, (a.accepted_at AT TIME ZONE 'Asia/Seoul')::date, a.warranty_ends_on,
    krw_of(l.unit_price, p.currency, p.exchange_rate), m.depreciation_months,
    straight_line_value(krw_of(l.unit_price, p.currency, p.exchange_rate),
      (a.accepted_at AT TIME ZONE 'Asia/Seoul')::date, m.depreciation_months, '2026-12-01'), '2026-12-01'::date
  FROM assets a JOIN gpu_models m ON m.id = a.gpu_model_id
  JOIN programs g ON g.id = a.program_id JOIN organizations v ON v.id = a.vendor_id
  JOIN purchase_orders p ON p.id = a.purchase_order_id
  JOIN purchase_order_lines l ON l.id = a.purchase_order_line_id
  LEFT JOIN sites s ON s.id = a.site_id LEFT JOIN organizations t ON t.id = a.tenant_id
  ORDER BY a.id`;

async function download(srv, token, format, idle) {
  const stop = sampler(srv.pid);
  const t = performance.now();
  const res = await fetch(`${srv.base}/api/v1/exports/assets?as_of=2026-12-01&format=${format}`,
    { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${format}: ${res.status} ${await res.text()}`);
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  const s = (performance.now() - t) / 1000;
  const peak = stop();
  console.log(`${format.toUpperCase()} of ${ROWS} rows: ${s.toFixed(1)} s, ${(ROWS / s).toFixed(0)} rows/s, ` +
    `${(bytes / 1048576).toFixed(0)} MiB; peak resident ${((peak - idle) / 1024).toFixed(1)} MiB above idle`);
  return { s, rss_mib: peak / 1024, above_idle_mib: (peak - idle) / 1024, mib: bytes / 1048576 };
}

// A download's row: rows per second beside COPY's; the target is the
// issue's for the CSV (at least 0.60 of COPY), and for both formats
// memory flat: under 64 MiB above idle.
function exportRow(name, d, copyS, ratioTarget) {
  const ratio = copyS / d.s;
  const flat = d.above_idle_mib < 64;
  return { path: '4', name, value: ROWS / d.s, unit: 'rows/s', p50: null, p99: null,
    limit_name: 'COPY ... TO STDOUT', limit: ROWS / copyS, ratio, rss_mib: d.rss_mib,
    above_idle_mib: d.above_idle_mib, seconds: d.s, copy_seconds: copyS, rows: ROWS, mib: d.mib,
    target: ratioTarget ? `>= ${ratioTarget} of COPY, < 64 MiB above idle` : '< 64 MiB above idle',
    met: flat && (!ratioTarget || ratio >= ratioTarget) };
}

const srv = await startServer({ env: { REGISTRY_THREADS: '4', REGISTRY_CONNECTION_TIMEOUT: String(TIMEOUT) } });
try {
  const token = await login(srv.base);
  seedAssets(srv.db, ROWS);
  await sleep(5000);                 // fetch's kept-alive connection closes
  const idle = rssKiB(srv.pid);
  console.log(`server idle: ${(idle / 1024).toFixed(1)} MiB resident`);

  const copy = performance.now();
  const q = spawnSync('psql', [srv.db.url, '-qAtc', `COPY (${REPORT_SELECT}) TO STDOUT (FORMAT csv)`],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  if (q.status !== 0) throw new Error('COPY failed');
  const copyS = (performance.now() - copy) / 1000;
  console.log(`COPY (SELECT ...) TO STDOUT of the same rows through psql: ${copyS.toFixed(1)} s`);

  const csv = await download(srv, token, 'csv', idle);
  console.log(`CSV against COPY: ${(copyS / csv.s).toFixed(2)} of COPY's speed (the goal: at least 0.60)`);
  const xlsx = await download(srv, token, 'xlsx', idle);
  console.log(`XLSX against COPY: ${(copyS / xlsx.s).toFixed(2)} of COPY's speed`);

  // A client that stops reading (its socket open): dropped after
  // REGISTRY_CONNECTION_TIMEOUT, its statement cancelled.
  const running = () => Number(sql(srv.db, `SELECT count(*) FROM pg_stat_activity
    WHERE application_name = 'registry-export' AND state = 'active' AND backend_type = 'client backend'`)[0]);
  const stalled = await new Promise((resolve) => {
    const req = http.get(`${srv.base}/api/v1/exports/assets`, { headers: { authorization: `Bearer ${token}` }, agent: false }, (r) => {
      let got = 0;
      r.on('data', (c) => { got += c.length; if (got > (1 << 20)) { r.pause(); resolve(req); } });
    });
  });
  const t = performance.now();
  while (running() > 0 && performance.now() - t < 60000) await sleep(20);
  console.log(`a client that stopped reading: its statement ended ${((performance.now() - t) / 1000).toFixed(2)} s ` +
    `after it stopped (REGISTRY_CONNECTION_TIMEOUT=${TIMEOUT})`);
  stalled.destroy();
  emit([exportRow('export report, CSV (exports/assets)', csv, copyS, 0.6),
    exportRow('export report, XLSX', xlsx, copyS, null)]);
} finally {
  await srv.stop();
}
