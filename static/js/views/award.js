// award.js -- the later part of a call's evaluation screen: each
// evaluator scores the opened proposals (every criterion at once, with a
// comment; not the proposals they declared a link to), everyone sees the
// progress, and once every score is in the ranking the database computed
// with every score and comment; then an officer other than the call's
// creator awards the proposal ranked first with a reason. A company sees
// the outcome on the call's page: its own total and rank and the winner.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, call, problem } from '../api.js';
import { dateTime } from '../format.js';
import { actionForm, alertBox, facts, link, renderMessage, section, table } from '../ui.js';

const total = (x) => (x == null ? '—' : Number(x).toFixed(2));
const readLink = (c, p) => link(`#/calls/${c.id}/proposals/${p.submission_id}`, t('score.read'));

// ---------------------------------------------------------------- scoring

function scoreForm(ctx, c, criteria, p, mine) {
  return actionForm({
    fields: criteria.flatMap((cr, i) => [
      { name: `scores[${i}].score`, label: t('score.score', { name: cr.name, max: cr.max_score }), type: 'number', min: 0, max: cr.max_score,
        inputmode: 'numeric', required: true, value: mine.get(cr.id)?.score },
      { name: `scores[${i}].comment`, label: t('score.comment', { name: cr.name }), type: 'textarea', rows: 2, required: true, wide: true,
        value: mine.get(cr.id)?.comment },
    ]),
    submitLabel: t(mine.size ? 'score.change' : 'score.submit'),
    submit: (v) => call('PUT', `/api/v1/calls/${c.id}/proposals/${p.submission_id}/scores`, {
      scores: criteria.map((cr, i) => ({ criterion_id: cr.id, score: v[`scores[${i}].score`], comment: v[`scores[${i}].comment`] ?? '' })),
    }),
    done: () => ctx.rerender(),
  });
}

// One proposal for the evaluator: the form, or why they may not score it.
function proposalScoring(ctx, c, criteria, p, conflicted) {
  const head = h('h4', {}, p.organization.name, ' · ', readLink(c, p));
  const mine = new Map(p.scores.map((s) => [s.criterion_id, s]));
  return h('div', { class: 'score-block', id: `score-${p.submission_id}` }, head,
    conflicted ? h('p', { class: 'notice warn' }, t('score.conflict', { name: p.organization.name }))
      : [mine.size ? h('p', {}, h('span', { class: 'badge badge-active' }, t('score.done'))) : null, scoreForm(ctx, c, criteria, p, mine)]);
}

export function scoringSection(ctx, c, ev, me) {
  const body = [h('p', { class: 'panel-intro' }, t('score.intro'))];
  if (c.status !== 'opened') body.push(h('p', { class: 'help' }, t(['evaluated', 'awarded'].includes(c.status) ? 'score.final' : 'score.notYet', { at: c.opening_at })));
  else if (!me.declared_at) body.push(h('p', { class: 'notice warn', id: 'declare-first' }, t('score.declareFirst')));
  else if (ev.criteria.length === 0) body.push(h('p', { class: 'notice warn' }, t('problem.call.no_criteria')));
  else {
    const conflicts = new Set(me.conflicts.map((x) => x.submission_id));
    body.push(ev.proposals.map((p) => proposalScoring(ctx, c, ev.criteria, p, conflicts.has(p.submission_id))));
  }
  return section(t('score.title'), body);
}

// ---------------------------------------------------------------- ranking

function rankingTable(c, ev) {
  return table({
    caption: t('rank.title'),
    columns: [
      { label: t('rank.rank'), num: true, value: (p) => (p.rank == null ? '—' : String(p.rank)) },
      { label: t('whoami.org'), value: (p) => p.organization.name },
      { label: t('rank.total'), num: true, value: (p) => total(p.total) },
      { label: t('open.read'), value: (p) => readLink(c, p) },
    ],
    rows: ev.proposals,
    empty: t('open.noProposals'),
  });
}

