// The second factor in the browser: an administrator requires it of
// officers; an officer signing in is taken to the enrolment, sees the
// otpauth URI, the base32 secret and a QR code, confirms with a code and
// gets ten recovery codes once; signs in again with a code; gets new
// recovery codes; and turns it off with the password and a recovery code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_EMAIL, ADMIN_PASSWORD, login } from '../api/helpers.mjs';
import { person, PASSWORD } from '../api/fixtures.mjs';
import { clockedServer } from '../api/calls/fixtures.mjs';
import { totp } from '../api/totp.mjs';
import ko from '../../static/i18n/ko.js';
import { T, launch, open, clean, signIn, signOut, go, settled, until, screen, text, waitHash } from './harness.mjs';

const T0 = '2026-03-02T09:00:00+09:00';
const at = (s) => new Date(Date.parse(T0) + s * 1000).toISOString();
const secs = (s) => Date.parse(T0) / 1000 + s;
let srv;
let setClock;
let browser;

before(async () => {
  ({ srv, setClock } = await clockedServer());
  setClock(T0);
  browser = await launch();
  await person(srv.base, await login(srv.base), { email: 'officer@msit.go.kr', kind: 'ministry', roles: ['officer'], orgName: 'MSIT' });
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function submitIn(page, formSel, values) {
  for (const [k, v] of Object.entries(values)) await page.fill(`${formSel} [name="${k}"]`, v);
  await page.click(`${formSel} button[type="submit"]`);
}

test('required for officers: enrolment with a QR code and the secret, recovery codes once, sign-in with a code, new codes, off', T, async () => {
  const { context, page, problems } = await open(browser, { allow: ['POST /api/v1/auth/second-factor/totp/confirm', 'POST /api/v1/auth/login'] });
  try {
    await signIn(page, srv.base, ADMIN_EMAIL, ADMIN_PASSWORD);
    await go(page, srv.base, '/account/second-factor');
    await page.check('[name="roles:officer"]');
    const [put] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/v1/settings/second-factor') && r.request().method() === 'PUT'),
      page.click(`button:text-is("${ko['tf.policySave']}")`)]);
    assert.equal(put.status(), 200);
    await settled(page);
    await screen(page, 'second-factor-admin');
    await signOut(page);

    // The officer is taken to the enrolment.
    await page.fill('#email', 'officer@msit.go.kr');
    await page.fill('#password', PASSWORD);
    await page.click('#login-submit');
    await waitHash(page, /#\/account\/second-factor$/);
    assert.equal(await text(page, '#tf-must'), ko['problem.auth.second_factor_enrolment_required']);
    await page.click('#tf-start');
    await until(page, 'the secret', () => document.getElementById('totp-secret') !== null);
    const secret = (await text(page, '#totp-secret')).replace(/\s+/g, '');
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.match(await text(page, '#otpauth-uri'), new RegExp(`^otpauth://totp/.*secret=${secret}`));
    assert.ok(await page.locator('svg.qr rect').count() > 100, 'a QR code drawn');
    await screen(page, 'second-factor-enrol');
    await submitIn(page, '#enrolment', { totp: '000000' === totp(secret, secs(0)) ? '111111' : '000000' });
    await until(page, 'the wrong code refused', () => document.querySelector('#enrolment .alert p') !== null);
    await submitIn(page, '#enrolment', { totp: totp(secret, secs(0)) });
    await until(page, 'the recovery codes', () => document.querySelectorAll('#recovery-codes li').length === 10);
    const codes = await page.locator('#recovery-codes li').allTextContents();
    assert.ok(codes.every((c) => /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/.test(c)), codes.join(' '));
    await screen(page, 'second-factor-codes');
    await signOut(page);

    // A sign-in asks for the code; then new recovery codes; then off with a recovery code.
    setClock(at(30));
    await page.fill('#email', 'officer@msit.go.kr');
    await page.fill('#password', PASSWORD);
    await page.click('#login-submit');
    await page.locator('#code-field').waitFor({ state: 'visible' });
    await page.fill('#password', PASSWORD);
    await page.fill('#code', totp(secret, secs(30)));
    await page.click('#login-submit');
    await page.locator('#nav').waitFor({ state: 'visible' });
    await settled(page);
    await go(page, srv.base, '/account/second-factor');
    assert.equal(await text(page, '#tf-state'), ko['tf.totp.active']);
    setClock(at(60));
    await page.click(`summary:text-is("${ko['tf.newCodes']}")`);
    await submitIn(page, 'details.subform', { code: totp(secret, secs(60)) });
    await until(page, 'new codes', () => document.querySelectorAll('#recovery-codes li').length === 10);
    const fresh = await page.locator('#recovery-codes li').allTextContents();
    assert.notDeepEqual(fresh, codes);
    await page.click(`summary:text-is("${ko['tf.disable']}")`);
    await submitIn(page, 'details.danger-zone', { password: PASSWORD, code: fresh[0] });
    await until(page, 'off', (want) => document.getElementById('tf-state')?.textContent === want, ko['tf.totp.none']);
    await clean(page, problems);
  } finally {
    await context.close();
  }
});
