-- Procurement core: programmes and milestones, the GPU catalogue, purchase
-- orders and their lines, payments, deliveries with their units, and the
-- asset registry. Money is integer minor units of its currency (KRW: won,
-- USD: cents); KRW figures derived from USD use the rate recorded at
-- approval and are rounded to the won.

-- Idempotency keys for POST requests (see server/app.c).
CREATE TABLE idempotency_keys (
    user_id      bigint NOT NULL REFERENCES users (id),
    key          text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 200),
    request_hash bytea NOT NULL,
    status       int,                -- NULL while the first request runs
    content_type text,
    body         text,
    headers      jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

CREATE TABLE programs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    description text CHECK (char_length(description) <= 4000),
    budget_krw  bigint NOT NULL CHECK (budget_krw > 0),
    starts_on   date NOT NULL,
    ends_on     date NOT NULL,
    version     int NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT programs_dates_check CHECK (ends_on >= starts_on)
);
CREATE UNIQUE INDEX programs_name_key ON programs (lower(name));

CREATE TABLE program_milestones (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    program_id  bigint NOT NULL REFERENCES programs (id),
    due_on      date NOT NULL,
    gpu_target  int NOT NULL CHECK (gpu_target > 0),
    label       text CHECK (char_length(label) <= 200),
    CONSTRAINT program_milestones_due_key UNIQUE (program_id, due_on)
);

CREATE TABLE gpu_models (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    manufacturer text NOT NULL CHECK (char_length(manufacturer) BETWEEN 1 AND 100),
    model        text NOT NULL CHECK (char_length(model) BETWEEN 1 AND 100),
    memory_gb    int NOT NULL CHECK (memory_gb > 0),
    form_factor  text NOT NULL CHECK (char_length(form_factor) BETWEEN 1 AND 50),
    tdp_watts    int NOT NULL CHECK (tdp_watts > 0),
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX gpu_models_name_key
    ON gpu_models (lower(manufacturer), lower(model), lower(form_factor), memory_gb);

CREATE TYPE currency AS ENUM ('KRW', 'USD');
CREATE TYPE po_status AS ENUM ('draft', 'submitted', 'approved', 'ordered',
    'partially_delivered', 'delivered', 'closed', 'cancelled');

CREATE SEQUENCE purchase_order_number;

CREATE TABLE purchase_orders (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference       text NOT NULL UNIQUE,
    program_id      bigint NOT NULL REFERENCES programs (id),
    vendor_id       bigint NOT NULL REFERENCES organizations (id),
    currency        currency NOT NULL DEFAULT 'KRW',
    -- KRW per USD, recorded when a USD order is approved.
    exchange_rate   numeric(12, 4) CHECK (exchange_rate > 0),
    status          po_status NOT NULL DEFAULT 'draft',
    notes           text CHECK (char_length(notes) <= 4000),
    created_by      bigint NOT NULL REFERENCES users (id),
    submitted_at    timestamptz,
    approved_by     bigint REFERENCES users (id),
    approved_at     timestamptz,
    ordered_at      timestamptz,
    override_reason text CHECK (char_length(override_reason) <= 4000),
    cancel_reason   text CHECK (char_length(cancel_reason) <= 4000),
    version         int NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT purchase_orders_rate_check
        CHECK (currency = 'USD' OR exchange_rate IS NULL),
    CONSTRAINT purchase_orders_approval_check
        CHECK (status IN ('draft', 'submitted', 'cancelled')
               OR (approved_by IS NOT NULL AND approved_at IS NOT NULL
                   AND (currency = 'KRW' OR exchange_rate IS NOT NULL))),
    CONSTRAINT purchase_orders_four_eyes_check CHECK (approved_by <> created_by)
);
CREATE INDEX purchase_orders_program_idx ON purchase_orders (program_id, id);
CREATE INDEX purchase_orders_vendor_idx ON purchase_orders (vendor_id, id);
CREATE INDEX purchase_orders_status_idx ON purchase_orders (status, id);

CREATE TABLE purchase_order_lines (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purchase_order_id bigint NOT NULL REFERENCES purchase_orders (id),
    gpu_model_id      bigint NOT NULL REFERENCES gpu_models (id),
    quantity          int NOT NULL CHECK (quantity > 0),
    unit_price        bigint NOT NULL CHECK (unit_price > 0),   -- minor units
    warranty_months   int NOT NULL DEFAULT 36 CHECK (warranty_months BETWEEN 0 AND 120),
    -- Keeps every sum of an order's lines inside bigint (50 lines at most).
    CONSTRAINT purchase_order_lines_amount_check
        CHECK (quantity::numeric * unit_price <= 100000000000000000),
    CONSTRAINT purchase_order_lines_model_key UNIQUE (purchase_order_id, gpu_model_id)
);

-- A PO's vendor must be an organisation of kind vendor or company.
CREATE FUNCTION purchase_orders_vendor_fit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM organizations
                    WHERE id = NEW.vendor_id AND kind IN ('vendor', 'company') AND active) THEN
        RAISE EXCEPTION 'organization % is not an active vendor', NEW.vendor_id
            USING ERRCODE = 'foreign_key_violation',
                  CONSTRAINT = 'purchase_orders_vendor_id_fkey';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER purchase_orders_vendor_fit BEFORE INSERT OR UPDATE OF vendor_id
    ON purchase_orders FOR EACH ROW EXECUTE FUNCTION purchase_orders_vendor_fit();

