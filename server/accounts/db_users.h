/* db_users.h -- user accounts in the database. */
#ifndef REGISTRY_DB_USERS_H
#define REGISTRY_DB_USERS_H

#include <stdint.h>
#include <jansson.h>

#include "db/db.h"

struct user_filter {
	int64_t after;
	int limit;               /* page size + 1 */
	const char *organization_id;
	const char *role;
	const char *active;
};

/* What a create or update writes. NULL members (DB_NULL for the
 * organisation) are left as they are. */
struct user_fields {
	const char *email;
	const char *name;
	struct db_param organization_id;
	const char *roles;       /* "{admin,officer}" */
	const char *active;      /* "true" / "false" */
	const char *password_hash;
};

int db_users_list(struct db *db, const struct user_filter *f, json_t **rows);
/* The active officers after id `after`, at most limit: {id, name, email}. */
int db_users_officers(struct db *db, int64_t after, int limit, json_t **rows);
int db_users_get(struct db *db, int64_t id, json_t **user);
int db_users_create(struct db *db, const struct user_fields *u, json_t **user);
int db_users_update(struct db *db, int64_t id, const struct user_fields *u, json_t **user);
/* How many users exist (for the first start). */
int db_users_count(struct db *db, int64_t *n);
/* The id of an organisation by exact name, 0 if none; creates it when
 * kind is given and it does not exist. */
int db_users_org_ensure(struct db *db, const char *name, const char *kind, int64_t *id);

/* Roles as a PostgreSQL array literal from a JSON array of names. */
void db_users_roles_text(const json_t *roles, char *out, size_t outlen);

#endif
