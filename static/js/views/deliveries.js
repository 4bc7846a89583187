// deliveries.js -- deliveries: the list, announcing or recording one
// against an order, and a delivery's page: receive it, upload its serials
// as CSV (with progress, then each bad row with its line and reason, and
// the error file to fix), and inspect its units in bulk.
import { h, replace } from '../dom.js';
import { t, label } from '../i18n.js';
import { get, post, query, upload, problem } from '../api.js';
import { dateTime, number } from '../format.js';
import { listScreen } from '../list.js';
import { actionButton, actionForm, alertBox, badge, facts, link, noticeBox, pageTitle, renderMessage, section, table } from '../ui.js';
import { historySection } from './history.js';

const STATUSES = ['announced', 'received', 'inspected'];

export function deliveriesList(ctx) {
  return listScreen(ctx, {
    title: t('nav.deliveries'),
    api: '/api/v1/deliveries',
    filters: [
      { name: 'status', label: t('dl.status'), type: 'select', placeholder: t('list.any'), options: STATUSES.map((s) => ({ value: s, label: label('dl.status', s) })) },
      { name: 'purchase_order_id', label: t('dl.orderId'), type: 'number', min: 1 },
    ],
    columns: [
      { label: t('dl.reference'), value: (d) => link(`#/deliveries/${d.id}`, d.reference || `#${d.id}`) },
      { label: t('po.reference'), value: (d) => link(`#/orders/${d.purchase_order_id}`, d.purchase_order_reference) },
      { label: t('dl.status'), value: (d) => badge('dl.status', d.status) },
      { label: t('dl.received'), value: (d) => dateTime(d.received_at) },
      { label: t('dl.inspected'), value: (d) => dateTime(d.inspected_at) },
    ],
  });
}

// Announcing (a vendor) or recording (an officer: received at once) a
// delivery against an order; the serials follow by CSV on its page.
export function announceForm(ctx, po) {
  return actionForm({
    fields: [
      { name: 'reference', label: t('dl.reference'), required: true, help: t('dl.referenceHelp') },
      { name: 'note', label: t('dl.note'), type: 'textarea', wide: true },
    ],
    submitLabel: t(ctx.can(['admin', 'officer']) ? 'dl.record' : 'dl.announce'),
    submit: (v) => post('/api/v1/deliveries', { ...v, purchase_order_id: po.id }),
    done: (d) => ctx.navigate(`/deliveries/${d.id}`),
  });
}

function deliveryFacts(d) {
  return facts([
    [t('dl.status'), badge('dl.status', d.status)],
    [t('po.reference'), link(`#/orders/${d.purchase_order_id}`, d.purchase_order_reference)],
    [t('dl.units'), t('dl.unitCounts', d.units)],
    [t('dl.received'), dateTime(d.received_at)],
    [t('dl.inspected'), dateTime(d.inspected_at)],
    d.note ? [t('dl.note'), d.note] : null,
  ]);
}

function linesTable(d) {
  return table({
    caption: t('dl.lines'),
    columns: [
      { label: t('po.model'), value: (l) => l.model },
      { label: t('po.quantity'), num: true, value: (l) => number(l.quantity) },
      { label: t('dl.inThis'), num: true, value: (l) => number(l.units?.total) },
      { label: t('dl.remaining'), num: true, value: (l) => number(l.remaining) },
    ],
    rows: d.lines ?? [],
  });
}

// The bad rows of a refused file: its line, the column and value, why.
function badRows(errors) {
  return table({
    caption: t('csv.badRows'),
    className: 'bad-rows',
    columns: [
      { label: t('csv.line'), num: true, value: (e) => String(e.line ?? '') },
      { label: t('csv.column'), value: (e) => e.column ?? e.field ?? '' },
      { label: t('csv.value'), value: (e) => e.value ?? '' },
      { label: t('csv.reason'), value: (e) => e.message },
    ],
    rows: errors,
  });
}

// The error file (the rows again with an `error` column), asked for by
// sending the same file as a dry run with Accept: text/csv.
async function errorFileLink(url, file) {
  const res = await fetch(`${url}?dry_run=true`, {
    method: 'POST', credentials: 'same-origin', body: file,
    headers: { 'content-type': 'text/csv', accept: 'text/csv' },
  }).catch(() => null);
  if (!res || !(res.headers.get('content-type') || '').startsWith('text/csv')) return null;
  const blob = await res.blob();
  return h('a', { class: 'button button-secondary', href: URL.createObjectURL(blob), download: `errors-${file.name}` }, t('csv.errorFile'));
}

