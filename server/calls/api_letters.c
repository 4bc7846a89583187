/* api_letters.c -- /api/v1/calls/:id/letters: letters of intent. One per
 * organisation per call, filed, amended and withdrawn until the LOI
 * deadline by the server's clock; every version kept. A company sees
 * only its own letter (others read as 404); ministry staff see all, with
 * the consortium members named in two competing letters flagged. */
#include "calls/api_calls.h"
#include "calls/calls.h"
#include "calls/db_letters.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/export.h"
#include "lib/brn.h"

static const char *const member_roles[] = {
	"cloud", "data_centre", "telecom", "ai", "finance_investment", "other", NULL,
};

static const struct field_spec member_fields[] = {
	{ "name", FIELD_STRING, true, 1, 200, NULL },
	{ "registration_number", FIELD_STRING, true, 1, 40, NULL },
	{ "country", FIELD_STRING, false, 2, 2, NULL },
	{ "role", FIELD_STRING, true, 1, 0, member_roles },
};

static const struct field_spec letter_fields[] = {
	{ "contact_name", FIELD_STRING, true, 1, 200, NULL },
	{ "contact_email", FIELD_STRING, true, 3, 254, NULL },
	{ "contact_phone", FIELD_STRING, false, 1, 40, NULL },
	{ "summary", FIELD_STRING, true, 1, 4000, NULL },
	{ "members", FIELD_OBJECT_ARRAY, true, 0, 50, NULL, member_fields,
	  NFIELDS(member_fields) },
};

static const struct field_spec withdraw_fields[] = {
	{ "reason", FIELD_STRING, false, 1, 2000, NULL },
};

const struct field_table api_letters_body = FIELD_TABLE(letter_fields);
const struct field_table api_letters_withdraw_body = FIELD_TABLE(withdraw_fields);

struct letter_write {
	struct req *r;
	int64_t call_id;
	int64_t id;
	struct letter_version v;
	char *contact;           /* owned JSON text */
	char *members;           /* owned JSON text */
	const char *pdf;         /* borrowed upload */
	size_t pdf_len;
	char at[32];
};

/* Members normalised (country KR by default, Korean numbers as ten
 * digits); a bad number is added to errors. Returns a new array. */
static json_t *
members_normalised(json_t *members, json_t *errors)
{
	json_t *out = json_array(), *m;
	const char *country, *number;
	char brn[11], field[64];
	bool korean;
	size_t i;

	json_array_foreach(members, i, m) {
		country = json_string_value(json_object_get(m, "country"));
		number = json_string_value(json_object_get(m, "registration_number"));
		if (country == NULL)
			country = "KR";
		snprintf(field, sizeof(field), "members[%zu].registration_number", i);
		korean = strcmp(country, "KR") == 0;
		if (!isupper((unsigned char)country[0]) || !isupper((unsigned char)country[1])) {
			snprintf(field, sizeof(field), "members[%zu].country", i);
			json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "message",
			    "must be two capital letters (ISO 3166-1)"));
			continue;
		}
		if (korean && !brn_valid(number, brn)) {
			json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "message",
			    "is not a valid Korean business registration number (10 digits, "
			    "123-45-67890, with its check digit)"));
			continue;
		}
		json_array_append_new(out, json_pack("{s:O, s:s, s:s, s:O}", "name",
		    json_object_get(m, "name"), "registration_number", korean ? brn : number,
		    "country", country, "role", json_object_get(m, "role")));
	}
	return out;
}

/* The body of a filing or amendment into w; 0, or -1 after a 422. */
static int
letter_body_or_reply(struct req *r, struct letter_write *w)
{
	json_t *body, *errors, *members = NULL, *contact;
	int rc = -1;

	if ((body = validate_body_or_reply(r)) == NULL)
		return -1;
	errors = json_array();
	validate_fields(body, letter_fields, NFIELDS(letter_fields), errors);
	if (json_array_size(errors) == 0)
		members = members_normalised(json_object_get(body, "members"), errors);
	if (api_errors_or_reply(r, errors) != 0)
		goto out;
	contact = json_pack("{s:O, s:O, s:O?}", "name", json_object_get(body, "contact_name"),
	    "email", json_object_get(body, "contact_email"), "phone",
	    json_object_get(body, "contact_phone"));
	w->contact = json_dumps(contact, JSON_COMPACT);
	w->members = json_dumps(members, JSON_COMPACT);
	json_decref(contact);
	w->v.contact = w->contact;
	w->v.members = w->members;
	w->v.summary = strdup(json_string_value(json_object_get(body, "summary")));
	rc = 0;
out:
	json_decref(members);
	json_decref(body);
	return rc;
}

static void
letter_write_free(struct letter_write *w)
{
	free(w->contact);
	free(w->members);
	free((char *)(uintptr_t)w->v.summary);
	free((char *)(uintptr_t)w->v.reason);
}

/* The organisation scope of the caller: 0 for staff. */
static int64_t
scope(const struct req *r)
{
	return calls_staff(r) ? 0 : r->session.org_id;
}

