/* db_calls.c -- SQL of calls and of the briefing's attendees. */
#include "calls/db_calls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A call as everyone may see it: what a company needs to decide, and how
 * many letters are in (never whose). $1 is the clock; staff, the boolean
 * parameter that says the caller is ministry staff, who alone see who
 * created the call (the award's four-eyes rule). */
#define CALL_JSON(staff) \
	"json_build_object('id', c.id, 'title_ko', c.title_ko, 'title_en', c.title_en," \
	" 'description_ko', c.description_ko, 'description_en', c.description_en," \
	" 'organization', json_build_object('id', o.id, 'name', o.name)," \
	" 'briefing_at', seoul_text(c.briefing_at), 'briefing_place', c.briefing_place," \
	" 'briefing_capacity', c.briefing_capacity," \
	" 'loi_deadline', seoul_text(c.loi_deadline)," \
	" 'guidelines_release_at', seoul_text(c.guidelines_release_at)," \
	" 'proposal_deadline', seoul_text(c.proposal_deadline)," \
	" 'opening_at', seoul_text(c.opening_at)," \
	" 'evaluation_ends_at', seoul_text(c.evaluation_ends_at)," \
	" 'status', call_status(c, $1::timestamptz)," \
	" 'letters_filed', (SELECT count(*) FROM letters_current l WHERE l.call_id = c.id" \
	"    AND l.action <> 'withdrawn')," \
	" 'published_at', seoul_text(c.published_at)," \
	" 'cancelled_at', seoul_text(c.cancelled_at)," \
	" 'cancellation_reason', c.cancellation_reason," \
	" 'opening_key', (SELECT json_build_object('public_key', encode(k.public_key, 'base64')," \
	"    'threshold', k.threshold, 'members', k.members) FROM call_opening_keys k" \
	"    WHERE k.call_id = c.id)," \
	" 'opened_at', seoul_text(c.opened_at)," \
	" 'evaluated_at', seoul_text(c.evaluated_at)," \
	" 'awarded_at', seoul_text(c.awarded_at)," \
	" 'signatures_required', c.signatures_required," \
	" 'created_by', CASE WHEN " staff "::bool THEN c.created_by END," \
	" 'version', c.version)::text" \
	" FROM calls c JOIN organizations o ON o.id = c.organization_id"

#define ATTENDEE_JSON(src) \
	"json_build_object('id', a.id, 'call_id', a.call_id, 'organization'," \
	" json_build_object('id', o.id, 'name', o.name), 'name', a.name, 'title', a.title," \
	" 'email', a.email, 'registered_at', seoul_text(a.registered_at))::text" \
	" FROM " src " JOIN organizations o ON o.id = a.organization_id"

#define CALL_STATE \
	"SELECT c.version, call_status(c, $2::timestamptz), seoul_text(c.briefing_at)," \
	" seoul_text(c.loi_deadline), seoul_text(c.guidelines_release_at)," \
	" c.briefing_capacity, seoul_text(c.proposal_deadline), seoul_text(c.opening_at)," \
	" $2::timestamptz >= c.opening_at, c.created_by, c.signatures_required" \
	" FROM calls c WHERE c.id = $1 AND ($3::bool OR c.published_at IS NOT NULL)"

const struct db_stmt db_calls_stmts[] = {
	{ "calls_list",
	  "SELECT " CALL_JSON("$2")
	  " WHERE ($2::bool OR c.published_at IS NOT NULL) AND c.id > $3"
	  "   AND ($4::text IS NULL OR call_status(c, $1::timestamptz) = $4)"
	  " ORDER BY c.id LIMIT $5", 5 },
	{ "calls_get",
	  "SELECT " CALL_JSON("$3") " WHERE c.id = $2 AND ($3::bool OR c.published_at IS NOT NULL)", 3 },
	{ "calls_create",
	  "INSERT INTO calls (title_ko, title_en, description_ko, description_en,"
	  " organization_id, briefing_at, briefing_place, briefing_capacity, loi_deadline,"
	  " guidelines_release_at, proposal_deadline, opening_at, evaluation_ends_at,"
	  " signatures_required, created_by)"
	  " VALUES ($1, $2, $3, $4, coalesce($5::bigint, $15::bigint), $6, $7, $8, $9, $10, $11,"
	  " $12, $13, coalesce($14::bool, false), $16) RETURNING id", 16 },
	{ "calls_update",
	  "UPDATE calls SET title_ko = coalesce($2, title_ko), title_en = coalesce($3, title_en),"
	  " description_ko = coalesce($4, description_ko),"
	  " description_en = coalesce($5, description_en),"
	  " organization_id = coalesce($6::bigint, organization_id),"
	  " briefing_at = coalesce($7::timestamptz, briefing_at),"
	  " briefing_place = coalesce($8, briefing_place),"
	  " briefing_capacity = coalesce($9::int, briefing_capacity),"
	  " loi_deadline = coalesce($10::timestamptz, loi_deadline),"
	  " guidelines_release_at = coalesce($11::timestamptz, guidelines_release_at),"
	  " proposal_deadline = coalesce($12::timestamptz, proposal_deadline),"
	  " opening_at = coalesce($13::timestamptz, opening_at),"
	  " evaluation_ends_at = coalesce($14::timestamptz, evaluation_ends_at),"
	  " signatures_required = coalesce($15::bool, signatures_required),"
	  " version = version + 1 WHERE id = $1", 15 },
	{ "calls_publish",
	  "UPDATE calls SET published_at = $2, version = version + 1 WHERE id = $1", 2 },
	{ "calls_cancel",
	  "UPDATE calls SET cancelled_at = $2, cancellation_reason = $3, version = version + 1"
	  " WHERE id = $1", 3 },
	{ "calls_lock_update", CALL_STATE " FOR UPDATE OF c", 3 },
	{ "calls_lock_share", CALL_STATE " FOR SHARE OF c", 3 },
	/* After the lock, in a statement of its own: its snapshot sees every
	 * registration committed before the lock was granted. */
	{ "calls_attendees_count",
	  "SELECT count(*) FROM briefing_attendees WHERE call_id = $1", 1 },
	{ "attendees_add",
	  "WITH a AS (INSERT INTO briefing_attendees (call_id, organization_id, name, title,"
	  " email, registered_by, registered_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *)"
	  " SELECT " ATTENDEE_JSON("a"), 7 },
	{ "attendees_list",
	  "SELECT " ATTENDEE_JSON("briefing_attendees a")
	  " WHERE a.call_id = $1 AND ($2::bigint IS NULL OR a.organization_id = $2::bigint)"
	  "   AND a.id > $3 ORDER BY a.id LIMIT $4", 4 },
	{ "attendees_export",
	  "SELECT o.name, a.name, a.title, a.email, seoul_text(a.registered_at)"
	  " FROM briefing_attendees a JOIN organizations o ON o.id = a.organization_id"
	  " WHERE a.call_id = $1 ORDER BY o.name, a.id", 1 },
	{ NULL, NULL, 0 }
};

int
db_calls_list(struct db *db, const struct call_filter *f, json_t **rows)
{
	return db_json_rows(db, "calls_list", DB_PARAMS(DB_STR(f->at), DB_BOOL(f->drafts),
	    DB_INT(f->after), DB_STR(f->status), DB_INT(f->limit)), rows);
}

int
db_calls_get(struct db *db, int64_t id, const char *at, bool drafts, json_t **call)
{
	return db_json_one(db, "calls_get", DB_PARAMS(DB_STR(at), DB_INT(id), DB_BOOL(drafts)),
	    call);
}

static const char *const call_columns[] = {
	"title_ko", "title_en", "description_ko", "description_en", "organization_id",
	"briefing_at", "briefing_place", "briefing_capacity", "loi_deadline",
	"guidelines_release_at", "proposal_deadline", "opening_at", "evaluation_ends_at",
	"signatures_required",
};
#define NCOLUMNS (sizeof(call_columns) / sizeof(call_columns[0]))

/* The fields as parameters p[0..13] in the order of call_columns. */
static void
call_params(const json_t *fields, struct db_param *p)
{
	const json_t *v;
	size_t i;

	for (i = 0; i < NCOLUMNS; i++) {
		v = json_object_get(fields, call_columns[i]);
		if (json_is_integer(v))
			p[i] = DB_JSON_INT(fields, call_columns[i]);
		else if (json_is_boolean(v))
			p[i] = DB_JSON_BOOL(fields, call_columns[i]);
		else
			p[i] = DB_JSON_STR(fields, call_columns[i]);
	}
}

int
db_calls_create(struct db *db, const json_t *fields, int64_t org_id, int64_t user_id,
    int64_t *id)
{
	struct db_param p[NCOLUMNS + 2];

	call_params(fields, p);
	p[NCOLUMNS] = DB_INT(org_id);
	p[NCOLUMNS + 1] = DB_INT(user_id);
	return db_one_int(db, "calls_create", p, NCOLUMNS + 2, id);
}

int
db_calls_update(struct db *db, int64_t id, const json_t *fields)
{
	struct db_param p[NCOLUMNS + 1];

	p[0] = DB_INT(id);
	call_params(fields, p + 1);
	return db_run(db, "calls_update", p, NCOLUMNS + 1);
}

int
db_calls_publish(struct db *db, int64_t id, const char *at)
{
	return db_run(db, "calls_publish", DB_PARAMS(DB_INT(id), DB_STR(at)));
}

int
db_calls_cancel(struct db *db, int64_t id, const char *at, const char *reason)
{
	return db_run(db, "calls_cancel", DB_PARAMS(DB_INT(id), DB_STR(at), DB_STR(reason)));
}

int
db_calls_lock(struct db *db, int64_t id, const char *at, bool exclusive, bool drafts,
    struct db_call_state *st)
{
	PGresult *res = db_exec(db, exclusive ? "calls_lock_update" : "calls_lock_share",
	    DB_PARAMS(DB_INT(id), DB_STR(at), DB_BOOL(drafts)));
	int rc = 1;

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		st->version = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		snprintf(st->status, sizeof(st->status), "%s", PQgetvalue(res, 0, 1));
		snprintf(st->briefing_at, sizeof(st->briefing_at), "%s", PQgetvalue(res, 0, 2));
		snprintf(st->loi_deadline, sizeof(st->loi_deadline), "%s", PQgetvalue(res, 0, 3));
		snprintf(st->guidelines_release_at, sizeof(st->guidelines_release_at), "%s",
		    PQgetvalue(res, 0, 4));
		st->briefing_capacity = strtoll(PQgetvalue(res, 0, 5), NULL, 10);
		snprintf(st->proposal_deadline, sizeof(st->proposal_deadline), "%s",
		    PQgetvalue(res, 0, 6));
		snprintf(st->opening_at, sizeof(st->opening_at), "%s", PQgetvalue(res, 0, 7));
		st->opening_due = strcmp(PQgetvalue(res, 0, 8), "t") == 0;
		st->created_by = strtoll(PQgetvalue(res, 0, 9), NULL, 10);
		st->signatures_required = strcmp(PQgetvalue(res, 0, 10), "t") == 0;
		rc = 0;
	}
	PQclear(res);
	if (rc == 0 && db_one_int_by_id(db, "calls_attendees_count", id, &st->attendees) != 0)
		return -1;
	return rc;
}

int
db_attendees_add(struct db *db, int64_t call_id, const struct session *s, const char *at,
    const json_t *fields, json_t **out)
{
	return db_json_one(db, "attendees_add", DB_PARAMS(DB_INT(call_id), DB_INT(s->org_id),
	    DB_JSON_STR(fields, "name"), DB_JSON_STR(fields, "title"),
	    DB_JSON_STR(fields, "email"), DB_INT(s->user_id), DB_STR(at)), out);
}

int
db_attendees_list(struct db *db, int64_t call_id, int64_t org, int64_t after, int limit,
    json_t **rows)
{
	return db_json_rows(db, "attendees_list", DB_PARAMS(DB_INT(call_id),
	    DB_OPT_INT(org != 0, org), DB_INT(after), DB_INT(limit)), rows);
}
