/* db_sessions.c -- SQL of sessions and of failed sign-ins. */
#include "auth/db_sessions.h"

#include <string.h>

#include "lib/roles.h"

const struct db_stmt db_sessions_stmts[] = {
	{ "session_lookup",
	  "SELECT s.id AS session_id, u.id AS user_id, u.organization_id AS org_id,"
	  "       u.roles::text AS roles,"
	  "       EXISTS (SELECT 1 FROM second_factor_roles p WHERE p.role = ANY (u.roles))"
	  "       AND NOT EXISTS (SELECT 1 FROM user_totp t"
	  "                        WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)"
	  "         AS enrol_only"
	  "  FROM sessions s JOIN users u ON u.id = s.user_id"
	  "  JOIN organizations o ON o.id = u.organization_id"
	  " WHERE s.token_hash = $1::bytea AND s.revoked_at IS NULL"
	  "   AND s.expires_at > now() AND u.active AND o.active", 1 },
	{ "session_account",
	  "SELECT u.id AS user_id, u.organization_id AS org_id, u.roles::text AS roles,"
	  "       u.password_hash, u.active AND o.active AS active"
	  "  FROM users u JOIN organizations o ON o.id = u.organization_id"
	  " WHERE lower(u.email) = lower($1)", 1 },
	{ "session_attempt_begin",
	  "SELECT coalesce(attempt_id, 0) AS attempt_id, coalesce(retry_after, 0) AS retry_after,"
	  "       coalesce(reason, '') AS reason"
	  "  FROM login_attempt_begin($1, nullif($2, '')::inet, $3::int, $4::int, $5::int, $6::int)",
	  6 },
	{ "session_attempt_succeeded",
	  "SELECT login_attempt_succeeded($1, $2)", 2 },
	{ "session_attempt_forget",
	  "DELETE FROM login_failures WHERE id = $1", 1 },
	{ "session_create",
	  "INSERT INTO sessions (token_hash, user_id, expires_at)"
	  " VALUES ($1::bytea, $2, now() + make_interval(hours => $3::int))"
	  " RETURNING to_json(expires_at)::text", 3 },
	{ "session_revoke",
	  "UPDATE sessions SET revoked_at = now()"
	  " WHERE token_hash = $1::bytea AND revoked_at IS NULL", 1 },
	{ "session_revoke_user",
	  "UPDATE sessions SET revoked_at = now()"
	  " WHERE user_id = $1 AND revoked_at IS NULL", 1 },
	{ "session_revoke_org",
	  "UPDATE sessions SET revoked_at = now()"
	  " WHERE revoked_at IS NULL"
	  "   AND user_id IN (SELECT id FROM users WHERE organization_id = $1)", 1 },
	{ NULL, NULL, 0 }
};

int
db_session_lookup(struct db *db, const char *hash_hex, struct session *s)
{
	PGresult *res = db_exec(db, "session_lookup", DB_PARAMS(DB_STR(hash_hex)));
	int rc = 0;

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		rc = db_row(db, res, 0, DB_COLS(DB_COL_INT("session_id", &s->id),
		    DB_COL_INT("user_id", &s->user_id), DB_COL_INT("org_id", &s->org_id),
		    DB_COL_TEXT("roles", s->roles_text),
		    DB_COL_BOOL("enrol_only", &s->enrol_only))) == 0 ? 1 : -1;
		s->roles = roles_parse(s->roles_text);
	}
	PQclear(res);
	return rc;
}

int
db_session_account(struct db *db, const char *email, struct login_account *a)
{
	PGresult *res = db_exec(db, "session_account", DB_PARAMS(DB_STR(email)));
	int rc = 0;

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1)
		rc = db_row(db, res, 0, DB_COLS(DB_COL_INT("user_id", &a->user_id),
		    DB_COL_INT("org_id", &a->org_id), DB_COL_TEXT("roles", a->roles),
		    DB_COL_TEXT("password_hash", a->password_hash),
		    DB_COL_BOOL("active", &a->active))) == 0 ? 1 : -1;
	PQclear(res);
	return rc;
}

int
db_session_attempt_begin(struct db *db, const char *email, const char *addr,
    const struct login_limits *lim, struct login_attempt *a)
{
	PGresult *res = db_exec(db, "session_attempt_begin", DB_PARAMS(DB_STR(email), DB_STR(addr),
	    DB_INT(lim->pair), DB_INT(lim->account), DB_INT(lim->address),
	    DB_INT(lim->slow_seconds)));
	int rc;

	if (res == NULL)
		return -1;
	memset(a, 0, sizeof(*a));
	rc = db_row(db, res, 0, DB_COLS(DB_COL_INT("attempt_id", &a->id),
	    DB_COL_INT("retry_after", &a->retry_after), DB_COL_TEXT("reason", a->reason)));
	PQclear(res);
	return rc;
}

int
db_session_attempt_succeeded(struct db *db, int64_t attempt_id, int64_t user_id)
{
	return db_run(db, "session_attempt_succeeded",
	    DB_PARAMS(DB_INT(attempt_id), DB_INT(user_id)));
}

int
db_session_attempt_forget(struct db *db, int64_t attempt_id)
{
	return db_run_by_id(db, "session_attempt_forget", attempt_id);
}

int
db_session_create(struct db *db, const char *hash_hex, int64_t user_id,
    unsigned hours, json_t **expires_at)
{
	return db_json_one(db, "session_create", DB_PARAMS(DB_STR(hash_hex), DB_INT(user_id),
	    DB_INT(hours)), expires_at);
}

int
db_session_revoke(struct db *db, const char *hash_hex)
{
	return db_run(db, "session_revoke", DB_PARAMS(DB_STR(hash_hex)));
}

int
db_session_revoke_user(struct db *db, int64_t user_id)
{
	return db_run_by_id(db, "session_revoke_user", user_id);
}

int
db_session_revoke_org(struct db *db, int64_t org_id)
{
	return db_run_by_id(db, "session_revoke_org", org_id);
}
