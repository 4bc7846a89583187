/* api_evaluation.c -- the evaluation of a call: criteria and weights (set
 * until the proposal deadline, frozen then), evaluators assigned by an
 * officer, each evaluator's declaration of interests, and scores.
 *
 * An evaluator linked to a bidder or to a member of its consortium (by
 * registration number, as the evaluator declared and the letter of
 * intent names the members) is flagged by the database and refused for
 * that proposal. Scores are an evaluator's own until every evaluator has
 * scored every proposal they may; the last score marks the call
 * evaluated, and from then on officers see the whole table, totals and
 * ranks computed by PostgreSQL (evaluation_ranking). */
#include "calls/api_calls.h"
#include "calls/calls.h"
#include "calls/db_evaluation.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"

#define CRITERIA_MAX 50
#define EVALUATORS_MAX 50
#define INTERESTS_MAX 100

static const struct field_spec criterion_fields[] = {
	{ "name", FIELD_STRING, true, 1, 200, NULL },
	{ "weight", FIELD_INTEGER, true, 1, 100, NULL },
	{ "max_score", FIELD_INTEGER, true, 1, 1000, NULL },
};

static const struct field_spec criteria_fields[] = {
	{ "criteria", FIELD_OBJECT_ARRAY, true, 1, CRITERIA_MAX, NULL, criterion_fields,
	  NFIELDS(criterion_fields) },
};

static const struct field_spec evaluator_fields[] = {
	{ "user_id", FIELD_INTEGER, true, 1, 0, NULL },
};

static const struct field_spec evaluators_fields[] = {
	{ "evaluators", FIELD_OBJECT_ARRAY, true, 1, EVALUATORS_MAX, NULL, evaluator_fields,
	  NFIELDS(evaluator_fields) },
};

static const struct field_spec interest_fields[] = {
	{ "organization_name", FIELD_STRING, true, 1, 200, NULL },
	{ "registration_number", FIELD_STRING, true, 1, 40, NULL },
	{ "relation", FIELD_STRING, true, 1, 500, NULL },
};

static const struct field_spec declaration_fields[] = {
	{ "interests", FIELD_OBJECT_ARRAY, true, 0, INTERESTS_MAX, NULL, interest_fields,
	  NFIELDS(interest_fields) },
};

static const struct field_spec score_fields[] = {
	{ "criterion_id", FIELD_INTEGER, true, 1, 0, NULL },
	{ "score", FIELD_INTEGER, true, 0, 1000, NULL },
	{ "comment", FIELD_STRING, true, 1, 4000, NULL },
};

static const struct field_spec scores_fields[] = {
	{ "scores", FIELD_OBJECT_ARRAY, true, 1, CRITERIA_MAX, NULL, score_fields,
	  NFIELDS(score_fields) },
};

const struct field_table api_criteria_put_body = FIELD_TABLE(criteria_fields);
const struct field_table api_evaluators_put_body = FIELD_TABLE(evaluators_fields);
const struct field_table api_declaration_put_body = FIELD_TABLE(declaration_fields);
const struct field_table api_scores_put_body = FIELD_TABLE(scores_fields);

/* {items: rows}, stealing rows; NULL stays NULL (a database error). */
static json_t *
items(json_t *rows)
{
	return rows == NULL ? NULL : json_pack("{s:o}", "items", rows);
}

/* A write of the evaluation: the call, the body, the clock. */
struct evaluation_write {
	struct req *r;
	int64_t call_id;
	int64_t submission_id;
	json_t *body;            /* owned */
	json_t *list;            /* borrowed from body: the array the body carries */
	json_t *out;             /* owned: what the reply shows */
	struct db_progress progress;
	char at[32];
};

static bool
status_in(const char *status, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(status, *set) == 0)
			return true;
	return false;
}

/* The call's id, the body checked against spec, its array member name in
 * w->list, and the clock. 0, or -1 after a reply. */
static int
write_start_or_reply(struct req *r, struct evaluation_write *w, const struct field_spec *spec,
    size_t n)
{
	w->r = r;
	if (calls_param_or_reply(r, &w->call_id) != 0 ||
	    (w->body = validate_body_or_reply(r)) == NULL)
		return -1;
	if (validate_fields_or_reply(r, w->body, spec, n, false) != 0)
		return -1;
	w->list = json_object_get(w->body, spec[0].name);
	clock_now(w->at);
	return 0;
}

/* Runs fn in the request's transaction and replies 200 with w->out. */
static void
write_finish(struct evaluation_write *w, int (*fn)(struct db *, void *))
{
	if (w->body != NULL && w->r->status == 0 && api_transaction(w->r, fn, w) == 0)
		reply_json(w->r, 200, w->out);
	json_decref(w->out);
	json_decref(w->body);
}

