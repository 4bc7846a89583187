// proposals.js -- sealed proposals on a call's page. A company reads its
// PDFs and fills in its price schedule; the page puts them in one archive,
// seals it to the call's opening key (seal.js) and uploads only the sealed
// bytes, then shows the signed receipt and offers to save it. Replace and
// withdraw until the deadline. A proposal may be signed (and must be, when
// the call says so) with a key of the organisation the person loads from
// its file (signing.js, orgkeys.js); the receipt names the key. Everyone
// sees how many proposals are in,
// the hashes of their receipts, and the fingerprint of the key that signs
// receipts; anyone checks a saved receipt on a public page.
import { h, replace } from '../dom.js';
import { t, label } from '../i18n.js';
import { get, post, upload, problem } from '../api.js';
import { dateTime } from '../format.js';
import { container, seal, sha256 } from '../seal.js';
import { readKey, signHash } from '../signing.js';
import { alertBox, code, facts, field, pageTitle, renderMessage, saveLink, section, table } from '../ui.js';

const LINES = 3;
const PHASES = ['read', 'seal', 'upload', 'done'];

const receiptName = (c, r) => `receipt-call-${c.id}-v${r.version}.txt`;

// The key that signed a version: its label (when the page knows it) and id.
const signer = (id, keyName) => (id ? [keyName(id) ? `${keyName(id)} · ` : '', h('code', {}, id)] : t('sign.unsigned'));

function receiptView(c, r, keyName) {
  return h('div', { class: 'receipt', id: 'receipt' },
    facts([[t('prop.version'), String(r.version)], [t('prop.action'), label('prop.action', r.action)],
      [t('prop.received'), dateTime(r.received_at)], r.size ? [t('prop.sealedSize'), t('prop.bytes', { n: r.size })] : null,
      r.sha256 ? [t('prop.sealedHash'), h('code', {}, r.sha256)] : null,
      r.sha256 ? [t('sign.signedBy'), h('span', { id: 'receipt-signer' }, signer(r.signed_by, keyName))] : null,
      [t('prop.receiptHash'), h('code', {}, r.receipt_sha256)]]),
    h('h4', {}, t('prop.receipt')), code(r.receipt, 'receipt-text'),
    h('div', { class: 'actions' }, saveLink(r.receipt, receiptName(c, r), t('prop.saveReceipt'), { kind: 'primary' }),
      h('a', { class: 'button button-secondary', href: '#/receipts/verify' }, t('prop.checkReceipt'))));
}

function versionsTable(c, items, keyName) {
  return table({
    caption: t('prop.versions'),
    columns: [
      { label: t('prop.version'), num: true, value: (v) => String(v.version) },
      { label: t('prop.action'), value: (v) => (v.current ? [label('prop.action', v.action), ' ', h('span', { class: 'badge badge-active' }, t('prop.current'))] : label('prop.action', v.action)) },
      { label: t('prop.received'), value: (v) => dateTime(v.received_at) },
      { label: t('sign.signedBy'), value: (v) => (v.action === 'submitted' ? signer(v.signed_by, keyName) : '—') },
      { label: t('prop.receiptHash'), value: (v) => h('code', {}, v.receipt_sha256.slice(0, 16)) },
      { label: t('prop.receipt'), value: (v) => saveLink(v.receipt, receiptName(c, v), t('prop.save')) },
    ],
    rows: items,
    empty: t('prop.none'),
  });
}

// The price schedule: a few lines of item, quantity and unit price in won.
function scheduleFields() {
  const rows = [];
  for (let i = 0; i < LINES; i++) {
    rows.push(h('fieldset', { class: 'line' }, h('legend', {}, t('prop.line', { n: i + 1 })),
      field({ name: `item${i}`, label: t('prop.item'), required: i === 0 }),
      field({ name: `qty${i}`, label: t('prop.quantity'), type: 'number', min: 1, inputmode: 'numeric', required: i === 0 }),
      field({ name: `price${i}`, label: t('prop.unitPrice'), type: 'number', min: 0, inputmode: 'numeric', required: i === 0 })));
  }
  return rows;
}

