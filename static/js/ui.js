// ui.js -- the pieces every screen is made of: messages, facts, tables,
// status badges, forms that show the API's messages next to their fields.
import { h, replace, uid } from './dom.js';
import { t, label } from './i18n.js';
import { call, fetchFile, problem } from './api.js';
import { isoDate, isoMinute } from './format.js';

// A message ({key, params, items} or {text, items}) as paragraphs.
export function messageNodes(msg) {
  if (!msg) return [];
  const out = [h('p', {}, msg.key ? t(msg.key, msg.params ?? {}) : msg.text)];
  if (msg.items && msg.items.length > 0) out.push(h('ul', {}, msg.items.map((i) => h('li', {}, i))));
  return out;
}

export function renderMessage(region, msg) {
  replace(region, messageNodes(msg));
}

// An alert region (announced when it changes).
export const alertBox = () => h('div', { class: 'alert', role: 'alert', 'aria-atomic': 'true' });
export const noticeBox = () => h('div', { class: 'notice-ok', role: 'status', 'aria-atomic': 'true' });

export function pageTitle(text, ...actions) {
  return h('div', { class: 'page-head' },
    h('h2', { class: 'page-title', tabindex: '-1', id: 'page-title' }, text),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

export function section(title, ...children) {
  const id = uid('s');
  return h('section', { class: 'panel', 'aria-labelledby': id },
    h('h3', { class: 'panel-title', id }, title), children);
}

// A definition list of [label, value] pairs; empty values show a dash.
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) =>
    h('div', { class: 'fact' }, h('dt', {}, k), h('dd', {}, v === '' || v == null ? '—' : v))));
}

export function badge(prefix, code) {
  return h('span', { class: `badge badge-${code}` }, label(prefix, code));
}

export const link = (href, text) => h('a', { href }, text);

// columns: [{label, value(item) -> string|Node, num?: true}]
export function table({ caption, columns, rows, empty = t('list.empty'), className = '' }) {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: `table ${className}` },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { class: c.num ? 'num' : null }, c.value(r))))))));
}

export function button(text, onclick, { kind = 'secondary', type = 'button', id } = {}) {
  return h('button', { type, class: `button button-${kind}`, onclick, id }, text);
}

// ---------------------------------------------------------------- forms

// Dates are typed as the API takes them, whatever the browser's locale
// (a date input would show its own order and words): text fields with the
// form told beside them, checked and tidied in the page.
const TYPED = {
  date: { parse: isoDate, pattern: '\\d{4}-\\d{2}-\\d{2}', size: 10, hint: 'date.hint', invalid: 'date.invalid' },
  datetime: { parse: isoMinute, pattern: '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}', size: 16, hint: 'datetime.hint', invalid: 'datetime.invalid' },
};

// The typed field's message about its value, if it is not one ('' is
// left to the required check).
function typedError(control) {
  const kind = TYPED[control.dataset.typed];
  if (!kind || control.value.trim() === '' || kind.parse(control.value)) return null;
  return t(kind.invalid);
}

// Every typed field of a form that holds no date, as showFieldErrors takes them.
function typedErrors(form) {
  const out = {};
  for (const el of form.querySelectorAll('[data-typed]')) {
    const msg = typedError(el);
    if (msg && el.name) out[el.name] = msg;
  }
  return out;
}

// 2026.3.4 as 2026-03-04; a value that is no date stays as typed.
function tidy(control) {
  const v = TYPED[control.dataset.typed].parse(control.value);
  if (v) control.value = v;
}

// No numeric inputmode: some phones' number pads have no '-' or ':'.
function typedControl(spec, common, kind) {
  const control = h('input', {
    ...common, type: 'text', value: spec.value ?? null, autocomplete: 'off',
    pattern: kind.pattern, maxlength: kind.size + 4, size: kind.size + 2, dataset: { typed: spec.type },
  });
  // Tidied when left; its message waits for the submit (a message shown on
  // leaving would move the button being clicked).
  control.addEventListener('change', () => tidy(control));
  return control;
}

