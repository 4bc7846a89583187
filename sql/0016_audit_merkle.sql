-- The verifiable audit trail (docs/audit.md): every event becomes a leaf
-- of an RFC 6962 Merkle tree, at a position no later commit can change,
-- and the service signs checkpoints of the tree.

-- Besides row changes, the trail records what happened: a sign-in, a
-- failed sign-in, a download of the guidelines, an export, an opening.
-- Such events come from audit_log_event() below and never use the three
-- actions of row changes.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check
    CHECK (action ~ '^[a-z][a-z_]{0,62}$');

-- The transaction that wrote each event. Ids are handed out at insert,
-- not at commit, so an event of a transaction still running may have a
-- smaller id than one already committed: the sequencer orders by this
-- column and only takes events of transactions older than every
-- transaction still running (pg_snapshot_xmin).
ALTER TABLE audit_events ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX audit_events_tx_idx ON audit_events (tx, id);
CREATE INDEX audit_events_at_idx ON audit_events (at, id);

-- The tree: level 0 holds a leaf per event (its index and event), level
-- L > 0 the node over leaves [idx * 2^L, (idx + 1) * 2^L), kept once all
-- of them exist. Any tree size's root and proofs read O(log n) rows.
CREATE TABLE audit_tree (
    level    smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
    idx      bigint NOT NULL CHECK (idx >= 0),
    hash     bytea NOT NULL CHECK (octet_length(hash) = 32),
    event_id bigint UNIQUE REFERENCES audit_events (id),
    PRIMARY KEY (level, idx),
    CHECK ((level = 0) = (event_id IS NOT NULL))
);

-- Signed checkpoints (C2SP tlog-checkpoint as a signed note), every one
-- kept. The columns repeat what the note says, for queries.
CREATE TABLE audit_checkpoints (
    tree_size bigint PRIMARY KEY CHECK (tree_size > 0),
    root_hash bytea NOT NULL CHECK (octet_length(root_hash) = 32),
    signed_at timestamptz NOT NULL DEFAULT now(),
    key_id    text NOT NULL,
    note      text NOT NULL
);

CREATE TRIGGER audit_tree_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_tree
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse();
CREATE TRIGGER audit_checkpoints_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse();

-- One field of a leaf: its length as 4 bytes big-endian, then its UTF-8
-- bytes; NULL is the length ffffffff and no bytes.
CREATE FUNCTION audit_leaf_field(v text) RETURNS bytea
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT CASE WHEN v IS NULL THEN '\xffffffff'::bytea
                ELSE int4send(octet_length(v)) || convert_to(v, 'UTF8') END
$$;

-- The canonical bytes of an event, hashed as a leaf (docs/audit.md).
CREATE FUNCTION audit_event_leaf(e audit_events) RETURNS bytea
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT audit_leaf_field('registry-audit-event-v1')
        || audit_leaf_field(e.id::text)
        || audit_leaf_field(to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
        || audit_leaf_field(e.actor_user_id::text)
        || audit_leaf_field(e.actor_org_id::text)
        || audit_leaf_field(array_to_string(e.actor_roles, ','))
        || audit_leaf_field(e.channel::text)
        || audit_leaf_field(e.request_id)
        || audit_leaf_field(host(e.client_addr))
        || audit_leaf_field(e.table_name)
        || audit_leaf_field(e.record_id)
        || audit_leaf_field(e.action)
        || audit_leaf_field(e.before::text)
        || audit_leaf_field(e.after::text)
$$;

-- Appends up to p_max events to the tree and returns its new size. Only
-- events of transactions older than every transaction still running are
-- taken: all of those that committed are visible now, and any event that
-- becomes visible later belongs to a newer transaction, so it sorts after
-- every leaf given out here. Order: (tx, id). Runs as the tree's owner;
-- one sequencer at a time across servers (the advisory lock).
CREATE FUNCTION audit_sequence(p_max int) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    horizon  xid8;
    last_tx  xid8;
    last_id  bigint;
    old_size bigint;
    added    bigint;
    lvl      int := 1;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('registry-audit-sequence'));
    horizon := pg_snapshot_xmin(pg_current_snapshot());
    SELECT coalesce(max(idx) + 1, 0) INTO old_size FROM audit_tree WHERE level = 0;
    SELECT e.tx, e.id INTO last_tx, last_id
      FROM audit_tree t JOIN audit_events e ON e.id = t.event_id
     WHERE t.level = 0 AND t.idx = old_size - 1;
    INSERT INTO audit_tree (level, idx, hash, event_id)
    SELECT 0, old_size - 1 + row_number() OVER (ORDER BY e.tx, e.id),
           sha256('\x00'::bytea || audit_event_leaf(e)), e.id
      FROM (SELECT * FROM audit_events e
             WHERE (e.tx, e.id) > (coalesce(last_tx, '0'::xid8), coalesce(last_id, 0))
               AND e.tx < horizon
             ORDER BY e.tx, e.id LIMIT p_max) e;
    GET DIAGNOSTICS added = ROW_COUNT;
    -- The nodes the new leaves complete, level by level.
    WHILE ((old_size + added) >> lvl) > (old_size >> lvl) LOOP
        INSERT INTO audit_tree (level, idx, hash)
        SELECT lvl, l.idx / 2, sha256('\x01'::bytea || l.hash || r.hash)
          FROM audit_tree l JOIN audit_tree r ON r.level = l.level AND r.idx = l.idx + 1
         WHERE l.level = lvl - 1 AND l.idx % 2 = 0
           AND l.idx >= ((old_size >> lvl) << 1)
           AND l.idx < (((old_size + added) >> lvl) << 1);
        lvl := lvl + 1;
    END LOOP;
    RETURN old_size + added;
