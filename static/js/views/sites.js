// sites.js -- data-centre sites: the list, a new site, and a site's page
// with its use (slots and power), its racks, and a rack form.
import { h } from '../dom.js';
import { t, label } from '../i18n.js';
import { get, post, query } from '../api.js';
import { number, percent } from '../format.js';
import { all, listScreen } from '../list.js';
import { actionForm, activeOptions, badge, editForm, facts, link, options, pageTitle, section, table } from '../ui.js';
import { historySection } from './history.js';

const COOLING = ['air', 'liquid', 'immersion', 'hybrid'];
const WRITERS = ['admin', 'officer'];

export function sitesList(ctx) {
  return listScreen(ctx, {
    title: t('nav.sites'),
    api: '/api/v1/sites',
    actions: ctx.can(WRITERS) ? [h('a', { class: 'button button-primary', href: '#/sites/new' }, t('site.new'))] : [],
    filters: [{ name: 'q', label: t('site.search') }, { name: 'region', label: t('site.region') },
      { name: 'active', label: t('common.active'), type: 'select', placeholder: t('list.any'), options: activeOptions() }],
    columns: [
      { label: t('site.name'), value: (s) => link(`#/sites/${s.id}`, s.name) },
      { label: t('site.region'), value: (s) => s.region ?? '' },
      { label: t('site.operator'), value: (s) => s.operator?.name ?? '' },
      { label: t('site.slotsCapacity'), num: true, value: (s) => number(s.gpu_slot_capacity) },
      { label: t('site.power'), num: true, value: (s) => number(s.power_capacity_kw) },
      { label: t('site.cooling'), value: (s) => label('cooling', s.cooling_type) },
      { label: t('common.active'), value: (s) => label('bool', String(s.active)) },
    ],
  });
}

const siteFields = (orgs, s = {}) => [
  { name: 'name', label: t('site.name'), required: true, value: s.name },
  { name: 'operator_id', label: t('site.operator'), type: 'select', required: true, options: options(orgs), value: s.operator_id },
  { name: 'region', label: t('site.region'), required: true, value: s.region },
  { name: 'address', label: t('site.address'), wide: true, value: s.address },
  { name: 'power_capacity_kw', label: t('site.power'), type: 'number', min: 0, required: true, value: s.power_capacity_kw },
  { name: 'gpu_slot_capacity', label: t('site.slotsCapacity'), type: 'number', min: 0, required: true, value: s.gpu_slot_capacity },
  { name: 'cooling_type', label: t('site.cooling'), type: 'select', required: true, options: COOLING.map((c) => ({ value: c, label: label('cooling', c) })), value: s.cooling_type },
];

const rackFields = (r = {}) => [
  { name: 'name', label: t('site.rack'), required: true, value: r.name },
  { name: 'slot_capacity', label: t('site.slotsCapacity'), type: 'number', min: 0, required: true, value: r.slot_capacity },
  { name: 'power_capacity_kw', label: t('site.power'), type: 'number', min: 0, required: true, value: r.power_capacity_kw },
];

export async function siteNew(ctx) {
  const orgs = await all('/api/v1/organizations?active=true');
  return [pageTitle(t('site.new')), actionForm({
    fields: siteFields(orgs),
    submitLabel: t('common.create'),
    submit: (v) => post('/api/v1/sites', v),
    done: (s) => ctx.navigate(`/sites/${s.id}`),
  })];
}

function usageFacts(u) {
  const slots = u.total.slots;
  const power = u.total.power;
  return facts([
    [t('site.slotsUsed'), t('site.ofTotal', { used: number(slots.used), total: number(slots.capacity), pct: percent(slots.used, slots.capacity) })],
    [t('site.powerUsed'), t('site.ofTotalKw', { used: number(Math.round(power.used_watts / 1000)), total: number(power.capacity_kw), pct: percent(power.used_watts, power.capacity_watts) })],
    [t('asset.status'), ['allocated', 'installed', 'in_service'].map((s) => `${label('asset.status', s)} ${number(u.by_status[s])}`).join(' · ')],
  ]);
}

