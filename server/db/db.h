/* db.h -- PostgreSQL access: one connection per worker thread, every
 * statement prepared from the resources' tables at (re)connect, one
 * transaction per request, SQLSTATE to HTTP status in one place. */
#ifndef REGISTRY_DB_H
#define REGISTRY_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "db/values.h"

/* One prepared statement. Tables end with a {NULL} entry. */
struct db_stmt {
	const char *name;
	const char *sql;
	int nparams;
	/* Running it twice has the effect of running it once (a release of
	 * one's own claim): after a lost connection it is sent again as it
	 * is, where other statements are sent again only to read. */
	bool repeatable;
};

struct db {
	PGconn *conn;
	const char *name;        /* application_name after every (re)connect; NULL: registry */
	bool in_tx;
	char sqlstate[6];
	char constraint[64];
	char message[256];
	/* The Idempotency-Key claimed by the request under way, if any
	 * (db_idempotency.c): its transactions mark the claim committed. */
	int64_t idem_user_id;
	const char *idem_key;    /* borrowed from the request */
};

/* Who changes data, for the audit trigger (see sql/0001). */
struct audit_ctx {
	const char *channel;     /* browser, api, cli, system */
	int64_t user_id;         /* 0 = none */
	int64_t org_id;
	const char *roles;       /* "{admin}" or NULL */
	const char *request_id;
	const char *client_addr;
};

/* This thread's connection, connected and prepared on first use; NULL if
 * the database cannot be reached. */
/* The statement of that name from every table, or NULL: for
 * `registry statement`, which the benchmark runs the handlers' SQL by. */
const struct db_stmt *db_stmt_find(const char *name);

struct db *db_thread(void);

/* Closes this thread's connection (thread exit, shutdown). */
void db_thread_close(void);

/* A connection of its own, prepared like a worker's: for the command
 * line and the first start. Caller closes it with db_close(). */
struct db *db_open(const char *conninfo);
void db_close(struct db *db);

/* The same, for downloads (db/rows.c): no statement timeout, and named
 * registry-export in pg_stat_activity. */
struct db *db_open_export(const char *conninfo);

/* The same, for the audit sequencer's thread (audit/sequencer.c): named
 * registry-audit in pg_stat_activity. */
struct db *db_open_audit(const char *conninfo);

/* Runs a prepared statement with the n parameters p (DB_PARAMS(...) gives
 * both; DB_NO_PARAMS none). Returns the result (caller PQclear()s) or
 * NULL with db->sqlstate and db->message set. Outside a transaction a
 * broken connection is reset and the statement tried once more if that
 * cannot write twice: BEGIN, or a statement that only reads. */
PGresult *db_exec(struct db *db, const char *stmt, const struct db_param *p, size_t n);

/* Runs a prepared statement expecting no rows back; 0 or -1. */
int db_run(struct db *db, const char *stmt, const struct db_param *p, size_t n);

/* The same without the retry on a lost connection, for files: bin (when
 * not NULL) goes as one more parameter, binary, after p; result_format 1
 * gives binary results (a file's bytes as they are). */
PGresult *db_exec_binary(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    const char *bin, size_t bin_len, int result_format);

/* Runs a prepared statement whose one column is JSON text. *out is a
 * new array of the rows (db_json_rows) or the first row's value or NULL
 * if there is none (db_json_one). *out must be NULL or a value of the
 * caller's, which is released (a retried transaction writes again where
 * its first try did). 0 or -1. */
int db_json_rows(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    json_t **out);
int db_json_one(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    json_t **out);

/* The first row's first column as it came (JSON text PostgreSQL built,
 * passed through without parsing it to print it again): a malloc'd copy in
 * *out, caller frees; *out NULL when there is no row. */
int db_text_one(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    char **out, size_t *len);

/* A page of a list as JSON text, for a reply that changes nothing in its
 * rows: the statement's first column is a row's JSON text, its second the
 * row's id. body is "[row,row,...]" of at most limit rows (malloc'd,
 * caller frees); more says whether the statement returned a row past
 * limit (it is asked for limit + 1), last_id is the id of the last row in
 * body, the cursor of the next page. */
struct db_text_page {
	char *body;
	size_t len;
	bool more;
	int64_t last_id;
};
int db_text_page(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    int limit, struct db_text_page *out);

/* The same, for statements whose one parameter is a record's id. */
int db_json_one_by_id(struct db *db, const char *stmt, int64_t id, json_t **out);
int db_json_rows_by_id(struct db *db, const char *stmt, int64_t id, json_t **out);
int db_run_by_id(struct db *db, const char *stmt, int64_t id);
int db_one_int_by_id(struct db *db, const char *stmt, int64_t id, int64_t *out);

/* Runs a prepared statement whose first column of the first row is a
 * bigint; *out is 0 when there is no row or it is NULL. 0 or -1. */
int db_one_int(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    int64_t *out);

/* Reads row of res into the n columns cols (DB_COLS(...) gives both):
 * 0, or -1 with db->sqlstate XX000 when a column is missing or its value
 * does not parse or fit. Borrows res. */
int db_row(struct db *db, const PGresult *res, int row, const struct db_col *cols, size_t n);

/* Transactions. db_begin also sets the audit context. */
int db_begin(struct db *db, const struct audit_ctx *ctx);
int db_commit(struct db *db);
void db_rollback(struct db *db);

/* Runs fn inside one transaction, retried once on a serialization
 * failure or deadlock. fn returns 0 to commit, -1 on a database error
 * (db->sqlstate set), or 1 when it replied itself and wants a rollback. */
int db_transaction(struct db *db, const struct audit_ctx *ctx,
    int (*fn)(struct db *db, void *arg), void *arg);

/* The HTTP status for the last error: 409, 422, 503, 500. */
int db_error_status(const struct db *db);

/* Whether the last error was the loss of the connection. */
bool db_error_is_connection(const struct db *db);

#endif
