/* scope.h -- tenant and organisation scoping, shared by every resource
 * whose rows a tenant may read only in part. The scope travels into the
 * statement as a parameter, so no handler can leave the filter out. */
#ifndef REGISTRY_DB_SCOPE_H
#define REGISTRY_DB_SCOPE_H

#include <stdint.h>
#include <jansson.h>

#include "db/db.h"
#include "lib/roles.h"

/* The tenant scope of a session, as a statement parameter: NULL when its
 * roles see every tenant's records (admin, officer, auditor), else its
 * organisation's id, which the statements filter on. */
struct db_param db_tenant_scope(const struct session *s);

/* Runs stmt($1 id, $2 the tenant scope of s; none when s is NULL) for one
 * JSON record; *out is NULL when there is none in scope. */
int db_scoped_one(struct db *db, const char *stmt, const struct session *s, int64_t id,
    json_t **out);

#endif
