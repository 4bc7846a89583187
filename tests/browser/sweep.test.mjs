// A sweep over every screen of static/js/routes.js, for every role, in
// Korean and in English, against one of each kind of record made through
// the API. On each screen: axe finds nothing serious or critical; no
// catalogue key, raw code or catalogue text of the other language shows;
// no value reads NaN or as a UTC timestamp; a row of fields stands level
// and no label breaks a word; the first Tab from the top reaches the skip
// link with a visible focus; no console error, CSP violation or failed
// request; and a full-page screenshot is kept. An address a role may not open says
// so plainly, and the role's menu never offers it. Money, Seoul times and
// registration numbers read as they should on the screens that show them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, api, sql } from '../api/helpers.mjs';
import { procurementCast, person, program, purchaseOrder, PASSWORD } from '../api/fixtures.mjs';
import { site } from '../api/seed.mjs';
import { callBody, company, letterBody } from '../api/calls/fixtures.mjs';
import { ROUTES } from '../../static/js/routes.js';
import { allowed } from '../../static/js/router.js';
import { dateTime } from '../../static/js/format.js';
import ko from '../../static/i18n/ko.js';
import en from '../../static/i18n/en.js';
import { T, SHOTS, launch, open, clean, signIn, settled, until, axe } from './harness.mjs';

const ROLES = ['admin', 'officer', 'auditor', 'vendor', 'tenant'];
const DIR = path.join(SHOTS, 'sweep');
const DAY = 86400000;
// A moment `days` from now, on the hour, in Seoul time as the API takes it.
const at = (days) => {
  const hour = Math.floor((Date.now() + days * DAY) / 3600000) * 3600000;
  return `${new Date(hour + 9 * 3600000).toISOString().slice(0, 19)}+09:00`;
};

let srv;
let browser;
const rec = {};        // the ids the addresses name
const logins = {};      // role -> [email, password]
const facts = {};      // what the format checks look for

