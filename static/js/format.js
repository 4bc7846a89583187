// format.js -- how numbers, money, dates and registration numbers read.
// Pure functions (no DOM), so the tests can import them in Node too.
// Dates and times are shown in Seoul time whatever the browser's zone.

const ZONE = 'Asia/Seoul';

const dateParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

function parts(value) {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  return Object.fromEntries(dateParts.formatToParts(d).map((p) => [p.type, p.value]));
}

// 2025-03-04 for a timestamp (in Seoul) or a plain date (as it is).
export function date(value) {
  if (value == null || value === '') return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const p = parts(value);
  return p ? `${p.year}-${p.month}-${p.day}` : String(value);
}

// 2025-03-04 09:30 (Seoul time).
export function dateTime(value) {
  if (value == null || value === '') return '';
  const p = parts(value);
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` : String(value);
}

const grouped = new Intl.NumberFormat('en-US');

// 1,234,000; '' for nothing.
export function number(n) {
  if (n == null || n === '') return '';
  return grouped.format(Number(n));
}

// Money in minor units of its currency: KRW whole won (₩1,234,000),
// USD cents ($12,345.67).
export function money(amount, currency = 'KRW') {
  if (amount == null || amount === '') return '';
  const n = Number(amount);
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  if (currency === 'USD') {
    const cents = String(a % 100).padStart(2, '0');
    return `${sign}$${grouped.format(Math.floor(a / 100))}.${cents}`;
  }
  return `${sign}₩${grouped.format(a)}`;
}

// A Korean business registration number, 123-45-67890; anything else as is.
export function brn(value) {
  if (value == null) return '';
  const digits = String(value).replace(/[^0-9]/g, '');
  return digits.length === 10 ? `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}` : String(value);
}

// The time from now to a moment, in whole days, hours and minutes; null
// once it has passed.
export function timeLeft(value, now = Date.now()) {
  const ms = new Date(value).getTime() - now;
  if (Number.isNaN(ms) || ms <= 0) return null;
  const minutes = Math.floor(ms / 60000);
  return { days: Math.floor(minutes / 1440), hours: Math.floor((minutes % 1440) / 60), minutes: minutes % 60 };
}

// A share as a whole percentage of a total (0 when the total is 0).
export function percent(part, total) {
  return total > 0 ? Math.round((100 * part) / total) : 0;
}

// A date as typed (2026-03-04, also 2026.3.4, 2026/03/04 or 2026. 3. 4.)
// as the API takes it, 2026-03-04; null when it is no day of the calendar.
export function isoDate(text) {
  const m = /^\s*(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\s*\.?\s*$/.exec(text ?? '');
  if (!m) return null;
  const [y, mo, d] = m.slice(1).map(Number);
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// A date and a 24-hour time as typed (2026-03-10 14:00, or with a T) as
// 2026-03-10 14:00; null when it is not one.
export function isoMinute(text) {
  const m = /^\s*(.+?)(?:\s+|T)(\d{1,2}):(\d{2})\s*$/.exec(text ?? '');
  const day = m ? isoDate(m[1]) : null;
  if (!day || Number(m[2]) > 23 || Number(m[3]) > 59) return null;
  return `${day} ${m[2].padStart(2, '0')}:${m[3]}`;
}

// A moment as a date-and-time field shows it, in Seoul time
// (2026-03-10 14:00); and such a field's value back as the API takes it.
export function seoulInput(value) {
  const p = value ? parts(value) : null;
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` : '';
}

export function fromSeoulInput(v) {
  const m = isoMinute(v);
  return m ? `${m.replace(' ', 'T')}:00+09:00` : v;
}
