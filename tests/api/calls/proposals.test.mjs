// Sealed proposals from publication to opening: the opening key split
// 2-of-3 among the committee at publication, proposals sealed in Node with
// the libsodium build the browser uses, signed receipts that verify with
// the public key alone, replacement and withdrawal until the deadline, the
// set frozen under a signed Merkle root, no plaintext anywhere before the
// opening, and an opening by two passphrases that detects a changed blob.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sodium from 'libsodium-wrappers';
import { api, cli, sql } from '../helpers.mjs';
import { person } from '../fixtures.mjs';
import { callContext, callBody, company, letterBody } from './fixtures.mjs';

const PASS = ['first member passphrase', 'second member passphrase', 'third member passphrase'];
const MARK = 'PLAINTEXT-MARKER-7f3a9c';
const proposalDir = mkdtempSync(path.join(os.tmpdir(), 'registry-proposals-'));
const sha = (b) => createHash('sha256').update(b).digest('hex');

let srv;
let setClock;
let m;
let c;
let members;
let alpha;
let beta;
let gamma;
let outsider;
let keys;
const receipts = {};

before(async () => {
  await sodium.ready;
  ({ srv, setClock, m } = await callContext({ REGISTRY_PROPOSAL_DIR: proposalDir }));
  members = [];
  for (let i = 0; i < 3; i++) {
    members.push(await person(srv.base, m.admin, { email: `committee${i}@msit.go.kr`, kind: 'ministry', roles: ['officer'], orgName: 'MSIT' }));
  }
  outsider = await person(srv.base, m.admin, { email: 'not.committee@msit.go.kr', kind: 'ministry', roles: ['officer'], orgName: 'MSIT' });
  setClock('2026-03-02T10:00:00+09:00');
  const draft = await api(srv.base, 'POST', '/api/v1/calls', { token: m.officer, body: callBody() });
  assert.equal(draft.status, 201);
  c = draft.body;
  alpha = await company(srv.base, 'Alpha Cloud');
  beta = await company(srv.base, 'Beta Datacentre');
  gamma = await company(srv.base, 'Gamma No Letter');
  keys = (await api(srv.base, 'GET', '/api/v1/keys')).body.signing_key;
});
after(async () => { await srv.stop(); });

const url = (rest = '') => `/api/v1/calls/${c.id}${rest}`;
const submit = (token, bytes) => api(srv.base, 'POST', url('/proposals'),
  { token, raw: bytes, headers: { 'content-type': 'application/octet-stream' } });
const seal = (text) => Buffer.from(sodium.crypto_box_seal(Buffer.from(text), Buffer.from(c.opening_key.public_key, 'base64')));
const give = (token, passphrase) => api(srv.base, 'POST', url('/opening'), { token, body: { passphrase } });

// A signed note checked with only the public key: text, blank line,
// "— name base64(key id || signature)".
function verifyNote(note) {
  const at = note.indexOf('\n\n');
  const text = note.slice(0, at + 1);
  const line = note.slice(at + 2).trim();
  assert.ok(line.startsWith(`— ${keys.name} `), line);
  const blob = Buffer.from(line.split(' ')[2], 'base64');
  assert.equal(blob.subarray(0, 4).toString('hex'), keys.key_id);
  return { text, ok: sodium.crypto_sign_verify_detached(blob.subarray(4), Buffer.from(text), Buffer.from(keys.public_key, 'base64')) };
}

