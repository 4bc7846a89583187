/* api_calls.h -- what the handlers of calls share: the call's state under
 * a lock with the refusals that follow from the clock, Seoul times, PDF
 * uploads. */
#ifndef REGISTRY_API_CALLS_H
#define REGISTRY_API_CALLS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/api.h"
#include "calls/db_calls.h"

/* Largest PDF of a letter or of the guidelines. */
#define CALLS_PDF_LIMIT (20u << 20)

/* Ministry staff: admin, officer, auditor. */
bool calls_staff(const struct req *r);

/* Whether s is a Seoul time "YYYY-MM-DDTHH:MM:SS+09:00" of a real day. */
bool calls_seoul_time(const char *s);

/* Inside a transaction: locks call id and reads its state at `at`.
 * Returns 0, 1 after a 404 (also for a draft the caller may not see),
 * -1 on a database error: a transaction function's codes. */
int calls_state_or_reply(struct req *r, struct db *db, int64_t id, const char *at,
    bool exclusive, struct db_call_state *st);

/* For a read outside a transaction: the route's call id and its state
 * now, or -1 after a 404 (or the database's error). */
int calls_read_or_reply(struct req *r, int64_t *id, struct db_call_state *st);

/* Whether letters are accepted now; else a 409 naming the deadline (or
 * the state) and 1. */
int calls_letters_open_or_reply(struct req *r, const struct db_call_state *st);

/* The uploaded PDF (r->upload) read into memory, checked by its content
 * and size; caller frees *buf. NULL-safe: 0, or -1 after a 4xx. */
int calls_pdf_or_reply(struct req *r, char **buf, size_t *len);

/* Replies 200 with a PDF from column 0 (binary) of res and its hex
 * SHA-256 from column 1, as an attachment named name. Borrows res. */
void calls_pdf_reply(struct req *r, const PGresult *res, const char *name);

/* At publication, inside its transaction: makes the opening key when the
 * call has a committee (api_committee.c). A transaction function's codes. */
int calls_opening_key_make(struct req *r, struct db *db, int64_t id, const char *at);

/* Inside a transaction, the call locked for update, after the deadline:
 * the signed checkpoint of the frozen set, made the first time it is
 * asked for (api_proposals.c). *out is new. A transaction function's codes. */
int calls_checkpoint(struct req *r, struct db *db, int64_t call_id, const char *at,
    json_t **out);

/* The organisation key that signed a submission (api_org_keys.c). */
struct calls_signer {
	int64_t id;
	char key_id[65];           /* SHA-256 of the public key, hex */
	char signature_hex[129];
	char signature_b64[89];
};

/* Inside a submission's transaction: signature (base64, the
 * Proposal-Signature header) over the blob's SHA-256 (hex), checked with
 * the organisation's active keys; the one that verifies into *key. A
 * transaction function's codes (1 after a 422). */
int calls_signature_or_reply(struct req *r, struct db *db, const char *signature,
    const char *sha256_hex, struct calls_signer *key);

/* The call id of the route, or -1 after a 404. */
int calls_param_or_reply(struct req *r, int64_t *id);

#endif
