// Every export has a manifest signed with the service's key: what it was
// (report, parameters, rows, bytes, SHA-256, times, user). `registry
// verify-export` checks a file against it with only the public key, and
// fails on a changed byte or a changed manifest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, api, checkedFetch, login, sql } from '../helpers.mjs';
import { person } from '../fixtures.mjs';
import { seedAssets } from '../seed.mjs';

let srv;
let auditor;
let verifierKey;
const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-manifests-'));

before(async () => {
  srv = await startServer();
  auditor = await person(srv.base, await login(srv.base), { email: 'verify@bai.go.kr', kind: 'auditor', roles: ['auditor'], orgName: '감사원' });
  seedAssets(srv.db, { count: 25 });
  const keys = await api(srv.base, 'GET', '/api/v1/keys');
  verifierKey = keys.body.signing_key.verifier_key;
});
after(async () => { await srv.stop(); });

const verify = (file, manifest, args = ['--public-key', verifierKey], env = {}) =>
  spawnSync(process.env.REGISTRY_BIN, ['verify-export', file, manifest, ...args],
    { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });

// Downloads an export and its manifest into files; returns their paths,
// the bytes and the manifest's text.
async function exportWithManifest(query, name) {
  const res = await checkedFetch(srv.base, `/api/v1/exports/assets${query}`, { headers: { authorization: `Bearer ${auditor.token}` } });
  assert.equal(res.status, 200);
  const bytes = Buffer.from(await res.arrayBuffer());
  const id = res.headers.get('x-export-id');
  const m = await checkedFetch(srv.base, `/api/v1/exports/${id}/manifest`, { headers: { authorization: `Bearer ${auditor.token}` } });
  assert.equal(m.status, 200);
  assert.equal(m.headers.get('content-type'), 'text/plain; charset=utf-8');
  const text = await m.text();
  const file = path.join(dir, name);
  const manifest = `${file}.manifest`;
  writeFileSync(file, bytes);
  writeFileSync(manifest, text);
  return { file, manifest, bytes, text, id };
}

test('the manifest states the export, signed as a note', async () => {
  const { bytes, text, id } = await exportWithManifest('?as_of=2026-06-30', 'assets.csv');
  const [body, sig] = text.split('\n\n');
  const fields = Object.fromEntries(body.split('\n').slice(1).map((l) => l.split(/: (.*)/s).slice(0, 2)));
  assert.equal(body.split('\n')[0], 'gpu-registry export manifest v1');
  assert.deepEqual(Object.keys(fields), ['export', 'report', 'format', 'file', 'parameters', 'rows', 'bytes',
    'sha256', 'started', 'completed', 'user']);
  assert.equal(fields.export, id);
  assert.equal(fields.report, 'assets');
  assert.equal(fields.format, 'csv');
  assert.equal(fields.file, `assets-${id}.csv`);
  assert.equal(fields.parameters, 'as_of=2026-06-30');
  assert.equal(fields.rows, '25');
  assert.equal(fields.bytes, String(bytes.length));
  assert.equal(fields.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.match(fields.started, /\+09:00$/);
  assert.match(fields.completed, /\+09:00$/);
  assert.equal(fields.user, `${auditor.user.id} verify@bai.go.kr <verify@bai.go.kr>`);
  assert.match(sig, /^— gpu-registry [A-Za-z0-9+/]+=*\n$/);
  const again = await api(srv.base, 'GET', `/api/v1/exports/${id}/manifest`, { token: auditor.token });
  assert.equal(again.body, text, 'the same manifest every time');
  const row = sql(srv.db, `SELECT row_count, byte_count, encode(sha256, 'hex') FROM exports WHERE id = ${id}`)[0];
  assert.equal(row, `25|${bytes.length}|${fields.sha256}`);
});

test('verify-export accepts the file and refuses a changed byte or a changed manifest', async () => {
  const csv = await exportWithManifest('', 'all.csv');
  const ok = verify(csv.file, csv.manifest);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^ok: .* matches its manifest/);

  const changed = Buffer.from(csv.bytes);
  const at = changed.indexOf(Buffer.from('in_stock'));
  changed[at] = 'I'.charCodeAt(0);
  writeFileSync(csv.file + '.changed', changed);
  const bad = verify(csv.file + '.changed', csv.manifest);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /does not match its manifest/);

  writeFileSync(csv.file + '.longer', Buffer.concat([csv.bytes, Buffer.from('\r\n')]));
  assert.equal(verify(csv.file + '.longer', csv.manifest).status, 1);

  const forged = csv.text.replace(/^rows: \d+$/m, 'rows: 1');
  writeFileSync(csv.manifest + '.forged', forged);
  const f = verify(csv.file, csv.manifest + '.forged');
  assert.equal(f.status, 1);
  assert.match(f.stderr, /no valid signature/);

  // Another key of the same name is not the service's.
  const other = verifierKey.replace(/\+([A-Za-z0-9+/]{4})([A-Za-z0-9+/]+=*)$/, (_, a, b) => `+${a}${b.split('').reverse().join('')}`);
  assert.notEqual(other, verifierKey);
  assert.notEqual(verify(csv.file, csv.manifest, ['--public-key', other]).status, 0);
});

test('the key may come from a file or the environment; XLSX verifies too', async () => {
  const xlsx = await exportWithManifest('?format=xlsx&status=in_stock', 'assets.xlsx');
  assert.match(xlsx.text, /^format: xlsx$/m);
  assert.match(xlsx.text, new RegExp(`^file: assets-${xlsx.id}\\.xlsx$`, 'm'));
  const keyFile = path.join(dir, 'service.pub');
  writeFileSync(keyFile, verifierKey + '\n');
  assert.equal(verify(xlsx.file, xlsx.manifest, ['--public-key-file', keyFile]).status, 0);
  assert.equal(verify(xlsx.file, xlsx.manifest, [], { REGISTRY_VERIFIER_KEY: verifierKey }).status, 0);
  const none = verify(xlsx.file, xlsx.manifest, []);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /public key/);
  const bytes = readFileSync(xlsx.file);
  bytes[bytes.length - 30] ^= 1;
  writeFileSync(xlsx.file, bytes);
  assert.equal(verify(xlsx.file, xlsx.manifest, ['--public-key-file', keyFile]).status, 1);
});

test('an export that did not reach its end has no manifest; an unknown one is 404', async () => {
  sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
    INSERT INTO exports (report, format, parameters, user_id, channel) VALUES ('assets', 'csv', '', 1, 'api'); COMMIT;`);
  const id = sql(srv.db, 'SELECT max(id) FROM exports')[0];
  const r = await api(srv.base, 'GET', `/api/v1/exports/${id}/manifest`, { token: auditor.token });
  assert.equal(r.status, 409);
  assert.equal(r.body.code, 'export.incomplete');
  assert.equal(r.body.id, Number(id));
  const missing = await api(srv.base, 'GET', '/api/v1/exports/999999/manifest', { token: auditor.token });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'export.not_found');
});