before(async () => {
  srv = await startServer();
  browser = await launch();
  const cast = await procurementCast(srv.base);
  const admin = cast.admin;
  const auditor = await person(srv.base, admin, { email: 'auditor@bai.go.kr', kind: 'auditor', roles: ['auditor'], orgName: '감사원' });
  const tenant = await person(srv.base, admin, { email: 'gpu@kaist.example', kind: 'university', roles: ['tenant'], orgName: '한국과학기술원' });
  // The vendor is a company that registered itself (its number in digits
  // alone, so that the dashes on the screen are the screen's).
  const comp = await company(srv.base, 'Hanbit');
  const digits = comp.number.replace(/-/g, '');
  sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
    UPDATE organizations SET registration_number = '${digits}' WHERE id = ${comp.org.id}; COMMIT;`);
  facts.brn = comp.number;
  const seller = { ...cast, vendor: comp };

  const prog = await program(srv.base, cast.officer.token, { name: '국가 AI 컴퓨팅 자원 확충' });
  const H = cast.model.H100.id;
  const draft = await purchaseOrder(srv.base, seller, { programId: prog.id, status: 'draft', lines: [{ gpu_model_id: H, quantity: 2, unit_price: 1_234_000 }] });
  const submitted = await purchaseOrder(srv.base, seller, { programId: prog.id, status: 'submitted', lines: [{ gpu_model_id: H, quantity: 1, unit_price: 1_234_000 }] });
  const ordered = await purchaseOrder(srv.base, seller, { programId: prog.id, lines: [{ gpu_model_id: H, quantity: 4, unit_price: 1_234_000, warranty_months: 36 }] });
  const usd = await purchaseOrder(srv.base, seller, { programId: prog.id, currency: 'USD', rate: '1385.20', lines: [{ gpu_model_id: cast.model.H200.id, quantity: 2, unit_price: 2_500_000 }] });
  const serials = ['SWEEP-H100-0001', 'SWEEP-H100-0002', 'SWEEP-H100-0003', 'SWEEP-H100-0004'];
  const d = await api(srv.base, 'POST', '/api/v1/deliveries', {
    token: cast.officer.token, body: { purchase_order_id: ordered.id, reference: 'DN-2026-0001', lines: [{ gpu_model_id: H, serials }] },
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  const insp = await api(srv.base, 'POST', `/api/v1/deliveries/${d.body.id}/inspection`, {
    token: cast.approver.token, body: { units: serials.map((serial, i) => ({ serial, result: i === 3 ? 'failed' : 'passed', ...(i === 3 ? { note: '팬 소음' } : {}) })) },
  });
  assert.equal(insp.status, 200, JSON.stringify(insp.body));
  const theSite = await site(srv.base, cast.officer.token, { slots: 64, kw: 500, name: '국가슈퍼컴퓨팅센터 대전',
    racks: [{ name: 'A-01', slot_capacity: 32, power_capacity_kw: 200 }, { name: 'A-02', slot_capacity: 32, power_capacity_kw: 200 }] });
  const alloc = await api(srv.base, 'POST', '/api/v1/allocations', {
    token: cast.officer.token,
    body: { tenant_id: tenant.org.id, purpose: '초거대 언어모델 학습', starts_on: '2026-03-01', site_id: theSite.id, gpu_model_id: H, count: 2 },
  });
  assert.equal(alloc.status, 201, JSON.stringify(alloc.body));
  const asset = (await api(srv.base, 'GET', `/api/v1/assets?serial=${serials[0]}`, { token: cast.officer.token })).body.items[0];

  // A published call with the company's letter, and a draft to edit.
  const times = { briefing_at: at(5), loi_deadline: at(26), guidelines_release_at: at(27), proposal_deadline: at(70), opening_at: at(73), evaluation_ends_at: at(110) };
  const c = await api(srv.base, 'POST', '/api/v1/calls', { token: cast.officer.token, body: callBody({ briefing_capacity: 50, ...times }) });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const pub = await api(srv.base, 'POST', `/api/v1/calls/${c.body.id}/publish`, { token: cast.officer.token });
  assert.equal(pub.status, 200, JSON.stringify(pub.body));
  facts.loiDeadline = dateTime(pub.body.loi_deadline);
  const letter = await api(srv.base, 'POST', `/api/v1/calls/${c.body.id}/letters`, { token: comp.token, body: letterBody() });
  assert.equal(letter.status, 201, JSON.stringify(letter.body));
  const draftCall = await api(srv.base, 'POST', '/api/v1/calls', { token: cast.officer.token, body: callBody({ title_ko: '2차 공모 초안', title_en: 'Second call (draft)', ...times }) });
  assert.equal(draftCall.status, 201, JSON.stringify(draftCall.body));
  // An export, so that the trail and the manifests have one.
  const ex = await fetch(`${srv.base}/api/v1/exports/assets`, { headers: { authorization: `Bearer ${auditor.token}` } });
  const exported = await ex.text();
  assert.equal(ex.status, 200, exported);

  Object.assign(rec, {
    program: prog.id, draft: draft.id, submitted: submitted.id, ordered: ordered.id, usd: usd.id, delivery: d.body.id,
    asset: asset.id, site: theSite.id, allocation: alloc.body.id, call: c.body.id, draftCall: draftCall.body.id,
    org: comp.org.id, user: cast.officer.user.id, rack: theSite.racks[0].id, model: H,
  });
  Object.assign(logins, {
    admin: ['admin@localhost', 'admin-test-password-1'], officer: ['buyer@msit.go.kr', PASSWORD],
    auditor: ['auditor@bai.go.kr', PASSWORD], vendor: [comp.email, PASSWORD], tenant: [tenant.user.email, PASSWORD],
  });
  mkdirSync(DIR, { recursive: true });
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

// The addresses of each route with the seeded records; a record page may
// have several (an order in each state).
function addresses(pattern, role) {
  const ids = {
    '/programs/:id': [rec.program], '/orders/:id': role === 'officer' ? [rec.draft, rec.submitted, rec.ordered, rec.usd] : [rec.ordered, rec.usd],
    '/deliveries/:id': [rec.delivery], '/assets/:id': [rec.asset], '/sites/:id': [rec.site], '/allocations/:id': [rec.allocation],
    '/calls/:id': role === 'officer' ? [rec.call, rec.draftCall] : [rec.call], '/calls/:id/edit': [rec.draftCall],
    '/organizations/:id': [rec.org], '/users/:id': [rec.user],
    '/programs/:id/edit': [rec.program], '/orders/:id/edit': [rec.draft], '/sites/:id/edit': [rec.site],
    '/sites/:id/racks/:rack_id/edit': [{ id: rec.site, rack_id: rec.rack }], '/calls/:id/evaluation': [rec.call],
    '/gpu-models/:id': [rec.model],
  };
  if (pattern === '/calls/:id/proposals/:sid') return [];   // needs an opened call: callstaff.test.mjs
  if (pattern === '/exports' && role === 'auditor') return ['/exports', '/exports?report=assets'];
  if (!pattern.includes(':')) return [pattern];
  assert.ok(ids[pattern], `a record to show at ${pattern}`);
  return ids[pattern].map((v) => pattern.replace(/:(\w+)/g, (_, name) => (typeof v === 'object' ? v[name] : v)));
}

const slug = (a) => a.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '') || 'home';

// Moves to an address as a link would (no reload), and waits until the
// screen is drawn and has stopped changing.
async function visit(page, address) {
  await page.evaluate((a) => new Promise((resolve) => {
    if (window.location.hash === `#${a}`) { resolve(); return; }
    window.addEventListener('hashchange', () => resolve(), { once: true });
    window.location.hash = `#${a}`;
  }), address);
  await settled(page);
  await steady(page);
}

