// A company's part of the call in the browser: it registers itself, signs
// in, follows the timetable with the time left to each deadline, registers
// for the briefing, files a letter of intent, amends it, and asks for the
// guidelines before their release (told why not, with the date). A tenant
// reads the same call without the parts only companies and staff may use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api } from '../api/helpers.mjs';
import { PASSWORD } from '../api/fixtures.mjs';
import { tenant } from '../api/seed.mjs';
import { ministry, callBody, brn } from '../api/calls/fixtures.mjs';
import ko from '../../static/i18n/ko.js';
import { dateTime } from '../../static/js/format.js';
import { T, launch, open, clean, signIn, go, settled, until, screen, text, title, waitHash } from './harness.mjs';

let srv;
let browser;
let call;
let kaist;
const DAY = 86400000;
// A time `days` from now, on the hour, written in Seoul time as the API takes it.
const at = (days) => {
  const hour = Math.floor((Date.now() + days * DAY) / 3600000) * 3600000;
  return `${new Date(hour + 9 * 3600000).toISOString().slice(0, 19)}+09:00`;
};

before(async () => {
  srv = await startServer();
  browser = await launch();
  const { admin, officer } = await ministry(srv.base);
  kaist = await tenant(srv.base, admin, 'KAIST', 'university');
  const c = await api(srv.base, 'POST', '/api/v1/calls', {
    token: officer,
    body: callBody({ briefing_capacity: 50, briefing_at: at(5), loi_deadline: at(26), guidelines_release_at: at(27),
      proposal_deadline: at(70), opening_at: at(73), evaluation_ends_at: at(110) }),
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const p = await api(srv.base, 'POST', `/api/v1/calls/${c.body.id}/publish`, { token: officer });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  call = p.body;
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('a company registers, follows the timetable, registers for the briefing, files and amends its letter, and is told why no guidelines yet', T, async () => {
  const { context, page, problems } = await open(browser, { allow: ['GET /api/v1/calls/\\d+/guidelines', 'POST /api/v1/registrations'] });
  try {
    await page.goto(`${srv.base}/`);
    await page.locator('#login-form').waitFor({ state: 'visible' });
    await page.click('a[href="#/register"]');
    await waitHash(page, /#\/register$/);
    assert.equal(await title(page), ko['reg.title']);
    await page.fill('[name="name_ko"]', '한빛클라우드');
    await page.fill('[name="name_en"]', 'Hanbit Cloud');
    await page.fill('[name="registration_number"]', '123');
    await page.fill('[name="representative"]', '김한빛');
    await page.fill('[name="address"]', '경기도 성남시 분당구 판교역로 166');
    await page.fill('[name="user_name"]', '이담당');
    await page.fill('[name="user_email"]', 'bid@hanbit.example.kr');
    await page.fill('[name="user_password"]', 'a-long-enough-passphrase');
    await page.click('form.form button[type="submit"]');
    await until(page, 'the registration number refused beside its field',
      () => document.querySelector('[data-field="registration_number"] .field-error')?.textContent !== '');
    await screen(page, 'register');
    await page.fill('[name="registration_number"]', brn(220811234).replace(/-/g, ''));
    await page.click('form.form button[type="submit"]');
    await page.locator('#login-form').waitFor({ state: 'visible' });
    assert.match(await text(page, '#login-notice'), /한빛클라우드 등록을 마쳤습니다/);
    assert.equal(await page.inputValue('#email'), 'bid@hanbit.example.kr');

    await signIn(page, srv.base, 'bid@hanbit.example.kr', 'a-long-enough-passphrase');
    assert.deepEqual(await page.locator('#nav-list a').allTextContents(), [ko['nav.orders'], ko['nav.deliveries'], ko['nav.calls'], ko['nav.orgKeys'], ko['nav.secondFactor']]);
    await go(page, srv.base, '/calls');
    await page.click(`a:text-is("${call.title_ko}")`);
    await waitHash(page, /#\/calls\/\d+$/);
    const rows = await page.locator('.timetable tbody tr').allTextContents();
    assert.equal(rows.length, 6);
    assert.ok(rows[1].includes(ko['call.step.loi_deadline']) && rows[1].includes(dateTime(call.loi_deadline)), rows[1]);
    assert.match(rows[1], /2[56]일 \d+시간 \d+분 남음/);

    await page.fill('[name="name"]', '이담당');
    await page.fill('[name="title"]', '사업개발팀장');
    await page.fill('#view [name="email"]', 'bid@hanbit.example.kr');
    await page.click('button:text-is("참석 신청")');
    await until(page, 'the attendee listed', () => document.body.innerText.includes('사업개발팀장'));

    await page.fill('[name="contact_name"]', '이담당');
    await page.fill('[name="contact_email"]', 'bid@hanbit.example.kr');
    await page.fill('[name="summary"]', 'GPU 1만 장 규모의 데이터센터 구축과 운영');
    await page.fill('[name="members[0].name"]', '한빛통신');
    await page.fill('[name="members[0].registration_number"]', brn(220815678));
    await page.selectOption('[name="members[0].role"]', 'telecom');
    await page.click('button:text-is("의향서 제출")');
    await until(page, 'the filed letter', () => document.querySelector('.badge-active') !== null);
    assert.match(await text(page, '.view'), /GPU 1만 장 규모/);
    await page.click('summary:text-is("의향서 수정")');
    await page.fill('[name="summary"]', 'GPU 2만 장 규모의 데이터센터 구축과 운영');
    await page.click('button:text-is("수정 제출")');
    await until(page, 'the amended letter', () => document.body.innerText.includes('GPU 2만 장 규모'));
    assert.match(await text(page, '.view'), /수정/);

    await page.click('#guidelines-download');
    await until(page, 'the reason', () => /공모지침서는 .* 내려받을 수 있습니다/.test(document.body.innerText));
    assert.match(await text(page, '.view'), new RegExp(dateTime(call.guidelines_release_at)));
    await screen(page, 'call');

    await page.selectOption('#lang', 'en');
    await until(page, 'the call in English', (want) => document.getElementById('page-title')?.textContent === want, call.title_en);
    assert.match(await text(page, '.timetable'), /Letter of intent deadline/);
    await clean(page, problems);
  } finally {
    await context.close();
  }
});

test('a tenant is promised and reads the call without the guidelines, the briefing or the letter, which only staff and companies may use', T, async () => {
  const { context, page, problems } = await open(browser);
  try {
    await signIn(page, srv.base, kaist.user.email, PASSWORD);
    // The home tile promises only what a tenant can do: read the timetable.
    await go(page, srv.base, '/');
    assert.equal(await text(page, '.tile a[href="#/calls"] .tile-text'), ko['nav.calls.aboutTenant']);
    await go(page, srv.base, `/calls/${call.id}`);
    assert.equal(await title(page), call.title_ko);
    assert.equal(await page.locator('.timetable tbody tr').count(), 6);
    const headings = await page.locator('#view .panel-title').allTextContents();
    for (const key of ['call.guidelines', 'call.briefing', 'loi.title']) assert.ok(!headings.includes(ko[key]), `${key} offered: ${headings}`);
    assert.equal(await page.locator('#guidelines-download').count(), 0);
    assert.equal(await page.locator('#view form').count(), 0);
    // What the tenant may not have, the API refuses: the page never asked.
    assert.equal((await api(srv.base, 'GET', `/api/v1/calls/${call.id}/guidelines`, { token: kaist.token })).status, 403);
    await screen(page, 'call-tenant');
    await clean(page, problems);
  } finally {
    await context.close();
  }
});
