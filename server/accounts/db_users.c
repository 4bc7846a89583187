/* db_users.c -- SQL of user accounts. Never selects password_hash into
 * JSON: the hash leaves the database only for sign-in (db_sessions.c).
 * A user carries whether a confirmed second factor exists (not the
 * factor), so that an administrator knows when a reset is meaningful. */
#include "accounts/db_users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_stmts.h"

#define USER_JSON \
	"json_build_object('id', u.id, 'email', u.email, 'name', u.name," \
	" 'organization_id', u.organization_id," \
	" 'organization', json_build_object('id', o.id, 'name', o.name, 'kind', o.kind)," \
	" 'roles', u.roles, 'active', u.active, 'version', u.version," \
	" 'second_factor_active', EXISTS (SELECT 1 FROM user_totp t" \
	"   WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)," \
	" 'created_at', u.created_at, 'updated_at', u.updated_at)::text"
#define USER_FROM " FROM u JOIN organizations o ON o.id = u.organization_id"

const struct db_stmt db_users_stmts[] = {
	{ "user_list",
	  "WITH u AS (SELECT * FROM users WHERE id > $1"
	  "   AND ($3::bigint IS NULL OR organization_id = $3::bigint)"
	  "   AND ($4::user_role IS NULL OR $4::user_role = ANY (roles))"
	  "   AND ($5::boolean IS NULL OR active = $5::boolean)"
	  " ORDER BY id LIMIT $2)"
	  " SELECT " USER_JSON USER_FROM " ORDER BY u.id", 5 },
	{ "officers_list",
	  "SELECT json_build_object('id', id, 'name', name, 'email', email)::text FROM users"
	  " WHERE id > $1 AND active AND 'officer' = ANY (roles) ORDER BY id LIMIT $2", 2 },
	{ "user_get",
	  "WITH u AS (SELECT * FROM users WHERE id = $1) SELECT " USER_JSON USER_FROM, 1 },
	{ "user_create",
	  "WITH u AS (INSERT INTO users (email, name, organization_id, roles, password_hash)"
	  " VALUES ($1, $2, $3::bigint, $4::user_role[], $5) RETURNING *)"
	  " SELECT " USER_JSON USER_FROM, 5 },
	{ "user_update",
	  "WITH u AS (UPDATE users SET email = coalesce($2, email), name = coalesce($3, name),"
	  "       organization_id = coalesce($4::bigint, organization_id),"
	  "       roles = coalesce($5::user_role[], roles),"
	  "       active = coalesce($6::boolean, active),"
	  "       password_hash = coalesce($7, password_hash), version = version + 1"
	  " WHERE id = $1 RETURNING *)"
	  " SELECT " USER_JSON USER_FROM, 7 },
	{ "user_lock", "SELECT version FROM users WHERE id = $1 FOR UPDATE", 1 },
	{ "user_count", "SELECT count(*) FROM users", 0 },
	{ "user_org_find", "SELECT id FROM organizations WHERE name = $1", 1 },
	{ "user_org_add",
	  "INSERT INTO organizations (name, kind) VALUES ($1, $2::org_kind) RETURNING id", 2 },
	{ NULL, NULL, 0 }
};

int
db_users_list(struct db *db, const struct user_filter *f, json_t **rows)
{
	return db_json_rows(db, "user_list", DB_PARAMS(DB_INT(f->after), DB_INT(f->limit),
	    DB_STR(f->organization_id), DB_STR(f->role), DB_STR(f->active)), rows);
}

int
db_users_officers(struct db *db, int64_t after, int limit, json_t **rows)
{
	return db_json_rows(db, "officers_list", DB_PARAMS(DB_INT(after), DB_INT(limit)), rows);
}

int
db_users_get(struct db *db, int64_t id, json_t **user)
{
	return db_json_one_by_id(db, "user_get", id, user);
}

int
db_users_create(struct db *db, const struct user_fields *u, json_t **user)
{
	return db_json_one(db, "user_create", DB_PARAMS(DB_STR(u->email), DB_STR(u->name),
	    u->organization_id, DB_STR(u->roles), DB_STR(u->password_hash)), user);
}

int
db_users_update(struct db *db, int64_t id, const struct user_fields *u, json_t **user)
{
	return db_json_one(db, "user_update", DB_PARAMS(DB_INT(id), DB_STR(u->email),
	    DB_STR(u->name), u->organization_id, DB_STR(u->roles), DB_STR(u->active),
	    DB_STR(u->password_hash)), user);
}

int
db_users_count(struct db *db, int64_t *n)
{
	return db_one_int(db, "user_count", DB_NO_PARAMS, n);
}

int
db_users_org_ensure(struct db *db, const char *name, const char *kind, int64_t *id)
{
	if (db_one_int(db, "user_org_find", DB_PARAMS(DB_STR(name)), id) != 0)
		return -1;
	if (*id != 0 || kind == NULL)
		return 0;
	return db_one_int(db, "user_org_add", DB_PARAMS(DB_STR(name), DB_STR(kind)), id);
}

void
db_users_roles_text(const json_t *roles, char *out, size_t outlen)
{
	size_t i, len;
	const json_t *v;

	len = (size_t)snprintf(out, outlen, "{");
	json_array_foreach(roles, i, v)
		if (len < outlen)
			len += (size_t)snprintf(out + len, outlen - len, "%s%s", i ? "," : "",
			    json_string_value(v));
	if (len < outlen)
		snprintf(out + len, outlen - len, "}");
}
