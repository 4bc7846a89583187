// A call's later stages in the browser, on the test clock: the officer who
// drafted it sets the criteria (a sum other than 100 refused in the page)
// and names two evaluators from the list of officers; after the opening
// each evaluator declares their interests in their own session (one names
// a bidder and may not score its proposal), enters scores (one beyond the
// criterion's maximum refused beside its field), and sees the ranking
// only once every score is in; the creator is told plainly that another
// officer must award; a second officer awards with a reason; each company
// sees its own total and rank and the winner. The staff's call page lists
// who downloaded the guidelines. Creating the call, the letters, the
// proposals and the opening are seeded through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sodium from 'libsodium-wrappers';
import { api } from '../api/helpers.mjs';
import { person, PASSWORD } from '../api/fixtures.mjs';
import { callContext, committeeCall, company, letterBody, pdf } from '../api/calls/fixtures.mjs';
import ko from '../../static/i18n/ko.js';
import en from '../../static/i18n/en.js';
import { container } from '../../static/js/seal.js';
import { dateTime } from '../../static/js/format.js';
import { T, launch, journey, signIn, signOut, go, until, screen, text, waitHash } from './harness.mjs';

const PASS = ['first opening passphrase', 'second opening passphrase'];
const CREATOR = 'call.officer@msit.go.kr';
let srv;
let setClock;
let m;
let browser;
let s;              // the call, as committeeCall gives it
let committee;
let ev;             // two evaluators
let awarder;
let alpha;
let beta;
const sub = {};

