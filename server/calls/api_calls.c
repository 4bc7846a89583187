/* api_calls.c -- /api/v1/calls: the call, its timetable and its status.
 * Published calls are public; drafts are for ministry staff. Times are
 * accepted and shown in Asia/Seoul, stored in UTC; the order of the
 * timetable is a CHECK of the database (calls_timetable_order). */
#include "calls/api_calls.h"
#include "calls/calls.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "keys.h"

#define CALL_FIELDS(req) \
	{ "title_ko", FIELD_STRING, req, 1, 300, NULL }, \
	{ "title_en", FIELD_STRING, req, 1, 300, NULL }, \
	{ "description_ko", FIELD_STRING, req, 1, 20000, NULL }, \
	{ "description_en", FIELD_STRING, req, 1, 20000, NULL }, \
	{ "organization_id", FIELD_INTEGER, false, 0, 0, NULL }, \
	{ "briefing_at", FIELD_STRING, req, 1, 40, NULL }, \
	{ "briefing_place", FIELD_STRING, req, 1, 500, NULL }, \
	{ "briefing_capacity", FIELD_INTEGER, req, 0, 100000, NULL }, \
	{ "loi_deadline", FIELD_STRING, req, 1, 40, NULL }, \
	{ "guidelines_release_at", FIELD_STRING, req, 1, 40, NULL }, \
	{ "proposal_deadline", FIELD_STRING, req, 1, 40, NULL }, \
	{ "opening_at", FIELD_STRING, req, 1, 40, NULL }, \
	{ "evaluation_ends_at", FIELD_STRING, req, 1, 40, NULL }, \
	{ "signatures_required", FIELD_BOOLEAN, false, 0, 0, NULL }

static const struct field_spec call_fields[] = { CALL_FIELDS(true) };
static const struct field_spec call_patch_fields[] = { CALL_FIELDS(false) };

static const char *const time_fields[] = {
	"briefing_at", "loi_deadline", "guidelines_release_at", "proposal_deadline",
	"opening_at", "evaluation_ends_at", NULL,
};

static const struct field_spec cancel_fields[] = {
	{ "reason", FIELD_STRING, true, 1, 2000, NULL },
};

const struct field_table api_calls_create_body = FIELD_TABLE(call_fields);
const struct field_table api_calls_patch_body = FIELD_TABLE(call_patch_fields);
const struct field_table api_calls_cancel_body = FIELD_TABLE(cancel_fields);

static const char *const statuses[] = {
	"draft", "published", "loi_open", "loi_closed", "proposals_open", "proposals_closed",
	"opened", "evaluated", "awarded", "cancelled", NULL,
};

bool
calls_staff(const struct req *r)
{
	return r->signed_in && api_has_role(r, ROLE_STAFF);
}

static int
digits(const char *s, size_t n, int *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*out = *out * 10 + (s[i] - '0');
	}
	return 0;
}

bool
calls_seoul_time(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, se;

	if (strlen(s) != 25 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || strcmp(s + 19, "+09:00") != 0)
		return false;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &se))
		return false;
	if (y < 2000 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
	    se > 59)
		return false;
	return !(mo == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0)));
}

/* The field checks of a call, and its times as Seoul times. */
static int
call_fields_or_reply(struct req *r, json_t *body, bool patch)
{
	json_t *errors = json_array();
	const char *v;
	size_t i;

	if (patch)
		validate_fields(body, call_patch_fields, NFIELDS(call_patch_fields), errors);
	else
		validate_fields(body, call_fields, NFIELDS(call_fields), errors);
	if (patch && json_object_size(body) == 0)
		json_array_append_new(errors, json_pack("{s:s, s:s}", "field", "",
		    "message", "name at least one field to change"));
	for (i = 0; time_fields[i] != NULL; i++) {
		v = json_string_value(json_object_get(body, time_fields[i]));
		if (v != NULL && !calls_seoul_time(v))
			json_array_append_new(errors, json_pack("{s:s, s:s}", "field", time_fields[i],
			    "message", "must be a time in Asia/Seoul to the second, like "
			    "2026-03-02T14:00:00+09:00"));
	}
	return api_errors_or_reply(r, errors);
}

void
calls_pdf_reply(struct req *r, const PGresult *res, const char *name)
{
	size_t len = (size_t)PQgetlength(res, 0, 0);
	char *buf = malloc(len ? len : 1), disposition[128];

	if (buf == NULL) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "out of memory");
		return;
	}
	memcpy(buf, PQgetvalue(res, 0, 0), len);
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"", name);
	reply_bytes(r, 200, "application/pdf", buf, len);
	reply_header(r, "Content-Disposition", disposition);
	reply_header(r, "X-Content-SHA256", PQgetvalue(res, 0, 1));
}

