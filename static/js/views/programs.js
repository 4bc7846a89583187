// programs.js -- programmes: the list, a new one with its milestones, and
// a programme's page with its progress and orders.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, post } from '../api.js';
import { date, money, number } from '../format.js';
import { listScreen } from '../list.js';
import { actionForm, editForm, facts, field, link, orNull, pageTitle, rowsEditor, section, table } from '../ui.js';
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

function milestoneRow(i, m = {}) {
  return h('fieldset', { class: 'line' }, h('legend', {}, t('prog.milestoneN', { n: i + 1 })),
    field({ name: `milestones[${i}].label`, label: t('prog.milestoneLabel'), required: true, value: m.label }),
    field({ name: `milestones[${i}].due_on`, label: t('prog.due'), type: 'date', required: true, value: m.due_on }),
    field({ name: `milestones[${i}].gpu_target`, label: t('prog.target'), type: 'number', min: 1, required: true, value: m.gpu_target }));
}

// The milestones, with buttons for one more and for removing one; a
// programme may have none.
const milestonesEditor = (list) => rowsEditor({
  name: 'milestones', items: list, row: milestoneRow,
  keys: { legend: 'prog.milestoneN', add: 'prog.addMilestone', remove: 'prog.removeMilestone', removed: 'prog.milestoneRemoved' },
});

// Form values as the API takes them; with every milestone row removed, an
// empty list, so that the old milestones go rather than stay.
const programBody = (v) => ({ milestones: [], ...nest(v) });

const programFields = (p = {}) => [
  { name: 'name', label: t('prog.name'), required: true, wide: true, value: p.name },
  { name: 'budget_krw', label: t('prog.budget'), type: 'number', min: 0, required: true, help: t('prog.budgetHelp'), value: p.budget_krw },
  { name: 'starts_on', label: t('prog.starts'), type: 'date', required: true, value: p.starts_on },
  { name: 'ends_on', label: t('prog.ends'), type: 'date', required: true, value: p.ends_on },
  { name: 'description', label: t('prog.description'), type: 'textarea', wide: true, value: p.description },
];

export function programNew(ctx) {
  return [pageTitle(t('prog.new')), actionForm({
    fields: programFields(),
    extra: milestonesEditor([{}, {}]),
    submitLabel: t('common.create'),
    submit: (v) => post('/api/v1/programs', programBody(v)),
    done: (p) => ctx.navigate(`/programs/${p.id}`),
  })];
}

// The programme as it was read; its milestones, as shown, replace the old.
export async function programEdit(ctx) {
  const r = await get(`/api/v1/programs/${ctx.params.id}`);
  if (r.status !== 200) return ctx.failed(r);
  const p = r.data;
  return [pageTitle(t('prog.editN', { name: p.name })), editForm(ctx, {
    url: `/api/v1/programs/${p.id}`,
    etag: r.headers.get('etag'),
    fields: programFields(p),
    extra: milestonesEditor(p.milestones ?? []),
    body: (v) => orNull(programBody(v), 'description'),
    done: () => ctx.navigate(`/programs/${p.id}`),
  })];
}

export async function programPage(ctx) {
  const [r, pr] = await Promise.all([get(`/api/v1/programs/${ctx.params.id}`), get(`/api/v1/programs/${ctx.params.id}/progress`)]);
  if (r.status !== 200) return ctx.failed(r);
  const p = r.data;
  const g = pr.status === 200 ? pr.data : null;
  const edit = ctx.can(['admin', 'officer']) ? h('a', { class: 'button button-secondary', href: `#/programs/${p.id}/edit` }, t('common.edit')) : null;
  const out = [pageTitle(p.name, h('a', { class: 'button button-secondary', href: `#/dashboard?program=${p.id}` }, t('nav.dashboard')), edit),
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
