/* db_audit_log.h -- events that are not row changes (a sign-in, a failed
 * sign-in, a download of the guidelines, an export, an opening of
 * proposals), written into the audit trail in the caller's transaction by
 * the SQL function audit_log_event() (sql/0014_audit_merkle.sql). Any
 * module may call it; server/audit/README.md says how. */
#ifndef REGISTRY_DB_AUDIT_LOG_H
#define REGISTRY_DB_AUDIT_LOG_H

#include <jansson.h>

#include "db/db.h"

/* Records action (lowercase snake_case, never insert, update or delete)
 * about the record (table, record_id) with detail (an object, or NULL),
 * as the transaction's actor: inside db_begin()/db_transaction() only,
 * where the audit context is set. Borrows detail. 0 or -1. */
int db_audit_log(struct db *db, const char *table, const char *record_id, const char *action,
    const json_t *detail);

#endif
