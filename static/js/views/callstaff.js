// callstaff.js -- the call as ministry staff run it: create and edit the
// draft, name the opening committee (k of n officers), each member's
// passphrase, publication (its refusals said with the members' names),
// cancellation, the letters of intent with their conflicts, the briefing's
// attendees, the opening (each member gives a passphrase; how many of k
// are in), the opened proposals read in the page, the guidelines' download
// log, and the way to the evaluation's screen (evaluation.js).
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, call, query, problem, upload } from '../api.js';
import { dateTime, fromSeoulInput, money, number, seoulInput } from '../format.js';
import { all } from '../list.js';
import { readContainer } from '../seal.js';
import { actionButton, actionForm, alertBox, badge, button, checkBoxes, checkField, downloadButton, facts, link, noticeBox, pageTitle, renderMessage, saveLink, section, table, withChecked } from '../ui.js';

const STEPS = ['briefing_at', 'loi_deadline', 'guidelines_release_at', 'proposal_deadline', 'opening_at', 'evaluation_ends_at'];
const AFTER_DEADLINE = ['proposals_closed', 'opened', 'evaluated', 'awarded'];
const WRITERS = ['admin', 'officer'];

// ---------------------------------------------------------------- the draft

function callFields(c = {}) {
  return [
    { name: 'title_ko', label: t('callf.titleKo'), required: true, wide: true, value: c.title_ko },
    { name: 'title_en', label: t('callf.titleEn'), required: true, wide: true, value: c.title_en },
    { name: 'description_ko', label: t('callf.descriptionKo'), type: 'textarea', required: true, wide: true, value: c.description_ko },
    { name: 'description_en', label: t('callf.descriptionEn'), type: 'textarea', required: true, wide: true, value: c.description_en },
    { name: 'briefing_place', label: t('call.briefingPlace'), required: true, wide: true, value: c.briefing_place },
    { name: 'briefing_capacity', label: t('callf.capacity'), type: 'number', min: 1, required: true, value: c.briefing_capacity },
    ...STEPS.map((s) => ({ name: s, label: `${t(`call.step.${s}`)} ${t('tz.kst')}`, type: 'datetime', required: true, value: seoulInput(c[s]) })),
    checkField({ name: 'signatures_required', label: t('callf.signatures'), help: t('callf.signaturesHelp'), checked: c.signatures_required }),
  ];
}

const callBody = (v) => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, STEPS.includes(k) ? fromSeoulInput(x) : x]));

export function callNew(ctx) {
  return [pageTitle(t('callf.new')), h('p', { class: 'panel-intro' }, t('callf.intro')), actionForm({
    fields: callFields(), submitLabel: t('callf.create'),
    submit: (v) => post('/api/v1/calls', callBody(v)), done: (c) => ctx.navigate(`/calls/${c.id}`),
  })];
}

export async function callEdit(ctx) {
  const r = await get(`/api/v1/calls/${ctx.params.id}`);
  if (r.status !== 200) return ctx.failed(r);
  const c = r.data;
  return [pageTitle(t('callf.edit')), actionForm({
    fields: callFields(c), submitLabel: t('callf.save'),
    submit: (v) => call('PATCH', `/api/v1/calls/${c.id}`, callBody(v), { headers: { 'if-match': r.headers.get('etag') ?? '*' } }),
    done: () => ctx.navigate(`/calls/${c.id}`),
  })];
}

// The publication's refusal: a committee incomplete names its members.
function publishProblem(reply, committee) {
  const { msg, code } = problem(reply);
  if (code !== 'call.committee_incomplete') return msg;
  const names = (reply.data.missing ?? []).map((id) => committee.members.find((m) => m.user.id === id)?.user.name ?? `#${id}`);
  return { key: 'callf.committeeIncomplete', params: { names: names.join(t('list.separator')) } };
}

function publishButton(ctx, c, committee, region) {
  const b = h('button', { type: 'button', class: 'button button-primary', id: 'call-publish' }, t('callf.publish'));
  b.addEventListener('click', async () => {
    b.disabled = true;
    const r = await post(`/api/v1/calls/${c.id}/publish`);
    b.disabled = false;
    if (r.status === 200) ctx.rerender();
    else renderMessage(region, publishProblem(r, committee));
  });
  return b;
}

