/* db_organizations.h -- organisations in the database. */
#ifndef REGISTRY_DB_ORGANIZATIONS_H
#define REGISTRY_DB_ORGANIZATIONS_H

#include <stdint.h>
#include <jansson.h>

#include "db/db.h"

struct org_filter {
	int64_t after;
	int limit;               /* rows to fetch: page size + 1 */
	const char *kind;        /* NULL = any */
	const char *active;      /* "true", "false" or NULL */
	const char *q;           /* substring of the name, or NULL */
};

int db_organizations_list(struct db *db, const struct org_filter *f, json_t **rows);
/* *org is NULL when there is no such organisation. */
int db_organizations_get(struct db *db, int64_t id, json_t **org);
/* Borrows fields (validated by the handler); *org is the new record. */
int db_organizations_create(struct db *db, const json_t *fields, json_t **org);
int db_organizations_update(struct db *db, int64_t id, const json_t *fields, json_t **org);

#endif
