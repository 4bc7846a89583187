// orders.js -- purchase orders: the list, a new draft, and an order's page
// with the actions its status allows (submit, approve under the four-eyes
// rule, order, cancel, pay, close) and its deliveries and payments.
import { h } from '../dom.js';
import { t, label } from '../i18n.js';
import { get, post, query } from '../api.js';
import { date, dateTime, money, number } from '../format.js';
import { all, listScreen } from '../list.js';
import { actionButton, actionForm, alertBox, badge, editForm, facts, field, link, noticeBox, options, orNull, pageTitle, rowsEditor, section, table } from '../ui.js';
import { historySection } from './history.js';
import { announceForm } from './deliveries.js';

const STATUSES = ['draft', 'submitted', 'approved', 'ordered', 'partially_delivered', 'delivered', 'closed', 'cancelled'];
const WRITERS = ['admin', 'officer'];

const statusOptions = (prefix, list) => list.map((s) => ({ value: s, label: label(prefix, s) }));

const STAFF = ['admin', 'officer', 'auditor'];

export async function ordersList(ctx) {
  const staff = ctx.can(STAFF);
  const [programs, vendors] = staff ? await Promise.all([all('/api/v1/programs'), all('/api/v1/organizations?kind=vendor')]) : [[], []];
  return listScreen(ctx, {
    title: t('nav.orders'),
    api: '/api/v1/purchase-orders',
    actions: ctx.can(WRITERS) ? [h('a', { class: 'button button-primary', href: '#/orders/new' }, t('po.new'))] : [],
    filters: [
      { name: 'status', label: t('po.status'), type: 'select', placeholder: t('list.any'), options: statusOptions('po.status', STATUSES) },
      programs.length ? { name: 'program_id', label: t('po.program'), type: 'select', placeholder: t('list.any'), options: options(programs) } : null,
      vendors.length ? { name: 'vendor_id', label: t('po.vendor'), type: 'select', placeholder: t('list.any'), options: options(vendors) } : null,
    ].filter(Boolean),
    columns: [
      { label: t('po.reference'), value: (o) => link(`#/orders/${o.id}`, o.reference) },
      { label: t('po.program'), value: (o) => (staff ? link(`#/programs/${o.program_id}`, o.program.name) : o.program.name) },
      { label: t('po.vendor'), value: (o) => o.vendor?.name ?? `#${o.vendor_id}` },
      { label: t('po.status'), value: (o) => badge('po.status', o.status) },
      { label: t('po.total'), num: true, value: (o) => money(o.total_amount, o.currency) },
      { label: t('po.totalKrw'), num: true, value: (o) => money(o.total_krw) },
      { label: t('po.updated'), value: (o) => dateTime(o.updated_at) },
    ],
  });
}

function lineRow(i, models, l = {}) {
  return h('fieldset', { class: 'line' }, h('legend', {}, t('po.lineN', { n: i + 1 })),
    field({ name: `lines[${i}].gpu_model_id`, label: t('po.model'), type: 'select', required: true, value: l.gpu_model_id, options: options(models, (m) => `${m.manufacturer} ${m.model} · ${m.memory_gb} GB`) }),
    field({ name: `lines[${i}].quantity`, label: t('po.quantity'), type: 'number', min: 1, required: true, value: l.quantity }),
    field({ name: `lines[${i}].unit_price`, label: t('po.unitPrice'), type: 'number', min: 0, required: true, help: t('po.unitPriceHelp'), value: l.unit_price }),
    field({ name: `lines[${i}].warranty_months`, label: t('po.warranty'), type: 'number', min: 0, value: l.warranty_months ?? 36 }));
}

// The lines of an order, with buttons for one more and for removing one (a
// draft's wrong line); an order keeps at least one line.
const linesEditor = (models, lines = [{}]) => rowsEditor({
  name: 'lines', items: lines, row: (i, l) => lineRow(i, models, l), min: 1,
  keys: { legend: 'po.lineN', add: 'po.addLine', remove: 'po.removeLine', removed: 'po.lineRemoved' },
});

const CURRENCIES = [{ value: 'KRW', label: 'KRW (₩)' }, { value: 'USD', label: 'USD ($)' }];

// "lines[0].quantity" style names back into {lines: [{quantity}]}.
function nest(values) {
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    const m = k.match(/^(\w+)\[(\d+)\]\.(\w+)$/);
    if (!m) { out[k] = v; continue; }
    out[m[1]] ??= [];
    out[m[1]][m[2]] ??= {};
    out[m[1]][m[2]][m[3]] = v;
  }
  for (const k of Object.keys(out)) if (Array.isArray(out[k])) out[k] = out[k].filter(Boolean);
  return out;
}

export { nest };

