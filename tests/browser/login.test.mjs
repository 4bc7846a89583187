// Browser test of the first page: cookie sign-in, who-am-I, sign-out, the
// Korean/English switch, and a clean run under the server's CSP.
//
// Runs Debian's Chromium through playwright-core (never a downloaded
// browser) against a real `registry serve` on a fresh database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { LAUNCH, newContext } from './harness.mjs';
import { startServer, checkedFetch, ADMIN_EMAIL, ADMIN_PASSWORD, ROOT } from '../api/helpers.mjs';

// What the page must say; kept here on purpose, so a broken dictionary fails.
const TEXT = {
  ko: {
    title: '국가 AI 컴퓨팅 자원 조달·자산 등록 시스템',
    submit: '로그인',
    logout: '로그아웃',
    credentials: '이메일 또는 비밀번호가 올바르지 않습니다.',
    admin: '시스템 관리자',
    ministry: '정부 부처',
    rate: (n) => `로그인 시도가 너무 많습니다. ${n}초 후에 다시 시도하세요.`,
    invalid: '입력값이 올바르지 않습니다. 아래 항목을 확인하세요.',
    tooLarge: (n) => `요청이 너무 큽니다. 최대 ${n}바이트까지 보낼 수 있습니다.`,
  },
  en: {
    title: 'National AI Compute Procurement & Asset Registry',
    submit: 'Sign in',
    logout: 'Sign out',
    credentials: 'Wrong email or password.',
    rate: (n) => `Too many attempts. Try again in ${n} seconds.`,
    admin: 'Administrator',
    ministry: 'Ministry',
  },
};

const SCREENSHOT = path.join(ROOT, 'build', 'screenshots', 'login.png');
const T = { timeout: 60000 };

let srv;
let browser;

