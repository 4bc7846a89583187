// exports.js -- reports for auditors (and staff): each report with its
// filters, as CSV or XLSX; beside the file its signed manifest
// (GET /api/v1/exports/:id/manifest, the export named by X-Export-Id) and
// the command that checks both offline with the public key alone. Then the
// open data: the OCDS package and the public progress page, which needs
// no sign-in.
import { h, replace } from '../dom.js';
import { t, label } from '../i18n.js';
import { get, query, problem } from '../api.js';
import { date, money, number, percent } from '../format.js';
import { all } from '../list.js';
import { stackBar } from '../chart.js';
import { alertBox, code, downloadButton, facts, field, formValues, link, pageTitle, refuseTyped, renderMessage, section } from '../ui.js';

const STATUS = {
  'purchase-orders': ['po.status', ['draft', 'submitted', 'approved', 'ordered', 'partially_delivered', 'delivered', 'closed', 'cancelled']],
  deliveries: ['dl.status', ['announced', 'received', 'inspected']],
  assets: ['asset.status', ['received', 'in_stock', 'allocated', 'installed', 'in_service', 'rma', 'retired']],
  allocations: ['alloc.status', ['active', 'ended']],
};

// The reports, their filters (in the API's names) and who may ask.
export const REPORTS = [
  { id: 'purchase-orders', filters: ['program_id', 'vendor_id', 'status', 'from', 'to'] },
  { id: 'deliveries', filters: ['program_id', 'vendor_id', 'status', 'result', 'from', 'to'] },
  { id: 'assets', filters: ['program_id', 'vendor_id', 'site_id', 'tenant_id', 'status', 'as_of'] },
  { id: 'allocations', filters: ['site_id', 'tenant_id', 'status', 'from', 'to'] },
  { id: 'site-utilization', filters: ['site_id'] },
  { id: 'program-progress', filters: ['program_id'] },
  { id: 'call', filters: ['call_id'], required: ['call_id'] },
  { id: 'audit-trail', filters: ['from', 'to', 'table', 'actor_user_id'], roles: ['admin', 'auditor'] },
];

const optionsOf = (items, name = (i) => i.name ?? i.title_ko) => items.map((i) => ({ value: i.id, label: name(i) }));

// The choices the filters offer, read once per screen.
async function choices(report) {
  const need = (f) => report.filters.includes(f);
  const load = (f, url) => (need(f) ? all(url, 3) : Promise.resolve([]));
  const [programs, orgs, sites, calls] = await Promise.all([load('program_id', '/api/v1/programs'),
    need('vendor_id') || need('tenant_id') ? all('/api/v1/organizations', 5) : Promise.resolve([]),
    load('site_id', '/api/v1/sites'), load('call_id', '/api/v1/calls')]);
  return {
    program_id: optionsOf(programs), site_id: optionsOf(sites), call_id: optionsOf(calls),
    vendor_id: optionsOf(orgs.filter((o) => o.kind === 'vendor')), tenant_id: optionsOf(orgs.filter((o) => o.kind !== 'vendor' && o.kind !== 'ministry')),
  };
}

function filterField(report, name, opts) {
  const required = (report.required ?? []).includes(name);
  const base = { name, label: t(`exp.f.${name}`), required };
  if (opts[name]) return { ...base, type: 'select', placeholder: required ? undefined : t('list.any'), options: opts[name] };
  if (name === 'status' && STATUS[report.id]) {
    const [prefix, codes] = STATUS[report.id];
    return { ...base, type: 'select', placeholder: t('list.any'), options: codes.map((c) => ({ value: c, label: label(prefix, c) })) };
  }
  if (name === 'result') return { ...base, type: 'select', placeholder: t('list.any'), options: ['pending', 'passed', 'failed'].map((c) => ({ value: c, label: label('unit.result', c) })) };
  if (['from', 'to', 'as_of'].includes(name)) return { ...base, type: 'date' };
  if (name === 'actor_user_id') return { ...base, type: 'number', min: 1 };
  return { ...base, help: name === 'table' ? t('exp.tableHelp') : undefined };
}

const fileName = (r, report, format) => {
  const m = /filename="([^"]+)"/.exec(r.headers.get('content-disposition') ?? '');
  return m ? m[1] : `${report.id}-${r.headers.get('x-export-id') ?? 'export'}.${format}`;
};

// After a download: the export's number, its manifest and the command.
async function afterDownload(out, file, id) {
  const keys = await get('/api/v1/keys');
  const manifest = file.replace(/\.(csv|xlsx)$/, '.manifest');
  const region = alertBox();
  const key = keys.status === 200 ? keys.data.signing_key.verifier_key : '<verifier key>';
  replace(out, h('div', { class: 'notice-ok', role: 'status', id: 'export-done' }, h('p', {}, t('exp.saved', { file, id }))),
    h('div', { class: 'actions' }, downloadButton(t('exp.manifest'), `/api/v1/exports/${id}/manifest`, manifest, region, { kind: 'primary', id: 'manifest-download', accept: 'text/plain' })),
    region, h('h4', {}, t('exp.verifyTitle')), h('p', { class: 'help' }, t('exp.verifyHelp')),
    code(`registry verify-export ${file} ${manifest} \\\n    --public-key '${key}'`, 'verify-command'),
    h('p', { class: 'help' }, t('exp.verifyExit')));
}

