/* api_award.c -- the award: an explicit action with a reason, by an
 * officer other than the one who created the call, once every evaluator
 * has scored every proposal, to a proposal the database ranks first
 * (ties are the officer's to settle, and the reason says how). Then the
 * call is awarded, and each company sees its own total and rank and the
 * winner's name; never another company's score. */
#include "calls/api_calls.h"
#include "calls/calls.h"
#include "calls/db_award.h"
#include "calls/db_evaluation.h"

#include <string.h>

#include "core/clock.h"

static const struct field_spec award_fields[] = {
	{ "submission_id", FIELD_INTEGER, true, 1, 0, NULL },
	{ "reason", FIELD_STRING, true, 1, 4000, NULL },
};

const struct field_table api_award_post_body = FIELD_TABLE(award_fields);

struct award_write {
	struct req *r;
	struct db_award a;
	char at[32];
};

/* 409 unless the call is evaluated (and so not awarded yet). */
static int
evaluated_or_reply(struct award_write *w, struct db *db, const struct db_call_state *st)
{
	struct db_progress p = { 0 };

	if (strcmp(st->status, "evaluated") == 0)
		return 0;
	if (strcmp(st->status, "awarded") == 0 || strcmp(st->status, "cancelled") == 0) {
		reply_problem_with(w->r, PROBLEM_CALL_CLOSED, json_pack("{s:s}", "current_status",
		    st->status), "call %lld is %s already", (long long)w->a.call_id, st->status);
		return 1;
	}
	if (db_evaluation_progress(db, w->a.call_id, &p) != 0)
		return -1;
	reply_problem_with(w->r, PROBLEM_CALL_EVALUATION_INCOMPLETE, json_pack("{s:I, s:I, s:s}",
	    "pairs_expected", (json_int_t)p.expected, "pairs_done", (json_int_t)p.done, "current_status",
	    st->status), "call %lld is %s: %lld of %lld evaluator-proposal pairs are scored",
	    (long long)w->a.call_id, st->status, (long long)p.done, (long long)p.expected);
	return 1;
}

/* The submission ranked first; its organisation into w->a. */
static int
first_or_reply(struct award_write *w, struct db *db)
{
	json_t *rank = NULL;
	int rc = 1;

	if (db_rank_get(db, w->a.call_id, w->a.submission_id, &rank) != 0)
		return -1;
	if (rank == NULL) {
		reply_problem(w->r, PROBLEM_CALL_PROPOSAL_NOT_FOUND, "no evaluated proposal %lld in "
		    "call %lld", (long long)w->a.submission_id, (long long)w->a.call_id);
	} else if (json_integer_value(json_object_get(rank, "rank")) != 1) {
		reply_problem_with(w->r, PROBLEM_CALL_AWARD_NOT_FIRST, json_pack("{s:O}", "rank",
		    json_object_get(rank, "rank")), "proposal %lld ranks %lld: only a proposal "
		    "ranked first may be awarded", (long long)w->a.submission_id,
		    (long long)json_integer_value(json_object_get(rank, "rank")));
	} else {
		w->a.organization_id = json_integer_value(json_object_get(rank, "organization_id"));
		rc = 0;
	}
	json_decref(rank);
	return rc;
}

static int
award_tx(struct db *db, void *arg)
{
	struct award_write *w = arg;
	struct db_call_state st;
	int rc;

	if ((rc = calls_state_or_reply(w->r, db, w->a.call_id, w->at, true, &st)) != 0)
		return rc;
	if (st.created_by == w->r->session.user_id) {
		reply_problem(w->r, PROBLEM_CALL_AWARD_BY_CREATOR, "you created call %lld: another "
		    "officer must award it", (long long)w->a.call_id);
		return 1;
	}
	if ((rc = evaluated_or_reply(w, db, &st)) != 0 || (rc = first_or_reply(w, db)) != 0)
		return rc;
	return db_award_add(db, &w->a);
}

static void
outcome_reply(struct req *r, int64_t call_id, int64_t org)
{
	json_t *out = NULL;

	if (db_outcome_get(r->db, call_id, org, &out) != 0)
		api_db_error(r);
	else if (out == NULL)
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the award of call %lld was not found",
		    (long long)call_id);
	else
		reply_json_steal(r, 200, out);
}

/* POST /api/v1/calls/:id/award {submission_id, reason} */
void
api_award_post(struct req *r)
{
	struct award_write w = { .r = r };
	json_t *body;

	if (calls_param_or_reply(r, &w.a.call_id) != 0 || (body = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, body, award_fields, NFIELDS(award_fields), false) == 0) {
		w.a.submission_id = json_integer_value(json_object_get(body, "submission_id"));
		w.a.reason = json_string_value(json_object_get(body, "reason"));
		w.a.user_id = r->session.user_id;
		w.a.at = clock_now(w.at);
		if (api_transaction(r, award_tx, &w) == 0)
			outcome_reply(r, w.a.call_id, 0);
	}
	json_decref(body);
}

/* GET /api/v1/calls/:id/outcome -- once awarded: the winner's name and
 * the reason; for a company, its own total and rank too. */
void
api_outcome_get(struct req *r)
{
	int64_t id;
	struct db_call_state st;

	if (calls_read_or_reply(r, &id, &st) != 0)
		return;
	if (strcmp(st.status, "awarded") != 0) {
		reply_problem_with(r, PROBLEM_CALL_NOT_AWARDED, json_pack("{s:s}", "current_status",
		    st.status), "call %lld is %s: not awarded yet", (long long)id, st.status);
		return;
	}
	outcome_reply(r, id, calls_staff(r) ? 0 : r->session.org_id);
}
