-- Organisations, users and GPU models are edited by people, like
-- programmes and orders: each carries a version, bumped by every PATCH,
-- whose ETag a change must send as If-Match (428 without, 412 when stale).
-- gpu_models belongs to procurement; it is here so that the three records
-- people edit in the administration screens change together.
ALTER TABLE organizations ADD COLUMN version int NOT NULL DEFAULT 1;
ALTER TABLE users         ADD COLUMN version int NOT NULL DEFAULT 1;
ALTER TABLE gpu_models    ADD COLUMN version int NOT NULL DEFAULT 1;