// One labelled control. spec: {name, label, type, options, required, help,
// value, min, max, step, multiple}. options: [{value, label}]. type 'date'
// (YYYY-MM-DD) and 'datetime' (YYYY-MM-DD HH:MM) are typed as text.
export function field(spec) {
  const id = uid('in');
  const errId = `${id}-err`;
  const helpId = spec.help ? `${id}-help` : null;
  const kind = TYPED[spec.type];
  const hintId = kind ? `${id}-hint` : null;
  const common = {
    id, name: spec.name, required: spec.required || null, 'aria-required': spec.required ? 'true' : null,
    'aria-describedby': [hintId, helpId, errId].filter(Boolean).join(' '),
  };
  let control;
  if (kind) {
    control = typedControl(spec, common, kind);
  } else if (spec.type === 'select') {
    // Ids come as numbers, and go back to the API as numbers.
    const numeric = (spec.options ?? []).length > 0 && spec.options.every((o) => typeof o.value === 'number');
    control = h('select', { ...common, dataset: numeric ? { num: '1' } : null },
      spec.placeholder !== undefined ? h('option', { value: '' }, spec.placeholder) : null,
      (spec.options ?? []).map((o) => h('option', { value: o.value, selected: String(o.value) === String(spec.value ?? '') || null }, o.label)));
  } else if (spec.type === 'textarea') {
    control = h('textarea', { ...common, rows: spec.rows ?? 4 });
    control.value = spec.value ?? '';
  } else {
    control = h('input', {
      ...common, type: spec.type ?? 'text', value: spec.value ?? null, min: spec.min, max: spec.max,
      step: spec.step, autocomplete: spec.autocomplete ?? 'off', inputmode: spec.inputmode, accept: spec.accept,
    });
  }
  return h('div', { class: `field ${spec.wide ? 'field-wide' : ''}`, dataset: { field: spec.name } },
    h('label', { for: id }, spec.label, spec.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    hintId ? h('p', { class: 'help', id: hintId }, t(kind.hint)) : null,
    helpId ? h('p', { class: 'help', id: helpId }, spec.help) : null,
    h('p', { class: 'field-error', id: errId }));
}

// The form's values by name: numbers for type=number, '' left out.
export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') { out[el.name] = el.checked; continue; }
    if (el.value === '') continue;
    out[el.name] = el.type === 'number' || el.dataset.num ? Number(el.value) : el.value;
  }
  return out;
}

// One labelled checkbox, its value a boolean in formValues.
export function checkField({ name, label: text, help, checked }) {
  const helpId = help ? uid('help') : null;
  return h('div', { class: 'field field-wide', dataset: { field: name } },
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name, checked: checked || null, 'aria-describedby': helpId }), ' ', text),
    helpId ? h('p', { class: 'help', id: helpId }, help) : null, h('p', { class: 'field-error' }));
}

// Shows each field's message beside it; returns the messages no field took.
export function showFieldErrors(form, fields) {
  const left = { ...fields };
  for (const box of form.querySelectorAll('[data-field]')) {
    const name = box.dataset.field;
    const control = box.querySelector('input, select, textarea');
    const msg = fields[name];
    box.querySelector('.field-error').textContent = msg ?? '';
    if (msg) { control.setAttribute('aria-invalid', 'true'); delete left[name]; } else control.removeAttribute('aria-invalid');
  }
  return left;
}

// Typed dates tidied (2026.3.4 -> 2026-03-04); one the page cannot read is
// told beside its field and above the form (announced), and nothing is
// sent: true when so.
export function refuseTyped(form, alert) {
  for (const el of form.querySelectorAll('[data-typed]')) tidy(el);
  const bad = typedErrors(form);
  if (Object.keys(bad).length === 0) return false;
  showFieldErrors(form, bad);
  renderMessage(alert, { key: 'problem.validation.failed' });
  form.querySelector('[aria-invalid="true"]')?.focus();
  return true;
}

