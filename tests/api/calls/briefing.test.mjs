// The briefing: companies register attendees before it starts, within the
// place's capacity even when they all try at once; officers export the
// list as CSV.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, sql } from '../helpers.mjs';
import { callContext, publishedCall, company } from './fixtures.mjs';

let srv;
let setClock;
let m;
before(async () => { ({ srv, setClock, m } = await callContext()); });
after(async () => { await srv.stop(); });

const person = (i) => ({ name: `참석자 ${i}`, title: '책임연구원', email: `attendee${i}@example.kr` });

test('concurrent registrations never pass the capacity', async () => {
  setClock('2026-03-02T10:00:00+09:00');
  const c = await publishedCall(srv.base, m.officer, { briefing_capacity: 3 });
  const cos = [await company(srv.base, 'Rush One'), await company(srv.base, 'Rush Two'), await company(srv.base, 'Rush Three')];
  const all = await Promise.all(Array.from({ length: 9 }, (_, i) =>
    api(srv.base, 'POST', `/api/v1/calls/${c.id}/attendees`, { token: cos[i % 3].token, body: person(i) })));
  const ok = all.filter((r) => r.status === 201);
  const full = all.filter((r) => r.status === 409);
  assert.equal(ok.length, 3, all.map((r) => r.status).join());
  assert.equal(full.length, 6);
  for (const r of full) {
    assert.equal(r.body.code, 'call.briefing_full');
    assert.match(r.body.detail, /holds 3 people/);
  }
  assert.deepEqual(sql(srv.db, `SELECT count(*) FROM briefing_attendees WHERE call_id = ${c.id}`), ['3']);
});

test('registration closes when the briefing starts; a person registers once', async () => {
  setClock('2026-03-02T10:00:00+09:00');
  const c = await publishedCall(srv.base, m.officer, { briefing_capacity: 10 });
  const co = await company(srv.base, 'Punctual AI');
  const url = `/api/v1/calls/${c.id}/attendees`;
  setClock('2026-03-10T13:59:59+09:00');
  const r = await api(srv.base, 'POST', url, { token: co.token, body: person('a') });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.registered_at, '2026-03-10T13:59:59+09:00');
  assert.equal(r.body.organization.id, co.org.id);
  const dup = await api(srv.base, 'POST', url, { token: co.token, body: { ...person('a'), email: 'ATTENDEEA@example.kr' } });
  assert.equal(dup.status, 409);
  const bad = await api(srv.base, 'POST', url, { token: co.token, body: { name: '', email: 'x' } });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.body.errors.map((e) => e.field).sort(), ['email', 'name', 'title']);
  setClock('2026-03-10T14:00:00+09:00');
  const late = await api(srv.base, 'POST', url, { token: co.token, body: person('b') });
  assert.equal(late.status, 409);
  assert.equal(late.body.code, 'call.briefing_started');
  assert.match(late.body.detail, /2026-03-10T14:00:00\+09:00/);
  assert.equal((await api(srv.base, 'POST', url, { token: m.officer, body: person('c') })).status, 403);
});

test('officers list and export the attendees as CSV; a company sees its own', async () => {
  setClock('2026-03-02T10:00:00+09:00');
  const c = await publishedCall(srv.base, m.officer, { briefing_capacity: 10 });
  const a = await company(srv.base, 'Export Alpha');
  const b = await company(srv.base, 'Export Beta');
  const url = `/api/v1/calls/${c.id}/attendees`;
  await api(srv.base, 'POST', url, { token: a.token, body: { name: '=cmd|calc', title: '+부장', email: 'a1@alpha.example.kr' } });
  await api(srv.base, 'POST', url, { token: b.token, body: person('b1') });
  const list = await api(srv.base, 'GET', url, { token: m.officer });
  assert.equal(list.body.items.length, 2);
  const own = await api(srv.base, 'GET', url, { token: b.token });
  assert.deepEqual(own.body.items.map((x) => x.email), ['attendeeb1@example.kr']);
  const csv = await fetch(`${srv.base}${url}`, { headers: { authorization: `Bearer ${m.officer}`, accept: 'text/csv' } });
  assert.equal(csv.status, 200);
  const bytes = Buffer.from(await csv.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
  assert.equal(lines[0], 'organisation,name,title,email,registered_at');
  assert.equal(lines.length, 3);
  assert.ok(lines.some((l) => l.includes(`"'=cmd|calc","'+부장"`)), lines.join('\n'));
  const audit = sql(srv.db, `SELECT count(*) FROM audit_events WHERE table_name = 'briefing_attendees'`);
  assert.ok(Number(audit[0]) >= 2);
});
