// orders.js -- purchase orders: the list, a new draft, and an order's page
// with the actions its status allows (submit, approve under the four-eyes
// rule, order, cancel, pay, close) and its deliveries and payments.
import { h } from '../dom.js';
import { t, label } from '../i18n.js';
import { get, post, query } from '../api.js';
import { date, dateTime, money, number } from '../format.js';
import { all, listScreen } from '../list.js';
import { actionButton, actionForm, alertBox, badge, facts, field, link, noticeBox, options, pageTitle, section, table } from '../ui.js';
import { historySection } from './history.js';
import { announceForm } from './deliveries.js';

const STATUSES = ['draft', 'submitted', 'approved', 'ordered', 'partially_delivered', 'delivered', 'closed', 'cancelled'];
const WRITERS = ['admin', 'officer'];

const statusOptions = (prefix, list) => list.map((s) => ({ value: s, label: label(prefix, s) }));

export async function ordersList(ctx) {
  const programs = ctx.can(['admin', 'officer', 'auditor']) ? await all('/api/v1/programs') : [];
  return listScreen(ctx, {
    title: t('nav.orders'),
    api: '/api/v1/purchase-orders',
    actions: ctx.can(WRITERS) ? [h('a', { class: 'button button-primary', href: '#/orders/new' }, t('po.new'))] : [],
    filters: [
      { name: 'status', label: t('po.status'), type: 'select', placeholder: t('list.any'), options: statusOptions('po.status', STATUSES) },
      programs.length ? { name: 'program_id', label: t('po.program'), type: 'select', placeholder: t('list.any'), options: options(programs) } : null,
    ].filter(Boolean),
    columns: [
      { label: t('po.reference'), value: (o) => link(`#/orders/${o.id}`, o.reference) },
      { label: t('po.vendor'), value: (o) => o.vendor?.name ?? `#${o.vendor_id}` },
      { label: t('po.status'), value: (o) => badge('po.status', o.status) },
      { label: t('po.total'), num: true, value: (o) => money(o.total_amount, o.currency) },
      { label: t('po.totalKrw'), num: true, value: (o) => money(o.total_krw) },
      { label: t('po.updated'), value: (o) => dateTime(o.updated_at) },
    ],
  });
}

function lineRow(i, models) {
  return h('fieldset', { class: 'line' }, h('legend', {}, t('po.lineN', { n: i + 1 })),
    field({ name: `lines[${i}].gpu_model_id`, label: t('po.model'), type: 'select', required: true, options: options(models, (m) => `${m.manufacturer} ${m.model} · ${m.memory_gb} GB`) }),
    field({ name: `lines[${i}].quantity`, label: t('po.quantity'), type: 'number', min: 1, required: true }),
    field({ name: `lines[${i}].unit_price`, label: t('po.unitPrice'), type: 'number', min: 0, required: true, help: t('po.unitPriceHelp') }),
    field({ name: `lines[${i}].warranty_months`, label: t('po.warranty'), type: 'number', min: 0, value: 36 }));
}

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
  const lines = h('div', { class: 'lines' }, lineRow(0, models));
  const add = h('button', { type: 'button', class: 'button button-secondary' }, t('po.addLine'));
  add.addEventListener('click', () => lines.append(lineRow(lines.children.length, models)));
  const form = actionForm({
    fields: [
      { name: 'program_id', label: t('po.program'), type: 'select', required: true, options: options(programs) },
      { name: 'vendor_id', label: t('po.vendor'), type: 'select', required: true, options: options(vendors) },
      { name: 'currency', label: t('po.currency'), type: 'select', required: true, options: [{ value: 'KRW', label: 'KRW (₩)' }, { value: 'USD', label: 'USD ($)' }] },
      { name: 'notes', label: t('po.notes'), type: 'textarea', wide: true },
    ],
    extra: [lines, h('div', { class: 'actions' }, add)],
    submitLabel: t('po.saveDraft'),
    submit: (v) => post('/api/v1/purchase-orders', nest(v)),
    done: (po) => ctx.navigate(`/orders/${po.id}`),
  });
  return [pageTitle(t('po.new')), h('p', { class: 'panel-intro' }, t('po.newIntro')), form];
}

function orderFacts(po, program) {
  return facts([
    [t('po.status'), badge('po.status', po.status)],
    [t('po.vendor'), po.vendor?.name ?? `#${po.vendor_id}`],
    [t('po.program'), program ? link(`#/programs/${po.program_id}`, program.name) : `#${po.program_id}`],
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
  if (po.status === 'draft') out.push(h('div', { class: 'actions' }, simple('submit', 'po.submit')));
  if (po.status === 'submitted') out.push(...approveForm(ctx, po, reload));
  if (po.status === 'approved') out.push(h('div', { class: 'actions' }, simple('order', 'po.order')));
  if (po.status === 'delivered') out.push(h('div', { class: 'actions' }, simple('close', 'po.close')));
  if (['draft', 'submitted', 'approved', 'ordered'].includes(po.status)) out.push(cancelForm(po, reload));
  return out.length > 1 ? [section(t('po.actions'), out)] : [];
}

async function paymentsSection(ctx, po, reload) {
  if (!ctx.can(['admin', 'officer', 'auditor'])) return null;
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
  const pr = ctx.can(['admin', 'officer', 'auditor']) ? await get(`/api/v1/programs/${po.program_id}`) : null;
  const done = noticeBox();
  const reload = () => ctx.rerender();
  return [
    pageTitle(t('po.titleN', { ref: po.reference })), done,
    section(t('po.summary'), orderFacts(po, pr?.status === 200 ? pr.data : null)),
    section(t('po.lines'), linesTable(po)),
    ...actionsFor(ctx, po, reload),
    await deliveriesSection(ctx, po),
    await paymentsSection(ctx, po, reload),
    await historySection(ctx, 'purchase_orders', po.id),
  ];
}