async function steady(page) {
  let last = '';
  for (let i = 0; i < 40; i++) {
    const now = await page.evaluate(() => document.getElementById('main').innerHTML.length + document.getElementById('main').innerText);
    if (now === last) return;
    last = now;
    await new Promise((r) => setTimeout(r, 40));
  }
}

// What is wrong with a screen as a person reads it: catalogue keys, raw
// codes, broken values, UTC moments, the other language's words where only
// the catalogue speaks; controls out of line, words broken across lines,
// text spilling out of its box.
async function faults(page, lang) {
  const other = lang === 'ko' ? en : ko;
  const own = lang === 'ko' ? ko : en;
  const foreign = [...new Set(Object.entries(other).filter(([k, v]) => !/\{/.test(v) && v !== own[k] && v.length > 1).map(([, v]) => v))];
  return page.evaluate(({ foreign, lang }) => {
    const bad = [];
    // The seeded administrator's name and the ministry's are data that
    // happen to read like catalogue entries.
    const seen = new Set(foreign.filter((v) => v !== 'Administrator' && v !== '과학기술정보통신부'));
    const hangul = /[\uac00-\ud7a3]/;
    const key = /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9_]+)+$/;
    const code = /^[a-z]+(_[a-z]+)+$/;
    const check = (text, where) => {
      const s = text.trim();
      if (!s) return;
      if (key.test(s)) bad.push(`catalogue key "${s}" in ${where}`);
      else if (/\b(NaN|undefined|null|Invalid Date)\b|\[object /.test(s)) bad.push(`a broken value "${s}" in ${where}`);
      else if (/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s)) bad.push(`a moment not in Seoul time "${s}" in ${where}`);
      else if (code.test(s)) bad.push(`raw code "${s}" in ${where}`);
      else if (seen.has(s)) bad.push(`${lang === 'ko' ? 'English' : 'Korean'} "${s}" in ${where}`);
      else if (lang === 'en' && hangul.test(s) && where.startsWith('label')) bad.push(`Korean "${s}" in ${where}`);

    };
    const where = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''}`;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      // Code and commands are shown as they are, in no language.
      if (!el || el.closest('noscript, script, style, code, pre, [lang]:not(html)') || !el.checkVisibility()) continue;
      check(n.textContent, where(el));
    }
    for (const el of document.querySelectorAll('[aria-label], [placeholder], [title], [alt]')) {
      if (el.closest('[lang]:not(html)')) continue;
      for (const a of ['aria-label', 'placeholder', 'title', 'alt']) if (el.hasAttribute(a)) check(el.getAttribute(a), `label ${a} of ${where(el)}`);
    }
    // The parts of a screen that only the catalogue fills: headings of
    // columns and facts, labels, legends, buttons. A choice's own label
    // (label.check) names a record (a serial, a person) and is data.
    const english = (v) => (v.replace(/\b(GPU|API|AI|kW|CSV|XLSX|PDF|OCDS|TOTP|RMA|SHA-256|Ed25519|ID|KST|PO|LOI)\b/g, '').match(/[A-Za-z]{3,}/g) ?? []).length > 0;
    for (const el of document.querySelectorAll('#main th, #main dt, #main label, #main legend, #main button, #main summary, #nav a, #main .kpi-label')) {
      if (!el.checkVisibility() || el.closest('[lang]:not(html)') || el.matches('label.check')) continue;
      const s = el.textContent.trim();
      if (lang === 'en' && hangul.test(s)) bad.push(`Korean "${s}" in ${where(el)}`);
      if (lang === 'ko' && !hangul.test(s) && english(s)) bad.push(`English "${s}" in ${where(el)}`);
    }
    // No word of a label, a heading or a button is broken across lines.
    const range = document.createRange();
    for (const el of document.querySelectorAll('#main th, #main dt, #main label, #main button, #nav a, #main .kpi-label')) {
      if (!el.checkVisibility()) continue;
      const tw = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = tw.nextNode(); n; n = tw.nextNode()) {
        for (const m of n.textContent.matchAll(/\S+/g)) {
          range.setStart(n, m.index);
          range.setEnd(n, m.index + m[0].length);
          if (range.getClientRects().length > 1) bad.push(`"${m[0]}" broken across lines in ${where(el)}`);
        }
      }
    }
    for (const b of document.querySelectorAll('.badge')) {
      const c = [...b.classList].find((x) => x.startsWith('badge-'))?.slice(6);
      if (c && b.textContent.trim() === c && !/^\d+$/.test(c)) bad.push(`raw code "${c}" in a badge`);
    }
    if (document.documentElement.lang !== lang) bad.push(`html lang is ${document.documentElement.lang}`);
    // The controls of a row of fields stand level, whatever their labels
    // and help texts.
    for (const grid of document.querySelectorAll('#main .form-grid, #main .filters')) {
      const rows = {};
      for (const f of grid.querySelectorAll(':scope > div.field')) {
        const c = f.querySelector('input, select, textarea');
        if (!c || !f.checkVisibility()) continue;
        const top = Math.round(f.getBoundingClientRect().top);
        (rows[top] ??= []).push([f.dataset.field, Math.round(c.getBoundingClientRect().top)]);
      }
      for (const row of Object.values(rows)) {
        const tops = row.map(([, t]) => t);
        if (Math.max(...tops) - Math.min(...tops) > 1) bad.push(`controls not level in a row: ${row.map(([n, t]) => `${n}@${t}`).join(', ')}`);
      }
    }
    // Nothing spills out of its box (a long number past its tile's edge).
    for (const el of document.querySelectorAll('#main *')) {
      if (!el.checkVisibility() || el.closest('.table-wrap, pre')) continue;
      const s = getComputedStyle(el);
      if (s.overflowX !== 'visible' || s.display === 'inline') continue;
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) bad.push(`${where(el)} spills over (${el.scrollWidth} > ${el.clientWidth}): "${el.textContent.trim().slice(0, 40)}"`);
    }
    return bad;
  }, { foreign, lang });
}

// The first Tab from the top of the page: the skip link (or a menu
// entry), with a visible focus.
async function firstTab(page) {
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    const mark = document.createElement('span');
    mark.tabIndex = -1;
    document.body.prepend(mark);
    mark.focus();
    mark.remove();
  });
  await page.keyboard.press('Tab');
  return page.evaluate(() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');
    const first = el.classList.contains('skip-link') || el.closest('#nav') !== null;
    return first && visible ? null : `first Tab reached ${el.tagName.toLowerCase()}.${el.className} (outline ${s.outlineStyle} ${s.outlineWidth}, shadow ${s.boxShadow})`;
  });
}

// What some screens must show, as the formats have it: won and dollars,
// a deadline in Seoul time (the browser is in London), a registration
// number with its dashes. Each is counted where it was found.
const expected = () => ({
  [`/orders/${rec.ordered}`]: ['₩1,234,000', '₩4,936,000'],
  [`/orders/${rec.usd}`]: ['$25,000.00', '$50,000.00'],
  [`/calls/${rec.call}`]: [facts.loiDeadline],
  [`/organizations/${rec.org}`]: [facts.brn],
});
const found = {};

async function sweepRole(role) {
  const issues = [];
  const { context, page, problems } = await open(browser);
  try {
    await signIn(page, srv.base, ...logins[role]);
    const mine = ROUTES.filter((r) => r.public || allowed(r, [role]));
    const theirs = ROUTES.filter((r) => !(r.public || allowed(r, [role])));
    const list = mine.flatMap((r) => addresses(r.pattern, role));

    // The menu offers only what the role may open.
    const hrefs = await page.locator('#nav-list a').evaluateAll((as) => as.map((a) => a.getAttribute('href').slice(1)));
    for (const href of hrefs) {
      const r = ROUTES.find((x) => x.pattern === href);
      if (!r || !allowed(r, [role])) issues.push(`the menu offers ${href}`);
    }
    assert.ok(hrefs.length >= 3, `${role} has a menu`);

    for (const lang of ['ko', 'en']) {
      if (lang === 'en') {
        await page.selectOption('#lang', 'en');
        await until(page, 'English', () => document.documentElement.lang === 'en' && !document.getElementById('view').hasAttribute('aria-busy'));
      }
      const forbidden = lang === 'ko' ? ko['forbidden.title'] : en['forbidden.title'];
      for (const address of list) {
        await visit(page, address);
        const name = `${role} ${address} (${lang})`;
        const heading = await page.evaluate(() => document.getElementById('page-title')?.textContent ?? document.getElementById('whoami-heading')?.textContent);
        if (heading === forbidden) issues.push(`${name}: forbidden`);
        // The shell around the screen is checked whole on the first
        // screen of each language, the screen itself on every one.
        try { await axe(page, name, address === list[0] ? null : '#main'); } catch (e) { issues.push(e.message.split('\n')[0] + ' ' + JSON.stringify(e.actual)); }
        for (const w of await faults(page, lang)) issues.push(`${name}: ${w}`);
        const shown = await page.evaluate(() => document.getElementById('main').innerText);
        for (const want of expected()[address] ?? []) {
          if (shown.includes(want)) found[want] = (found[want] ?? 0) + 1;
          else issues.push(`${name}: "${want}" not shown`);
        }
        await page.screenshot({ path: path.join(DIR, `${role}-${slug(address)}-${lang}.jpg`), fullPage: true, type: 'jpeg', quality: 70 });
        const tab = await firstTab(page);
        if (tab) issues.push(`${name}: ${tab}`);
        const seen = problems.splice(0);
        for (const p of seen) issues.push(`${name}: ${p}`);
      }
      // Each address the role may not open says so, in its language.
      for (const r of theirs) {
        const address = r.pattern.replace(':id', '1').replace(':sid', '1');
        await visit(page, address);
        const heading = await page.evaluate(() => document.getElementById('page-title')?.textContent);
        if (heading !== forbidden) issues.push(`${role} ${address} (${lang}): "${heading}", not the forbidden page`);
      }
    }
    await clean(page, problems);
  } finally {
    await context.close();
  }
  return issues;
}

test('the catalogues have the same keys, none left in the other language', () => {
  assert.deepEqual(Object.keys(en).filter((k) => !Object.hasOwn(ko, k)), [], 'keys only in English');
  assert.deepEqual(Object.keys(ko).filter((k) => !Object.hasOwn(en, k)), [], 'keys only in Korean');
  // Korean entries with words but no Hangul, beyond the acronyms both languages use.
  const acronyms = /\b(GPU|API|AI|kW|CSV|XLSX|PDF|OCDS|TOTP|RMA|ID)\b/g;
  const latin = (v) => v.replace(/\{[^}]*\}/g, '').replace(acronyms, '').match(/[A-Za-z]{2,}/g) ?? [];
  assert.deepEqual(Object.entries(ko).filter(([, v]) => !/[\uac00-\ud7a3]/.test(v) && latin(v).length > 0).map(([k]) => k), []);
  assert.deepEqual(Object.entries(en).filter(([, v]) => /[\uac00-\ud7a3]/.test(v)).map(([k]) => k), [], 'Hangul in English entries');
});

for (const role of ROLES) {
  test(`every screen of the ${role} role, in Korean and English`, T, async () => {
    const issues = await sweepRole(role);
    assert.deepEqual(issues, []);
  });
}

test('won, dollars, Seoul times and registration numbers read as they should', () => {
  assert.deepEqual(Object.keys(found).sort(), Object.values(expected()).flat().sort(), 'each format was seen');
  assert.match(facts.brn, /^\d{3}-\d{2}-\d{5}$/);
  assert.match(facts.loiDeadline, /^\d{4}-\d{2}-\d{2} \d{2}:00$/);
});
