/* api_guidelines.c -- /api/v1/calls/:id/guidelines: the call guidelines,
 * served only to organisations whose letter of intent was on file and
 * not withdrawn at the LOI deadline, and to ministry staff. A refusal is
 * a 403 that says why. Every download is recorded. */
#include "calls/api_calls.h"
#include "calls/calls.h"
#include "calls/db_guidelines.h"
#include "calls/db_letters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "db/db_audit_log.h"

/* 0 when the caller may have the guidelines; else a 404 or a 403 with
 * the reason, and -1. */
static int
eligible_or_reply(struct req *r, int64_t call_id, const char *at)
{
	struct db_guidelines_verdict v;
	int rc;

	if (calls_staff(r))
		return 0;
	rc = db_guidelines_verdict(r->db, call_id, r->session.org_id, at, &v);
	if (rc < 0) {
		api_db_error(r);
		return -1;
	}
	if (rc > 0) {
		reply_problem(r, PROBLEM_CALL_NOT_FOUND, "call %lld not found",
		    (long long)call_id);
		return -1;
	}
	if (strcmp(v.verdict, "ok") == 0)
		return 0;
	if (strcmp(v.verdict, "not_released") == 0)
		reply_problem_with(r, PROBLEM_CALL_GUIDELINES_NOT_RELEASED,
		    json_pack("{s:s}", "release_at", v.release_at), "the guidelines are not "
		    "released yet: they are released at %s (Asia/Seoul) to those whose letter of "
		    "intent was on file at the deadline", v.release_at);
	else if (strcmp(v.verdict, "no_letter") == 0)
		reply_problem_with(r, PROBLEM_CALL_GUIDELINES_NO_LETTER,
		    json_pack("{s:s}", "loi_deadline", v.loi_deadline), "your organisation filed no "
		    "letter of intent by the deadline %s (Asia/Seoul); the guidelines go only to "
		    "those who did", v.loi_deadline);
	else if (strcmp(v.verdict, "withdrawn") == 0)
		reply_problem_with(r, PROBLEM_CALL_GUIDELINES_LETTER_WITHDRAWN,
		    json_pack("{s:s}", "loi_deadline", v.loi_deadline), "your organisation's "
		    "letter of intent was withdrawn at the deadline %s (Asia/Seoul); the "
		    "guidelines go only to those whose letter stood", v.loi_deadline);
	else
		reply_problem_with(r, PROBLEM_CALL_GUIDELINES_LETTER_LATE,
		    json_pack("{s:s}", "loi_deadline", v.loi_deadline), "your organisation's "
		    "letter of intent was filed after the deadline %s (Asia/Seoul); the "
		    "guidelines go only to those who filed by it", v.loi_deadline);
	return -1;
}

struct download {
	struct req *r;
	int64_t call_id;
	int64_t version_id;
	const char *at;
};

/* The download's row, and its event in the trail: "guidelines_download"
 * of the call, naming the version. */
static int
download_tx(struct db *db, void *arg)
{
	struct download *d = arg;
	char call[24];
	json_t *detail;
	int rc;

	if (db_guidelines_download_add(db, d->call_id, d->version_id, &d->r->session, d->at,
	    d->r->client_addr) != 0)
		return -1;
	snprintf(call, sizeof(call), "%lld", (long long)d->call_id);
	detail = json_pack("{s:I}", "guideline_version_id", (json_int_t)d->version_id);
	rc = db_audit_log(db, "calls", call, "guidelines_download", detail);
	json_decref(detail);
	return rc;
}

