// Organisations' own signing keys: added and revoked by the organisation's
// users (audited), a detached Ed25519 signature over a submission's
// SHA-256 checked by the server, recorded and named in the receipt, and a
// call that takes only signed proposals. Keys and signatures are made
// with Node's own crypto, as a company's client would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sodium from 'libsodium-wrappers';
import { api, sql } from '../helpers.mjs';
import { person } from '../fixtures.mjs';
import { callContext, committeeCall, company, letterBody } from './fixtures.mjs';

const PASS = ['first member passphrase', 'second member passphrase'];
const digest = (b) => createHash('sha256').update(b).digest();
const rawPublic = (key) => Buffer.from(key.export({ format: 'jwk' }).x, 'base64url');

let srv;
let setClock;
let m;
let s;
let alpha;
let beta;
const alphaKey = generateKeyPairSync('ed25519');
const strangerKey = generateKeyPairSync('ed25519');
let added;

before(async () => {
  await sodium.ready;
  ({ srv, setClock, m } = await callContext({ REGISTRY_PROPOSAL_DIR: mkdtempSync(path.join(os.tmpdir(), 'registry-signing-')) }));
  const members = [];
  for (let i = 0; i < 2; i++) {
    members.push(await person(srv.base, m.admin, { email: `signing${i}@msit.go.kr`, kind: 'ministry', roles: ['officer'], orgName: 'MSIT' }));
  }
  setClock('2026-03-02T10:00:00+09:00');
  s = await committeeCall(srv.base, m.officer, members, PASS, { over: { signatures_required: true } });
  await s.publish();
  alpha = await company(srv.base, 'Alpha Signer');
  beta = await company(srv.base, 'Beta Signer');
  setClock('2026-03-20T10:00:00+09:00');
  for (const co of [alpha, beta]) {
    assert.equal((await api(srv.base, 'POST', s.url('/letters'), { token: co.token, body: letterBody() })).status, 201);
  }
  setClock('2026-04-02T10:00:00+09:00');
});
after(async () => { await srv.stop(); });

test("an organisation's users add their Ed25519 public keys; other organisations never see or revoke them", async () => {
  assert.equal(s.call.signatures_required, true);
  const invalid = await api(srv.base, 'POST', '/api/v1/organization-keys', { token: alpha.token, body: { public_key: Buffer.alloc(31).toString('base64'), label: 'too short' } });
  assert.equal(invalid.status, 422);
  assert.equal(invalid.body.code, 'org_key.invalid');
  const r = await api(srv.base, 'POST', '/api/v1/organization-keys', { token: alpha.token, body: { public_key: rawPublic(alphaKey.publicKey).toString('base64'), label: 'bid signing key 2026' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  added = r.body;
  assert.equal(added.key_id, digest(rawPublic(alphaKey.publicKey)).toString('hex'));
  assert.equal(added.revoked_at, null);
  const twice = await api(srv.base, 'POST', '/api/v1/organization-keys', { token: beta.token, body: { public_key: added.public_key, label: 'the same key' } });
  assert.equal(twice.status, 409);
  assert.equal(twice.body.code, 'org_key.taken');
  assert.deepEqual((await api(srv.base, 'GET', '/api/v1/organization-keys', { token: beta.token })).body.items, []);
  const own = await api(srv.base, 'GET', '/api/v1/organization-keys', { token: alpha.token });
  assert.deepEqual(own.body.items.map((k) => k.id), [added.id]);
  const foreign = await api(srv.base, 'POST', `/api/v1/organization-keys/${added.id}/revoke`, { token: beta.token });
  assert.equal(foreign.status, 404);
  assert.equal(foreign.body.code, 'org_key.not_found');
});

test('a call that requires signatures refuses an unsigned proposal and one no active key verifies', async () => {
  const blob = s.seal(sodium, 'alpha signed proposal');
  const unsigned = await s.submit(alpha.token, blob);
  assert.equal(unsigned.status, 422);
  assert.equal(unsigned.body.code, 'call.proposal_signature_required');
  const byStranger = await s.submit(alpha.token, blob, { 'proposal-signature': sign(null, digest(blob), strangerKey.privateKey).toString('base64') });
  assert.equal(byStranger.status, 422);
  assert.equal(byStranger.body.code, 'call.proposal_signature_invalid');
  assert.equal(byStranger.body.active_keys, 1);
  const garbage = await s.submit(alpha.token, blob, { 'proposal-signature': 'not base64 at all' });
  assert.equal(garbage.status, 422);
  assert.equal(garbage.body.code, 'call.proposal_signature_invalid');
  // A signature over another blob does not verify for this one.
  const other = await s.submit(alpha.token, blob, { 'proposal-signature': sign(null, digest(Buffer.from('x')), alphaKey.privateKey).toString('base64') });
  assert.equal(other.status, 422);
  assert.equal(sql(srv.db, 'SELECT count(*) FROM proposal_submissions')[0], '0');
});

test('a signed proposal is verified, recorded, and its key and signature named in the signed receipt', async () => {
  const blob = s.seal(sodium, 'alpha signed proposal');
  const signature = sign(null, digest(blob), alphaKey.privateKey).toString('base64');
  const r = await s.submit(alpha.token, blob, { 'proposal-signature': signature });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.signed_by, added.key_id);
  const check = await api(srv.base, 'POST', '/api/v1/receipts/verify', { body: { receipt: r.body.receipt } });
  assert.equal(check.body.valid, true);
  assert.equal(check.body.fields['signed-by'], added.key_id);
  assert.equal(check.body.fields.signature, signature);
  // Anyone with the receipt and the company's public key can check the signature.
  const sha = Buffer.from(check.body.fields.sha256, 'hex');
  assert.ok(verify(null, sha, alphaKey.publicKey, Buffer.from(check.body.fields.signature, 'base64')));
  assert.deepEqual(sql(srv.db, `SELECT signing_key_id, encode(signature, 'hex') FROM proposal_submissions WHERE id = ${r.body.submission_id}`),
    [`${added.id}|${Buffer.from(signature, 'base64').toString('hex')}`]);
  const own = await api(srv.base, 'GET', s.url('/proposals'), { token: alpha.token });
  assert.equal(own.body.items[0].signed_by, added.key_id);
});

test('a revoked key signs nothing new; revocation is audited like every change', async () => {
  const rv = await api(srv.base, 'POST', `/api/v1/organization-keys/${added.id}/revoke`, { token: alpha.token });
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  assert.equal(rv.body.revoked_at, '2026-04-02T10:00:00+09:00');
  assert.equal(rv.body.revoked_by, alpha.user.id);
  const again = await api(srv.base, 'POST', `/api/v1/organization-keys/${added.id}/revoke`, { token: alpha.token });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'org_key.revoked');
  const blob = s.seal(sodium, 'alpha second version');
  const late = await s.submit(alpha.token, blob, { 'proposal-signature': sign(null, digest(blob), alphaKey.privateKey).toString('base64') });
  assert.equal(late.status, 422);
  assert.equal(late.body.active_keys, 0);
  assert.deepEqual(sql(srv.db, `SELECT action, actor_user_id FROM audit_events WHERE table_name = 'organization_keys' ORDER BY id`),
    [`insert|${alpha.user.id}`, `update|${alpha.user.id}`]);
  // The proposal signed before the revocation keeps its signature.
  assert.equal(sql(srv.db, 'SELECT count(*) FROM proposal_submissions WHERE signature IS NOT NULL')[0], '1');
});