function scoresDetails(ev, p) {
  const criterion = new Map(ev.criteria.map((x) => [x.id, x]));
  return h('details', { class: 'subform' }, h('summary', {}, t('rank.scoresOf', { name: p.organization.name })), table({
    caption: t('rank.scoresOf', { name: p.organization.name }),
    columns: [
      { label: t('rank.evaluator'), value: (s) => s.evaluator.name },
      { label: t('eval.criterion'), value: (s) => criterion.get(s.criterion_id)?.name ?? '' },
      { label: t('rank.score'), num: true, value: (s) => t('eval.of', { done: s.score, all: criterion.get(s.criterion_id)?.max_score ?? '' }) },
      { label: t('rank.comment'), value: (s) => s.comment },
      { label: t('rank.scoredAt'), value: (s) => dateTime(s.scored_at) },
    ],
    rows: p.scores,
    empty: t('rank.noScores'),
  }));
}

export function resultsSection(c, ev) {
  if (!['opened', 'evaluated', 'awarded'].includes(c.status)) return section(t('rank.title'), h('p', { class: 'help' }, t('rank.notOpened', { at: c.opening_at })));
  const body = [h('p', { class: 'lead', id: 'evaluation-progress' }, t('rank.progress', { done: ev.done, expected: ev.expected })),
    h('progress', { max: Math.max(ev.expected, 1), value: ev.done, 'aria-label': t('rank.progressLabel') })];
  if (!ev.complete) body.push(h('p', { class: 'help', id: 'ranking-hidden' }, t('rank.hidden')));
  else body.push(h('div', { id: 'ranking' }, rankingTable(c, ev)), ev.proposals.map((p) => scoresDetails(ev, p)));
  return section(t('rank.title'), body);
}

// ---------------------------------------------------------------- award and outcome

// The outcome of an awarded call; a company's own place too.
export async function outcomeView(c, { company = false } = {}) {
  const r = await get(`/api/v1/calls/${c.id}/outcome`);
  if (r.status !== 200) {
    const box = alertBox();
    renderMessage(box, problem(r).msg);
    return box;
  }
  const o = r.data;
  let own = null;
  if (company) {
    own = [t('out.own'), !o.own ? t('out.noOwn') : o.own.total == null ? t('out.ownUnscored', o.own)
      : t('out.ownText', { ...o.own, total: total(o.own.total) })];
  }
  return h('div', { id: 'outcome' }, h('p', { class: 'notice-ok', role: 'status' }, t('out.winner', { name: o.winner.name })),
    facts([[t('out.winnerLabel'), o.winner.name], own, [t('out.reason'), o.reason], [t('out.awardedAt'), dateTime(o.awarded_at)]]));
}

function awardForm(ctx, c, ev) {
  const first = ev.proposals.filter((p) => p.rank === 1);
  const form = actionForm({
    fields: [
      { name: 'submission_id', label: t('award.proposal'), type: 'select', required: true, wide: true, value: first[0]?.submission_id,
        options: first.map((p) => ({ value: p.submission_id, label: t('award.option', { name: p.organization.name, total: total(p.total) }) })),
        help: t(first.length > 1 ? 'award.tie' : 'award.firstOnly') },
      { name: 'reason', label: t('award.reason'), type: 'textarea', required: true, wide: true, help: t('award.reasonHelp') },
    ],
    submitLabel: t('award.submit'),
    submit: (v) => post(`/api/v1/calls/${c.id}/award`, v),
    done: () => ctx.rerender(),
  });
  form.id = 'award-form';
  return form;
}

// The award: the four-eyes rule said first, and to the call's creator as
// the reason they cannot; the form for any other officer.
export async function awardSection(ctx, c, ev) {
  if (c.status === 'awarded') return section(t('award.title'), await outcomeView(c));
  const mine = c.created_by != null && c.created_by === ctx.user.id;
  const body = [h('p', { class: mine ? 'notice warn' : 'notice', id: 'award-rule' }, t(mine ? 'award.fourEyesMine' : 'award.fourEyes'))];
  if (c.status !== 'evaluated') body.push(h('p', { class: 'help' }, t('award.notYet')));
  else if (!mine && ctx.can(['officer'])) body.push(awardForm(ctx, c, ev));
  return section(t('award.title'), body);
}