before(async () => {
  // The tests make a few wrong-password attempts on the admin account; keep
  // the sign-in throttle out of their way (its own test sets it low).
  srv = await startServer({ env: { REGISTRY_LOGIN_MAX_FAILURES: '100' } });
  browser = await chromium.launch(LAUNCH);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// A fresh browser context (no cookies, empty localStorage) with an English
// browser locale, so that a Korean default cannot come from the locale.
async function open() {
  const context = await newContext(browser, { viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  return { context, page };
}

// The expected 401s of a sign-in flow: the session check while signed out
// and a wrong password. Anything else >= 400 is a problem.
function expected401(url) {
  const p = new URL(url).pathname;
  return p === '/api/v1/me' || p === '/api/v1/auth/login';
}

function watch(page) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    const loc = m.location();
    if (/^Failed to load resource: the server responded with a status of 401\b/.test(text)
        && loc && loc.url && expected401(loc.url)) return;
    problems.push(`console error: ${text} (${loc?.url ?? '?'})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() < 400) return;
    if (r.status() === 401 && expected401(r.url())) return;
    problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
  });
  return problems;
}

// Polls a page predicate (page.evaluate works under the CSP; waitForFunction
// may need eval, which the CSP forbids).
async function until(page, what, fn, arg) {
  const end = Date.now() + 15000;
  for (;;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function gotoLogin(page) {
  const resp = await page.goto(srv.base + '/');
  assert.equal(resp.status(), 200, 'GET / answers 200');
  await page.locator('#login-form').waitFor({ state: 'visible' });
  return resp;
}

// Fills and submits the form; resolves after the login reply arrived and the
// page has finished handling it (the submit button is usable again).
async function submitLogin(page, email, password) {
  await page.fill('#email', email);
  await page.fill('#password', password);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/login'
      && r.request().method() === 'POST'),
    page.click('#login-submit'),
  ]);
  await until(page, 'the login reply to be handled', () => {
    const b = document.getElementById('login-submit');
    return !b.disabled && (document.getElementById('login-error').textContent.trim() !== ''
      || !document.getElementById('whoami').hidden);
  });
  return resp;
}

const text = async (page, sel) => ((await page.textContent(sel)) ?? '').trim();
const htmlLang = (page) => page.evaluate(() => document.documentElement.lang);
const meStatus = (page) => page.evaluate(async () =>
  (await fetch('/api/v1/me', { credentials: 'same-origin', cache: 'no-store' })).status);

test('a wrong password shows the localized error and does not sign in', T, async () => {
  const { context, page } = await open();
  try {
    await gotoLogin(page);
    assert.equal(await page.isVisible('#whoami'), false, '#whoami hidden before sign-in');

    const resp = await submitLogin(page, ADMIN_EMAIL, 'not-the-admin-password');
    assert.equal(resp.status(), 401);
    assert.equal(await text(page, '#login-error'), TEXT.ko.credentials);
    assert.equal(await page.getAttribute('#login-error', 'role'), 'alert');
    assert.equal(await page.isVisible('#login-error'), true);
    assert.equal(await page.isVisible('#whoami'), false, 'no #whoami after a wrong password');
    assert.equal(await page.isVisible('#login-form'), true);
    assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
    assert.equal(await page.inputValue('#email'), ADMIN_EMAIL, 'the email is kept');
    assert.equal(await page.inputValue('#password'), '', 'the wrong password is cleared');

    // An unknown account gets the same words (no account enumeration).
    const resp2 = await submitLogin(page, 'nobody@example.invalid', 'whatever-password-1');
    assert.equal(resp2.status(), 401);
    assert.equal(await text(page, '#login-error'), TEXT.ko.credentials);
    assert.equal(await page.isVisible('#whoami'), false);

    assert.deepEqual(await context.cookies(srv.base), [], 'no cookie after failed logins');
    assert.equal(await meStatus(page), 401);
  } finally {
    await context.close();
  }
});

test('admin signs in with an HttpOnly SameSite=Strict cookie, stays signed in on reload, signs out', T, async () => {
  const { context, page } = await open();
  try {
    await gotoLogin(page);
    assert.deepEqual(await context.cookies(srv.base), [], 'no cookie before sign-in');

    const resp = await submitLogin(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    assert.equal(resp.status(), 200);
    const body = await resp.json();
    assert.equal(typeof body.token, 'string');

    await page.locator('#whoami').waitFor({ state: 'visible' });
    assert.equal(await page.isVisible('#login-form'), false, 'the form is gone once signed in');
    assert.equal(await text(page, '#login-error'), '');
    assert.equal(await text(page, '#user-email'), ADMIN_EMAIL);
    assert.equal(await text(page, '#user-name'), body.user.name);
    assert.ok((await text(page, '#user-name')).length > 0);
    const org = await text(page, '#user-org');
    assert.ok(org.includes(body.user.organization.name), `organization name shown: ${org}`);
    if (body.user.organization.kind === 'ministry') assert.ok(org.includes(TEXT.ko.ministry), `kind localized: ${org}`);
    assert.ok((await text(page, '#user-roles')).includes(TEXT.ko.admin), 'the admin role, in Korean');

    // The session is a cookie the page's script cannot read.
    const cookies = await context.cookies(srv.base);
    assert.ok(cookies.length >= 1, 'a session cookie was set');
    for (const c of cookies) {
      assert.equal(c.httpOnly, true, `cookie ${c.name} is HttpOnly`);
      assert.equal(c.sameSite, 'Strict', `cookie ${c.name} is SameSite=Strict`);
    }
    assert.equal(await page.evaluate(() => document.cookie), '', 'no cookie visible to scripts');

    // The token in the login reply is not kept by the page.
    const stored = await page.evaluate(() => {
      const all = {};
      for (const s of [localStorage, sessionStorage]) {
        for (let i = 0; i < s.length; i++) all[s.key(i)] = s.getItem(s.key(i));
      }
      return all;
    });
    assert.ok(!JSON.stringify(stored).includes(body.token), 'token not in web storage');
    for (const k of Object.keys(stored)) assert.equal(k, 'registry.lang', `unexpected storage key ${k}`);

    // For humans: what the signed-in page looks like.
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // A reload keeps the session.
    await page.reload();
    await page.locator('#whoami').waitFor({ state: 'visible' });
    assert.equal(await text(page, '#user-email'), ADMIN_EMAIL);
    assert.equal(await page.isVisible('#login-form'), false);
    assert.equal(await meStatus(page), 200);

    // Sign out: back to the form, and the server has ended the session.
    const before = await context.cookies(srv.base);
    const [out] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/logout'),
      page.click('#logout'),
    ]);
    assert.equal(out.status(), 204);
    await page.locator('#login-form').waitFor({ state: 'visible' });
    assert.equal(await page.isVisible('#whoami'), false);
    assert.equal(await text(page, '#user-email'), '', 'user details cleared');
    assert.equal(await meStatus(page), 401, 'GET /api/v1/me from the page after logout');

    // The old cookie value is dead on the server too, not just dropped by the browser.
    const cookieHeader = before.map((c) => `${c.name}=${c.value}`).join('; ');
    const replay = await checkedFetch(srv.base, '/api/v1/me', { headers: { cookie: cookieHeader } });
    assert.equal(replay.status, 401, 'the old session cookie no longer works');
  } finally {
    await context.close();
  }
});

test('Korean by default, English on request, and the choice survives a reload', T, async () => {
  const { context, page } = await open();
  try {
    await gotoLogin(page);
    assert.equal(await htmlLang(page), 'ko');
    assert.equal(await text(page, '#login-submit'), TEXT.ko.submit);
    assert.equal(await text(page, 'h1'), TEXT.ko.title);
    assert.equal(await page.title(), TEXT.ko.title);
    assert.equal(await page.inputValue('#lang'), 'ko');
    // Labels are tied to their inputs.
    assert.equal(await page.locator('#email').evaluate((el) => el.labels.length), 1);
    assert.equal(await page.locator('#password').evaluate((el) => el.labels.length), 1);
    assert.equal(await page.locator('#lang').evaluate((el) => el.labels.length), 1);

    // A Korean error re-renders when the language changes.
    await submitLogin(page, ADMIN_EMAIL, 'not-the-admin-password');
    assert.equal(await text(page, '#login-error'), TEXT.ko.credentials);

    await page.selectOption('#lang', 'en');
    await until(page, 'html lang="en"', () => document.documentElement.lang === 'en');
    assert.equal(await text(page, '#login-submit'), TEXT.en.submit);
    assert.equal(await text(page, 'h1'), TEXT.en.title);
    assert.equal(await page.title(), TEXT.en.title);
    assert.equal(await text(page, '#login-error'), TEXT.en.credentials);

    await page.reload();
    await page.locator('#login-form').waitFor({ state: 'visible' });
    assert.equal(await htmlLang(page), 'en', 'the choice survives a reload');
    assert.equal(await text(page, '#login-submit'), TEXT.en.submit);
    assert.equal(await page.inputValue('#lang'), 'en');

    // Signed in, in English.
    await submitLogin(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.locator('#whoami').waitFor({ state: 'visible' });
    assert.equal(await text(page, '#logout'), TEXT.en.logout);
    assert.ok((await text(page, '#user-roles')).includes(TEXT.en.admin));

    // And back to Korean, on the signed-in view.
    await page.selectOption('#lang', 'ko');
    assert.equal(await htmlLang(page), 'ko');
    assert.equal(await text(page, '#logout'), TEXT.ko.logout);
    assert.ok((await text(page, '#user-roles')).includes(TEXT.ko.admin));
  } finally {
    await context.close();
  }
});

test('the whole flow runs under the CSP with no violations and no console errors', T, async () => {
  const { context, page } = await open();
  const problems = watch(page);
  try {
    const resp = await gotoLogin(page);
    const csp = resp.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'/, `CSP header on the page: ${csp}`);
    assert.match(csp, /style-src 'self'/);
    // WebAssembly may be compiled (libsodium seals proposals); nothing else is evaluated.
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
    assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);

    // Nothing inline that the CSP would block.
    const inline = await page.evaluate(() => {
      const found = [];
      for (const s of document.querySelectorAll('script:not([src])')) found.push(`inline script ${s.textContent.slice(0, 40)}`);
      for (const s of document.querySelectorAll('style')) found.push('style element');
      for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
          if (a.name === 'style' || a.name.startsWith('on')) found.push(`${el.tagName}[${a.name}]`);
        }
      }
      return found;
    });
    assert.deepEqual(inline, []);

    await submitLogin(page, ADMIN_EMAIL, 'not-the-admin-password');
    assert.equal(await text(page, '#login-error'), TEXT.ko.credentials);
    await submitLogin(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.locator('#whoami').waitFor({ state: 'visible' });
    await page.reload();
    await page.locator('#whoami').waitFor({ state: 'visible' });
    await page.selectOption('#lang', 'en');
    await page.selectOption('#lang', 'ko');
    await page.click('#logout');
    await page.locator('#login-form').waitFor({ state: 'visible' });
    assert.equal(await meStatus(page), 401);

    const violations = await page.evaluate(() => window.__cspViolations);
    assert.deepEqual(violations, [], 'no CSP violations');
    assert.deepEqual(problems, [], 'no console errors, page errors or unexpected HTTP errors');
  } finally {
    await context.close();
  }
});

test('the sign-in throttle tells how long to wait', T, async () => {
  const limited = await startServer({ env: { REGISTRY_LOGIN_MAX_FAILURES: '2' } });
  const { context, page } = await open();
  try {
    const resp = await page.goto(limited.base + '/');
    assert.equal(resp.status(), 200);
    await page.locator('#login-form').waitFor({ state: 'visible' });
    for (let i = 0; i < 2; i++) {
      const r = await submitLogin(page, ADMIN_EMAIL, 'not-the-admin-password');
      assert.equal(r.status(), 401);
    }
    // Now even the right password is refused until the window has passed.
    const r = await submitLogin(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    assert.equal(r.status(), 429);
    const after = r.headers()['retry-after'];
    assert.match(after ?? '', /^\d+$/, `Retry-After in seconds: ${after}`);
    assert.equal(await text(page, '#login-error'), TEXT.ko.rate(Math.max(1, Number(after))));
    assert.equal(await page.isVisible('#whoami'), false);
  } finally {
    await context.close();
    await limited.stop();
  }
});

test('a mocked 429 and other problem details are shown', T, async () => {
  const { context, page } = await open();
  try {
    await gotoLogin(page);
    const problem = (status, body, headers = {}) => ({
      status,
      headers: { 'content-type': 'application/problem+json', ...headers },
      body: JSON.stringify(body),
    });

    // 429 with Retry-After: the wait is told in seconds, from the header
    // when the problem does not carry it.
    await page.route('**/api/v1/auth/login', (route) => route.fulfill(problem(429,
      { type: 'about:blank', code: 'auth.throttled', title: 'Too Many Requests', status: 429, detail: 'slow down' },
      { 'retry-after': '42' })));
    await submitLogin(page, ADMIN_EMAIL, 'whatever-password-1');
    assert.equal(await text(page, '#login-error'), TEXT.ko.rate(42));
    assert.equal(await page.isVisible('#whoami'), false);
    await page.unroute('**/api/v1/auth/login');

    // A problem whose code the page does not know: its detail as sent, and
    // the per-field errors.
    await page.route('**/api/v1/auth/login', (route) => route.fulfill(problem(422, {
      type: 'about:blank', code: 'somewhere.new_code', title: 'Unprocessable Content', status: 422,
      detail: 'the request body is not valid',
      errors: [{ field: 'email', message: 'must be an email address' }],
    })));
    await submitLogin(page, 'not-an-email', 'whatever-password-1');
    const shown = await text(page, '#login-error');
    assert.ok(shown.includes('the request body is not valid'), shown);
    assert.ok(shown.includes('must be an email address'), shown);
    assert.equal(await page.getAttribute('#email', 'aria-invalid'), 'true');
    await page.unroute('**/api/v1/auth/login');

    // The real server still answers after the mocks are gone.
    const resp = await submitLogin(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    assert.equal(resp.status(), 200);
    await page.locator('#whoami').waitFor({ state: 'visible' });
  } finally {
    await context.close();
  }
});

test('a failed sign-in is told in Korean from its code, never from the English detail', T, async () => {
  const { context, page } = await open();
  const problem = (status, body) => ({
    status, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify(body),
  });
  const mock = (status, body) => page.route('**/api/v1/auth/login',
    (route) => route.fulfill(problem(status, { type: 'about:blank', title: 'x', status, ...body })));
  try {
    await gotoLogin(page);

    // The code decides the words, whatever the sentence says.
    await mock(401, { code: 'auth.invalid_credentials', detail: 'some English sentence' });
    await submitLogin(page, ADMIN_EMAIL, 'whatever-password-1');
    assert.equal(await text(page, '#login-error'), TEXT.ko.credentials);
    assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
    await page.unroute('**/api/v1/auth/login');

    // The numbers come from the problem's members.
    await mock(429, { code: 'auth.throttled', detail: 'too many failed sign-ins', retry_after_s: 17 });
    await submitLogin(page, ADMIN_EMAIL, 'whatever-password-1');
    assert.equal(await text(page, '#login-error'), TEXT.ko.rate(17));
    await page.unroute('**/api/v1/auth/login');

    await mock(413, { code: 'request.body_too_large', detail: 'the body is larger', limit_bytes: 4096 });
    await submitLogin(page, ADMIN_EMAIL, 'whatever-password-1');
    assert.equal(await text(page, '#login-error'), TEXT.ko.tooLarge(4096));
    await page.unroute('**/api/v1/auth/login');

    // validation.failed: the catalogue's sentence, then the fields.
    await mock(422, { code: 'validation.failed', detail: 'the request body has invalid fields; see errors',
      errors: [{ field: 'email', message: 'must be at most 254 characters' }] });
    await submitLogin(page, ADMIN_EMAIL, 'whatever-password-1');
    assert.equal(await text(page, '#login-error p'), TEXT.ko.invalid);
    assert.equal(await text(page, '#login-error li'), 'email: must be at most 254 characters');
    assert.equal(await page.getAttribute('#email', 'aria-invalid'), 'true');
    await page.unroute('**/api/v1/auth/login');

    // The real server's refusal carries the code; in English on request.
    const resp = await submitLogin(page, ADMIN_EMAIL, 'not-the-admin-password');
    assert.equal((await resp.json()).code, 'auth.invalid_credentials');
    assert.equal(await text(page, '#login-error'), TEXT.ko.credentials);
    await page.selectOption('#lang', 'en');
    assert.equal(await text(page, '#login-error'), TEXT.en.credentials);
    await mock(429, { code: 'auth.throttled', detail: 'x', retry_after_s: 5 });
    await submitLogin(page, ADMIN_EMAIL, 'whatever-password-1');
    assert.equal(await text(page, '#login-error'), TEXT.en.rate(5));
  } finally {
    await context.close();
  }
});
