/* db_idempotency.c -- SQL of Idempotency-Key records. They are not
 * business records: no audit events, pruned after a day. */
#include "db/db_idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_stmts.h"

/* A claim names the connection that holds it (pid and start), and says
 * whether the request's writes committed: the mark is written in the
 * request's own transaction. */
#define HOLDER "pg_backend_pid(), (SELECT backend_start FROM pg_stat_activity" \
	" WHERE pid = pg_backend_pid())"

const struct db_stmt db_idempotency_stmts[] = {
	/* A key older than a day is free again; so is one whose request wrote
	 * nothing and is gone: its connection ended (a database restart, a
	 * killed server), or it started five minutes ago. A claim whose writes
	 * committed is never taken again: its request must not run twice. */
	{ "idem_claim",
	  "WITH pruned AS (DELETE FROM idempotency_keys WHERE user_id = $1 AND key <> $2"
	  "                   AND created_at < now() - interval '1 day')"
	  " INSERT INTO idempotency_keys AS k (user_id, key, request_hash, holder_pid,"
	  "                                    holder_started)"
	  " VALUES ($1, $2, $3::bytea, " HOLDER ")"
	  " ON CONFLICT (user_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash,"
	  "       status = NULL, content_type = NULL, body = NULL, headers = NULL,"
	  "       created_at = now(), holder_pid = EXCLUDED.holder_pid,"
	  "       holder_started = EXCLUDED.holder_started, committed = false"
	  "  WHERE k.created_at < now() - interval '1 day'"
	  "     OR (k.status IS NULL AND NOT k.committed"
	  "         AND (k.created_at < now() - interval '5 minutes'"
	  "              OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = k.holder_pid"
	  "                               AND (a.backend_start IS NULL"   /* another role's */
	  "                                    OR a.backend_start = k.holder_started))))"
	  " RETURNING 1", 3 },
	{ "idem_get",
	  "SELECT request_hash = $3::bytea AS same_request, status, content_type, body,"
	  "       headers ->> 'Location' AS location, headers ->> 'ETag' AS etag"
	  "  FROM idempotency_keys WHERE user_id = $1 AND key = $2", 3 },
	/* Repeatable, as the two below: they write the same thing again. */
	{ "idem_committed",
	  "UPDATE idempotency_keys SET committed = true WHERE user_id = $1 AND key = $2", 2,
	  true },
	{ "idem_store",
	  "UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5,"
	  "       headers = jsonb_strip_nulls(jsonb_build_object('Location', $6::text, 'ETag', $7::text))"
	  " WHERE user_id = $1 AND key = $2", 7, true },
	/* Repeatable, so that a request that failed because the database went
	 * away still frees its key on the new connection. A claim whose writes
	 * committed stays: its retry must not write them again. */
	{ "idem_release",
	  "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND NOT committed", 2,
	  true },
	/* A reply that is not kept (a secret shown once, a file): the key is
	 * let go whatever ran, and a retry runs again. */
	{ "idem_forget", "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2", 2,
	  true },
	{ NULL, NULL, 0 }
};

/* One try: 1 claimed, 0 the key's record is in *rec, 2 the key was
 * released between the claim and the look-up, -1 database error. */
static int
claim_once(struct db *db, int64_t user_id, const char *key, const char *hash_hex,
    struct idem_record *rec)
{
	PGresult *res = db_exec(db, "idem_claim", DB_PARAMS(DB_INT(user_id), DB_STR(key),
	    DB_STR(hash_hex)));
	int rc;

	if (res == NULL)
		return -1;
	rc = PQntuples(res) == 1;
	PQclear(res);
	if (rc == 1)
		return 1;
	res = db_exec(db, "idem_get", DB_PARAMS(DB_INT(user_id), DB_STR(key), DB_STR(hash_hex)));
	if (res == NULL)
		return -1;
	rc = 2;
	if (PQntuples(res) == 1)
		rc = db_row(db, res, 0, DB_COLS(DB_COL_BOOL("same_request", &rec->same_request),
		    DB_COL_OPT_INT("status", &rec->status, &rec->done),
		    DB_COL_DUP("content_type", &rec->content_type), DB_COL_DUP("body", &rec->body),
		    DB_COL_DUP("location", &rec->location), DB_COL_DUP("etag", &rec->etag)));
	PQclear(res);
	return rc;
}

/* A key released (its request failed) between our claim and the look-up
 * is free: claim it again. Should that keep happening, the key reads as
 * still running, which asks the client to try again shortly. */
int
db_idempotency_claim(struct db *db, int64_t user_id, const char *key,
    const char *hash_hex, struct idem_record *rec)
{
	int attempt, rc = 2;

	memset(rec, 0, sizeof(*rec));
	for (attempt = 0; attempt < 3 && rc == 2; attempt++)
		rc = claim_once(db, user_id, key, hash_hex, rec);
	if (rc == 2) {
		rec->same_request = true;
		rc = 0;
	}
	if (rc == 1) {
		db->idem_user_id = user_id;
		db->idem_key = key;
	}
	return rc;
}

int
db_idempotency_mark_committed(struct db *db)
{
	if (db->idem_key == NULL)
		return 0;
	return db_run(db, "idem_committed", DB_PARAMS(DB_INT(db->idem_user_id),
	    DB_STR(db->idem_key)));
}

static void
forget_claim(struct db *db)
{
	db->idem_user_id = 0;
	db->idem_key = NULL;
}

int
db_idempotency_store(struct db *db, int64_t user_id, const char *key, int status,
    const char *content_type, const char *body, const char *location, const char *etag)
{
	forget_claim(db);
	return db_run(db, "idem_store", DB_PARAMS(DB_INT(user_id), DB_STR(key), DB_INT(status),
	    DB_STR(content_type), DB_STR(body), DB_STR(location), DB_STR(etag)));
}

int
db_idempotency_release(struct db *db, int64_t user_id, const char *key)
{
	forget_claim(db);
	return db_run(db, "idem_release", DB_PARAMS(DB_INT(user_id), DB_STR(key)));
}

int
db_idempotency_forget(struct db *db, int64_t user_id, const char *key)
{
	forget_claim(db);
	return db_run(db, "idem_forget", DB_PARAMS(DB_INT(user_id), DB_STR(key)));
}

void
idem_record_free(struct idem_record *rec)
{
	free(rec->content_type);
	free(rec->body);
	free(rec->location);
	free(rec->etag);
	memset(rec, 0, sizeof(*rec));
}
