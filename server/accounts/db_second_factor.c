/* db_second_factor.c -- SQL of the second factor. The secret leaves the
 * database only sealed (auth/totp.h); code hashes never leave it. */
#include "accounts/db_second_factor.h"

#include <string.h>

#include "db/db_stmts.h"

const struct db_stmt db_second_factor_stmts[] = {
	{ "sf_state",
	  "SELECT u.email, coalesce(t.secret_box::text, '') AS box,"
	  "       t.id IS NOT NULL AS started, t.confirmed_at IS NOT NULL AS active,"
	  "       EXISTS (SELECT 1 FROM second_factor_roles p WHERE p.role = ANY (u.roles))"
	  "         AS required,"
	  "       (SELECT count(*) FROM recovery_codes c"
	  "         WHERE c.user_id = u.id AND c.used_at IS NULL) AS codes_left"
	  "  FROM users u LEFT JOIN user_totp t ON t.user_id = u.id WHERE u.id = $1", 1 },
	{ "sf_start",
	  "INSERT INTO user_totp (user_id, secret_box) VALUES ($1, $2::bytea)"
	  " ON CONFLICT (user_id) DO UPDATE"
	  "   SET secret_box = EXCLUDED.secret_box, last_step = NULL, created_at = now()"
	  " WHERE user_totp.confirmed_at IS NULL RETURNING id", 2 },
	{ "sf_confirm",
	  "UPDATE user_totp SET confirmed_at = now(), last_step = $2"
	  " WHERE user_id = $1 AND confirmed_at IS NULL AND coalesce(last_step, -1) < $2"
	  " RETURNING id", 2 },
	{ "sf_use_step",
	  "UPDATE user_totp SET last_step = $2"
	  " WHERE user_id = $1 AND confirmed_at IS NOT NULL AND coalesce(last_step, -1) < $2"
	  " RETURNING id", 2 },
	{ "sf_use_code",
	  "UPDATE recovery_codes SET used_at = now()"
	  " WHERE user_id = $1 AND code_hash = decode($2, 'hex') AND used_at IS NULL"
	  " RETURNING id", 2 },
	{ "sf_codes_clear", "DELETE FROM recovery_codes WHERE user_id = $1", 1 },
	{ "sf_codes_add",
	  "INSERT INTO recovery_codes (user_id, code_hash)"
	  " SELECT $1, decode(h, 'hex') FROM unnest($2::text[]) AS h", 2 },
	{ "sf_remove", "DELETE FROM user_totp WHERE user_id = $1", 1 },
	{ "sf_policy_get",
	  "SELECT json_build_object('required_roles',"
	  "       coalesce((SELECT json_agg(role ORDER BY role) FROM second_factor_roles),"
	  "                '[]'::json))::text", 0 },
	{ "sf_policy_drop",
	  "DELETE FROM second_factor_roles WHERE role <> ALL ($1::user_role[])", 1 },
	{ "sf_policy_add",
	  "INSERT INTO second_factor_roles (role) SELECT unnest($1::user_role[])"
	  " ON CONFLICT (role) DO NOTHING", 1 },
	{ NULL, NULL, 0 }
};

int
db_sf_state(struct db *db, int64_t user_id, struct sf_state *s)
{
	PGresult *res = db_exec(db, "sf_state", DB_PARAMS(DB_INT(user_id)));
	int rc = 0;

	if (res == NULL)
		return -1;
	memset(s, 0, sizeof(*s));
	if (PQntuples(res) == 1)
		rc = db_row(db, res, 0, DB_COLS(DB_COL_TEXT("email", s->email),
		    DB_COL_TEXT("box", s->box), DB_COL_BOOL("started", &s->started),
		    DB_COL_BOOL("active", &s->active), DB_COL_BOOL("required", &s->required),
		    DB_COL_INT("codes_left", &s->codes_left))) == 0 ? 1 : -1;
	PQclear(res);
	return rc;
}

/* Runs a statement that returns an id when it changed a row: 1, 0 or -1. */
static int
changed(struct db *db, const char *stmt, int64_t user_id, struct db_param p)
{
	int64_t id = 0;

	if (db_one_int(db, stmt, DB_PARAMS(DB_INT(user_id), p), &id) != 0)
		return -1;
	return id != 0;
}

int
db_sf_start(struct db *db, int64_t user_id, const char *box_hex)
{
	return changed(db, "sf_start", user_id, DB_STR(box_hex));
}

int
db_sf_confirm(struct db *db, int64_t user_id, int64_t step)
{
	return changed(db, "sf_confirm", user_id, DB_INT(step));
}

int
db_sf_use_step(struct db *db, int64_t user_id, int64_t step)
{
	return changed(db, "sf_use_step", user_id, DB_INT(step));
}

int
db_sf_use_code(struct db *db, int64_t user_id, const char *hash_hex)
{
	return changed(db, "sf_use_code", user_id, DB_STR(hash_hex));
}

int
db_sf_codes_replace(struct db *db, int64_t user_id, const char *hashes)
{
	if (db_run_by_id(db, "sf_codes_clear", user_id) != 0)
		return -1;
	return db_run(db, "sf_codes_add", DB_PARAMS(DB_INT(user_id), DB_STR(hashes)));
}

int
db_sf_remove(struct db *db, int64_t user_id)
{
	if (db_run_by_id(db, "sf_codes_clear", user_id) != 0)
		return -1;
	return db_run_by_id(db, "sf_remove", user_id);
}

int
db_sf_policy_get(struct db *db, json_t **out)
{
	return db_json_one(db, "sf_policy_get", DB_NO_PARAMS, out);
}

int
db_sf_policy_set(struct db *db, const char *roles)
{
	if (db_run(db, "sf_policy_drop", DB_PARAMS(DB_STR(roles))) != 0)
		return -1;
	return db_run(db, "sf_policy_add", DB_PARAMS(DB_STR(roles)));
}