function reportForm(report, opts) {
  const out = h('div', { id: 'export-result', 'aria-live': 'polite' });
  const region = alertBox();
  const form = h('form', { class: 'form', id: 'export-form', novalidate: true }, region,
    h('div', { class: 'form-grid' }, report.filters.map((f) => field(filterField(report, f, opts))),
      field({ name: 'format', label: t('exp.format'), type: 'select', value: 'csv', options: [{ value: 'csv', label: 'CSV' }, { value: 'xlsx', label: 'XLSX' }] })));
  const url = () => `/api/v1/exports/${report.id}${query(formValues(form))}`;
  const format = () => form.elements.format.value;
  const btn = downloadButton(t('exp.download'), url, (r) => fileName(r, report, format()), region, {
    kind: 'primary', id: 'export-download', check: () => !refuseTyped(form, region), after: (r) => afterDownload(out, fileName(r, report, format()), r.headers.get('x-export-id')),
  });
  form.addEventListener('submit', (e) => { e.preventDefault(); btn.click(); });
  form.append(h('div', { class: 'actions' }, btn));
  return [form, out];
}

function reportMenu(ctx, chosen) {
  return h('nav', { class: 'report-menu', 'aria-label': t('exp.reports') }, h('ul', { class: 'tiles' },
    REPORTS.filter((r) => !r.roles || ctx.can(r.roles)).map((r) => h('li', { class: 'tile' },
      h('a', { href: `#/exports?report=${r.id}`, 'aria-current': r.id === chosen?.id ? 'page' : null },
        h('span', { class: 'tile-title' }, t(`exp.r.${r.id}`)), h('span', { class: 'tile-text' }, t(`exp.r.${r.id}.about`)))))));
}

function openData() {
  return section(t('exp.open'), h('p', { class: 'help' }, t('exp.openHelp')), h('ul', {},
    h('li', {}, h('a', { href: '/api/v1/exports/ocds', id: 'ocds-link', type: 'application/json' }, t('exp.ocds'))),
    h('li', {}, link('#/progress', t('exp.progress')))));
}

export async function exportsPage(ctx) {
  const report = REPORTS.find((r) => r.id === ctx.query.report && (!r.roles || ctx.can(r.roles)));
  const out = [pageTitle(t('nav.exports')), h('p', { class: 'panel-intro' }, t('exp.intro')), section(t('exp.reports'), reportMenu(ctx, report))];
  if (report) out.push(section(t(`exp.r.${report.id}`), h('p', { class: 'help' }, t(`exp.r.${report.id}.about`)), reportForm(report, await choices(report))));
  out.push(openData());
  return out;
}

// ---------------------------------------------------------------- public progress

function programProgress(p) {
  const target = p.gpu_target ?? 0;
  return section(p.name, facts([
    [t('pub.period'), `${date(p.starts_on)} – ${date(p.ends_on)}`],
    [t('progress.target'), number(target)], [t('progress.ordered'), number(p.gpus_ordered)],
    [t('progress.accepted'), number(p.gpus_accepted)], [t('progress.in_service'), `${number(p.gpus_in_service)} (${percent(p.gpus_in_service, target)}%)`],
    [t('progress.budget'), money(p.budget_krw)], [t('progress.committed'), money(p.committed_krw)], [t('progress.paid'), money(p.paid_krw)],
    [t('pub.milestones'), p.milestones.map((m) => `${m.label ?? ''} ${date(m.due_on)}: ${number(m.gpu_target)}`).join(' · ')],
  ]), stackBar({
    title: t('pub.gpus', { pct: percent(p.gpus_in_service, target) }), total: target,
    parts: [{ name: t('progress.in_service'), value: p.gpus_in_service }, { name: t('pub.acceptedNotInService'), value: Math.max(0, p.gpus_accepted - p.gpus_in_service) },
      { name: t('pub.orderedNotAccepted'), value: Math.max(0, p.gpus_ordered - p.gpus_accepted) }],
  }));
}

// Public: each programme's progress, without sign-in.
export async function publicProgress() {
  const r = await get('/api/v1/public/progress');
  const head = [pageTitle(t('pub.title')), h('p', { class: 'panel-intro' }, t('pub.intro')),
    h('p', {}, h('a', { href: '/api/v1/exports/ocds', type: 'application/json' }, t('exp.ocds')))];
  if (r.status !== 200) { const box = alertBox(); renderMessage(box, problem(r).msg); return [...head, box]; }
  const programs = r.data.programs ?? [];
  return [...head, ...(programs.length ? programs.map(programProgress) : [h('p', { class: 'empty' }, t('pub.none'))])];
}