function readSchedule(form) {
  const v = (n) => form.elements[n].value.trim();
  const lines = [];
  for (let i = 0; i < LINES; i++) {
    if (v(`item${i}`) === '' && v(`qty${i}`) === '' && v(`price${i}`) === '') continue;
    const quantity = v(`qty${i}`) === '' ? NaN : Number(v(`qty${i}`));
    const unit = v(`price${i}`) === '' ? NaN : Number(v(`price${i}`));
    if (v(`item${i}`) === '' || !Number.isInteger(quantity) || quantity < 1 || !Number.isInteger(unit) || unit < 0) return { bad: i };
    lines.push({ item: v(`item${i}`), quantity, unit_price_krw: unit, amount_krw: quantity * unit });
  }
  if (lines.length === 0) return { bad: 0 };
  return { schedule: { currency: 'KRW', lines, total_krw: lines.reduce((s, l) => s + l.amount_krw, 0) } };
}

async function readFiles(input) {
  const out = [];
  for (const f of input.files) out.push({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
  return out;
}

// The steps of one submission, each told as it starts.
function progressView() {
  const bar = h('progress', { id: 'seal-progress', max: 100, value: 0, 'aria-label': t('prop.progress') });
  const steps = h('ol', { class: 'steps', id: 'seal-steps' }, PHASES.map((p) => h('li', { dataset: { phase: p } }, t(`prop.phase.${p}`))));
  const status = h('p', { class: 'lead', role: 'status', id: 'seal-status' });
  const box = h('div', { class: 'seal-progress', hidden: true }, steps, bar, status);
  const phase = (p, pct) => {
    box.hidden = false;
    for (const li of steps.children) li.className = PHASES.indexOf(li.dataset.phase) < PHASES.indexOf(p) ? 'step-done' : li.dataset.phase === p ? 'step-now' : '';
    bar.value = pct;
    status.textContent = t(`prop.phase.${p}`);
  };
  return { box, phase, bar };
}

// The signing key's file input, said to be required when the call is.
function keyField(c) {
  const need = c.signatures_required;
  return h('div', { class: 'field field-wide' }, h('label', { for: 'signing-key-file' }, t(need ? 'sign.keyRequired' : 'sign.keyOptional')),
    h('input', { type: 'file', id: 'signing-key-file', accept: '.key,.txt,text/plain', 'aria-describedby': 'signing-key-help', required: need || null }),
    h('p', { class: 'help', id: 'signing-key-help' }, t(need ? 'sign.requiredHelp' : 'sign.optionalHelp'), ' ',
      h('a', { href: '#/organization-keys' }, t('sign.manage'))));
}

// The key loaded from its file: {key}, or {msg} when it is missing but
// required, or the file holds no key.
async function loadKey(c, keyInput) {
  const file = keyInput.files[0];
  if (!file) return c.signatures_required ? { msg: { key: 'sign.required' } } : { key: null };
  const key = await readKey(await file.text());
  return key ? { key } : { msg: { key: 'sign.badFile', params: { name: file.name } } };
}

// Reads, seals, signs when a key is loaded, and uploads; the reply of the
// upload, or a message.
async function sealAndSend(c, form, input, keyInput, ui) {
  const { schedule, bad } = readSchedule(form);
  if (!schedule) return { msg: { key: 'prop.badLine', params: { n: bad + 1 } } };
  if (input.files.length === 0) return { msg: { key: 'prop.choosePdf' } };
  const { key, msg } = await loadKey(c, keyInput);
  if (msg) return { msg };
  ui.phase('read', 5);
  const files = await readFiles(input);
  ui.phase('seal', 20);
  const blob = await seal(await container(files, schedule), c.opening_key.public_key);
  const hash = await sha256(blob);
  const headers = key ? { 'proposal-signature': await signHash(hash, key.secretKey) } : {};
  ui.phase('upload', 30);
  const reply = await upload(`/api/v1/calls/${c.id}/proposals`, new Blob([blob]), 'application/octet-stream',
    (f) => { ui.bar.value = 30 + Math.round(f * 65); }, headers);
  return { reply, hash };
}

function sealForm(ctx, c, out, keyName) {
  const input = h('input', { type: 'file', id: 'proposal-files', accept: '.pdf,application/pdf', multiple: true, 'aria-describedby': 'proposal-files-help' });
  const alert = alertBox();
  const ui = progressView();
  const btn = h('button', { type: 'submit', class: 'button button-primary', id: 'seal-submit' }, t('prop.sealSubmit'));
  const form = h('form', { class: 'form', id: 'seal-form', novalidate: true }, alert,
    h('div', { class: 'field field-wide' }, h('label', { for: 'proposal-files' }, t('prop.files')), input,
      h('p', { class: 'help', id: 'proposal-files-help' }, t('prop.filesHelp'))),
    h('h4', {}, t('prop.schedule')), h('p', { class: 'help' }, t('prop.scheduleHelp')), scheduleFields(),
    h('h4', {}, t('sign.title')), keyField(c), h('div', { class: 'actions' }, btn), ui.box);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (btn.disabled) return;
    btn.disabled = true;
    replace(alert);
    let r;
    try {
      r = await sealAndSend(c, form, input, form.querySelector('#signing-key-file'), ui);
    } catch {
      r = { msg: { key: 'prop.sealFailed' } };
    } finally {
      btn.disabled = false;
    }
    if (r.msg) { ui.box.hidden = true; renderMessage(alert, r.msg); alert.focus?.(); return; }
    if (r.reply.status !== 201) { ui.box.hidden = true; renderMessage(alert, problem(r.reply).msg); return; }
    ui.phase('done', 100);
    submitted(ctx, c, out, r.reply.data, r.hash, keyName);
  });
  return form;
}

