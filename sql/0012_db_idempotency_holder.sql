-- An Idempotency-Key's claim names the connection that holds it, so that a
-- claim whose request is gone (the database restarted, the server was
-- killed) is free again at once, not after five minutes; and it records,
-- in the request's own transaction, that the request's writes committed,
-- so that such a claim is never taken again, even when its reply was lost
-- with the connection (server/db/db_idempotency.c).
ALTER TABLE idempotency_keys
    ADD COLUMN holder_pid     integer,
    ADD COLUMN holder_started timestamptz,
    ADD COLUMN committed      boolean NOT NULL DEFAULT false;
