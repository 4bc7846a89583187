// programs.js -- programmes: the list, a new one with its milestones, and
// a programme's page with its progress and orders.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, post } from '../api.js';
import { date, money, number } from '../format.js';
import { listScreen } from '../list.js';
import { actionForm, facts, field, link, pageTitle, section, table } from '../ui.js';
import { historySection } from './history.js';
import { nest } from './orders.js';

export function programsList(ctx) {
  return listScreen(ctx, {
    title: t('nav.programs'),
    api: '/api/v1/programs',
    actions: ctx.can(['admin', 'officer']) ? [h('a', { class: 'button button-primary', href: '#/programs/new' }, t('prog.new'))] : [],
    columns: [
      { label: t('prog.name'), value: (p) => link(`#/programs/${p.id}`, p.name) },
      { label: t('prog.budget'), num: true, value: (p) => money(p.budget_krw) },
      { label: t('prog.period'), value: (p) => `${date(p.starts_on)} – ${date(p.ends_on)}` },
      { label: t('prog.target'), num: true, value: (p) => number(Math.max(0, ...(p.milestones ?? []).map((m) => m.gpu_target))) },
    ],
  });
}

function milestoneRow(i) {
  return h('fieldset', { class: 'line' }, h('legend', {}, t('prog.milestoneN', { n: i + 1 })),
    field({ name: `milestones[${i}].label`, label: t('prog.milestoneLabel'), required: true }),
    field({ name: `milestones[${i}].due_on`, label: t('prog.due'), type: 'date', required: true }),
    field({ name: `milestones[${i}].gpu_target`, label: t('prog.target'), type: 'number', min: 1, required: true }));
}

export function programNew(ctx) {
  const rows = h('div', { class: 'lines' }, milestoneRow(0), milestoneRow(1));
  return [pageTitle(t('prog.new')), actionForm({
    fields: [
      { name: 'name', label: t('prog.name'), required: true, wide: true },
      { name: 'budget_krw', label: t('prog.budget'), type: 'number', min: 0, required: true, help: t('prog.budgetHelp') },
      { name: 'starts_on', label: t('prog.starts'), type: 'date', required: true },
      { name: 'ends_on', label: t('prog.ends'), type: 'date', required: true },
      { name: 'description', label: t('prog.description'), type: 'textarea', wide: true },
    ],
    extra: [rows],
    submitLabel: t('common.create'),
    submit: (v) => post('/api/v1/programs', nest(v)),
    done: (p) => ctx.navigate(`/programs/${p.id}`),
  })];
}

export async function programPage(ctx) {
  const [r, pr] = await Promise.all([get(`/api/v1/programs/${ctx.params.id}`), get(`/api/v1/programs/${ctx.params.id}/progress`)]);
  if (r.status !== 200) return ctx.failed(r);
  const p = r.data;
  const g = pr.status === 200 ? pr.data : null;
  const out = [pageTitle(p.name, h('a', { class: 'button button-secondary', href: `#/dashboard?program=${p.id}` }, t('nav.dashboard'))),
    section(t('prog.summary'), facts([
      [t('prog.budget'), money(p.budget_krw)],
      g ? [t('progress.committed'), money(g.committed_krw)] : null,
      g ? [t('progress.paid'), money(g.paid_krw)] : null,
      g ? [t('progress.remaining'), money(g.remaining_krw)] : null,
      [t('prog.period'), `${date(p.starts_on)} – ${date(p.ends_on)}`],
      p.description ? [t('prog.description'), p.description] : null,
    ]))];
  if (g) {
    out.push(section(t('dash.milestones'), table({
      caption: t('dash.milestones'),
      columns: [
        { label: t('dash.milestone'), value: (m) => m.label },
        { label: t('prog.due'), value: (m) => date(m.due_on) },
        { label: t('progress.target'), num: true, value: (m) => number(m.target) },
        ...['ordered', 'delivered', 'accepted', 'allocated', 'in_service'].map((k) => ({ label: t(`progress.${k}`), num: true, value: (m) => number(m[k]) })),
        { label: t('progress.shortfall'), num: true, value: (m) => number(m.shortfall) },
      ],
      rows: g.milestones,
    })));
  }
  out.push(section(t('nav.orders'), h('p', {}, link(`#/orders?program_id=${p.id}`, t('prog.orders')))));
  out.push(await historySection(ctx, 'programs', p.id));
  return out;
}
