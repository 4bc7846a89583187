-- Sites and allocations: the data centres that house the GPUs, their
-- racks, and which tenant organisation uses which asset where. Capacity
-- (slots, and power as the sum of the models' TDP against a kW budget) is
-- checked by the allocation transaction, which locks the site row (and the
-- rack row) before it counts, so that concurrent allocations queue there.

CREATE TYPE cooling_type AS ENUM ('air', 'liquid', 'immersion', 'hybrid');
CREATE TYPE allocation_status AS ENUM ('active', 'ended');

CREATE TABLE sites (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name               text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200
                                            AND name = btrim(name)),
    operator_id        bigint NOT NULL REFERENCES organizations (id),
    address            text NOT NULL CHECK (char_length(address) BETWEEN 1 AND 500),
    region             text NOT NULL CHECK (char_length(region) BETWEEN 1 AND 100),
    power_capacity_kw  int NOT NULL CHECK (power_capacity_kw > 0),
    cooling_type       cooling_type NOT NULL,
    gpu_slot_capacity  int NOT NULL CHECK (gpu_slot_capacity > 0),
    active             boolean NOT NULL DEFAULT true,
    version            int NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sites_name_key ON sites (lower(name));
CREATE INDEX sites_region_idx ON sites (region, id);

CREATE TABLE racks (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id            bigint NOT NULL REFERENCES sites (id),
    name               text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100
                                            AND name = btrim(name)),
    slot_capacity      int NOT NULL CHECK (slot_capacity > 0),
    power_capacity_kw  int NOT NULL CHECK (power_capacity_kw > 0),
    version            int NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    -- The target of the (rack, site) foreign keys below: a rack named
    -- together with a site must be inside it.
    CONSTRAINT racks_site_key UNIQUE (id, site_id)
);
CREATE UNIQUE INDEX racks_name_key ON racks (site_id, lower(name));

CREATE TABLE allocations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id     bigint NOT NULL REFERENCES sites (id),
    rack_id     bigint,
    tenant_id   bigint NOT NULL REFERENCES organizations (id),
    purpose     text NOT NULL CHECK (char_length(purpose) BETWEEN 1 AND 1000),
    starts_on   date NOT NULL,
    ends_on     date,                  -- NULL: open-ended
    status      allocation_status NOT NULL DEFAULT 'active',
    created_by  bigint NOT NULL REFERENCES users (id),
    ended_at    timestamptz,
    ended_by    bigint REFERENCES users (id),
    end_reason  text CHECK (char_length(end_reason) <= 1000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT allocations_dates_check CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CONSTRAINT allocations_ended_check
        CHECK ((status = 'ended') = (ended_at IS NOT NULL AND ended_by IS NOT NULL)),
    CONSTRAINT allocations_rack_fkey FOREIGN KEY (rack_id, site_id)
        REFERENCES racks (id, site_id)
);
CREATE INDEX allocations_site_idx ON allocations (site_id, id);
CREATE INDEX allocations_tenant_idx ON allocations (tenant_id, id);
CREATE INDEX allocations_status_idx ON allocations (status, id);

-- Which assets an allocation holds, and held: a returned or ended asset
-- keeps its row with removed_at set. An asset is in at most one active
-- allocation at a time.
CREATE TABLE allocation_assets (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    allocation_id  bigint NOT NULL REFERENCES allocations (id),
    asset_id       bigint NOT NULL REFERENCES assets (id),
    added_at       timestamptz NOT NULL DEFAULT now(),
    removed_at     timestamptz,
    removed_reason text CHECK (removed_reason IN ('returned', 'ended')),
    CONSTRAINT allocation_assets_removed_check
        CHECK ((removed_at IS NULL) = (removed_reason IS NULL))
);
CREATE UNIQUE INDEX allocation_assets_active_key ON allocation_assets (asset_id)
    WHERE removed_at IS NULL;
CREATE INDEX allocation_assets_allocation_idx ON allocation_assets (allocation_id, asset_id);

-- Where an asset is: the site from 0002 gets its foreign key, and a rack.
ALTER TABLE assets
    ADD CONSTRAINT assets_site_id_fkey FOREIGN KEY (site_id) REFERENCES sites (id),
    ADD COLUMN rack_id bigint,
    ADD CONSTRAINT assets_rack_fkey FOREIGN KEY (rack_id, site_id) REFERENCES racks (id, site_id);
CREATE INDEX assets_rack_idx ON assets (rack_id, id) WHERE rack_id IS NOT NULL;
-- Allocation by count takes the lowest ids of a model in stock.
CREATE INDEX assets_in_stock_idx ON assets (gpu_model_id, id) WHERE status = 'in_stock';

-- The assets that take a slot and draw power where they are: one
-- definition for the capacity checks and the utilisation report.
CREATE VIEW asset_placements AS
    SELECT a.id, a.site_id, a.rack_id, a.tenant_id, a.gpu_model_id, a.status,
           m.tdp_watts
      FROM assets a JOIN gpu_models m ON m.id = a.gpu_model_id
     WHERE a.site_id IS NOT NULL
       AND a.status IN ('allocated', 'installed', 'in_service');

-- A tenant is an active institute, university or company; a ministry or a
-- vendor cannot hold GPUs.
CREATE FUNCTION allocations_tenant_fit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM organizations
                    WHERE id = NEW.tenant_id AND active
                      AND kind IN ('institute', 'university', 'company')) THEN
        RAISE EXCEPTION 'organization % is not an active institute, university or company',
            NEW.tenant_id
            USING ERRCODE = 'foreign_key_violation',
                  CONSTRAINT = 'allocations_tenant_id_fkey';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER allocations_tenant_fit BEFORE INSERT OR UPDATE OF tenant_id
    ON allocations FOR EACH ROW EXECUTE FUNCTION allocations_tenant_fit();

CREATE TRIGGER sites_touch BEFORE UPDATE ON sites
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER racks_touch BEFORE UPDATE ON racks
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER allocations_touch BEFORE UPDATE ON allocations
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TRIGGER sites_audit AFTER INSERT OR UPDATE OR DELETE ON sites
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER racks_audit AFTER INSERT OR UPDATE OR DELETE ON racks
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER allocations_audit AFTER INSERT OR UPDATE OR DELETE ON allocations
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER allocation_assets_audit AFTER INSERT OR UPDATE OR DELETE ON allocation_assets
    FOR EACH ROW EXECUTE FUNCTION audit_row();
