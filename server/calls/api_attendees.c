/* api_attendees.c -- /api/v1/calls/:id/attendees: who comes to the
 * briefing. A company registers its people before the briefing starts,
 * within the place's capacity (the call row is locked while counting, so
 * concurrent registrations queue); it sees its own, staff see all and
 * export them as CSV. */
#include "calls/api_calls.h"
#include "calls/calls.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/export.h"

static const struct field_spec attendee_fields[] = {
	{ "name", FIELD_STRING, true, 1, 200, NULL },
	{ "title", FIELD_STRING, true, 1, 200, NULL },
	{ "email", FIELD_STRING, true, 3, 254, NULL },
};

const struct field_table api_attendees_create_body = FIELD_TABLE(attendee_fields);

struct attendee {
	struct req *r;
	int64_t call_id;
	json_t *fields;          /* borrowed */
	char at[32];
	json_t *out;
};

static int
attendee_tx(struct db *db, void *arg)
{
	struct attendee *a = arg;
	struct db_call_state st;
	int rc;

	if ((rc = calls_state_or_reply(a->r, db, a->call_id, a->at, true, &st)) != 0)
		return rc;
	if (strcmp(st.status, "published") != 0) {
		reply_problem_with(a->r, PROBLEM_CALL_BRIEFING_STARTED, json_pack("{s:s}",
		    "starts_at", st.briefing_at), "registration for the "
		    "briefing closed when it started at %s (Asia/Seoul)", st.briefing_at);
		return 1;
	}
	if (st.attendees >= st.briefing_capacity) {
		reply_problem_with(a->r, PROBLEM_CALL_BRIEFING_FULL, json_pack("{s:I}", "capacity",
		    (json_int_t)st.briefing_capacity), "the briefing is full: its "
		    "place holds %lld people", (long long)st.briefing_capacity);
		return 1;
	}
	json_decref(a->out);
	return db_attendees_add(db, a->call_id, &a->r->session, a->at, a->fields, &a->out);
}

/* POST /api/v1/calls/:id/attendees */
void
api_attendees_create(struct req *r)
{
	struct attendee a = { .r = r };

	if (calls_param_or_reply(r, &a.call_id) != 0 ||
	    (a.fields = validate_body_or_reply(r)) == NULL)
		return;
	clock_now(a.at);
	if (validate_fields_or_reply(r, a.fields, attendee_fields, NFIELDS(attendee_fields),
	    false) == 0 && api_transaction(r, attendee_tx, &a) == 0)
		reply_json(r, 201, a.out);
	json_decref(a.out);
	json_decref(a.fields);
}

/* GET /api/v1/calls/:id/attendees -- JSON pages, or CSV for staff. */
void
api_attendees_list(struct req *r)
{
	static const char *const known[] = { "limit", "cursor", NULL };
	static const char *const header[] = {
		"organisation", "name", "title", "email", "registered_at",
	};
	int64_t call_id, after;
	struct db_rows *rows;
	json_t *page = NULL;
	char err[160];
	int limit, rc;

	if (calls_param_or_reply(r, &call_id) != 0)
		return;
	if (export_wants_csv(r) && calls_staff(r)) {
		rc = db_rows_open("attendees_export", DB_PARAMS(DB_INT(call_id)), &rows, err,
		    sizeof(err));
		if (rc != 0)
			export_refused_reply(r, rc);
		else
			export_csv_reply(r, "attendees.csv", header, NFIELDS(header), rows);
		return;
	}
	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &limit, &after) != 0)
		return;
	if (db_attendees_list(r->db, call_id, calls_staff(r) ? 0 : r->session.org_id, after,
	    limit + 1, &page) != 0)
		api_db_error(r);
	else
		api_page_reply(r, page, limit);
}
