/* db_org_keys.c -- SQL of organisation signing keys. */
#include "calls/db_org_keys.h"

#include <stdbool.h>

#define KEY_JSON \
	"json_build_object('id', k.id, 'key_id', k.key_id," \
	" 'public_key', encode(k.public_key, 'base64'), 'label', k.label," \
	" 'added_at', seoul_text(k.added_at), 'added_by', k.added_by," \
	" 'revoked_at', seoul_text(k.revoked_at), 'revoked_by', k.revoked_by)::text"

const struct db_stmt db_org_keys_stmts[] = {
	{ "org_keys_list",
	  "SELECT " KEY_JSON " FROM organization_keys k WHERE k.organization_id = $1"
	  " ORDER BY k.id DESC", 1 },
	{ "org_key_add",
	  "WITH k AS (INSERT INTO organization_keys (organization_id, public_key, label, added_by,"
	  " added_at) VALUES ($1, decode($2, 'hex'), $3, $4, $5) RETURNING *) SELECT " KEY_JSON
	  " FROM k", 5 },
	{ "org_key_lock",
	  "SELECT revoked_at IS NOT NULL AS revoked FROM organization_keys"
	  " WHERE organization_id = $1 AND id = $2 FOR UPDATE", 2 },
	{ "org_key_revoke",
	  "WITH k AS (UPDATE organization_keys SET revoked_at = $3, revoked_by = $4"
	  " WHERE organization_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING *)"
	  " SELECT " KEY_JSON " FROM k", 4 },
	{ "org_key_get",
	  "SELECT " KEY_JSON " FROM organization_keys k WHERE k.organization_id = $1 AND k.id = $2", 2 },
	{ "org_keys_active",
	  "SELECT json_build_object('id', id, 'key_id', key_id,"
	  " 'public_key', encode(public_key, 'hex'))::text FROM organization_keys"
	  " WHERE organization_id = $1 AND revoked_at IS NULL ORDER BY id", 1 },
	{ NULL, NULL, 0 }
};

int
db_org_keys_list(struct db *db, int64_t org, json_t **rows)
{
	return db_json_rows_by_id(db, "org_keys_list", org, rows);
}

int
db_org_key_add(struct db *db, int64_t org, int64_t user_id, const char *public_key_hex,
    const char *label, const char *at, json_t **out)
{
	return db_json_one(db, "org_key_add", DB_PARAMS(DB_INT(org), DB_STR(public_key_hex),
	    DB_STR(label), DB_INT(user_id), DB_STR(at)), out);
}

int
db_org_key_revoke(struct db *db, int64_t org, int64_t id, int64_t user_id, const char *at,
    json_t **out, bool *was_revoked)
{
	PGresult *res = db_exec(db, "org_key_lock", DB_PARAMS(DB_INT(org), DB_INT(id)));
	int rc = 0;

	if (res == NULL)
		return -1;
	*out = NULL;
	*was_revoked = false;
	if (PQntuples(res) == 1)
		rc = db_row(db, res, 0, DB_COLS(DB_COL_BOOL("revoked", was_revoked)));
	else
		id = 0;
	PQclear(res);
	if (rc != 0 || id == 0)
		return rc;
	if (*was_revoked)
		return db_json_one(db, "org_key_get", DB_PARAMS(DB_INT(org), DB_INT(id)), out);
	return db_json_one(db, "org_key_revoke", DB_PARAMS(DB_INT(org), DB_INT(id), DB_STR(at),
	    DB_INT(user_id)), out);
}

int
db_org_keys_active(struct db *db, int64_t org, json_t **rows)
{
	return db_json_rows_by_id(db, "org_keys_active", org, rows);
}
