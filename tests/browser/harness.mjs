// What the browser journeys share: Debian's Chromium through
// playwright-core (never a downloaded browser), a page watched for CSP
// violations, console errors and failed requests, sign-in, axe-core run
// inside the page, and full-page screenshots into build/screenshots/.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from '../api/helpers.mjs';

export const LAUNCH = {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

export const T = { timeout: 180000 };
export const SHOTS = path.join(ROOT, 'build', 'screenshots');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const launch = () => chromium.launch(LAUNCH);

// A fresh context (English locale unless told) that records the page's
// CSP violations in window.__cspViolations.
export async function newContext(browser, options) {
  const context = await browser.newContext({ locale: 'en-US', ...options });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });
  return context;
}

// A fresh context with an English browser locale (so Korean can only come
// from the page's own default), watched for problems; `allow` lists
// "METHOD path" pairs whose 4xx the journey expects.
export async function open(browser, { allow = [] } = {}) {
  const context = await newContext(browser, { viewport: { width: 1360, height: 900 }, timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const problems = [];
  const allowed = (r) => allow.some((a) => {
    const [m, p] = a.split(' ');
    return r.request().method() === m && new URL(r.url()).pathname.match(new RegExp(`^${p}$`));
  }) || (new URL(r.url()).pathname === '/api/v1/me' && r.status() === 401);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => { if (r.status() >= 400 && !allowed(r)) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`); });
  return { context, page, problems };
}

// Fails with everything that went wrong on the page (and CSP violations).
export async function clean(page, problems) {
  const csp = await page.evaluate(() => window.__cspViolations);
  assert.deepEqual([...problems, ...csp], [], 'no page errors, failed requests or CSP violations');
}

// One step of a journey in a fresh context (open's), failing on anything
// that went wrong on the page; `allow` as open's.
export async function journey(browser, run, allow = []) {
  const { context, page, problems } = await open(browser, { allow });
  try {
    await run(page);
    await clean(page, problems);
  } finally {
    await context.close();
  }
}

// Polls a page predicate (page.evaluate works under the CSP); on time-out,
// says what the page shows instead (an error message, usually).
export async function until(page, what, fn, arg) {
  const end = Date.now() + 20000;
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() > end) {
      const shown = await page.evaluate(() => document.getElementById('main')?.innerText ?? '');
      throw new Error(`timed out waiting for ${what}; the page shows:\n${shown.slice(0, 1500)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The page's screen has been drawn: a title and no render under way.
export async function settled(page) {
  await until(page, 'the screen to be drawn', () => {
    const v = document.getElementById('view');
    return v && !v.hasAttribute('aria-busy') && (v.querySelector('#page-title') || !document.getElementById('whoami').hidden);
  });
}

export async function go(page, base, hash) {
  await page.goto(`${base}/#${hash}`);
  await page.locator('#nav').waitFor({ state: 'visible' });
  await settled(page);
}

export async function signIn(page, base, email, password) {
  await page.goto(`${base}/`);
  await page.locator('#login-form').waitFor({ state: 'visible' });
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('#login-submit');
  await page.locator('#nav').waitFor({ state: 'visible' });
  await settled(page);
}

export async function signOut(page) {
  await page.click('#logout');
  await page.locator('#login-form').waitFor({ state: 'visible' });
}

// axe-core inside the page (the whole page, or the part `within` names);
// fails on any serious or critical violation.
export async function axe(page, name, within) {
  if (!await page.evaluate(() => typeof window.axe === 'object')) await page.evaluate(`${AXE}\n;0`);
  const result = await page.evaluate((sel) => window.axe.run(sel ? { include: [sel] } : document, { resultTypes: ['violations'] }), within ?? null);
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.failureSummary}`).join(' | ')}`);
  assert.deepEqual(bad, [], `axe on ${name}`);
}

export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

// The main screen's checks in one: axe clean, then a full-page screenshot.
export async function screen(page, name) {
  await axe(page, name);
  await shot(page, name);
}

export const text = async (page, sel) => ((await page.textContent(sel)) ?? '').trim();
export const title = (page) => text(page, '#page-title');

// Waits for the address to show a screen.
export async function waitHash(page, re) {
  await until(page, `the address ${re}`, (src) => new RegExp(src).test(window.location.hash), re.source);
  await settled(page);
}
