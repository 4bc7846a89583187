// evaluation.js -- a call's evaluation as ministry staff run it, on a
// screen of its own (#/calls/:id/evaluation): the criteria and their
// weights (set until the proposal deadline, frozen then), the evaluators
// an officer names, each evaluator's declaration of interests (a link to
// a bidder or a consortium member bars them from scoring its proposal),
// then the scoring, the ranking and the award (award.js).
import { h } from '../dom.js';
import { t, localized } from '../i18n.js';
import { get, call } from '../api.js';
import { dateTime, number } from '../format.js';
import { actionForm, badge, checkField, facts, field, link, pageTitle, section, table } from '../ui.js';
import { awardSection, resultsSection, scoringSection } from './award.js';
import { officerBoxes, ticked } from './callstaff.js';

const CRITERIA_OPEN = ['draft', 'published', 'loi_open', 'loi_closed', 'proposals_open'];
const EVALUATORS_CLOSED = ['evaluated', 'awarded', 'cancelled'];
const WRITERS = ['admin', 'officer'];
const CRITERIA_LINES = 5;
const INTEREST_LINES = 3;

// ---------------------------------------------------------------- criteria

export function criteriaTable(items) {
  return table({
    caption: t('eval.criteria'),
    columns: [
      { label: t('eval.position'), num: true, value: (c) => String(c.position) },
      { label: t('eval.criterion'), value: (c) => c.name },
      { label: t('eval.weight'), num: true, value: (c) => `${c.weight}%` },
      { label: t('eval.maxScore'), num: true, value: (c) => number(c.max_score) },
    ],
    rows: items,
    empty: t('eval.noCriteria'),
  });
}

// Numbered lines of fields (a fieldset each); spec(i) gives its fields.
function lines(n, legend, spec) {
  return Array.from({ length: n }, (_, i) => h('fieldset', { class: 'line field-wide' }, h('legend', {}, t(legend, { n: i + 1 })),
    spec(i).map(field)));
}

const weightsOf = (form) => Array.from({ length: CRITERIA_LINES }, (_, i) => Number(form.elements[`weight${i}`].value) || 0)
  .reduce((a, b) => a + b, 0);

// The criteria of the form's lines, or {msg} for the first line to mend.
function readCriteria(v) {
  const out = [];
  for (let i = 0; i < CRITERIA_LINES; i++) {
    const name = (v[`name${i}`] ?? '').trim();
    const weight = v[`weight${i}`];
    const max = v[`max${i}`];
    if (name === '' && weight === undefined && max === undefined) continue;
    const whole = (x, hi) => Number.isInteger(x) && x >= 1 && x <= hi;
    if (name === '' || !whole(weight, 100) || !whole(max, 1000)) return { msg: { key: 'eval.badLine', params: { n: i + 1 } } };
    out.push({ name, weight, max_score: max });
  }
  if (out.length === 0) return { msg: { key: 'eval.badLine', params: { n: 1 } } };
  const sum = out.reduce((s, c) => s + c.weight, 0);
  return sum === 100 ? { criteria: out } : { msg: { key: 'eval.weightsSum', params: { sum } } };
}

function criteriaForm(ctx, c, items) {
  const sum = h('p', { class: 'lead', role: 'status', id: 'weights-sum' }, t('eval.sumNow', { sum: items.reduce((s, x) => s + x.weight, 0) }));
  const form = actionForm({
    fields: lines(CRITERIA_LINES, 'eval.line', (i) => [
      { name: `name${i}`, label: t('eval.criterion'), value: items[i]?.name },
      { name: `weight${i}`, label: t('eval.weightPct'), type: 'number', min: 1, max: 100, inputmode: 'numeric', value: items[i]?.weight },
      { name: `max${i}`, label: t('eval.maxScore'), type: 'number', min: 1, max: 1000, inputmode: 'numeric', value: items[i]?.max_score },
    ]),
    extra: [sum],
    submitLabel: t('eval.saveCriteria'),
    submit: (v) => {
      const r = readCriteria(v);
      return r.msg ? r : call('PUT', `/api/v1/calls/${c.id}/criteria`, { criteria: r.criteria });
    },
    done: () => ctx.rerender(),
  });
  form.id = 'criteria-form';
  form.addEventListener('input', () => { sum.textContent = t('eval.sumNow', { sum: weightsOf(form) }); });
  return h('details', { class: 'subform', open: items.length === 0 || null }, h('summary', {}, t('eval.setCriteria')), form);
}

function criteriaSection(ctx, c, items) {
  const open = CRITERIA_OPEN.includes(c.status);
  return section(t('eval.criteria'), h('p', { class: 'panel-intro' }, t(open ? 'eval.criteriaIntro' : 'eval.criteriaFrozen', { deadline: c.proposal_deadline })),
    criteriaTable(items), open && ctx.can(WRITERS) ? criteriaForm(ctx, c, items) : null);
}

// ---------------------------------------------------------------- evaluators

const interestText = (i) => `${i.organization_name} (${i.registration_number}): ${i.relation}`;