END $$;

-- One event with the context the server set for the transaction
-- (registry.*): who, how, from where. Both writers below call it; only
-- the owner may call it directly.
CREATE FUNCTION audit_insert(p_table text, p_record text, p_action text,
    p_before jsonb, p_after jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    channel text := nullif(current_setting('registry.channel', true), '');
    id      bigint;
BEGIN
    IF channel IS NULL THEN
        RAISE EXCEPTION '% of % without an audit context', p_action, p_table
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO audit_events (actor_user_id, actor_org_id, actor_roles, channel,
                              request_id, client_addr, table_name, record_id,
                              action, before, after)
    VALUES (nullif(current_setting('registry.actor_user_id', true), '')::bigint,
            nullif(current_setting('registry.actor_org_id', true), '')::bigint,
            coalesce(nullif(current_setting('registry.actor_roles', true), '')::text[], '{}'),
            channel::audit_channel,
            nullif(current_setting('registry.request_id', true), ''),
            nullif(current_setting('registry.client_addr', true), '')::inet,
            p_table, p_record, p_action, p_before, p_after)
    RETURNING audit_events.id INTO id;
    RETURN id;
END $$;
REVOKE ALL ON FUNCTION audit_insert(text, text, text, jsonb, jsonb) FROM PUBLIC;

-- The trigger of sql/0001, unchanged in what it records, now through
-- audit_insert().
CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    before jsonb;
    after  jsonb;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        before := to_jsonb(OLD) - coalesce(TG_ARGV, '{}');
    END IF;
    IF TG_OP <> 'DELETE' THEN
        after := to_jsonb(NEW) - coalesce(TG_ARGV, '{}');
    END IF;
    IF TG_OP = 'UPDATE' AND before = after THEN
        RETURN NULL;
    END IF;
    PERFORM audit_insert(TG_TABLE_NAME, coalesce(after, before) ->> 'id', lower(TG_OP),
                         before, after);
    RETURN NULL;
END $$;

-- Records an event that is not a row change ("sign_in", "export",
-- "guidelines_download", "proposals_open"...) in the caller's
-- transaction, detail being what the event is about. Callable by the
-- serving role, which has no INSERT on the trail: it can add such events,
-- never forge a row change nor choose an id or a time.
CREATE FUNCTION audit_log_event(p_table text, p_record text, p_action text, p_detail jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF p_action IN ('insert', 'update', 'delete') THEN
        RAISE EXCEPTION 'row changes are recorded by the trigger only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN audit_insert(p_table, coalesce(p_record, ''), p_action, NULL, p_detail);
END $$;

-- The serving role reads the tree (proofs, verification) and adds
-- checkpoints it signed; it changes neither. The sequencer runs as the
-- owner through audit_sequence(), which anyone may call: it can only
-- append the leaves that are due, computed by the database.
INSERT INTO serving_privileges (table_name, privileges) VALUES
    ('audit_tree',        'SELECT'),
    ('audit_checkpoints', 'SELECT, INSERT');
