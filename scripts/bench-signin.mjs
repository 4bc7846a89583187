// An authenticated GET's latency alone and during a flood of parallel
// sign-ins: wrk measures GET /api/v1/organizations/1 (p50, p99) for
// BENCH_SECONDS, first on a quiet service, then while BENCH_SIGNIN_PARALLEL
// clients sign in again and again with the right password, so that every
// one of them costs an argon2id. The p99 during the flood should stay
// within 20% of the p99 without it. A client refused with 429 waits 100 ms
// before it tries again. Run by scripts/bench-signin.sh.
import { spawn } from 'node:child_process';
import { startServer, login, ADMIN_PASSWORD } from '../tests/api/helpers.mjs';
import { flood } from './bench-lib.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PARALLEL = Number(process.env.BENCH_SIGNIN_PARALLEL ?? 16);
const CONNS = Number(process.env.BENCH_GET_CONNECTIONS ?? 4);

function ms(text) {
  const m = text.match(/^([\d.]+)(us|ms|s|m)$/);
  if (!m) return NaN;
  return Number(m[1]) * { us: 1e-3, ms: 1, s: 1e3, m: 60e3 }[m[2]];
}

// Runs wrk against url; resolves {p50, p99, rps} in milliseconds.
function wrk(url, token) {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${CONNS}`, `-d${SECONDS}s`, '--latency',
      '-H', `Authorization: Bearer ${token}`, url]);
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('exit', () => {
      const p = (q) => ms((out.match(new RegExp(`^\\s+${q}%\\s+(\\S+)`, 'm')) ?? [])[1] ?? '');
      const rps = Number((out.match(/Requests\/sec:\s+([\d.]+)/) ?? [])[1]);
      const non2xx = Number((out.match(/Non-2xx or 3xx responses: (\d+)/) ?? [0, 0])[1]);
      resolve({ p50: p(50), p99: p(99), rps, non2xx });
    });
  });
}

const line = (label, r) => console.log(`${label.padEnd(30)} p50 ${r.p50.toFixed(2).padStart(8)} ms  ` +
  `p99 ${r.p99.toFixed(2).padStart(8)} ms  ${r.rps.toFixed(0).padStart(6)} req/s` +
  (r.non2xx ? `  (${r.non2xx} not 2xx)` : ''));

const srv = await startServer({ env: { REGISTRY_ADMIN_PASSWORD: ADMIN_PASSWORD } });
try {
  const token = await login(srv.base);
  const url = `${srv.base}/api/v1/organizations/1`;
  console.log(`== GET /api/v1/organizations/1, ${CONNS} connections, ${SECONDS}s; ` +
    `then with ${PARALLEL} parallel sign-ins`);
  const quiet = await wrk(url, token);
  line('alone', quiet);
  const f = flood(srv.base, PARALLEL);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const busy = await wrk(url, token);
  await f.stop();
  line(`during ${PARALLEL} sign-ins`, busy);
  console.log(`sign-ins answered during the flood: ${JSON.stringify(f.counts)}`);
  const ratio = busy.p99 / quiet.p99;
  console.log(`p99 during the flood / alone: ${ratio.toFixed(2)} (goal: at most 1.20)`);
} finally {
  await srv.stop();
}