function cancelForm(ctx, c) {
  return h('details', { class: 'danger-zone' }, h('summary', {}, t('callf.cancel')), actionForm({
    fields: [{ name: 'reason', label: t('callf.cancelReason'), type: 'textarea', required: true, wide: true }],
    submitLabel: t('callf.cancelConfirm'),
    submit: (v) => post(`/api/v1/calls/${c.id}/cancel`, v), done: () => ctx.rerender(),
  }));
}

function manageSection(ctx, c, committee) {
  const region = alertBox();
  const body = [region];
  if (c.status === 'draft') {
    body.push(h('p', { class: 'help' }, t('callf.draftHelp')), h('div', { class: 'actions' },
      h('a', { class: 'button button-secondary', href: `#/calls/${c.id}/edit` }, t('callf.edit')), publishButton(ctx, c, committee, region)));
  }
  if (!['cancelled', 'awarded'].includes(c.status)) body.push(cancelForm(ctx, c));
  if (c.cancellation_reason) body.push(facts([[t('callf.cancelReason'), c.cancellation_reason], [t('callf.cancelledAt'), dateTime(c.cancelled_at)]]));
  return section(t('callf.manage'), body);
}

// ---------------------------------------------------------------- committee

function committeeTable(committee) {
  return table({
    caption: t('comm.title'),
    columns: [
      { label: t('comm.share'), num: true, value: (m) => String(m.share_no) },
      { label: t('whoami.name'), value: (m) => m.user.name },
      { label: t('whoami.email'), value: (m) => m.user.email },
      { label: t('comm.passphraseSet'), value: (m) => (m.passphrase_set_at ? dateTime(m.passphrase_set_at) : h('span', { class: 'badge badge-pending' }, t('comm.notYet'))) },
    ],
    rows: committee.members,
    empty: t('comm.none'),
  });
}

// Boxes named `<name>:<user id>` to tick the active officers by name
// (the opening committee, the evaluators); the ids in chosen ticked.
export async function officerBoxes(name, legend, chosen) {
  const officers = await all('/api/v1/officers');
  return checkBoxes(name, legend, officers.map((u) => ({ key: String(u.id), label: `${u.name} <${u.email}>`, checked: chosen.includes(u.id) })));
}

// The user ids ticked in officerBoxes(name), as the API lists people.
export const ticked = (v, name) => withChecked(v, name)[name].map((id) => ({ user_id: Number(id) }));

async function committeeForm(ctx, c, committee) {
  return h('details', { class: 'subform', open: committee.members.length === 0 || null }, h('summary', {}, t('comm.name')), actionForm({
    fields: [{ name: 'threshold', label: t('comm.threshold'), type: 'number', min: 2, max: 20, required: true, value: committee.threshold ?? 2, help: t('comm.thresholdHelp') },
      await officerBoxes('members', t('comm.members'), committee.members.map((m) => m.user.id))],
    submitLabel: t('comm.save'),
    submit: (v) => call('PUT', `/api/v1/calls/${c.id}/committee`, { threshold: v.threshold, members: ticked(v, 'members') }),
    done: () => ctx.rerender(),
  }));
}

function passphraseForm(ctx, c, me) {
  const mismatch = alertBox();
  return h('div', { id: 'passphrase-form' }, h('h4', {}, t(me.passphrase_set_at ? 'comm.passphraseChange' : 'comm.passphraseSetTitle')),
    h('p', { class: 'help' }, t('comm.passphraseHelp')), mismatch, actionForm({
      fields: [{ name: 'passphrase', label: t('comm.passphrase'), type: 'password', required: true, autocomplete: 'new-password' },
        { name: 'again', label: t('comm.passphraseAgain'), type: 'password', required: true, autocomplete: 'new-password' }],
      submitLabel: t('comm.passphraseSubmit'),
      submit: async (v) => {
        replace(mismatch);
        if (v.passphrase !== v.again) { renderMessage(mismatch, { key: 'comm.passphraseMismatch' }); return null; }
        return call('PUT', `/api/v1/calls/${c.id}/committee/passphrase`, { passphrase: v.passphrase });
      },
      done: () => ctx.rerender(),
    }));
}

