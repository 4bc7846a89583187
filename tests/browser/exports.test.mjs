// An auditor's exports in the browser: a report with its filters saved as
// CSV and as XLSX, the signed manifest beside it, and the offline check
// the page shows run as it says (exit 0); the audit trail report offered
// to auditors but not to officers; the open data: the OCDS package and the
// public progress page, without sign-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, login } from '../api/helpers.mjs';
import { person, PASSWORD } from '../api/fixtures.mjs';
import { seedAssets } from '../api/seed.mjs';
import ko from '../../static/i18n/ko.js';
import { T, launch, open, clean, signIn, signOut, go, settled, until, screen, text, title, waitHash } from './harness.mjs';

let srv;
let browser;
const dir = mkdtempSync(path.join(os.tmpdir(), 'exports-'));

before(async () => {
  srv = await startServer();
  browser = await launch();
  const admin = await login(srv.base);
  await person(srv.base, admin, { email: 'auditor@bai.go.kr', kind: 'auditor', roles: ['auditor'], orgName: '감사원' });
  await person(srv.base, admin, { email: 'officer@msit.go.kr', kind: 'ministry', roles: ['officer'], orgName: 'MSIT' });
  seedAssets(srv.db, { count: 25 });
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Clicks a button that downloads; saves the file under its own name.
async function saveDownload(page, selector) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = path.join(dir, d.suggestedFilename());
  await d.saveAs(file);
  return file;
}

// The command the page shows, run as a person would run it.
function runShownCommand(command) {
  const args = command.replace(/\\\n\s*/g, ' ').trim().split(/\s+/).slice(1).map((a) => a.replace(/^'|'$/g, ''));
  return spawnSync(process.env.REGISTRY_BIN, args, { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
}

test('an auditor downloads a report as CSV and XLSX with its signed manifest, and the shown command verifies them', T, async () => {
  const { context, page, problems } = await open(browser);
  try {
    await signIn(page, srv.base, 'auditor@bai.go.kr', PASSWORD);
    await go(page, srv.base, '/exports');
    assert.equal(await page.locator('a[href="#/exports?report=audit-trail"]').count(), 1, 'auditors get the audit trail');
    await page.click('a[href="#/exports?report=assets"]');
    await waitHash(page, /#\/exports\?report=assets$/);
    await page.fill('[name="as_of"]', '2026-06-30');
    const csv = await saveDownload(page, '#export-download');
    assert.match(path.basename(csv), /^assets-\d+\.csv$/);
    assert.match(readFileSync(csv, 'utf8'), /as_of=2026-06-30/);
    await until(page, 'the export told', () => document.getElementById('export-done') !== null);
    const manifest = await saveDownload(page, '#manifest-download');
    assert.equal(path.basename(manifest), path.basename(csv).replace('.csv', '.manifest'));
    assert.match(readFileSync(manifest, 'utf8'), /^gpu-registry export manifest v1\n/);
    const command = await text(page, '#verify-command');
    assert.match(command, /^registry verify-export assets-\d+\.csv assets-\d+\.manifest/);
    const ok = runShownCommand(command);
    assert.equal(ok.status, 0, ok.stderr + ok.stdout);
    await screen(page, 'exports');

    await page.selectOption('[name="format"]', 'xlsx');
    const xlsx = await saveDownload(page, '#export-download');
    assert.match(path.basename(xlsx), /^assets-\d+\.xlsx$/);
    assert.equal(readFileSync(xlsx).subarray(0, 2).toString(), 'PK');
    await until(page, 'the xlsx export told', (f) => document.getElementById('export-done')?.textContent.includes(f), path.basename(xlsx));
    await saveDownload(page, '#manifest-download');
    assert.equal(runShownCommand(await text(page, '#verify-command')).status, 0);
    await clean(page, problems);
    await signOut(page);

    await signIn(page, srv.base, 'officer@msit.go.kr', PASSWORD);
    await go(page, srv.base, '/exports');
    assert.equal(await page.locator('a[href="#/exports?report=audit-trail"]').count(), 0, 'officers do not get the audit trail');
    await clean(page, problems);
  } finally {
    await context.close();
  }
});

test('the open data: the OCDS package link and the public progress page without sign-in', T, async () => {
  const { context, page, problems } = await open(browser);
  try {
    await page.goto(`${srv.base}/#/progress`);
    await settled(page);
    assert.equal(await title(page), ko['pub.title']);
    assert.ok(await page.locator('#nav').isHidden(), 'no shell: nobody is signed in');
    assert.match(await text(page, '.view'), /목표 대비 가동 GPU/);
    const href = await page.getAttribute('a[href="/api/v1/exports/ocds"]', 'href');
    const ocds = await (await fetch(srv.base + href)).json();
    assert.ok(Array.isArray(ocds.releases));
    await screen(page, 'public-progress');
    await clean(page, problems);
  } finally {
    await context.close();
  }
});
