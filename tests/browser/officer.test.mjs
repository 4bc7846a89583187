// An officer's journey in the browser, against the real server and
// database: a purchase order drafted by one officer and approved by
// another (the four-eyes rule shown to the author), a delivery received
// and its serials uploaded as CSV with one bad row fixed, the units
// inspected in bulk, an allocation, and the dashboard with the new numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, api } from '../api/helpers.mjs';
import { procurementCast, person, PASSWORD } from '../api/fixtures.mjs';
import { T, launch, open, clean, signIn, signOut, go, settled, until, screen, text, title, waitHash } from './harness.mjs';

let srv;
let browser;
let cast;
let programId;
let tenant;
const SERIALS = ['H100SN000001', 'H100SN000002', 'H100SN000003', 'H100SN000004'];

before(async () => {
  srv = await startServer();
  browser = await launch();
  cast = await procurementCast(srv.base);
  tenant = await person(srv.base, cast.admin, { email: 'gpu@kaist.example', kind: 'university', roles: ['tenant'], orgName: 'KAIST' });
  const p = await api(srv.base, 'POST', '/api/v1/programs', {
    token: cast.officer.token,
    body: { name: '국가 AI 컴퓨팅 자원 확충', budget_krw: 1_000_000_000_000, starts_on: '2025-01-01', ends_on: '2027-12-31',
      milestones: [{ due_on: '2025-12-31', gpu_target: 15000, label: '1차년도' }, { due_on: '2027-01-31', gpu_target: 30000, label: '2차년도' }] },
  });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  programId = p.body.id;
  const s = await api(srv.base, 'POST', '/api/v1/sites', {
    token: cast.officer.token,
    body: { name: '국가슈퍼컴퓨팅센터 대전', operator_id: cast.officer.org.id, region: '대전', address: '대전광역시 유성구 대학로 245',
      power_capacity_kw: 2000, cooling_type: 'liquid', gpu_slot_capacity: 1024 },
  });
  assert.equal(s.status, 201, JSON.stringify(s.body));
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const csvFile = (name, body) => {
  const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'csv-')), name);
  writeFileSync(f, body);
  return f;
};

async function selectByText(page, selector, textPart) {
  const value = await page.locator(`${selector} option`, { hasText: textPart }).first().getAttribute('value');
  await page.selectOption(selector, value);
}

