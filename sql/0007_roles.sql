-- The serving role: the server migrates as an owner and serves as a role
-- that owns nothing and holds exactly the privileges below (see
-- docs/ARCHITECTURE.md, "Database roles"). `registry migrate` calls
-- registry_grant_serving() after every run, so the grants always match
-- the schema.

-- What the serving role may do to each table or view, by name. A table
-- not listed here is granted nothing: a migration that adds a table adds
-- its row, and tests/api/core/privileges.test.mjs lists the expectation.
CREATE TABLE serving_privileges (
    table_name text PRIMARY KEY,
    privileges text NOT NULL
        CHECK (privileges ~ '^(SELECT|INSERT|UPDATE|DELETE)(, (SELECT|INSERT|UPDATE|DELETE))*$')
);
-- UPDATE is also what SELECT ... FOR UPDATE / FOR SHARE needs.
INSERT INTO serving_privileges (table_name, privileges) VALUES
    ('schema_migrations',     'SELECT'),
    ('audit_events',          'SELECT'),
    ('organizations',         'SELECT, INSERT, UPDATE'),
    ('users',                 'SELECT, INSERT, UPDATE'),
    ('sessions',              'SELECT, INSERT, UPDATE'),
    ('login_failures',        'SELECT, INSERT, DELETE'),
    ('idempotency_keys',      'SELECT, INSERT, UPDATE, DELETE'),
    ('programs',              'SELECT, INSERT, UPDATE'),
    ('program_milestones',    'SELECT, INSERT, DELETE'),
    ('gpu_models',            'SELECT, INSERT, UPDATE'),
    ('purchase_orders',       'SELECT, INSERT, UPDATE'),
    ('purchase_order_lines',  'SELECT, INSERT, UPDATE, DELETE'),
    ('payments',              'SELECT, INSERT'),
    ('deliveries',            'SELECT, INSERT, UPDATE'),
    ('delivery_units',        'SELECT, INSERT, UPDATE'),
    ('asset_transitions',     'SELECT'),
    ('assets',                'SELECT, INSERT, UPDATE'),
    ('sites',                 'SELECT, INSERT, UPDATE'),
    ('racks',                 'SELECT, INSERT, UPDATE'),
    ('allocations',           'SELECT, INSERT, UPDATE'),
    ('allocation_assets',     'SELECT, INSERT, UPDATE'),
    ('asset_placements',      'SELECT');

-- The audit trigger writes as the owner of audit_events, so the serving
-- role needs no INSERT there: it cannot add an event no change made, nor
-- choose an event's id (OVERRIDING SYSTEM VALUE) or its time. The search
-- path is pinned, pg_temp last: a temporary table named audit_events
-- must never catch the events.
ALTER FUNCTION audit_row() SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;

-- Why a role may not serve, or NULL when it may: it must not be a
-- superuser nor able to make roles, databases, replicate or bypass row
-- security; it must be a member of no role (it would inherit its rights)
-- and own nothing in this database.
CREATE FUNCTION registry_serving_role_problem(role name) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT CASE
        WHEN r.oid IS NULL THEN format('role %s does not exist', role)
        WHEN r.rolsuper THEN format('role %s is a superuser', role)
        WHEN r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls
            THEN format('role %s may create roles or databases, replicate or bypass '
                        'row security', role)
        WHEN EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid)
            THEN format('role %s is a member of another role', role)
        WHEN EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid)
          OR EXISTS (SELECT 1 FROM pg_proc p WHERE p.proowner = r.oid)
          OR EXISTS (SELECT 1 FROM pg_type t WHERE t.typowner = r.oid)
          OR EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspowner = r.oid)
          OR EXISTS (SELECT 1 FROM pg_database d WHERE d.datdba = r.oid
                     AND d.datname = current_database())
            THEN format('role %s owns objects in this database', role)
    END
    FROM (SELECT role) AS want LEFT JOIN pg_roles r ON r.rolname = want.role;
$$;

-- Gives role exactly the privileges of serving_privileges, taking back
-- whatever it held before: run after every migration, deterministic.
CREATE FUNCTION registry_grant_serving(role name) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    problem text := registry_serving_role_problem(role);
    t record;
BEGIN
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'refusing to serve as %: %', role, problem
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', role);
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', role);
    EXECUTE format('REVOKE ALL ON SCHEMA public FROM %I', role);
    -- Nobody but the owner creates objects: neither in the schema (PUBLIC
    -- could on clusters made before PostgreSQL 15) nor temporary ones.
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC, %I',
                   current_database(), role);
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), role);
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', role);
    FOR t IN SELECT p.table_name, p.privileges FROM serving_privileges p
             JOIN pg_class c ON c.relname = p.table_name
             AND c.relnamespace = 'public'::regnamespace
             ORDER BY p.table_name LOOP
        EXECUTE format('GRANT %s ON TABLE public.%I TO %I', t.privileges, t.table_name, role);
    END LOOP;
    -- Sequences the code calls nextval() on; identity columns need none.
    FOR t IN SELECT c.relname FROM pg_class c
             WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                             AND d.objid = c.oid AND d.deptype = 'i')
             ORDER BY c.relname LOOP
        EXECUTE format('GRANT USAGE ON SEQUENCE public.%I TO %I', t.relname, role);
    END LOOP;
END $$;
REVOKE ALL ON FUNCTION registry_grant_serving(name) FROM PUBLIC;
