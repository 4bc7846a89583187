/* rows.h -- a statement's rows one at a time, for downloads of any size.
 *
 * A download outlives the handler that starts it (the HTTP layer pulls
 * its reply after the handler returned, between other requests of the
 * same worker thread), so it cannot use the worker's connection: it takes
 * one of a small pool of its own (config.export_connections), holds it
 * for the length of the download, and gives it back when the download
 * ends or the client goes away, cancelling what is still running. Rows
 * come in libpq's single-row mode: memory stays flat whatever the count. */
#ifndef REGISTRY_DB_ROWS_H
#define REGISTRY_DB_ROWS_H

#include <libpq-fe.h>

#include "db/db.h"
#include "db/values.h"

struct db_rows;

/* Starts prepared statement stmt with the n parameters p (DB_PARAMS;
 * copied) on a pooled connection. 0 with *out set; 1 when every pooled
 * connection is busy (answer 503); -1 when the database failed (message
 * in err). */
int db_rows_open(const char *stmt, const struct db_param *p, size_t n,
    struct db_rows **out, char *err, size_t errlen);

/* The next row: 1 with *row set (a one-row result, caller PQclear()s),
 * 0 after the last, -1 on an error. */
int db_rows_next(struct db_rows *rows, PGresult **row);

/* The download's connection once its rows have ended (NULL before), for
 * one more statement on it: recording the end of the download. */
struct db *db_rows_db(struct db_rows *rows);

/* Ends the download: a statement still running is cancelled and drained,
 * and the connection goes back to the pool (or is closed if broken). */
void db_rows_close(struct db_rows *rows);

/* Connections of the pool: in use and idle, for tests and benchmarks. */
void db_rows_pool_counts(unsigned *busy, unsigned *idle);

#endif