test('from a draft to an approved order, a received and inspected delivery, an allocation and the dashboard', T, async () => {
  const { context, page, problems } = await open(browser, { allow: ['POST /api/v1/deliveries/\\d+/units', 'POST /api/v1/purchase-orders'] });
  try {
    // The author drafts and submits; the four-eyes rule keeps the approval from them.
    await signIn(page, srv.base, 'buyer@msit.go.kr', PASSWORD);
    await go(page, srv.base, '/orders/new');
    assert.equal(await title(page), '발주 작성');
    await selectByText(page, '[name="program_id"]', '국가 AI');
    await selectByText(page, '[name="vendor_id"]', 'GPU Vendor Korea');
    await selectByText(page, '[name="lines[0].gpu_model_id"]', 'H100');
    await page.fill('[name="lines[0].quantity"]', '0');
    await page.fill('[name="lines[0].unit_price"]', '52000000');
    await page.click('form.form button[type="submit"]');
    // The API's message stands beside the field it is about.
    await until(page, 'the quantity error', () => document.querySelector('[data-field="lines[0].quantity"] .field-error')?.textContent !== '');
    assert.equal(await page.getAttribute('[name="lines[0].quantity"]', 'aria-invalid'), 'true');
    assert.equal(await text(page, 'form.form .alert p'), '입력값이 올바르지 않습니다. 아래 항목을 확인하세요.');
    await page.fill('[name="lines[0].quantity"]', '4');
    await page.click('form.form button[type="submit"]');
    await waitHash(page, /#\/orders\/\d+$/);
    assert.match(await title(page), /^구매 발주 PO-/);
    const orderUrl = page.url();
    assert.match(await text(page, '.view'), /₩208,000,000/);
    await page.click('button:text-is("상신")');
    await until(page, 'the submitted status', () => document.querySelector('.badge-submitted') !== null);
    assert.match(await text(page, '.notice.warn'), /본인이 작성했으므로 승인할 수 없습니다/);
    assert.equal(await page.locator('button', { hasText: /^승인$/ }).count(), 0, 'no approve button for the author');
    await signOut(page);

    // Another officer approves and places the order.
    await signIn(page, srv.base, 'approver@msit.go.kr', PASSWORD);
    await page.goto(orderUrl);
    await settled(page);
    assert.match(await text(page, '.notice'), /2인 확인 원칙/);
    await page.click('button:text-is("승인")');
    await until(page, 'the approved status', () => document.querySelector('.badge-approved') !== null);
    await page.click('button:text-is("발주 확정")');
    await until(page, 'the ordered status', () => document.querySelector('.badge-ordered') !== null);
    await screen(page, 'purchase-order');

    // A delivery received against it; its serials by CSV, one row bad.
    await page.fill('[name="reference"]', 'DN-2025-0001');
    await page.click('button:text-is("납품 입고 등록")');
    await waitHash(page, /#\/deliveries\/\d+$/);
    await settled(page);
    const bad = csvFile('serials.csv', `serial,model\n${SERIALS[0]},H100\nbad serial!,H100\n${SERIALS[2]},H100\n${SERIALS[3]},H100\n`);
    await page.setInputFiles('#csv-file', bad);
    await page.click('#csv-form button[type="submit"]');
    await page.locator('.bad-rows').waitFor();
    assert.equal(await text(page, '.bad-rows tbody tr td:first-child'), '3', 'the bad row by its line');
    assert.match(await text(page, '.bad-rows tbody tr'), /bad serial!/);
    await page.locator('#csv-result a[download]').waitFor();
    const fixed = csvFile('serials.csv', `serial,model\n${SERIALS.map((s) => `${s},H100`).join('\n')}\n`);
    await page.setInputFiles('#csv-file', fixed);
    await page.click('#csv-form button[type="submit"]');
    await page.locator('#inspect-form').waitFor();
    assert.equal(await page.locator('#inspect-form tbody tr').count(), 4);
    await screen(page, 'delivery');
    await page.click('#inspect-all-passed');
    await page.click('#inspect-form button[type="submit"]');
    await until(page, 'the inspected delivery', () => document.querySelector('.badge-inspected') !== null);
    assert.equal(await page.locator('.badge-passed').count(), 4);

    // Find a GPU by serial from the masthead.
    await page.fill('#serial-q', SERIALS[1].toLowerCase());
    await page.press('#serial-q', 'Enter');
    await waitHash(page, /#\/assets\/\d+$/);
    await settled(page);
    assert.equal(await title(page), `GPU ${SERIALS[1]}`);
    await screen(page, 'asset');

    // Two of them allocated to a university by count.
    await go(page, srv.base, '/allocations/new');
    await selectByText(page, '[name="tenant_id"]', 'KAIST');
    await selectByText(page, '[name="site_id"]', '국가슈퍼컴퓨팅센터');
    await page.fill('[name="purpose"]', 'LLM 사전학습');
    await page.fill('[name="starts_on"]', '2025-06-01');
    await selectByText(page, '[name="gpu_model_id"]', 'H100');
    await page.fill('[name="count"]', '2');
    await page.click('form.form button[type="submit"]');
    await waitHash(page, /#\/allocations\/\d+$/);
    await settled(page);
    assert.match(await text(page, '.view'), /KAIST/);
    await screen(page, 'allocation');

    // The dashboard counts them.
    await go(page, srv.base, `/dashboard?program=${programId}`);
    const kpi = async (label) => page.locator('.kpi', { hasText: label }).locator('.kpi-value').textContent();
    assert.equal(await kpi('발주'), '4');
    assert.equal(await kpi('검수 합격'), '4');
    assert.equal(await kpi('배분'), '2');
    assert.equal(await kpi('약정액'), '₩208,000,000');
    await page.click('.chart-table summary >> nth=0');
    assert.match(await text(page, '.chart-table[open] table'), /1차년도/);
    await screen(page, 'dashboard');
    await clean(page, problems);
  } finally {
    await context.close();
  }
});

test('a tenant sees its GPUs and where they are, and no officer menus', T, async () => {
  const { context, page, problems } = await open(browser);
  try {
    await signIn(page, srv.base, 'gpu@kaist.example', PASSWORD);
    const menus = await page.locator('#nav-list a').allTextContents();
    assert.deepEqual(menus, ['우리 기관 GPU', '공모', '2단계 인증']);
    await page.click('#nav-list a:text-is("우리 기관 GPU")');
    await settled(page);
    assert.equal(await text(page, '#tenant-gpu-count'), '2');
    assert.match(await text(page, '.view'), /국가슈퍼컴퓨팅센터 대전/);
    await screen(page, 'tenant');
    await go(page, srv.base, '/orders');
    assert.equal(await title(page), '접근 권한 없음');
    assert.match(await text(page, '#plain-message'), /이용 기관/);
    assert.equal(await page.isVisible('#serial-search'), false, 'no serial search for a tenant');
    await clean(page, problems);
  } finally {
    await context.close();
  }
});
