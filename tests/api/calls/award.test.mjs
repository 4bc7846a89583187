// The whole call from publication to award, on the test clock: criteria
// and weights frozen at the proposal deadline, evaluators who declare
// their interests and are flagged for the proposals of organisations they
// are linked to (the bidder, or a consortium member of its letter),
// scores hidden from the other evaluators until every one is in, totals
// and ranks computed by the database, an award by an officer other than
// the call's creator, and each company told its own place and the winner.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sodium from 'libsodium-wrappers';
import { api, checkedFetch, sql } from '../helpers.mjs';
import { readCsv } from '../exports/files.mjs';
import { person } from '../fixtures.mjs';
import { brn, callContext, committeeCall, company, letterBody } from './fixtures.mjs';

const PASS = ['first member passphrase', 'second member passphrase', 'third member passphrase'];
const LINKED_MEMBER = brn(101810077);
const ALPHA_NAME = 'Alpha Award 주식회사';

let srv;
let setClock;
let m;
let s;
let committee;
let ev;             // three evaluators
let awarder;
let alpha;
let beta;
let gamma;
const sub = {};     // company name -> submission id
let crit;           // criteria as stored

before(async () => {
  await sodium.ready;
  ({ srv, setClock, m } = await callContext({ REGISTRY_PROPOSAL_DIR: mkdtempSync(path.join(os.tmpdir(), 'registry-award-')) }));
  const officer = (i, role) => person(srv.base, m.admin, { email: `${role}${i}@msit.go.kr`, kind: 'ministry', roles: ['officer'], orgName: 'MSIT' });
  committee = [await officer(0, 'committee'), await officer(1, 'committee'), await officer(2, 'committee')];
  ev = [await officer(0, 'evaluator'), await officer(1, 'evaluator'), await officer(2, 'evaluator')];
  awarder = await officer(0, 'awarder');
  setClock('2026-03-02T10:00:00+09:00');
  s = await committeeCall(srv.base, m.officer, committee, PASS);
  alpha = await company(srv.base, 'Alpha Award');
  beta = await company(srv.base, 'Beta Award');
  gamma = await company(srv.base, 'Gamma Award');
});
after(async () => { await srv.stop(); });

const scores = (t, p, note = 'reasoned comment') => ({
  scores: [
    { criterion_id: crit[0].id, score: t, comment: `technical: ${note}` },
    { criterion_id: crit[1].id, score: p, comment: `price: ${note}` },
  ],
});
const score = (who, name, body) => api(srv.base, 'PUT', s.url(`/proposals/${sub[name]}/scores`), { token: who.token, body });

