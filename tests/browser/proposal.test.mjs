// A company seals and submits its proposal in the browser: the PDFs and the
// price schedule are read and sealed in the page with libsodium's build
// (static/vendor/), only the sealed bytes reach the server, the signed
// receipt is shown and saved, then replaced and withdrawn; anyone checks
// the saved receipt on a public page, and sees the count and the hashes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sodium from 'libsodium-wrappers';
import { api } from '../api/helpers.mjs';
import { person } from '../api/fixtures.mjs';
import { callContext, callBody, company, letterBody, pdf } from '../api/calls/fixtures.mjs';
import ko from '../../static/i18n/ko.js';
import en from '../../static/i18n/en.js';
import { readContainer } from '../../static/js/seal.js';
import { T, launch, open, clean, signIn, go, settled, until, screen, text } from './harness.mjs';

const MARK = 'BROWSER-PLAINTEXT-5d1e';
const proposalDir = mkdtempSync(path.join(os.tmpdir(), 'registry-proposals-'));
const PASS = ['first member passphrase', 'second member passphrase'];
let srv;
let setClock;
let browser;
let c;
let alpha;
let members;

before(async () => {
  let m;
  ({ srv, setClock, m } = await callContext({ REGISTRY_PROPOSAL_DIR: proposalDir }));
  browser = await launch();
  members = [];
  for (let i = 0; i < 2; i++) members.push(await person(srv.base, m.admin, { email: `member${i}@msit.go.kr`, kind: 'ministry', roles: ['officer'], orgName: 'MSIT' }));
  setClock('2026-03-02T10:00:00+09:00');
  const draft = await api(srv.base, 'POST', '/api/v1/calls', { token: m.officer, body: callBody() });
  const url = `/api/v1/calls/${draft.body.id}`;
  assert.equal((await api(srv.base, 'PUT', `${url}/committee`, { token: m.officer, body: { threshold: 2, members: members.map((p) => ({ user_id: p.user.id })) } })).status, 200);
  for (const [i, p] of members.entries()) assert.equal((await api(srv.base, 'PUT', `${url}/committee/passphrase`, { token: p.token, body: { passphrase: PASS[i] } })).status, 200);
  c = (await api(srv.base, 'POST', `${url}/publish`, { token: m.officer })).body;
  alpha = await company(srv.base, 'Alpha Cloud');
  setClock('2026-03-20T10:00:00+09:00');
  assert.equal((await api(srv.base, 'POST', `${url}/letters`, { token: alpha.token, body: letterBody() })).status, 201);
  setClock('2026-04-02T10:00:00+09:00');
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// The call's page drawn afresh (going to the address it shows changes nothing).
async function reload(page) {
  await page.reload();
  await page.locator('#nav').waitFor({ state: 'visible' });
  await settled(page);
}

const sealedFiles = () => readdirSync(proposalDir).filter((n) => n.endsWith('.sealed')).map((n) => readFileSync(path.join(proposalDir, n)));

test('a company seals its PDFs and price schedule in the browser, keeps the signed receipt, replaces and withdraws', T, async () => {
  const { context, page, problems } = await open(browser);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'proposal-'));
  writeFileSync(path.join(dir, '기술제안서.pdf'), pdf(`${MARK} technical`));
  writeFileSync(path.join(dir, 'price.pdf'), pdf(`${MARK} price`));
  try {
    await signIn(page, srv.base, alpha.email, 'correct horse battery');
    await go(page, srv.base, `/calls/${c.id}`);
    assert.equal(await text(page, '#proposal-count'), ko['prop.count'].replace('{n:num}', '0'));
    assert.equal(await text(page, '#key-fingerprint'), c.receipt_key_fingerprint);
    await page.setInputFiles('#proposal-files', [path.join(dir, '기술제안서.pdf'), path.join(dir, 'price.pdf')]);
    await page.fill('[name="item0"]', 'H200 GPU 서버 임대');
    await page.fill('[name="qty0"]', '1024');
    await page.fill('[name="price0"]', '71000000');
    await page.fill('[name="item1"]', '운영·유지보수 (5년)');
    await page.fill('[name="qty1"]', '1');
    await page.click('#seal-submit');
    await until(page, 'the bad line refused', () => document.querySelector('#seal-form .alert')?.textContent.includes('항목 2'));
    await page.fill('[name="price1"]', '12000000000');
    await page.click('#seal-submit');
    await until(page, 'the receipt', () => document.getElementById('receipt-text') !== null);
    assert.match(await text(page, '#receipt-notice'), /제안서 1차가 접수되었습니다/);
    const receipt = await text(page, '#receipt-text');
    assert.match(receipt, /^gpu-registry proposal receipt v1\ncall \d+\norganization \d+\nsubmission \d+\nversion 1\naction submitted\nsha256 [0-9a-f]{64}/);
    assert.equal(await page.getAttribute('#receipt a[download]', 'download'), `receipt-call-${c.id}-v1.txt`);
    await screen(page, 'proposal-sealed');

    // What the server holds is sealed: no plaintext, and only the opening key opens it.
    const blobs = sealedFiles();
    assert.equal(blobs.length, 1);
    assert.ok(!blobs[0].includes(Buffer.from(MARK)) && !blobs[0].includes(Buffer.from('71000000')));
    const sha = receipt.match(/sha256 ([0-9a-f]{64})/)[1];
    assert.equal(createHash('sha256').update(blobs[0]).digest('hex'), sha);
    await sodium.ready;
    assert.throws(() => sodium.crypto_box_seal_open(blobs[0], sodium.crypto_box_keypair().publicKey, sodium.crypto_box_keypair().privateKey));

    // Save the receipt as a file, as a company would, and check it on the public page.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#receipt a[download]')]);
    const saved = path.join(dir, 'receipt.txt');
    await download.saveAs(saved);
    assert.equal(readFileSync(saved, 'utf8'), receipt.endsWith('\n') ? receipt : readFileSync(saved, 'utf8'));
    await page.click('a[href="#/receipts/verify"]');
    await until(page, 'the check page', () => document.getElementById('verify-form') !== null);
    await page.setInputFiles('#receipt-file', saved);
    await until(page, 'the file read', () => document.getElementById('receipt-input').value.startsWith('gpu-registry'));
    await page.click('#verify-submit');
    await until(page, 'the verdict', () => document.getElementById('verify-result') !== null);
    assert.match(await text(page, '#verify-result'), /유효한 서명입니다/);
    assert.match(await text(page, '#verify-result'), new RegExp(sha));
    await screen(page, 'receipt-verify');
    await page.fill('#receipt-input', readFileSync(saved, 'utf8').replace('version 1', 'version 9'));
    await page.click('#verify-submit');
    await until(page, 'the forged verdict', () => /서명이 맞지 않습니다/.test(document.getElementById('verify-result')?.textContent ?? ''));

    // Replace, then withdraw; the public list follows.
    await go(page, srv.base, `/calls/${c.id}`);
    assert.equal(await text(page, '#proposal-count'), ko['prop.count'].replace('{n:num}', '1'));
    assert.equal((await page.locator('#receipt-hashes li').allTextContents())[0], createHash('sha256').update(readFileSync(saved)).digest('hex'));
    await page.setInputFiles('#proposal-files', path.join(dir, 'price.pdf'));
    await page.fill('[name="item0"]', 'H200 GPU 서버 임대');
    await page.fill('[name="qty0"]', '1024');
    await page.fill('[name="price0"]', '69000000');
    await page.click('#seal-submit');
    await until(page, 'the second receipt', () => /version 2/.test(document.getElementById('receipt-text')?.textContent ?? ''));
    await reload(page);
    await page.click('summary:text-is("제안서 철회")');
    await page.click('#proposal-withdraw');
    await until(page, 'the withdrawal receipt', () => /action withdrawn/.test(document.getElementById('receipt-text')?.textContent ?? ''));
    await reload(page);
    assert.equal(await text(page, '#proposal-count'), ko['prop.count'].replace('{n:num}', '0'));
    assert.equal(await page.locator('table tbody tr').filter({ hasText: ko['prop.action.withdrawn'] }).count(), 1);
    await page.selectOption('#lang', 'en');
    await until(page, 'English', (want) => document.getElementById('proposal-count')?.textContent === want, en['prop.count'].replace('{n:num}', '0'));
    await clean(page, problems);
  } finally {
    await context.close();
  }
});

test('the container the page seals reads back: proposal.json, the price schedule and each PDF', async () => {
  const { container } = await import('../../static/js/seal.js');
  const files = [{ name: '기술제안서.pdf', bytes: new Uint8Array(pdf('x', 1000)) }];
  const bytes = await container(files, { currency: 'KRW', lines: [], total_krw: 5 });
  const back = readContainer(bytes);
  assert.equal(back.schedule.total_krw, 5);
  assert.equal(back.files[0].name, '기술제안서.pdf');
  assert.deepEqual(Buffer.from(back.files[0].bytes), pdf('x', 1000));
  assert.equal(readContainer(new Uint8Array(100)), null);
});
