/* db_audit_log.c -- events that are not row changes (see db_audit_log.h). */
#include "db/db_audit_log.h"

#include <stdlib.h>

#include "db/db_stmts.h"

const struct db_stmt db_audit_log_stmts[] = {
	{ "audit_log_event", "SELECT audit_log_event($1, $2, $3, $4::jsonb)", 4 },
	{ NULL, NULL, 0 }
};

int
db_audit_log(struct db *db, const char *table, const char *record_id, const char *action,
    const json_t *detail)
{
	char *text = detail != NULL ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc;

	rc = db_run(db, "audit_log_event", DB_PARAMS(DB_STR(table), DB_STR(record_id),
	    DB_STR(action), DB_STR(text)));
	free(text);
	return rc;
}
