// The authorization table as a test. Every route of the route table, for
// each role (one user with that role alone) and signed out, with the
// class of status it must get: 'ok' (the route's gate let it through: a
// 2xx, or a 4xx other than 401 and 403, such as 404 for the missing record
// or 422 for the empty body sent), 403, or 401. A route that `registry
// routes` prints without a row here fails the test, and so does a row
// without a route. Then, for the records an organisation owns (purchase
// orders, deliveries, allocations, organisations, users), a user of
// another organisation with the same role gets 404, never the record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, api, login } from '../helpers.mjs';
import { PASSWORD, person, procurementCast, program, purchaseOrder } from '../fixtures.mjs';
import { seedAssets, site, tenant } from '../seed.mjs';

const ROLES = ['admin', 'officer', 'vendor', 'auditor', 'tenant', 'signed-out'];

// method, path template, then the expected class for
//   admin officer vendor auditor tenant signed-out
const TABLE = [
  ['GET', '/healthz', 'ok ok ok ok ok ok'],
  ['GET', '/readyz', 'ok ok ok ok ok ok'],
  ['GET', '/api/v1/openapi.yaml', 'ok ok ok ok ok ok'],
  ['GET', '/api/v1/keys', 'ok ok ok ok ok ok'],
  ['POST', '/api/v1/receipts/verify', 'ok ok ok ok ok ok'],
  ['POST', '/api/v1/auth/login', 'ok ok ok ok ok ok'],
  ['POST', '/api/v1/auth/logout', 'ok ok ok ok ok 401'],
  ['GET', '/api/v1/me', 'ok ok ok ok ok 401'],
  ['GET', '/api/v1/auth/second-factor', 'ok ok ok ok ok 401'],
  ['POST', '/api/v1/auth/second-factor/totp', 'ok ok ok ok ok 401'],
  ['POST', '/api/v1/auth/second-factor/totp/confirm', 'ok ok ok ok ok 401'],
  ['POST', '/api/v1/auth/second-factor/totp/disable', 'ok ok ok ok ok 401'],
  ['POST', '/api/v1/auth/second-factor/recovery-codes', 'ok ok ok ok ok 401'],
  ['GET', '/api/v1/settings/second-factor', 'ok 403 403 ok 403 401'],
  ['PUT', '/api/v1/settings/second-factor', 'ok 403 403 403 403 401'],
  ['GET', '/api/v1/organizations', 'ok ok 403 ok 403 401'],
  ['POST', '/api/v1/organizations', 'ok 403 403 403 403 401'],
  ['GET', '/api/v1/organizations/:id', 'ok ok ok ok ok 401'],
  ['PATCH', '/api/v1/organizations/:id', 'ok 403 403 403 403 401'],
  ['GET', '/api/v1/users', 'ok 403 403 ok 403 401'],
  ['POST', '/api/v1/users', 'ok 403 403 403 403 401'],
  ['GET', '/api/v1/users/:id', 'ok ok ok ok ok 401'],
  ['PATCH', '/api/v1/users/:id', 'ok 403 403 403 403 401'],
  ['POST', '/api/v1/users/:id/second-factor/reset', 'ok 403 403 403 403 401'],
  ['GET', '/api/v1/officers', 'ok ok 403 ok 403 401'],
  ['GET', '/api/v1/audit-events', 'ok 403 403 ok 403 401'],
  ['GET', '/api/v1/audit/events', 'ok 403 403 ok 403 401'],
  ['GET', '/api/v1/audit/checkpoints', 'ok ok ok ok ok 401'],
  ['GET', '/api/v1/audit/proof/inclusion', 'ok ok ok ok ok 401'],
  ['GET', '/api/v1/audit/proof/consistency', 'ok ok ok ok ok 401'],
  ['GET', '/api/v1/audit/verify', 'ok 403 403 ok 403 401'],

  ['GET', '/api/v1/programs', 'ok ok 403 ok 403 401'],
  ['POST', '/api/v1/programs', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/programs/:id', 'ok ok 403 ok 403 401'],
  ['PATCH', '/api/v1/programs/:id', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/programs/:id/progress', 'ok ok 403 ok 403 401'],
  ['GET', '/api/v1/gpu-models', 'ok ok ok ok ok 401'],
  ['POST', '/api/v1/gpu-models', 'ok 403 403 403 403 401'],
  ['GET', '/api/v1/gpu-models/:id', 'ok ok ok ok ok 401'],
  ['PATCH', '/api/v1/gpu-models/:id', 'ok 403 403 403 403 401'],
  ['GET', '/api/v1/purchase-orders', 'ok ok ok ok 403 401'],
  ['POST', '/api/v1/purchase-orders', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/purchase-orders/:id', 'ok ok ok ok 403 401'],
  ['PATCH', '/api/v1/purchase-orders/:id', 'ok ok 403 403 403 401'],
  ['POST', '/api/v1/purchase-orders/:id/submit', 'ok ok 403 403 403 401'],
  ['POST', '/api/v1/purchase-orders/:id/approve', 'ok ok 403 403 403 401'],
  ['POST', '/api/v1/purchase-orders/:id/order', 'ok ok 403 403 403 401'],
  ['POST', '/api/v1/purchase-orders/:id/cancel', 'ok ok 403 403 403 401'],
  ['POST', '/api/v1/purchase-orders/:id/close', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/purchase-orders/:id/payments', 'ok ok 403 ok 403 401'],
  ['POST', '/api/v1/purchase-orders/:id/payments', 'ok ok 403 403 403 401'],

  ['GET', '/api/v1/deliveries', 'ok ok ok ok 403 401'],
  ['POST', '/api/v1/deliveries', 'ok ok ok 403 403 401'],
  ['GET', '/api/v1/deliveries/:id', 'ok ok ok ok 403 401'],
  ['GET', '/api/v1/deliveries/:id/units', 'ok ok ok ok 403 401'],
  ['POST', '/api/v1/deliveries/:id/units', 'ok ok ok 403 403 401'],
  ['POST', '/api/v1/deliveries/:id/receive', 'ok ok 403 403 403 401'],
  ['POST', '/api/v1/deliveries/:id/inspection', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/assets', 'ok ok 403 ok 403 401'],
  ['GET', '/api/v1/assets/:id', 'ok ok 403 ok 403 401'],
  ['POST', '/api/v1/assets/:id/status', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/assets/:id/history', 'ok ok 403 ok 403 401'],

  ['GET', '/api/v1/sites', 'ok ok 403 ok 403 401'],
  ['POST', '/api/v1/sites', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/sites/:id', 'ok ok 403 ok ok 401'],
  ['PATCH', '/api/v1/sites/:id', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/sites/:id/racks', 'ok ok 403 ok 403 401'],
  ['POST', '/api/v1/sites/:id/racks', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/sites/:id/racks/:rack_id', 'ok ok 403 ok 403 401'],
  ['PATCH', '/api/v1/sites/:id/racks/:rack_id', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/sites/:id/utilization', 'ok ok 403 ok 403 401'],
  ['GET', '/api/v1/allocations', 'ok ok 403 ok ok 401'],
  ['POST', '/api/v1/allocations', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/allocations/:id', 'ok ok 403 ok ok 401'],
  ['POST', '/api/v1/allocations/:id/end', 'ok ok 403 403 403 401'],
  ['POST', '/api/v1/allocations/:id/move', 'ok ok 403 403 403 401'],
  ['POST', '/api/v1/allocations/:id/return', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/tenants/:id/allocations', 'ok ok 403 ok ok 401'],
  // the call
  ['GET', '/api/v1/calls', 'ok ok ok ok ok ok'],
  ['POST', '/api/v1/calls', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/calls/:id', 'ok ok ok ok ok ok'],
  ['PATCH', '/api/v1/calls/:id', 'ok ok 403 403 403 401'],
  ['POST', '/api/v1/calls/:id/publish', 'ok ok 403 403 403 401'],
  ['POST', '/api/v1/calls/:id/cancel', 'ok ok 403 403 403 401'],
  ['POST', '/api/v1/registrations', 'ok ok ok ok ok ok'],
  ['GET', '/api/v1/applicants', 'ok ok 403 ok 403 401'],
  ['POST', '/api/v1/applicants/:id/suspend', 'ok ok 403 403 403 401'],
  ['POST', '/api/v1/applicants/:id/reinstate', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/calls/:id/attendees', 'ok ok ok ok 403 401'],
  ['POST', '/api/v1/calls/:id/attendees', '403 403 ok 403 403 401'],
  ['GET', '/api/v1/calls/:id/letters', 'ok ok ok ok 403 401'],
  ['POST', '/api/v1/calls/:id/letters', '403 403 ok 403 403 401'],
  ['GET', '/api/v1/calls/:id/letters/:letter_id', 'ok ok ok ok 403 401'],
  ['PUT', '/api/v1/calls/:id/letters/:letter_id', '403 403 ok 403 403 401'],
  ['POST', '/api/v1/calls/:id/letters/:letter_id/withdraw', '403 403 ok 403 403 401'],
  ['GET', '/api/v1/calls/:id/letters/:letter_id/versions', 'ok ok ok ok 403 401'],
  ['GET', '/api/v1/calls/:id/letters/:letter_id/pdf', 'ok ok ok ok 403 401'],
  ['PUT', '/api/v1/calls/:id/letters/:letter_id/pdf', '403 403 ok 403 403 401'],
  ['GET', '/api/v1/calls/:id/guidelines', 'ok ok ok ok 403 401'],
  ['POST', '/api/v1/calls/:id/guidelines', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/calls/:id/guidelines/versions', 'ok ok ok ok 403 401'],
  ['GET', '/api/v1/calls/:id/guidelines/versions/:version', 'ok ok ok ok 403 401'],
  ['GET', '/api/v1/calls/:id/guidelines/downloads', 'ok ok 403 ok 403 401'],
  ['GET', '/api/v1/calls/:id/committee', 'ok ok 403 ok 403 401'],
  ['PUT', '/api/v1/calls/:id/committee', 'ok ok 403 403 403 401'],
  ['PUT', '/api/v1/calls/:id/committee/passphrase', '403 ok 403 403 403 401'],
  ['GET', '/api/v1/calls/:id/proposals', '403 403 ok 403 403 401'],
  ['POST', '/api/v1/calls/:id/proposals', '403 403 ok 403 403 401'],
  ['POST', '/api/v1/calls/:id/proposals/withdraw', '403 403 ok 403 403 401'],
  ['GET', '/api/v1/calls/:id/proposals/receipts', 'ok ok ok ok ok ok'],
  ['GET', '/api/v1/calls/:id/proposals/checkpoint', 'ok ok ok ok ok ok'],
  ['GET', '/api/v1/calls/:id/proposals/:submission_id/content', 'ok ok ok ok 403 401'],
  ['POST', '/api/v1/calls/:id/opening', '403 ok 403 403 403 401'],
  ['GET', '/api/v1/calls/:id/opening', 'ok ok 403 ok 403 401'],
  ['GET', '/api/v1/calls/:id/criteria', 'ok ok ok ok 403 401'],
  ['PUT', '/api/v1/calls/:id/criteria', 'ok ok 403 403 403 401'],
  ['GET', '/api/v1/calls/:id/evaluators', 'ok ok 403 ok 403 401'],
  ['PUT', '/api/v1/calls/:id/evaluators', 'ok ok 403 403 403 401'],
  ['PUT', '/api/v1/calls/:id/evaluators/declaration', '403 ok 403 403 403 401'],
  ['PUT', '/api/v1/calls/:id/proposals/:submission_id/scores', '403 ok 403 403 403 401'],
  ['GET', '/api/v1/calls/:id/evaluation', 'ok ok 403 ok 403 401'],
  ['POST', '/api/v1/calls/:id/award', '403 ok 403 403 403 401'],
  ['GET', '/api/v1/calls/:id/outcome', 'ok ok ok ok 403 401'],
  ['GET', '/api/v1/organization-keys', '403 403 ok 403 403 401'],
  ['POST', '/api/v1/organization-keys', '403 403 ok 403 403 401'],
  ['POST', '/api/v1/organization-keys/:id/revoke', '403 403 ok 403 403 401'],
  // exports
  ['GET', '/api/v1/exports/purchase-orders', 'ok ok 403 ok 403 401'],
  ['GET', '/api/v1/exports/deliveries', 'ok ok 403 ok 403 401'],
  ['GET', '/api/v1/exports/assets', 'ok ok 403 ok 403 401'],
  ['GET', '/api/v1/exports/allocations', 'ok ok 403 ok 403 401'],
  ['GET', '/api/v1/exports/site-utilization', 'ok ok 403 ok 403 401'],
  ['GET', '/api/v1/exports/program-progress', 'ok ok 403 ok 403 401'],
  ['GET', '/api/v1/exports/call', 'ok ok 403 ok 403 401'],
  ['GET', '/api/v1/exports/audit-trail', 'ok 403 403 ok 403 401'],
  ['GET', '/api/v1/exports/:id/manifest', 'ok ok 403 ok 403 401'],
  ['GET', '/api/v1/exports/ocds', 'ok ok ok ok ok ok'],
  ['GET', '/api/v1/public/progress', 'ok ok ok ok ok ok'],
];

// The route table as the binary prints it: one "METHOD /path" a line,
// parameters in OpenAPI form ("/users/{id}"), written back as ":id".
function routeList() {
  const r = spawnSync(process.env.REGISTRY_BIN, ['routes'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').map((l) => l.trim().match(/^([A-Z]+) (\/\S*)$/))
    .filter(Boolean).map((m) => `${m[1]} ${m[2].replace(/\{([a-z_]+)\}/g, ':$1')}`);
}

// A path with every parameter naming no record: the gate answers before
// any handler looks, and nothing is changed by the requests.
const MISSING = '999999';
const fill = (template) => template.replace(/:[a-z_]+/g, MISSING);

const classOf = (status) => {
  if (status === 401 || status === 403) return String(status);
  if ((status >= 200 && status < 300) || (status >= 400 && status < 500)) return 'ok';
  return `unexpected ${status}`;
};

let srv;
let cast;
const token = {};       // role -> bearer token (undefined when signed out)
const email = {};       // role -> email, to sign in again after logout
let vendorB;
let tenantA;
let tenantB;
let po;
let delivery;
let allocation;

before(async () => {
  srv = await startServer();
  cast = await procurementCast(srv.base);
  const auditor = await person(srv.base, cast.admin, { email: 'authz.auditor@bai.go.kr', kind: 'auditor', roles: ['auditor'], orgName: 'Board of Audit' });
  tenantA = await tenant(srv.base, cast.admin, 'KISTI');
  tenantB = await tenant(srv.base, cast.admin, 'Seoul National University', 'university');
  vendorB = await person(srv.base, cast.admin, { email: 'sales@other-vendor.example', kind: 'vendor', roles: ['vendor'], orgName: 'Other GPU Vendor' });
  Object.assign(token, { admin: cast.admin, officer: cast.officer.token, vendor: cast.vendor.token, auditor: auditor.token, tenant: tenantA.token });
  Object.assign(email, { officer: cast.officer.user.email, vendor: cast.vendor.user.email, auditor: auditor.user.email, tenant: tenantA.user.email });

  // Records of vendor A and tenant A.
  const prog = await program(srv.base, cast.officer.token);
  po = await purchaseOrder(srv.base, cast, {
    programId: prog.id,
    lines: [{ gpu_model_id: cast.model.H100.id, quantity: 4, unit_price: 45_000_000, warranty_months: 36 }],
  });
  const d = await api(srv.base, 'POST', '/api/v1/deliveries', {
    token: cast.vendor.token,
    body: { purchase_order_id: po.id, lines: [{ gpu_model_id: cast.model.H100.id, serials: ['AUTHZ-000001'] }] },
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  delivery = d.body;
  seedAssets(srv.db, { count: 2, model: 'H100' });
  const s = await site(srv.base, cast.officer.token, { slots: 10, kw: 100 });
  const a = await api(srv.base, 'POST', '/api/v1/allocations', {
    token: cast.officer.token,
    body: { tenant_id: tenantA.org.id, purpose: 'authorization test', starts_on: '2025-03-01', site_id: s.id, gpu_model_id: cast.model.H100.id, count: 1 },
  });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  allocation = a.body;
});
after(async () => { await srv.stop(); });

test('every route of the table has its row, and every row its route', () => {
  const routes = routeList();
  assert.ok(routes.length > 0, 'registry routes printed no route');
  const rows = TABLE.map(([m, p]) => `${m} ${p}`);
  assert.deepEqual(routes.filter((r) => !rows.includes(r)), [], 'routes without a row in TABLE');
  assert.deepEqual(rows.filter((r) => !routes.includes(r)), [], 'rows of TABLE without a route');
  assert.equal(new Set(rows).size, rows.length, 'a route has two rows');
  for (const [m, p, e] of TABLE) assert.equal(e.split(' ').length, ROLES.length, `${m} ${p}: one class per role`);
});

test('every route answers each role and the signed-out caller as the table says', async () => {
  const wrong = [];
  for (const [method, template, expected] of TABLE) {
    const want = expected.split(' ');
    const got = await Promise.all(ROLES.map(async (role) => {
      let t = token[role];
      // Logging out must not end the session the other rows use.
      if (template === '/api/v1/auth/logout' && t) t = await login(srv.base, ...(email[role] ? [email[role], PASSWORD] : []));
      const body = method === 'GET' ? undefined : {};
      const r = await api(srv.base, method, fill(template), { token: t, body });
      return classOf(r.status);
    }));
    ROLES.forEach((role, i) => {
      if (got[i] !== want[i]) wrong.push(`${method} ${template} as ${role}: ${got[i]}, expected ${want[i]}`);
    });
  }
  assert.deepEqual(wrong, []);
});

// The owner reads its record; the same role in another organisation gets
// a 404 (403 where that is the rule), never the record.
async function ownedBy(owner, other, url) {
  const mine = await api(srv.base, 'GET', url, { token: owner });
  assert.equal(mine.status, 200, `${url} for its owner: ${JSON.stringify(mine.body)}`);
  const theirs = await api(srv.base, 'GET', url, { token: other });
  assert.ok([404, 403].includes(theirs.status), `${url} for another organisation: ${theirs.status} ${JSON.stringify(theirs.body)}`);
  assert.ok(!JSON.stringify(theirs.body).includes(JSON.stringify(mine.body)), `${url}: the record leaked`);
}

const ids = (r) => r.body.items.map((x) => x.id);

test('a vendor of another organisation sees none of vendor A\'s orders, deliveries, organisation or users', async () => {
  await ownedBy(cast.vendor.token, vendorB.token, `/api/v1/purchase-orders/${po.id}`);
  await ownedBy(cast.vendor.token, vendorB.token, `/api/v1/deliveries/${delivery.id}`);
  await ownedBy(cast.vendor.token, vendorB.token, `/api/v1/deliveries/${delivery.id}/units`);
  await ownedBy(cast.vendor.token, vendorB.token, `/api/v1/organizations/${cast.vendor.org.id}`);
  await ownedBy(cast.vendor.token, vendorB.token, `/api/v1/users/${cast.vendor.user.id}`);

  const pos = await api(srv.base, 'GET', '/api/v1/purchase-orders', { token: vendorB.token });
  assert.equal(pos.status, 200);
  assert.ok(!ids(pos).includes(po.id), 'vendor B lists vendor A\'s order');
  const ds = await api(srv.base, 'GET', '/api/v1/deliveries', { token: vendorB.token });
  assert.equal(ds.status, 200);
  assert.ok(!ids(ds).includes(delivery.id), 'vendor B lists vendor A\'s delivery');

  // Nor can it write against them.
  const d = await api(srv.base, 'POST', '/api/v1/deliveries', {
    token: vendorB.token,
    body: { purchase_order_id: po.id, lines: [{ gpu_model_id: cast.model.H100.id, serials: ['AUTHZ-000002'] }] },
  });
  assert.ok([404, 403].includes(d.status), `a delivery against another vendor's order: ${d.status}`);
  const u = await api(srv.base, 'POST', `/api/v1/deliveries/${delivery.id}/units?dry_run=true`, {
    token: vendorB.token, headers: { 'content-type': 'text/csv' }, raw: 'serial,model\nAUTHZ-000003,H100\n',
  });
  assert.ok([404, 403].includes(u.status), `serials into another vendor's delivery: ${u.status}`);
});

test('a tenant of another organisation sees none of tenant A\'s allocations, organisation or users', async () => {
  await ownedBy(tenantA.token, tenantB.token, `/api/v1/allocations/${allocation.id}`);
  await ownedBy(tenantA.token, tenantB.token, `/api/v1/tenants/${tenantA.org.id}/allocations`);
  await ownedBy(tenantA.token, tenantB.token, `/api/v1/organizations/${tenantA.org.id}`);
  await ownedBy(tenantA.token, tenantB.token, `/api/v1/users/${tenantA.user.id}`);
  const list = await api(srv.base, 'GET', '/api/v1/allocations', { token: tenantB.token });
  assert.equal(list.status, 200);
  assert.ok(!ids(list).includes(allocation.id), 'tenant B lists tenant A\'s allocation');
});
