/* scope.c -- which organisation's records a session may read. */
#include "db/scope.h"

const char *
db_tenant_scope(const struct session *s, char buf[24])
{
	if (s->roles & ROLE_STAFF)
		return NULL;
	return db_int(buf, s->org_id);
}

int
db_scoped_one(struct db *db, const char *stmt, const struct session *s, int64_t id,
    json_t **out)
{
	char sid[24], scope[24];
	const char *p[2] = { db_int(sid, id), s ? db_tenant_scope(s, scope) : NULL };

	return db_json_one(db, stmt, 2, p, out);
}
