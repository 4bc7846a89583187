-- Foundation: organisations, users, sessions, the audit trail.
-- Applied by `registry migrate` inside one transaction.

CREATE TYPE org_kind AS ENUM
    ('ministry', 'vendor', 'institute', 'university', 'company', 'auditor');
CREATE TYPE user_role AS ENUM
    ('admin', 'officer', 'vendor', 'auditor', 'tenant');
CREATE TYPE audit_channel AS ENUM ('browser', 'api', 'cli', 'system');

CREATE TABLE organizations (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200
                                             AND name = btrim(name)),
    kind                org_kind NOT NULL,
    registration_number text CHECK (char_length(registration_number) <= 40),
    country             char(2) NOT NULL DEFAULT 'KR' CHECK (country ~ '^[A-Z]{2}$'),
    active              boolean NOT NULL DEFAULT true,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
-- Two organisations may not share a name, whatever the case.
CREATE UNIQUE INDEX organizations_name_key ON organizations (lower(name));

CREATE TABLE users (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email           text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254
                                         AND email ~ '^[^@\s]+@[^@\s]+$'),
    name            text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    organization_id bigint NOT NULL REFERENCES organizations (id),
    roles           user_role[] NOT NULL CHECK (cardinality(roles) BETWEEN 1 AND 5),
    password_hash   text NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_organization_idx ON users (organization_id, id);

-- Only the SHA-256 of a session token is stored: a copy of this table
-- does not let anyone sign in.
CREATE TABLE sessions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id     bigint NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

-- Failed sign-ins, for throttling. Operational data, not business records:
-- it is pruned and carries no audit events.
CREATE TABLE login_failures (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text NOT NULL,
    client_addr inet,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (lower(email), at);
CREATE INDEX login_failures_addr_idx ON login_failures (client_addr, at);

-- The audit trail. One row per changed row, written by the trigger below
-- in the same transaction as the change. Append-only.
CREATE TABLE audit_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_user_id bigint,
    actor_org_id  bigint,
    actor_roles   text[] NOT NULL DEFAULT '{}',
    channel       audit_channel NOT NULL,
    request_id    text,
    client_addr   inet,
    table_name    text NOT NULL,
    record_id     text NOT NULL,
    action        text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    before        jsonb,
    after         jsonb
);
CREATE INDEX audit_events_record_idx ON audit_events (table_name, record_id, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id, id);

CREATE FUNCTION audit_events_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse();

-- Every audited change reads who did it from transaction-local settings
-- (set by the server at BEGIN, by `registry` on the command line). A
-- change without that context is refused, so no code path can write
-- without leaving its event.
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    channel text := nullif(current_setting('registry.channel', true), '');
    before  jsonb;
    after   jsonb;
    rec_id  text;
BEGIN
    IF channel IS NULL THEN
        RAISE EXCEPTION 'change to % without an audit context', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP <> 'INSERT' THEN
        before := to_jsonb(OLD) - coalesce(TG_ARGV, '{}');
    END IF;
    IF TG_OP <> 'DELETE' THEN
        after := to_jsonb(NEW) - coalesce(TG_ARGV, '{}');
    END IF;
    IF TG_OP = 'UPDATE' AND before = after THEN
        RETURN NULL;
    END IF;
    rec_id := coalesce(after, before) ->> 'id';
    INSERT INTO audit_events (actor_user_id, actor_org_id, actor_roles, channel,
                              request_id, client_addr, table_name, record_id,
                              action, before, after)
    VALUES (nullif(current_setting('registry.actor_user_id', true), '')::bigint,
            nullif(current_setting('registry.actor_org_id', true), '')::bigint,
            coalesce(nullif(current_setting('registry.actor_roles', true), '')::text[], '{}'),
            channel::audit_channel,
            nullif(current_setting('registry.request_id', true), ''),
            nullif(current_setting('registry.client_addr', true), '')::inet,
            TG_TABLE_NAME, rec_id, lower(TG_OP), before, after);
    RETURN NULL;
END $$;

CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE TRIGGER organizations_touch BEFORE UPDATE ON organizations
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER users_touch BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Trigger arguments name the columns kept out of the trail.
CREATE TRIGGER organizations_audit AFTER INSERT OR UPDATE OR DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION audit_row('password_hash');
CREATE TRIGGER sessions_audit AFTER INSERT OR UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION audit_row('token_hash');

-- A role must fit the kind of the user's organisation, so that a vendor's
-- employee can never be made an officer by mistake.
CREATE FUNCTION users_roles_fit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k org_kind;
BEGIN
    SELECT kind INTO k FROM organizations WHERE id = NEW.organization_id;
    IF k IS NULL THEN
        RETURN NEW;              -- the foreign key reports it
    END IF;
    IF ('admin' = ANY (NEW.roles) OR 'officer' = ANY (NEW.roles)) AND k <> 'ministry'
       OR 'auditor' = ANY (NEW.roles) AND k NOT IN ('auditor', 'ministry')
       OR 'vendor' = ANY (NEW.roles) AND k NOT IN ('vendor', 'company')
       OR 'tenant' = ANY (NEW.roles) AND k NOT IN ('institute', 'university', 'company')
    THEN
        RAISE EXCEPTION 'roles % do not fit an organization of kind %', NEW.roles, k
            USING ERRCODE = 'check_violation', CONSTRAINT = 'users_roles_fit_organization';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER users_roles_fit BEFORE INSERT OR UPDATE OF roles, organization_id ON users
    FOR EACH ROW EXECUTE FUNCTION users_roles_fit();
