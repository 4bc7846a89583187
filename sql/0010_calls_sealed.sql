-- The call, part 2 (module calls): the opening committee and the call's
-- opening key split among its members, sealed proposals with their signed
-- receipts, the set frozen at the deadline, and the opening.
-- docs/sealed-bids.md says what each key protects and who holds what.
--
-- Nothing here can open a proposal: the opening key's secret half exists
-- only as shares sealed to keys that each member derives from a
-- passphrase the server never stores; the blobs are files of the
-- proposal store (REGISTRY_PROPOSAL_DIR), named by submission id.

-- How many members of the committee must give their passphrase to open.
ALTER TABLE calls ADD COLUMN opening_threshold smallint
    CHECK (opening_threshold BETWEEN 2 AND 20);

-- The opening committee: officers named on a draft. Each member sets a
-- passphrase; only the salt, the argon2id limits and the X25519 public
-- key derived from it are kept (the wrapping key of the member's share).
CREATE TABLE call_committee (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id            bigint NOT NULL REFERENCES calls (id),
    user_id            bigint NOT NULL REFERENCES users (id),
    share_no           smallint NOT NULL CHECK (share_no BETWEEN 1 AND 255),
    pwhash_salt        bytea CHECK (length(pwhash_salt) = 16),
    pwhash_ops         bigint CHECK (pwhash_ops > 0),
    pwhash_mem         bigint CHECK (pwhash_mem > 0),
    wrap_public_key    bytea CHECK (length(wrap_public_key) = 32),
    passphrase_set_at  timestamptz(0),
    CONSTRAINT call_committee_member_key UNIQUE (call_id, user_id),
    CONSTRAINT call_committee_share_key UNIQUE (call_id, share_no),
    CONSTRAINT call_committee_passphrase_check CHECK (
        (pwhash_salt IS NULL) = (wrap_public_key IS NULL)
        AND (pwhash_salt IS NULL) = (passphrase_set_at IS NULL)
        AND (pwhash_salt IS NULL) = (pwhash_ops IS NULL)
        AND (pwhash_salt IS NULL) = (pwhash_mem IS NULL))
);
CREATE TRIGGER call_committee_audit AFTER INSERT OR UPDATE OR DELETE ON call_committee
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- The call's opening key, made at publication: its public half, which
-- companies seal to, and the threshold it was split with.
CREATE TABLE call_opening_keys (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id     bigint NOT NULL UNIQUE REFERENCES calls (id),
    public_key  bytea NOT NULL UNIQUE CHECK (length(public_key) = 32),
    threshold   smallint NOT NULL CHECK (threshold BETWEEN 2 AND 20),
    members     smallint NOT NULL CHECK (members BETWEEN threshold AND 20),
    created_at  timestamptz(0) NOT NULL
);
CREATE TRIGGER call_opening_keys_audit AFTER INSERT OR UPDATE OR DELETE ON call_opening_keys
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- Each member's Shamir share of the opening key's secret, sealed
-- (crypto_box_seal) to the member's wrapping key: 32 bytes + 48.
CREATE TABLE call_key_shares (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id       bigint NOT NULL REFERENCES call_opening_keys (call_id),
    user_id       bigint NOT NULL REFERENCES users (id),
    share_no      smallint NOT NULL CHECK (share_no BETWEEN 1 AND 255),
    sealed_share  bytea NOT NULL CHECK (length(sealed_share) = 80),
    CONSTRAINT call_key_shares_member_key UNIQUE (call_id, user_id),
    CONSTRAINT call_key_shares_no_key UNIQUE (call_id, share_no)
);
CREATE TRIGGER call_key_shares_audit AFTER INSERT OR UPDATE OR DELETE ON call_key_shares
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- Every submission and withdrawal, each a version kept for ever. A
-- submission's blob is the file <id>.sealed of the proposal store.
CREATE TABLE proposal_submissions (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id          bigint NOT NULL REFERENCES calls (id),
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    version          int NOT NULL CHECK (version > 0),
    action           text NOT NULL CHECK (action IN ('submitted', 'withdrawn')),
    sha256           bytea CHECK (length(sha256) = 32),
    size             bigint CHECK (size > 0),
    user_id          bigint NOT NULL REFERENCES users (id),
    received_at      timestamptz(0) NOT NULL,
    CONSTRAINT proposal_submissions_version_key UNIQUE (call_id, organization_id, version),
    CONSTRAINT proposal_submissions_blob_check CHECK (
        (action = 'submitted') = (sha256 IS NOT NULL)
        AND (sha256 IS NULL) = (size IS NULL))
);
CREATE INDEX proposal_submissions_call_idx ON proposal_submissions (call_id, organization_id, version);
CREATE TRIGGER proposal_submissions_audit AFTER INSERT OR UPDATE OR DELETE ON proposal_submissions
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- The signed receipt of each version, as given to the company; the
-- database checks that its hash is the hash of its text.
CREATE TABLE proposal_receipts (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    submission_id  bigint NOT NULL UNIQUE REFERENCES proposal_submissions (id),
    note           text NOT NULL CHECK (char_length(note) BETWEEN 1 AND 4000),
    sha256         bytea NOT NULL UNIQUE CHECK (length(sha256) = 32),
    CONSTRAINT proposal_receipts_hash_check CHECK (sha256(convert_to(note, 'UTF8')) = sha256)
);
CREATE TRIGGER proposal_receipts_audit AFTER INSERT OR UPDATE OR DELETE ON proposal_receipts
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- Each organisation's proposal as it stands: its last version, unless
-- that is a withdrawal.
CREATE VIEW proposals_current AS
SELECT s.id, s.call_id, s.organization_id, s.version, s.sha256, s.size, s.received_at,
       s.user_id, r.sha256 AS receipt_sha256
  FROM proposal_submissions s
  JOIN proposal_receipts r ON r.submission_id = s.id
 WHERE s.action = 'submitted'
   AND s.version = (SELECT max(l.version) FROM proposal_submissions l
                     WHERE l.call_id = s.call_id AND l.organization_id = s.organization_id);

-- The set frozen at the deadline: the RFC 6962 Merkle root over the
-- current receipts' hashes in ascending order, and its signed checkpoint.
CREATE TABLE proposal_checkpoints (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id    bigint NOT NULL UNIQUE REFERENCES calls (id),
    size       int NOT NULL CHECK (size >= 0),
    root       bytea NOT NULL CHECK (length(root) = 32),
    note       text NOT NULL,
    frozen_at  timestamptz(0) NOT NULL
);
CREATE TRIGGER proposal_checkpoints_audit AFTER INSERT OR UPDATE OR DELETE ON proposal_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- Who gave a passphrase to the opening, and what the opening found for
-- each proposal: ok, decrypt_failed, hash_mismatch (the stored blob is
-- not what was receipted), or missing (no blob in the store).
CREATE TABLE call_opening_officers (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id   bigint NOT NULL REFERENCES calls (id),
    user_id   bigint NOT NULL REFERENCES users (id),
    given_at  timestamptz(0) NOT NULL,
    CONSTRAINT call_opening_officers_key UNIQUE (call_id, user_id)
);
CREATE TRIGGER call_opening_officers_audit AFTER INSERT OR UPDATE OR DELETE ON call_opening_officers
    FOR EACH ROW EXECUTE FUNCTION audit_row();

CREATE TABLE proposal_opening_results (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    submission_id     bigint NOT NULL UNIQUE REFERENCES proposal_submissions (id),
    call_id           bigint NOT NULL REFERENCES calls (id),
    result            text NOT NULL CHECK (result IN ('ok', 'decrypt_failed', 'hash_mismatch',
                                                       'missing')),
    plaintext_size    bigint CHECK (plaintext_size >= 0),
    plaintext_sha256  bytea CHECK (length(plaintext_sha256) = 32),
    CONSTRAINT proposal_opening_results_ok_check CHECK (
        (result = 'ok') = (plaintext_sha256 IS NOT NULL)
        AND (plaintext_sha256 IS NULL) = (plaintext_size IS NULL))
);
CREATE INDEX proposal_opening_results_call_idx ON proposal_opening_results (call_id);
CREATE TRIGGER proposal_opening_results_audit AFTER INSERT OR UPDATE OR DELETE
    ON proposal_opening_results FOR EACH ROW EXECUTE FUNCTION audit_row();

INSERT INTO serving_privileges (table_name, privileges) VALUES
    ('call_committee',           'SELECT, INSERT, UPDATE, DELETE'),
    ('call_opening_keys',        'SELECT, INSERT'),
    ('call_key_shares',          'SELECT, INSERT'),
    ('proposal_submissions',     'SELECT, INSERT'),
    ('proposal_receipts',        'SELECT, INSERT'),
    ('proposals_current',        'SELECT'),
    ('proposal_checkpoints',     'SELECT, INSERT'),
    ('call_opening_officers',    'SELECT, INSERT'),
    ('proposal_opening_results', 'SELECT, INSERT');
