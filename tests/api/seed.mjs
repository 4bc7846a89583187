// Records the site and allocation tests need but do not test: accepted
// assets (written straight into the database, inside an audit context,
// while the delivery endpoints are built elsewhere), tenants, sites.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { api, sql, sqlAsync } from './helpers.mjs';
import { person } from './fixtures.mjs';

// Makes `count` accepted, in-stock assets of a catalogue model (by its
// model name: H100, A100 ...) with the programme, order, delivery and
// units they come from, in one transaction. Returns their ids, ascending.
export function seedAssets(db, { count, model = 'H100' }) {
  return seeded(sql(db, seedAssetsSql(count, model)), count, model);
}

// seedAssets() without blocking the event loop, for tens of thousands.
export async function seedAssetsAsync(db, { count, model = 'H100' }) {
  return seeded(await sqlAsync(db, seedAssetsSql(count, model)), count, model);
}

function seedAssetsSql(count, model) {
  const tag = randomBytes(4).toString('hex').toUpperCase();
  return `
    BEGIN;
    SELECT set_config('registry.channel', 'system', true) IS NULL;
    WITH prog AS (
        INSERT INTO programs (name, budget_krw, starts_on, ends_on)
        VALUES ('seed ${tag}', 1000000000, '2025-01-01', '2027-12-31') RETURNING id),
      vendor AS (INSERT INTO organizations (name, kind) VALUES ('seed vendor ${tag}', 'vendor')
        RETURNING id),
      m AS (SELECT id FROM gpu_models WHERE model = '${model}'),
      po AS (INSERT INTO purchase_orders (reference, program_id, vendor_id, created_by)
        SELECT 'PO-9999-' || lpad((x'${tag}'::bigint % 1000000)::text, 6, '0'), prog.id, vendor.id, 1
          FROM prog, vendor RETURNING id),
      line AS (INSERT INTO purchase_order_lines (purchase_order_id, gpu_model_id, quantity, unit_price)
        SELECT po.id, m.id, ${count}, 1000 FROM po, m RETURNING id, gpu_model_id),
      d AS (INSERT INTO deliveries (purchase_order_id, status, created_by)
        SELECT id, 'inspected', 1 FROM po RETURNING id),
      u AS (INSERT INTO delivery_units (delivery_id, purchase_order_line_id, serial, result)
        SELECT d.id, line.id, '${model}-${tag}-' || lpad(g::text, 6, '0'), 'passed'
          FROM d, line, generate_series(1, ${count}) g RETURNING id, serial)
    INSERT INTO assets (serial, gpu_model_id, program_id, vendor_id, purchase_order_id,
                        purchase_order_line_id, delivery_id, delivery_unit_id)
    SELECT u.serial, line.gpu_model_id, prog.id, vendor.id, po.id, line.id, d.id, u.id
      FROM u, line, prog, vendor, po, d ORDER BY u.serial RETURNING id;
    COMMIT;`;
}

function seeded(rows, count, model) {
  const ids = rows.filter((l) => /^\d+$/.test(l)).map(Number).sort((a, b) => a - b);
  assert.equal(ids.length, count, `seeding ${count} ${model}: ${rows.join(' ')}`);
  return ids;
}

// Changes assets' status as the field staff would (allocated -> installed
// -> in_service), inside an audit context.
export function setAssetStatus(db, ids, status) {
  sql(db, `BEGIN; SELECT set_config('registry.channel', 'system', true) IS NULL;
    UPDATE assets SET status = '${status}' WHERE id IN (${ids.join(',')}); COMMIT;`);
}

// The status, site, rack and tenant of each asset, by id.
export function assetRows(db, ids) {
  return Object.fromEntries(sql(db, `SELECT id, status, coalesce(site_id, 0), coalesce(rack_id, 0),
      coalesce(tenant_id, 0) FROM assets WHERE id IN (${ids.join(',')}) ORDER BY id`)
    .map((l) => l.split('|'))
    .map(([id, status, site, rack, tenant]) => [Number(id), {
      status, site_id: Number(site) || null, rack_id: Number(rack) || null, tenant_id: Number(tenant) || null,
    }]));
}

// A tenant organisation of `kind` with one tenant user.
export function tenant(base, admin, name, kind = 'institute') {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@tenant.example`;
  return person(base, admin, { email, kind, roles: ['tenant'], orgName: name });
}

let siteNo = 0;

// A site (operated by the ministry's organisation, id 1) with the given
// capacity; racks as [{name, slot_capacity, power_capacity_kw}].
export async function site(base, token, { slots, kw, racks = [], name } = {}) {
  siteNo += 1;
  const s = await api(base, 'POST', '/api/v1/sites', {
    token,
    body: {
      name: name ?? `Site ${siteNo} ${randomBytes(3).toString('hex')}`,
      operator_id: 1,
      address: '대전광역시 유성구 대학로 245',
      region: 'Daejeon',
      power_capacity_kw: kw,
      cooling_type: 'liquid',
      gpu_slot_capacity: slots,
    },
  });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  const made = [];
  for (const rack of racks) {
    const r = await api(base, 'POST', `/api/v1/sites/${s.body.id}/racks`, { token, body: rack });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    made.push(r.body);
  }
  return { ...s.body, racks: made };
}
