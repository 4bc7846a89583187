/* db_idempotency.h -- Idempotency-Key records: the first reply to a POST,
 * kept for a day, replayed for the same key and body. */
#ifndef REGISTRY_DB_IDEMPOTENCY_H
#define REGISTRY_DB_IDEMPOTENCY_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

struct idem_record {
	bool same_request;       /* the stored request hash matches */
	bool done;               /* a reply is stored */
	int status;
	char *content_type;      /* owned; free with idem_record_free */
	char *body;
	char *location;
	char *etag;
};

/* Claims key for user. 1: claimed, run the request; 0: the key exists,
 * *rec describes it; -1: database error. hash_hex is "\\x..." SHA-256.
 * Once claimed, db borrows key until the store or the release, and every
 * transaction it commits marks the claim committed. */
int db_idempotency_claim(struct db *db, int64_t user_id, const char *key,
    const char *hash_hex, struct idem_record *rec);
/* Inside a transaction, before COMMIT: marks the claim of db's request
 * committed (nothing when it has none). */
int db_idempotency_mark_committed(struct db *db);
/* Stores the reply of a claimed key. */
int db_idempotency_store(struct db *db, int64_t user_id, const char *key, int status,
    const char *content_type, const char *body, const char *location, const char *etag);
/* Forgets a claim whose request failed on the server's side, unless its
 * writes committed: such a request must not run again. */
int db_idempotency_release(struct db *db, int64_t user_id, const char *key);
/* Forgets a claim whatever ran: its reply is not one to keep. */
int db_idempotency_forget(struct db *db, int64_t user_id, const char *key);
void idem_record_free(struct idem_record *rec);

#endif