int
calls_param_or_reply(struct req *r, int64_t *id)
{
	return validate_param_id_or_reply(r, "id", id);
}

int
calls_state_or_reply(struct req *r, struct db *db, int64_t id, const char *at, bool exclusive,
    struct db_call_state *st)
{
	int rc = db_calls_lock(db, id, at, exclusive, calls_staff(r), st);

	if (rc == 1)
		reply_problem(r, PROBLEM_CALL_NOT_FOUND, "call %lld not found", (long long)id);
	return rc;
}

int
calls_read_or_reply(struct req *r, int64_t *id, struct db_call_state *st)
{
	char at[32];

	if (calls_param_or_reply(r, id) != 0)
		return -1;
	if (calls_state_or_reply(r, r->db, *id, clock_now(at), false, st) == 0)
		return 0;
	if (r->status == 0)
		api_db_error(r);
	return -1;
}

int
calls_letters_open_or_reply(struct req *r, const struct db_call_state *st)
{
	if (strcmp(st->status, "published") == 0 || strcmp(st->status, "loi_open") == 0)
		return 0;
	if (strcmp(st->status, "cancelled") == 0)
		reply_problem(r, PROBLEM_CALL_CANCELLED, "the call was cancelled");
	else
		reply_problem_with(r, PROBLEM_CALL_LOI_DEADLINE_PASSED, json_pack("{s:s}",
		    "deadline", st->loi_deadline), "the deadline for letters "
		    "of intent passed at %s (Asia/Seoul); no letter can be filed, amended or "
		    "withdrawn after it", st->loi_deadline);
	return 1;
}

/* Staff who sent a token see drafts on the public routes too. */
static void
resolve_optional_session(struct req *r)
{
	if (!r->signed_in && auth_token_of(r) != NULL && auth_session_resolve(r) == 1)
		r->signed_in = true;
}

/* GET /api/v1/calls -- public. */
void
api_calls_list(struct req *r)
{
	static const char *const known[] = { "status", "limit", "cursor", NULL };
	struct call_filter f = { 0 };
	char at[32];
	json_t *rows = NULL;

	resolve_optional_session(r);
	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &f.limit, &f.after) != 0 ||
	    validate_query_enum_or_reply(r, "status", statuses, &f.status) != 0)
		return;
	f.at = clock_now(at);
	f.drafts = calls_staff(r);
	f.limit++;
	if (db_calls_list(r->db, &f, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, f.limit - 1);
}

static void
call_reply(struct req *r, int status, int64_t id)
{
	char at[32], location[64], fingerprint[65];
	json_t *call = NULL;

	if (db_calls_get(r->db, id, clock_now(at), calls_staff(r), &call) != 0) {
		api_db_error(r);
		return;
	}
	if (call == NULL) {
		reply_problem(r, PROBLEM_CALL_NOT_FOUND, "call %lld not found", (long long)id);
		return;
	}
	if (status == 201) {
		snprintf(location, sizeof(location), "/api/v1/calls/%lld", (long long)id);
		reply_header(r, "Location", location);
	}
	if (keys_service() != NULL) {
		note_key_fingerprint(keys_service(), fingerprint);
		json_object_set_new(call, "receipt_key_fingerprint", json_string(fingerprint));
	}
	reply_etag(r, "call", (long long)id, json_integer_value(json_object_get(call, "version")));
	reply_json(r, status, call);
	json_decref(call);
}

/* GET /api/v1/calls/:id -- public once published. */
void
api_calls_get(struct req *r)
{
	int64_t id;

	resolve_optional_session(r);
	if (calls_param_or_reply(r, &id) == 0)
		call_reply(r, 200, id);
}

struct call_write {
	struct req *r;
	int64_t id;
	json_t *fields;          /* borrowed */
	const char *at;
};

static int
create_tx(struct db *db, void *arg)
{
	struct call_write *w = arg;

	return db_calls_create(db, w->fields, w->r->session.org_id, w->r->session.user_id,
	    &w->id);
}

