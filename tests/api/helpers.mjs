// Shared by the API and browser tests: each test file gets its own database
// in the throwaway cluster that `make test` started, and its own server
// process on a loopback port the kernel chose.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkProblem } from './problems.mjs';

import { checkReply } from './contract.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ADMIN_EMAIL = 'admin@localhost';
export const ADMIN_PASSWORD = 'admin-test-password-1';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through 'make test'`);
  return v;
}

// Creates an empty database and returns its conninfo string.
export function createDatabase() {
  const name = 'test_' + randomBytes(6).toString('hex');
  const host = need('PGHOST');
  const user = need('PGUSER');
  const r = spawnSync('psql', ['-h', host, '-U', user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1',
    '-qc', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`createdb failed: ${r.stderr}`);
  return { name, url: `host=${host} user=${user} dbname=${name}` };
}

// Runs SQL against a test database as the superuser; returns stdout rows
// (tuples only, unaligned, '|' separated).
export function sql(db, text) {
  const r = spawnSync('psql', [db.url, '-v', 'ON_ERROR_STOP=1', '-qAtc', text], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return psqlRows(r.stdout);
}

const psqlRows = (out) => (out.trim() === '' ? [] : out.trim().split('\n'));

// sql() without blocking the event loop: for statements that run for
// seconds. While the loop is blocked, fetch's keep-alive timers stand
// still, so it would later reuse a connection the server has meanwhile
// closed as idle, and fail with "other side closed".
export async function sqlAsync(db, text) {
  const child = spawn('psql', [db.url, '-v', 'ON_ERROR_STOP=1', '-qAtc', text]);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
  const [code] = await once(child, 'close');
  if (code !== 0) throw new Error(`psql failed: ${err}`);
  return psqlRows(out);
}

// Runs the registry binary with a subcommand against a database.
export function cli(db, args, env = {}) {
  return spawnSync(need('REGISTRY_BIN'), args, {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: db.url, REGISTRY_ROOT: ROOT, ...env },
  });
}

// Every request of the tests goes on a connection of its own. The tests
// block the event loop with synchronous psql, and fetch's keep-alive clock
// advances by ticks of that loop, not by time: after a run of such calls
// fetch takes a connection for fresh that the server has closed as idle
// (REGISTRY_CONNECTION_TIMEOUT) and fails with "other side closed", or
// sends on it just as the server closes it. Keep-alive itself is tested on
// raw sockets (core/hardening.test.mjs, core/streaming.test.mjs).
const pooledFetch = globalThis.fetch;
globalThis.fetch = (url, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('connection', 'close');
  return pooledFetch(url, { ...init, headers });
};

// Starts `registry serve` on 127.0.0.1 with a kernel-chosen port, against a
// fresh database unless one is given. Resolves once the server says where
// it listens.
export async function startServer({ db = createDatabase(), env = {} } = {}) {
  const uploads = mkdtempSync(path.join(os.tmpdir(), 'registry-uploads-'));
  const child = spawn(need('REGISTRY_BIN'), ['serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      REGISTRY_ROOT: ROOT,
      REGISTRY_ADMIN_PASSWORD: ADMIN_PASSWORD,
      REGISTRY_BIND: '127.0.0.1',
      PORT: '0',
      REGISTRY_UPLOAD_DIR: uploads,
      // Never the checkout's var/: a server that drops root must reach it.
      REGISTRY_PROPOSAL_DIR: mkdtempSync(path.join(os.tmpdir(), 'registry-proposals-')),
      REGISTRY_SIGNING_KEY_FILE: path.join(mkdtempSync(path.join(os.tmpdir(), 'registry-key-')), 'signing.key'),
      REGISTRY_TOTP_KEY_FILE: path.join(mkdtempSync(path.join(os.tmpdir(), 'registry-key-')), 'totp.key'),
      // Not under the checkout's var/, which a key file made by another
      // process may have made 0700 root: a server dropping root to
      // REGISTRY_USER could not reach it.
      REGISTRY_PROPOSAL_DIR: mkdtempSync(path.join(os.tmpdir(), 'registry-proposals-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    // Under valgrind (make check-valgrind) a start takes far longer.
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + log)),
      Number(process.env.REGISTRY_TEST_START_SECONDS ?? 30) * 1000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/(?:127\.0\.0\.1|\[::1\]):\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${log}`)); });
  });
  child.stdout.resume();
  return {
    base,
    db,
    uploads,
    pid: child.pid,
    child,
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code;
    },
  };
}

// fetch() against the server, JSON in and out. Returns {status, headers,
// body}. Every reply is checked against docs/openapi.yaml (contract.mjs):
// an undocumented status or a JSON body off its schema fails the test.
export async function api(base, method, url, { token, body, headers = {}, raw } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] ??= 'application/json'; }
  const res = await fetch(base + url, { method, headers: h, body: payload });
  const text = await res.text();
  let parsed = text;
  const ct = res.headers.get('content-type') || '';
  if (ct.includes('json') && text !== '') parsed = JSON.parse(text);
  if (ct.startsWith('application/problem+json')) checkProblem(res.status, parsed);
  checkReply(method, url, res.status, ct, parsed);
  return { status: res.status, headers: res.headers, body: parsed };
}

// fetch() for the tests that need it bare (cookies, streamed bodies),
// with the same contract check as api(); returns the Response, unread.
export async function checkedFetch(base, url, init = {}) {
  const res = await fetch(base + url, init);
  const ct = res.headers.get('content-type') || '';
  const text = await res.clone().text();
  const parsed = ct.includes('json') && text !== '' ? JSON.parse(text) : text;
  if (ct.startsWith('application/problem+json')) checkProblem(res.status, parsed);
  checkReply(init.method ?? 'GET', url, res.status, ct, parsed);
  return res;
}

// PATCH as a client that read the record first: If-Match with the ETag a
// GET of the same URL returns now (none when it finds nothing).
export async function patchRead(base, url, { token, body, headers = {} }) {
  const etag = (await api(base, 'GET', url, { token })).headers.get('etag');
  return api(base, 'PATCH', url, { token, body, headers: etag ? { 'if-match': etag, ...headers } : headers });
}

export async function login(base, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  const r = await api(base, 'POST', '/api/v1/auth/login', { body: { email, password } });
  if (r.status !== 200) throw new Error(`login ${email} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

// A psql session kept open, for a test that holds a lock or a transaction
// while the server works: run() sends SQL, end() closes it.
export function psqlSession(db) {
  const child = spawn('psql', [db.url, '-qAt', '-v', 'ON_ERROR_STOP=1'], { stdio: ['pipe', 'ignore', 'inherit'] });
  const exited = once(child, 'exit');
  return {
    run(text) { child.stdin.write(text.trim().replace(/;?$/, ';') + '\n'); },
    async end() { child.stdin.end(); return (await exited)[0]; },
  };
}

// Waits until a SQL condition holds (a lock is held or awaited); throws
// when it never does, so that a test fails instead of hanging.
export async function until(db, condition, tries = 1500) {
  while (sql(db, `SELECT (${condition})::int`)[0] !== '1') {
    if (--tries === 0) throw new Error(`never came true: ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Waits until cond() (sync or async) is true, polling; fails naming what
// never happened after ms.
export async function eventually(what, cond, ms = 8000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}
