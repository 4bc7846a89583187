/* db_evaluation.h -- the evaluation of a call in the database: criteria
 * and weights, evaluators and their declared interests, scores, and the
 * totals and ranks PostgreSQL computes (evaluation_ranking). Every
 * deadline and state is judged by the caller. */
#ifndef REGISTRY_DB_EVALUATION_H
#define REGISTRY_DB_EVALUATION_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "db/db.h"

/* Criteria, replaced as a whole: [{name, weight, max_score}] in order.
 * Borrows criteria. */
int db_criteria_replace(struct db *db, int64_t call_id, const json_t *criteria);
/* [{id, position, name, weight, max_score}] in order. */
int db_criteria_get(struct db *db, int64_t call_id, json_t **rows);

/* Evaluators, replaced as a whole: those kept keep their declaration.
 * *count is the call's evaluators afterwards (only active officers are
 * added). Borrows users (an array of ids). */
int db_evaluators_replace(struct db *db, int64_t call_id, const json_t *users, int64_t by,
    const char *at, int64_t *count);
/* How many scores the call has. */
int db_scores_count(struct db *db, int64_t call_id, int64_t *n);
/* [{user, assigned_at, declared_at, interests, conflicts, to_score, scored}]. */
int db_evaluators_get(struct db *db, int64_t call_id, json_t **rows);

/* The caller as an evaluator: {id, declared_at, scores}, or NULL. */
int db_evaluator_get(struct db *db, int64_t call_id, int64_t user_id, json_t **out);
/* The declaration, replaced: [{organization_name, registration_number,
 * relation}], possibly empty. Borrows interests. */
int db_declaration_replace(struct db *db, int64_t evaluator_id, const json_t *interests,
    const char *at);

/* The evaluator and an opened proposal: {organization_id, conflicted,
 * party, registration_number} (the link, when conflicted), or NULL when
 * the submission is no opened proposal of the call. */
int db_pair_get(struct db *db, int64_t call_id, int64_t user_id, int64_t submission_id,
    json_t **out);
/* One score, made or changed. */
struct db_score {
	int64_t call_id, submission_id, user_id, criterion_id, score;
	const char *comment;
	const char *at;
};
int db_score_put(struct db *db, const struct db_score *s);
/* The evaluator's scores of one proposal. */
int db_scores_own(struct db *db, int64_t submission_id, int64_t user_id, json_t **rows);

/* Evaluator-proposal pairs to score, scored, and whether that is all. */
struct db_progress {
	int64_t expected, done;
	bool complete;
};
int db_evaluation_progress(struct db *db, int64_t call_id, struct db_progress *p);
int db_call_evaluated(struct db *db, int64_t call_id, const char *at);

/* The table: criteria, progress, and each opened proposal with its scores
 * (all of them once the call is evaluated, else only viewer's) and, once
 * evaluated, its total and rank. NULL when there is no such call. */
int db_evaluation_get(struct db *db, int64_t call_id, int64_t viewer, json_t **out);

#endif