/* POST /api/v1/calls -- a draft. */
void
api_calls_create(struct req *r)
{
	struct call_write w = { r, 0, NULL, NULL };

	if ((w.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (call_fields_or_reply(r, w.fields, false) == 0 &&
	    api_transaction(r, create_tx, &w) == 0)
		call_reply(r, 201, w.id);
	json_decref(w.fields);
}

static int
patch_tx(struct db *db, void *arg)
{
	struct call_write *w = arg;
	struct db_call_state st;
	int rc;

	if ((rc = calls_state_or_reply(w->r, db, w->id, w->at, true, &st)) != 0)
		return rc;
	if (validate_if_match_or_reply(w->r, "call", (long long)w->id, st.version, true) != 0)
		return 1;
	if (strcmp(st.status, "draft") != 0) {
		reply_problem_with(w->r, PROBLEM_CALL_NOT_DRAFT,
		    json_pack("{s:s}", "current_status", st.status), "call %lld is %s: only a draft "
		    "can be changed", (long long)w->id, st.status);
		return 1;
	}
	return db_calls_update(db, w->id, w->fields);
}

/* PATCH /api/v1/calls/:id -- drafts only, with If-Match. */
void
api_calls_patch(struct req *r)
{
	struct call_write w = { r, 0, NULL, NULL };
	char at[32];

	if (calls_param_or_reply(r, &w.id) != 0 || (w.fields = validate_body_or_reply(r)) == NULL)
		return;
	w.at = clock_now(at);
	if (call_fields_or_reply(r, w.fields, true) == 0 && api_transaction(r, patch_tx, &w) == 0)
		call_reply(r, 200, w.id);
	json_decref(w.fields);
}

static int
publish_tx(struct db *db, void *arg)
{
	struct call_write *w = arg;
	struct db_call_state st;
	int rc;

	if ((rc = calls_state_or_reply(w->r, db, w->id, w->at, true, &st)) != 0)
		return rc;
	if (strcmp(st.status, "draft") != 0) {
		reply_problem_with(w->r, PROBLEM_CALL_NOT_DRAFT,
		    json_pack("{s:s}", "current_status", st.status), "call %lld is already %s",
		    (long long)w->id, st.status);
		return 1;
	}
	if ((rc = calls_opening_key_make(w->r, db, w->id, w->at)) != 0)
		return rc;
	return db_calls_publish(db, w->id, w->at);
}

/* POST /api/v1/calls/:id/publish */
void
api_calls_publish(struct req *r)
{
	struct call_write w = { r, 0, NULL, NULL };
	char at[32];

	if (calls_param_or_reply(r, &w.id) != 0)
		return;
	w.at = clock_now(at);
	if (api_transaction(r, publish_tx, &w) == 0)
		call_reply(r, 200, w.id);
}

static int
cancel_tx(struct db *db, void *arg)
{
	struct call_write *w = arg;
	struct db_call_state st;
	int rc;

	if ((rc = calls_state_or_reply(w->r, db, w->id, w->at, true, &st)) != 0)
		return rc;
	if (strcmp(st.status, "cancelled") == 0 || strcmp(st.status, "awarded") == 0) {
		reply_problem_with(w->r, PROBLEM_CALL_CLOSED,
		    json_pack("{s:s}", "current_status", st.status), "call %lld is %s: it cannot be "
		    "cancelled", (long long)w->id, st.status);
		return 1;
	}
	return db_calls_cancel(db, w->id, w->at,
	    json_string_value(json_object_get(w->fields, "reason")));
}

/* POST /api/v1/calls/:id/cancel {reason} */
void
api_calls_cancel(struct req *r)
{
	struct call_write w = { r, 0, NULL, NULL };
	char at[32];

	if (calls_param_or_reply(r, &w.id) != 0 || (w.fields = validate_body_or_reply(r)) == NULL)
		return;
	w.at = clock_now(at);
	if (validate_fields_or_reply(r, w.fields, cancel_fields, NFIELDS(cancel_fields), false) == 0 &&
	    api_transaction(r, cancel_tx, &w) == 0)
		call_reply(r, 200, w.id);
	json_decref(w.fields);
}

int
calls_pdf_or_reply(struct req *r, char **buf, size_t *len)
{
	ssize_t n;
	int fd;

	*buf = NULL;
	if (!r->upload.present || r->upload.size == 0) {
		reply_problem(r, PROBLEM_CALL_PDF_EMPTY, "send the PDF as the request body "
		    "(Content-Type: application/pdf)");
		return -1;
	}
	if (r->upload.size > CALLS_PDF_LIMIT) {
		reply_problem(r, PROBLEM_CALL_PDF_TOO_LARGE, "the PDF has %llu bytes; at most "
		    "%u are accepted", (unsigned long long)r->upload.size, CALLS_PDF_LIMIT);
		return -1;
	}
	if ((fd = open(r->upload.path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (*buf = malloc(r->upload.size)) == NULL) {
		if (fd >= 0)
			close(fd);
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the upload could not be read");
		return -1;
	}
	n = read(fd, *buf, r->upload.size);
	close(fd);
	*len = n > 0 ? (size_t)n : 0;
	if (*len != r->upload.size || *len < 5 || memcmp(*buf, "%PDF-", 5) != 0) {
		free(*buf);
		*buf = NULL;
		reply_problem(r, PROBLEM_CALL_NOT_PDF, "the file is not a PDF: its content "
		    "does not begin with %%PDF-");
		return -1;
	}
	return 0;
}