test('criteria with weights adding up to 100 and evaluators who are officers are set on the draft', async () => {
  const bad = await api(srv.base, 'PUT', s.url('/criteria'), { token: m.officer, body: { criteria: [{ name: 'Technical', weight: 60, max_score: 100 }, { name: 'Price', weight: 30, max_score: 50 }] } });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.errors[0].field, 'criteria');
  const put = await api(srv.base, 'PUT', s.url('/criteria'), { token: m.officer, body: { criteria: [{ name: 'Technical', weight: 60, max_score: 100 }, { name: 'Price', weight: 40, max_score: 50 }] } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  crit = put.body.items;
  assert.deepEqual(crit.map((c) => [c.position, c.name, c.weight, c.max_score]), [[1, 'Technical', 60, 100], [2, 'Price', 40, 50]]);
  const vendorAsEvaluator = await api(srv.base, 'PUT', s.url('/evaluators'), { token: m.officer, body: { evaluators: [{ user_id: ev[0].user.id }, { user_id: alpha.user.id }] } });
  assert.equal(vendorAsEvaluator.status, 422);
  const evs = await api(srv.base, 'PUT', s.url('/evaluators'), { token: m.officer, body: { evaluators: ev.map((e) => ({ user_id: e.user.id })) } });
  assert.equal(evs.status, 200, JSON.stringify(evs.body));
  assert.deepEqual(evs.body.items.map((e) => e.declared_at), [null, null, null]);
  await s.publish();
  const seen = await api(srv.base, 'GET', s.url('/criteria'), { token: alpha.token });
  assert.equal(seen.status, 200);
  assert.equal(seen.body.items.length, 2);
});

test('evaluators declare their interests: none, a bidder, a consortium member', async () => {
  const none = await api(srv.base, 'PUT', s.url('/evaluators/declaration'), { token: ev[0].token, body: { interests: [] } });
  assert.equal(none.status, 200, JSON.stringify(none.body));
  const bidder = await api(srv.base, 'PUT', s.url('/evaluators/declaration'), { token: ev[1].token, body: { interests: [{ organization_name: 'Beta Award', registration_number: beta.number, relation: 'advised its board in 2025' }] } });
  assert.equal(bidder.status, 200, JSON.stringify(bidder.body));
  // Written without its dashes: the same number.
  const member = await api(srv.base, 'PUT', s.url('/evaluators/declaration'), { token: ev[2].token, body: { interests: [{ organization_name: '감마파트너스', registration_number: LINKED_MEMBER.replaceAll('-', ''), relation: 'spouse is a director' }] } });
  assert.equal(member.status, 200, JSON.stringify(member.body));
  const stranger = await api(srv.base, 'PUT', s.url('/evaluators/declaration'), { token: awarder.token, body: { interests: [] } });
  assert.equal(stranger.status, 403);
  assert.equal(stranger.body.code, 'call.not_evaluator');
});

test('three companies with letters submit sealed proposals; the criteria freeze at the deadline', async () => {
  setClock('2026-03-20T10:00:00+09:00');
  for (const [co, over] of [[alpha, {}], [beta, {}], [gamma, { members: [{ name: '감마파트너스', registration_number: LINKED_MEMBER, role: 'data_centre' }] }]]) {
    const l = await api(srv.base, 'POST', s.url('/letters'), { token: co.token, body: letterBody(over) });
    assert.equal(l.status, 201, JSON.stringify(l.body));
  }
  setClock('2026-04-02T10:00:00+09:00');
  for (const [name, co] of [['alpha', alpha], ['beta', beta], ['gamma', gamma]]) {
    const r = await s.submit(co.token, s.seal(sodium, `${name} proposal and price schedule`));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    sub[name] = r.body.submission_id;
  }
  const stillOpen = await api(srv.base, 'PUT', s.url('/criteria'), { token: m.officer, body: { criteria: [{ name: 'Technical', weight: 60, max_score: 100 }, { name: 'Price', weight: 40, max_score: 50 }] } });
  assert.equal(stillOpen.status, 200);
  crit = stillOpen.body.items;
  setClock('2026-05-15T18:00:01+09:00');
  const frozen = await api(srv.base, 'PUT', s.url('/criteria'), { token: m.officer, body: { criteria: [{ name: 'Price only', weight: 100, max_score: 10 }] } });
  assert.equal(frozen.status, 409);
  assert.equal(frozen.body.code, 'call.criteria_frozen');
  assert.equal(frozen.body.deadline, '2026-05-15T18:00:00+09:00');
});

test('nothing is scored before the opening; then two passphrases open all three', async () => {
  const early = await score(ev[0], 'alpha', scores(90, 40));
  assert.equal(early.status, 409);
  assert.equal(early.body.code, 'call.not_opened');
  setClock('2026-05-18T10:00:00+09:00');
  assert.equal((await s.give(committee[0].token, PASS[0])).status, 202);
  const opened = await s.give(committee[1].token, PASS[1]);
  assert.equal(opened.status, 200, JSON.stringify(opened.body));
  assert.deepEqual(opened.body.proposals.map((p) => p.result), ['ok', 'ok', 'ok']);
});

test('an evaluator linked to a bidder or a consortium member is flagged and cannot score that proposal', async () => {
  const list = await api(srv.base, 'GET', s.url('/evaluators'), { token: m.auditor });
  assert.equal(list.status, 200);
  const byUser = Object.fromEntries(list.body.items.map((e) => [e.user.id, e]));
  assert.deepEqual(byUser[ev[0].user.id].conflicts, []);
  assert.deepEqual(byUser[ev[1].user.id].conflicts.map((c) => c.submission_id), [sub.beta]);
  assert.deepEqual(byUser[ev[2].user.id].conflicts.map((c) => c.submission_id), [sub.gamma]);
  assert.deepEqual([0, 1, 2].map((i) => byUser[ev[i].user.id].to_score), [3, 2, 2]);
  const asBidder = await score(ev[1], 'beta', scores(70, 30));
  assert.equal(asBidder.status, 403);
  assert.equal(asBidder.body.code, 'call.evaluator_conflict');
  assert.equal(asBidder.body.party, 'bidder');
  assert.equal(asBidder.body.registration_number.replaceAll('-', ''), beta.number.replaceAll('-', ''));
  const asMember = await score(ev[2], 'gamma', scores(70, 30));
  assert.equal(asMember.status, 403);
  assert.equal(asMember.body.party, 'member');
  assert.equal(asMember.body.registration_number.replaceAll('-', ''), LINKED_MEMBER.replaceAll('-', ''));
  const notEvaluator = await score(awarder, 'alpha', scores(70, 30));
  assert.equal(notEvaluator.status, 403);
  assert.equal(notEvaluator.body.code, 'call.not_evaluator');
});

test('scores are bounded by each criterion, cover every criterion, and stay hidden until all are in', async () => {
  const over = await score(ev[0], 'alpha', scores(101, 40));
  assert.equal(over.status, 422);
  assert.equal(over.body.errors[0].field, 'scores[0].score');
  const partial = await score(ev[0], 'alpha', { scores: [scores(90, 40).scores[0]] });
  assert.equal(partial.status, 422);
  const first = await score(ev[0], 'alpha', scores(90, 40));
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.complete, false);
  assert.deepEqual([first.body.expected, first.body.done], [7, 1]);
  // Own scores only, no totals, for the evaluator; nothing of them for another.
  const own = await api(srv.base, 'GET', s.url('/evaluation'), { token: ev[0].token });
  assert.equal(own.status, 200);
  assert.equal(own.body.complete, false);
  const ownAlpha = own.body.proposals.find((p) => p.submission_id === sub.alpha);
  assert.deepEqual(ownAlpha.scores.map((x) => x.score), [90, 40]);
  assert.equal(ownAlpha.total, null);
  assert.equal(ownAlpha.rank, null);
  for (const who of [ev[1].token, m.officer, m.auditor]) {
    const other = await api(srv.base, 'GET', s.url('/evaluation'), { token: who });
    assert.equal(other.status, 200);
    assert.ok(other.body.proposals.every((p) => p.scores.length === 0 && p.total === null));
  }
  assert.equal((await api(srv.base, 'GET', s.url('/evaluation'), { token: alpha.token })).status, 403);
  // Once scoring has started, evaluators and that evaluator's declaration are fixed.
  const reassign = await api(srv.base, 'PUT', s.url('/evaluators'), { token: m.officer, body: { evaluators: [{ user_id: ev[0].user.id }] } });
  assert.equal(reassign.status, 409);
  assert.equal(reassign.body.code, 'call.evaluators_fixed');
  const redeclare = await api(srv.base, 'PUT', s.url('/evaluators/declaration'), { token: ev[0].token, body: { interests: [] } });
  assert.equal(redeclare.status, 409);
  assert.equal(redeclare.body.code, 'call.declaration_fixed');
  const early = await api(srv.base, 'POST', s.url('/award'), { token: awarder.token, body: { submission_id: sub.alpha, reason: 'too early' } });
  assert.equal(early.status, 409);
  assert.equal(early.body.code, 'call.evaluation_incomplete');
  assert.deepEqual([early.body.pairs_expected, early.body.pairs_done], [7, 1]);
});

