// The service's signing key: made 0600 on first start, kept across
// restarts, refused when others may read it, and served in a form that an
// independent Ed25519 implementation (Node's) agrees with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { api, createDatabase, startServer, ROOT } from '../helpers.mjs';

// An Ed25519 private key from its 32-byte seed, as PKCS#8 DER.
function privateFromSeed(seed) {
  const prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  return createPrivateKey({ key: Buffer.concat([prefix, seed]), format: 'der', type: 'pkcs8' });
}

test('the signing key is made 0600 once, kept across restarts, and served as its file says', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-key-'));
  const file = path.join(dir, 'var', 'signing.key');
  const db = createDatabase();
  let srv = await startServer({ db, env: { REGISTRY_SIGNING_KEY_FILE: file } });
  let first;
  try {
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const line = readFileSync(file, 'utf8').trim();
    const m = line.match(/^PRIVATE\+KEY\+gpu-registry\+([0-9a-f]{8})\+(.+)$/);
    assert.ok(m, line.slice(0, 30));
    const raw = Buffer.from(m[2], 'base64');
    assert.equal(raw.length, 33);
    assert.equal(raw[0], 1);
    const pub = createPublicKey(privateFromSeed(raw.subarray(1)))
      .export({ format: 'der', type: 'spki' }).subarray(-32);

    const res = await api(srv.base, 'GET', '/api/v1/keys');
    assert.equal(res.status, 200);
    first = res.body.signing_key;
    assert.equal(first.name, 'gpu-registry');
    assert.equal(first.algorithm, 'Ed25519');
    assert.equal(first.public_key, pub.toString('base64'));
    const id = createHash('sha256').update(Buffer.concat([Buffer.from('gpu-registry\n'), Buffer.from([1]), pub]))
      .digest().subarray(0, 4).toString('hex');
    assert.equal(first.key_id, id);
    assert.equal(m[1], id);
    assert.equal(first.verifier_key, `gpu-registry+${id}+${Buffer.concat([Buffer.from([1]), pub]).toString('base64')}`);
    assert.equal(first.fingerprint, createHash('sha256').update(pub).digest('hex'));
  } finally {
    await srv.stop();
  }
  srv = await startServer({ db, env: { REGISTRY_SIGNING_KEY_FILE: file } });
  try {
    const again = await api(srv.base, 'GET', '/api/v1/keys');
    assert.deepEqual(again.body.signing_key, first);
  } finally {
    await srv.stop();
  }
});

test('a key file others may read is refused at start; the same file at 0600 is the key served', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-key-'));
  const file = path.join(dir, 'signing.key');
  const seed = randomBytes(32);
  const pub = createPublicKey(privateFromSeed(seed)).export({ format: 'der', type: 'spki' }).subarray(-32);
  const id = createHash('sha256').update(Buffer.concat([Buffer.from('ministry-test\n'), Buffer.from([1]), pub]))
    .digest().subarray(0, 4).toString('hex');
  writeFileSync(file, `PRIVATE+KEY+ministry-test+${id}+${Buffer.concat([Buffer.from([1]), seed]).toString('base64')}\n`,
    { mode: 0o644 });
  chmodSync(file, 0o644);
  const db = createDatabase();
  const env = { ...process.env, DATABASE_URL: db.url, REGISTRY_ROOT: ROOT, PORT: '0',
    REGISTRY_SIGNING_KEY_FILE: file };
  const refused = spawnSync(process.env.REGISTRY_BIN, ['serve'], { cwd: ROOT, timeout: 20000, encoding: 'utf8', env });
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /must be a file only its owner can read \(chmod 600\)/);

  chmodSync(file, 0o600);
  const srv = await startServer({ db, env: { REGISTRY_SIGNING_KEY_FILE: file } });
  try {
    const res = await api(srv.base, 'GET', '/api/v1/keys');
    assert.equal(res.body.signing_key.name, 'ministry-test');
    assert.equal(res.body.signing_key.public_key, pub.toString('base64'));
    assert.equal(res.body.signing_key.key_id, id);
  } finally {
    await srv.stop();
  }
});

test('a key name that cannot be written in a signature line is refused when the key is made', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-key-'));
  const db = createDatabase();
  const res = spawnSync(process.env.REGISTRY_BIN, ['serve'], {
    cwd: ROOT, timeout: 20000, encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: db.url, REGISTRY_ROOT: ROOT, PORT: '0',
      REGISTRY_SIGNING_KEY_FILE: path.join(dir, 'k'), REGISTRY_SIGNING_KEY_NAME: 'has space' },
  });
  assert.notEqual(res.status, 0);
  assert.match(res.stderr, /REGISTRY_SIGNING_KEY_NAME=has space: expected 1 to 64 printable characters/);
});

test('previous keys that are not verifier keys are refused at start', async () => {
  await assert.rejects(startServer({ env: { REGISTRY_SIGNING_PREVIOUS_KEYS: 'gpu-registry+00000000+AAAA' } }),
    /REGISTRY_SIGNING_PREVIOUS_KEYS: gpu-registry\+00000000\+AAAA is not a verifier key/);
});