static int
criteria_tx(struct db *db, void *arg)
{
	static const char *const open[] = { "draft", "published", "loi_open", "loi_closed",
		"proposals_open", NULL };
	struct evaluation_write *w = arg;
	struct db_call_state st;
	int rc;

	if ((rc = calls_state_or_reply(w->r, db, w->call_id, w->at, true, &st)) != 0)
		return rc;
	if (!status_in(st.status, open)) {
		reply_problem_with(w->r, PROBLEM_CALL_CRITERIA_FROZEN, json_pack("{s:s, s:s}",
		    "deadline", st.proposal_deadline, "current_status", st.status), "the criteria "
		    "of call %lld were frozen at the proposal deadline, %s (Asia/Seoul); the call is %s",
		    (long long)w->call_id, st.proposal_deadline, st.status);
		return 1;
	}
	if (db_criteria_replace(db, w->call_id, w->list) != 0 ||
	    db_criteria_get(db, w->call_id, &w->out) != 0)
		return -1;
	w->out = items(w->out);
	return 0;
}

/* PUT /api/v1/calls/:id/criteria {criteria: [{name, weight, max_score}]}
 * -- the weights are percentages and add up to 100. */
void
api_criteria_put(struct req *r)
{
	struct evaluation_write w = { 0 };
	json_int_t sum = 0;
	json_t *c;
	size_t i;

	if (write_start_or_reply(r, &w, criteria_fields, NFIELDS(criteria_fields)) == 0) {
		json_array_foreach(w.list, i, c)
			sum += json_integer_value(json_object_get(c, "weight"));
		if (sum != 100)
			reply_invalid_field(r, "criteria", "the weights must add up to 100");
	}
	write_finish(&w, criteria_tx);
}

/* The call's rows from get, as {items}, once the caller may see the call. */
static void
list_reply(struct req *r, int (*get)(struct db *, int64_t, json_t **))
{
	int64_t id;
	struct db_call_state st;
	json_t *rows = NULL;

	if (calls_read_or_reply(r, &id, &st) != 0)
		return;
	if (get(r->db, id, &rows) != 0)
		api_db_error(r);
	else
		reply_json_steal(r, 200, items(rows));
}

/* GET /api/v1/calls/:id/criteria -- staff and companies. */
void
api_criteria_get(struct req *r)
{
	list_reply(r, db_criteria_get);
}

static int
evaluators_tx(struct db *db, void *arg)
{
	static const char *const closed[] = { "evaluated", "awarded", "cancelled", NULL };
	struct evaluation_write *w = arg;
	struct db_call_state st;
	json_t *ids = NULL, *e;
	int64_t scores = 0, count = 0;
	size_t i;
	int rc;

	if ((rc = calls_state_or_reply(w->r, db, w->call_id, w->at, true, &st)) != 0)
		return rc;
	if (db_scores_count(db, w->call_id, &scores) != 0)
		return -1;
	if (scores > 0 || status_in(st.status, closed)) {
		reply_problem_with(w->r, PROBLEM_CALL_EVALUATORS_FIXED, json_pack("{s:s}",
		    "current_status", st.status), "the evaluators of call %lld are fixed: %s",
		    (long long)w->call_id, scores > 0 ? "scoring has started" : st.status);
		return 1;
	}
	ids = json_array();
	json_array_foreach(w->list, i, e)
		json_array_append(ids, json_object_get(e, "user_id"));
	rc = db_evaluators_replace(db, w->call_id, ids, w->r->session.user_id, w->at, &count);
	json_decref(ids);
	if (rc != 0)
		return -1;
	if ((size_t)count != json_array_size(w->list)) {
		reply_invalid_field(w->r, "evaluators", "every evaluator must be a different, active "
		    "ministry officer");
		return 1;
	}
	if (db_evaluators_get(db, w->call_id, &w->out) != 0)
		return -1;
	w->out = items(w->out);
	return 0;
}

/* PUT /api/v1/calls/:id/evaluators {evaluators: [{user_id}]} -- until the
 * first score; those kept keep their declaration. */
void
api_evaluators_put(struct req *r)
{
	struct evaluation_write w = { 0 };

	write_start_or_reply(r, &w, evaluators_fields, NFIELDS(evaluators_fields));
	write_finish(&w, evaluators_tx);
}

/* GET /api/v1/calls/:id/evaluators -- staff: each evaluator, their
 * declaration, the proposals they are flagged for, and their progress. */
void
api_evaluators_get(struct req *r)
{
	list_reply(r, db_evaluators_get);
}