// A form that sends itself: submit(values) returns an API reply; a success
// calls done(reply.data); a problem is told above the form and beside the
// fields, with problemActions(reply)'s buttons, if any, under it;
// {msg} (the page's own check, nothing sent) is told above the form. The
// submit button is locked while the request runs.
export function actionForm({ fields, submitLabel, submit, done, className = '', extra = [], problemActions }) {
  const alert = alertBox();
  const btn = h('button', { type: 'submit', class: 'button button-primary' }, submitLabel);
  const form = h('form', { class: `form ${className}`, novalidate: true },
    alert, h('div', { class: 'form-grid' }, fields.map((f) => (f instanceof Node ? f : field(f)))), extra,
    h('div', { class: 'actions' }, btn));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (btn.disabled) return;
    replace(alert);
    if (refuseTyped(form, alert)) return;
    btn.disabled = true;
    form.setAttribute('aria-busy', 'true');
    let reply;
    try {
      reply = await submit(formValues(form), form);
    } finally {
      btn.disabled = false;
      form.removeAttribute('aria-busy');
    }
    if (reply && reply.status >= 200 && reply.status < 300) {
      showFieldErrors(form, {});
      done(reply.data, reply);
      return;
    }
    if (!reply) return;
    if (reply.msg) { renderMessage(alert, reply.msg); alert.focus?.(); return; }
    const { msg, fields: errs } = problem(reply);
    const left = showFieldErrors(form, errs);
    const items = Object.entries(left).map(([k, v]) => `${k}: ${v}`);
    renderMessage(alert, { ...msg, items });
    const more = problemActions?.(reply);
    if (more) alert.append(h('div', { class: 'actions' }, more));
    const bad = form.querySelector('[aria-invalid="true"]');
    (bad ?? alert).focus?.();
  });
  return form;
}

// Repeated rows of fields inside a form (an order's lines, a programme's
// milestones), each field named `<name>[i].<field>`. Rows are renumbered
// after a removal, so that the names sent have no gap; a row's remove
// button shows only while more than `min` rows are left, and a removal is
// announced. row(i, item) returns a fieldset with a legend. keys: the
// catalogue keys {legend, add, remove, removed} ({n}, {left}).
export function rowsEditor({ name, items, row, min = 0, keys }) {
  const rows = h('div', { class: 'lines' });
  const told = h('p', { class: 'visually-hidden', role: 'status' });
  const add = h('button', { type: 'button', class: 'button button-secondary' }, t(keys.add));
  const prefix = new RegExp(`^${name}\\[\\d+\\]`);
  const renumber = () => {
    const all = [...rows.children];
    all.forEach((r, i) => {
      const rename = (v) => v.replace(prefix, `${name}[${i}]`);
      r.querySelector('legend').textContent = t(keys.legend, { n: i + 1 });
      for (const el of r.querySelectorAll('[name]')) el.name = rename(el.name);
      for (const el of r.querySelectorAll('[data-field]')) el.dataset.field = rename(el.dataset.field);
      const remove = r.querySelector('.line-remove');
      remove.textContent = t(keys.remove, { n: i + 1 });
      remove.hidden = all.length <= min;
    });
  };
  const append = (item) => {
    const r = row(rows.children.length, item);
    const remove = h('button', { type: 'button', class: 'button button-secondary line-remove' });
    r.append(h('div', { class: 'actions line-actions' }, remove));
    remove.addEventListener('click', () => {
      const n = [...rows.children].indexOf(r) + 1;
      r.remove();
      renumber();
      told.textContent = t(keys.removed, { n, left: rows.children.length });
      add.focus();
    });
    rows.append(r);
    renumber();
  };
  items.forEach((item) => append(item));
  add.addEventListener('click', () => append());
  return [rows, h('div', { class: 'actions' }, add), told];
}

