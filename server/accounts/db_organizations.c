/* db_organizations.c -- SQL of organisations. */
#include "accounts/db_organizations.h"

#include <stdio.h>

#include "db/db_stmts.h"

#define ORG_JSON \
	"json_build_object('id', o.id, 'name', o.name, 'kind', o.kind," \
	" 'registration_number', o.registration_number, 'country', o.country," \
	" 'active', o.active, 'version', o.version, 'created_at', o.created_at," \
	" 'updated_at', o.updated_at)::text"

const struct db_stmt db_organizations_stmts[] = {
	{ "org_list",
	  "SELECT " ORG_JSON " FROM organizations o"
	  " WHERE o.id > $1 AND ($3::org_kind IS NULL OR o.kind = $3::org_kind)"
	  "   AND ($4::boolean IS NULL OR o.active = $4::boolean)"
	  "   AND ($5::text IS NULL OR strpos(lower(o.name), lower($5)) > 0)"
	  " ORDER BY o.id LIMIT $2", 5 },
	{ "org_get", "SELECT " ORG_JSON " FROM organizations o WHERE o.id = $1", 1 },
	{ "org_create",
	  "INSERT INTO organizations AS o (name, kind, registration_number, country)"
	  " VALUES ($1, $2::org_kind, $3, coalesce($4, 'KR'))"
	  " RETURNING " ORG_JSON, 4 },
	/* $4 says whether registration_number is given: null is a value. */
	{ "org_update",
	  "UPDATE organizations AS o SET name = coalesce($2, o.name),"
	  "       kind = coalesce($3::org_kind, o.kind),"
	  "       registration_number = CASE WHEN $4::boolean THEN $5 ELSE o.registration_number END,"
	  "       country = coalesce($6, o.country),"
	  "       active = coalesce($7::boolean, o.active), version = o.version + 1"
	  " WHERE o.id = $1 RETURNING " ORG_JSON, 7 },
	{ "org_lock", "SELECT version FROM organizations WHERE id = $1 FOR UPDATE", 1 },
	{ NULL, NULL, 0 }
};

int
db_organizations_list(struct db *db, const struct org_filter *f, json_t **rows)
{
	return db_json_rows(db, "org_list", DB_PARAMS(DB_INT(f->after), DB_INT(f->limit),
	    DB_STR(f->kind), DB_STR(f->active), DB_STR(f->q)), rows);
}

int
db_organizations_get(struct db *db, int64_t id, json_t **org)
{
	return db_json_one_by_id(db, "org_get", id, org);
}

int
db_organizations_create(struct db *db, const json_t *fields, json_t **org)
{
	return db_json_one(db, "org_create", DB_PARAMS(DB_JSON_STR(fields, "name"),
	    DB_JSON_STR(fields, "kind"), DB_JSON_STR(fields, "registration_number"),
	    DB_JSON_STR(fields, "country")), org);
}

int
db_organizations_update(struct db *db, int64_t id, const json_t *fields, json_t **org)
{
	return db_json_one(db, "org_update", DB_PARAMS(DB_INT(id), DB_JSON_STR(fields, "name"),
	    DB_JSON_STR(fields, "kind"), DB_JSON_HAS(fields, "registration_number"),
	    DB_JSON_STR(fields, "registration_number"), DB_JSON_STR(fields, "country"),
	    DB_JSON_BOOL(fields, "active")), org);
}