test('the last score completes the evaluation; the database totals and ranks the proposals', async () => {
  // A score can still change until all are in.
  assert.equal((await score(ev[0], 'alpha', scores(89, 40))).status, 200);
  assert.equal((await score(ev[0], 'alpha', scores(90, 40))).status, 200);
  const plan = [
    [ev[0], 'beta', 70, 30], [ev[0], 'gamma', 60, 50],
    [ev[1], 'alpha', 81, 45], [ev[1], 'gamma', 70, 40],
    [ev[2], 'alpha', 85, 50], [ev[2], 'beta', 80, 40],
  ];
  let last;
  for (const [who, name, t, p] of plan) {
    last = await score(who, name, scores(t, p));
    assert.equal(last.status, 200, JSON.stringify(last.body));
  }
  assert.equal(last.body.complete, true);
  assert.deepEqual([last.body.expected, last.body.done], [7, 7]);
  const call = await api(srv.base, 'GET', s.url(), { token: m.officer });
  assert.equal(call.body.status, 'evaluated');
  assert.equal(call.body.evaluated_at, '2026-05-18T10:00:00+09:00');
  const closed = await score(ev[0], 'alpha', scores(10, 10));
  assert.equal(closed.status, 409);
  assert.equal(closed.body.code, 'call.evaluation_closed');
  const table = await api(srv.base, 'GET', s.url('/evaluation'), { token: m.officer });
  assert.equal(table.status, 200);
  assert.equal(table.body.complete, true);
  // Technical 60% of max 100, price 40% of max 50, means over the evaluators
  // who may score: alpha (90+81+85)/3 -> 51.2 + 45 -> 36 = 87.20; gamma 65 -> 39
  // + 45 -> 36 = 75; beta 75 -> 45 + 35 -> 28 = 73.
  assert.deepEqual(table.body.proposals.map((p) => [p.submission_id, p.total, p.rank]),
    [[sub.alpha, 87.2, 1], [sub.gamma, 75, 2], [sub.beta, 73, 3]]);
  assert.equal(table.body.proposals[0].scores.length, 6);
  assert.ok(table.body.proposals[0].scores.every((x) => x.comment.length > 0 && x.evaluator.id));
  assert.equal(table.body.proposals[2].scores.length, 4);
});