async function committeeSection(ctx, c, committee) {
  const me = committee.members.find((m) => m.user.id === ctx.user.id);
  const body = [h('p', { class: 'panel-intro' }, committee.threshold
    ? t('comm.intro', { k: committee.threshold, n: committee.members.length }) : t('comm.introNone')), committeeTable(committee)];
  if (c.status === 'draft' && ctx.can(WRITERS)) body.push(await committeeForm(ctx, c, committee));
  if (c.status === 'draft' && me && ctx.can(['officer'])) body.push(passphraseForm(ctx, c, me));
  return section(t('comm.title'), body);
}

// ---------------------------------------------------------------- opening

function openingForm(ctx, c, region) {
  return actionForm({
    fields: [{ name: 'passphrase', label: t('comm.passphrase'), type: 'password', required: true, autocomplete: 'current-password' }],
    submitLabel: t('open.give'),
    submit: (v) => post(`/api/v1/calls/${c.id}/opening`, v),
    done: (d, reply) => {
      if (reply.status === 202) renderMessage(region, { key: 'open.given', params: { given: d.given, threshold: d.threshold } });
      ctx.rerender();
    },
  });
}

function resultsTable(c, o) {
  return table({
    caption: t('open.results'),
    columns: [
      { label: t('whoami.org'), value: (p) => p.organization?.name ?? '' },
      { label: t('prop.version'), num: true, value: (p) => String(p.version) },
      { label: t('prop.received'), value: (p) => dateTime(p.received_at) },
      { label: t('prop.sealedSize'), num: true, value: (p) => t('prop.bytes', { n: p.size }) },
      { label: t('open.result'), value: (p) => badge('open.result', p.result) },
      { label: t('open.read'), value: (p) => (p.result === 'ok' ? link(`#/calls/${c.id}/proposals/${p.id}`, t('open.read')) : '—') },
    ],
    rows: o.proposals ?? [],
    empty: t('open.noProposals'),
  });
}

async function openingSection(ctx, c, committee) {
  const r = await get(`/api/v1/calls/${c.id}/opening`);
  if (r.status !== 200) return null;
  const o = r.data;
  const region = noticeBox();
  const body = [];
  if (o.opened) {
    body.push(facts([[t('open.openedAt'), dateTime(o.opened_at)], [t('open.officers'), (o.officers ?? []).map((x) => x.name).join(t('list.separator'))]]),
      resultsTable(c, o));
  } else {
    body.push(h('p', { id: 'opening-count', class: 'lead' }, t('open.count', { given: o.given ?? 0, threshold: o.threshold ?? committee.threshold ?? 0 })),
      h('p', { class: 'help' }, t('open.help', { at: c.opening_at })), region);
    if (committee.members.some((m) => m.user.id === ctx.user.id) && ctx.can(['officer'])) body.push(openingForm(ctx, c, region));
  }
  return section(t('open.title'), body);
}

// ---------------------------------------------------------------- letters and attendees

async function lettersSection(c) {
  const r = await get(`/api/v1/calls/${c.id}/letters${query({ limit: 100 })}`);
  const rows = r.status === 200 ? r.data.items : [];
  const region = alertBox();
  const csv = downloadButton(t('callf.lettersCsv'), `/api/v1/calls/${c.id}/letters`, `letters-${c.id}.csv`, region, { accept: 'text/csv', id: 'letters-csv' });
  return section(t('callf.letters'), table({
    caption: t('callf.letters'),
    columns: [
      { label: t('loi.reference'), value: (l) => l.reference },
      { label: t('whoami.org'), value: (l) => l.organization?.name ?? '' },
      { label: t('loi.status'), value: (l) => badge('loi.status', l.status) },
      { label: t('loi.version'), num: true, value: (l) => String(l.version) },
      { label: t('loi.filed'), value: (l) => dateTime(l.filed_at) },
      { label: t('callf.members'), value: (l) => (l.members ?? []).map((m) => m.name).join(t('list.separator')) },
      { label: t('callf.conflicts'), value: (l) => ((l.conflicts ?? []).length ? h('span', { class: 'badge badge-failed' }, (l.conflicts ?? []).join(', ')) : '—') },
    ],
    rows,
    empty: t('callf.noLetters'),
  }), h('div', { class: 'actions' }, csv), region);
}