/* The caller as an evaluator of the call (*e new), or 1 after a 403. */
static int
evaluator_or_reply(struct evaluation_write *w, struct db *db, json_t **e)
{
	if (db_evaluator_get(db, w->call_id, w->r->session.user_id, e) != 0)
		return -1;
	if (*e != NULL)
		return 0;
	reply_problem(w->r, PROBLEM_CALL_NOT_EVALUATOR, "you are not an evaluator of call %lld",
	    (long long)w->call_id);
	return 1;
}

static int
declaration_tx(struct db *db, void *arg)
{
	struct evaluation_write *w = arg;
	struct db_call_state st;
	json_t *e = NULL;
	int rc;

	if ((rc = calls_state_or_reply(w->r, db, w->call_id, w->at, true, &st)) != 0 ||
	    (rc = evaluator_or_reply(w, db, &e)) != 0)
		return rc;
	if (json_integer_value(json_object_get(e, "scores")) > 0) {
		reply_problem(w->r, PROBLEM_CALL_DECLARATION_FIXED, "you have scored proposals of "
		    "call %lld: your declaration of interests is fixed", (long long)w->call_id);
		rc = 1;
	} else {
		rc = db_declaration_replace(db, json_integer_value(json_object_get(e, "id")), w->list,
		    w->at);
	}
	json_decref(e);
	e = NULL;
	if (rc == 0 && (rc = db_evaluator_get(db, w->call_id, w->r->session.user_id, &e)) == 0)
		w->out = json_pack("{s:O, s:O}", "declared_at", json_object_get(e, "declared_at"),
		    "interests", w->list);
	json_decref(e);
	return rc;
}

/* PUT /api/v1/calls/:id/evaluators/declaration {interests: [...]} -- the
 * evaluator themself: the organisations they are linked to, or none. */
void
api_declaration_put(struct req *r)
{
	struct evaluation_write w = { 0 };

	write_start_or_reply(r, &w, declaration_fields, NFIELDS(declaration_fields));
	write_finish(&w, declaration_tx);
}

/* 409 unless the call is opened and not evaluated yet. */
static int
scoring_open_or_reply(struct evaluation_write *w, const struct db_call_state *st)
{
	static const char *const done[] = { "evaluated", "awarded", NULL };

	if (strcmp(st->status, "opened") == 0)
		return 0;
	if (status_in(st->status, done))
		reply_problem_with(w->r, PROBLEM_CALL_EVALUATION_CLOSED, json_pack("{s:s}",
		    "current_status", st->status), "call %lld is %s: the scores are final",
		    (long long)w->call_id, st->status);
	else
		reply_problem_with(w->r, PROBLEM_CALL_NOT_OPENED, json_pack("{s:s}",
		    "current_status", st->status), "the proposals of call %lld are not opened: "
		    "it is %s", (long long)w->call_id, st->status);
	return 1;
}

/* The evaluator may score this proposal: declared, and not linked to it. */
static int
may_score_or_reply(struct evaluation_write *w, struct db *db)
{
	json_t *e = NULL, *pair = NULL;
	int rc;

	if ((rc = evaluator_or_reply(w, db, &e)) != 0)
		return rc;
	if (json_is_null(json_object_get(e, "declared_at"))) {
		reply_problem(w->r, PROBLEM_CALL_DECLARATION_MISSING, "declare your interests "
		    "before you score (PUT /api/v1/calls/%lld/evaluators/declaration)",
		    (long long)w->call_id);
		rc = 1;
	} else if ((rc = db_pair_get(db, w->call_id, w->r->session.user_id, w->submission_id,
	    &pair)) != 0) {
		rc = -1;
	} else if (pair == NULL) {
		reply_problem(w->r, PROBLEM_CALL_PROPOSAL_NOT_FOUND, "no opened proposal %lld in "
		    "call %lld", (long long)w->submission_id, (long long)w->call_id);
		rc = 1;
	} else if (json_is_true(json_object_get(pair, "conflicted"))) {
		reply_problem_with(w->r, PROBLEM_CALL_EVALUATOR_CONFLICT, json_pack("{s:O, s:O}",
		    "registration_number", json_object_get(pair, "registration_number"), "party",
		    json_object_get(pair, "party")), "you declared a link to %s of proposal %lld "
		    "(registration number %s): you may not score it",
		    json_string_value(json_object_get(pair, "party")), (long long)w->submission_id,
		    json_string_value(json_object_get(pair, "registration_number")));
		rc = 1;
	}
	json_decref(pair);
	json_decref(e);
	return rc;
}

/* Every criterion of the call scored once, each within its maximum:
 * 0, or 1 after a 422 listing each problem. */
