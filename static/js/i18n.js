// i18n.js -- the message catalogues (static/i18n/<lang>.js) and the
// language switch. Korean by default; the choice is kept in localStorage.
//
// Entries are text with {placeholders}: {name} as given, {name:num} as a
// grouped number, {name:krw} as won, {name:date}/{name:time} in Seoul time.
import ko from '../i18n/ko.js';
import en from '../i18n/en.js';
import { date, dateTime, money, number } from './format.js';

export const CATALOGUES = { ko, en };
export const DEFAULT_LANG = 'ko';
const LANG_KEY = 'registry.lang';

let current = DEFAULT_LANG;

export const lang = () => current;

export function has(key) {
  return Object.hasOwn(CATALOGUES[current], key) || Object.hasOwn(CATALOGUES[DEFAULT_LANG], key);
}

const FORMATS = { num: number, krw: (v) => money(v, 'KRW'), date, time: dateTime };

function fill(text, params) {
  return text.replace(/\{(\w+)(?::(\w+))?\}/g, (all, name, fmt) => {
    const v = params[name];
    if (v === undefined || v === null) return '';
    return fmt && FORMATS[fmt] ? FORMATS[fmt](v) : String(v);
  });
}

export function t(key, params = {}) {
  const entry = CATALOGUES[current][key] ?? CATALOGUES[DEFAULT_LANG][key];
  return entry === undefined ? key : fill(entry, params);
}

// A record's own text in the current language (title_ko / title_en),
// Korean when there is none in English.
export const localized = (record, name) => (current === 'en' && record[`${name}_en`] ? record[`${name}_en`] : record[`${name}_ko`]);

// The catalogue's word for a code (a role, a status), or the code as is.
export function label(prefix, code) {
  if (code == null || code === '') return '';
  const key = `${prefix}.${code}`;
  return has(key) ? t(key) : String(code);
}

export function readStoredLang() {
  try {
    const v = window.localStorage.getItem(LANG_KEY);
    return v !== null && Object.hasOwn(CATALOGUES, v) ? v : null;
  } catch {
    return null;
  }
}

export function setLang(value, { remember = true } = {}) {
  if (!Object.hasOwn(CATALOGUES, value)) return;
  current = value;
  document.documentElement.lang = value;
  if (!remember) return;
  try {
    window.localStorage.setItem(LANG_KEY, value);
  } catch {
    /* storage disabled: the choice lasts for this page */
  }
}

// Every element marked data-i18n (the fixed parts of the page) in the
// current language; data-i18n-label sets aria-label, data-i18n-ph a placeholder.
export function translateFixed(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll('[data-i18n-ph]')) el.setAttribute('placeholder', t(el.dataset.i18nPh));
}