// The guidelines' versions, and for writers the upload of the next one
// (a PDF with a note saying what it is or changes), with progress.
function guidelinesUpload(ctx, c) {
  const input = h('input', { type: 'file', id: 'guidelines-file', accept: '.pdf,application/pdf' });
  const note = h('input', { type: 'text', id: 'guidelines-note', name: 'note', maxlength: 2000 });
  const bar = h('progress', { max: 100, value: 0, hidden: true, 'aria-label': t('gl.progress') });
  const region = alertBox();
  const form = h('form', { class: 'form', id: 'guidelines-form', novalidate: true }, region,
    h('div', { class: 'form-grid' }, h('div', { class: 'field' }, h('label', { for: 'guidelines-file' }, t('gl.file')), input),
      h('div', { class: 'field field-wide' }, h('label', { for: 'guidelines-note' }, t('gl.note')), note)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button button-primary' }, t('gl.upload'))), bar);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!input.files[0] || note.value.trim() === '') { renderMessage(region, { key: 'gl.choose' }); return; }
    bar.hidden = false;
    const r = await upload(`/api/v1/calls/${c.id}/guidelines${query({ note: note.value.trim() })}`, input.files[0], 'application/pdf',
      (f) => { bar.value = Math.round(f * 100); });
    bar.hidden = true;
    if (r.status === 201 || r.status === 200) ctx.rerender();
    else renderMessage(region, problem(r).msg);
  });
  return form;
}

// Who downloaded which version when, a page at a time.
async function downloadsLog(c) {
  const box = h('div', { id: 'guidelines-downloads' });
  const rows = [];
  const page = async (cursor) => {
    const r = await get(`/api/v1/calls/${c.id}/guidelines/downloads${query({ limit: 100, cursor })}`);
    if (r.status !== 200) { const a = alertBox(); renderMessage(a, problem(r).msg); replace(box, a); return; }
    rows.push(...r.data.items);
    const more = r.data.next ? button(t('gl.more'), () => page(r.data.next)) : null;
    replace(box, table({
      caption: t('gl.downloads'),
      columns: [
        { label: t('gl.downloadedAt'), value: (d) => dateTime(d.at) },
        { label: t('whoami.org'), value: (d) => d.organization.name },
        { label: t('whoami.name'), value: (d) => d.user.name },
        { label: t('whoami.email'), value: (d) => d.user.email },
        { label: t('loi.version'), num: true, value: (d) => String(d.version) },
        { label: t('gl.address'), value: (d) => d.client_addr ?? '—' },
      ],
      rows,
      empty: t('gl.noDownloads'),
    }), more ? h('div', { class: 'actions' }, more) : null);
    if (cursor) box.querySelector('.table-wrap')?.focus();
  };
  await page();
  return box;
}

async function guidelinesSection(ctx, c) {
  const r = await get(`/api/v1/calls/${c.id}/guidelines/versions`);
  return section(t('gl.title'), table({
    caption: t('gl.title'),
    columns: [
      { label: t('loi.version'), num: true, value: (v) => String(v.version) },
      { label: t('gl.note'), value: (v) => v.note },
      { label: t('prop.sealedSize'), num: true, value: (v) => t('prop.bytes', { n: v.size }) },
      { label: 'SHA-256', value: (v) => h('code', {}, v.sha256.slice(0, 16)) },
      { label: t('gl.uploaded'), value: (v) => dateTime(v.uploaded_at) },
    ],
    rows: r.status === 200 ? r.data.items : [],
    empty: t('gl.none'),
  }), ctx.can(WRITERS) && !['cancelled', 'awarded'].includes(c.status) ? guidelinesUpload(ctx, c) : null,
  h('h4', {}, t('gl.downloads')), h('p', { class: 'help' }, t('gl.downloadsHelp')), await downloadsLog(c));
}

