// A company's own signing keys in the browser: an officer makes the draft
// call require signed proposals; the company makes an Ed25519 key pair in
// the page, saves the secret key file, registers the public key, loads the
// file to sign a sealed proposal (an unsigned one, and a file that holds
// no key, refused in the page), and sees its key named in the receipt; the
// signature checks out against the receipt's hash with the public key
// alone. Once the key is revoked, a proposal it signs is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sodium from 'libsodium-wrappers';
import { api } from '../api/helpers.mjs';
import { person, PASSWORD } from '../api/fixtures.mjs';
import { callContext, committeeCall, company, letterBody, pdf } from '../api/calls/fixtures.mjs';
import ko from '../../static/i18n/ko.js';
import { T, launch, journey, signIn, go, until, screen, text, waitHash } from './harness.mjs';

const PASS = ['first signing passphrase', 'second signing passphrase'];
let srv;
let setClock;
let browser;
let s;
let gamma;
let keyId;          // the key made in the page
let keyFile;        // where its secret half was saved

before(async () => {
  let m;
  ({ srv, setClock, m } = await callContext());
  browser = await launch();
  const members = [];
  for (let i = 0; i < 2; i++) members.push(await person(srv.base, m.admin, { email: `keys${i}@msit.go.kr`, kind: 'ministry', roles: ['officer'], orgName: 'MSIT' }));
  gamma = await company(srv.base, 'Gamma Signing');
  setClock('2026-03-02T10:00:00+09:00');
  s = await committeeCall(srv.base, m.officer, members, PASS);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'org-keys-'));
const file = (name, bytes) => { writeFileSync(path.join(dir, name), bytes); return path.join(dir, name); };

async function fillProposal(page, key) {
  await page.setInputFiles('#proposal-files', file('제안서.pdf', pdf('signed proposal')));
  await page.fill('[name="item0"]', 'H200 GPU 서버 임대');
  await page.fill('[name="qty0"]', '512');
  await page.fill('[name="price0"]', '70000000');
  if (key) await page.setInputFiles('#signing-key-file', key);
  await page.click('#seal-submit');
}

