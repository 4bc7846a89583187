// calls.js -- the call for proposals, as a company sees it: register the
// organisation, follow the timetable with the time left to each deadline,
// register for the briefing, file, amend or withdraw the letter of intent,
// download the guidelines (or read why not), read how proposals are
// evaluated, seal a proposal and keep its receipt (proposals.js), and once
// the call is awarded, its own place and the winner (award.js).
import { h } from '../dom.js';
import { t, label, localized } from '../i18n.js';
import { get, post, call, query, serverNow } from '../api.js';
import { dateTime, timeLeft } from '../format.js';
import { listScreen } from '../list.js';
import { actionForm, alertBox, badge, downloadButton, facts, link, pageTitle, section, table } from '../ui.js';
import { ownProposals, publicReceipts, signingKey } from './proposals.js';
import { staffSections } from './callstaff.js';
import { criteriaTable } from './evaluation.js';
import { outcomeView } from './award.js';

const STAFF = ['admin', 'officer', 'auditor'];
const MEMBER_ROLES = ['cloud', 'data_centre', 'telecom', 'ai', 'finance_investment', 'other'];
const title = (c) => localized(c, 'title');

export function callsList(ctx) {
  return listScreen(ctx, {
    title: t('nav.calls'),
    api: '/api/v1/calls',
    actions: ctx.can(['admin', 'officer']) ? [h('a', { class: 'button button-primary', href: '#/calls/new' }, t('callf.new'))] : [],
    columns: [
      { label: t('call.title'), value: (c) => link(`#/calls/${c.id}`, title(c)) },
      { label: t('call.status'), value: (c) => badge('call.status', c.status) },
      { label: t('call.loiDeadline'), value: (c) => dateTime(c.loi_deadline) },
      { label: t('call.proposalDeadline'), value: (c) => dateTime(c.proposal_deadline) },
    ],
  });
}

function left(when) {
  const l = timeLeft(when, serverNow());
  if (!l) return h('span', { class: 'passed' }, t('call.passed'));
  return h('span', { class: l.days < 3 ? 'soon' : 'left' }, t('call.left', l));
}

function timetable(c) {
  const steps = ['briefing_at', 'loi_deadline', 'guidelines_release_at', 'proposal_deadline', 'opening_at', 'evaluation_ends_at']
    .filter((k) => c[k]).map((k) => ({ k, at: c[k] }));
  return table({
    caption: t('call.timetable'),
    className: 'timetable',
    columns: [
      { label: t('call.step'), value: (s) => t(`call.step.${s.k}`) },
      { label: t('call.when'), value: (s) => `${dateTime(s.at)} ${t('tz.kst')}` },
      { label: t('call.timeLeft'), value: (s) => left(s.at) },
    ],
    rows: steps,
  });
}

function briefingForm(ctx, c) {
  return actionForm({
    fields: [
      { name: 'name', label: t('call.attendeeName'), required: true },
      { name: 'title', label: t('call.attendeeTitle') },
      { name: 'email', label: t('whoami.email'), type: 'email', required: true },
    ],
    submitLabel: t('call.registerBriefing'),
    submit: (v) => post(`/api/v1/calls/${c.id}/attendees`, v),
    done: () => ctx.rerender(),
  });
}

// Registration is taken until the briefing starts (the call is then no
// longer 'published'); afterwards the company sees whom it registered.
async function briefingSection(ctx, c) {
  if (c.status === 'published') {
    return section(t('call.briefing'), await attendees(c), h('h4', {}, t('call.registerBriefing')), briefingForm(ctx, c));
  }
  const why = c.status === 'cancelled' ? closedNotice('briefing-closed', 'call.closedCancelled')
    : closedNotice('briefing-closed', 'problem.call.briefing_started', { starts_at: c.briefing_at });
  return section(t('call.briefingPast'), await attendees(c), why);
}

async function attendees(c) {
  const r = await get(`/api/v1/calls/${c.id}/attendees${query({ limit: 100 })}`);
  return table({
    caption: t('call.attendees'),
    columns: [{ label: t('call.attendeeName'), value: (a) => a.name }, { label: t('call.attendeeTitle'), value: (a) => a.title ?? '' },
      { label: t('whoami.email'), value: (a) => a.email }, { label: t('call.registeredAt'), value: (a) => dateTime(a.registered_at) }],
    rows: r.status === 200 ? r.data.items : [],
    empty: t('call.noAttendees'),
  });
}

