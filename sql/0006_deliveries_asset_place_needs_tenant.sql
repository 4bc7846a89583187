-- Where an asset is belongs to its allocation: a site and a rack only
-- while a tenant holds it. An asset sent for RMA from an allocation kept
-- its site when the allocation ended; those rows lose it here (the
-- migration's audit context records the change), and the rule holds from
-- now on.
UPDATE assets SET site_id = NULL, rack_id = NULL
 WHERE tenant_id IS NULL AND (site_id IS NOT NULL OR rack_id IS NOT NULL);
ALTER TABLE assets ADD CONSTRAINT assets_place_needs_tenant
    CHECK (tenant_id IS NOT NULL OR (site_id IS NULL AND rack_id IS NULL));
