-- bench-data.sql -- a registry of a chosen size for `make bench`, made
-- with one seed so every run measures the same rows.
--   psql -v assets=1000000 -v orders=2000 -v sites=200 -v orgs=500 -v seed=0.42 -f ...
-- Run as the database's owner after the migrations. Bench data only: the
-- audit trigger is switched off for the load (session_replication_role),
-- which the serving role can never do; the tests never use this file.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
SET synchronous_commit = off;
SELECT setseed(:seed);

BEGIN;
-- Organisations: a tenth vendors, the rest institutes and companies.
INSERT INTO organizations (name, kind, registration_number)
SELECT format('bench org %s', i),
       CASE WHEN i % 10 = 0 THEN 'vendor' WHEN i % 3 = 0 THEN 'company' ELSE 'institute' END::org_kind,
       lpad(i::text, 10, '0')
  FROM generate_series(1, :orgs) i;

INSERT INTO users (email, name, organization_id, roles, password_hash)
SELECT 'bench-officer@localhost', 'bench officer', min(id), '{officer}',
       (SELECT password_hash FROM users WHERE lower(email) = 'admin@localhost')
  FROM organizations WHERE kind = 'ministry';

INSERT INTO programs (name, budget_krw, starts_on, ends_on)
VALUES ('bench programme', 9000000000000000, '2026-01-01', '2030-12-31');

INSERT INTO sites (name, operator_id, address, region, power_capacity_kw, cooling_type,
                   gpu_slot_capacity)
SELECT format('bench site %s', i),
       (SELECT id FROM organizations WHERE kind = 'institute' ORDER BY id LIMIT 1),
       format('%s Daehak-ro', i), (ARRAY['Seoul', 'Daejeon', 'Gwangju', 'Busan'])[1 + i % 4],
       50000, 'liquid', 1000000
  FROM generate_series(1, :sites) i;

-- Orders: each has one line of one model, sized so the lines add up to
-- the assets asked for.
CREATE TEMP TABLE bench_vendor AS
SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM organizations WHERE kind = 'vendor';

INSERT INTO purchase_orders (reference, program_id, vendor_id, status, created_by,
                             submitted_at, approved_by, approved_at, ordered_at)
SELECT format('BENCH-%s', i), (SELECT max(id) FROM programs),
       (SELECT id FROM bench_vendor WHERE n = i % (SELECT count(*) FROM bench_vendor)),
       'delivered',
       (SELECT min(id) FROM users),
       now(), (SELECT max(id) FROM users), now(), now()
  FROM generate_series(1, :orders) i;

INSERT INTO purchase_order_lines (purchase_order_id, gpu_model_id, quantity, unit_price)
SELECT p.id, (SELECT min(id) FROM gpu_models) + p.id % 5,
       ceil(:assets::numeric / :orders)::int, 45000000
  FROM purchase_orders p WHERE p.reference LIKE 'BENCH-%';

INSERT INTO deliveries (purchase_order_id, status, created_by, received_at, received_by,
                        inspected_at, inspected_by)
SELECT p.id, 'inspected', p.created_by, now(), p.created_by, now(), p.created_by
  FROM purchase_orders p WHERE p.reference LIKE 'BENCH-%';
COMMIT;

-- The units and the assets, numbered 1..assets and spread over the orders.
BEGIN;
CREATE TEMP TABLE bench_po AS
SELECT row_number() OVER (ORDER BY p.id) - 1 AS n, p.id AS po, l.id AS line, d.id AS delivery,
       l.gpu_model_id AS model, p.vendor_id AS vendor, p.program_id AS program
  FROM purchase_orders p JOIN purchase_order_lines l ON l.purchase_order_id = p.id
  JOIN deliveries d ON d.purchase_order_id = p.id
 WHERE p.reference LIKE 'BENCH-%';

INSERT INTO delivery_units (delivery_id, purchase_order_line_id, serial, result, inspected_by,
                            inspected_at)
SELECT b.delivery, b.line, format('BSN%s', lpad(i::text, 9, '0')), 'passed',
       (SELECT min(id) FROM users), now()
  FROM generate_series(1, :assets) i JOIN bench_po b ON b.n = i % :orders;
ANALYZE bench_po;

CREATE TEMP TABLE bench_site AS
SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM sites;
CREATE TEMP TABLE bench_tenant AS
SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM organizations
 WHERE kind IN ('institute', 'company');

INSERT INTO assets (serial, gpu_model_id, program_id, vendor_id, purchase_order_id,
                    purchase_order_line_id, delivery_id, delivery_unit_id, status,
                    warranty_ends_on, site_id, tenant_id)
SELECT u.serial, b.model, b.program, b.vendor, b.po, b.line, b.delivery, u.id,
       CASE WHEN u.id % 10 < 3 THEN 'in_stock' WHEN u.id % 10 < 5 THEN 'allocated'
            ELSE 'in_service' END::asset_status,
       date '2029-06-30',
       CASE WHEN u.id % 10 >= 3 THEN s.id END,
       CASE WHEN u.id % 10 >= 3 THEN t.id END
  FROM delivery_units u
  JOIN bench_po b ON b.line = u.purchase_order_line_id
  JOIN bench_site s ON s.n = u.id % (SELECT count(*) FROM bench_site)
  JOIN bench_tenant t ON t.n = u.id % (SELECT count(*) FROM bench_tenant);
COMMIT;

-- Orders still open, 64 of them, of every model, for the deliveries
-- measured: deliveries to one order wait for each other (its lines are
-- locked so that together they never pass a quantity), to many they do not.
BEGIN;
INSERT INTO purchase_orders (reference, program_id, vendor_id, status, created_by,
                             submitted_at, approved_by, approved_at, ordered_at)
SELECT format('BENCH-OPEN-%s', i), (SELECT max(id) FROM programs),
       (SELECT id FROM bench_vendor WHERE n = i % (SELECT count(*) FROM bench_vendor)),
       'ordered', (SELECT min(id) FROM users), now(), (SELECT max(id) FROM users), now(), now()
  FROM generate_series(1, 64) i;
INSERT INTO purchase_order_lines (purchase_order_id, gpu_model_id, quantity, unit_price)
SELECT p.id, g.id, 1000000, 45000000
  FROM purchase_orders p CROSS JOIN gpu_models g WHERE p.reference LIKE 'BENCH-OPEN-%';
COMMIT;

-- Vacuumed, analysed and checkpointed before anything is measured: left
-- to autovacuum, the freshly loaded tables would be vacuumed (and their
-- hint bits written) during the first measurements, which then measure
-- that too.
VACUUM (FREEZE, ANALYZE);
CHECKPOINT;
SELECT count(*) AS assets FROM assets;