function csvUpload(d, reload) {
  const url = `/api/v1/deliveries/${d.id}/units`;
  const input = h('input', { type: 'file', id: 'csv-file', accept: '.csv,text/csv', 'aria-describedby': 'csv-help' });
  const bar = h('progress', { id: 'csv-progress', max: 100, value: 0, 'aria-label': t('csv.progress'), hidden: true });
  const out = h('div', { id: 'csv-result', 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'button button-primary' }, t('csv.upload'));
  const form = h('form', { class: 'form', id: 'csv-form' },
    h('div', { class: 'field' }, h('label', { for: 'csv-file' }, t('csv.file')), input,
      h('p', { class: 'help', id: 'csv-help' }, t('csv.help'))),
    h('div', { class: 'actions' }, btn), bar, out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const file = input.files[0];
    if (!file) { replace(out, h('p', { class: 'alert', role: 'alert' }, t('csv.choose'))); return; }
    btn.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    replace(out);
    const r = await upload(url, file, 'text/csv', (f) => { bar.value = Math.round(f * 100); });
    bar.value = 100;
    btn.disabled = false;
    if (r.status === 200 || r.status === 201) {
      replace(out, h('p', { class: 'notice-ok', role: 'status' }, t('csv.done', r.data)));
      setTimeout(reload, 0);
      return;
    }
    const { msg } = problem(r);
    const errors = Array.isArray(r.data?.errors) ? r.data.errors : [];
    const box = alertBox();
    renderMessage(box, msg);
    replace(out, box, errors.length ? badRows(errors) : null);
    if (errors.length) {
      const a = await errorFileLink(url, file);
      if (a) out.append(h('p', {}, a, ' ', t('csv.errorFileHelp')));
    }
  });
  return form;
}

// Every pending unit with a pass/fail choice and a note; "all passed" sets
// each choice at once.
async function inspection(d, reload) {
  const r = await get(`/api/v1/deliveries/${d.id}/units${query({ result: 'pending', limit: 500 })}`);
  const units = r.status === 200 ? r.data.items : [];
  if (units.length === 0) return h('p', { class: 'empty' }, t('insp.nothing'));
  const rows = units.map((u, i) => ({ u, i }));
  const choice = (i) => h('select', { name: `result-${i}`, 'aria-label': t('insp.resultFor', { serial: units[i].serial }) },
    h('option', { value: 'passed' }, label('unit.result', 'passed')), h('option', { value: 'failed' }, label('unit.result', 'failed')),
    h('option', { value: 'pending', selected: true }, label('unit.result', 'pending')));
  const note = (i) => h('input', { type: 'text', name: `note-${i}`, 'aria-label': t('insp.noteFor', { serial: units[i].serial }) });
  const alert = alertBox();
  const form = h('form', { class: 'form', id: 'inspect-form' }, alert,
    table({ caption: t('insp.title'), columns: [
      { label: t('asset.serial'), value: ({ u }) => u.serial },
      { label: t('po.model'), value: ({ u }) => u.model },
      { label: t('insp.result'), value: ({ i }) => choice(i) },
      { label: t('insp.note'), value: ({ i }) => note(i) },
    ], rows }));
  const allPassed = h('button', { type: 'button', class: 'button button-secondary', id: 'inspect-all-passed' }, t('insp.allPassed'));
  allPassed.addEventListener('click', () => { for (const s of form.querySelectorAll('select')) s.value = 'passed'; });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, t('insp.submit'));
  form.append(h('div', { class: 'actions' }, allPassed, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = units.map((u, i) => ({ serial: u.serial, result: form.elements[`result-${i}`].value, note: form.elements[`note-${i}`].value || undefined }))
      .filter((x) => x.result !== 'pending');
    if (body.length === 0) { renderMessage(alert, { key: 'insp.noneChosen' }); return; }
    submit.disabled = true;
    const reply = await post(`/api/v1/deliveries/${d.id}/inspection`, { units: body });
    submit.disabled = false;
    if (reply.status === 200) reload();
    else renderMessage(alert, problem(reply).msg);
  });
  return form;
}

async function unitsTable(d) {
  const r = await get(`/api/v1/deliveries/${d.id}/units${query({ limit: 100 })}`);
  return table({
    caption: t('dl.unitsTitle'),
    columns: [
      { label: t('asset.serial'), value: (u) => (u.asset_id ? link(`#/assets/${u.asset_id}`, u.serial) : u.serial) },
      { label: t('po.model'), value: (u) => u.model },
      { label: t('insp.result'), value: (u) => badge('unit.result', u.result) },
      { label: t('insp.note'), value: (u) => u.note ?? '' },
    ],
    rows: r.status === 200 ? r.data.items : [],
    empty: t('dl.noUnits'),
  });
}

export async function deliveryPage(ctx) {
  const r = await get(`/api/v1/deliveries/${ctx.params.id}`);
  if (r.status !== 200) return ctx.failed(r);
  const d = r.data;
  const reload = () => ctx.rerender();
  const officer = ctx.can(['admin', 'officer']);
  const region = alertBox();
  const out = [pageTitle(t('dl.titleN', { ref: d.reference || `#${d.id}` })), noticeBox(),
    section(t('dl.summary'), deliveryFacts(d)), section(t('dl.lines'), linesTable(d))];
  if (officer && d.status === 'announced') {
    out.push(section(t('dl.receive'), region, h('div', { class: 'actions' },
      actionButton(t('dl.receive'), () => post(`/api/v1/deliveries/${d.id}/receive`), region, reload, { kind: 'primary' }))));
  }
  const canUpload = d.status !== 'inspected' && (officer || (ctx.can(['vendor']) && d.status === 'announced'));
  if (canUpload) out.push(section(t('csv.title'), csvUpload(d, reload)));
  if (officer && d.status !== 'announced' && d.units.pending > 0) out.push(section(t('insp.title'), await inspection(d, reload)));
  out.push(section(t('dl.unitsTitle'), await unitsTable(d)));
  out.push(await historySection(ctx, 'deliveries', d.id));
  return out;
}