function evaluatorsTable(list) {
  return table({
    caption: t('eval.evaluators'),
    columns: [
      { label: t('whoami.name'), value: (e) => e.user.name },
      { label: t('whoami.email'), value: (e) => e.user.email },
      { label: t('eval.declared'), value: (e) => (e.declared_at ? dateTime(e.declared_at) : h('span', { class: 'badge badge-pending' }, t('eval.notDeclared'))) },
      { label: t('eval.interests'), value: (e) => (!e.declared_at ? '—' : e.interests.length ? h('ul', {}, e.interests.map((i) => h('li', {}, interestText(i)))) : t('eval.noInterests')) },
      { label: t('eval.conflicts'), value: (e) => (e.conflicts.length ? h('span', { class: 'badge badge-failed' }, e.conflicts.map((x) => x.organization.name).join(t('list.separator'))) : '—') },
      { label: t('eval.scored'), num: true, value: (e) => t('eval.of', { done: e.scored, all: e.to_score }) },
    ],
    rows: list,
    empty: t('eval.noEvaluators'),
  });
}

async function evaluatorsForm(ctx, c, list) {
  const form = actionForm({
    fields: [await officerBoxes('evaluators', t('eval.evaluators'), list.map((e) => e.user.id))],
    submitLabel: t('eval.saveEvaluators'),
    submit: (v) => {
      const evaluators = ticked(v, 'evaluators');
      return evaluators.length ? call('PUT', `/api/v1/calls/${c.id}/evaluators`, { evaluators }) : { msg: { key: 'eval.chooseEvaluators' } };
    },
    done: () => ctx.rerender(),
  });
  form.id = 'evaluators-form';
  return h('details', { class: 'subform', open: list.length === 0 || null }, h('summary', {}, t('eval.name')), h('p', { class: 'help' }, t('eval.nameHelp')), form);
}

// The interests of the declaration's lines, or {msg}.
function readInterests(v) {
  const out = [];
  for (let i = 0; i < INTEREST_LINES; i++) {
    const x = ['org', 'brn', 'relation'].map((k) => (v[`${k}${i}`] ?? '').trim());
    if (x.every((s) => s === '')) continue;
    if (x.some((s) => s === '')) return { msg: { key: 'eval.badInterest', params: { n: i + 1 } } };
    out.push({ organization_name: x[0], registration_number: x[1], relation: x[2] });
  }
  if (v.none && out.length) return { msg: { key: 'eval.noneAndLinks' } };
  if (!v.none && !out.length) return { msg: { key: 'eval.declareSomething' } };
  return { interests: out };
}

function declarationForm(ctx, c, me) {
  const form = actionForm({
    fields: [
      ...lines(INTEREST_LINES, 'eval.interestLine', (i) => [
        { name: `org${i}`, label: t('eval.interestOrg'), value: me.interests[i]?.organization_name },
        { name: `brn${i}`, label: t('org.brn'), value: me.interests[i]?.registration_number, help: t('org.brnHelp') },
        { name: `relation${i}`, label: t('eval.relation'), value: me.interests[i]?.relation },
      ]),
      checkField({ name: 'none', label: t('eval.noneBox'), checked: Boolean(me.declared_at) && me.interests.length === 0 }),
    ],
    submitLabel: t('eval.declare'),
    submit: (v) => {
      const r = readInterests(v);
      return r.msg ? r : call('PUT', `/api/v1/calls/${c.id}/evaluators/declaration`, { interests: r.interests });
    },
    done: () => ctx.rerender(),
  });
  form.id = 'declaration-form';
  return h('div', {}, h('h4', {}, t(me.declared_at ? 'eval.redeclare' : 'eval.declareTitle')), h('p', { class: 'help' }, t('eval.declareHelp')), form);
}

async function evaluatorsSection(ctx, c, list, me) {
  const fixed = EVALUATORS_CLOSED.includes(c.status) || list.some((e) => e.scored > 0);
  const body = [h('p', { class: 'panel-intro' }, t(fixed ? 'eval.evaluatorsFixed' : 'eval.evaluatorsIntro')), evaluatorsTable(list)];
  if (!fixed && ctx.can(WRITERS)) body.push(await evaluatorsForm(ctx, c, list));
  if (me && ctx.can(['officer']) && me.scored === 0 && !EVALUATORS_CLOSED.includes(c.status)) body.push(declarationForm(ctx, c, me));
  return section(t('eval.evaluators'), body);
}

// ---------------------------------------------------------------- the screen

export async function evaluationPage(ctx) {
  const id = ctx.params.id;
  const r = await get(`/api/v1/calls/${id}`);
  if (r.status !== 200) return ctx.failed(r);
  const c = r.data;
  const [cr, er, vr] = await Promise.all([get(`/api/v1/calls/${id}/criteria`), get(`/api/v1/calls/${id}/evaluators`), get(`/api/v1/calls/${id}/evaluation`)]);
  const criteria = cr.status === 200 ? cr.data.items : [];
  const evaluators = er.status === 200 ? er.data.items : [];
  const ev = vr.status === 200 ? vr.data : null;
  const me = evaluators.find((e) => e.user.id === ctx.user.id);
  const out = [pageTitle(t('eval.title')), h('p', { class: 'lead' }, link(`#/calls/${c.id}`, localized(c, 'title'))),
    facts([[t('call.status'), badge('call.status', c.status)], [t('call.step.opening_at'), dateTime(c.opening_at)],
      [t('call.step.evaluation_ends_at'), dateTime(c.evaluation_ends_at)]]),
    criteriaSection(ctx, c, criteria), await evaluatorsSection(ctx, c, evaluators, me)];
  if (me && ev && ctx.can(['officer'])) out.push(scoringSection(ctx, c, ev, me));
  if (ev) out.push(resultsSection(c, ev), await awardSection(ctx, c, ev));
  return out;
}
