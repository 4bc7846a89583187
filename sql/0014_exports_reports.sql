-- Reports for auditors (module exports): every export a person takes is
-- a row of `exports`, written when the download starts (its audit event
-- is the record that the export happened: who, which report, with which
-- parameters) and completed with the file's row count, byte count and
-- SHA-256 once the last byte is produced (a second event). The signed
-- manifest is made from the completed row. And the depreciation period
-- of each GPU model, for the book value in the asset register.

CREATE TABLE exports (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report         text NOT NULL CHECK (report ~ '^[a-z][a-z0-9-]{0,39}$'),
    format         text NOT NULL CHECK (format IN ('csv', 'xlsx')),
    -- The validated filters, as a query string in a fixed order.
    parameters     text NOT NULL CHECK (char_length(parameters) <= 2000),
    user_id        bigint NOT NULL REFERENCES users (id),
    -- Who asked, again at completion: the completing statement runs on a
    -- download connection, outside the request, and sets the audit
    -- context from these.
    actor_org_id   bigint,
    actor_roles    text[] NOT NULL DEFAULT '{}',
    channel        audit_channel NOT NULL,
    request_id     text,
    client_addr    inet,
    started_at     timestamptz NOT NULL DEFAULT now(),
    completed_at   timestamptz,
    row_count      bigint CHECK (row_count >= 0),
    byte_count     bigint CHECK (byte_count > 0),
    sha256         bytea CHECK (length(sha256) = 32),
    CONSTRAINT exports_completed_check CHECK (
        (completed_at IS NULL AND row_count IS NULL AND byte_count IS NULL AND sha256 IS NULL)
        OR (completed_at IS NOT NULL AND row_count IS NOT NULL AND byte_count IS NOT NULL
            AND sha256 IS NOT NULL))
);
CREATE INDEX exports_user_idx ON exports (user_id, id);

CREATE TRIGGER exports_audit AFTER INSERT OR UPDATE OR DELETE ON exports
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- Records the end of a download with the audit context of the person who
-- started it. Returns whether the export was still open (a completed
-- export is never changed).
CREATE FUNCTION export_complete(p_id bigint, p_rows bigint, p_bytes bigint, p_sha256 bytea)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    e exports;
BEGIN
    SELECT * INTO e FROM exports WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR e.completed_at IS NOT NULL THEN
        RETURN false;
    END IF;
    PERFORM set_config('registry.channel', e.channel::text, true),
            set_config('registry.actor_user_id', e.user_id::text, true),
            set_config('registry.actor_org_id', coalesce(e.actor_org_id::text, ''), true),
            set_config('registry.actor_roles', e.actor_roles::text, true),
            set_config('registry.request_id', coalesce(e.request_id, ''), true),
            set_config('registry.client_addr', coalesce(host(e.client_addr), ''), true);
    UPDATE exports SET completed_at = now(), row_count = p_rows, byte_count = p_bytes,
                       sha256 = p_sha256
     WHERE id = p_id;
    RETURN true;
END $$;

-- Straight-line depreciation to nothing over each model's period,
-- counted in days from the day of acceptance (Asia/Seoul): the book value
-- on a date is cost × (1 − elapsed days / days of the period), rounded to
-- the won; the whole cost before acceptance, 0 from the period's end.
ALTER TABLE gpu_models
    ADD COLUMN depreciation_months int NOT NULL DEFAULT 60
        CHECK (depreciation_months BETWEEN 1 AND 600);

CREATE FUNCTION straight_line_value(cost bigint, start date, months int, as_of date)
RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN as_of <= start THEN cost
                WHEN as_of >= (start + make_interval(months => months))::date THEN 0
                ELSE round(cost * (1 - (as_of - start)::numeric /
                     ((start + make_interval(months => months))::date - start)))::bigint
           END
$$;

INSERT INTO serving_privileges (table_name, privileges) VALUES
    ('exports', 'SELECT, INSERT, UPDATE');

-- Prices a ministry marks confidential stay out of the open data (OCDS):
-- the order is published without its values. Set by an administrator in
-- the database for now (no endpoint yet).
ALTER TABLE purchase_orders
    ADD COLUMN prices_confidential boolean NOT NULL DEFAULT false;
