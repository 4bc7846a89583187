/* db_reports.h -- the reports' statements (db_reports.c) and the record
 * of every export (db_exports.c). The data layer: no replies, no roles. */
#ifndef REGISTRY_DB_REPORTS_H
#define REGISTRY_DB_REPORTS_H

#include <stdint.h>
#include <jansson.h>

#include "db/db.h"

/* An export as it starts: its row in `exports` (and so its audit event),
 * written in the caller's transaction with its audit context. *out gets
 * {id, started, user}: the number, the time in Seoul, "name <email>". */
int db_exports_start(struct db *db, int64_t user_id, const char *report, const char *format,
    const char *parameters, json_t **out);

/* Records the end of export id: rows, bytes, SHA-256. Runs on its own,
 * outside any transaction (a download connection), as the person who
 * started it. 0 or -1. */
int db_exports_complete(struct db *db, int64_t id, uint64_t rows, uint64_t bytes,
    const unsigned char sha256[32]);

/* Export id with what its manifest states, or *out NULL. */
int db_exports_get(struct db *db, int64_t id, json_t **out);

#endif
