// The open data: an OCDS 1.1 release package that passes the official
// schema (read from the shared folder, never copied in), with the ocid
// prefix configured, unique (ocid, id) pairs, dates with their offset and
// nothing confidential; and the public progress. Both without sign-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { api, sql, startServer, ROOT } from '../helpers.mjs';
import { procurementCast, program, purchaseOrder } from '../fixtures.mjs';
import { callContext, publishedCall, pdf } from '../calls/fixtures.mjs';

// The shared reference data sits beside the project's folder; a clone made
// elsewhere (as CI makes one) finds it through REGISTRY_SHARED_DATA or at
// the workplace's fixed place.
const SCHEMAS = [process.env.REGISTRY_SHARED_DATA, path.resolve(ROOT, '../shared/data'), '/work/shared/data']
  .filter(Boolean).map((dir) => path.join(dir, 'ocds'))
  .find((dir) => existsSync(path.join(dir, 'release-schema.json')));
assert.ok(SCHEMAS, 'the official OCDS schemas are not found: set REGISTRY_SHARED_DATA to the shared data folder');
const schema = (name) => JSON.parse(readFileSync(path.join(SCHEMAS, name), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(schema('release-schema.json'));
const validPackage = ajv.compile(schema('release-package-schema.json'));

let srv;
let m;
let cast;
let prog;
let po;
let secret;
let call;

before(async () => {
  ({ srv, m } = await callContext({ REGISTRY_OCDS_PREFIX: 'ocds-abc123', REGISTRY_PUBLIC_URL: 'https://registry.example.go.kr',
    REGISTRY_OPEN_DATA_CACHE_SECONDS: '0' }));
  cast = await procurementCast(srv.base);
  prog = await program(srv.base, cast.officer.token, { name: '국가 AI 컴퓨팅 자원 확충 사업' });
  po = await purchaseOrder(srv.base, cast, {
    programId: prog.id,
    lines: [{ gpu_model_id: cast.model.H100.id, quantity: 2, unit_price: 50_000_000 },
      { gpu_model_id: cast.model.B200.id, quantity: 1, unit_price: 80_000_000 }],
  });
  secret = await purchaseOrder(srv.base, cast, { programId: prog.id, currency: 'USD', rate: '1385.20',
    lines: [{ gpu_model_id: cast.model.H200.id, quantity: 3, unit_price: 3_000_000 }] });
  sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
    UPDATE purchase_orders SET prices_confidential = true WHERE id = ${secret.id}; COMMIT;`);
  await purchaseOrder(srv.base, cast, { programId: prog.id, status: 'submitted',
    lines: [{ gpu_model_id: cast.model.A100.id, quantity: 1, unit_price: 1 }] });
  const d = await api(srv.base, 'POST', '/api/v1/deliveries', {
    token: cast.vendor.token,
    body: { purchase_order_id: po.id, reference: 'DN-2026-001', lines: [{ gpu_model_id: cast.model.H100.id, serials: ['OCDS-0001'] }] },
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  // A payment as the ledger records it (the API pays accepted units only).
  sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
    INSERT INTO payments (purchase_order_id, invoice_number, amount, currency, amount_krw, paid_on, recorded_by)
    VALUES (${po.id}, 'INV-1', 30000000, 'KRW', 30000000, '2026-01-15', ${cast.officer.user.id}); COMMIT;`);
  call = await publishedCall(srv.base, m.officer);
  const g = await api(srv.base, 'POST', `/api/v1/calls/${call.id}/guidelines?note=${encodeURIComponent('제1판')}`,
    { token: m.officer, raw: pdf('공모지침서'), headers: { 'content-type': 'application/pdf' } });
  assert.equal(g.status, 201, JSON.stringify(g.body));
});
after(async () => { await srv.stop(); });

const ocds = (query = '') => api(srv.base, 'GET', `/api/v1/exports/ocds${query}`);

function checkPackage(pkg) {
  assert.ok(validPackage(pkg), JSON.stringify(validPackage.errors, null, 1));
  const pairs = pkg.releases.map((r) => `${r.ocid} ${r.id}`);
  assert.equal(new Set(pairs).size, pairs.length, 'each (ocid, release id) once');
  for (const r of pkg.releases) assert.match(r.ocid, /^ocds-abc123-/);
  const text = JSON.stringify(pkg);
  for (const date of text.matchAll(/"(?:date|publishedDate|dateSigned|dateMet|startDate|endDate|datePublished|dateModified)":"([^"]*)"/g)) {
    assert.match(date[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+09:00|Z|[+-]\d\d:\d\d)$/, date[0]);
  }
  assert.ok(!/@/.test(text), 'no email address: no personal data');
  assert.ok(!text.includes('buyer@msit.go.kr') && !text.includes('이서연'));
}

test('everything, without sign-in: a package that passes the official OCDS 1.1 schema', async () => {
  const r = await ocds();
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('cache-control'), 'public, max-age=0');
  const pkg = r.body;
  checkPackage(pkg);
  assert.equal(pkg.version, '1.1');
  assert.equal(pkg.uri, 'https://registry.example.go.kr/api/v1/exports/ocds');
  const ocids = pkg.releases.map((x) => x.ocid);
  assert.deepEqual(ocids, [`ocds-abc123-call-${call.id}`, `ocds-abc123-po-${po.id}`, `ocds-abc123-po-${secret.id}`],
    'the published call and the approved orders only, never a submitted one');
});

