// allocations.js -- GPUs given to a tenant at a site: the list, a new one
// by count of a model or by serials, and its page (its GPUs, move, end).
import { h, replace } from '../dom.js';
import { t, label } from '../i18n.js';
import { get, post } from '../api.js';
import { date, dateTime, number } from '../format.js';
import { all, listScreen } from '../list.js';
import { actionForm, badge, checkBoxes, facts, field, link, options, pageTitle, section, table, withChecked } from '../ui.js';
import { historySection } from './history.js';
import { findSerial, TENANT_KINDS } from './assets.js';

const gpuSummary = (a) => (a.gpus ?? []).map((g) => `${g.gpu_model} × ${number(g.count)}`).join(', ');

export async function allocationsList(ctx) {
  const [sites, orgs] = await Promise.all([all('/api/v1/sites', 2), all('/api/v1/organizations')]);
  return listScreen(ctx, {
    title: t('nav.allocations'),
    api: '/api/v1/allocations',
    actions: ctx.can(['admin', 'officer']) ? [h('a', { class: 'button button-primary', href: '#/allocations/new' }, t('alloc.new'))] : [],
    filters: [
      { name: 'status', label: t('alloc.status'), type: 'select', placeholder: t('list.any'), options: ['active', 'ended'].map((s) => ({ value: s, label: label('alloc.status', s) })) },
      { name: 'site_id', label: t('site.name'), type: 'select', placeholder: t('list.any'), options: options(sites) },
      { name: 'tenant_id', label: t('alloc.tenant'), type: 'select', placeholder: t('list.any'), options: options(orgs.filter((o) => TENANT_KINDS.includes(o.kind))) },
    ],
    columns: allocationColumns(),
  });
}

export function allocationColumns() {
  return [
    { label: t('alloc.id'), value: (a) => link(`#/allocations/${a.id}`, `#${a.id}`) },
    { label: t('alloc.tenant'), value: (a) => a.tenant?.name ?? a.tenant ?? '' },
    { label: t('site.name'), value: (a) => a.site?.name ?? a.site ?? '' },
    { label: t('site.rack'), value: (a) => a.rack?.name ?? a.rack ?? '' },
    { label: t('alloc.gpus'), value: gpuSummary },
    { label: t('alloc.count'), num: true, value: (a) => number(a.gpu_count) },
    { label: t('alloc.period'), value: (a) => `${date(a.starts_on)} – ${date(a.ends_on)}` },
    { label: t('alloc.status'), value: (a) => badge('alloc.status', a.status) },
  ];
}

// Serials, one a line, to asset ids; a serial the register lacks is told
// beside the field, as the API would.
async function serialsToIds(text) {
  const serials = text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  const found = await Promise.all(serials.map(findSerial));
  const missing = serials.filter((s, i) => !found[i]);
  return { ids: found.filter(Boolean).map((a) => a.id), missing };
}

// A rack select that follows the site select beside it: the chosen site's
// racks, or none (the site as a whole).
function rackField(siteBox, value) {
  const box = field({ name: 'rack_id', label: t('site.rack'), type: 'select', help: t('alloc.rackHelp') });
  const select = box.querySelector('select');
  select.dataset.num = '1';
  const site = siteBox.querySelector('select');
  const load = async () => {
    const racks = site.value ? await all(`/api/v1/sites/${site.value}/racks`, 5) : [];
    replace(select, h('option', { value: '' }, t('alloc.wholeSite')),
      racks.map((r) => h('option', { value: r.id, selected: String(r.id) === String(value ?? '') || null }, r.name)));
  };
  site.addEventListener('change', load);
  load();
  return box;
}

async function allocate(v) {
  const { mode, serials, ...body } = v;
  if (mode === 'serial') {
    const { ids, missing } = await serialsToIds(serials ?? '');
    if (missing.length) return { status: 422, headers: new Headers(), data: { code: 'validation.failed', errors: [{ field: 'serials', message: t('alloc.unknownSerials', { list: missing.join(', ') }) }] } };
    delete body.gpu_model_id;
    delete body.count;
    body.asset_ids = ids;
  }
  return post('/api/v1/allocations', body);
}

export async function allocationNew(ctx) {
  const [sites, orgs, models] = await Promise.all([all('/api/v1/sites?active=true', 2), all('/api/v1/organizations?active=true'), all('/api/v1/gpu-models?active=true')]);
  const tenants = orgs.filter((o) => TENANT_KINDS.includes(o.kind));
  const mode = field({ name: 'mode', label: t('alloc.mode'), type: 'select', required: true, options: [{ value: 'count', label: t('alloc.byCount') }, { value: 'serial', label: t('alloc.bySerial') }] });
  const byCount = [field({ name: 'gpu_model_id', label: t('po.model'), type: 'select', options: options(models, (m) => m.model) }),
    field({ name: 'count', label: t('alloc.count'), type: 'number', min: 1 })];
  const bySerial = field({ name: 'serials', label: t('alloc.serials'), type: 'textarea', help: t('alloc.serialsHelp'), wide: true });
  const sync = () => {
    const serial = mode.querySelector('select').value === 'serial';
    bySerial.hidden = !serial;
    bySerial.querySelector('textarea').disabled = !serial;
    for (const f of byCount) { f.hidden = serial; f.querySelector('select, input').disabled = serial; }
  };
  mode.querySelector('select').addEventListener('change', sync);
  const site = field({ name: 'site_id', label: t('site.name'), type: 'select', required: true, options: options(sites) });
  const form = actionForm({
    fields: [
      { name: 'tenant_id', label: t('alloc.tenant'), type: 'select', required: true, options: options(tenants) },
      site, rackField(site),
      { name: 'purpose', label: t('alloc.purpose'), required: true, wide: true },
      { name: 'starts_on', label: t('alloc.starts'), type: 'date', required: true },
      { name: 'ends_on', label: t('alloc.ends'), type: 'date' },
      mode, ...byCount, bySerial,
    ],
    submitLabel: t('alloc.submit'),
    submit: allocate,
    done: (a) => ctx.navigate(`/allocations/${a.id}`),
  });
  sync();
  return [pageTitle(t('alloc.new')), h('p', { class: 'panel-intro' }, t('alloc.intro')), form];
}

