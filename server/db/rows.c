/* rows.c -- the download pool and single-row reading. */
#include "db/rows.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db/db.h"
#include "log.h"

#define POOL_MAX 64

struct db_rows {
	struct db *db;
	bool done;               /* the statement's last result was read */
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db *idle_conns[POOL_MAX];
static unsigned nidle, nbusy;

/* A connection from the pool, or a new one while under the limit. NULL
 * with *full set when every connection is in use. */
static struct db *
pool_take(bool *full)
{
	struct db *db = NULL;

	*full = false;
	pthread_mutex_lock(&pool_lock);
	if (nidle > 0)
		db = idle_conns[--nidle];
	else if (nbusy >= config.export_connections || nbusy >= POOL_MAX)
		*full = true;
	if (!*full)
		nbusy++;
	pthread_mutex_unlock(&pool_lock);
	if (db != NULL || *full)
		return db;
	db = db_open_export(config.serve_database_url);
	if (db == NULL) {
		pthread_mutex_lock(&pool_lock);
		nbusy--;
		pthread_mutex_unlock(&pool_lock);
	}
	return db;
}

static void
pool_give(struct db *db)
{
	bool keep = PQstatus(db->conn) == CONNECTION_OK &&
	    PQtransactionStatus(db->conn) == PQTRANS_IDLE;

	pthread_mutex_lock(&pool_lock);
	nbusy--;
	if (keep && nidle < POOL_MAX)
		idle_conns[nidle++] = db;
	else
		keep = false;
	pthread_mutex_unlock(&pool_lock);
	if (!keep)
		db_close(db);
}

void
db_rows_pool_counts(unsigned *busy, unsigned *idle)
{
	pthread_mutex_lock(&pool_lock);
	*busy = nbusy;
	*idle = nidle;
	pthread_mutex_unlock(&pool_lock);
}

int
db_rows_open(const char *stmt, const struct db_param *p, size_t n,
    struct db_rows **out, char *err, size_t errlen)
{
	struct db_params_text t;
	struct db_rows *rows;
	bool full;

	*out = NULL;
	if (db_params_text(p, n, &t) != 0) {
		snprintf(err, errlen, "%s: %zu parameters", stmt, n);
		return -1;
	}
	if ((rows = calloc(1, sizeof(*rows))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((rows->db = pool_take(&full)) == NULL) {
		snprintf(err, errlen, "%s", full ? "every download connection is busy" :
		    "the database is not reachable");
		free(rows);
		return full ? 1 : -1;
	}
	if (!PQsendQueryPrepared(rows->db->conn, stmt, (int)n, t.values, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(rows->db->conn)) {
		snprintf(err, errlen, "%s", PQerrorMessage(rows->db->conn));
		rows->done = !PQisBusy(rows->db->conn);
		db_rows_close(rows);
		return -1;
	}
	*out = rows;
	return 0;
}

int
db_rows_next(struct db_rows *rows, PGresult **row)
{
	PGresult *res;
	ExecStatusType st;

	*row = NULL;
	if (rows->done)
		return 0;
	res = PQgetResult(rows->db->conn);
	st = PQresultStatus(res);
	if (st == PGRES_SINGLE_TUPLE) {
		*row = res;
		return 1;
	}
	/* The end (PGRES_TUPLES_OK, no rows) or an error; then NULL. */
	PQclear(res);
	while ((res = PQgetResult(rows->db->conn)) != NULL)
		PQclear(res);
	rows->done = true;
	if (st != PGRES_TUPLES_OK) {
		log_warn("download: %s", PQerrorMessage(rows->db->conn));
		return -1;
	}
	return 0;
}

struct db *
db_rows_db(struct db_rows *rows)
{
	return rows->done ? rows->db : NULL;
}

void
db_rows_close(struct db_rows *rows)
{
	PGcancel *cancel;
	PGresult *res;
	char err[256];

	if (rows == NULL)
		return;
	if (!rows->done) {
		/* The client went away mid-download: stop the statement, then
		 * read what is left so that the connection is clean for reuse. */
		cancel = PQgetCancel(rows->db->conn);
		if (cancel != NULL) {
			PQcancel(cancel, err, sizeof(err));
			PQfreeCancel(cancel);
		}
		while ((res = PQgetResult(rows->db->conn)) != NULL)
			PQclear(res);
	}
	pool_give(rows->db);
	free(rows);
}
