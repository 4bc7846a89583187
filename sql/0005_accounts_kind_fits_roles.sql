-- An organisation's kind must keep fitting its users' roles: 0001 checks a
-- user's roles against the kind when the user changes, and this checks the
-- other side, when the kind changes. One definition of what fits serves
-- both.
CREATE FUNCTION roles_fit_kind(roles user_role[], k org_kind) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$
    SELECT NOT (('admin' = ANY (roles) OR 'officer' = ANY (roles)) AND k <> 'ministry'
             OR 'auditor' = ANY (roles) AND k NOT IN ('auditor', 'ministry')
             OR 'vendor' = ANY (roles) AND k NOT IN ('vendor', 'company')
             OR 'tenant' = ANY (roles) AND k NOT IN ('institute', 'university', 'company'))
$$;

-- The kind is read FOR SHARE: a change of kind under way waits for this
-- user, or this user for it, so that the two checks cannot both pass.
CREATE OR REPLACE FUNCTION users_roles_fit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k org_kind;
BEGIN
    SELECT kind INTO k FROM organizations WHERE id = NEW.organization_id FOR SHARE;
    IF k IS NULL THEN
        RETURN NEW;              -- the foreign key reports it
    END IF;
    IF NOT roles_fit_kind(NEW.roles, k) THEN
        RAISE EXCEPTION 'roles % do not fit an organization of kind %', NEW.roles, k
            USING ERRCODE = 'check_violation', CONSTRAINT = 'users_roles_fit_organization';
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION organizations_kind_fits_users() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    misfits text;
BEGIN
    SELECT string_agg(format('%s (%s)', u.email, array_to_string(u.roles, ', ')), '; '
                      ORDER BY u.id)
      INTO misfits FROM users u
     WHERE u.organization_id = NEW.id AND NOT roles_fit_kind(u.roles, NEW.kind);
    IF misfits IS NOT NULL THEN
        RAISE EXCEPTION 'an organization of kind % cannot have the roles of these users: %; '
            'change their roles first', NEW.kind, misfits
            USING ERRCODE = 'check_violation', CONSTRAINT = 'organizations_kind_fits_users';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER organizations_kind_fits_users BEFORE UPDATE OF kind ON organizations
    FOR EACH ROW WHEN (NEW.kind IS DISTINCT FROM OLD.kind)
    EXECUTE FUNCTION organizations_kind_fits_users();
