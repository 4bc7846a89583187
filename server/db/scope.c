/* scope.c -- which organisation's records a session may read. */
#include "db/scope.h"

struct db_param
db_tenant_scope(const struct session *s)
{
	if (s->roles & ROLE_STAFF)
		return DB_NULL;
	return DB_INT(s->org_id);
}

int
db_scoped_one(struct db *db, const char *stmt, const struct session *s, int64_t id,
    json_t **out)
{
	return db_json_one(db, stmt, DB_PARAMS(DB_INT(id), s ? db_tenant_scope(s) : DB_NULL), out);
}
