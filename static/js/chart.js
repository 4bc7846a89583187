// chart.js -- small charts drawn as SVG (no library, nothing inline: the
// colours are classes in app.css). Each chart comes with its numbers as a
// table one click away (a <details> under it).
import { h, uid } from './dom.js';
import { t } from './i18n.js';
import { number } from './format.js';
import { table } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, String(v));
  for (const c of children) if (c != null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function legend(series) {
  return h('ul', { class: 'legend' }, series.map((se, i) =>
    h('li', {}, h('span', { class: `swatch c${i}`, 'aria-hidden': 'true' }), se.name)));
}

// A round axis maximum: 1, 2 or 5 times a power of ten.
function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v);
}

function gridLines(max, x0, x1, y) {
  const out = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const yy = y(v);
    out.push(s('line', { x1: x0, x2: x1, y1: yy, y2: yy, class: 'grid' }),
      s('text', { x: x0 - 6, y: yy + 4, class: 'tick', 'text-anchor': 'end' }, number(v)));
  }
  return out;
}

// Grouped vertical bars. categories: [label]; series: [{name, values}].
function barsSvg(title, categories, series) {
  const W = 720, H = 300, L = 70, R = 10, T = 12, B = 44;
  const max = niceMax(Math.max(0, ...series.flatMap((se) => se.values)));
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const groupW = (W - L - R) / Math.max(1, categories.length);
  const barW = Math.min(36, (groupW * 0.8) / series.length);
  const titleId = uid('chart');
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-labelledby': titleId },
    s('title', { id: titleId }, title), ...gridLines(max, L, W - R, y));
  categories.forEach((cat, gi) => {
    const gx = L + gi * groupW + (groupW - barW * series.length) / 2;
    series.forEach((se, si) => {
      const v = se.values[gi] ?? 0;
      svg.append(s('rect', { x: gx + si * barW, y: y(v), width: barW - 2, height: Math.max(0, y(0) - y(v)), class: `bar c${si}` },
        s('title', {}, `${cat} · ${se.name}: ${number(v)}`)));
    });
    svg.append(s('text', { x: L + gi * groupW + groupW / 2, y: H - B + 18, class: 'cat', 'text-anchor': 'middle' }, cat));
  });
  return svg;
}

// The numbers behind a chart, one click away.
function numbers(title, categories, series, categoryLabel) {
  const rows = categories.map((c, i) => ({ c, i }));
  return h('details', { class: 'chart-table' }, h('summary', {}, t('chart.showTable')),
    table({
      caption: title,
      columns: [{ label: categoryLabel, value: (r) => r.c },
        ...series.map((se) => ({ label: se.name, num: true, value: (r) => number(se.values[r.i] ?? 0) }))],
      rows,
    }));
}

export function barChart({ title, categories, series, categoryLabel }) {
  return h('figure', { class: 'chart-box' },
    h('figcaption', { class: 'chart-title' }, title),
    legend(series),
    barsSvg(title, categories, series),
    numbers(title, categories, series, categoryLabel));
}

// One horizontal bar split into parts ({name, value}) against a total.
export function stackBar({ title, parts, total, format = number }) {
  const W = 720, H = 44;
  const titleId = uid('chart');
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart chart-stack', role: 'img', 'aria-labelledby': titleId },
    s('title', { id: titleId }, title), s('rect', { x: 0, y: 6, width: W, height: 32, class: 'track' }));
  let x = 0;
  parts.forEach((p, i) => {
    const w = total > 0 ? (W * Math.max(0, p.value)) / total : 0;
    svg.append(s('rect', { x, y: 6, width: Math.min(w, W - x), height: 32, class: `bar c${i}` }, s('title', {}, `${p.name}: ${format(p.value)}`)));
    x += w;
  });
  return h('figure', { class: 'chart-box' }, h('figcaption', { class: 'chart-title' }, title), legend(parts), svg,
    h('details', { class: 'chart-table' }, h('summary', {}, t('chart.showTable')),
      table({ caption: title, columns: [{ label: t('chart.item'), value: (p) => p.name }, { label: t('chart.value'), num: true, value: (p) => format(p.value) }],
        rows: [...parts, { name: t('chart.total'), value: total }] })));
}
