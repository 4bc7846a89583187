/* db_evaluation.c -- SQL of criteria, evaluators, declarations, scores and
 * the evaluation table. Totals and ranks come from evaluation_ranking and
 * progress from evaluation_progress() (sql/0015_call_award.sql). */
#include "calls/db_evaluation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USER_REF(u) "json_build_object('id', " u ".id, 'name', " u ".name)"

/* Scores as JSON: one object a score, of the rows sc joined to users u. */
#define SCORE_JSON \
	"json_build_object('evaluator', " USER_REF("u") ", 'criterion_id', sc.criterion_id," \
	" 'score', sc.score, 'comment', sc.comment, 'scored_at', seoul_text(sc.scored_at))"

const struct db_stmt db_evaluation_stmts[] = {
	{ "criteria_clear", "DELETE FROM call_criteria WHERE call_id = $1", 1 },
	{ "criteria_add",
	  "INSERT INTO call_criteria (call_id, position, name, weight, max_score)"
	  " SELECT $1, c.n, c.v ->> 'name', (c.v ->> 'weight')::int, (c.v ->> 'max_score')::int"
	  " FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS c(v, n)", 2 },
	{ "criteria_get",
	  "SELECT json_build_object('id', id, 'position', position, 'name', name,"
	  " 'weight', weight, 'max_score', max_score)::text"
	  " FROM call_criteria WHERE call_id = $1 ORDER BY position", 1 },
	{ "evaluators_drop_interests",
	  "DELETE FROM evaluator_interests WHERE evaluator_id IN (SELECT e.id FROM call_evaluators e"
	  " WHERE e.call_id = $1 AND NOT e.user_id IN (SELECT jsonb_array_elements_text($2::jsonb)"
	  "   ::bigint))", 2 },
	{ "evaluators_drop",
	  "DELETE FROM call_evaluators WHERE call_id = $1 AND NOT user_id IN"
	  " (SELECT jsonb_array_elements_text($2::jsonb)::bigint)", 2 },
	{ "evaluators_add",
	  "INSERT INTO call_evaluators (call_id, user_id, assigned_by, assigned_at)"
	  " SELECT $1, u.id, $3, $4 FROM users u WHERE u.id IN"
	  "   (SELECT jsonb_array_elements_text($2::jsonb)::bigint)"
	  "   AND u.active AND 'officer' = ANY (u.roles)"
	  " ON CONFLICT (call_id, user_id) DO NOTHING", 4 },
	{ "evaluators_count", "SELECT count(*) FROM call_evaluators WHERE call_id = $1", 1 },
	{ "scores_count", "SELECT count(*) FROM evaluation_scores WHERE call_id = $1", 1 },
	{ "evaluators_get",
	  "SELECT json_build_object('user', json_build_object('id', u.id, 'name', u.name,"
	  " 'email', u.email), 'assigned_at', seoul_text(e.assigned_at),"
	  " 'declared_at', seoul_text(e.declared_at),"
	  " 'interests', coalesce((SELECT json_agg(json_build_object('organization_name',"
	  "   i.organization_name, 'registration_number', i.registration_number,"
	  "   'relation', i.relation) ORDER BY i.id)"
	  "   FROM evaluator_interests i WHERE i.evaluator_id = e.id), '[]'),"
	  " 'conflicts', coalesce((SELECT json_agg(json_build_object('submission_id',"
	  "   p.submission_id, 'organization', " USER_REF("o") ") ORDER BY p.submission_id)"
	  "   FROM evaluation_pairs p JOIN organizations o ON o.id = p.organization_id"
	  "   WHERE p.evaluator_id = e.id AND p.conflicted), '[]'),"
	  " 'to_score', (SELECT count(*) FROM evaluation_pairs p WHERE p.evaluator_id = e.id"
	  "   AND NOT p.conflicted),"
	  " 'scored', (SELECT count(*) FROM evaluation_pairs p WHERE p.evaluator_id = e.id"
	  "   AND NOT p.conflicted AND p.scored = (SELECT count(*) FROM call_criteria c"
	  "   WHERE c.call_id = e.call_id)))::text"
	  " FROM call_evaluators e JOIN users u ON u.id = e.user_id WHERE e.call_id = $1"
	  " ORDER BY u.id", 1 },
	{ "evaluator_get",
	  "SELECT json_build_object('id', e.id, 'declared_at', seoul_text(e.declared_at),"
	  " 'scores', (SELECT count(*) FROM evaluation_scores s WHERE s.call_id = e.call_id"
	  "   AND s.user_id = e.user_id))::text"
	  " FROM call_evaluators e WHERE e.call_id = $1 AND e.user_id = $2", 2 },
	{ "declaration_clear", "DELETE FROM evaluator_interests WHERE evaluator_id = $1", 1 },
	{ "declaration_add",
	  "INSERT INTO evaluator_interests (evaluator_id, organization_name, registration_number,"
	  " relation) SELECT $1, i.v ->> 'organization_name', i.v ->> 'registration_number',"
	  " i.v ->> 'relation' FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS i(v, n)"
	  " ORDER BY i.n", 2 },
	{ "declaration_done", "UPDATE call_evaluators SET declared_at = $2 WHERE id = $1", 2 },
	/* The link that makes a conflict, when there is one: the bidder's own
	 * number before a member's. */
	{ "pair_get",
	  "SELECT json_build_object('organization_id', p.organization_id,"
	  " 'conflicted', p.conflicted, 'party', l.party,"
	  " 'registration_number', l.registration_number)::text"
	  " FROM evaluation_pairs p LEFT JOIN LATERAL (SELECT x.party, x.registration_number"
	  "   FROM proposal_parties x JOIN evaluator_interests i"
	  "     ON i.number_key = registration_key(x.registration_number)"
	  "   WHERE x.submission_id = p.submission_id AND i.evaluator_id = p.evaluator_id"
	  "   ORDER BY x.party LIMIT 1) l ON true"
	  " WHERE p.call_id = $1 AND p.user_id = $2 AND p.submission_id = $3", 3 },
	{ "score_put",
	  "INSERT INTO evaluation_scores (call_id, submission_id, user_id, criterion_id, score,"
	  " comment, scored_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
	  " ON CONFLICT (submission_id, user_id, criterion_id) DO UPDATE"
	  " SET score = EXCLUDED.score, comment = EXCLUDED.comment, scored_at = EXCLUDED.scored_at", 7 },
	{ "scores_own",
	  "SELECT " SCORE_JSON "::text FROM evaluation_scores sc JOIN users u ON u.id = sc.user_id"
	  " WHERE sc.submission_id = $1 AND sc.user_id = $2 ORDER BY sc.criterion_id", 2 },
	{ "evaluation_progress",
	  "SELECT expected, done, complete FROM evaluation_progress($1)", 1 },
	{ "call_evaluated",
	  "UPDATE calls SET evaluated_at = $2, version = version + 1 WHERE id = $1", 2 },
	/* Scores are the viewer's own until the call is evaluated; totals and
	 * ranks only then. */
	{ "evaluation_get",
	  "SELECT json_build_object('complete', k.evaluated_at IS NOT NULL,"
	  " 'evaluated_at', seoul_text(k.evaluated_at), 'expected', g.expected, 'done', g.done,"
	  " 'criteria', coalesce((SELECT json_agg(json_build_object('id', c.id, 'position',"
	  "   c.position, 'name', c.name, 'weight', c.weight, 'max_score', c.max_score)"
	  "   ORDER BY c.position) FROM call_criteria c WHERE c.call_id = k.id), '[]'),"
	  " 'proposals', coalesce((SELECT json_agg(json_build_object('submission_id',"
	  "   r.submission_id, 'organization', " USER_REF("o") ","
	  "   'total', CASE WHEN k.evaluated_at IS NOT NULL THEN r.total END,"
	  "   'rank', CASE WHEN k.evaluated_at IS NOT NULL THEN r.rank END,"
	  "   'scores', coalesce((SELECT json_agg(" SCORE_JSON " ORDER BY u.id, sc.criterion_id)"
	  "     FROM evaluation_scores sc JOIN users u ON u.id = sc.user_id"
	  "     WHERE sc.submission_id = r.submission_id"
	  "       AND (k.evaluated_at IS NOT NULL OR sc.user_id = $2)), '[]'))"
	  "   ORDER BY CASE WHEN k.evaluated_at IS NOT NULL THEN r.rank END, r.submission_id)"
	  "   FROM evaluation_ranking r JOIN organizations o ON o.id = r.organization_id"
	  "   WHERE r.call_id = k.id), '[]'))::text"
	  " FROM calls k CROSS JOIN evaluation_progress(k.id) g WHERE k.id = $1", 2 },
	{ NULL, NULL, 0 }
};

