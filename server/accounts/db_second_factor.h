/* db_second_factor.h -- the second factor in the database: TOTP boxes,
 * recovery code hashes, and the roles that require one. */
#ifndef REGISTRY_DB_SECOND_FACTOR_H
#define REGISTRY_DB_SECOND_FACTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "db/db.h"

/* A user's second factor as the checks need it. */
struct sf_state {
	char email[256];
	char box[128];           /* "\\x..." or "" when never started */
	bool started;            /* enrolment started (pending or active) */
	bool active;             /* confirmed */
	bool required;           /* a role of the user requires one */
	int64_t codes_left;      /* recovery codes not used yet */
};

/* 1 found (into *s), 0 no such user, -1 error. */
int db_sf_state(struct db *db, int64_t user_id, struct sf_state *s);

/* Inside a transaction: a new pending secret, replacing a pending one.
 * 1 stored, 0 refused (active already), -1 error. */
int db_sf_start(struct db *db, int64_t user_id, const char *box_hex);
/* Inside a transaction: the pending secret becomes active, its code's
 * step used. 1 done, 0 nothing pending or the step used, -1 error. */
int db_sf_confirm(struct db *db, int64_t user_id, int64_t step);
/* Inside a transaction: an active secret's code of step is used, unless
 * that step or a later one was. 1 used now, 0 refused, -1 error. */
int db_sf_use_step(struct db *db, int64_t user_id, int64_t step);
/* Inside a transaction: a recovery code (its hash, 64 hex digits) is
 * used. 1 used now, 0 no such unused code, -1 error. */
int db_sf_use_code(struct db *db, int64_t user_id, const char *hash_hex);
/* Inside a transaction: the recovery codes are replaced by these hashes
 * ("{hex,hex,...}"). 0 or -1. */
int db_sf_codes_replace(struct db *db, int64_t user_id, const char *hashes);
/* Inside a transaction: the secret and the codes are gone. 0 or -1. */
int db_sf_remove(struct db *db, int64_t user_id);

/* {"required_roles": [...]} */
int db_sf_policy_get(struct db *db, json_t **out);
/* Inside a transaction: exactly roles ("{admin,officer}") are required. */
int db_sf_policy_set(struct db *db, const char *roles);

#endif
