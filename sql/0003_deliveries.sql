-- Deliveries and assets: what 0002 leaves to the delivery endpoints.

-- A serial is one unit of a delivery, whatever its inspection result: an
-- upload of the same file again finds its units here (one index probe a
-- row) and never adds them twice, even for units that failed inspection
-- and so left delivery_units_serial_key.
CREATE UNIQUE INDEX delivery_units_delivery_serial_key
    ON delivery_units (delivery_id, upper(serial));

-- Deliveries by their PO's vendor are found through purchase_orders; the
-- status filter of the list needs an index of its own once there are many.
CREATE INDEX deliveries_status_idx ON deliveries (status, id);
