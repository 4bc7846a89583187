/* db_health.c -- SQL of the readiness check. */
#include "db/db_health.h"
#include "db/db_stmts.h"

const struct db_stmt db_health_stmts[] = {
	{ "health_migrations", "SELECT count(*) FROM schema_migrations", 0 },
	{ NULL, NULL, 0 }
};

int
db_health_migrations(struct db *db, int64_t *applied)
{
	return db_one_int(db, "health_migrations", DB_NO_PARAMS, applied);
}