const letterFields = (l = {}) => {
  const m = (l.members ?? [])[0] ?? {};
  return [
    { name: 'contact_name', label: t('loi.contactName'), required: true, value: l.contact?.name },
    { name: 'contact_email', label: t('loi.contactEmail'), type: 'email', required: true, value: l.contact?.email },
    { name: 'contact_phone', label: t('loi.contactPhone'), type: 'tel', value: l.contact?.phone },
    { name: 'summary', label: t('loi.summary'), type: 'textarea', required: true, wide: true, value: l.summary },
    h('h4', { class: 'field-wide' }, t('loi.member')),
    { name: 'members[0].name', label: t('loi.memberName'), value: m.name },
    { name: 'members[0].registration_number', label: t('org.brn'), value: m.registration_number, help: t('org.brnHelp') },
    { name: 'members[0].country', label: t('org.country'), value: m.country ?? 'KR' },
    { name: 'members[0].role', label: t('loi.memberRole'), type: 'select', options: MEMBER_ROLES.map((r) => ({ value: r, label: label('loi.role', r) })), value: m.role },
  ];
};

function letterBody(v) {
  const { 'members[0].name': name, 'members[0].registration_number': rn, 'members[0].country': country, 'members[0].role': role, ...rest } = v;
  const member = Object.fromEntries(Object.entries({ name, registration_number: rn, country, role }).filter(([, x]) => x !== undefined));
  return name ? { ...rest, members: [member] } : { ...rest, members: [] };
}

function letterView(ctx, c, l, open) {
  const out = [facts([
    [t('loi.reference'), l.reference], [t('loi.status'), badge('loi.status', l.status)], [t('loi.version'), String(l.version)],
    [t('loi.filed'), dateTime(l.filed_at)], [t('loi.contactName'), l.contact?.name ?? ''], [t('loi.summary'), l.summary],
    l.acknowledgement ? [t('loi.ack'), `${l.acknowledgement.reference} · v${l.acknowledgement.version} · ${label('loi.action', l.acknowledgement.action)} · ${dateTime(l.acknowledgement.received_at)}`] : null,
  ])];
  if (l.status !== 'active' || !ctx.can(['vendor']) || !open) return out;
  out.push(h('details', { class: 'subform' }, h('summary', {}, t('loi.amend')), actionForm({
    fields: letterFields(l), submitLabel: t('loi.amendSubmit'),
    submit: (v) => call('PUT', `/api/v1/calls/${c.id}/letters/${l.id}`, letterBody(v)), done: () => ctx.rerender(),
  })));
  out.push(h('details', { class: 'danger-zone' }, h('summary', {}, t('loi.withdraw')), actionForm({
    fields: [{ name: 'reason', label: t('loi.withdrawReason'), type: 'textarea', required: true, wide: true }],
    submitLabel: t('loi.withdrawConfirm'),
    submit: (v) => post(`/api/v1/calls/${c.id}/letters/${l.id}/withdraw`, v), done: () => ctx.rerender(),
  })));
  return out;
}

// The API takes letters (filed, amended, withdrawn) only while the call is
// published or open for letters; afterwards the page says why not instead.
const LETTERS_OPEN = ['published', 'loi_open'];

const closedNotice = (id, key, params) => h('p', { class: 'notice', id }, t(key, params));

function lettersClosed(c) {
  return c.status === 'cancelled' ? closedNotice('loi-closed', 'call.closedCancelled')
    : closedNotice('loi-closed', 'problem.call.loi_deadline_passed', { deadline: c.loi_deadline });
}

