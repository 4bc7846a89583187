// The catalogues and the formats, without a browser: every problem code
// the server can send has words in Korean and English, the two catalogues
// have the same keys and placeholders, every key the screens ask for
// exists, and money, dates and registration numbers read as they should.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../api/helpers.mjs';
import ko from '../../static/i18n/ko.js';
import en from '../../static/i18n/en.js';
import { brn, date, dateTime, fromSeoulInput, isoDate, isoMinute, money, number, seoulInput, timeLeft } from '../../static/js/format.js';
import { t } from '../../static/js/i18n.js';

const codes = () => {
  const r = spawnSync(process.env.REGISTRY_BIN, ['problems'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => l.split('\t')[0]);
};

const placeholders = (s) => [...s.matchAll(/\{(\w+)(?::\w+)?\}/g)].map((m) => m[1]).sort();

test('every problem code has words in both catalogues', () => {
  const list = codes();
  assert.ok(list.length > 50, `the registry lists its codes (${list.length})`);
  const missing = list.flatMap((c) => ['ko', 'en'].filter((l) => !Object.hasOwn({ ko, en }[l], `problem.${c}`)).map((l) => `${l}: ${c}`));
  assert.deepEqual(missing, []);
});

test('the catalogues have the same keys, each with the same placeholders', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(ko).sort());
  for (const k of Object.keys(ko)) assert.deepEqual(placeholders(en[k]), placeholders(ko[k]), k);
});

test('every key the screens name is in the catalogue', () => {
  const dir = path.join(ROOT, 'static', 'js');
  const files = [...readdirSync(dir).map((f) => path.join(dir, f)), ...readdirSync(path.join(dir, 'views')).map((f) => path.join(dir, 'views', f))]
    .filter((f) => f.endsWith('.js'));
  const keys = new Set();
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) keys.add(m[1]);
  }
  const html = readFileSync(path.join(ROOT, 'static', 'index.html'), 'utf8');
  for (const m of html.matchAll(/data-i18n(?:-label|-ph)?="([^"]+)"/g)) keys.add(m[1]);
  assert.ok(keys.size > 200, `keys found: ${keys.size}`);
  assert.deepEqual([...keys].filter((k) => !Object.hasOwn(ko, k)), []);
});

test('index.html carries no words of its own but the no-script notice', () => {
  const html = readFileSync(path.join(ROOT, 'static', 'index.html'), 'utf8')
    .replace(/<!--[\s\S]*?-->/g, '').replace(/<noscript>[\s\S]*?<\/noscript>/, '')
    .replace(/<title>[\s\S]*?<\/title>/, '').replace(/<option[^>]*>[^<]*<\/option>/g, '');
  const words = html.replace(/<[^>]+>/g, ' ').trim().split(/\s+/).filter(Boolean);
  assert.deepEqual(words, []);
});

test('a problem is told with the numbers it carries, as money where it is money', () => {
  const p = { order_krw: 208000000, budget_krw: 1000000000, committed_krw: 900000000, left_krw: 100000000 };
  assert.equal(t('problem.po.budget_exceeded', p),
    '승인하면 사업 예산을 넘습니다. 발주 ₩208,000,000, 예산 ₩1,000,000,000, 약정 ₩900,000,000, 잔액 ₩100,000,000.');
  assert.equal(t('problem.allocation.no_stock', { available: 1200, requested: 1500 }), '재고가 부족합니다. 재고 1,200대, 요청 1,500대.');
  assert.equal(t('problem.call.loi_deadline_passed', { deadline: '2026-03-31T09:00:00Z' }), '사업참여의향서 마감(2026-03-31 18:00)이 지났습니다.');
});

test('money, dates in Seoul time, numbers and registration numbers', () => {
  assert.equal(money(1234000), '₩1,234,000');
  assert.equal(money(1234000, 'KRW'), '₩1,234,000');
  assert.equal(money(123456789, 'USD'), '$1,234,567.89');
  assert.equal(money(5, 'USD'), '$0.05');
  assert.equal(money(-1500), '-₩1,500');
  assert.equal(number(30000), '30,000');
  assert.equal(brn('1234567890'), '123-45-67890');
  assert.equal(brn('123-45-67890'), '123-45-67890');
  assert.equal(brn('DE-HRB-1234'), 'DE-HRB-1234', 'a foreign number as it is');
  assert.equal(dateTime('2025-03-04T00:30:00Z'), '2025-03-04 09:30');
  assert.equal(date('2025-12-31T15:30:00Z'), '2026-01-01', 'the Seoul date, not UTC');
  assert.equal(date('2025-12-31'), '2025-12-31', 'a plain date as it is');
  const now = Date.parse('2026-03-01T00:00:00Z');
  assert.deepEqual(timeLeft('2026-03-03T05:07:00Z', now), { days: 2, hours: 5, minutes: 7 });
  assert.equal(timeLeft('2026-02-28T00:00:00Z', now), null);
});

test('dates typed year-month-day, tidied to the form the API takes', () => {
  assert.equal(isoDate('2026-03-04'), '2026-03-04');
  assert.equal(isoDate('2026. 3. 4.'), '2026-03-04', 'as Korean is written');
  assert.equal(isoDate('2026/3/4'), '2026-03-04');
  assert.equal(isoDate('03/04/2026'), null, 'month first is not read as anything');
  assert.equal(isoDate('2026-02-29'), null, 'no such day');
  assert.equal(isoDate('2028-02-29'), '2028-02-29');
  assert.equal(isoDate(''), null);
  assert.equal(isoMinute('2026-03-10 9:05'), '2026-03-10 09:05');
  assert.equal(isoMinute('2026-03-10T14:00'), '2026-03-10 14:00');
  assert.equal(isoMinute('2026-03-10 24:00'), null);
  assert.equal(isoMinute('2026-03-10'), null, 'a time is needed');
  assert.equal(seoulInput('2026-03-10T05:00:00Z'), '2026-03-10 14:00');
  assert.equal(fromSeoulInput('2026. 3. 10. 14:00'), '2026-03-10T14:00:00+09:00');
});
