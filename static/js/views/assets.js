// assets.js -- the asset register: find by serial, filter, and an asset's
// page with its status moves and its history.
import { h } from '../dom.js';
import { t, label } from '../i18n.js';
import { get, post, query } from '../api.js';
import { date, dateTime } from '../format.js';
import { all, listScreen } from '../list.js';
import { actionForm, badge, facts, link, options, pageTitle, section, table } from '../ui.js';

export const ASSET_STATUSES = ['received', 'in_stock', 'allocated', 'installed', 'in_service', 'rma', 'retired'];

export const TENANT_KINDS = ['institute', 'university', 'company', 'ministry'];
const byId = (items) => new Map(items.map((i) => [i.id, i]));

// Filters by every index the register has (serial, status, model, site,
// tenant, vendor, programme, order): each keeps the API's keyset paging
// fast at millions of GPUs. Sites and organisations are named from the
// lists the filters load, not looked up per row.
export async function assetsList(ctx) {
  const [models, sites, orgs, programs] = await Promise.all([all('/api/v1/gpu-models'), all('/api/v1/sites', 2),
    all('/api/v1/organizations'), all('/api/v1/programs')]);
  const siteOf = byId(sites);
  const orgOf = byId(orgs);
  return listScreen(ctx, {
    title: t('nav.assets'),
    api: '/api/v1/assets',
    filters: [
      { name: 'serial', label: t('asset.serial'), inputmode: 'text' },
      { name: 'status', label: t('asset.status'), type: 'select', placeholder: t('list.any'), options: ASSET_STATUSES.map((s) => ({ value: s, label: label('asset.status', s) })) },
      { name: 'gpu_model_id', label: t('po.model'), type: 'select', placeholder: t('list.any'), options: options(models, (m) => m.model) },
      { name: 'site_id', label: t('site.name'), type: 'select', placeholder: t('list.any'), options: options(sites) },
      { name: 'tenant_id', label: t('alloc.tenant'), type: 'select', placeholder: t('list.any'), options: options(orgs.filter((o) => TENANT_KINDS.includes(o.kind))) },
      { name: 'vendor_id', label: t('po.vendor'), type: 'select', placeholder: t('list.any'), options: options(orgs.filter((o) => o.kind === 'vendor')) },
      { name: 'program_id', label: t('po.program'), type: 'select', placeholder: t('list.any'), options: options(programs) },
      { name: 'purchase_order_id', label: t('dl.orderId'), type: 'number', min: 1 },
    ],
    columns: [
      { label: t('asset.serial'), value: (a) => link(`#/assets/${a.id}`, a.serial) },
      { label: t('po.model'), value: (a) => a.model },
      { label: t('asset.status'), value: (a) => badge('asset.status', a.status) },
      { label: t('po.reference'), value: (a) => (a.purchase_order_id ? link(`#/orders/${a.purchase_order_id}`, a.purchase_order_reference) : '') },
      { label: t('site.name'), value: (a) => (a.site_id ? link(`#/sites/${a.site_id}`, siteOf.get(a.site_id)?.name ?? `#${a.site_id}`) : '') },
      { label: t('alloc.tenant'), value: (a) => (a.tenant_id ? orgOf.get(a.tenant_id)?.name ?? `#${a.tenant_id}` : '') },
      { label: t('asset.warranty'), value: (a) => date(a.warranty_ends_on) },
    ],
  });
}

function statusForm(a, reload) {
  if (!a.next_statuses || a.next_statuses.length === 0) return h('p', { class: 'help' }, t('asset.noMoves'));
  return actionForm({
    fields: [
      { name: 'status', label: t('asset.newStatus'), type: 'select', required: true, options: a.next_statuses.map((s) => ({ value: s, label: label('asset.status', s) })) },
      { name: 'reason', label: t('asset.reason'), type: 'textarea', wide: true },
    ],
    submitLabel: t('asset.move'),
    submit: (v) => post(`/api/v1/assets/${a.id}/status`, v),
    done: reload,
  });
}

const actorName = (e) => (e.actor && typeof e.actor === 'object' ? e.actor.name ?? e.actor.email : e.actor) ?? label('channel', e.channel);

async function history(a) {
  const r = await get(`/api/v1/assets/${a.id}/history${query({ limit: 100 })}`);
  return table({
    caption: t('history.title'),
    columns: [
      { label: t('history.at'), value: (e) => dateTime(e.at) },
      { label: t('asset.status'), value: (e) => [e.previous_status ? `${label('asset.status', e.previous_status)} → ` : '', label('asset.status', e.status)] },
      { label: t('asset.reason'), value: (e) => e.reason ?? '' },
      { label: t('history.actor'), value: actorName },
      { label: t('history.channel'), value: (e) => label('channel', e.channel) },
    ],
    rows: r.status === 200 ? r.data.items : [],
  });
}

export async function assetPage(ctx) {
  const r = await get(`/api/v1/assets/${ctx.params.id}`);
  if (r.status !== 200) return ctx.failed(r);
  const a = r.data;
  const site = a.site_id ? await get(`/api/v1/sites/${a.site_id}`) : null;
  const out = [pageTitle(t('asset.titleN', { serial: a.serial })),
    section(t('asset.summary'), facts([
      [t('asset.status'), badge('asset.status', a.status)],
      [t('po.model'), `${a.manufacturer ?? ''} ${a.model}`.trim()],
      [t('po.vendor'), a.vendor_name ?? ''],
      [t('po.reference'), a.purchase_order_id ? link(`#/orders/${a.purchase_order_id}`, a.purchase_order_reference) : ''],
      [t('dl.reference'), a.delivery_id ? link(`#/deliveries/${a.delivery_id}`, `#${a.delivery_id}`) : ''],
      [t('site.name'), a.site_id ? link(`#/sites/${a.site_id}`, site?.status === 200 ? site.data.name : `#${a.site_id}`) : ''],
      [t('alloc.tenant'), a.tenant_name ?? ''],
      [t('asset.accepted'), dateTime(a.accepted_at)],
      [t('asset.warranty'), date(a.warranty_ends_on)],
      a.status_reason ? [t('asset.reason'), a.status_reason] : null,
    ]))];
  if (ctx.can(['admin', 'officer'])) out.push(section(t('asset.changeStatus'), statusForm(a, () => ctx.rerender())));
  out.push(section(t('history.title'), await history(a)));
  return out;
}

// The one-step search from the masthead: a serial straight to its page.
export async function findSerial(serial) {
  const r = await get(`/api/v1/assets${query({ serial, limit: 1 })}`);
  return r.status === 200 && r.data.items.length > 0 ? r.data.items[0] : null;
}
