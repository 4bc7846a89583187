// Streaming both ways, measured (scripts/bench-stream.sh, make bench).
// Timings and memory figures live here, never in the tests.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { emit, rssKiB, sampler, seedAssets, sendInPieces } from './bench-lib.mjs';
import { startServer, login, sql } from '../tests/api/helpers.mjs';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 200);
const UPLOAD_MIB = Number(process.env.BENCH_UPLOAD_MIB ?? 20);
const ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);

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
  const uploads = { path: '-', name: `${UPLOADS} concurrent ${UPLOAD_MIB} MiB uploads`,
    value: (UPLOADS * UPLOAD_MIB) / s, unit: 'MiB/s', p50: null, p99: null, rss_mib: peak / 1024,
    above_idle_mib: (peak - idle) / 1024, target: '< 64 MiB above idle',
    met: codes.every((c) => c >= 200 && c < 500) && (peak - idle) / 1024 < 64 };
  const byCode = codes.reduce((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {});
  console.log(`${UPLOADS} concurrent ${UPLOAD_MIB} MiB uploads: ${s.toFixed(1)} s, ` +
    `${((UPLOADS * UPLOAD_MIB) / s).toFixed(0)} MiB/s, answers ${JSON.stringify(byCode)}; ` +
    `peak resident ${((peak - idle) / 1024).toFixed(1)} MiB above idle`);

  seedAssets(srv.db, ROWS);
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
  const list = { path: '4', name: 'asset register as CSV (GET /assets)', value: (lines - 1) / s,
    unit: 'rows/s', p50: null, p99: null, limit_name: 'COPY ... TO STDOUT', limit: (lines - 1) / copyS,
    ratio: copyS / s, rss_mib: peak / 1024, above_idle_mib: (peak - idle) / 1024, seconds: s,
    copy_seconds: copyS, rows: lines - 1, target: '>= 0.60 of COPY, < 64 MiB above idle',
    met: copyS / s >= 0.6 && (peak - idle) / 1024 < 64 };

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
  emit([list, uploads]);
} finally {
  await srv.stop();
}
