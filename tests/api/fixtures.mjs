// People and records most procurement tests need, made through the API.
import assert from 'node:assert/strict';
import { api, login } from './helpers.mjs';

export const PASSWORD = 'correct horse battery';

// Creates an organisation (or finds it by name) and a user in it; returns
// {user, org, token}.
export async function person(base, admin, { email, kind, roles, orgName }) {
  const name = orgName ?? `${kind} of ${email}`;
  let org = await api(base, 'POST', '/api/v1/organizations', { token: admin, body: { name, kind } });
  if (org.status === 409) {
    const all = await api(base, 'GET', `/api/v1/organizations?q=${encodeURIComponent(name)}`, { token: admin });
    org = { status: 200, body: all.body.items.find((o) => o.name === name) };
  }
  assert.ok(org.status === 201 || org.status === 200, JSON.stringify(org.body));
  const u = await api(base, 'POST', '/api/v1/users', {
    token: admin,
    body: { email, password: PASSWORD, name: email, organization_id: org.body.id, roles },
  });
  assert.equal(u.status, 201, JSON.stringify(u.body));
  return { user: u.body, org: org.body, token: await login(base, email, PASSWORD) };
}

// The ministry people of a procurement test: two officers (four eyes),
// a vendor with a user, and the catalogue's models by name.
export async function procurementCast(base) {
  const admin = await login(base);
  const officer = await person(base, admin, { email: 'buyer@msit.go.kr', kind: 'ministry', roles: ['officer'], orgName: 'MSIT procurement' });
  const approver = await person(base, admin, { email: 'approver@msit.go.kr', kind: 'ministry', roles: ['officer'], orgName: 'MSIT procurement' });
  const vendor = await person(base, admin, { email: 'sales@gpu-vendor.example', kind: 'vendor', roles: ['vendor'], orgName: 'GPU Vendor Korea' });
  const models = await api(base, 'GET', '/api/v1/gpu-models', { token: officer.token });
  const model = Object.fromEntries(models.body.items.map((m) => [m.model, m]));
  return { admin, officer, approver, vendor, model };
}

export async function program(base, token, body = {}) {
  const r = await api(base, 'POST', '/api/v1/programs', {
    token,
    body: {
      name: `National AI compute ${Math.random().toString(36).slice(2, 8)}`,
      budget_krw: 1_000_000_000_000,
      starts_on: '2025-01-01',
      ends_on: '2027-12-31',
      milestones: [
        { due_on: '2025-12-31', gpu_target: 15000, label: 'first year' },
        { due_on: '2027-01-31', gpu_target: 30000, label: 'full programme' },
      ],
      ...body,
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

// A purchase order taken to `status` (draft, submitted, approved, ordered).
export async function purchaseOrder(base, cast, { programId, lines, currency = 'KRW', status = 'ordered', rate }) {
  const c = await api(base, 'POST', '/api/v1/purchase-orders', {
    token: cast.officer.token,
    body: { program_id: programId, vendor_id: cast.vendor.org.id, currency, lines },
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const steps = ['submitted', 'approved', 'ordered'];
  const upto = steps.indexOf(status);
  let po = c.body;
  for (let i = 0; i <= upto; i++) {
    const action = ['submit', 'approve', 'order'][i];
    const who = action === 'approve' ? cast.approver.token : cast.officer.token;
    const body = action === 'approve' && currency === 'USD' ? { exchange_rate: rate ?? '1385.20' } : undefined;
    const r = await api(base, 'POST', `/api/v1/purchase-orders/${po.id}/${action}`, { token: who, body });
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
    po = r.body;
  }
  return po;
}
