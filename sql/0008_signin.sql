-- Sign-in throttling that nobody can turn against another person, and
-- that counts under a lock.
--
-- A sign-in first records its attempt in login_failures and only then
-- checks the password; the row goes when the password was right. The
-- record and the count happen in login_attempt_begin() under an advisory
-- lock per account and one per address, so parallel attempts queue there
-- and each counts the ones before it: 60 parallel wrong passwords get
-- exactly the limit checked.
--
-- Limits, in 15 minutes (the caller passes them from its configuration):
--   per account and address   p_pair    refused: the pair waits
--   per address               p_addr    refused, unless the account is known there
--   per account               p_account refused from addresses the account is not
--                                       known at; from a known one, slowed to one
--                                       attempt per p_slow seconds
-- An address is known for an account once the account signed in from it
-- (user_addresses), so that an attacker elsewhere can slow, never lock,
-- the right password out.

CREATE TABLE user_addresses (
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_addr inet NOT NULL,
    last_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, client_addr)
);

-- The serving role reads, records and refreshes known addresses (0007).
INSERT INTO serving_privileges (table_name, privileges)
    VALUES ('user_addresses', 'SELECT, INSERT, UPDATE');

CREATE INDEX login_failures_pair_idx ON login_failures (lower(email), client_addr, at);

-- Records an attempt, or says why it must wait: (attempt_id, NULL, NULL)
-- or (NULL, seconds, reason) with reason pair, address, account or slow.
CREATE FUNCTION login_attempt_begin(p_email text, p_addr inet, p_pair int,
    p_account int, p_addr_max int, p_slow int)
RETURNS TABLE (attempt_id bigint, retry_after int, reason text)
LANGUAGE plpgsql AS $$
DECLARE
    w CONSTANT interval := interval '15 minutes';
    v_email text := lower(left(p_email, 254));
    v_known boolean;
    v_pair bigint;
    v_pair_first timestamptz;
    v_pair_last timestamptz;
    v_addr bigint;
    v_addr_first timestamptz;
    v_account bigint;
    v_account_first timestamptz;
BEGIN
    -- Always the account first, then the address: no two attempts wait
    -- for each other in opposite orders.
    PERFORM pg_advisory_xact_lock(hashtext('login-account'), hashtext(v_email));
    IF p_addr IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext('login-address'), hashtext(host(p_addr)));
    END IF;
    IF random() < 0.01 THEN
        DELETE FROM login_failures WHERE at < now() - interval '1 day';
    END IF;

    SELECT count(*), min(f.at), max(f.at) INTO v_pair, v_pair_first, v_pair_last
      FROM login_failures f
     WHERE lower(f.email) = v_email AND f.client_addr IS NOT DISTINCT FROM p_addr
       AND f.at > now() - w;
    SELECT count(*), min(f.at) INTO v_account, v_account_first
      FROM login_failures f
     WHERE lower(f.email) = v_email AND f.at > now() - w;
    SELECT count(*), min(f.at) INTO v_addr, v_addr_first
      FROM login_failures f
     WHERE p_addr IS NOT NULL AND f.client_addr = p_addr AND f.at > now() - w;
    SELECT EXISTS (SELECT 1 FROM user_addresses a JOIN users u ON u.id = a.user_id
                    WHERE lower(u.email) = v_email AND a.client_addr = p_addr)
      INTO v_known;

    IF v_pair >= p_pair THEN
        RETURN QUERY SELECT NULL::bigint,
            greatest(1, ceil(extract(epoch FROM v_pair_first + w - now())))::int, 'pair';
    ELSIF v_addr >= p_addr_max AND NOT v_known THEN
        RETURN QUERY SELECT NULL::bigint,
            greatest(1, ceil(extract(epoch FROM v_addr_first + w - now())))::int, 'address';
    ELSIF v_account >= p_account AND NOT v_known THEN
        RETURN QUERY SELECT NULL::bigint,
            greatest(1, ceil(extract(epoch FROM v_account_first + w - now())))::int, 'account';
    ELSIF v_account >= p_account AND v_pair_last > now() - make_interval(secs => p_slow) THEN
        RETURN QUERY SELECT NULL::bigint,
            greatest(1, ceil(extract(epoch FROM v_pair_last
                + make_interval(secs => p_slow) - now())))::int, 'slow';
    ELSE
        RETURN QUERY INSERT INTO login_failures (email, client_addr)
            VALUES (left(p_email, 254), p_addr)
            RETURNING id, NULL::int, NULL::text;
    END IF;
END;
$$;

-- The password was right: the attempt was no failure, the pair starts
-- afresh, and the address is known for the account from now on.
CREATE FUNCTION login_attempt_succeeded(p_attempt bigint, p_user bigint)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_email text;
    v_addr inet;
BEGIN
    DELETE FROM login_failures WHERE id = p_attempt
    RETURNING lower(email), client_addr INTO v_email, v_addr;
    IF v_email IS NOT NULL THEN
        DELETE FROM login_failures
         WHERE lower(email) = v_email AND client_addr IS NOT DISTINCT FROM v_addr;
    END IF;
    IF v_addr IS NOT NULL THEN
        INSERT INTO user_addresses (user_id, client_addr) VALUES (p_user, v_addr)
        ON CONFLICT (user_id, client_addr) DO UPDATE SET last_at = now();
    END IF;
END;
$$;
