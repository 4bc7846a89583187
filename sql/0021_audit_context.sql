-- Who is acting, read once for every audit writer: audit_insert() (a row
-- at a time, sql/0016) and audit_inserted() (a statement's rows, sql/0019)
-- had each their own copy of this mapping from the transaction's settings
-- (set by db_begin(), by `registry` on the command line) to the trail's
-- columns, free to drift apart. Both now read it here; what they record
-- is unchanged. No SET clause, every name schema-qualified, so that
-- PostgreSQL can inline it and no search_path can change what it reads.
CREATE FUNCTION audit_context() RETURNS TABLE (actor_user_id bigint, actor_org_id bigint,
    actor_roles text[], channel public.audit_channel, request_id text, client_addr inet)
LANGUAGE sql STABLE AS $$
    SELECT nullif(pg_catalog.current_setting('registry.actor_user_id', true), '')::bigint,
           nullif(pg_catalog.current_setting('registry.actor_org_id', true), '')::bigint,
           coalesce(nullif(pg_catalog.current_setting('registry.actor_roles', true), '')::text[],
                    '{}'),
           nullif(pg_catalog.current_setting('registry.channel', true), '')::public.audit_channel,
           nullif(pg_catalog.current_setting('registry.request_id', true), ''),
           nullif(pg_catalog.current_setting('registry.client_addr', true), '')::inet
$$;
REVOKE ALL ON FUNCTION audit_context() FROM PUBLIC;

CREATE OR REPLACE FUNCTION audit_insert(p_table text, p_record text, p_action text,
    p_before jsonb, p_after jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    id bigint;
BEGIN
    IF nullif(current_setting('registry.channel', true), '') IS NULL THEN
        RAISE EXCEPTION '% of % without an audit context', p_action, p_table
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO audit_events (actor_user_id, actor_org_id, actor_roles, channel,
                              request_id, client_addr, table_name, record_id,
                              action, before, after)
    SELECT c.*, p_table, p_record, p_action, p_before, p_after FROM audit_context() c
    RETURNING audit_events.id INTO id;
    RETURN id;
END $$;

CREATE OR REPLACE FUNCTION audit_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF nullif(current_setting('registry.channel', true), '') IS NULL THEN
        IF EXISTS (SELECT 1 FROM inserted) THEN
            RAISE EXCEPTION 'insert of % without an audit context', TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NULL;
    END IF;
    -- One context row beside the statement's rows, taken in their order.
    INSERT INTO audit_events (actor_user_id, actor_org_id, actor_roles, channel,
                              request_id, client_addr, table_name, record_id,
                              action, before, after)
    SELECT c.*, TG_TABLE_NAME, r.after ->> 'id', 'insert', NULL, r.after
      FROM audit_context() c,
           LATERAL (SELECT to_jsonb(i) - coalesce(TG_ARGV, '{}') AS after FROM inserted i) r;
    RETURN NULL;
END $$;
