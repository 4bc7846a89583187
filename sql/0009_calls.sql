-- The call for the public-private AI computing centre (module calls):
-- the call and its timetable, companies that register themselves, the
-- briefing's attendees, letters of intent with every version, and the
-- guidelines served only to those who filed one, with each download.
--
-- Every deadline is judged against the server's clock, which the server
-- passes to each statement as a parameter ("at"): the database never
-- reads now() for a deadline, so the test clock and the real one take
-- the same path. Times are stored as timestamptz (UTC) to the second and
-- shown in Asia/Seoul by seoul_text().

CREATE FUNCTION seoul_text(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT to_char(t AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD"T"HH24:MI:SS"+09:00"')
$$;

CREATE TABLE calls (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title_ko               text NOT NULL CHECK (char_length(title_ko) BETWEEN 1 AND 300),
    title_en               text NOT NULL CHECK (char_length(title_en) BETWEEN 1 AND 300),
    description_ko         text NOT NULL CHECK (char_length(description_ko) BETWEEN 1 AND 20000),
    description_en         text NOT NULL CHECK (char_length(description_en) BETWEEN 1 AND 20000),
    organization_id        bigint NOT NULL REFERENCES organizations (id),
    briefing_at            timestamptz(0) NOT NULL,
    briefing_place         text NOT NULL CHECK (char_length(briefing_place) BETWEEN 1 AND 500),
    briefing_capacity      int NOT NULL CHECK (briefing_capacity BETWEEN 1 AND 100000),
    loi_deadline           timestamptz(0) NOT NULL,
    guidelines_release_at  timestamptz(0) NOT NULL,
    proposal_deadline      timestamptz(0) NOT NULL,
    opening_at             timestamptz(0) NOT NULL,
    evaluation_ends_at     timestamptz(0) NOT NULL,
    -- Recorded actions; the status is derived from them and the timetable
    -- (call_status), never stored. opened/evaluated/awarded: part 2.
    published_at           timestamptz(0),
    cancelled_at           timestamptz(0),
    cancellation_reason    text CHECK (char_length(cancellation_reason) BETWEEN 1 AND 2000),
    opened_at              timestamptz(0),
    evaluated_at           timestamptz(0),
    awarded_at             timestamptz(0),
    created_by             bigint NOT NULL REFERENCES users (id),
    version                int NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT calls_timetable_order CHECK (
        briefing_at < loi_deadline
        AND loi_deadline <= guidelines_release_at
        AND guidelines_release_at < proposal_deadline
        AND proposal_deadline <= opening_at
        AND opening_at < evaluation_ends_at),
    CONSTRAINT calls_cancellation_check
        CHECK ((cancelled_at IS NULL) = (cancellation_reason IS NULL)),
    CONSTRAINT calls_actions_order CHECK (
        (evaluated_at IS NULL OR opened_at IS NOT NULL)
        AND (awarded_at IS NULL OR evaluated_at IS NOT NULL)
        AND (opened_at IS NULL OR published_at IS NOT NULL))
);
CREATE TRIGGER calls_touch BEFORE UPDATE ON calls
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER calls_audit AFTER INSERT OR UPDATE OR DELETE ON calls
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- A call's status at a moment: the one place it is computed.
CREATE FUNCTION call_status(c calls, at timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN c.cancelled_at IS NOT NULL THEN 'cancelled'
        WHEN c.published_at IS NULL THEN 'draft'
        WHEN c.awarded_at IS NOT NULL THEN 'awarded'
        WHEN c.evaluated_at IS NOT NULL THEN 'evaluated'
        WHEN c.opened_at IS NOT NULL THEN 'opened'
        WHEN at > c.proposal_deadline THEN 'proposals_closed'
        WHEN at >= c.guidelines_release_at THEN 'proposals_open'
        WHEN at > c.loi_deadline THEN 'loi_closed'
        WHEN at >= c.briefing_at THEN 'loi_open'
        ELSE 'published'
    END
$$;

-- Companies that registered themselves: an organisation of kind vendor
-- with what the ministry needs to know about it. The registration number
-- is unique per country; the organisation's name is its Korean name.
CREATE TABLE applicants (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id      bigint NOT NULL UNIQUE REFERENCES organizations (id),
    name_en              text NOT NULL CHECK (char_length(name_en) BETWEEN 1 AND 200),
    country              char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    registration_number  text NOT NULL CHECK (char_length(registration_number) BETWEEN 1 AND 40),
    representative       text NOT NULL CHECK (char_length(representative) BETWEEN 1 AND 200),
    address              text NOT NULL CHECK (char_length(address) BETWEEN 1 AND 500),
    suspended_at         timestamptz,
    suspension_reason    text CHECK (char_length(suspension_reason) BETWEEN 1 AND 2000),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT applicants_registration_key UNIQUE (country, registration_number),
    CONSTRAINT applicants_suspension_check
        CHECK ((suspended_at IS NULL) = (suspension_reason IS NULL))
);
CREATE TRIGGER applicants_touch BEFORE UPDATE ON applicants
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER applicants_audit AFTER INSERT OR UPDATE OR DELETE ON applicants
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- Attempts to register, per address, for the rate limit. Operational
-- data like login_failures: pruned, no audit events.
CREATE TABLE registration_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_addr inet,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registration_attempts_addr_idx ON registration_attempts (client_addr, at);

CREATE TABLE briefing_attendees (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id          bigint NOT NULL REFERENCES calls (id),
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    name             text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    title            text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    email            text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254
                                          AND email ~ '^[^@\s]+@[^@\s]+$'),
    registered_by    bigint NOT NULL REFERENCES users (id),
    registered_at    timestamptz(0) NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX briefing_attendees_email_key ON briefing_attendees (call_id, lower(email));
CREATE INDEX briefing_attendees_org_idx ON briefing_attendees (call_id, organization_id, id);
CREATE TRIGGER briefing_attendees_audit AFTER INSERT OR UPDATE OR DELETE ON briefing_attendees
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- PDFs of letters and of the guidelines, kept in the database so that a
-- file and the record naming it commit together and are backed up
-- together. The database checks the hash; the trail records the hash
-- and size, not the bytes.
CREATE TABLE call_files (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    uploaded_by      bigint NOT NULL REFERENCES users (id),
    size             bigint NOT NULL CHECK (size BETWEEN 1 AND 104857600),
    sha256           bytea NOT NULL CHECK (length(sha256) = 32),
    content          bytea NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT call_files_content_check
        CHECK (length(content) = size AND sha256(content) = sha256)
);
CREATE TRIGGER call_files_audit AFTER INSERT OR UPDATE OR DELETE ON call_files
    FOR EACH ROW EXECUTE FUNCTION audit_row('content');

-- One letter of intent per organisation per call; what it says is in
-- its versions, each kept for ever.
CREATE TABLE letters (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id          bigint NOT NULL REFERENCES calls (id),
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    -- The letter's stable reference, from its own id.
    reference        text NOT NULL UNIQUE GENERATED ALWAYS AS
                         ('LOI-' || call_id::text || '-' || lpad(id::text, 5, '0')) STORED,
    version          int NOT NULL DEFAULT 0,  -- the current version's number
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT letters_one_per_organization UNIQUE (call_id, organization_id)
);
CREATE TRIGGER letters_touch BEFORE UPDATE ON letters
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER letters_audit AFTER INSERT OR UPDATE OR DELETE ON letters
    FOR EACH ROW EXECUTE FUNCTION audit_row();

CREATE TABLE letter_versions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    letter_id    bigint NOT NULL REFERENCES letters (id),
    version      int NOT NULL CHECK (version > 0),
    action       text NOT NULL CHECK (action IN ('filed', 'amended', 'withdrawn')),
    reference    text NOT NULL UNIQUE,
    received_at  timestamptz(0) NOT NULL,
    user_id      bigint NOT NULL REFERENCES users (id),
    contact      jsonb NOT NULL,
    summary      text NOT NULL CHECK (char_length(summary) BETWEEN 1 AND 4000),
    members      jsonb NOT NULL CHECK (jsonb_typeof(members) = 'array'),
    file_id      bigint REFERENCES call_files (id),
    reason       text CHECK (char_length(reason) <= 2000),
    CONSTRAINT letter_versions_key UNIQUE (letter_id, version)
);
CREATE TRIGGER letter_versions_audit AFTER INSERT OR UPDATE OR DELETE ON letter_versions
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- Each letter as it stands: its last version, and when it was first filed.
CREATE VIEW letters_current AS
SELECT l.id, l.call_id, l.organization_id, l.reference, l.version, v.action,
       v.reference AS version_reference, v.received_at, v.user_id, v.contact, v.summary,
       v.members, v.file_id, v.reason,
       (SELECT min(f.received_at) FROM letter_versions f WHERE f.letter_id = l.id) AS first_at
  FROM letters l JOIN letter_versions v ON v.letter_id = l.id AND v.version = l.version;

-- The guidelines: each upload a new version with its note.
CREATE TABLE guideline_versions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id      bigint NOT NULL REFERENCES calls (id),
    version      int NOT NULL CHECK (version > 0),
    file_id      bigint NOT NULL REFERENCES call_files (id),
    note         text NOT NULL CHECK (char_length(note) BETWEEN 1 AND 2000),
    uploaded_at  timestamptz(0) NOT NULL,
    uploaded_by  bigint NOT NULL REFERENCES users (id),
    CONSTRAINT guideline_versions_key UNIQUE (call_id, version)
);
CREATE TRIGGER guideline_versions_audit AFTER INSERT OR UPDATE OR DELETE ON guideline_versions
    FOR EACH ROW EXECUTE FUNCTION audit_row();

CREATE TABLE guideline_downloads (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id                bigint NOT NULL REFERENCES calls (id),
    guideline_version_id   bigint NOT NULL REFERENCES guideline_versions (id),
    organization_id        bigint NOT NULL REFERENCES organizations (id),
    user_id                bigint NOT NULL REFERENCES users (id),
    at                     timestamptz(0) NOT NULL,
    client_addr            inet
);
CREATE INDEX guideline_downloads_call_idx ON guideline_downloads (call_id, id);
CREATE TRIGGER guideline_downloads_audit AFTER INSERT OR UPDATE OR DELETE ON guideline_downloads
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- Whether an organisation may have the guidelines at a moment, and if
-- not, why: not_released, no_letter, late (first filed after the LOI
-- deadline), withdrawn (its last version on or before the deadline is a
-- withdrawal), or ok. Ministry staff are judged by the caller.
CREATE FUNCTION guidelines_verdict(c calls, org bigint, at timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
    WITH l AS (SELECT id FROM letters WHERE call_id = c.id AND organization_id = org),
         first AS (SELECT min(v.received_at) AS at FROM letter_versions v JOIN l ON v.letter_id = l.id),
         last AS (SELECT v.action FROM letter_versions v JOIN l ON v.letter_id = l.id
                   WHERE v.received_at <= c.loi_deadline ORDER BY v.version DESC LIMIT 1)
    SELECT CASE
        WHEN c.published_at IS NULL OR c.cancelled_at IS NOT NULL
             OR at < c.guidelines_release_at THEN 'not_released'
        WHEN NOT EXISTS (SELECT 1 FROM l) THEN 'no_letter'
        WHEN (SELECT first.at FROM first) > c.loi_deadline THEN 'late'
        WHEN (SELECT last.action FROM last) = 'withdrawn' THEN 'withdrawn'
        ELSE 'ok'
    END
$$;

-- What the serving role may do to each new table (sql/0007_roles.sql).
INSERT INTO serving_privileges (table_name, privileges) VALUES
    ('calls',                 'SELECT, INSERT, UPDATE'),
    ('applicants',            'SELECT, INSERT, UPDATE'),
    ('registration_attempts', 'SELECT, INSERT, DELETE'),
    ('briefing_attendees',    'SELECT, INSERT'),
    ('call_files',            'SELECT, INSERT'),
    ('letters',               'SELECT, INSERT, UPDATE'),
    ('letter_versions',       'SELECT, INSERT'),
    ('letters_current',       'SELECT'),
    ('guideline_versions',    'SELECT, INSERT'),
    ('guideline_downloads',   'SELECT, INSERT');