test('an officer makes the draft require signed proposals', T, () => journey(browser, async (page) => {
  await signIn(page, srv.base, 'call.officer@msit.go.kr', PASSWORD);
  await go(page, srv.base, `/calls/${s.call.id}/edit`);
  await page.check('[name="signatures_required"]');
  await screen(page, 'call-edit-signatures');
  await page.click('form.form button[type="submit"]');
  await waitHash(page, /#\/calls\/\d+$/);
  assert.equal((await s.publish()).signatures_required, true);
  setClock('2026-03-20T10:00:00+09:00');
  assert.equal((await api(srv.base, 'POST', s.url('/letters'), { token: gamma.token, body: letterBody() })).status, 201);
  setClock('2026-04-02T10:00:00+09:00');
}));

test('a company makes a key pair in the page, saves the secret key and registers the public one', T, () => journey(browser, async (page) => {
  await signIn(page, srv.base, gamma.email, 'correct horse battery');
  await page.click(`#nav-list a:text-is("${ko['nav.orgKeys']}")`);
  await waitHash(page, /#\/organization-keys$/);
  assert.equal(await text(page, '#view .empty'), ko['okey.none']);
  await page.fill('#key-form [name="label"]', '2026 입찰팀');
  await page.click('#key-generate');
  await until(page, 'the new key', () => document.getElementById('new-key-id') !== null);
  keyId = await text(page, '#new-key-id');
  assert.match(keyId, /^[0-9a-f]{64}$/);
  assert.equal(await page.isDisabled('#key-register'), true);
  await screen(page, 'org-key-new');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#key-save')]);
  keyFile = path.join(dir, download.suggestedFilename());
  await download.saveAs(keyFile);
  const saved = readFileSync(keyFile, 'utf8');
  assert.match(saved, new RegExp(`^gpu-registry organization signing key v1\nlabel 2026 입찰팀\nkey-id ${keyId}\npublic-key \\S+\nsecret-key \\S+\n$`));
  await page.click('#key-register');
  await waitHash(page, /#\/organization-keys\?added=\d+$/);
  assert.equal(await text(page, '#view .notice-ok'), ko['okey.registered'].replace('{label}', '2026 입찰팀'));
  assert.match(await text(page, '#view table'), new RegExp(keyId));
  await screen(page, 'org-keys');
  const listed = (await api(srv.base, 'GET', '/api/v1/organization-keys', { token: gamma.token })).body.items;
  assert.deepEqual(listed.map((k) => [k.key_id, k.label, k.revoked_at]), [[keyId, '2026 입찰팀', null]]);
  assert.equal(listed[0].public_key, saved.match(/^public-key (\S+)$/m)[1]);
}));

test('the call takes only signed proposals: the key file signs in the page and the receipt names the key', T, () => journey(browser, async (page) => {
  await signIn(page, srv.base, gamma.email, 'correct horse battery');
  await go(page, srv.base, `/calls/${s.call.id}`);
  assert.match(await text(page, '#view'), new RegExp(ko['call.signaturesRequired']));
  await fillProposal(page, null);
  await until(page, 'a signature asked for', (want) => document.querySelector('#seal-form .alert')?.textContent === want, ko['sign.required']);
  await fillProposal(page, file('notes.txt', 'not a key'));
  await until(page, 'the file refused', () => /notes\.txt/.test(document.querySelector('#seal-form .alert')?.textContent ?? ''));
  await fillProposal(page, keyFile);
  await until(page, 'the receipt', () => document.getElementById('receipt-text') !== null);
  assert.equal(await text(page, '#receipt-signer'), `2026 입찰팀 · ${keyId}`);
  const receipt = await text(page, '#receipt-text');
  assert.match(receipt, new RegExp(`\nsigned-by ${keyId}\nsignature \\S+\n`));
  await sodium.ready;
  const publicKey = Buffer.from(readFileSync(keyFile, 'utf8').match(/^public-key (\S+)$/m)[1], 'base64');
  const sha = receipt.match(/^sha256 ([0-9a-f]{64})$/m)[1];
  const signature = Buffer.from(receipt.match(/^signature (\S+)$/m)[1], 'base64');
  assert.ok(sodium.crypto_sign_verify_detached(signature, Buffer.from(sha, 'hex'), publicKey), 'the signature verifies with the public key alone');
  await screen(page, 'proposal-signed');
  await page.reload();
  await until(page, 'the signer in the list of versions', (want) => [...document.querySelectorAll('#view tbody tr')]
    .some((tr) => tr.innerText.includes(want)), `2026 입찰팀 · ${keyId}`);
}));

test('a revoked key signs nothing new; what it signed stays', T, () => journey(browser, async (page) => {
  await signIn(page, srv.base, gamma.email, 'correct horse battery');
  await go(page, srv.base, '/organization-keys');
  await page.click(`summary:text-is("${ko['okey.revoke']}")`);
  await page.click(`button:text-is("${ko['okey.revokeConfirm']}")`);
  await until(page, 'revoked', () => document.querySelector('#view .badge-revoked') !== null);
  await screen(page, 'org-key-revoked');
  await go(page, srv.base, `/calls/${s.call.id}`);
  await fillProposal(page, keyFile);
  await until(page, 'the revoked key refused', (want) => document.querySelector('#seal-form .alert')?.textContent.startsWith(want), ko['problem.call.proposal_signature_invalid']);
  const versions = (await api(srv.base, 'GET', s.url('/proposals'), { token: gamma.token })).body.items;
  assert.deepEqual(versions.map((v) => [v.version, v.signed_by]), [[1, keyId]]);
}, ['POST /api/v1/calls/\\d+/proposals']));