static void
letter_reply(struct req *r, int status, int64_t call_id, int64_t id)
{
	char location[96];
	json_t *letter = NULL;

	if (db_letters_get(r->db, call_id, id, scope(r), &letter) != 0) {
		api_db_error(r);
		return;
	}
	if (letter == NULL) {
		reply_problem(r, PROBLEM_CALL_LETTER_NOT_FOUND, "letter %lld not found",
		    (long long)id);
		return;
	}
	if (status == 201) {
		snprintf(location, sizeof(location), "/api/v1/calls/%lld/letters/%lld",
		    (long long)call_id, (long long)id);
		reply_header(r, "Location", location);
	}
	reply_json(r, status, letter);
	json_decref(letter);
}

static int
file_tx(struct db *db, void *arg)
{
	struct letter_write *w = arg;
	struct db_call_state st;
	bool withdrawn = false;
	int rc;

	if ((rc = calls_state_or_reply(w->r, db, w->call_id, w->at, false, &st)) != 0 ||
	    (rc = calls_letters_open_or_reply(w->r, &st)) != 0)
		return rc;
	if (db_letters_lock_org(db, w->call_id, w->r->session.org_id, &w->id, &withdrawn) != 0)
		return -1;
	if (w->id != 0 && !withdrawn) {
		reply_problem_with(w->r, PROBLEM_CALL_LETTER_EXISTS,
		    json_pack("{s:I}", "letter_id", (json_int_t)w->id), "your organisation has filed "
		    "letter %lld for this call already; amend it with PUT "
		    "/api/v1/calls/%lld/letters/%lld", (long long)w->id, (long long)w->call_id,
		    (long long)w->id);
		return 1;
	}
	if (w->id == 0 && db_letters_create(db, w->call_id, w->r->session.org_id, &w->id) != 0)
		return -1;
	return db_letters_add_version(db, w->id, &w->v);
}

/* POST /api/v1/calls/:id/letters -- file (or file again after a
 * withdrawal). */
void
api_letters_create(struct req *r)
{
	struct letter_write w = { .r = r };

	if (calls_param_or_reply(r, &w.call_id) != 0 || letter_body_or_reply(r, &w) != 0)
		goto out;
	w.v.action = "filed";
	w.v.at = clock_now(w.at);
	w.v.user_id = r->session.user_id;
	if (api_transaction(r, file_tx, &w) == 0)
		letter_reply(r, 201, w.call_id, w.id);
out:
	letter_write_free(&w);
}

/* Amendments, withdrawals and PDFs: the caller's own letter, before the
 * deadline, not withdrawn. */
static int
change_tx(struct db *db, void *arg)
{
	struct letter_write *w = arg;
	struct db_call_state st;
	bool withdrawn;
	int rc;

	if ((rc = calls_state_or_reply(w->r, db, w->call_id, w->at, false, &st)) != 0)
		return rc;
	rc = db_letters_lock(db, w->call_id, w->id, w->r->session.org_id, &withdrawn);
	if (rc != 0) {
		if (rc > 0)
			reply_problem(w->r, PROBLEM_CALL_LETTER_NOT_FOUND, "letter %lld not found",
			    (long long)w->id);
		return rc;
	}
	if ((rc = calls_letters_open_or_reply(w->r, &st)) != 0)
		return rc;
	if (withdrawn) {
		reply_problem(w->r, PROBLEM_CALL_LETTER_WITHDRAWN, "letter %lld was "
		    "withdrawn; file a new one with POST /api/v1/calls/%lld/letters",
		    (long long)w->id, (long long)w->call_id);
		return 1;
	}
	if (w->pdf != NULL && db_call_files_add(db, w->r->session.org_id, w->r->session.user_id,
	    w->pdf, w->pdf_len, w->r->upload.sha256, &w->v.file_id) != 0)
		return -1;
	return db_letters_add_version(db, w->id, &w->v);
}

static int
letter_params_or_reply(struct req *r, struct letter_write *w)
{
	if (calls_param_or_reply(r, &w->call_id) != 0 ||
	    validate_param_id_or_reply(r, "letter_id", &w->id) != 0)
		return -1;
	w->v.at = clock_now(w->at);
	w->v.user_id = r->session.user_id;
	return 0;
}

/* PUT /api/v1/calls/:id/letters/:letter_id -- a new version. */
void
api_letters_amend(struct req *r)
{
	struct letter_write w = { .r = r };

	if (letter_params_or_reply(r, &w) != 0 || letter_body_or_reply(r, &w) != 0)
		goto out;
	w.v.action = "amended";
	if (api_transaction(r, change_tx, &w) == 0)
		letter_reply(r, 200, w.call_id, w.id);
out:
	letter_write_free(&w);
}