// Every staff section of a call's page.
export async function staffSections(ctx, c, attendees) {
  const cr = await get(`/api/v1/calls/${c.id}/committee`);
  const committee = cr.status === 200 ? cr.data : { threshold: null, members: [] };
  const out = [];
  if (ctx.can(WRITERS)) out.push(manageSection(ctx, c, committee));
  out.push(await committeeSection(ctx, c, committee));
  if (AFTER_DEADLINE.includes(c.status)) out.push(await openingSection(ctx, c, committee));
  out.push(section(t('eval.title'), h('p', { class: 'help' }, t('eval.linkHelp')), h('div', { class: 'actions' },
    h('a', { class: 'button button-primary', href: `#/calls/${c.id}/evaluation`, id: 'evaluation-link' }, t('eval.open')))));
  out.push(await guidelinesSection(ctx, c));
  if (c.status !== 'draft') out.push(await lettersSection(c), section(t('call.attendees'), await attendees(c)));
  return out;
}

// ---------------------------------------------------------------- an opened proposal

function scheduleTable(s) {
  return table({
    caption: t('prop.schedule'),
    columns: [
      { label: t('prop.item'), value: (l) => l.item },
      { label: t('prop.quantity'), num: true, value: (l) => number(l.quantity) },
      { label: t('prop.unitPrice'), num: true, value: (l) => money(l.unit_price_krw) },
      { label: t('open.amount'), num: true, value: (l) => money(l.amount_krw) },
    ],
    rows: s?.lines ?? [],
  });
}

export async function proposalRead(ctx) {
  const { id, sid } = ctx.params;
  const res = await fetch(`/api/v1/calls/${id}/proposals/${sid}/content`, { credentials: 'same-origin' }).catch(() => null);
  if (!res || !res.ok) {
    const data = res ? await res.json().catch(() => null) : null;
    return ctx.failed({ status: res ? res.status : 0, headers: res ? res.headers : new Headers(), data });
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const back = readContainer(bytes);
  const head = [pageTitle(t('open.proposal', { id: sid })), h('p', {}, link(`#/calls/${id}`, t('open.back')))];
  if (!back) return [...head, section(t('open.raw'), h('p', {}, t('open.rawHelp')), saveLink(bytes, `proposal-${sid}.bin`, t('open.saveRaw'), { type: 'application/octet-stream' }))];
  return [...head,
    section(t('prop.schedule'), scheduleTable(back.schedule), h('p', { id: 'proposal-total', class: 'total' }, t('open.total', { total: back.schedule?.total_krw ?? 0 }))),
    section(t('prop.files'), h('ul', { class: 'file-list' }, back.files.map((f) => h('li', {},
      saveLink(f.bytes, f.name, `${f.name} (${t('prop.bytes', { n: f.size })})`, { type: 'application/pdf' }), ' ', h('code', {}, f.sha256)))))];
}

// ---------------------------------------------------------------- applicants

function applicantAction(ctx, a, region) {
  if (!ctx.can(WRITERS)) return '';
  if (a.suspended_at) return actionButton(t('appl.reinstate'), () => post(`/api/v1/applicants/${a.id}/reinstate`), region, () => ctx.rerender());
  return h('details', { class: 'danger-zone' }, h('summary', {}, t('appl.suspend')), actionForm({
    fields: [{ name: 'reason', label: t('appl.reason'), required: true }], submitLabel: t('appl.suspendConfirm'),
    submit: (v) => post(`/api/v1/applicants/${a.id}/suspend`, v), done: () => ctx.rerender(),
  }));
}

export async function applicantsList(ctx) {
  const items = await all('/api/v1/applicants');
  const region = alertBox();
  return [pageTitle(t('appl.title')), h('p', { class: 'panel-intro' }, t('appl.intro')), region, table({
    caption: t('appl.title'),
    columns: [
      { label: t('appl.name'), value: (a) => a.name_ko },
      { label: t('reg.nameEn'), value: (a) => a.name_en },
      { label: t('org.brn'), value: (a) => a.registration_number },
      { label: t('org.country'), value: (a) => a.country },
      { label: t('appl.registered'), value: (a) => dateTime(a.registered_at) },
      { label: t('appl.state'), value: (a) => (a.suspended_at ? h('span', { class: 'badge badge-cancelled' }, t('appl.suspended')) : badge('bool', 'true')) },
      { label: t('appl.action'), value: (a) => applicantAction(ctx, a, region) },
    ],
    rows: items,
  })];
}