function fieldsOf(text) {
  return Object.fromEntries(text.trim().split('\n').slice(1).map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
}

// RFC 6962 tree head over 32-byte leaves.
function merkle(leaves) {
  const h = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
  if (leaves.length === 0) return h(Buffer.alloc(0));
  const mth = (l) => {
    if (l.length === 1) return h(Buffer.from([0]), l[0]);
    let k = 1;
    while (k * 2 < l.length) k *= 2;
    return h(Buffer.from([1]), mth(l.slice(0, k)), mth(l.slice(k)));
  };
  return mth(leaves);
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('the committee sets its passphrases before publication, and the call publishes its opening key', async () => {
  const body = { threshold: 2, members: members.map((p) => ({ user_id: p.user.id })) };
  const bad = await api(srv.base, 'PUT', url('/committee'), { token: m.officer, body: { ...body, threshold: 4 } });
  assert.equal(bad.status, 422);
  const vendorAsMember = await api(srv.base, 'PUT', url('/committee'), { token: m.officer, body: { threshold: 2, members: [{ user_id: members[0].user.id }, { user_id: alpha.user.id }] } });
  assert.equal(vendorAsMember.status, 422);
  const put = await api(srv.base, 'PUT', url('/committee'), { token: m.officer, body });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.members.length, 3);
  const early = await api(srv.base, 'POST', url('/publish'), { token: m.officer });
  assert.equal(early.status, 409);
  assert.equal(early.body.code, 'call.committee_incomplete');
  assert.deepEqual(early.body.missing.sort(), members.map((p) => p.user.id).sort());
  const notMember = await api(srv.base, 'PUT', url('/committee/passphrase'), { token: outsider.token, body: { passphrase: 'an outsider passphrase' } });
  assert.equal(notMember.status, 403);
  assert.equal(notMember.body.code, 'call.not_committee_member');
  for (let i = 0; i < 3; i++) {
    const r = await api(srv.base, 'PUT', url('/committee/passphrase'), { token: members[i].token, body: { passphrase: PASS[i] } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  // The passphrase is nowhere in the database: only a salt and a public key.
  const row = sql(srv.db, `SELECT length(pwhash_salt), length(wrap_public_key) FROM call_committee WHERE call_id = ${c.id} ORDER BY share_no`);
  assert.deepEqual(row, ['16|32', '16|32', '16|32']);
  const pub = await api(srv.base, 'POST', url('/publish'), { token: m.officer });
  assert.equal(pub.status, 200, JSON.stringify(pub.body));
  c = pub.body;
  assert.equal(c.opening_key.threshold, 2);
  assert.equal(c.opening_key.members, 3);
  assert.equal(Buffer.from(c.opening_key.public_key, 'base64').length, 32);
  assert.equal(c.receipt_key_fingerprint, keys.fingerprint);
  // Three sealed shares, and no secret key anywhere.
  assert.deepEqual(sql(srv.db, `SELECT count(*), min(length(sealed_share)) FROM call_key_shares WHERE call_id = ${c.id}`), ['3|80']);
  const late = await api(srv.base, 'PUT', url('/committee/passphrase'), { token: members[0].token, body: { passphrase: 'a changed passphrase' } });
  assert.equal(late.status, 409);
});

test('only a company whose letter stood at the LOI deadline submits, and only while proposals are open', async () => {
  setClock('2026-03-20T10:00:00+09:00');
  for (const co of [alpha, beta]) {
    assert.equal((await api(srv.base, 'POST', url('/letters'), { token: co.token, body: letterBody() })).status, 201);
  }
  const tooEarly = await submit(alpha.token, seal('too early'));
  assert.equal(tooEarly.status, 409);
  assert.equal(tooEarly.body.code, 'call.proposals_not_open');
  setClock('2026-04-02T10:00:00+09:00');
  const noLetter = await submit(gamma.token, seal('no letter'));
  assert.equal(noLetter.status, 403);
  assert.equal(noLetter.body.code, 'call.proposal_not_eligible');
  assert.equal(noLetter.body.reason, 'no_letter');
  const empty = await submit(alpha.token, Buffer.alloc(0));
  assert.equal(empty.status, 422);
  const nothing = await api(srv.base, 'POST', url('/proposals/withdraw'), { token: alpha.token });
  assert.equal(nothing.status, 409);
  assert.equal(nothing.body.code, 'call.proposal_none');
});

test('a sealed submission gets a signed receipt that verifies with the public key alone', async () => {
  const blob = seal(`${MARK} alpha v1: 가격표 {"total_krw": 812000000000}`);
  const r = await submit(alpha.token, blob);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.sha256, sha(blob));
  assert.equal(r.body.size, blob.length);
  assert.equal(r.body.receipt_sha256, sha(Buffer.from(r.body.receipt)));
  const { text, ok } = verifyNote(r.body.receipt);
  assert.ok(ok);
  assert.deepEqual(fieldsOf(text), {
    call: String(c.id), organization: String(alpha.org.id), submission: String(r.body.submission_id),
    version: '1', action: 'submitted', sha256: sha(blob), size: String(blob.length), received: '2026-04-02T01:00:00Z',
  });
  assert.equal(text.split('\n')[0], 'gpu-registry proposal receipt v1');
  receipts.alpha1 = r.body;
  // The service's own check, and the command line with only the key.
  const v = await api(srv.base, 'POST', '/api/v1/receipts/verify', { body: { receipt: r.body.receipt } });
  assert.equal(v.status, 200);
  assert.equal(v.body.valid, true);
  assert.equal(v.body.fields.sha256, sha(blob));
  const forged = r.body.receipt.replace(`size ${blob.length}`, `size ${blob.length + 1}`);
  assert.equal((await api(srv.base, 'POST', '/api/v1/receipts/verify', { body: { receipt: forged } })).body.valid, false);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'receipt-'));
  writeFileSync(path.join(dir, 'good'), r.body.receipt);
  writeFileSync(path.join(dir, 'forged'), forged);
  const good = cli(srv.db, ['verify-receipt', path.join(dir, 'good'), '--key', keys.verifier_key]);
  assert.equal(good.status, 0, good.stderr);
  assert.equal(JSON.parse(good.stdout).fields.submission, String(r.body.submission_id));
  assert.equal(cli(srv.db, ['verify-receipt', path.join(dir, 'forged'), '--key', keys.verifier_key]).status, 1);
  // The blob is kept for good, 0600, named by its submission id.
  const kept = path.join(proposalDir, `${r.body.submission_id}.sealed`);
  assert.equal(statSync(kept).mode & 0o777, 0o600);
  assert.equal(statSync(proposalDir).mode & 0o777, 0o700);
  assert.equal(sha(readFileSync(kept)), sha(blob));
});

test('a later submission replaces the earlier one, a withdrawal withdraws it; every version is kept; the public sees hashes only', async () => {
  const a2 = seal(`${MARK} alpha v2`);
  const r2 = await submit(alpha.token, a2);
  assert.equal(r2.status, 201);
  assert.equal(r2.body.version, 2);
  receipts.alpha2 = r2.body;
  const b1 = await submit(beta.token, seal(`${MARK} beta v1`));
  assert.equal(b1.status, 201);
  const bw = await api(srv.base, 'POST', url('/proposals/withdraw'), { token: beta.token });
  assert.equal(bw.status, 201);
  assert.equal(bw.body.action, 'withdrawn');
  assert.equal(bw.body.sha256, undefined);
  assert.ok(verifyNote(bw.body.receipt).ok);
  assert.equal(fieldsOf(verifyNote(bw.body.receipt).text).action, 'withdrawn');
  const b2 = await submit(beta.token, seal(`${MARK} beta v3`));
  assert.equal(b2.status, 201);
  assert.equal(b2.body.version, 3);
  receipts.beta = b2.body;
  const own = await api(srv.base, 'GET', url('/proposals'), { token: alpha.token });
  assert.deepEqual(own.body.items.map((v) => [v.version, v.current]), [[2, true], [1, false]]);
  const pub = await api(srv.base, 'GET', url('/proposals/receipts'));
  assert.equal(pub.status, 200);
  assert.equal(pub.body.count, 2);
  assert.deepEqual(pub.body.receipt_hashes, [receipts.alpha2.receipt_sha256, receipts.beta.receipt_sha256].sort());
  assert.ok(!JSON.stringify(pub.body).includes(String(alpha.org.id) + ','));
  const early = await api(srv.base, 'GET', url('/proposals/checkpoint'));
  assert.equal(early.status, 409);
  assert.equal(early.body.code, 'call.proposals_not_frozen');
});

test('before the opening no plaintext of a proposal is in the database, the uploads or the proposal store', async () => {
  const dump = spawnSync('pg_dump', [srv.db.url], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(dump.status, 0, dump.stderr);
  assert.ok(dump.stdout.includes(receipts.alpha2.sha256.slice(0, 16)) || dump.stdout.includes('proposal_submissions'));
  assert.ok(!dump.stdout.includes(MARK));
  assert.ok(!dump.stdout.includes(Buffer.from(MARK).toString('hex')));
  const files = [...filesUnder(srv.uploads), ...filesUnder(proposalDir)];
  assert.ok(files.length >= 4);
  for (const f of files) assert.ok(!readFileSync(f).includes(Buffer.from(MARK)), f);
});

test('after the deadline nothing is taken, and the set is frozen under a signed Merkle root every company can check', async () => {
  setClock('2026-05-15T18:00:01+09:00');
  const late = await submit(alpha.token, seal('late'));
  assert.equal(late.status, 409);
  assert.equal(late.body.code, 'call.proposals_not_open');
  const cp = await api(srv.base, 'GET', url('/proposals/checkpoint'));
  assert.equal(cp.status, 200, JSON.stringify(cp.body));
  assert.equal(cp.body.size, 2);
  const leaves = cp.body.receipt_hashes.map((h) => Buffer.from(h, 'hex'));
  assert.equal(cp.body.root, merkle(leaves).toString('hex'));
  assert.ok(cp.body.receipt_hashes.includes(receipts.alpha2.receipt_sha256));
  assert.ok(!cp.body.receipt_hashes.includes(receipts.alpha1.receipt_sha256));
  const { text, ok } = verifyNote(cp.body.note);
  assert.ok(ok);
  assert.deepEqual(text.split('\n').slice(0, 3), [`${keys.name}/calls/${c.id}/proposals`, '2', merkle(leaves).toString('base64')]);
  assert.deepEqual((await api(srv.base, 'GET', url('/proposals/checkpoint'))).body, cp.body);
});

test('no opening before the opening time, by a non-member, with a wrong passphrase, or with fewer than k', async () => {
  const early = await give(members[0].token, PASS[0]);
  assert.equal(early.status, 409);
  assert.equal(early.body.code, 'call.opening_too_early');
  setClock('2026-05-18T10:00:00+09:00');
  const stranger = await give(outsider.token, PASS[0]);
  assert.equal(stranger.status, 403);
  assert.equal(stranger.body.code, 'call.not_committee_member');
  const vendor = await api(srv.base, 'POST', url('/opening'), { token: alpha.token, body: { passphrase: PASS[0] } });
  assert.equal(vendor.status, 403);
  const wrong = await give(members[0].token, PASS[1]);
  assert.equal(wrong.status, 403);
  assert.equal(wrong.body.code, 'call.opening_wrong_passphrase');
  const one = await give(members[0].token, PASS[0]);
  assert.equal(one.status, 202, JSON.stringify(one.body));
  assert.deepEqual(one.body, { opened: false, given: 1, threshold: 2 });
  // The same member again is still one of two.
  assert.equal((await give(members[0].token, PASS[0])).body.given, 1);
  assert.deepEqual(sql(srv.db, `SELECT opened_at IS NULL, (SELECT count(*) FROM proposal_opening_results WHERE call_id = ${c.id}) FROM calls WHERE id = ${c.id}`), ['t|0']);
  assert.ok(!readdirSync(proposalDir).some((n) => n.endsWith('.opened')));
  const content = await api(srv.base, 'GET', url(`/proposals/${receipts.alpha2.submission_id}/content`), { token: m.officer });
  assert.equal(content.status, 404);
});

test('two of three passphrases open every proposal; a changed blob is caught; officers and the sender read it', async () => {
  // Someone with the server's disk changes Beta's blob before the opening.
  const betaFile = path.join(proposalDir, `${receipts.beta.submission_id}.sealed`);
  const bytes = readFileSync(betaFile);
  bytes[bytes.length - 1] ^= 1;
  writeFileSync(betaFile, bytes);
  const opened = await give(members[2].token, PASS[2]);
  assert.equal(opened.status, 200, JSON.stringify(opened.body));
  assert.equal(opened.body.opened, true);
  assert.equal(opened.body.opened_at, '2026-05-18T10:00:00+09:00');
  assert.deepEqual(opened.body.officers.map((o) => o.id).sort(), [members[0].user.id, members[2].user.id].sort());
  const byId = Object.fromEntries(opened.body.proposals.map((p) => [p.id, p]));
  assert.equal(byId[receipts.alpha2.submission_id].result, 'ok');
  assert.equal(byId[receipts.alpha2.submission_id].organization.id, alpha.org.id);
  assert.equal(byId[receipts.beta.submission_id].result, 'hash_mismatch');
  assert.equal(opened.body.proposals.length, 2);
  const again = await give(members[1].token, PASS[1]);
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'call.already_opened');
  const read = (token, id) => fetch(`${srv.base}${url(`/proposals/${id}/content`)}`, { headers: { authorization: `Bearer ${token}` } });
  const officerRead = await read(m.officer, receipts.alpha2.submission_id);
  assert.equal(officerRead.status, 200);
  assert.equal(await officerRead.text(), `${MARK} alpha v2`);
  assert.equal((await read(alpha.token, receipts.alpha2.submission_id)).status, 200);
  assert.equal((await read(beta.token, receipts.alpha2.submission_id)).status, 404);
  assert.equal((await read(m.officer, receipts.beta.submission_id)).status, 404);
  const status = await api(srv.base, 'GET', url(), { token: m.officer });
  assert.equal(status.body.status, 'opened');
  const view = await api(srv.base, 'GET', url('/opening'), { token: m.auditor });
  assert.equal(view.body.proposals.length, 2);
});