static int
scores_match_or_reply(struct evaluation_write *w, const json_t *criteria)
{
	json_t *errors = json_array(), *c, *s;
	size_t i, j, seen;
	char field[48];

	json_array_foreach(criteria, i, c) {
		seen = 0;
		json_array_foreach(w->list, j, s) {
			if (json_integer_value(json_object_get(s, "criterion_id")) !=
			    json_integer_value(json_object_get(c, "id")))
				continue;
			seen++;
			snprintf(field, sizeof(field), "scores[%zu].score", j);
			if (json_integer_value(json_object_get(s, "score")) >
			    json_integer_value(json_object_get(c, "max_score")))
				validate_error_add(errors, field, "must be at most %lld (%s)",
				    (long long)json_integer_value(json_object_get(c, "max_score")),
				    json_string_value(json_object_get(c, "name")));
		}
		if (seen != 1)
			validate_error_add(errors, "scores", "criterion %lld (%s) must be scored once",
			    (long long)json_integer_value(json_object_get(c, "id")),
			    json_string_value(json_object_get(c, "name")));
	}
	if (json_array_size(w->list) != json_array_size(criteria))
		validate_error_add(errors, "scores", "score each of the %zu criteria once, no other",
		    json_array_size(criteria));
	return api_errors_or_reply(w->r, errors) == 0 ? 0 : 1;
}

/* Records the scores; the last of the call marks it evaluated. */
static int
scores_record(struct evaluation_write *w, struct db *db)
{
	struct db_score sc = { w->call_id, w->submission_id, w->r->session.user_id, 0, 0, NULL,
		w->at };
	json_t *s;
	size_t i;

	json_array_foreach(w->list, i, s) {
		sc.criterion_id = json_integer_value(json_object_get(s, "criterion_id"));
		sc.score = json_integer_value(json_object_get(s, "score"));
		sc.comment = json_string_value(json_object_get(s, "comment"));
		if (db_score_put(db, &sc) != 0)
			return -1;
	}
	if (db_evaluation_progress(db, w->call_id, &w->progress) != 0)
		return -1;
	if (w->progress.complete && db_call_evaluated(db, w->call_id, w->at) != 0)
		return -1;
	return db_scores_own(db, w->submission_id, w->r->session.user_id, &w->out);
}

static int
scores_tx(struct db *db, void *arg)
{
	struct evaluation_write *w = arg;
	struct db_call_state st;
	json_t *criteria = NULL;
	int rc;

	if ((rc = calls_state_or_reply(w->r, db, w->call_id, w->at, true, &st)) != 0 ||
	    (rc = scoring_open_or_reply(w, &st)) != 0)
		return rc;
	if (db_criteria_get(db, w->call_id, &criteria) != 0)
		return -1;
	if (json_array_size(criteria) == 0) {
		reply_problem(w->r, PROBLEM_CALL_NO_CRITERIA, "call %lld has no evaluation criteria",
		    (long long)w->call_id);
		rc = 1;
	} else if ((rc = may_score_or_reply(w, db)) == 0 &&
	    (rc = scores_match_or_reply(w, criteria)) == 0) {
		rc = scores_record(w, db);
	}
	json_decref(criteria);
	return rc;
}

/* PUT /api/v1/calls/:id/proposals/:submission_id/scores
 * {scores: [{criterion_id, score, comment}]} -- an evaluator, every
 * criterion at once; changeable until the call is evaluated. */
void
api_scores_put(struct req *r)
{
	struct evaluation_write w = { 0 };
	json_t *scores;

	if (validate_param_id_or_reply(r, "submission_id", &w.submission_id) != 0 ||
	    write_start_or_reply(r, &w, scores_fields, NFIELDS(scores_fields)) != 0 ||
	    api_transaction(r, scores_tx, &w) != 0) {
		json_decref(w.out);
		json_decref(w.body);
		return;
	}
	scores = w.out;
	w.out = json_pack("{s:I, s:o, s:b, s:I, s:I}", "submission_id",
	    (json_int_t)w.submission_id, "scores", scores, "complete", w.progress.complete,
	    "expected", (json_int_t)w.progress.expected, "done", (json_int_t)w.progress.done);
	reply_json_steal(r, 200, w.out);
	json_decref(w.body);
}

/* GET /api/v1/calls/:id/evaluation -- staff: the criteria, progress and
 * each opened proposal; scores are the caller's own, totals and ranks
 * absent, until the call is evaluated. */
void
api_evaluation_get(struct req *r)
{
	int64_t id;
	json_t *out = NULL;

	if (calls_param_or_reply(r, &id) != 0)
		return;
	if (db_evaluation_get(r->db, id, r->session.user_id, &out) != 0)
		api_db_error(r);
	else if (out == NULL)
		reply_problem(r, PROBLEM_CALL_NOT_FOUND, "call %lld not found", (long long)id);
	else
		reply_json_steal(r, 200, out);
}
