-- The call, part 3 (module calls): evaluation and award, and the
-- organisations' own signing keys for their submissions.
--
-- Criteria with weights are set on the call until the proposal deadline
-- (the handler refuses later edits). Evaluators are officers assigned to
-- the call; each declares the organisations (registration numbers) they
-- are linked to, or none. An evaluator linked to a bidder, or to a member
-- of its consortium as its letter of intent names them, may not score
-- that proposal (evaluation_pairs.conflicted). Totals and ranks are
-- computed here (evaluation_ranking), never in C.

-- A registration number compared without its punctuation or case:
-- "123-45-67890" and "1234567890" are one number.
CREATE FUNCTION registration_key(n text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT upper(regexp_replace(n, '[^0-9A-Za-z]', '', 'g'))
$$;

CREATE TABLE call_criteria (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id    bigint NOT NULL REFERENCES calls (id),
    position   smallint NOT NULL CHECK (position BETWEEN 1 AND 50),
    name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    weight     int NOT NULL CHECK (weight BETWEEN 1 AND 100),   -- percent; a call's sum is 100
    max_score  int NOT NULL CHECK (max_score BETWEEN 1 AND 1000),
    CONSTRAINT call_criteria_position_key UNIQUE (call_id, position)
);
CREATE TRIGGER call_criteria_audit AFTER INSERT OR UPDATE OR DELETE ON call_criteria
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- Officers assigned to evaluate the call, and when each declared their
-- interests (NULL: not yet; a declaration may list nothing).
CREATE TABLE call_evaluators (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id      bigint NOT NULL REFERENCES calls (id),
    user_id      bigint NOT NULL REFERENCES users (id),
    assigned_by  bigint NOT NULL REFERENCES users (id),
    assigned_at  timestamptz(0) NOT NULL,
    declared_at  timestamptz(0),
    CONSTRAINT call_evaluators_member_key UNIQUE (call_id, user_id)
);
CREATE TRIGGER call_evaluators_audit AFTER INSERT OR UPDATE OR DELETE ON call_evaluators
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- What an evaluator declared: each organisation they are linked to.
CREATE TABLE evaluator_interests (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluator_id         bigint NOT NULL REFERENCES call_evaluators (id),
    organization_name    text NOT NULL CHECK (char_length(organization_name) BETWEEN 1 AND 200),
    registration_number  text NOT NULL CHECK (char_length(registration_number) BETWEEN 1 AND 40),
    relation             text NOT NULL CHECK (char_length(relation) BETWEEN 1 AND 500),
    number_key           text NOT NULL GENERATED ALWAYS AS
                             (registration_key(registration_number)) STORED
);
CREATE INDEX evaluator_interests_evaluator_idx ON evaluator_interests (evaluator_id);
CREATE TRIGGER evaluator_interests_audit AFTER INSERT OR UPDATE OR DELETE ON evaluator_interests
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- One evaluator's score of one proposal on one criterion, with a comment.
-- Within the criterion's maximum: checked by a trigger, since a CHECK
-- cannot read the criterion.
CREATE TABLE evaluation_scores (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id        bigint NOT NULL REFERENCES calls (id),
    submission_id  bigint NOT NULL REFERENCES proposal_submissions (id),
    user_id        bigint NOT NULL REFERENCES users (id),
    criterion_id   bigint NOT NULL REFERENCES call_criteria (id),
    score          int NOT NULL CHECK (score >= 0),
    comment        text NOT NULL CHECK (char_length(comment) BETWEEN 1 AND 4000),
    scored_at      timestamptz(0) NOT NULL,
    CONSTRAINT evaluation_scores_key UNIQUE (submission_id, user_id, criterion_id)
);
CREATE INDEX evaluation_scores_call_idx ON evaluation_scores (call_id);
CREATE TRIGGER evaluation_scores_audit AFTER INSERT OR UPDATE OR DELETE ON evaluation_scores
    FOR EACH ROW EXECUTE FUNCTION audit_row();

CREATE FUNCTION evaluation_score_within_max() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM call_criteria c WHERE c.id = NEW.criterion_id
                      AND c.call_id = NEW.call_id AND NEW.score <= c.max_score) THEN
        RAISE EXCEPTION 'score % is over the criterion''s maximum', NEW.score
            USING ERRCODE = 'check_violation', CONSTRAINT = 'evaluation_scores_within_max';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER evaluation_scores_within_max BEFORE INSERT OR UPDATE ON evaluation_scores
    FOR EACH ROW EXECUTE FUNCTION evaluation_score_within_max();

-- Everyone a proposal binds, by registration number: the bidder itself
-- and each member of its consortium as its letter of intent names them.
CREATE VIEW proposal_parties AS
SELECT s.call_id, s.id AS submission_id, s.organization_id, 'bidder' AS party,
       a.registration_number
  FROM proposal_submissions s JOIN applicants a ON a.organization_id = s.organization_id
UNION ALL
SELECT s.call_id, s.id, s.organization_id, 'member', m.value ->> 'registration_number'
  FROM proposal_submissions s
  JOIN letters_current l ON l.call_id = s.call_id AND l.organization_id = s.organization_id
 CROSS JOIN jsonb_array_elements(l.members) m
 WHERE m.value ->> 'registration_number' IS NOT NULL;