export async function orderNew(ctx) {
  const [programs, vendors, models] = await Promise.all([all('/api/v1/programs'),
    all('/api/v1/organizations?kind=vendor&active=true'), all('/api/v1/gpu-models?active=true')]);
  const form = actionForm({
    fields: [
      { name: 'program_id', label: t('po.program'), type: 'select', required: true, options: options(programs) },
      { name: 'vendor_id', label: t('po.vendor'), type: 'select', required: true, options: options(vendors) },
      { name: 'currency', label: t('po.currency'), type: 'select', required: true, options: CURRENCIES },
      { name: 'notes', label: t('po.notes'), type: 'textarea', wide: true },
    ],
    extra: linesEditor(models),
    submitLabel: t('po.saveDraft'),
    submit: (v) => post('/api/v1/purchase-orders', nest(v)),
    done: (po) => ctx.navigate(`/orders/${po.id}`),
  });
  return [pageTitle(t('po.new')), h('p', { class: 'panel-intro' }, t('po.newIntro')), form];
}

// A draft changed as it was read: vendor, currency, notes and its lines
// (which replace the old ones). Another status is not a draft any more.
export async function orderEdit(ctx) {
  const r = await get(`/api/v1/purchase-orders/${ctx.params.id}`);
  if (r.status !== 200) return ctx.failed(r);
  const po = r.data;
  const head = pageTitle(t('po.editN', { ref: po.reference }));
  if (po.status !== 'draft') return [head, h('p', { class: 'notice warn', id: 'plain-message' }, t('po.notDraft', { status: label('po.status', po.status) }))];
  const [vendors, models] = await Promise.all([all('/api/v1/organizations?kind=vendor&active=true'), all('/api/v1/gpu-models')]);
  return [head, h('p', { class: 'panel-intro' }, t('po.editIntro')), editForm(ctx, {
    url: `/api/v1/purchase-orders/${po.id}`,
    etag: r.headers.get('etag'),
    fields: [
      { name: 'vendor_id', label: t('po.vendor'), type: 'select', required: true, options: options(vendors), value: po.vendor_id },
      { name: 'currency', label: t('po.currency'), type: 'select', required: true, options: CURRENCIES, value: po.currency },
      { name: 'notes', label: t('po.notes'), type: 'textarea', wide: true, value: po.notes },
    ],
    extra: linesEditor(models, po.lines),
    body: (v) => orNull(nest(v), 'notes'),
    done: () => ctx.navigate(`/orders/${po.id}`),
  })];
}

function orderFacts(ctx, po) {
  return facts([
    [t('po.status'), badge('po.status', po.status)],
    [t('po.vendor'), po.vendor?.name ?? `#${po.vendor_id}`],
    [t('po.program'), ctx.can(STAFF) ? link(`#/programs/${po.program_id}`, po.program.name) : po.program.name],
    [t('po.total'), money(po.total_amount, po.currency)],
    po.currency === 'USD' ? [t('po.rate'), po.exchange_rate ?? t('po.rateAtApproval')] : null,
    [t('po.totalKrw'), money(po.total_krw)],
    [t('po.paid'), money(po.paid_krw)],
    [t('po.submitted'), dateTime(po.submitted_at)],
    [t('po.approved'), dateTime(po.approved_at)],
    [t('po.ordered'), dateTime(po.ordered_at)],
    po.notes ? [t('po.notes'), po.notes] : null,
    po.cancel_reason ? [t('po.cancelReason'), po.cancel_reason] : null,
  ]);
}

function linesTable(po) {
  return table({
    caption: t('po.lines'),
    columns: [
      { label: t('po.model'), value: (l) => l.model },
      { label: t('po.quantity'), num: true, value: (l) => number(l.quantity) },
      { label: t('po.unitPrice'), num: true, value: (l) => money(l.unit_price, po.currency) },
      { label: t('po.amount'), num: true, value: (l) => money(l.amount, po.currency) },
      { label: t('po.warranty'), num: true, value: (l) => number(l.warranty_months) },
      { label: t('progress.delivered'), num: true, value: (l) => number(l.delivered) },
      { label: t('progress.accepted'), num: true, value: (l) => number(l.accepted) },
    ],
    rows: po.lines ?? [],
  });
}

// The approval form: the four-eyes rule told plainly, the rate of a USD
// order, and the override reason an administrator gives over the budget.
function approveForm(ctx, po, reload) {
  const mine = po.created_by != null && po.created_by === ctx.user.id;
  const rule = h('p', { class: mine ? 'notice warn' : 'notice' }, t(mine ? 'po.fourEyesMine' : 'po.fourEyes'));
  if (mine) return [rule];
  const fields = [];
  if (po.currency === 'USD') fields.push({ name: 'exchange_rate', label: t('po.rate'), required: true, inputmode: 'decimal', help: t('po.rateHelp') });
  if (ctx.can(['admin'])) fields.push({ name: 'override_reason', label: t('po.override'), type: 'textarea', help: t('po.overrideHelp'), wide: true });
  return [rule, actionForm({ fields, submitLabel: t('po.approve'), submit: (v) => post(`/api/v1/purchase-orders/${po.id}/approve`, v), done: reload })];
}

