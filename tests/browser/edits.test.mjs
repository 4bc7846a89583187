// The actions that change what was already written, in the browser: an
// officer edits a draft order (and removes a wrong line), a programme (and
// removes milestones), a site and a rack (a change
// someone else made meanwhile is refused and told plainly, with a reload),
// returns GPUs of an allocation to stock and finds GPUs by tenant, vendor
// and programme; an administrator removes a user's second factor and edits
// an organisation and a GPU model; an auditor filters the trail by who,
// what and when; the time left to a deadline follows the server's
// clock when the PC's is wrong; and dates are typed the API's way
// whatever the browser's locale.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, sql, ADMIN_EMAIL, ADMIN_PASSWORD } from '../api/helpers.mjs';
import { procurementCast, person, program, purchaseOrder, PASSWORD } from '../api/fixtures.mjs';
import { seedAssets, site, tenant } from '../api/seed.mjs';
import { totp } from '../api/totp.mjs';
import { callBody } from '../api/calls/fixtures.mjs';
import ko from '../../static/i18n/ko.js';
import en from '../../static/i18n/en.js';
import { T, launch, open, newContext, clean, signIn, go, settled, until, axe, screen, text, title, waitHash } from './harness.mjs';

let srv;
let browser;
let cast;
let prog;
let kaist;