async function moveForm(ctx, a) {
  const sites = await all('/api/v1/sites?active=true', 2);
  const site = field({ name: 'site_id', label: t('alloc.toSite'), type: 'select', required: true, options: options(sites), value: a.site_id });
  return actionForm({
    fields: [site, rackField(site, a.rack_id)],
    submitLabel: t('alloc.move'),
    submit: (v) => post(`/api/v1/allocations/${a.id}/move`, v),
    done: () => ctx.rerender(),
  });
}

// Some of its GPUs back to stock; the allocation stays until it is ended.
function returnForm(ctx, a) {
  const held = (a.assets ?? []).filter((x) => !x.removed_at);
  if (held.length === 0) return h('p', { class: 'help' }, t('alloc.noneHeld'));
  return actionForm({
    fields: [checkBoxes('asset_ids', t('alloc.returnWhich'), held.map((x) => ({ key: String(x.id), label: x.serial })))],
    submitLabel: t('alloc.returnConfirm'),
    submit: (v) => post(`/api/v1/allocations/${a.id}/return`, { asset_ids: withChecked(v, 'asset_ids').asset_ids.map(Number) }),
    done: () => ctx.rerender(),
  });
}

function endForm(ctx, a) {
  return h('details', { class: 'danger-zone' }, h('summary', {}, t('alloc.end')), actionForm({
    fields: [{ name: 'reason', label: t('alloc.endReason'), type: 'textarea', required: true, wide: true }],
    submitLabel: t('alloc.endConfirm'),
    submit: (v) => post(`/api/v1/allocations/${a.id}/end`, v),
    done: () => ctx.rerender(),
  }));
}

export async function allocationPage(ctx) {
  const r = await get(`/api/v1/allocations/${ctx.params.id}`);
  if (r.status !== 200) return ctx.failed(r);
  const a = r.data;
  const out = [pageTitle(t('alloc.titleN', { id: a.id })), section(t('alloc.summary'), facts([
    [t('alloc.status'), badge('alloc.status', a.status)],
    [t('alloc.tenant'), a.tenant?.name ?? ''],
    [t('site.name'), a.site ? (ctx.can(['admin', 'officer', 'auditor']) ? link(`#/sites/${a.site_id}`, a.site.name) : a.site.name) : ''],
    [t('site.rack'), a.rack?.name ?? ''],
    [t('alloc.purpose'), a.purpose],
    [t('alloc.period'), `${date(a.starts_on)} – ${date(a.ends_on)}`],
    [t('alloc.gpus'), gpuSummary(a)],
    a.ended_at ? [t('alloc.ended'), `${dateTime(a.ended_at)} · ${a.end_reason ?? ''}`] : null,
  ]))];
  out.push(section(t('alloc.assets'), table({
    caption: t('alloc.assets'),
    columns: [
      { label: t('asset.serial'), value: (x) => (ctx.can(['admin', 'officer', 'auditor']) ? link(`#/assets/${x.id}`, x.serial) : x.serial) },
      { label: t('asset.status'), value: (x) => badge('asset.status', x.status) },
      { label: t('alloc.added'), value: (x) => dateTime(x.added_at) },
      { label: t('alloc.removed'), value: (x) => (x.removed_at ? `${dateTime(x.removed_at)} (${label('alloc.removedReason', x.removed_reason)})` : '') },
    ],
    rows: a.assets ?? [],
  })));
  if (ctx.can(['admin', 'officer']) && a.status === 'active') {
    out.push(section(t('alloc.move'), await moveForm(ctx, a)), section(t('alloc.return'), h('p', { class: 'help' }, t('alloc.returnHelp')), returnForm(ctx, a)),
      section(t('alloc.end'), endForm(ctx, a)));
  }
  if (ctx.can(['admin', 'officer', 'auditor'])) out.push(await historySection(ctx, 'allocations', a.id));
  return out;
}

// A tenant's own GPUs: how many, where, which models, each allocation.
export async function myGpus(ctx) {
  const r = await get(`/api/v1/tenants/${ctx.user.organization_id}/allocations`);
  if (r.status !== 200) return ctx.failed(r);
  const d = r.data;
  const groups = (rows, key) => table({
    caption: t(key),
    columns: [{ label: t(key), value: (x) => x.site ?? x.gpu_model }, { label: t('alloc.count'), num: true, value: (x) => number(x.count) }],
    rows,
  });
  return [pageTitle(t('nav.myGpus')),
    h('ul', { class: 'kpis' }, h('li', { class: 'kpi' }, h('span', { class: 'kpi-label' }, t('tenant.total')), h('span', { class: 'kpi-value', id: 'tenant-gpu-count' }, number(d.gpu_count)))),
    h('div', { class: 'two-col' }, section(t('tenant.bySite'), groups(d.by_site, 'site.name')), section(t('tenant.byModel'), groups(d.by_model, 'po.model'))),
    section(t('nav.allocations'), table({ caption: t('nav.allocations'), columns: allocationColumns(), rows: d.allocations }))];
}