/* The PDF of one version (0: the latest), recorded as downloaded. */
static void
guidelines_send(struct req *r, int64_t version)
{
	struct download d = { r, 0, 0, NULL };
	PGresult *res = NULL;
	char at[32], name[64];

	if (calls_param_or_reply(r, &d.call_id) != 0)
		return;
	d.at = clock_now(at);
	if (eligible_or_reply(r, d.call_id, d.at) != 0)
		return;
	if (db_guidelines_file(r->db, d.call_id, version, &res) != 0) {
		api_db_error(r);
		return;
	}
	if (res == NULL) {
		reply_problem(r, PROBLEM_CALL_GUIDELINES_NOT_FOUND, version ? "the guidelines "
		    "have no version %lld" : "no guidelines have been uploaded for this call yet",
		    (long long)version);
		return;
	}
	d.version_id = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	if (api_transaction(r, download_tx, &d) == 0) {
		snprintf(name, sizeof(name), "guidelines-call-%lld-v%s.pdf", (long long)d.call_id,
		    PQgetvalue(res, 0, 3));
		calls_pdf_reply(r, res, name);
	}
	PQclear(res);
}

/* GET /api/v1/calls/:id/guidelines -- the latest version. */
void
api_guidelines_get(struct req *r)
{
	guidelines_send(r, 0);
}

/* GET /api/v1/calls/:id/guidelines/versions/:version */
void
api_guidelines_version_get(struct req *r)
{
	int64_t version;

	if (validate_param_id_or_reply(r, "version", &version) == 0)
		guidelines_send(r, version);
}

/* GET /api/v1/calls/:id/guidelines/versions -- what changed and when. */
void
api_guidelines_versions(struct req *r)
{
	int64_t call_id;
	char at[32];
	json_t *rows = NULL;

	if (calls_param_or_reply(r, &call_id) != 0 ||
	    eligible_or_reply(r, call_id, clock_now(at)) != 0)
		return;
	if (db_guidelines_versions(r->db, call_id, &rows) != 0)
		api_db_error(r);
	else
		reply_json_steal(r, 200, json_pack("{s:O}", "items", rows));
	json_decref(rows);
}

struct upload {
	struct req *r;
	int64_t call_id;
	const char *note;
	const char *pdf;
	size_t len;
	char at[32];
	json_t *out;
};

static int
upload_tx(struct db *db, void *arg)
{
	struct upload *u = arg;
	struct db_call_state st;
	int64_t file_id;
	int rc;

	if ((rc = calls_state_or_reply(u->r, db, u->call_id, u->at, true, &st)) != 0)
		return rc;
	if (db_call_files_add(db, u->r->session.org_id, u->r->session.user_id, u->pdf, u->len,
	    u->r->upload.sha256, &file_id) != 0)
		return -1;
	json_decref(u->out);
	return db_guidelines_add(db, u->call_id, file_id, u->note, u->at, u->r->session.user_id,
	    &u->out);
}

/* POST /api/v1/calls/:id/guidelines?note=... -- a PDF, streamed; a new
 * version each time. */
void
api_guidelines_upload(struct req *r)
{
	static const char *const known[] = { "note", NULL };
	struct upload u = { .r = r };
	char *pdf = NULL;

	if (calls_param_or_reply(r, &u.call_id) != 0 ||
	    validate_query_known_or_reply(r, known) != 0)
		return;
	u.note = req_query(r, "note");
	if (u.note == NULL || *u.note == '\0' || validate_utf8_len(u.note) > 2000) {
		reply_invalid(r, json_pack("[{s:s, s:s}]", "field", "note", "message",
		    "say in 1 to 2000 characters what this version is or changes (query "
		    "parameter note)"), "the note is missing");
		return;
	}
	if (calls_pdf_or_reply(r, &pdf, &u.len) != 0)
		return;
	u.pdf = pdf;
	clock_now(u.at);
	if (api_transaction(r, upload_tx, &u) == 0)
		reply_json(r, 201, u.out);
	json_decref(u.out);
	free(pdf);
}

/* GET /api/v1/calls/:id/guidelines/downloads -- staff. */
void
api_guidelines_downloads(struct req *r)
{
	static const char *const known[] = { "limit", "cursor", NULL };
	int64_t call_id, after;
	json_t *rows = NULL;
	int limit;

	if (calls_param_or_reply(r, &call_id) != 0 ||
	    validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &limit, &after) != 0)
		return;
	if (db_guidelines_downloads(r->db, call_id, after, limit + 1, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, limit);
}
