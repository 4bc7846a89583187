/* db_idempotency.c -- SQL of Idempotency-Key records. They are not
 * business records: no audit events, pruned after a day. */
#include "db/db_idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_stmts.h"

const struct db_stmt db_idempotency_stmts[] = {
	/* A key older than a day, or one whose request died without a reply
	 * five minutes ago, is free again. */
	{ "idem_claim",
	  "WITH pruned AS (DELETE FROM idempotency_keys WHERE user_id = $1 AND key <> $2"
	  "                   AND created_at < now() - interval '1 day')"
	  " INSERT INTO idempotency_keys AS k (user_id, key, request_hash)"
	  " VALUES ($1, $2, $3::bytea)"
	  " ON CONFLICT (user_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash,"
	  "       status = NULL, content_type = NULL, body = NULL, headers = NULL,"
	  "       created_at = now()"
	  "  WHERE k.created_at < now() - interval '1 day'"
	  "     OR (k.status IS NULL AND k.created_at < now() - interval '5 minutes')"
	  " RETURNING 1", 3 },
	{ "idem_get",
	  "SELECT request_hash = $3::bytea, status, content_type, body,"
	  "       headers ->> 'Location', headers ->> 'ETag'"
	  "  FROM idempotency_keys WHERE user_id = $1 AND key = $2", 3 },
	{ "idem_store",
	  "UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5,"
	  "       headers = jsonb_strip_nulls(jsonb_build_object('Location', $6::text, 'ETag', $7::text))"
	  " WHERE user_id = $1 AND key = $2", 7 },
	{ "idem_release", "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2", 2 },
	{ NULL, NULL, 0 }
};

static char *
dup_or_null(const PGresult *res, int col)
{
	return PQgetisnull(res, 0, col) ? NULL : strdup(PQgetvalue(res, 0, col));
}

/* One try: 1 claimed, 0 the key's record is in *rec, 2 the key was
 * released between the claim and the look-up, -1 database error. */
static int
claim_once(struct db *db, const char *const p[3], struct idem_record *rec)
{
	PGresult *res = db_exec(db, "idem_claim", 3, p);
	int rc;

	if (res == NULL)
		return -1;
	rc = PQntuples(res) == 1;
	PQclear(res);
	if (rc == 1)
		return 1;
	if ((res = db_exec(db, "idem_get", 3, p)) == NULL)
		return -1;
	rc = 2;
	if (PQntuples(res) == 1) {
		rec->same_request = PQgetvalue(res, 0, 0)[0] == 't';
		rec->done = !PQgetisnull(res, 0, 1);
		rec->status = atoi(PQgetvalue(res, 0, 1));
		rec->content_type = dup_or_null(res, 2);
		rec->body = dup_or_null(res, 3);
		rec->location = dup_or_null(res, 4);
		rec->etag = dup_or_null(res, 5);
		rc = 0;
	}
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
	char uid[24];
	const char *p[3] = { db_int(uid, user_id), key, hash_hex };
	int attempt, rc = 2;

	memset(rec, 0, sizeof(*rec));
	for (attempt = 0; attempt < 3 && rc == 2; attempt++)
		rc = claim_once(db, p, rec);
	if (rc == 2) {
		rec->same_request = true;
		rc = 0;
	}
	return rc;
}

int
db_idempotency_store(struct db *db, int64_t user_id, const char *key, int status,
    const char *content_type, const char *body, const char *location, const char *etag)
{
	char uid[24], st[12];
	const char *p[7] = { db_int(uid, user_id), key, st, content_type, body, location, etag };

	snprintf(st, sizeof(st), "%d", status);
	return db_run(db, "idem_store", 7, p);
}

int
db_idempotency_release(struct db *db, int64_t user_id, const char *key)
{
	char uid[24];
	const char *p[2] = { db_int(uid, user_id), key };

	return db_run(db, "idem_release", 2, p);
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
