/* db_health.h -- what the readiness check asks the database. */
#ifndef REGISTRY_DB_HEALTH_H
#define REGISTRY_DB_HEALTH_H

#include <stdint.h>

#include "db/db.h"

/* How many migrations are applied. 0 or -1. */
int db_health_migrations(struct db *db, int64_t *applied);

#endif