-- Each evaluator and each opened proposal of the call: whether the
-- evaluator is linked to it (and may not score it), and how many
-- criteria they scored.
CREATE VIEW evaluation_pairs AS
SELECT e.call_id, e.id AS evaluator_id, e.user_id, x.submission_id, s.organization_id,
       EXISTS (SELECT 1 FROM evaluator_interests i JOIN proposal_parties p
                   ON p.submission_id = x.submission_id
                  AND registration_key(p.registration_number) = i.number_key
                WHERE i.evaluator_id = e.id) AS conflicted,
       (SELECT count(*) FROM evaluation_scores sc
         WHERE sc.submission_id = x.submission_id AND sc.user_id = e.user_id) AS scored
  FROM call_evaluators e
  JOIN proposal_opening_results x ON x.call_id = e.call_id AND x.result = 'ok'
  JOIN proposal_submissions s ON s.id = x.submission_id;

-- How far the evaluation of a call is: pairs an evaluator must score (not
-- conflicted), how many are scored on every criterion, and whether that
-- is all of them (with at least one criterion and one such pair).
CREATE FUNCTION evaluation_progress(the_call bigint, OUT expected bigint, OUT done bigint,
    OUT complete boolean)
LANGUAGE sql STABLE AS $$
    WITH n AS (SELECT count(*) AS criteria FROM call_criteria WHERE call_id = the_call),
         p AS (SELECT count(*) FILTER (WHERE NOT conflicted) AS expected,
                      count(*) FILTER (WHERE NOT conflicted AND scored = n.criteria) AS done
                 FROM evaluation_pairs, n WHERE call_id = the_call)
    SELECT p.expected, p.done, n.criteria > 0 AND p.expected > 0 AND p.done = p.expected
      FROM p, n
$$;

-- Each opened proposal's weighted total (0..100: the mean score of each
-- criterion over its evaluators, as a share of its maximum, times its
-- weight) and its rank in the call; a proposal nobody could score has
-- no total and ranks last.
CREATE VIEW evaluation_ranking AS
WITH per AS (
    SELECT x.call_id, x.submission_id, c.weight, c.max_score, avg(sc.score) AS mean
      FROM proposal_opening_results x
      JOIN call_criteria c ON c.call_id = x.call_id
      LEFT JOIN evaluation_scores sc
        ON sc.submission_id = x.submission_id AND sc.criterion_id = c.id
     WHERE x.result = 'ok'
     GROUP BY x.call_id, x.submission_id, c.id
), totals AS (
    SELECT call_id, submission_id, round(sum(mean * weight / max_score), 2) AS total
      FROM per GROUP BY call_id, submission_id
)
SELECT t.call_id, t.submission_id, s.organization_id, t.total,
       rank() OVER (PARTITION BY t.call_id ORDER BY t.total DESC NULLS LAST) AS rank,
       count(*) OVER (PARTITION BY t.call_id) AS ranked
  FROM totals t JOIN proposal_submissions s ON s.id = t.submission_id;

-- The award: one per call, to a ranked proposal, with its reason.
CREATE TABLE call_awards (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id          bigint NOT NULL UNIQUE REFERENCES calls (id),
    submission_id    bigint NOT NULL REFERENCES proposal_submissions (id),
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    reason           text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 4000),
    awarded_by       bigint NOT NULL REFERENCES users (id),
    awarded_at       timestamptz(0) NOT NULL
);
CREATE TRIGGER call_awards_audit AFTER INSERT OR UPDATE OR DELETE ON call_awards
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- An organisation's Ed25519 public keys, added and revoked by its own
-- users. A submission signed with a key names it; a revoked key signs no
-- new submission, and the signatures made before stay recorded.
CREATE TABLE organization_keys (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    public_key       bytea NOT NULL CHECK (length(public_key) = 32),
    key_id           text NOT NULL GENERATED ALWAYS AS
                         (encode(sha256(public_key), 'hex')) STORED,
    label            text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 200),
    added_by         bigint NOT NULL REFERENCES users (id),
    added_at         timestamptz(0) NOT NULL,
    revoked_by       bigint REFERENCES users (id),
    revoked_at       timestamptz(0),
    CONSTRAINT organization_keys_public_key_key UNIQUE (public_key),
    CONSTRAINT organization_keys_revocation_check
        CHECK ((revoked_by IS NULL) = (revoked_at IS NULL))
);
CREATE INDEX organization_keys_org_idx ON organization_keys (organization_id, id);
CREATE TRIGGER organization_keys_audit AFTER INSERT OR UPDATE OR DELETE ON organization_keys
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- A call may require every submission to be signed by an organisation key.
ALTER TABLE calls ADD COLUMN signatures_required boolean NOT NULL DEFAULT false;

-- A submission's detached signature over its SHA-256, and the key.
ALTER TABLE proposal_submissions
    ADD COLUMN signature bytea CHECK (length(signature) = 64),
    ADD COLUMN signing_key_id bigint REFERENCES organization_keys (id),
    ADD CONSTRAINT proposal_submissions_signed_check
        CHECK ((signature IS NULL) = (signing_key_id IS NULL)
               AND (signature IS NULL OR action = 'submitted'));

INSERT INTO serving_privileges (table_name, privileges) VALUES
    ('call_criteria',        'SELECT, INSERT, DELETE'),
    ('call_evaluators',      'SELECT, INSERT, UPDATE, DELETE'),
    ('evaluator_interests',  'SELECT, INSERT, DELETE'),
    ('proposal_parties',     'SELECT'),
    ('evaluation_pairs',     'SELECT'),
    ('evaluation_scores',    'SELECT, INSERT, UPDATE'),
    ('evaluation_ranking',   'SELECT'),
    ('call_awards',          'SELECT, INSERT'),
    ('organization_keys',    'SELECT, INSERT, UPDATE');
