// A call as ministry staff run it in the browser: an officer drafts and
// edits it, names a 2-of-2 committee; publication is refused with the
// names of the members who have no passphrase yet; each member sets one in
// their own session; the call is published and its guidelines uploaded;
// the letters and attendees are listed; after the opening time each member
// gives the passphrase (1 of 2, then opened) and an officer reads the
// price schedule of a proposal the company sealed in the browser's
// container; an applicant is suspended and reinstated.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sodium from 'libsodium-wrappers';
import { api } from '../api/helpers.mjs';
import { person, PASSWORD } from '../api/fixtures.mjs';
import { callContext, company, letterBody, pdf } from '../api/calls/fixtures.mjs';
import ko from '../../static/i18n/ko.js';
import { container } from '../../static/js/seal.js';
import { T, launch, open, clean, signIn, signOut, go, until, screen, text, title, waitHash } from './harness.mjs';

const PASS = ['first opening passphrase', 'second opening passphrase'];
let srv;
let setClock;
let browser;
let members;
let alpha;

before(async () => {
  let m;
  ({ srv, setClock, m } = await callContext());
  browser = await launch();
  members = [];
  for (let i = 0; i < 2; i++) members.push(await person(srv.base, m.admin, { email: `opener${i}@msit.go.kr`, kind: 'ministry', roles: ['officer'], orgName: 'MSIT' }));
  alpha = await company(srv.base, 'Alpha Cloud');
  setClock('2026-03-02T10:00:00+09:00');
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const TIMES = {
  briefing_at: '2026-03-10 14:00', loi_deadline: '2026-03-31 18:00', guidelines_release_at: '2026-04-01 10:00',
  proposal_deadline: '2026-05-15 18:00', opening_at: '2026-05-18 10:00', evaluation_ends_at: '2026-06-30 18:00',
};

async function draftCall(page) {
  await go(page, srv.base, '/calls');
  await page.click(`a:text-is("${ko['callf.new']}")`);
  await waitHash(page, /#\/calls\/new$/);
  await page.fill('[name="title_ko"]', '국가AI컴퓨팅센터 민관합작 공모');
  await page.fill('[name="title_en"]', 'Call for the public-private national AI computing centre');
  await page.fill('[name="description_ko"]', 'GPU 3만 장 규모의 국가AI컴퓨팅센터를 함께 구축·운영할 사업자를 찾습니다.');
  await page.fill('[name="description_en"]', 'Partners to build and run a national AI computing centre.');
  await page.fill('[name="briefing_place"]', '정부서울청사 별관 대강당');
  await page.fill('[name="briefing_capacity"]', '300');
  for (const [k, v] of Object.entries(TIMES)) await page.fill(`[name="${k}"]`, v);
  await screen(page, 'call-new');
  await page.click('form.form button[type="submit"]');
  await waitHash(page, /#\/calls\/\d+$/);
  return Number(page.url().match(/calls\/(\d+)/)[1]);
}

async function setPassphrase(page, who, passphrase, id) {
  await signIn(page, srv.base, who, PASSWORD);
  await go(page, srv.base, `/calls/${id}`);
  await page.fill('#passphrase-form [name="passphrase"]', passphrase);
  await page.fill('#passphrase-form [name="again"]', `${passphrase}x`);
  await page.click('#passphrase-form button[type="submit"]');
  await until(page, 'the mismatch told', () => /두 암호문이 다릅니다/.test(document.getElementById('passphrase-form').innerText));
  await page.fill('#passphrase-form [name="again"]', passphrase);
  await page.click('#passphrase-form button[type="submit"]');
  await until(page, 'the passphrase recorded', () => document.getElementById('passphrase-form')?.querySelector('h4')?.textContent.includes('바꾸기'));
  await signOut(page);
}

async function giveOpening(page, who, passphrase, id) {
  await signIn(page, srv.base, who, PASSWORD);
  await go(page, srv.base, `/calls/${id}`);
  await page.fill('#view [autocomplete="current-password"]', passphrase);
  await page.click(`button:text-is("${ko['open.give']}")`);
}

test('an officer drafts a call, the committee sets its passphrases, the call is published and opened by two members', T, async () => {
  const { context, page, problems } = await open(browser, { allow: ['POST /api/v1/calls/\\d+/publish', 'POST /api/v1/calls/\\d+/opening'] });
  try {
    await signIn(page, srv.base, 'call.officer@msit.go.kr', PASSWORD);
    const id = await draftCall(page);
    assert.equal(await title(page), '국가AI컴퓨팅센터 민관합작 공모');
    await page.click(`a:text-is("${ko['callf.edit']}")`);
    await waitHash(page, /#\/calls\/\d+\/edit$/);
    // Seoul time as the page writes it, whatever the browser's locale and zone.
    assert.equal(await page.inputValue('[name="opening_at"]'), TIMES.opening_at);
    assert.equal(await page.getAttribute('[name="opening_at"]', 'type'), 'text');
    await page.fill('[name="briefing_capacity"]', '500');
    await page.click('form.form button[type="submit"]');
    await waitHash(page, /#\/calls\/\d+$/);
    const draft = await api(srv.base, 'GET', `/api/v1/calls/${id}`, { token: members[0].token });
    assert.equal(draft.body.briefing_capacity, 500);
    assert.equal(draft.body.opening_at, '2026-05-18T10:00:00+09:00');

    // An officer ticks the members from the list of active officers.
    await page.fill('[name="threshold"]', '2');
    for (const p of members) await page.check(`[name="members:${p.user.id}"]`);
    await page.click(`button:text-is("${ko['comm.save']}")`);
    await until(page, 'the committee listed', () => document.querySelectorAll('.badge-pending').length === 2);
    await page.click('#call-publish');
    await until(page, 'the refusal with names', (n) => document.body.innerText.includes(n), 'opener0@msit.go.kr, opener1@msit.go.kr');
    assert.match(await text(page, '.view'), /아직 암호문을 정하지 않은 개찰 위원이 있어 공고할 수 없습니다/);
    await screen(page, 'call-draft-staff');
    await signOut(page);

    await setPassphrase(page, 'opener0@msit.go.kr', PASS[0], id);
    await setPassphrase(page, 'opener1@msit.go.kr', PASS[1], id);
    await signIn(page, srv.base, 'call.officer@msit.go.kr', PASSWORD);
    await go(page, srv.base, `/calls/${id}`);
    assert.equal(await page.locator('.badge-pending').count(), 0);
    await page.click('#call-publish');
    await until(page, 'published', () => document.querySelector('.badge-published') !== null);
    const guide = path.join(mkdtempSync(path.join(os.tmpdir(), 'guidelines-')), '공모지침서.pdf');
    writeFileSync(guide, pdf('guidelines v1'));
    await page.setInputFiles('#guidelines-file', guide);
    await page.fill('#guidelines-note', '최초 배포본');
    await page.click(`#guidelines-form button:text-is("${ko['gl.upload']}")`);
    await until(page, 'the version listed', () => document.body.innerText.includes('최초 배포본'));

    // A company files a letter and seals a proposal in the page's container.
    setClock('2026-03-20T10:00:00+09:00');
    assert.equal((await api(srv.base, 'POST', `/api/v1/calls/${id}/letters`, { token: alpha.token, body: letterBody() })).status, 201);
    setClock('2026-04-02T10:00:00+09:00');
    const c = (await api(srv.base, 'GET', `/api/v1/calls/${id}`)).body;
    await sodium.ready;
    const plain = await container([{ name: '기술제안서.pdf', bytes: new Uint8Array(pdf('technical')) }],
      { currency: 'KRW', lines: [{ item: 'H200 서버', quantity: 1024, unit_price_krw: 71000000, amount_krw: 72704000000 }], total_krw: 72704000000 });
    const sealed = Buffer.from(sodium.crypto_box_seal(plain, Buffer.from(c.opening_key.public_key, 'base64')));
    assert.equal((await api(srv.base, 'POST', `/api/v1/calls/${id}/proposals`, { token: alpha.token, raw: sealed, headers: { 'content-type': 'application/octet-stream' } })).status, 201);
    await page.reload();
    await go(page, srv.base, `/calls/${id}`);
    assert.match(await text(page, '.view'), /LOI-/);
    assert.match(await text(page, '.view'), /Alpha Cloud/);
    await signOut(page);

    // The opening: one member, then the second.
    setClock('2026-05-18T10:30:00+09:00');
    await giveOpening(page, 'opener0@msit.go.kr', 'a wrong passphrase!', id);
    await until(page, 'the wrong passphrase refused', () => /본인의 키 조각을 열 수 없습니다/.test(document.body.innerText));
    await page.fill('#view [autocomplete="current-password"]', PASS[0]);
    await page.click(`button:text-is("${ko['open.give']}")`);
    await until(page, '1 of 2', () => /2개 중 1개/.test(document.getElementById('opening-count')?.textContent ?? ''));
    await screen(page, 'call-opening');
    await signOut(page);
    await giveOpening(page, 'opener1@msit.go.kr', PASS[1], id);
    await until(page, 'opened', () => document.querySelector('.badge-ok') !== null);
    await page.click(`a:text-is("${ko['open.read']}")`);
    await waitHash(page, /#\/calls\/\d+\/proposals\/\d+$/);
    assert.equal(await text(page, '#proposal-total'), '합계 ₩72,704,000,000');
    assert.match(await text(page, '.view'), /기술제안서\.pdf/);
    await screen(page, 'proposal-opened');

    // The companies that registered themselves: one suspended with a reason, then reinstated.
    await go(page, srv.base, '/applicants');
    await page.click(`summary:text-is("${ko['appl.suspend']}")`);
    await page.fill('[name="reason"]', '제출 서류 진위 확인 중');
    await page.click(`button:text-is("${ko['appl.suspendConfirm']}")`);
    await until(page, 'suspended', () => document.querySelector('.view .badge-cancelled') !== null);
    await screen(page, 'applicants');
    await page.click(`button:text-is("${ko['appl.reinstate']}")`);
    await until(page, 'reinstated', () => document.querySelector('.view .badge-cancelled') === null);
    await clean(page, problems);
  } finally {
    await context.close();
  }
});
