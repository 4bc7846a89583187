/* db.c -- PostgreSQL connections, prepared statements, transactions.
 *
 * Every worker thread owns one PGconn (thread-local, never shared), made
 * on first use. All statements of all resources are prepared right after
 * each (re)connect from the tables the db_<resource>.c files export. */
#include "db/db.h"

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "db/db_idempotency.h"
#include "db/db_stmts.h"
#include "lib/decimal.h"
#include "log.h"

static const struct db_stmt core_stmts[] = {
	{ "begin", "BEGIN", 0 },
	{ "commit", "COMMIT", 0 },
	{ "audit_context",
	  "SELECT set_config('registry.channel', $1, true),"
	  "       set_config('registry.actor_user_id', $2, true),"
	  "       set_config('registry.actor_org_id', $3, true),"
	  "       set_config('registry.actor_roles', $4, true),"
	  "       set_config('registry.request_id', $5, true),"
	  "       set_config('registry.client_addr', $6, true)", 6 },
	{ NULL, NULL, 0 }
};

static const struct db_stmt *const stmt_tables[] = {
	core_stmts,
	DB_STMT_TABLES
};

const struct db_stmt *
db_stmt_find(const char *name)
{
	const struct db_stmt *s;
	size_t t;

	for (t = 0; t < sizeof(stmt_tables) / sizeof(stmt_tables[0]); t++)
		for (s = stmt_tables[t]; s->name != NULL; s++)
			if (strcmp(s->name, name) == 0)
				return s;
	return NULL;
}

static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;

static void
error_clear(struct db *db)
{
	db->sqlstate[0] = '\0';
	db->constraint[0] = '\0';
	db->message[0] = '\0';
}

static void
error_set(struct db *db, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *cons = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (state == NULL || PQstatus(db->conn) != CONNECTION_OK)
		state = "08006";     /* connection_failure */
	snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state);
	snprintf(db->constraint, sizeof(db->constraint), "%s", cons ? cons : "");
	snprintf(db->message, sizeof(db->message), "%s",
	    msg ? msg : PQerrorMessage(db->conn));
}