async function letterSection(ctx, c) {
  const r = await get(`/api/v1/calls/${c.id}/letters${query({ limit: 10 })}`);
  const letters = r.status === 200 ? r.data.items : [];
  const active = letters.find((l) => l.status === 'active');
  const open = LETTERS_OPEN.includes(c.status);
  const body = [];
  if (active) body.push(...letterView(ctx, c, active, open));
  else {
    for (const l of letters) body.push(...letterView(ctx, c, l, open));
    if (ctx.can(['vendor']) && open) {
      body.push(h('p', { class: 'panel-intro' }, t('loi.intro')), actionForm({
        fields: letterFields(), submitLabel: t('loi.submit'),
        submit: (v) => post(`/api/v1/calls/${c.id}/letters`, letterBody(v)), done: () => ctx.rerender(),
      }));
    }
  }
  if (!open) body.push(lettersClosed(c));
  return section(t('loi.title'), body);
}

// The download is asked for only when the person clicks (each download is
// recorded); a refusal says why, from its code.
function guidelines(c) {
  const region = alertBox();
  const btn = downloadButton(t('call.guidelinesDownload'), `/api/v1/calls/${c.id}/guidelines`, `guidelines-${c.id}.pdf`, region,
    { kind: 'primary', id: 'guidelines-download' });
  return section(t('call.guidelines'), h('p', { class: 'help' }, t('call.guidelinesHelp')), h('div', { class: 'actions' }, btn), region);
}

export async function callPage(ctx) {
  const r = await get(`/api/v1/calls/${ctx.params.id}`);
  if (r.status !== 200) return ctx.failed(r);
  const c = r.data;
  const out = [pageTitle(title(c)), section(t('call.summary'), facts([
    [t('call.status'), badge('call.status', c.status)], [t('call.organization'), c.organization?.name ?? ''],
    [t('call.briefingPlace'), c.briefing_place ?? ''], [t('call.description'), localized(c, 'description') ?? ''],
    [t('call.signatures'), t(c.signatures_required ? 'call.signaturesRequired' : 'call.signaturesOptional')],
  ]))];
  if (ctx.can(['vendor']) && c.status === 'awarded') out.push(section(t('out.title'), await outcomeView(c, { company: true })));
  out.push(section(t('call.timetable'), timetable(c)));
  if (ctx.can(['vendor'])) out.push(await briefingSection(ctx, c));
  if (ctx.can(STAFF)) out.push(...await staffSections(ctx, c, attendees));
  else if (ctx.can(['vendor'])) out.push(await letterSection(ctx, c));
  // The guidelines are for staff and companies only (the API refuses others).
  if (ctx.can([...STAFF, 'vendor'])) out.push(guidelines(c));
  if (ctx.can(['vendor'])) out.push(await criteriaSection(c), await ownProposals(ctx, c));
  if (c.status !== 'draft') out.push(await publicReceipts(c));
  out.push(await signingKey(c));
  return out;
}

// How proposals will be scored: the criteria, their weights and maxima.
async function criteriaSection(c) {
  const r = await get(`/api/v1/calls/${c.id}/criteria`);
  return section(t('eval.criteria'), h('p', { class: 'help' }, t('eval.companyHelp')), criteriaTable(r.status === 200 ? r.data.items : []));
}

// Public: a company registers itself and its first user.
export function register(ctx) {
  return [pageTitle(t('reg.title')), h('p', { class: 'panel-intro' }, t('reg.intro')), actionForm({
    fields: [
      { name: 'name_ko', label: t('reg.nameKo'), required: true },
      { name: 'name_en', label: t('reg.nameEn'), required: true },
      { name: 'country', label: t('org.country'), required: true, value: 'KR' },
      { name: 'registration_number', label: t('org.brn'), required: true, help: t('org.brnHelp'), inputmode: 'numeric' },
      { name: 'representative', label: t('reg.representative'), required: true },
      { name: 'address', label: t('site.address'), required: true, wide: true },
      { name: 'user_name', label: t('reg.userName'), required: true },
      { name: 'user_email', label: t('whoami.email'), type: 'email', required: true, autocomplete: 'email' },
      { name: 'user_password', label: t('user.password'), type: 'password', required: true, help: t('user.passwordHelp'), autocomplete: 'new-password' },
    ],
    submitLabel: t('reg.submit'),
    submit: (v) => post('/api/v1/registrations', v),
    done: (d) => ctx.registered(d),
  })];
}
