// dashboard.js -- a programme's progress against its milestones, its
// budget, and the use of each site, as charts with their tables.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, problem } from '../api.js';
import { date, money, number, percent } from '../format.js';
import { all } from '../list.js';
import { barChart, stackBar } from '../chart.js';
import { alertBox, field, pageTitle, renderMessage, section } from '../ui.js';

const STAGES = ['ordered', 'delivered', 'accepted', 'allocated', 'in_service'];

function kpis(p) {
  const tiles = [...STAGES.map((k) => [t(`progress.${k}`), number(p.totals[k])]),
    [t('progress.budget'), money(p.budget_krw), 'money'], [t('progress.committed'), money(p.committed_krw), 'money'], [t('progress.paid'), money(p.paid_krw), 'money']];
  return h('ul', { class: 'kpis', 'aria-label': t('dash.kpis') },
    tiles.map(([k, v, kind]) => h('li', { class: kind ? `kpi kpi-${kind}` : 'kpi' }, h('span', { class: 'kpi-label' }, k), h('span', { class: 'kpi-value' }, v))));
}

function milestoneChart(p) {
  const ms = p.milestones;
  return barChart({
    title: t('dash.milestones'),
    categoryLabel: t('dash.milestone'),
    categories: ms.map((m) => `${m.label} (${date(m.due_on)})`),
    series: [{ name: t('progress.target'), values: ms.map((m) => m.target) },
      ...STAGES.map((k) => ({ name: t(`progress.${k}`), values: ms.map((m) => m[k]) }))],
  });
}

function budgetChart(p) {
  const unpaid = Math.max(0, p.committed_krw - p.paid_krw);
  return stackBar({
    title: t('dash.budget', { pct: percent(p.committed_krw, p.budget_krw) }),
    total: p.budget_krw,
    format: (v) => money(v),
    parts: [{ name: t('progress.paid'), value: p.paid_krw }, { name: t('progress.committedUnpaid'), value: unpaid },
      { name: t('progress.remaining'), value: Math.max(0, p.remaining_krw) }],
  });
}

async function siteChart() {
  const sites = (await all('/api/v1/sites?active=true', 2)).slice(0, 12);
  const usage = await Promise.all(sites.map((s) => get(`/api/v1/sites/${s.id}/utilization`)));
  const ok = usage.filter((u) => u.status === 200).map((u) => u.data);
  if (ok.length === 0) return h('p', { class: 'empty' }, t('dash.noSites'));
  return barChart({
    title: t('dash.sites'),
    categoryLabel: t('site.name'),
    categories: ok.map((u) => u.site.name),
    series: [{ name: t('site.slotsCapacity'), values: ok.map((u) => u.total.slots.capacity) },
      { name: t('site.slotsUsed'), values: ok.map((u) => u.total.slots.used) }],
  });
}

function programPicker(ctx, programs, chosen) {
  const f = field({ name: 'program', label: t('dash.program'), type: 'select', value: chosen,
    options: programs.map((p) => ({ value: p.id, label: p.name })) });
  f.querySelector('select').addEventListener('change', (e) => ctx.navigate(`/dashboard?program=${e.target.value}`));
  return h('div', { class: 'filters' }, f);
}

export async function dashboard(ctx) {
  const programs = await all('/api/v1/programs');
  const head = pageTitle(t('nav.dashboard'));
  if (programs.length === 0) return [head, h('p', { class: 'empty' }, t('dash.noProgram'))];
  const chosen = ctx.query.program ?? programs[0].id;
  const reply = await get(`/api/v1/programs/${chosen}/progress`);
  if (reply.status !== 200) {
    const box = alertBox();
    renderMessage(box, problem(reply).msg);
    return [head, programPicker(ctx, programs, chosen), box];
  }
  const p = reply.data;
  return [head, programPicker(ctx, programs, chosen), kpis(p),
    section(t('dash.progress'), milestoneChart(p)),
    section(t('dash.budgetTitle'), budgetChart(p)),
    section(t('dash.sitesTitle'), await siteChart())];
}