/* Session settings and prepared statements: after every (re)connect. */
static int
setup(struct db *db)
{
	char sql[200];
	PGresult *res;
	size_t t;
	const struct db_stmt *s;

	/* The name is a constant of this file, never input. */
	snprintf(sql, sizeof(sql), "SET TimeZone = 'UTC'; SET statement_timeout = %u;"
	    " SET application_name = '%s'", config.statement_timeout_ms,
	    db->name != NULL ? db->name : "registry");
	res = PQexec(db->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		error_set(db, res);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	for (t = 0; t < sizeof(stmt_tables) / sizeof(stmt_tables[0]); t++) {
		for (s = stmt_tables[t]; s->name != NULL; s++) {
			res = PQprepare(db->conn, s->name, s->sql, s->nparams, NULL);
			if (PQresultStatus(res) != PGRES_COMMAND_OK) {
				error_set(db, res);
				log_warn("preparing %s: %s", s->name,
				    PQerrorMessage(db->conn));
				PQclear(res);
				return -1;
			}
			PQclear(res);
		}
	}
	return 0;
}

/* A connect to an address that does not answer must not hold a request
 * thread for the kernel's minutes: libpq waits for ever unless told.
 * Placed before the conninfo, which may set its own connect_timeout. */
static PGconn *
connect_bounded(const char *conninfo)
{
	const char *timeout = getenv("PGCONNECT_TIMEOUT");
	const char *const keys[] = { "connect_timeout", "dbname", NULL };
	const char *const values[] = { timeout != NULL && *timeout ? timeout : "5", conninfo, NULL };

	return PQconnectdbParams(keys, values, 1);
}

/* On failure the reason goes to err (when not NULL: the caller reports
 * it, as the backoff's line) or to the log. */
static struct db *
connect_new(const char *conninfo, bool prepare, char *err, size_t errlen)
{
	struct db *db = calloc(1, sizeof(*db));

	if (db == NULL) {
		if (err != NULL)
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	db->conn = connect_bounded(conninfo);
	if (PQstatus(db->conn) != CONNECTION_OK || (prepare && setup(db) != 0))
		goto fail;
	return db;
fail:
	if (err != NULL)
		snprintf(err, errlen, "%s", PQerrorMessage(db->conn));
	else
		log_warn("database: %s", PQerrorMessage(db->conn));
	PQfinish(db->conn);
	free(db);
	return NULL;
}

struct db *
db_open(const char *conninfo)
{
	return connect_new(conninfo, true, NULL, 0);
}

/* A connection for work off the request threads: settings (a constant
 * of this file) run once after connecting. */
static struct db *
open_with(const char *conninfo, const char *settings, const char *what, const char *name)
{
	struct db *db = connect_new(conninfo, true, NULL, 0);
	PGresult *res;

	if (db == NULL)
		return NULL;
	res = PQexec(db->conn, settings);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		log_warn("%s connection: %s", what, PQerrorMessage(db->conn));
		PQclear(res);
		db_close(db);
		return NULL;
	}
	PQclear(res);
	db->name = name;         /* kept when the connection is made anew */
	return db;
}

struct db *
db_open_export(const char *conninfo)
{
	/* A download lasts as long as its client reads; a client that stops
	 * is dropped by the HTTP layer's timeout, which cancels the query. */
	return open_with(conninfo, "SET statement_timeout = 0;"
	    " SET application_name = 'registry-export'", "download", "registry-export");
}

struct db *
db_open_audit(const char *conninfo)
{
	return open_with(conninfo, "SET application_name = 'registry-audit'", "audit sequencer",
	    "registry-audit");
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	PQfinish(db->conn);
	free(db);
}

static void
thread_destroy(void *p)
{
	db_close(p);
}

static void
thread_key_make(void)
{
	pthread_key_create(&thread_key, thread_destroy);
}

/* Reconnecting after an outage. A request thread whose connect failed
 * does not try again before its wait is over: meanwhile db_thread()
 * answers NULL at once (the caller replies 503 db.unavailable with
 * Retry-After), so that no request pays a connect timeout and a database
 * coming back up is not met by every thread's attempts at once. The wait
 * doubles from BACKOFF_FIRST_MS up to BACKOFF_MAX_MS, and each is drawn
 * in [d/2, d]: threads that lost the database at the same instant spread
 * their attempts, and one thread's waits never shrink before the cap. */
#define BACKOFF_FIRST_MS 100U
#define BACKOFF_MAX_MS 5000U

struct backoff {
	unsigned failures;       /* connects failed in a row */
	unsigned ceiling_ms;     /* d of the last wait */
	struct timespec until;   /* CLOCK_MONOTONIC: no attempt before */
};

static _Thread_local struct backoff backoff;

static bool
backoff_pending(void)
{
	struct timespec now;

	if (backoff.failures == 0)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec < backoff.until.tv_sec ||
	    (now.tv_sec == backoff.until.tv_sec && now.tv_nsec < backoff.until.tv_nsec);
}

/* who: the connection's application_name, so that the log tells a
 * request thread's waits from the audit sequencer's. */
static void
backoff_failed(const char *who, const char *why)
{
	unsigned d = backoff.failures == 0 ? BACKOFF_FIRST_MS : backoff.ceiling_ms * 2;
	unsigned wait;

	if (d > BACKOFF_MAX_MS)
		d = BACKOFF_MAX_MS;
	wait = d / 2 + arc4random_uniform(d / 2 + 1);
	backoff.ceiling_ms = d;
	backoff.failures++;
	clock_gettime(CLOCK_MONOTONIC, &backoff.until);
	backoff.until.tv_sec += wait / 1000;
	backoff.until.tv_nsec += (long)(wait % 1000) * 1000000L;
	if (backoff.until.tv_nsec >= 1000000000L) {
		backoff.until.tv_sec++;
		backoff.until.tv_nsec -= 1000000000L;
	}
	log_warn("database (%s): connect failed (%u in a row), next attempt in %u ms: %s",
	    who != NULL ? who : "registry", backoff.failures, wait, why);
}

static void
backoff_reset(void)
{
	if (backoff.failures > 0)
		log_warn("database: connected again after %u failed attempts", backoff.failures);
	memset(&backoff, 0, sizeof(backoff));
}

/* After the server restarted under us: a new connection, prepared again;
 * not before this thread's wait after a failed attempt is over. */
static int
reconnect(struct db *db)
{
	if (backoff_pending())
		return -1;       /* the lost statement's error stands */
	PQreset(db->conn);
	if (PQstatus(db->conn) != CONNECTION_OK || setup(db) != 0) {
		backoff_failed(db->name, PQerrorMessage(db->conn));
		return -1;
	}
	backoff_reset();
	db->in_tx = false;
	return 0;
}

/* An idle connection has nothing to read: input waiting on it is the
 * notice of its end (a restart, an administrator's termination). Found
 * before a request sends anything, the connection is made anew, so that
 * a write is never refused for a loss that happened while nothing ran. */
static bool
idle_conn_lost(const struct db *db)
{
	struct pollfd p = { PQsocket(db->conn), POLLIN, 0 };

	return PQstatus(db->conn) != CONNECTION_OK || p.fd < 0 || poll(&p, 1, 0) != 0;
}

/* This thread's first connection, unless it must wait after a failure. */
static struct db *
thread_connect(void)
{
	char err[256];
	struct db *db;

	if (backoff_pending())
		return NULL;
	db = connect_new(config.serve_database_url, true, err, sizeof(err));
	if (db == NULL) {
		backoff_failed(NULL, err);
		return NULL;
	}
	backoff_reset();
	pthread_setspecific(thread_key, db);
	return db;
}

struct db *
db_thread(void)
{
	struct db *db;

	pthread_once(&thread_once, thread_key_make);
	db = pthread_getspecific(thread_key);
	if (db == NULL)
		return thread_connect();
	/* A lost connection that cannot be made anew yet: the request is
	 * answered 503 at once rather than sent to fail. */
	if (!db->in_tx && idle_conn_lost(db) && reconnect(db) != 0)
		return NULL;
	return db;
}

void
db_thread_close(void)
{
	struct db *db;

	pthread_once(&thread_once, thread_key_make);
	db = pthread_getspecific(thread_key);
	pthread_setspecific(thread_key, NULL);
	db_close(db);
}

static bool
result_ok(const PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);

	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

static bool
stmt_repeatable(const char *name)
{
	const struct db_stmt *s;
	size_t t;

	for (t = 0; t < sizeof(stmt_tables) / sizeof(stmt_tables[0]); t++)
		for (s = stmt_tables[t]; s->name != NULL; s++)
			if (strcmp(s->name, name) == 0)
				return s->repeatable;
	return false;
}

/* A statement whose connection broke may have run, and committed, before
 * the break: it is sent again only where that cannot write twice. BEGIN
 * and the statements marked repeatable go as they are; any other statement runs in a READ ONLY transaction, where
 * PostgreSQL refuses (25006) whatever would write, so that only reads are
 * repeated and a write reports the lost connection. NULL on failure. */
static PGresult *
exec_again(struct db *db, const char *stmt, int n, const char *const *params)
{
	bool wrap = strcmp(stmt, "begin") != 0 && !stmt_repeatable(stmt);
	char lost[sizeof(db->message)];
	PGresult *res = NULL, *tx = NULL;

	memcpy(lost, db->message, sizeof(lost));
	if (wrap) {
		tx = PQexec(db->conn, "BEGIN READ ONLY");
		if (PQresultStatus(tx) != PGRES_COMMAND_OK)
			goto out;
		PQclear(tx);
	}
	res = PQexecPrepared(db->conn, stmt, n, params, NULL, NULL, 0);
	if (!result_ok(res)) {
		error_set(db, res);
		PQclear(res);
		res = NULL;
	}
	if (!wrap)
		return res;
	tx = PQexec(db->conn, res != NULL ? "COMMIT" : "ROLLBACK");
out:
	PQclear(tx);
	if (res == NULL && strcmp(db->sqlstate, "25006") == 0) {
		snprintf(db->sqlstate, sizeof(db->sqlstate), "08006");
		memcpy(db->message, lost, sizeof(lost));
	}
	return res;
}

PGresult *
db_exec(struct db *db, const char *stmt, const struct db_param *p, size_t n)
{
	struct db_params_text t;
	PGresult *res;

	error_clear(db);
	if (db_params_text(p, n, &t) != 0) {
		snprintf(db->sqlstate, sizeof(db->sqlstate), "XX000");
		snprintf(db->message, sizeof(db->message), "%s: %zu parameters", stmt, n);
		return NULL;
	}
	res = PQexecPrepared(db->conn, stmt, (int)n, t.values, NULL, NULL, 0);
	if (result_ok(res))
		return res;
	error_set(db, res);
	PQclear(res);
	/* Inside a transaction its earlier statements are gone with the
	 * connection: the whole request fails. */
	if (PQstatus(db->conn) != CONNECTION_OK && !db->in_tx && reconnect(db) == 0 &&
	    (res = exec_again(db, stmt, (int)n, t.values)) != NULL)
		return res;
	if (PQstatus(db->conn) != CONNECTION_OK)
		db->in_tx = false;
	return NULL;
}

PGresult *
db_exec_binary(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    const char *bin, size_t bin_len, int result_format)
{
	int lengths[DB_MAX_PARAMS + 1] = { 0 }, formats[DB_MAX_PARAMS + 1] = { 0 };
	const char *values[DB_MAX_PARAMS + 1];
	struct db_params_text t;
	PGresult *res;

	error_clear(db);
	if (db_params_text(p, n, &t) != 0) {
		snprintf(db->sqlstate, sizeof(db->sqlstate), "XX000");
		snprintf(db->message, sizeof(db->message), "%s: %zu parameters", stmt, n);
		return NULL;
	}
	memcpy(values, t.values, n * sizeof(values[0]));
	if (bin != NULL) {
		values[n] = bin;
		lengths[n] = (int)bin_len;
		formats[n++] = 1;
	}
	res = PQexecPrepared(db->conn, stmt, (int)n, values, lengths, formats, result_format);
	if (result_ok(res))
		return res;
	error_set(db, res);
	PQclear(res);
	if (PQstatus(db->conn) != CONNECTION_OK)
		db->in_tx = false;
	return NULL;
}

int
db_run(struct db *db, const char *stmt, const struct db_param *p, size_t n)
{
	PGresult *res = db_exec(db, stmt, p, n);

	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

static int
json_rows(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    json_t **out, bool one)
{
	PGresult *res = db_exec(db, stmt, p, n);
	json_error_t jerr;
	int i, rc = -1;

	/* A transaction retried after a serialization failure runs its
	 * statements again into the same place: the first try's value goes. */
	json_decref(*out);
	*out = NULL;
	if (res == NULL)
		return -1;
	if (!one)
		*out = json_array();
	for (i = 0; i < PQntuples(res) && (!one || i < 1); i++) {
		json_t *v = json_loads(PQgetvalue(res, i, 0), JSON_DECODE_ANY, &jerr);

		if (v == NULL) {
			snprintf(db->sqlstate, sizeof(db->sqlstate), "XX000");
			snprintf(db->message, sizeof(db->message), "%s: %s", stmt, jerr.text);
			json_decref(*out);
			*out = NULL;
			goto out;
		}
		if (one)
			*out = v;
		else
			json_array_append_new(*out, v);
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

int
db_json_rows(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    json_t **out)
{
	return json_rows(db, stmt, p, n, out, false);
}

int
db_json_one(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    json_t **out)
{
	return json_rows(db, stmt, p, n, out, true);
}

int
db_text_one(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    char **out, size_t *len)
{
	PGresult *res = db_exec(db, stmt, p, n);
	int rc = -1;

	*out = NULL;
	*len = 0;
	if (res == NULL)
		return -1;
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
		*len = (size_t)PQgetlength(res, 0, 0);
		if ((*out = malloc(*len + 1)) == NULL) {
			snprintf(db->sqlstate, sizeof(db->sqlstate), "53200");
			snprintf(db->message, sizeof(db->message), "%s: out of memory", stmt);
			goto out;
		}
		memcpy(*out, PQgetvalue(res, 0, 0), *len + 1);
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

int
db_text_page(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    int limit, struct db_text_page *out)
{
	PGresult *res = db_exec(db, stmt, p, n);
	int i, rows, rc = -1;
	size_t size = 2;
	char *at;

	memset(out, 0, sizeof(*out));
	if (res == NULL)
		return -1;
	rows = PQntuples(res);
	out->more = rows > limit;
	if (out->more)
		rows = limit;
	for (i = 0; i < rows; i++)
		size += (size_t)PQgetlength(res, i, 0) + 1;
	if ((out->body = malloc(size + 1)) == NULL) {
		snprintf(db->sqlstate, sizeof(db->sqlstate), "53200");
		snprintf(db->message, sizeof(db->message), "%s: out of memory", stmt);
		goto out;
	}
	at = out->body;
	*at++ = '[';
	for (i = 0; i < rows; i++) {
		size_t len = (size_t)PQgetlength(res, i, 0);

		if (i > 0)
			*at++ = ',';
		memcpy(at, PQgetvalue(res, i, 0), len);
		at += len;
	}
	*at++ = ']';
	*at = '\0';
	out->len = (size_t)(at - out->body);
	if (rows > 0)
		out->last_id = strtoll(PQgetvalue(res, rows - 1, 1), NULL, 10);
	rc = 0;
out:
	PQclear(res);
	return rc;
}

int
db_json_one_by_id(struct db *db, const char *stmt, int64_t id, json_t **out)
{
	return db_json_one(db, stmt, DB_PARAMS(DB_INT(id)), out);
}

int
db_json_rows_by_id(struct db *db, const char *stmt, int64_t id, json_t **out)
{
	return db_json_rows(db, stmt, DB_PARAMS(DB_INT(id)), out);
}

int
db_run_by_id(struct db *db, const char *stmt, int64_t id)
{
	return db_run(db, stmt, DB_PARAMS(DB_INT(id)));
}

int
db_one_int_by_id(struct db *db, const char *stmt, int64_t id, int64_t *out)
{
	return db_one_int(db, stmt, DB_PARAMS(DB_INT(id)), out);
}

int
db_one_int(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    int64_t *out)
{
	PGresult *res = db_exec(db, stmt, p, n);
	int rc = 0;

	*out = 0;
	if (res == NULL)
		return -1;
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) &&
	    decimal_int64(PQgetvalue(res, 0, 0), out) != 0) {
		snprintf(db->sqlstate, sizeof(db->sqlstate), "XX000");
		snprintf(db->message, sizeof(db->message), "%s: not an integer", stmt);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

int
db_row(struct db *db, const PGresult *res, int row, const struct db_col *cols, size_t n)
{
	if (db_cols_read(res, row, cols, n, db->message, sizeof(db->message)) == 0)
		return 0;
	snprintf(db->sqlstate, sizeof(db->sqlstate), "XX000");
	return -1;
}

int
db_begin(struct db *db, const struct audit_ctx *ctx)
{
	if (db_run(db, "begin", DB_NO_PARAMS) != 0)
		return -1;
	db->in_tx = true;
	if (db_run(db, "audit_context", DB_PARAMS(DB_STR(ctx->channel),
	    ctx->user_id ? DB_INT(ctx->user_id) : DB_STR(""),
	    ctx->org_id ? DB_INT(ctx->org_id) : DB_STR(""),
	    DB_STR(ctx->roles ? ctx->roles : ""),
	    DB_STR(ctx->request_id ? ctx->request_id : ""),
	    DB_STR(ctx->client_addr ? ctx->client_addr : ""))) != 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int
db_commit(struct db *db)
{
	int rc = db_idempotency_mark_committed(db);

	if (rc == 0)
		rc = db_run(db, "commit", DB_NO_PARAMS);

	if (rc != 0)
		db_rollback(db);
	db->in_tx = false;
	return rc;
}

/* Keeps the error of the statement that failed: ROLLBACK must not
 * overwrite what the caller will report. */
void
db_rollback(struct db *db)
{
	PGresult *res;

	if (PQstatus(db->conn) == CONNECTION_OK &&
	    PQtransactionStatus(db->conn) != PQTRANS_IDLE) {
		res = PQexec(db->conn, "ROLLBACK");
		PQclear(res);
	}
	db->in_tx = false;
}

static bool
retryable(const struct db *db)
{
	return strcmp(db->sqlstate, "40001") == 0 || strcmp(db->sqlstate, "40P01") == 0;
}

int
db_transaction(struct db *db, const struct audit_ctx *ctx,
    int (*fn)(struct db *db, void *arg), void *arg)
{
	int attempt, rc = -1;

	for (attempt = 0; attempt < 2; attempt++) {
		if (db_begin(db, ctx) != 0)
			return -1;
		rc = fn(db, arg);
		if (rc == 0 && db_commit(db) == 0)
			return 0;
		db_rollback(db);
		if (rc == 1)
			return 1;
		if (!retryable(db))
			return -1;
	}
	return -1;               /* failed twice to serialize: nothing committed */
}

bool
db_error_is_connection(const struct db *db)
{
	return strncmp(db->sqlstate, "08", 2) == 0 || strncmp(db->sqlstate, "57P", 3) == 0;
}

int
db_error_status(const struct db *db)
{
	static const struct {
		const char *state;
		int status;
	} map[] = {
		{ "23505", 409 }, { "23P01", 409 },
		{ "23503", 422 }, { "23514", 422 }, { "23502", 422 },
		{ "22P02", 422 }, { "22001", 422 }, { "22003", 422 },
		{ "22007", 422 }, { "22008", 422 }, { "22023", 422 },
		{ "22021", 400 },    /* input that is not valid UTF-8 */
		{ "40001", 503 }, { "40P01", 503 }, { "55P03", 503 },
		{ "25006", 503 },    /* a read-only database or standby */
		{ "57014", 503 },
	};
	size_t i;

	if (db_error_is_connection(db))
		return 503;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(db->sqlstate, map[i].state) == 0)
			return map[i].status;
	return 500;
}