test('an order as award and contract: items by model in won, deliveries and payments', async () => {
  const pkg = (await ocds(`?program_id=${prog.id}`)).body;
  checkPackage(pkg);
  assert.equal(pkg.uri, `https://registry.example.go.kr/api/v1/exports/ocds?program_id=${prog.id}`);
  const rel = pkg.releases.find((x) => x.ocid === `ocds-abc123-po-${po.id}`);
  assert.deepEqual(rel.tag, ['award', 'contract', 'implementation']);
  assert.equal(rel.initiationType, 'tender');
  assert.deepEqual(rel.parties.map((p) => p.roles[0]), ['buyer', 'supplier']);
  assert.equal(rel.awards[0].suppliers[0].name, 'GPU Vendor Korea');
  assert.deepEqual(rel.awards[0].value, { amount: 180_000_000, currency: 'KRW' });
  const c = rel.contracts[0];
  assert.equal(c.awardID, rel.awards[0].id);
  assert.equal(c.title, po.reference);
  assert.equal(c.status, 'active');
  assert.deepEqual(c.items.map((i) => [i.classification.description, i.quantity, i.unit.value.amount]),
    [['NVIDIA H100', 2, 50_000_000], ['NVIDIA B200', 1, 80_000_000]]);
  assert.deepEqual(c.implementation.milestones.map((x) => [x.type, x.title, x.status]), [['delivery', 'DN-2026-001', 'scheduled']]);
  assert.deepEqual(c.implementation.transactions.map((t) => [t.value.amount, t.date]), [[30_000_000, '2026-01-15T00:00:00+09:00']]);
});

test('an order whose prices are confidential goes out without a value', async () => {
  const pkg = (await ocds(`?program_id=${prog.id}`)).body;
  const rel = pkg.releases.find((x) => x.ocid === `ocds-abc123-po-${secret.id}`);
  assert.equal(rel.awards[0].value, undefined);
  assert.equal(rel.contracts[0].value, undefined);
  assert.deepEqual(rel.contracts[0].items.map((i) => [i.quantity, i.unit.value]), [[3, undefined]]);
  assert.equal(rel.contracts[0].items[0].unit.name, 'GPU');
  assert.ok(!JSON.stringify(rel).includes('amount'));
});

test('a call as a tender: periods and guideline documents; unknown ids are 404', async () => {
  const pkg = (await ocds(`?call_id=${call.id}`)).body;
  checkPackage(pkg);
  assert.equal(pkg.releases.length, 1);
  const t = pkg.releases[0].tender;
  assert.equal(t.title, '국가AI컴퓨팅센터 민관합작 공모');
  assert.equal(t.status, 'active');
  assert.deepEqual(t.tenderPeriod, { startDate: '2026-04-01T10:00:00+09:00', endDate: '2026-05-15T18:00:00+09:00' });
  assert.equal(t.numberOfTenderers, undefined, 'not before the set of proposals is frozen');
  assert.deepEqual(t.documents.map((d) => [d.id, d.documentType, d.description, d.format, d.datePublished]),
    [['guidelines-v1', 'biddingDocuments', '제1판', 'application/pdf', '2026-04-01T10:00:00+09:00']]);
  assert.equal(t.documents[0].url, undefined, 'served only to those who filed a letter');
  sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
    INSERT INTO proposal_checkpoints (call_id, size, root, note, frozen_at)
    VALUES (${call.id}, 3, sha256('root'), 'checkpoint', '2026-05-15T18:00:00+09:00'); COMMIT;`);
  const frozen = (await ocds(`?call_id=${call.id}`)).body;
  checkPackage(frozen);
  assert.equal(frozen.releases[0].tender.numberOfTenderers, 3);
  const missing = await ocds('?call_id=999999');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'ocds.not_published');
  assert.equal((await ocds('?program_id=x')).status, 400);
});

test('the public progress: each programme against its targets, without sign-in', async () => {
  const r = await api(srv.base, 'GET', '/api/v1/public/progress');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('cache-control'), 'public, max-age=0');
  const p = r.body.programs.find((x) => x.program_id === prog.id);
  assert.equal(p.name, '국가 AI 컴퓨팅 자원 확충 사업');
  assert.equal(p.gpu_target, 30000);
  assert.equal(p.gpus_ordered, 3 + 3, 'both ordered; the submitted one is not');
  assert.equal(p.committed_krw, 180_000_000 + Math.round(9_000_000 * 1385.2 / 100));
  assert.equal(p.paid_krw, 30_000_000);
  assert.equal(p.gpus_in_service, 0);
});

test('served from memory: requests together, then a change unseen until the cache expires', async () => {
  const cached = await startServer({ db: srv.db, env: { REGISTRY_TEST_CLOCK_FILE: '' } });
  try {
    const all = await Promise.all(Array.from({ length: 8 }, () => api(cached.base, 'GET', '/api/v1/public/progress')));
    assert.ok(all.every((r) => r.status === 200 && r.headers.get('cache-control') === 'public, max-age=60'));
    const before = all[0].body.programs.find((x) => x.program_id === prog.id);
    sql(srv.db, `BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
      UPDATE programs SET name = name || ' (renamed)' WHERE id = ${prog.id}; COMMIT;`);
    const again = await api(cached.base, 'GET', '/api/v1/public/progress');
    assert.deepEqual(again.body.programs.find((x) => x.program_id === prog.id), before, 'the same answer from memory');
    const fresh = await ocds();
    assert.match(fresh.body.releases.find((r) => r.ocid.includes('-po-')).contracts[0].description, /\(renamed\)$/,
      'the other server keeps nothing (its cache lasts 0 s)');
  } finally { await cached.stop(); }
});