// The site as it was read; capacities may not go below what it holds.
export async function siteEdit(ctx) {
  const [r, orgs] = await Promise.all([get(`/api/v1/sites/${ctx.params.id}`), all('/api/v1/organizations')]);
  if (r.status !== 200) return ctx.failed(r);
  const s = r.data;
  return [pageTitle(t('site.editN', { name: s.name })), h('p', { class: 'panel-intro' }, t('site.editIntro')), editForm(ctx, {
    url: `/api/v1/sites/${s.id}`,
    etag: r.headers.get('etag'),
    fields: [...siteFields(orgs, s), { name: 'active', label: t('common.active'), type: 'select', options: activeOptions(), value: String(s.active) }],
    body: (v) => ({ ...v, active: v.active === 'true' }),
    done: () => ctx.navigate(`/sites/${s.id}`),
  })];
}

// One rack as it was read.
export async function rackEdit(ctx) {
  const { id, rack_id: rackId } = ctx.params;
  const r = await get(`/api/v1/sites/${id}/racks/${rackId}`);
  if (r.status !== 200) return ctx.failed(r);
  const rack = r.data;
  return [pageTitle(t('site.rackEditN', { name: rack.name })), h('p', { class: 'panel-intro' }, t('site.editIntro')), editForm(ctx, {
    url: `/api/v1/sites/${id}/racks/${rack.id}`,
    etag: r.headers.get('etag'),
    fields: rackFields(rack),
    done: () => ctx.navigate(`/sites/${id}`),
  })];
}

function racksTable(ctx, site, racks, usage) {
  const used = Object.fromEntries((usage?.racks ?? []).map((r) => [r.id, r.usage]));
  return table({
    caption: t('site.racks'),
    columns: [
      { label: t('site.rack'), value: (r) => r.name },
      { label: t('site.slotsCapacity'), num: true, value: (r) => number(r.slot_capacity) },
      { label: t('site.slotsUsed'), num: true, value: (r) => number(used[r.id]?.slots?.used ?? 0) },
      { label: t('site.power'), num: true, value: (r) => number(r.power_capacity_kw) },
      ctx.can(WRITERS) ? { label: t('common.actions'), value: (r) => h('a', { href: `#/sites/${site.id}/racks/${r.id}/edit` }, t('common.edit'), h('span', { class: 'visually-hidden' }, ` ${r.name}`)) } : null,
    ].filter(Boolean),
    rows: racks,
    empty: t('site.noRacks'),
  });
}

export async function sitePage(ctx) {
  const id = ctx.params.id;
  const [r, racks, u] = await Promise.all([get(`/api/v1/sites/${id}`), get(`/api/v1/sites/${id}/racks${query({ limit: 500 })}`), get(`/api/v1/sites/${id}/utilization`)]);
  if (r.status !== 200) return ctx.failed(r);
  const s = r.data;
  const usage = u.status === 200 ? u.data : null;
  const edit = ctx.can(WRITERS) ? h('a', { class: 'button button-secondary', href: `#/sites/${s.id}/edit` }, t('common.edit')) : null;
  const out = [pageTitle(s.name, edit), section(t('site.summary'), facts([
    [t('common.active'), badge('bool', String(s.active))],
    [t('site.operator'), s.operator?.name ?? ''],
    [t('site.region'), s.region ?? ''],
    [t('site.address'), s.address ?? ''],
    [t('site.cooling'), label('cooling', s.cooling_type)],
    [t('site.slotsCapacity'), number(s.gpu_slot_capacity)],
    [t('site.power'), number(s.power_capacity_kw)],
  ]))];
  if (usage) out.push(section(t('site.usage'), usageFacts(usage)));
  const rackBody = [racksTable(ctx, s, racks.status === 200 ? racks.data.items : [], usage)];
  if (ctx.can(WRITERS)) {
    rackBody.push(h('h4', {}, t('site.addRack')), actionForm({
      fields: rackFields(),
      submitLabel: t('site.addRack'),
      submit: (v) => post(`/api/v1/sites/${id}/racks`, v),
      done: () => ctx.rerender(),
    }));
  }
  out.push(section(t('site.racks'), rackBody));
  out.push(await historySection(ctx, 'sites', s.id));
  return out;
}
