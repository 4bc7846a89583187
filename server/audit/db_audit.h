/* db_audit.h -- reading the audit trail. Writing it is the database's
 * job (the audit_row trigger, sql/0001). */
#ifndef REGISTRY_DB_AUDIT_H
#define REGISTRY_DB_AUDIT_H

#include <stdint.h>
#include <jansson.h>

#include "db/db.h"

struct audit_filter {
	int64_t before;          /* newest first: ids below this; 0 = from the top */
	int limit;               /* page size + 1 */
	const char *table;
	const char *record_id;
	const char *actor_user_id;
};

int db_audit_list(struct db *db, const struct audit_filter *f, json_t **rows);

#endif
