-- The second factor: TOTP (RFC 6238) and recovery codes, and the roles an
-- administrator requires it of (server/accounts/api_second_factor.c).
--
-- A TOTP secret is kept sealed: XChaCha20-Poly1305 under the server's key
-- (REGISTRY_TOTP_KEY_FILE), bound to its user's id, as nonce || box. A
-- stolen database without the key file reveals no secret, and a box
-- copied to another user does not open. Recovery codes are 80 random bits
-- each; only their BLAKE2b hash is kept.

-- One row per user who started enrolment; active once confirmed.
CREATE TABLE user_totp (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    secret_box   bytea NOT NULL CHECK (length(secret_box) = 24 + 20 + 16),
    confirmed_at timestamptz,
    -- The last time step (Unix seconds / 30) whose code was accepted: a
    -- code of that step or an earlier one is refused, so none is used twice.
    last_step    bigint,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE recovery_codes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL CHECK (length(code_hash) = 32),
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, code_hash)
);

-- The roles whose users must have a second factor: a user holding one of
-- them without an active TOTP gets a session that can only enrol.
-- Only ministry roles can be required.
CREATE TABLE second_factor_roles (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role   user_role NOT NULL UNIQUE CHECK (role IN ('admin', 'officer', 'auditor')),
    set_at timestamptz NOT NULL DEFAULT now()
);

-- Every change is in the trail; the secret and the hashes are not.
CREATE TRIGGER user_totp_audit AFTER INSERT OR UPDATE OR DELETE ON user_totp
    FOR EACH ROW EXECUTE FUNCTION audit_row('secret_box');
CREATE TRIGGER recovery_codes_audit AFTER INSERT OR UPDATE OR DELETE ON recovery_codes
    FOR EACH ROW EXECUTE FUNCTION audit_row('code_hash');
CREATE TRIGGER second_factor_roles_audit AFTER INSERT OR UPDATE OR DELETE
    ON second_factor_roles FOR EACH ROW EXECUTE FUNCTION audit_row();

-- What the serving role may do to each new table (sql/0007_roles.sql).
INSERT INTO serving_privileges (table_name, privileges) VALUES
    ('user_totp',           'SELECT, INSERT, UPDATE, DELETE'),
    ('recovery_codes',      'SELECT, INSERT, UPDATE, DELETE'),
    ('second_factor_roles', 'SELECT, INSERT, DELETE');
