-- Inserts are audited once per statement: a CSV upload inserts 30,000
-- delivery units in one statement, and a plpgsql call per row was a third
-- of its time. The events are the same as audit_row() wrote, one per row
-- with the same columns and values, in the order the rows were inserted
-- (the transition table keeps it, and a plain INSERT ... SELECT of it
-- hands out ids in that order). Updates and deletes stay with audit_row(),
-- row by row: a transition table needs a trigger of one event only.

-- Like audit_insert() (sql/0016), for every row of the statement at once.
-- A statement that inserted nothing leaves no event, and, as before, is
-- not refused without a context.
CREATE FUNCTION audit_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    channel text := nullif(current_setting('registry.channel', true), '');
BEGIN
    IF channel IS NULL THEN
        IF EXISTS (SELECT 1 FROM inserted) THEN
            RAISE EXCEPTION 'insert of % without an audit context', TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NULL;
    END IF;
    INSERT INTO audit_events (actor_user_id, actor_org_id, actor_roles, channel,
                              request_id, client_addr, table_name, record_id,
                              action, before, after)
    SELECT nullif(current_setting('registry.actor_user_id', true), '')::bigint,
           nullif(current_setting('registry.actor_org_id', true), '')::bigint,
           coalesce(nullif(current_setting('registry.actor_roles', true), '')::text[], '{}'),
           channel::audit_channel,
           nullif(current_setting('registry.request_id', true), ''),
           nullif(current_setting('registry.client_addr', true), '')::inet,
           TG_TABLE_NAME, r.after ->> 'id', 'insert', NULL, r.after
      FROM (SELECT to_jsonb(i) - coalesce(TG_ARGV, '{}') AS after FROM inserted i) r;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION audit_inserted() FROM PUBLIC;

-- Every table audited by audit_row() gets the split: its trigger keeps its
-- name and its arguments (the columns kept out of the trail) for updates
-- and deletes, and <name>_insert audits inserts. One rule for all of
-- them; tests/api/audit/audit.test.mjs checks that no table is left out.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT g.tgname, n.nspname, c.relname, g.tgtype, g.tgattr, g.tgqual,
                    substring(pg_get_triggerdef(g.oid)
                              FROM 'EXECUTE FUNCTION audit_row\((.*)\)$') AS args
               FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
                    JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE g.tgfoid = 'audit_row()'::regprocedure AND NOT g.tgisinternal
              ORDER BY c.relname, g.tgname LOOP
        -- AFTER INSERT OR UPDATE OR DELETE, FOR EACH ROW, on every column,
        -- without WHEN: anything else would need its own thought.
        IF t.tgtype <> (1 | 4 | 8 | 16) OR t.tgattr::text <> '' OR t.tgqual IS NOT NULL
           OR t.args IS NULL THEN
            RAISE EXCEPTION 'audit trigger % on % is not of the usual form', t.tgname, t.relname;
        END IF;
        EXECUTE format('DROP TRIGGER %I ON %I.%I', t.tgname, t.nspname, t.relname);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OR DELETE ON %I.%I'
                       ' FOR EACH ROW EXECUTE FUNCTION audit_row(%s)',
                       t.tgname, t.nspname, t.relname, t.args);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I.%I'
                       ' REFERENCING NEW TABLE AS inserted'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION audit_inserted(%s)',
                       t.tgname || '_insert', t.nspname, t.relname, t.args);
    END LOOP;
END $$;