before(async () => {
  srv = await startServer();
  browser = await launch();
  cast = await procurementCast(srv.base);
  prog = await program(srv.base, cast.officer.token, { name: '국가 AI 컴퓨팅 자원 확충' });
  kaist = await tenant(srv.base, cast.admin, 'KAIST', 'university');
  await person(srv.base, cast.admin, { email: 'auditor@bai.go.kr', kind: 'auditor', roles: ['auditor'], orgName: '감사원' });
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Another person's change through the API, with the ETag they read.
async function changedMeanwhile(token, url, body) {
  const read = await api(srv.base, 'GET', url, { token });
  const r = await api(srv.base, 'PATCH', url, { token, body, headers: { 'if-match': read.headers.get('etag') } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

const save = (page) => page.click('form.edit-form button[type="submit"]');

async function staleRefused(page) {
  await until(page, 'the stale edit refused', (want) => document.querySelector('form.edit-form .alert p')?.textContent === want, ko['problem.if_match.stale']);
  await page.locator('#edit-reload').waitFor();
}

test('an officer edits a draft order and its programme; an edit made stale by another officer is refused plainly', T, async () => {
  const po = await purchaseOrder(srv.base, cast, { programId: prog.id, status: 'draft', lines: [{ gpu_model_id: cast.model.H100.id, quantity: 4, unit_price: 50_000_000 }] });
  const { context, page, problems } = await open(browser, { allow: ['PATCH /api/v1/purchase-orders/\\d+'] });
  try {
    await signIn(page, srv.base, 'buyer@msit.go.kr', PASSWORD);
    // The list names each order's programme.
    await go(page, srv.base, `/orders?program_id=${prog.id}`);
    assert.match(await text(page, '.table tbody tr'), new RegExp(`${po.reference}.*국가 AI 컴퓨팅 자원 확충`));
    await go(page, srv.base, `/orders/${po.id}`);
    await page.click(`a:text-is("${ko['po.edit']}")`);
    await waitHash(page, /#\/orders\/\d+\/edit$/);
    assert.equal(await title(page), `${po.reference} 수정`);
    assert.equal(await page.inputValue('[name="lines[0].quantity"]'), '4');
    await page.fill('[name="lines[0].quantity"]', '3');
    await page.fill('[name="notes"]', '수량 조정');
    // Meanwhile the other officer changes the notes.
    await changedMeanwhile(cast.approver.token, `/api/v1/purchase-orders/${po.id}`, { notes: '납기 확인 필요' });
    await save(page);
    await staleRefused(page);
    await screen(page, 'order-edit-stale');
    await page.click('#edit-reload');
    await until(page, 'the latest version', () => document.querySelector('[name="notes"]')?.value === '납기 확인 필요');
    assert.equal(await page.inputValue('[name="lines[0].quantity"]'), '4', 'the form shows what is stored now');
    await page.fill('[name="lines[0].quantity"]', '3');
    await page.click(`button:text-is("${ko['po.addLine']}")`);
    await page.selectOption('[name="lines[1].gpu_model_id"]', String(cast.model.A100.id));
    await page.fill('[name="lines[1].quantity"]', '2');
    await page.fill('[name="lines[1].unit_price"]', '20000000');
    await save(page);
    await waitHash(page, /#\/orders\/\d+$/);
    assert.match(await text(page, '.view'), /₩190,000,000/);
    const stored = await api(srv.base, 'GET', `/api/v1/purchase-orders/${po.id}`, { token: cast.officer.token });
    assert.deepEqual(stored.body.lines.map((l) => [l.model, l.quantity]), [['H100', 3], ['A100', 2]]);
    assert.equal(stored.body.notes, '납기 확인 필요');

    // A wrong line removed from the draft: the other one, renumbered, is what the order keeps.
    await page.click(`a:text-is("${ko['po.edit']}")`);
    await waitHash(page, /#\/orders\/\d+\/edit$/);
    assert.deepEqual(await page.locator('.line-remove:visible').allTextContents(), ['품목 1 삭제', '품목 2 삭제']);
    await screen(page, 'order-edit-lines');
    await page.click(`button:text-is("${ko['po.removeLine'].replace('{n}', '1')}")`);
    assert.deepEqual(await page.locator('.line legend').allTextContents(), ['품목 1']);
    assert.equal(await page.inputValue('[name="lines[0].quantity"]'), '2');
    assert.equal(await page.locator('.line-remove:visible').count(), 0, 'the only line left cannot be removed');
    assert.equal(await text(page, '.lines ~ [role="status"]'), '품목 1 삭제 완료. 남은 품목 1개.');
    await save(page);
    await waitHash(page, /#\/orders\/\d+$/);
    assert.match(await text(page, '.view'), /₩40,000,000/);
    const kept = await api(srv.base, 'GET', `/api/v1/purchase-orders/${po.id}`, { token: cast.officer.token });
    assert.deepEqual(kept.body.lines.map((l) => [l.model, l.quantity]), [['A100', 2]]);

    // Submitted, it is no longer a draft: the edit page says so.
    await page.click(`button:text-is("${ko['po.submit']}")`);
    await until(page, 'the submitted status', () => document.querySelector('.badge-submitted') !== null);
    assert.equal(await page.locator(`a:text-is("${ko['po.edit']}")`).count(), 0);
    await go(page, srv.base, `/orders/${po.id}/edit`);
    assert.match(await text(page, '#plain-message'), /더 이상 초안이 아니어서/);

    // The programme: a new budget and a third milestone.
    await go(page, srv.base, `/programs/${prog.id}`);
    await page.click(`.page-actions a:text-is("${ko['common.edit']}")`);
    await waitHash(page, /#\/programs\/\d+\/edit$/);
    assert.equal(await page.inputValue('[name="milestones[1].gpu_target"]'), '30000');
    await page.fill('[name="budget_krw"]', '1200000000000');
    await page.click(`button:text-is("${ko['prog.addMilestone']}")`);
    await page.fill('[name="milestones[2].label"]', '3차년도');
    await page.fill('[name="milestones[2].due_on"]', '2027-12-31');
    await page.fill('[name="milestones[2].gpu_target"]', '35000');
    await save(page);
    await waitHash(page, /#\/programs\/\d+$/);
    assert.match(await text(page, '.view'), /₩1,200,000,000,000/);
    assert.match(await text(page, '.view'), /3차년도/);

    // A wrong milestone removed: the others, renumbered, are what the programme keeps.
    const milestones = async () => (await api(srv.base, 'GET', `/api/v1/programs/${prog.id}`, { token: cast.officer.token }))
      .body.milestones.map((m) => [m.label, m.due_on, m.gpu_target]);
    await page.click(`.page-actions a:text-is("${ko['common.edit']}")`);
    await waitHash(page, /#\/programs\/\d+\/edit$/);
    assert.deepEqual(await page.locator('.line-remove:visible').allTextContents(), ['단계 1 삭제', '단계 2 삭제', '단계 3 삭제']);
    await page.click(`button:text-is("${ko['prog.removeMilestone'].replace('{n}', '1')}")`);
    assert.deepEqual(await page.locator('.line legend').allTextContents(), ['단계 1', '단계 2']);
    assert.equal(await page.inputValue('[name="milestones[0].label"]'), 'full programme');
    assert.equal(await text(page, '.lines ~ [role="status"]'), '단계 1 삭제 완료. 남은 단계 2개.');
    await save(page);
    await waitHash(page, /#\/programs\/\d+$/);
    assert.deepEqual(await milestones(), [['full programme', '2027-01-31', 30000], ['3차년도', '2027-12-31', 35000]]);
    // Every one removed: the programme keeps none (not the old ones).
    await page.click(`.page-actions a:text-is("${ko['common.edit']}")`);
    await waitHash(page, /#\/programs\/\d+\/edit$/);
    await page.click(`button:text-is("${ko['prog.removeMilestone'].replace('{n}', '2')}")`);
    await page.click(`button:text-is("${ko['prog.removeMilestone'].replace('{n}', '1')}")`);
    assert.equal(await page.locator('.line').count(), 0);
    await save(page);
    await waitHash(page, /#\/programs\/\d+$/);
    assert.deepEqual(await milestones(), []);
    await clean(page, problems);
  } finally {
    await context.close();
  }
});

test('an officer edits a site and a rack; a stale rack edit is refused and succeeds after a reload', T, async () => {
  const s = await site(srv.base, cast.officer.token, { slots: 64, kw: 400, name: '국가슈퍼컴퓨팅센터 대전', racks: [{ name: 'R1', slot_capacity: 8, power_capacity_kw: 40 }] });
  const rack = s.racks[0];
  const { context, page, problems } = await open(browser, { allow: ['PATCH /api/v1/sites/\\d+/racks/\\d+'] });
  try {
    await signIn(page, srv.base, 'buyer@msit.go.kr', PASSWORD);
    await go(page, srv.base, `/sites/${s.id}`);
    await page.click(`.page-actions a:text-is("${ko['common.edit']}")`);
    await waitHash(page, /#\/sites\/\d+\/edit$/);
    assert.equal(await page.inputValue('[name="power_capacity_kw"]'), '400');
    await page.fill('[name="power_capacity_kw"]', '2500');
    await page.fill('[name="address"]', '대전광역시 유성구 대학로 245 본관');
    await screen(page, 'site-edit');
    await save(page);
    await waitHash(page, /#\/sites\/\d+$/);
    assert.match(await text(page, '.view'), /대학로 245 본관/);
    assert.match(await text(page, '#view .facts'), /2,500/);

    await page.click(`a[href="#/sites/${s.id}/racks/${rack.id}/edit"]`);
    await waitHash(page, /#\/sites\/\d+\/racks\/\d+\/edit$/);
    assert.equal(await title(page), '랙 R1 수정');
    await page.fill('[name="slot_capacity"]', '16');
    await changedMeanwhile(cast.approver.token, `/api/v1/sites/${s.id}/racks/${rack.id}`, { name: 'R1-A' });
    await save(page);
    await staleRefused(page);
    await page.click('#edit-reload');
    await until(page, 'the rack as it is now', () => document.querySelector('[name="name"]')?.value === 'R1-A');
    await page.fill('[name="slot_capacity"]', '16');
    await save(page);
    await waitHash(page, /#\/sites\/\d+$/);
    const row = await text(page, `tr:has(a[href="#/sites/${s.id}/racks/${rack.id}/edit"])`);
    assert.match(row, /^R1-A\s*16/);
    assert.deepEqual(sql(srv.db, `SELECT name, slot_capacity FROM racks WHERE id = ${rack.id}`), ['R1-A|16']);
    await clean(page, problems);
  } finally {
    await context.close();
  }
});

test('an officer returns one GPU of an allocation to stock and finds GPUs by tenant, vendor and programme', T, async () => {
  const ids = seedAssets(srv.db, { count: 3, model: 'B200' });
  const s = await site(srv.base, cast.officer.token, { slots: 32, kw: 200, name: '광주 AI 데이터센터' });
  const s2 = await site(srv.base, cast.officer.token, { slots: 32, kw: 200, name: '부산 AI 데이터센터', racks: [{ name: 'G1', slot_capacity: 8, power_capacity_kw: 40 }] });
  const a = await api(srv.base, 'POST', '/api/v1/allocations', {
    token: cast.officer.token,
    body: { tenant_id: kaist.org.id, site_id: s.id, purpose: 'LLM 사전학습', starts_on: '2025-06-01', asset_ids: ids },
  });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const serial = (id) => sql(srv.db, `SELECT serial FROM assets WHERE id = ${id}`)[0];
  const { context, page, problems } = await open(browser);
  try {
    await signIn(page, srv.base, 'buyer@msit.go.kr', PASSWORD);
    await go(page, srv.base, `/allocations/${a.body.id}`);
    assert.equal(await page.locator('[name^="asset_ids:"]').count(), 3);
    await page.check(`[name="asset_ids:${ids[0]}"]`);
    await page.click(`button:text-is("${ko['alloc.returnConfirm']}")`);
    await until(page, 'two GPUs left to return', () => document.querySelectorAll('[name^="asset_ids:"]').length === 2);
    assert.match(await text(page, `tr:has(a:text-is("${serial(ids[0])}"))`), /\(반납\)/);
    assert.deepEqual(sql(srv.db, `SELECT status, site_id IS NULL, tenant_id IS NULL FROM assets WHERE id = ${ids[0]}`), ['in_stock|t|t']);
    assert.deepEqual(sql(srv.db, `SELECT status FROM allocations WHERE id = ${a.body.id}`), ['active']);
    await screen(page, 'allocation-return');

    // Moved to a rack of another site: the rack select follows the site.
    await go(page, srv.base, `/allocations/${a.body.id}`);
    await page.selectOption(`form:has(button:text-is("${ko['alloc.move']}")) [name="site_id"]`, String(s2.id));
    await until(page, 'the racks of the new site', () => [...document.querySelectorAll('[name="rack_id"] option')].some((o) => o.textContent === 'G1'));
    await page.selectOption('[name="rack_id"]', String(s2.racks[0].id));
    await page.click(`button:text-is("${ko['alloc.move']}")`);
    await until(page, 'the allocation at its new rack', () => /부산 AI 데이터센터/.test(document.querySelector('#view .facts')?.textContent ?? ''));
    assert.match(await text(page, '#view .facts'), /G1/);
    assert.deepEqual(sql(srv.db, `SELECT site_id, rack_id FROM allocations WHERE id = ${a.body.id}`), [`${s2.id}|${s2.racks[0].id}`]);

    // The register by tenant: the two still allocated, at their new site by name.
    await go(page, srv.base, '/assets');
    await page.selectOption('[name="tenant_id"]', String(kaist.org.id));
    await page.click('form.filters button[type="submit"]');
    await until(page, 'filtered by tenant', () => /tenant_id=/.test(window.location.hash) && !document.getElementById('view').hasAttribute('aria-busy'));
    const rows = await page.locator('.table tbody tr').allTextContents();
    assert.equal(rows.length, 2, rows.join('\n'));
    assert.ok(rows.every((r) => r.includes('부산 AI 데이터센터') && r.includes('KAIST')), rows.join('\n'));
    // By vendor and programme: the three of the seeded order, the returned one in stock.
    const vendorId = sql(srv.db, `SELECT vendor_id FROM assets WHERE id = ${ids[0]}`)[0];
    const programId = sql(srv.db, `SELECT program_id FROM assets WHERE id = ${ids[0]}`)[0];
    await go(page, srv.base, `/assets?vendor_id=${vendorId}&program_id=${programId}&status=in_stock`);
    assert.equal(await page.inputValue('[name="vendor_id"]'), vendorId);
    assert.deepEqual((await page.locator('.table tbody tr td:first-child').allTextContents()).map((x) => x.trim()), [serial(ids[0])]);
    await screen(page, 'assets-filtered');
    await clean(page, problems);
  } finally {
    await context.close();
  }
});

test('an administrator removes a lost second factor, renames an organisation and edits a GPU model', T, async () => {
  const lost = await person(srv.base, cast.admin, { email: 'lost.phone@msit.go.kr', kind: 'ministry', roles: ['officer'], orgName: 'MSIT procurement' });
  const start = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp', { token: lost.token });
  assert.equal(start.status, 201, JSON.stringify(start.body));
  const ok = await api(srv.base, 'POST', '/api/v1/auth/second-factor/totp/confirm', { token: lost.token, body: { totp: totp(start.body.secret, Date.now() / 1000) } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const { context, page, problems } = await open(browser);
  try {
    await signIn(page, srv.base, ADMIN_EMAIL, ADMIN_PASSWORD);
    // The list tells who has a second factor: the one enrolled, not the administrator.
    await go(page, srv.base, '/users');
    const sfOf = (name) => page.locator('.table tbody tr', { hasText: name }).locator('td').nth(5).textContent();
    assert.equal((await sfOf('lost.phone@msit.go.kr')).trim(), ko['tf.totp.active']);
    assert.equal((await sfOf(ADMIN_EMAIL)).trim(), ko['tf.totp.none']);
    await go(page, srv.base, `/users/${lost.user.id}`);
    assert.equal(await text(page, '#user-sf'), ko['tf.totp.active']);
    await page.click(`summary:text-is("${ko['user.sfReset']}")`);
    await page.click(`button:text-is("${lost.user.name}의 2단계 인증 해제")`);
    await until(page, 'the reset told', (want) => document.getElementById('sf-reset-done')?.textContent.includes(want), ko['tf.totp.none']);
    // Nothing left to remove: the page says so, and the form is gone.
    assert.equal(await text(page, '#user-sf'), ko['tf.totp.none']);
    assert.equal(await page.locator('details.danger-zone').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'sf-reset-done', 'the focus not lost with the form');
    await page.reload();
    await page.locator('#nav').waitFor({ state: 'visible' });
    await settled(page);
    assert.equal(await text(page, '#sf-none'), ko['user.sfNone']);
    assert.equal(await page.locator('details.danger-zone').count(), 0);
    const state = await api(srv.base, 'GET', '/api/v1/auth/second-factor', { token: lost.token });
    assert.equal(state.body.totp, 'none');
    const me = await api(srv.base, 'GET', '/api/v1/me', { token: cast.admin });
    const who = await api(srv.base, 'GET', `/api/v1/audit/events?table=user_totp&actor_user_id=${me.body.id}`, { token: cast.admin });
    assert.ok(who.body.items.length > 0, 'the trail records who removed it');
    await screen(page, 'user-second-factor-reset');

    // A forgotten password: the administrator sets a new one.
    await page.fill('form.edit-form [name="password"]', 'a-brand-new-passphrase');
    await save(page);
    await until(page, 'the edit saved', () => document.querySelector('form.edit-form [name="password"]')?.value === '' && !document.getElementById('view').hasAttribute('aria-busy'));
    const signin = await api(srv.base, 'POST', '/api/v1/auth/login', { body: { email: 'lost.phone@msit.go.kr', password: 'a-brand-new-passphrase' } });
    assert.equal(signin.status, 200, JSON.stringify(signin.body));

    // An organisation's edit carries the ETag it read.
    const org = lost.user.organization_id;
    await go(page, srv.base, `/organizations/${org}`);
    await page.fill('form.edit-form [name="name"]', 'MSIT 조달과');
    await save(page);
    await until(page, 'the new name', () => document.getElementById('page-title')?.textContent === 'MSIT 조달과');

    // A GPU model of the catalogue.
    await go(page, srv.base, '/gpu-models');
    await page.click('a:text-is("B200")');
    await waitHash(page, /#\/gpu-models\/\d+$/);
    await page.fill('[name="tdp_watts"]', '1100');
    await page.selectOption('form.edit-form [name="active"]', 'false');
    await save(page);
    await waitHash(page, /#\/gpu-models$/);
    const b200 = await api(srv.base, 'GET', `/api/v1/gpu-models/${cast.model.B200.id}`, { token: cast.admin });
    assert.deepEqual([b200.body.tdp_watts, b200.body.active], [1100, false]);
    await clean(page, problems);
  } finally {
    await context.close();
  }
});

test('an auditor filters the trail by who, what and until when', T, async () => {
  const { context, page, problems } = await open(browser);
  try {
    await signIn(page, srv.base, 'auditor@bai.go.kr', PASSWORD);
    await go(page, srv.base, '/audit?table=purchase_orders');
    await page.selectOption('[name="actor_user_id"]', String(cast.approver.user.id));
    await page.selectOption('[name="action"]', 'update');
    await page.click('form.filters button[type="submit"]');
    await until(page, 'filtered', () => /action=update/.test(window.location.hash) && !document.getElementById('view').hasAttribute('aria-busy'));
    const rows = await page.locator('.table tbody tr').allTextContents();
    assert.ok(rows.length >= 1, 'the approver\'s change of the draft');
    assert.ok(rows.every((r) => r.includes(cast.approver.user.name) && r.includes('purchase_orders') && r.includes(ko['action.update'])), rows.join('\n'));
    await screen(page, 'audit-filtered');
    await page.fill('[name="until"]', '2020-01-01');
    await page.click('form.filters button[type="submit"]');
    await until(page, 'nothing before 2020', (want) => /until=2020-01-01/.test(window.location.hash) && document.querySelector('.empty')?.textContent === want, ko['list.empty']);
    await clean(page, problems);
  } finally {
    await context.close();
  }
});

test('the time left to a deadline follows the server\'s clock when the PC\'s is three days slow', T, async () => {
  const DAY = 86400000;
  const hour = Math.floor((Date.now() + 10 * DAY) / 3600000) * 3600000;
  const at = (ms) => `${new Date(ms + 9 * 3600000).toISOString().slice(0, 19)}+09:00`;
  const c = await api(srv.base, 'POST', '/api/v1/calls', {
    token: cast.officer.token,
    body: callBody({ briefing_at: at(hour - 4 * DAY), loi_deadline: at(hour), guidelines_release_at: at(hour + DAY),
      proposal_deadline: at(hour + 40 * DAY), opening_at: at(hour + 43 * DAY), evaluation_ends_at: at(hour + 80 * DAY) }),
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  assert.equal((await api(srv.base, 'POST', `/api/v1/calls/${c.body.id}/publish`, { token: cast.officer.token })).status, 200);
  const context = await newContext(browser, { viewport: { width: 1360, height: 900 } });
  await context.addInitScript(() => {
    const real = Date.now;
    Date.now = () => real() - 3 * 86400000;
  });
  const page = await context.newPage();
  try {
    await signIn(page, srv.base, 'buyer@msit.go.kr', PASSWORD);
    await go(page, srv.base, `/calls/${c.body.id}`);
    const rows = await page.locator('.timetable tbody tr').allTextContents();
    assert.match(rows[1], /(9일 23시간|10일 0시간) \d+분 남음/, rows[1]);
  } finally {
    await context.close();
  }
});

test('a date is typed year-month-day whatever the browser\'s locale; one the page cannot read is refused beside its field and nothing is sent', T, async () => {
  const url = `/api/v1/programs/${prog.id}`;
  const { context, page, problems } = await open(browser);
  const sent = [];
  page.on('request', (r) => { if (r.method() === 'PATCH' && new URL(r.url()).pathname === url) sent.push(r.postData()); });
  try {
    await signIn(page, srv.base, 'buyer@msit.go.kr', PASSWORD);
    await go(page, srv.base, `/programs/${prog.id}/edit`);
    const starts = page.locator('[name="starts_on"]');
    assert.equal(await starts.getAttribute('type'), 'text', 'not the browser\'s own date control, which follows its locale');
    assert.equal(await starts.inputValue(), '2025-01-01');
    const described = await starts.evaluate((el) => el.getAttribute('aria-describedby').split(' ').map((id) => document.getElementById(id).textContent));
    assert.equal(described[0], ko['date.hint']);
    // Month first, as a US browser writes it: refused in the page, told beside the field.
    await starts.fill('01/02/2025');
    await save(page);
    await until(page, 'the date refused beside its field', (want) => document.querySelector('[data-field="starts_on"] .field-error')?.textContent === want, ko['date.invalid']);
    assert.equal(await starts.getAttribute('aria-invalid'), 'true');
    assert.equal(await text(page, 'form.edit-form .alert'), ko['problem.validation.failed']);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'starts_on');
    await axe(page, 'a date refused', 'form.edit-form');
    assert.deepEqual(sent, []);
    // Written the Korean way, it is tidied to the API's form and saved as that day.
    await starts.fill('2025. 1. 2.');
    await starts.press('Tab');
    assert.equal(await starts.inputValue(), '2025-01-02');
    await save(page);
    await waitHash(page, /#\/programs\/\d+$/);
    assert.equal((await api(srv.base, 'GET', url, { token: cast.officer.token })).body.starts_on, '2025-01-02');
    assert.equal(sent.length, 1);
    // The hint follows the page's language, not the browser's.
    await go(page, srv.base, `/programs/${prog.id}/edit`);
    await page.selectOption('#lang', 'en');
    await until(page, 'the hint in English', (want) => document.querySelector('[data-field="starts_on"] .help')?.textContent === want, en['date.hint']);
    await clean(page, problems);
  } finally {
    await context.close();
  }
});