function cancelForm(po, reload) {
  return h('details', { class: 'danger-zone' }, h('summary', {}, t('po.cancel')),
    actionForm({ fields: [{ name: 'reason', label: t('po.cancelReason'), type: 'textarea', required: true, wide: true }],
      submitLabel: t('po.cancelConfirm'), submit: (v) => post(`/api/v1/purchase-orders/${po.id}/cancel`, v), done: reload }));
}

function actionsFor(ctx, po, reload) {
  if (!ctx.can(WRITERS)) return [];
  const region = alertBox();
  const simple = (action, key) => actionButton(t(key), () => post(`/api/v1/purchase-orders/${po.id}/${action}`), region, reload, { kind: 'primary' });
  const out = [region];
  if (po.status === 'draft') {
    out.push(h('div', { class: 'actions' }, simple('submit', 'po.submit'),
      h('a', { class: 'button button-secondary', href: `#/orders/${po.id}/edit` }, t('po.edit'))));
  }
  if (po.status === 'submitted') out.push(...approveForm(ctx, po, reload));
  if (po.status === 'approved') out.push(h('div', { class: 'actions' }, simple('order', 'po.order')));
  if (po.status === 'delivered') out.push(h('div', { class: 'actions' }, simple('close', 'po.close')));
  if (['draft', 'submitted', 'approved', 'ordered'].includes(po.status)) out.push(cancelForm(po, reload));
  return out.length > 1 ? [section(t('po.actions'), out)] : [];
}

async function paymentsSection(ctx, po, reload) {
  if (!ctx.can(STAFF)) return null;
  const r = await get(`/api/v1/purchase-orders/${po.id}/payments`);
  const items = r.status === 200 ? r.data.items : [];
  const body = [table({
    caption: t('po.payments'),
    columns: [
      { label: t('pay.invoice'), value: (p) => p.invoice_number },
      { label: t('pay.paidOn'), value: (p) => date(p.paid_on) },
      { label: t('pay.amount'), num: true, value: (p) => money(p.amount, p.currency) },
      { label: t('pay.amountKrw'), num: true, value: (p) => money(p.amount_krw) },
    ],
    rows: items,
    empty: t('pay.none'),
  })];
  if (ctx.can(WRITERS) && ['ordered', 'partially_delivered', 'delivered'].includes(po.status)) {
    body.push(h('h4', {}, t('pay.record')), actionForm({
      fields: [
        { name: 'invoice_number', label: t('pay.invoice'), required: true },
        { name: 'amount', label: t('pay.amount'), type: 'number', min: 1, required: true, help: t(po.currency === 'USD' ? 'pay.amountHelpUsd' : 'pay.amountHelpKrw') },
        { name: 'paid_on', label: t('pay.paidOn'), type: 'date', required: true },
      ],
      submitLabel: t('pay.submit'),
      submit: (v) => post(`/api/v1/purchase-orders/${po.id}/payments`, { ...v, currency: po.currency }),
      done: reload,
    }));
  }
  return section(t('po.payments'), body);
}

async function deliveriesSection(ctx, po) {
  const r = await get(`/api/v1/deliveries${query({ purchase_order_id: po.id, limit: 100 })}`);
  const body = [table({
    caption: t('nav.deliveries'),
    columns: [
      { label: t('dl.reference'), value: (d) => link(`#/deliveries/${d.id}`, d.reference || `#${d.id}`) },
      { label: t('dl.status'), value: (d) => badge('dl.status', d.status) },
      { label: t('dl.created'), value: (d) => dateTime(d.created_at) },
    ],
    rows: r.status === 200 ? r.data.items : [],
    empty: t('dl.none'),
  })];
  if (ctx.can(['admin', 'officer', 'vendor']) && ['ordered', 'partially_delivered'].includes(po.status)) {
    body.push(h('h4', {}, t('dl.announce')), announceForm(ctx, po));
  }
  return section(t('nav.deliveries'), body);
}

export async function orderPage(ctx) {
  const r = await get(`/api/v1/purchase-orders/${ctx.params.id}`);
  if (r.status !== 200) return ctx.failed(r);
  const po = r.data;
  const done = noticeBox();
  const reload = () => ctx.rerender();
  return [
    pageTitle(t('po.titleN', { ref: po.reference })), done,
    section(t('po.summary'), orderFacts(ctx, po)),
    section(t('po.lines'), linesTable(po)),
    ...actionsFor(ctx, po, reload),
    await deliveriesSection(ctx, po),
    await paymentsSection(ctx, po, reload),
    await historySection(ctx, 'purchase_orders', po.id),
  ];
}

