/* db_award.c -- SQL of the award and of the outcome. Ranks and totals
 * come from evaluation_ranking (sql/0015_call_award.sql). */
#include "calls/db_award.h"

const struct db_stmt db_award_stmts[] = {
	{ "rank_get",
	  "SELECT json_build_object('organization_id', organization_id, 'total', total,"
	  " 'rank', rank, 'ranked', ranked)::text"
	  " FROM evaluation_ranking WHERE call_id = $1 AND submission_id = $2", 2 },
	{ "award_add",
	  "INSERT INTO call_awards (call_id, submission_id, organization_id, reason, awarded_by,"
	  " awarded_at) VALUES ($1, $2, $3, $4, $5, $6)", 6 },
	{ "call_awarded",
	  "UPDATE calls SET awarded_at = $2, version = version + 1 WHERE id = $1", 2 },
	/* A company sees its own place, never another's total. */
	{ "outcome_get",
	  "SELECT json_build_object('awarded_at', seoul_text(a.awarded_at), 'reason', a.reason,"
	  " 'winner', json_build_object('name', o.name),"
	  " 'own', (SELECT json_build_object('submission_id', r.submission_id, 'total', r.total,"
	  "   'rank', r.rank, 'ranked', r.ranked) FROM evaluation_ranking r"
	  "   WHERE r.call_id = a.call_id AND r.organization_id = $2))::text"
	  " FROM call_awards a JOIN organizations o ON o.id = a.organization_id"
	  " WHERE a.call_id = $1", 2 },
	{ NULL, NULL, 0 }
};

int
db_rank_get(struct db *db, int64_t call_id, int64_t submission_id, json_t **out)
{
	return db_json_one(db, "rank_get", DB_PARAMS(DB_INT(call_id), DB_INT(submission_id)), out);
}

int
db_award_add(struct db *db, const struct db_award *a)
{
	if (db_run(db, "award_add", DB_PARAMS(DB_INT(a->call_id), DB_INT(a->submission_id),
	    DB_INT(a->organization_id), DB_STR(a->reason), DB_INT(a->user_id), DB_STR(a->at))) != 0)
		return -1;
	return db_run(db, "call_awarded", DB_PARAMS(DB_INT(a->call_id), DB_STR(a->at)));
}

int
db_outcome_get(struct db *db, int64_t call_id, int64_t org, json_t **out)
{
	return db_json_one(db, "outcome_get", DB_PARAMS(DB_INT(call_id), DB_OPT_INT(org != 0, org)),
	    out);
}
