// The audit trail in the browser: an auditor filters the events, sees the
// latest signed checkpoint with its signature checked in the page, and
// verifies the trail against every checkpoint: it matches; after an owner
// rewrites an event behind the service's back, the same button names it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, sql } from '../api/helpers.mjs';
import { person, PASSWORD } from '../api/fixtures.mjs';
import ko from '../../static/i18n/ko.js';
import { T, launch, open, clean, signIn, go, until, screen, text } from './harness.mjs';

let srv;
let browser;

before(async () => {
  srv = await startServer({ env: { REGISTRY_AUDIT_SEQUENCE_MS: '30', REGISTRY_AUDIT_CHECKPOINT_MS: '50' } });
  browser = await launch();
  const admin = await login(srv.base);
  await person(srv.base, admin, { email: 'auditor@bai.go.kr', kind: 'auditor', roles: ['auditor'], orgName: '감사원' });
  for (let i = 0; i < 3; i++) await person(srv.base, admin, { email: `officer${i}@msit.go.kr`, kind: 'ministry', roles: ['officer'], orgName: 'MSIT' });
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('an auditor filters the trail, checks the latest checkpoint and verifies the log; a rewritten event is named', T, async () => {
  const { context, page, problems } = await open(browser);
  try {
    await signIn(page, srv.base, 'auditor@bai.go.kr', PASSWORD);
    await go(page, srv.base, '/audit');
    assert.equal(await text(page, '#checkpoint-signature'), ko['audit.sig.valid']);
    assert.match(await text(page, '#audit-offline'), /registry audit verify-offline --public-key 'gpu-registry\+/);
    await page.fill('[name="table"]', 'users');
    await page.click(`form.filters button[type="submit"]`);
    await until(page, 'filtered to users', () => /table=users/.test(window.location.hash) && !document.getElementById('view').hasAttribute('aria-busy'));
    const tables = await page.locator('.table tbody tr td:nth-child(5)').allTextContents();
    assert.ok(tables.length >= 4 && tables.every((x) => x === `${ko['table.users']} users`), tables.join());
    // The oldest event shown, proven a leaf of the signed checkpoint in the page.
    await page.locator(`.table tbody tr:last-child button:text("${ko['audit.prove']}")`).click();
    await until(page, 'the proof checked', () => /^증명됨: 이벤트 \d+은\(는\) 이벤트 [\d,]+건의 서명된 체크포인트의 잎 [\d,]+입니다\.$/.test(document.getElementById('proof-result')?.textContent ?? ''));
    await page.click('#audit-verify');
    await until(page, 'the verdict', () => document.getElementById('verify-verdict') !== null);
    assert.match(await text(page, '#verify-verdict'), /^일치합니다/);
    await screen(page, 'audit-trail');

    const id = sql(srv.db, "SELECT event_id FROM audit_tree WHERE level = 0 ORDER BY idx LIMIT 1 OFFSET 2")[0];
    sql(srv.db, `SET session_replication_role = replica; UPDATE audit_events SET after = after || '{"name": "rewritten"}' WHERE id = ${id}`);
    await page.click('#audit-verify');
    await until(page, 'the mismatch', () => /^불일치가 있습니다/.test(document.getElementById('verify-verdict')?.textContent ?? ''));
    assert.match(await text(page, '#verify-out'), new RegExp(ko['audit.kind.event_changed']));
    await screen(page, 'audit-trail-mismatch');
    await clean(page, problems);
  } finally {
    await context.close();
  }
});