/* A JSON value as the text of a jsonb parameter; caller frees. */
static char *
json_text(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

int
db_criteria_replace(struct db *db, int64_t call_id, const json_t *criteria)
{
	char *text = json_text(criteria);
	int rc = -1;

	if (text == NULL)
		return -1;
	if (db_run_by_id(db, "criteria_clear", call_id) == 0)
		rc = db_run(db, "criteria_add", DB_PARAMS(DB_INT(call_id), DB_STR(text)));
	free(text);
	return rc;
}

int
db_criteria_get(struct db *db, int64_t call_id, json_t **rows)
{
	return db_json_rows_by_id(db, "criteria_get", call_id, rows);
}

int
db_evaluators_replace(struct db *db, int64_t call_id, const json_t *users, int64_t by,
    const char *at, int64_t *count)
{
	char *ids = json_text(users);
	int rc = -1;

	if (ids == NULL)
		return -1;
	if (db_run(db, "evaluators_drop_interests", DB_PARAMS(DB_INT(call_id), DB_STR(ids))) == 0 &&
	    db_run(db, "evaluators_drop", DB_PARAMS(DB_INT(call_id), DB_STR(ids))) == 0 &&
	    db_run(db, "evaluators_add", DB_PARAMS(DB_INT(call_id), DB_STR(ids), DB_INT(by),
	    DB_STR(at))) == 0)
		rc = db_one_int_by_id(db, "evaluators_count", call_id, count);
	free(ids);
	return rc;
}

int
db_scores_count(struct db *db, int64_t call_id, int64_t *n)
{
	return db_one_int_by_id(db, "scores_count", call_id, n);
}

int
db_evaluators_get(struct db *db, int64_t call_id, json_t **rows)
{
	return db_json_rows_by_id(db, "evaluators_get", call_id, rows);
}

int
db_evaluator_get(struct db *db, int64_t call_id, int64_t user_id, json_t **out)
{
	return db_json_one(db, "evaluator_get", DB_PARAMS(DB_INT(call_id), DB_INT(user_id)), out);
}

int
db_declaration_replace(struct db *db, int64_t evaluator_id, const json_t *interests,
    const char *at)
{
	char *text = json_text(interests);
	int rc = -1;

	if (text == NULL)
		return -1;
	if (db_run_by_id(db, "declaration_clear", evaluator_id) == 0 &&
	    db_run(db, "declaration_add", DB_PARAMS(DB_INT(evaluator_id), DB_STR(text))) == 0)
		rc = db_run(db, "declaration_done", DB_PARAMS(DB_INT(evaluator_id), DB_STR(at)));
	free(text);
	return rc;
}

int
db_pair_get(struct db *db, int64_t call_id, int64_t user_id, int64_t submission_id,
    json_t **out)
{
	return db_json_one(db, "pair_get", DB_PARAMS(DB_INT(call_id), DB_INT(user_id),
	    DB_INT(submission_id)), out);
}

int
db_score_put(struct db *db, const struct db_score *s)
{
	return db_run(db, "score_put", DB_PARAMS(DB_INT(s->call_id), DB_INT(s->submission_id),
	    DB_INT(s->user_id), DB_INT(s->criterion_id), DB_INT(s->score), DB_STR(s->comment),
	    DB_STR(s->at)));
}

int
db_scores_own(struct db *db, int64_t submission_id, int64_t user_id, json_t **rows)
{
	return db_json_rows(db, "scores_own", DB_PARAMS(DB_INT(submission_id), DB_INT(user_id)),
	    rows);
}

int
db_evaluation_progress(struct db *db, int64_t call_id, struct db_progress *p)
{
	PGresult *res = db_exec(db, "evaluation_progress", DB_PARAMS(DB_INT(call_id)));
	int rc = -1;

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1)
		rc = db_row(db, res, 0, DB_COLS(DB_COL_INT("expected", &p->expected),
		    DB_COL_INT("done", &p->done), DB_COL_BOOL("complete", &p->complete)));
	PQclear(res);
	return rc;
}

int
db_call_evaluated(struct db *db, int64_t call_id, const char *at)
{
	return db_run(db, "call_evaluated", DB_PARAMS(DB_INT(call_id), DB_STR(at)));
}

int
db_evaluation_get(struct db *db, int64_t call_id, int64_t viewer, json_t **out)
{
	return db_json_one(db, "evaluation_get", DB_PARAMS(DB_INT(call_id), DB_INT(viewer)), out);
}
