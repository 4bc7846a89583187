// The checker behind api() (tests/api/contract.mjs) itself: it maps URLs
// to the document's templates, refuses undocumented statuses and bodies
// off their schema, and says where in its message.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { checkReply, pathTemplate } from '../contract.mjs';

const problem = (status) => ({
  type: '/problems/not-found', code: 'record.not_found', title: 'Not found', status, detail: 'no such asset',
});

test('a concrete URL maps to its path template, a literal path before a template', () => {
  assert.equal(pathTemplate('/api/v1/assets/12'), '/api/v1/assets/{id}');
  assert.equal(pathTemplate('/api/v1/assets/12/history?limit=5'), '/api/v1/assets/{id}/history');
  assert.equal(pathTemplate('/api/v1/sites/3/racks/7'), '/api/v1/sites/{id}/racks/{rack_id}');
  assert.equal(pathTemplate('/api/v1/openapi.yaml'), '/api/v1/openapi.yaml');
  assert.equal(pathTemplate('/api/v1/no-such-thing'), undefined);
});

test('a documented reply passes; a Problem may carry members the document does not list', () => {
  checkReply('GET', '/api/v1/assets/12', 404, 'application/problem+json', problem(404));
  checkReply('GET', '/api/v1/assets/12', 404, 'application/problem+json',
    { ...problem(404), asset_id: 12, hint: 'a member the document does not name' });
  checkReply('HEAD', '/api/v1/assets/12', 404, 'application/problem+json', '');
});

test('an undocumented status fails, naming the path, method and status', () => {
  assert.throws(() => checkReply('GET', '/api/v1/assets/12', 418, 'application/problem+json', problem(418)),
    /GET \/api\/v1\/assets\/12 \(\/api\/v1\/assets\/\{id\}\) -> 418: status 418 is not documented for getAsset/);
});

test('a body off its schema fails with the schema errors', () => {
  const bad = { ...problem(404) };
  delete bad.detail;
  assert.throws(() => checkReply('GET', '/api/v1/assets/12', 404, 'application/problem+json', bad),
    (e) => /-> 404: the application\/problem\+json body does not match/.test(e.message) &&
      /must have required property 'detail'/.test(e.message));
  assert.throws(() => checkReply('GET', '/api/v1/assets/12', 404, 'application/json', problem(404)),
    /application\/json is not documented for this status/);
});

test('the vendor view of a purchase order passes; half of one does not', () => {
  const po = {
    id: 1, reference: 'PO-2026-000001', program_id: 1, program: { id: 1, name: 'P' }, vendor_id: 4, vendor: { id: 4, name: 'V' },
    currency: 'KRW', exchange_rate: null, status: 'ordered', submitted_at: null, approved_at: null,
    ordered_at: '2026-01-01T00:00:00+00:00', version: 3, total_amount: 10, total_krw: 10, paid_krw: 0,
    lines: [], created_at: '2026-01-01T00:00:00+00:00', updated_at: '2026-01-01T00:00:00+00:00',
  };
  checkReply('GET', '/api/v1/purchase-orders/1', 200, 'application/json', po);
  const full = { ...po, notes: null, created_by: 2, approved_by: 3, override_reason: null, cancel_reason: null };
  checkReply('GET', '/api/v1/purchase-orders/1', 200, 'application/json', full);
  assert.throws(() => checkReply('GET', '/api/v1/purchase-orders/1', 200, 'application/json', { ...po, notes: 'x' }),
    /does not match/);
});
