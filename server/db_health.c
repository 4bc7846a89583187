/* db_health.c -- SQL of the readiness check. */
#include "db.h"
#include "db_stmts.h"

const struct db_stmt db_health_stmts[] = {
	{ "health_migrations", "SELECT count(*) FROM schema_migrations", 0 },
	{ NULL, NULL, 0 }
};