// A form that changes a record as it was read: PATCH with that read's
// ETag as If-Match, so that a change someone made meanwhile is refused
// (412) rather than overwritten, and told plainly with a button that reads
// the record again. body(values) shapes what is sent.
export function editForm(ctx, { url, etag, fields, body = (v) => v, done = () => ctx.rerender(), submitLabel = t('common.save'), extra }) {
  return actionForm({
    fields, extra, submitLabel, done,
    className: 'edit-form',
    submit: (v) => call('PATCH', url, body(v), { headers: etag ? { 'if-match': etag } : {} }),
    problemActions: (reply) => (reply.status === 412
      ? [button(t('edit.reload'), () => ctx.rerender(), { kind: 'primary', id: 'edit-reload' })] : null),
  });
}

// A nullable text field left empty is sent as null, so an edit can clear it.
export const orNull = (values, ...names) => ({ ...Object.fromEntries(names.map((n) => [n, null])), ...values });

// A button that runs one API action after the person confirms nothing
// (plain actions); the outcome is told in the given region.
export function actionButton(text, run, region, after, { kind = 'secondary' } = {}) {
  const b = button(text, async () => {
    b.disabled = true;
    const reply = await run();
    b.disabled = false;
    if (reply.status >= 200 && reply.status < 300) after(reply.data);
    else renderMessage(region, problem(reply).msg);
  }, { kind });
  return b;
}

// Active / inactive as a select's options (true/false as text).
export const activeOptions = () => ['true', 'false'].map((v) => ({ value: v, label: label('bool', v) }));

// Options for a select from API items.
export const options = (items, text = (i) => i.name) => items.map((i) => ({ value: i.id, label: text(i) }));

// A link that saves bytes or text the page holds as a file.
export function saveLink(data, filename, text, { type = 'text/plain;charset=utf-8', kind = 'secondary' } = {}) {
  return h('a', { class: `button button-${kind}`, href: URL.createObjectURL(new Blob([data], { type })), download: filename }, text);
}

// Text the person may copy exactly (keys, hashes, receipts).
export const code = (text, id) => h('pre', { class: 'code', id, tabindex: '0' }, text);

// A fieldset of checkboxes named `<field>:<key>`; items: [{key, label, checked}].
export function checkBoxes(field, legend, items) {
  return h('fieldset', { class: 'field field-wide', dataset: { field } }, h('legend', {}, legend),
    h('div', { class: 'checks' }, items.map((i) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: `${field}:${i.key}`, checked: i.checked || null }), ' ', i.label))),
    h('p', { class: 'field-error' }));
}

// Form values with the boxes of checkBoxes(field) as the list of keys
// ticked, under `field`; the other values as they are.
export function withChecked(values, field) {
  const out = { [field]: [] };
  for (const [k, v] of Object.entries(values)) {
    if (k.startsWith(`${field}:`)) { if (v) out[field].push(k.slice(field.length + 1)); } else out[k] = v;
  }
  return out;
}

// Hands a blob to the browser as a download named filename.
export function saveBlob(blob, filename) {
  const a = h('a', { href: URL.createObjectURL(blob), download: filename });
  document.body.append(a);
  a.click();
  a.remove();
}

// A button that downloads url (each download may be recorded, so only on
// a click); a refusal is told in region. after(reply) sees a success.
// check(), if given, may stop the download (it tells why itself).
export function downloadButton(text, url, filename, region, { accept, kind = 'secondary', id, after, check } = {}) {
  const btn = h('button', { type: 'button', class: `button button-${kind}`, id }, text);
  btn.addEventListener('click', async () => {
    replace(region);
    if (check && !check()) return;
    btn.disabled = true;
    const r = await fetchFile(typeof url === 'function' ? url() : url, accept);
    btn.disabled = false;
    if (!r.blob) { renderMessage(region, problem(r).msg); return; }
    saveBlob(r.blob, typeof filename === 'function' ? filename(r) : filename);
    after?.(r);
  });
  return btn;
}
