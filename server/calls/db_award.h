/* db_award.h -- the award of a call and its outcome as each party may see
 * it, in the database. */
#ifndef REGISTRY_DB_AWARD_H
#define REGISTRY_DB_AWARD_H

#include <stdint.h>
#include <jansson.h>

#include "db/db.h"

/* An opened proposal's place in the call's ranking: {organization_id,
 * total, rank, ranked}, or NULL when it has none. */
int db_rank_get(struct db *db, int64_t call_id, int64_t submission_id, json_t **out);

struct db_award {
	int64_t call_id, submission_id, organization_id, user_id;
	const char *reason;
	const char *at;
};
/* Records the award and marks the call awarded. */
int db_award_add(struct db *db, const struct db_award *a);

/* {awarded_at, reason, winner: {name}, own} where own is org's place in
 * the ranking ({submission_id, total, rank, ranked}) or null (org 0:
 * none); NULL before the award. */
int db_outcome_get(struct db *db, int64_t call_id, int64_t org, json_t **out);

#endif
