-- The audit trail filtered by the actor's organisation (the browser's
-- "whose organisation" filter, GET /api/v1/audit/events?actor_org_id=)
-- pages newest first by id: like the filters by record and by user, it
-- needs its own (x, id) index, or an organisation with few events makes
-- PostgreSQL walk the whole trail backwards to fill a page.
CREATE INDEX audit_events_actor_org_idx ON audit_events (actor_org_id, id);