test('the award: a reason, an officer other than the creator, the proposal ranked first', async () => {
  const byCreator = await api(srv.base, 'POST', s.url('/award'), { token: m.officer, body: { submission_id: sub.alpha, reason: 'highest total' } });
  assert.equal(byCreator.status, 403);
  assert.equal(byCreator.body.code, 'call.award_by_creator');
  const noReason = await api(srv.base, 'POST', s.url('/award'), { token: awarder.token, body: { submission_id: sub.alpha } });
  assert.equal(noReason.status, 422);
  const second = await api(srv.base, 'POST', s.url('/award'), { token: awarder.token, body: { submission_id: sub.gamma, reason: 'preferred' } });
  assert.equal(second.status, 409);
  assert.equal(second.body.code, 'call.award_not_first');
  assert.equal(second.body.rank, 2);
  assert.equal((await api(srv.base, 'GET', s.url('/outcome'), { token: alpha.token })).body.code, 'call.not_awarded');
  const award = await api(srv.base, 'POST', s.url('/award'), { token: awarder.token, body: { submission_id: sub.alpha, reason: 'highest weighted total of the three evaluated proposals' } });
  assert.equal(award.status, 200, JSON.stringify(award.body));
  assert.equal(award.body.winner.name, ALPHA_NAME);
  assert.equal(award.body.own, null);
  const again = await api(srv.base, 'POST', s.url('/award'), { token: awarder.token, body: { submission_id: sub.alpha, reason: 'twice' } });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'call.closed');
  const call = await api(srv.base, 'GET', s.url());
  assert.equal(call.body.status, 'awarded');
  // Staff see who created the call (the four-eyes rule); nobody else does.
  assert.equal(call.body.created_by, null);
  assert.equal((await api(srv.base, 'GET', s.url(), { token: alpha.token })).body.created_by, null);
  const creator = (await api(srv.base, 'GET', '/api/v1/me', { token: m.officer })).body.id;
  assert.equal((await api(srv.base, 'GET', s.url(), { token: awarder.token })).body.created_by, creator);
  assert.equal(call.body.awarded_at, '2026-05-18T10:00:00+09:00');
  // Every step is in the audit trail.
  const audited = sql(srv.db, `SELECT table_name, count(*) FROM audit_events WHERE table_name IN ('call_criteria', 'call_evaluators', 'evaluator_interests', 'evaluation_scores', 'call_awards') GROUP BY 1 ORDER BY 1`);
  assert.deepEqual(audited.map((r) => r.split('|')[0]), ['call_awards', 'call_criteria', 'call_evaluators', 'evaluation_scores', 'evaluator_interests']);
});