/* POST /api/v1/calls/:id/letters/:letter_id/withdraw {reason?} */
void
api_letters_withdraw(struct req *r)
{
	struct letter_write w = { .r = r };
	json_t *body = NULL;
	const char *reason;

	if (letter_params_or_reply(r, &w) != 0)
		return;
	if (r->body_len > 0) {
		if ((body = validate_body_or_reply(r)) == NULL ||
		    validate_fields_or_reply(r, body, withdraw_fields, NFIELDS(withdraw_fields),
		    false) != 0)
			goto out;
		if ((reason = json_string_value(json_object_get(body, "reason"))) != NULL)
			w.v.reason = strdup(reason);
	}
	w.v.action = "withdrawn";
	if (api_transaction(r, change_tx, &w) == 0)
		letter_reply(r, 200, w.call_id, w.id);
out:
	json_decref(body);
	letter_write_free(&w);
}

/* PUT /api/v1/calls/:id/letters/:letter_id/pdf -- a PDF (streamed to
 * disk), as a new version. */
void
api_letters_pdf_put(struct req *r)
{
	struct letter_write w = { .r = r };
	char *pdf = NULL;

	if (letter_params_or_reply(r, &w) != 0 || calls_pdf_or_reply(r, &pdf, &w.pdf_len) != 0)
		return;
	w.pdf = pdf;
	w.v.action = "amended";
	if (api_transaction(r, change_tx, &w) == 0)
		letter_reply(r, 200, w.call_id, w.id);
	free(pdf);
	letter_write_free(&w);
}

static void
letters_csv_reply(struct req *r, int64_t call_id)
{
	static const char *const header[] = {
		"reference", "organisation", "registration_number", "status", "version",
		"filed_at", "last_change_at", "contact", "contact_email", "summary", "members",
		"members_in_other_letters",
	};
	struct db_rows *rows;
	char err[160];
	int rc;

	if (!calls_staff(r)) {
		reply_problem(r, PROBLEM_CALL_EXPORT_STAFF_ONLY, "only ministry staff may "
		    "export the letters");
		return;
	}
	if ((rc = db_rows_open(DB_LETTERS_EXPORT, DB_PARAMS(DB_INT(call_id)), &rows, err,
	    sizeof(err))) != 0)
		export_refused_reply(r, rc);
	else
		export_csv_reply(r, "letters.csv", header, NFIELDS(header), rows);
}

/* GET /api/v1/calls/:id/letters -- staff: every letter, filtered, or the
 * CSV; a company: its own. */
void
api_letters_list(struct req *r)
{
	static const char *const known[] = {
		"status", "flagged", "member", "limit", "cursor", NULL
	};
	static const char *const letter_statuses[] = { "active", "withdrawn", NULL };
	struct letter_filter f = { 0 };
	json_t *rows = NULL;

	if (calls_param_or_reply(r, &f.call_id) != 0)
		return;
	if (export_wants_csv(r)) {
		letters_csv_reply(r, f.call_id);
		return;
	}
	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &f.limit, &f.after) != 0 ||
	    validate_query_enum_or_reply(r, "status", letter_statuses, &f.status) != 0 ||
	    validate_query_bool_or_reply(r, "flagged", &f.flagged) != 0)
		return;
	f.member = req_query(r, "member");
	f.org = scope(r);
	f.limit++;
	if (db_letters_list(r->db, &f, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, f.limit - 1);
}

/* GET /api/v1/calls/:id/letters/:letter_id */
void
api_letters_get(struct req *r)
{
	int64_t call_id, id;

	if (calls_param_or_reply(r, &call_id) == 0 &&
	    validate_param_id_or_reply(r, "letter_id", &id) == 0)
		letter_reply(r, 200, call_id, id);
}

/* GET /api/v1/calls/:id/letters/:letter_id/versions */
void
api_letters_versions(struct req *r)
{
	int64_t call_id, id;
	json_t *rows = NULL;

	if (calls_param_or_reply(r, &call_id) != 0 ||
	    validate_param_id_or_reply(r, "letter_id", &id) != 0)
		return;
	if (db_letters_versions(r->db, call_id, id, scope(r), &rows) != 0)
		api_db_error(r);
	else if (json_array_size(rows) == 0)
		reply_problem(r, PROBLEM_CALL_LETTER_NOT_FOUND, "letter %lld not found",
		    (long long)id);
	else
		reply_json_steal(r, 200, json_pack("{s:O}", "items", rows));
	json_decref(rows);
}

/* GET /api/v1/calls/:id/letters/:letter_id/pdf */
void
api_letters_pdf_get(struct req *r)
{
	int64_t call_id, id;
	char name[64];
	PGresult *res = NULL;

	if (calls_param_or_reply(r, &call_id) != 0 ||
	    validate_param_id_or_reply(r, "letter_id", &id) != 0)
		return;
	if (db_letters_pdf(r->db, call_id, id, scope(r), &res) != 0) {
		api_db_error(r);
		return;
	}
	if (res == NULL) {
		reply_problem(r, PROBLEM_CALL_PDF_NOT_FOUND, "letter %lld has no PDF, or "
		    "there is no such letter", (long long)id);
		return;
	}
	snprintf(name, sizeof(name), "letter-%lld.pdf", (long long)id);
	calls_pdf_reply(r, res, name);
	PQclear(res);
}
