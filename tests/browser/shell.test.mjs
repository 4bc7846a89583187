// The application shell: each role sees only its menus, an address a role
// may not open says so plainly, every screen switches language (and the
// choice is remembered), the keyboard reaches everything with a visible
// focus, and axe finds nothing serious on any main screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login } from '../api/helpers.mjs';
import { person, PASSWORD } from '../api/fixtures.mjs';
import ko from '../../static/i18n/ko.js';
import en from '../../static/i18n/en.js';
import { T, launch, open, clean, signIn, go, settled, until, screen, axe, text, title } from './harness.mjs';

let srv;
let browser;

const MENUS = {
  admin: ['nav.dashboard', 'nav.programs', 'nav.orders', 'nav.deliveries', 'nav.assets', 'nav.sites', 'nav.allocations', 'nav.calls', 'nav.applicants', 'nav.exports', 'nav.audit', 'nav.orgs', 'nav.users', 'nav.models', 'nav.secondFactor'],
  officer: ['nav.dashboard', 'nav.programs', 'nav.orders', 'nav.deliveries', 'nav.assets', 'nav.sites', 'nav.allocations', 'nav.calls', 'nav.applicants', 'nav.exports', 'nav.secondFactor'],
  auditor: ['nav.dashboard', 'nav.programs', 'nav.orders', 'nav.deliveries', 'nav.assets', 'nav.sites', 'nav.allocations', 'nav.calls', 'nav.applicants', 'nav.exports', 'nav.audit', 'nav.users', 'nav.secondFactor'],
  vendor: ['nav.orders', 'nav.deliveries', 'nav.calls', 'nav.orgKeys', 'nav.secondFactor'],
  tenant: ['nav.myGpus', 'nav.calls', 'nav.secondFactor'],
};
const KIND = { officer: 'ministry', auditor: 'auditor', vendor: 'vendor', tenant: 'institute' };
const email = (role) => `${role}@shell.example`;

before(async () => {
  srv = await startServer();
  browser = await launch();
  const admin = await login(srv.base);
  for (const role of ['officer', 'auditor', 'vendor', 'tenant']) {
    await person(srv.base, admin, { email: email(role), kind: KIND[role], roles: [role], orgName: `${role} organisation` });
  }
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

const signInAs = (page, role) => (role === 'admin'
  ? signIn(page, srv.base, 'admin@localhost', 'admin-test-password-1')
  : signIn(page, srv.base, email(role), PASSWORD));

test('each role sees exactly its menus', T, async () => {
  for (const [role, keys] of Object.entries(MENUS)) {
    const { context, page, problems } = await open(browser);
    try {
      await signInAs(page, role);
      assert.deepEqual(await page.locator('#nav-list a').allTextContents(), keys.map((k) => ko[k]), role);
      assert.equal(await page.isVisible('#serial-search'), ['admin', 'officer', 'auditor'].includes(role), `serial search for ${role}`);
      await clean(page, problems);
    } finally {
      await context.close();
    }
  }
});

test('an address a role may not open says so plainly, and an unknown one too', T, async () => {
  const { context, page, problems } = await open(browser);
  try {
    await signInAs(page, 'officer');
    await go(page, srv.base, '/users');
    assert.equal(await title(page), ko['forbidden.title']);
    assert.match(await text(page, '#plain-message'), /조달 담당관/);
    await go(page, srv.base, '/no-such-page');
    assert.equal(await title(page), ko['notfound.title']);
    await screen(page, 'forbidden');
    await clean(page, problems);
  } finally {
    await context.close();
  }
});

test('every screen of an administrator switches language, is axe clean in both, and the choice is kept', T, async () => {
  const { context, page, problems } = await open(browser);
  try {
    await signInAs(page, 'admin');
    for (const key of MENUS.admin) {
      await page.click(`#nav-list a:text-is("${ko[key]}")`);
      await settled(page);
      await until(page, `the ${key} screen`, (want) => document.getElementById('page-title')?.textContent === want, ko[key]);
      assert.equal(await page.getAttribute('#nav-list a[aria-current="page"]', 'href'), await page.evaluate(() => window.location.hash.split('?')[0]));
      await axe(page, `${key} (ko)`);
      await page.selectOption('#lang', 'en');
      await until(page, `${key} in English`, (want) => document.getElementById('page-title')?.textContent === want, en[key]);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      assert.equal(await text(page, '#logout'), en.logout);
      await axe(page, `${key} (en)`);
      await page.selectOption('#lang', 'ko');
      await until(page, `${key} in Korean`, (want) => document.getElementById('page-title')?.textContent === want, ko[key]);
    }
    await page.click(`#nav-list a:text-is("${ko['nav.models']}")`);
    await settled(page);
    await page.selectOption('#lang', 'en');
    await page.reload();
    await settled(page);
    assert.equal(await text(page, '#nav-list a[aria-current="page"]'), en['nav.models'], 'English after a reload');
    await screen(page, 'gpu-models-en');
    await clean(page, problems);
  } finally {
    await context.close();
  }
});

test('the keyboard reaches the skip link first, then the shell, with a visible focus', T, async () => {
  const { context, page, problems } = await open(browser);
  try {
    await signInAs(page, 'officer');
    await go(page, srv.base, '/orders');
    // The skip link comes first in the page's order.
    assert.equal(await page.evaluate(() => document.querySelector('a[href], button, input, select, textarea, [tabindex="0"]').className), 'skip-link');
    await page.focus('.skip-link');
    const seen = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate(() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        return { id: el.id || el.textContent.trim(), outline: s.outlineStyle !== 'none' && s.outlineWidth !== '0px' };
      }));
    }
    assert.ok(seen.some((s) => s.id === 'serial-q'), `the serial search is reachable: ${JSON.stringify(seen)}`);
    assert.ok(seen.some((s) => s.id === ko['nav.orders']), 'the menus are reachable');
    assert.deepEqual(seen.filter((s) => !s.outline), [], 'each focused control shows its focus');
    await clean(page, problems);
  } finally {
    await context.close();
  }
});

test('an account with a second factor is asked for its code, which goes with the password', T, async () => {
  const { context, page } = await open(browser);
  try {
    const sent = [];
    await page.route('**/api/v1/auth/login', async (route) => {
      const body = route.request().postDataJSON();
      sent.push(body);
      if (!body.totp) {
        await route.fulfill({ status: 401, contentType: 'application/problem+json',
          body: JSON.stringify({ type: '/problems/unauthorized', code: 'auth.second_factor_required', title: 'Unauthorized', status: 401, detail: 'send totp' }) });
      } else await route.continue({ postData: JSON.stringify({ email: body.email, password: body.password }) });
    });
    await page.goto(`${srv.base}/`);
    await page.locator('#login-form').waitFor({ state: 'visible' });
    assert.equal(await page.isVisible('#code'), false, 'no code field before the server asks');
    await page.fill('#email', email('officer'));
    await page.fill('#password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('#code').waitFor({ state: 'visible' });
    assert.equal(await text(page, '#login-error'), ko['problem.auth.second_factor_required']);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'code');
    assert.equal(await page.locator('#code').evaluate((el) => el.labels.length), 1);
    await page.fill('#code', '123 456');
    await page.click('#login-submit');
    await page.locator('#nav').waitFor({ state: 'visible' });
    assert.deepEqual(sent.map((b) => b.totp ?? null), [null, '123456']);
    assert.equal(await page.isVisible('#code'), false);
  } finally {
    await context.close();
  }
});