test("each company sees its own total and rank and the winner, never another company's score", async () => {
  const outcome = async (co) => {
    const r = await api(srv.base, 'GET', s.url('/outcome'), { token: co.token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const a = await outcome(alpha);
  assert.deepEqual([a.own.submission_id, a.own.total, a.own.rank, a.own.ranked], [sub.alpha, 87.2, 1, 3]);
  const b = await outcome(beta);
  assert.deepEqual([b.own.total, b.own.rank], [73, 3]);
  assert.equal(b.winner.name, ALPHA_NAME);
  assert.ok(b.reason.length > 0);
  assert.deepEqual(Object.keys(b).sort(), ['awarded_at', 'own', 'reason', 'winner']);
  assert.deepEqual(Object.keys(b.winner), ['name']);
  assert.ok(!JSON.stringify(b).includes('87.2'));
  const g = await outcome(gamma);
  assert.equal(g.own.rank, 2);
  const staff = await api(srv.base, 'GET', s.url('/outcome'), { token: m.auditor });
  assert.equal(staff.body.winner.name, ALPHA_NAME);
});

test("the auditors' call report ends with the ranking and the award", async () => {
  const res = await checkedFetch(srv.base, `/api/v1/exports/call?call_id=${s.call.id}`,
    { headers: { authorization: `Bearer ${m.auditor}` } });
  assert.equal(res.status, 200);
  const f = readCsv(Buffer.from(await res.arrayBuffer()));
  const rows = f.rows.map((r) => Object.fromEntries(f.columns.map((k, i) => [k, r[i]])));
  const ranking = rows.filter((r) => r.section === 'ranking');
  assert.deepEqual(ranking.map((r) => [r.reference, r.organization, r.detail]), [
    ['rank 1 of 3', ALPHA_NAME, 'weighted total 87.20 of 100'],
    ['rank 2 of 3', 'Gamma Award 주식회사', 'weighted total 75.00 of 100'],
    ['rank 3 of 3', 'Beta Award 주식회사', 'weighted total 73.00 of 100'],
  ]);
  const award = rows.filter((r) => r.section === 'award');
  assert.equal(award.length, 1);
  assert.equal(award[0].organization, ALPHA_NAME);
  assert.equal(award[0].detail, 'highest weighted total of the three evaluated proposals');
  assert.match(award[0].person, /\S/);
  assert.equal(award[0].at, '2026-05-18T10:00:00+09:00');
  assert.deepEqual(rows.slice(-4).map((r) => r.section), ['ranking', 'ranking', 'ranking', 'award']);
});