// The receipt of what was just sent, with the page's own hash of the
// sealed bytes beside the one the service signed.
function submitted(ctx, c, out, receipt, hash, keyName) {
  const same = receipt.sha256 === hash;
  replace(out, h('div', { class: same ? 'notice-ok' : 'alert', role: 'status', id: 'receipt-notice' },
    h('p', {}, t(same ? 'prop.receivedOk' : 'prop.receivedDiffers', { version: receipt.version }))),
  receiptView(c, receipt, keyName), h('p', {}, h('a', { href: `#/calls/${c.id}`, onclick: () => ctx.rerender() }, t('prop.backToCall'))));
  out.querySelector('#receipt-notice').scrollIntoView?.({ block: 'nearest' });
}

function withdrawForm(ctx, c, out) {
  const alert = alertBox();
  const btn = h('button', { type: 'button', class: 'button button-danger', id: 'proposal-withdraw' }, t('prop.withdrawConfirm'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    const r = await post(`/api/v1/calls/${c.id}/proposals/withdraw`);
    btn.disabled = false;
    if (r.status === 201) submitted(ctx, c, out, r.data, null, () => '');
    else renderMessage(alert, problem(r).msg);
  });
  return h('details', { class: 'danger-zone' }, h('summary', {}, t('prop.withdraw')), h('p', { class: 'help' }, t('prop.withdrawHelp')), alert, h('div', { class: 'actions' }, btn));
}

// The company's part: its versions and receipts, and while proposals are
// open the sealing form and the withdrawal.
export async function ownProposals(ctx, c) {
  if (!c.opening_key) return section(t('prop.title'), h('p', { class: 'notice warn' }, t('problem.call.no_opening_key')));
  const [r, k] = await Promise.all([get(`/api/v1/calls/${c.id}/proposals`), get('/api/v1/organization-keys')]);
  const items = r.status === 200 ? r.data.items : [];
  const names = new Map((k.status === 200 ? k.data.items : []).map((x) => [x.key_id, x.label]));
  const keyName = (id) => names.get(id) ?? '';
  const current = items.find((v) => v.current && v.action === 'submitted');
  const out = h('div', { id: 'proposal-out', 'aria-live': 'polite' });
  const body = [h('p', { class: 'panel-intro' }, t('prop.intro', { threshold: c.opening_key.threshold, members: c.opening_key.members })),
    versionsTable(c, items, keyName)];
  if (c.status === 'proposals_open') {
    body.push(h('h4', {}, t(current ? 'prop.replace' : 'prop.new')), sealForm(ctx, c, out, keyName));
    if (current) body.push(withdrawForm(ctx, c, out));
  } else body.push(h('p', { class: 'help' }, t('prop.closed', { opens: c.guidelines_release_at, deadline: c.proposal_deadline })));
  return section(t('prop.title'), body, out);
}