before(async () => {
  ({ srv, setClock, m } = await callContext());
  browser = await launch();
  const officer = (email) => person(srv.base, m.admin, { email, kind: 'ministry', roles: ['officer'], orgName: 'MSIT' });
  committee = [await officer('opener0@msit.go.kr'), await officer('opener1@msit.go.kr')];
  ev = [await officer('evaluator0@msit.go.kr'), await officer('evaluator1@msit.go.kr')];
  awarder = await officer('awarder@msit.go.kr');
  alpha = await company(srv.base, 'Alpha Award');
  beta = await company(srv.base, 'Beta Award');
  setClock('2026-03-02T10:00:00+09:00');
  s = await committeeCall(srv.base, m.officer, committee, PASS);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const wants = (page, what, re, sel = '#view') => until(page, what, ([src, q]) => new RegExp(src).test(document.querySelector(q)?.innerText ?? ''), [re.source, sel]);
const evaluation = (page) => go(page, srv.base, `/calls/${s.call.id}/evaluation`);

// Publication, guidelines, two letters, two proposals sealed in the page's
// container, the deadline, then the opening by both members.
async function seedUntilOpened() {
  await s.publish();
  const up = await api(srv.base, 'POST', s.url('/guidelines?note=v1'), { token: m.officer, raw: pdf('guidelines'), headers: { 'content-type': 'application/pdf' } });
  assert.equal(up.status, 201, JSON.stringify(up.body));
  setClock('2026-03-20T10:00:00+09:00');
  for (const co of [alpha, beta]) assert.equal((await api(srv.base, 'POST', s.url('/letters'), { token: co.token, body: letterBody() })).status, 201);
  setClock('2026-04-02T10:00:00+09:00');
  assert.equal((await api(srv.base, 'GET', s.url('/guidelines'), { token: alpha.token })).status, 200);
  await sodium.ready;
  for (const [name, co] of [['alpha', alpha], ['beta', beta]]) {
    const plain = await container([{ name: `${name}.pdf`, bytes: new Uint8Array(pdf(name)) }],
      { currency: 'KRW', lines: [{ item: 'H200', quantity: 1, unit_price_krw: 1000, amount_krw: 1000 }], total_krw: 1000 });
    const r = await s.submit(co.token, Buffer.from(sodium.crypto_box_seal(plain, Buffer.from(s.call.opening_key.public_key, 'base64'))));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    sub[name] = r.body.submission_id;
  }
  setClock('2026-05-18T10:00:00+09:00');
  assert.equal((await s.give(committee[0].token, PASS[0])).status, 202);
  assert.equal((await s.give(committee[1].token, PASS[1])).status, 200);
}

async function score(page, name, lines) {
  const form = `#score-${sub[name]}`;
  for (const [i, [points, comment]] of lines.entries()) {
    await page.fill(`${form} [name="scores[${i}].score"]`, String(points));
    await page.fill(`${form} [name="scores[${i}].comment"]`, comment);
  }
  await page.click(`${form} button[type="submit"]`);
}

test('the creator sets the criteria and names the evaluators on the draft', T, () => journey(browser, async (page) => {
  await signIn(page, srv.base, CREATOR, PASSWORD);
  await go(page, srv.base, `/calls/${s.call.id}`);
  await page.click('#evaluation-link');
  await waitHash(page, /#\/calls\/\d+\/evaluation$/);
  await page.fill('#criteria-form [name="name0"]', '기술 역량');
  await page.fill('#criteria-form [name="weight0"]', '60');
  await page.fill('#criteria-form [name="max0"]', '100');
  await page.fill('#criteria-form [name="name1"]', '가격');
  await page.fill('#criteria-form [name="weight1"]', '30');
  await page.fill('#criteria-form [name="max1"]', '50');
  assert.equal(await text(page, '#weights-sum'), ko['eval.sumNow'].replace('{sum}', '90'));
  await page.click('#criteria-form button[type="submit"]');
  await wants(page, 'the sum refused', /배점 합계가 90%입니다/, '#criteria-form .alert');
  await page.fill('#criteria-form [name="weight1"]', '40');
  await page.click('#criteria-form button[type="submit"]');
  await until(page, 'the criteria listed', () => document.querySelectorAll('#view table')[0]?.innerText.includes('기술 역량'));
  for (const e of ev) await page.check(`#evaluators-form [name="evaluators:${e.user.id}"]`);
  await page.click('#evaluators-form button[type="submit"]');
  await until(page, 'two evaluators, undeclared', () => document.querySelectorAll('#view .badge-pending').length === 2);
  await screen(page, 'evaluation-setup');
  const crit = (await api(srv.base, 'GET', s.url('/criteria'), { token: m.auditor })).body.items;
  assert.deepEqual(crit.map((c) => [c.name, c.weight, c.max_score]), [['기술 역량', 60, 100], ['가격', 40, 50]]);
}));

test('each evaluator declares and scores in their own session; the ranking shows once all are in', T, () => journey(browser, async (page) => {
  await seedUntilOpened();

  // The first evaluator declares no interests (after being told to say so) and scores both.
  await signIn(page, srv.base, ev[0].user.email, PASSWORD);
  await evaluation(page);
  assert.match(await text(page, '#declare-first'), /먼저 위에서 이해관계를 신고하세요/);
  await page.click('#declaration-form button[type="submit"]');
  await wants(page, 'a declaration asked for', /관계가 있는 기관을 적거나, 없다고 표시하세요/, '#declaration-form .alert');
  await page.check('#declaration-form [name="none"]');
  await page.click('#declaration-form button[type="submit"]');
  await until(page, 'the scoring forms', (id) => document.getElementById(`score-${id}`)?.querySelector('form') != null, sub.alpha);
  await score(page, 'alpha', [[120, '클러스터 설계가 구체적임'], [40, '단가가 합리적임']]);
  await wants(page, 'the score over its maximum refused beside it', /100/, `#score-${sub.alpha} [data-field="scores[0].score"] .field-error`);
  await score(page, 'alpha', [[90, '클러스터 설계가 구체적임'], [40, '단가가 합리적임']]);
  await until(page, 'alpha scored', (id) => document.querySelector(`#score-${id} .badge-active`) !== null, sub.alpha);
  await score(page, 'beta', [[70, '운영 계획이 부족함'], [30, '단가가 높음']]);
  await until(page, 'beta scored', (id) => document.querySelector(`#score-${id} .badge-active`) !== null, sub.beta);
  // The second evaluator has not declared yet: both proposals are still theirs to score.
  assert.equal(await text(page, '#ranking-hidden'), ko['rank.hidden']);
  assert.equal(await text(page, '#evaluation-progress'), '평가위원·제안서 4쌍 중 2쌍 채점 완료');
  await screen(page, 'evaluation-scoring');
  await signOut(page);

  // The second declares a link to Beta: Beta's proposal is closed to them, Alpha's open.
  await signIn(page, srv.base, ev[1].user.email, PASSWORD);
  await evaluation(page);
  await page.fill('#declaration-form [name="org0"]', 'Beta Award 주식회사');
  await page.fill('#declaration-form [name="brn0"]', beta.number);
  await page.fill('#declaration-form [name="relation0"]', '2025년 이사회 자문');
  await page.click('#declaration-form button[type="submit"]');
  await until(page, 'the conflict said', (id) => document.querySelector(`#score-${id} .notice`) !== null, sub.beta);
  assert.match(await text(page, `#score-${sub.beta}`), /Beta Award 주식회사 또는 그 컨소시엄 구성원과의 관계를 신고했으므로 이 제안서는 채점할 수 없습니다/);
  assert.equal(await page.locator(`#score-${sub.beta} form`).count(), 0);
  await screen(page, 'evaluation-conflict');
  await score(page, 'alpha', [[80, '데이터센터 부지가 확보됨'], [45, '가격 경쟁력이 높음']]);
  // Technical 60% of 100, price 40% of 50: alpha (85, 42.5) -> 51 + 34; beta (70, 30) -> 42 + 24.
  await until(page, 'the ranking', () => document.getElementById('ranking') !== null);
  const rows = await page.locator('#ranking tbody tr').allInnerTexts();
  assert.deepEqual(rows.map((r) => r.split('\t').slice(0, 3)), [['1', 'Alpha Award 주식회사', '85.00'], ['2', 'Beta Award 주식회사', '66.00']]);
  await screen(page, 'evaluation-ranking');
}, ['PUT /api/v1/calls/\\d+/proposals/\\d+/scores']));

test('the creator is told another officer must award; a second officer awards; each company sees its place', T, () => journey(browser, async (page) => {
  // The creator may not award and is told so; the download log is on the call's page.
  await signIn(page, srv.base, CREATOR, PASSWORD);
  await evaluation(page);
  assert.equal(await text(page, '#award-rule'), ko['award.fourEyesMine']);
  assert.equal(await page.locator('#award-form').count(), 0);
  await screen(page, 'award-creator');
  await go(page, srv.base, `/calls/${s.call.id}`);
  assert.match(await text(page, '#guidelines-downloads'), new RegExp(`Alpha Award 주식회사.*${alpha.email}`, 's'));
  await signOut(page);

  // A second officer awards the proposal ranked first, with a reason.
  await signIn(page, srv.base, awarder.user.email, PASSWORD);
  await evaluation(page);
  assert.equal(await text(page, '#award-rule'), ko['award.fourEyes']);
  assert.equal(await page.inputValue('#award-form [name="submission_id"]'), String(sub.alpha));
  await page.click('#award-form button[type="submit"]');
  await until(page, 'the reason asked for', () => document.querySelector('#award-form [aria-invalid="true"]')?.name === 'reason');
  await page.fill('#award-form [name="reason"]', '가중 합계 1순위, 부지와 가격 모두 우수');
  await page.click('#award-form button[type="submit"]');
  await until(page, 'the outcome', () => document.getElementById('outcome') !== null);
  assert.match(await text(page, '#outcome'), /Alpha Award 주식회사에 낙찰되었습니다/);
  await screen(page, 'award-done');
  assert.equal((await api(srv.base, 'GET', s.url(), { token: m.auditor })).body.status, 'awarded');
  await signOut(page);

  // Each company sees its own place and the winner, in either language.
  await signIn(page, srv.base, alpha.email, 'correct horse battery');
  await go(page, srv.base, `/calls/${s.call.id}`);
  assert.match(await text(page, '#outcome'), /100점 중 85\.00점, 2개 중 1위/);
  // The company read the criteria it was scored by on the same page.
  assert.ok((await page.locator('#view table tbody tr').allInnerTexts()).some((r) => /기술 역량\t60%\t100/.test(r)));
  await signOut(page);
  await signIn(page, srv.base, beta.email, 'correct horse battery');
  await go(page, srv.base, `/calls/${s.call.id}`);
  assert.match(await text(page, '#outcome'), /100점 중 66\.00점, 2개 중 2위/);
  assert.match(await text(page, '#outcome'), /가중 합계 1순위/);
  assert.doesNotMatch(await text(page, '#view'), /85\.00/);
  // Past its letters and its briefing, the call offers neither form; the page says why.
  assert.equal(await text(page, '#loi-closed'), ko['problem.call.loi_deadline_passed'].replace('{deadline:time}', dateTime(s.call.loi_deadline)));
  assert.equal(await text(page, '#briefing-closed'), ko['problem.call.briefing_started'].replace('{starts_at:time}', dateTime(s.call.briefing_at)));
  for (const key of ['loi.submit', 'call.registerBriefing']) assert.equal(await page.locator(`#view button:text-is("${ko[key]}")`).count(), 0, key);
  for (const key of ['loi.amend', 'loi.withdraw']) assert.equal(await page.locator(`#view summary:text-is("${ko[key]}")`).count(), 0, key);
  assert.equal(await page.locator('#view form').count(), 0);
  await screen(page, 'call-outcome');
  await page.selectOption('#lang', 'en');
  await wants(page, 'English', new RegExp(en['out.winner'].replace('{name}', 'Alpha Award 주식회사').replace('.', '\\.')), '#outcome');
  assert.match(await text(page, '#outcome'), /66\.00 of 100, ranked 2 of 2/);
}, ['POST /api/v1/calls/\\d+/award']));
