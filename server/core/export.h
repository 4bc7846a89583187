/* export.h -- downloads produced from database rows as the client reads
 * them: CSV for spreadsheets (UTF-8 with a byte order mark, RFC 4180,
 * formula cells neutralised). Memory stays flat whatever the row count. */
#ifndef REGISTRY_EXPORT_H
#define REGISTRY_EXPORT_H

#include <stddef.h>

#include "core/req.h"
#include "db/rows.h"

/* Whether the client asked for CSV (Accept: text/csv). */
bool export_wants_csv(const struct req *r);

/* Replies 200 with rows as CSV under header (ncols columns, one per
 * column of the statement), as an attachment named filename. Steals rows:
 * they are read as the client reads, and closed when it is done or gone. */
void export_csv_reply(struct req *r, const char *filename, const char *const *header,
    size_t ncols, struct db_rows *rows);

/* The refusal when db_rows_open() (rc 1: busy, -1: failed) gave no rows. */
void export_refused_reply(struct req *r, int rc);

#endif