// Public: how many proposals are in and their receipts' hashes.
export async function publicReceipts(c) {
  const r = await get(`/api/v1/calls/${c.id}/proposals/receipts`);
  if (r.status !== 200) return null;
  const { count, receipt_hashes: hashes } = r.data;
  return section(t('prop.publicTitle'), h('p', { id: 'proposal-count' }, t('prop.count', { n: count })),
    h('p', { class: 'help' }, t('prop.publicHelp')),
    hashes.length ? h('ol', { class: 'hashes', id: 'receipt-hashes' }, hashes.map((x) => h('li', {}, h('code', {}, x)))) : null);
}

// The key that signs receipts: its fingerprint as the call states it and
// as the service publishes it, to compare with one obtained elsewhere.
export async function signingKey(c) {
  const r = await get('/api/v1/keys');
  const k = r.status === 200 ? r.data.signing_key : null;
  const same = k && k.fingerprint === c.receipt_key_fingerprint;
  return section(t('key.title'), h('p', { class: 'help' }, t('key.help')), facts([
    [t('key.fingerprint'), h('code', { id: 'key-fingerprint' }, c.receipt_key_fingerprint ?? k?.fingerprint ?? '')],
    k ? [t('key.verifier'), h('code', {}, k.verifier_key)] : null,
    k ? [t('key.matches'), t(same ? 'key.same' : 'key.differs')] : null,
  ]));
}

function verdict(d) {
  if (!d.valid) return h('div', { class: 'alert', role: 'alert', id: 'verify-result' }, h('p', {}, t('verify.invalid', { key_id: d.key_id })));
  const f = d.fields ?? {};
  return h('div', { id: 'verify-result' }, h('p', { class: 'notice-ok', role: 'status' }, t('verify.valid', { key_id: d.key_id })),
    facts([[t('verify.kind'), d.title], ...Object.entries(f).map(([k, v]) => [label('verify.field', k), k === 'size' ? t('prop.bytes', { n: v }) : v])]));
}

// Public: check a saved receipt (a file, or pasted) with the service.
export function verifyReceiptPage() {
  const file = h('input', { type: 'file', id: 'receipt-file', accept: '.txt,text/plain' });
  const area = h('textarea', { id: 'receipt-input', name: 'receipt', rows: 12, spellcheck: 'false' });
  const out = h('div', { 'aria-live': 'polite' });
  file.addEventListener('change', async () => { if (file.files[0]) area.value = await file.files[0].text(); });
  const form = h('form', { class: 'form', id: 'verify-form', novalidate: true },
    h('div', { class: 'field field-wide' }, h('label', { for: 'receipt-file' }, t('verify.file')), file),
    h('div', { class: 'field field-wide' }, h('label', { for: 'receipt-input' }, t('verify.paste')), area),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button button-primary', id: 'verify-submit' }, t('verify.submit'))), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (area.value.trim() === '') { replace(out, h('p', { class: 'alert', role: 'alert' }, t('verify.empty'))); return; }
    const r = await post('/api/v1/receipts/verify', { receipt: area.value });
    if (r.status === 200) replace(out, verdict(r.data));
    else { const box = alertBox(); renderMessage(box, problem(r).msg); replace(out, box); }
  });
  return [pageTitle(t('verify.title')), h('p', { class: 'panel-intro' }, t('verify.intro')), section(t('verify.check'), form)];
}
