// The one table of make bench: the rows every scripts/bench-*.mjs wrote
// to BENCH_ROWS (one JSON object a line, bench-lib.mjs), printed in the
// order of the paths and kept as one JSON under bench/results/,
// with the scale and the machine's load. Run by scripts/bench.sh last.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { printTable } from './bench-lib.mjs';

const env = process.env;
const rows = readFileSync(env.BENCH_ROWS, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const order = (r) => (r.path === '-' ? 9 : Number(r.path));
rows.sort((a, b) => order(a) - order(b));      // stable: each script's own order kept
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

console.log(`\n== make bench: ${Number(env.BENCH_ASSETS).toLocaleString('en-US')} assets, ` +
  `${os.cpus().length} cores, load average at the start ${env.BENCH_LOAD_START}, at the end ${load.join(' ')}`);
printTable(rows);
const missed = rows.filter((r) => r.met === false).length;
console.log(`\ntargets met: ${rows.filter((r) => r.met).length} of ${rows.filter((r) => r.met != null).length}` +
  (missed ? ` (${missed} missed: docs/performance.md says why)` : ''));

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'bench', 'results');
mkdirSync(dir, { recursive: true });
const at = new Date().toISOString();
const file = path.join(dir, `${at.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({
  at, assets: Number(env.BENCH_ASSETS), orders: Number(env.BENCH_ORDERS), sites: Number(env.BENCH_SITES),
  organisations: Number(env.BENCH_ORGS), seed: env.BENCH_SEED, load_seconds: Number(env.BENCH_LOAD_SECONDS),
  seconds: Number(env.BENCH_SECONDS ?? 10), connections: Number(env.BENCH_CONNECTIONS ?? 64),
  cores: os.cpus().length, loadavg_start: env.BENCH_LOAD_START, loadavg_end: load.join(' '), results: rows,
}, null, 2) + '\n');
console.log(`written to ${path.relative(process.cwd(), file)}`);