-- A model retired from the catalogue is not ordered again.
CREATE FUNCTION purchase_order_lines_model_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM gpu_models WHERE id = NEW.gpu_model_id AND NOT active) THEN
        RAISE EXCEPTION 'GPU model % is retired from the catalogue', NEW.gpu_model_id
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'purchase_order_lines_gpu_model_active';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER purchase_order_lines_model_active BEFORE INSERT OR UPDATE OF gpu_model_id
    ON purchase_order_lines FOR EACH ROW EXECUTE FUNCTION purchase_order_lines_model_active();

-- Whole won of an amount in minor units of a PO's currency.
CREATE FUNCTION krw_of(amount bigint, cur currency, rate numeric) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE cur WHEN 'KRW' THEN amount
                    ELSE round(amount * rate / 100)::bigint END
$$;

CREATE TABLE payments (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purchase_order_id bigint NOT NULL REFERENCES purchase_orders (id),
    invoice_number    text NOT NULL CHECK (char_length(invoice_number) BETWEEN 1 AND 100),
    amount            bigint NOT NULL CHECK (amount > 0),        -- minor units
    currency          currency NOT NULL,
    amount_krw        bigint NOT NULL CHECK (amount_krw > 0),
    paid_on           date NOT NULL,
    recorded_by       bigint NOT NULL REFERENCES users (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT payments_invoice_key UNIQUE (purchase_order_id, invoice_number)
);

CREATE TYPE delivery_status AS ENUM ('announced', 'received', 'inspected');
CREATE TYPE unit_result AS ENUM ('pending', 'passed', 'failed');

CREATE TABLE deliveries (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purchase_order_id bigint NOT NULL REFERENCES purchase_orders (id),
    status            delivery_status NOT NULL,
    reference         text CHECK (char_length(reference) <= 100),  -- vendor's note number
    note              text CHECK (char_length(note) <= 4000),
    created_by        bigint NOT NULL REFERENCES users (id),
    received_at       timestamptz,
    received_by       bigint REFERENCES users (id),
    inspected_at      timestamptz,
    inspected_by      bigint REFERENCES users (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_po_idx ON deliveries (purchase_order_id, id);

CREATE TABLE delivery_units (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id            bigint NOT NULL REFERENCES deliveries (id),
    purchase_order_line_id bigint NOT NULL REFERENCES purchase_order_lines (id),
    serial                 text NOT NULL CHECK (serial ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
    result                 unit_result NOT NULL DEFAULT 'pending',
    note                   text CHECK (char_length(note) <= 1000),
    inspected_by           bigint REFERENCES users (id),
    inspected_at           timestamptz,
    CONSTRAINT delivery_units_failed_note_check CHECK (result <> 'failed' OR note IS NOT NULL)
);
-- A serial is in the registry once, unless it failed inspection and went
-- back to the vendor.
CREATE UNIQUE INDEX delivery_units_serial_key ON delivery_units (upper(serial))
    WHERE result <> 'failed';
CREATE INDEX delivery_units_delivery_idx ON delivery_units (delivery_id, id);
CREATE INDEX delivery_units_line_idx ON delivery_units (purchase_order_line_id) WHERE result <> 'failed';

CREATE TYPE asset_status AS ENUM
    ('received', 'in_stock', 'allocated', 'installed', 'in_service', 'rma', 'retired');

-- The asset state machine, as data: a forbidden move is refused by the
-- trigger below, which names the allowed ones.
CREATE TABLE asset_transitions (
    from_status    asset_status NOT NULL,
    to_status      asset_status NOT NULL,
    needs_reason   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO asset_transitions (from_status, to_status, needs_reason) VALUES
    ('received', 'in_stock', false),
    ('received', 'rma', true),
    ('in_stock', 'allocated', false),
    ('in_stock', 'rma', true),
    ('in_stock', 'retired', true),
    ('allocated', 'installed', false),
    ('allocated', 'in_stock', false),
    ('allocated', 'rma', true),
    ('installed', 'in_service', false),
    ('installed', 'in_stock', false),
    ('installed', 'rma', true),
    ('in_service', 'installed', true),
    ('in_service', 'in_stock', false),
    ('in_service', 'rma', true),
    ('in_service', 'retired', true),
    ('rma', 'in_stock', false),
    ('rma', 'retired', true);

CREATE TABLE assets (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    serial                 text NOT NULL,
    gpu_model_id           bigint NOT NULL REFERENCES gpu_models (id),
    -- Copies of where it came from, so that filters need no joins.
    program_id             bigint NOT NULL REFERENCES programs (id),
    vendor_id              bigint NOT NULL REFERENCES organizations (id),
    purchase_order_id      bigint NOT NULL REFERENCES purchase_orders (id),
    purchase_order_line_id bigint NOT NULL REFERENCES purchase_order_lines (id),
    delivery_id            bigint NOT NULL REFERENCES deliveries (id),
    delivery_unit_id       bigint NOT NULL UNIQUE REFERENCES delivery_units (id),
    status                 asset_status NOT NULL DEFAULT 'in_stock',
    status_reason          text CHECK (char_length(status_reason) <= 1000),
    warranty_ends_on       date,
    site_id                bigint,        -- REFERENCES sites (id), from 0003
    tenant_id              bigint REFERENCES organizations (id),
    accepted_at            timestamptz NOT NULL DEFAULT now(),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX assets_serial_key ON assets (upper(serial));
CREATE INDEX assets_status_idx ON assets (status, id);
CREATE INDEX assets_model_idx ON assets (gpu_model_id, id);
CREATE INDEX assets_program_idx ON assets (program_id, id);
CREATE INDEX assets_vendor_idx ON assets (vendor_id, id);
CREATE INDEX assets_po_idx ON assets (purchase_order_id, id);
CREATE INDEX assets_site_idx ON assets (site_id, id) WHERE site_id IS NOT NULL;
CREATE INDEX assets_tenant_idx ON assets (tenant_id, id) WHERE tenant_id IS NOT NULL;

CREATE FUNCTION assets_transition_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    t asset_transitions;
    allowed text;
BEGIN
    IF NEW.status = OLD.status THEN
        RETURN NEW;
    END IF;
    SELECT * INTO t FROM asset_transitions
     WHERE from_status = OLD.status AND to_status = NEW.status;
    IF NOT FOUND THEN
        SELECT string_agg(to_status::text, ', ' ORDER BY to_status) INTO allowed
          FROM asset_transitions WHERE from_status = OLD.status;
        RAISE EXCEPTION 'an asset cannot go from % to %; from % it can go to: %',
            OLD.status, NEW.status, OLD.status, coalesce(allowed, 'nothing (final)')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'assets_transition';
    END IF;
    IF t.needs_reason AND coalesce(btrim(NEW.status_reason), '') = '' THEN
        RAISE EXCEPTION 'moving an asset to % needs a reason', NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'assets_transition_reason';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER assets_transition BEFORE UPDATE OF status ON assets
    FOR EACH ROW EXECUTE FUNCTION assets_transition_check();

-- Timestamps and the audit trail for every table of this migration.
CREATE TRIGGER programs_touch BEFORE UPDATE ON programs
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER gpu_models_touch BEFORE UPDATE ON gpu_models
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER purchase_orders_touch BEFORE UPDATE ON purchase_orders
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER deliveries_touch BEFORE UPDATE ON deliveries
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER assets_touch BEFORE UPDATE ON assets
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TRIGGER programs_audit AFTER INSERT OR UPDATE OR DELETE ON programs
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER program_milestones_audit AFTER INSERT OR UPDATE OR DELETE ON program_milestones
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER gpu_models_audit AFTER INSERT OR UPDATE OR DELETE ON gpu_models
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER purchase_orders_audit AFTER INSERT OR UPDATE OR DELETE ON purchase_orders
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER purchase_order_lines_audit AFTER INSERT OR UPDATE OR DELETE ON purchase_order_lines
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER payments_audit AFTER INSERT OR UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER deliveries_audit AFTER INSERT OR UPDATE OR DELETE ON deliveries
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER delivery_units_audit AFTER INSERT OR UPDATE OR DELETE ON delivery_units
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER assets_audit AFTER INSERT OR UPDATE OR DELETE ON assets
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- The catalogue starts with the models the programme names; it is data,
-- and administrators add more through the API.
INSERT INTO gpu_models (manufacturer, model, memory_gb, form_factor, tdp_watts) VALUES
    ('NVIDIA', 'H100', 80, 'SXM5', 700),
    ('NVIDIA', 'H200', 141, 'SXM5', 700),
    ('NVIDIA', 'H800', 80, 'SXM5', 700),
    ('NVIDIA', 'A100', 80, 'SXM4', 400),
    ('NVIDIA', 'B200', 192, 'SXM6', 1000);

-- A PO's delivery status follows the accepted units by itself: called in
-- the transaction that records an inspection.
CREATE FUNCTION purchase_order_refresh(po bigint) RETURNS void LANGUAGE sql AS $$
    UPDATE purchase_orders p
       SET status = CASE WHEN a.accepted >= a.ordered THEN 'delivered'::po_status
                         WHEN a.accepted > 0 THEN 'partially_delivered'::po_status
                         ELSE 'ordered'::po_status END,
           version = p.version + 1
      FROM (SELECT (SELECT sum(quantity) FROM purchase_order_lines
                     WHERE purchase_order_id = po) AS ordered,
                   (SELECT count(*) FROM delivery_units u
                      JOIN purchase_order_lines l ON l.id = u.purchase_order_line_id
                     WHERE l.purchase_order_id = po AND u.result = 'passed') AS accepted) a
     WHERE p.id = po AND p.status IN ('ordered', 'partially_delivered')
       AND p.status <> CASE WHEN a.accepted >= a.ordered THEN 'delivered'::po_status
                            WHEN a.accepted > 0 THEN 'partially_delivered'::po_status
                            ELSE 'ordered'::po_status END
$$;
