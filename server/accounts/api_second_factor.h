/* api_second_factor.h -- what sign-in and the second factor's handlers
 * share: the sign-in throttle, and a code given as proof. */
#ifndef REGISTRY_API_SECOND_FACTOR_H
#define REGISTRY_API_SECOND_FACTOR_H

#include <stdint.h>

#include "core/req.h"
#include "db/db.h"
#include "accounts/db_second_factor.h"

/* Records a sign-in attempt for email from the request's address before
 * anything secret is checked, or replies 429 (sql/0008_signin.sql): a
 * wrong password or code leaves it counted. 0 with *attempt_id, or -1. */
int api_auth_attempt_or_reply(struct req *r, const char *email, int64_t *attempt_id);

/* A code given as proof of the second factor. */
struct sf_proof {
	int64_t step;            /* > 0: a TOTP code of this time step */
	char code_hash[65];      /* else a recovery code's hash */
};

/* Checks a TOTP code (or else a recovery code; either may be NULL)
 * against user_id's active second factor s: 1 a proof worth trying in
 * the transaction, 0 none was given, -1 wrong. */
int api_sf_proof_check(const struct sf_state *s, int64_t user_id, const char *totp,
    const char *recovery_code, struct sf_proof *p);

/* Inside a transaction: uses the proof, so that it never works twice.
 * 1 used now, 0 used already, -1 error. */
int api_sf_proof_use(struct db *db, int64_t user_id, const struct sf_proof *p);

#endif
