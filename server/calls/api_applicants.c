/* api_applicants.c -- companies register themselves for calls
 * (POST /api/v1/registrations, public, rate-limited per address) and
 * officers suspend or reinstate them. A registered company is an
 * organisation of kind vendor with its first user, role vendor: it may
 * sign in at once. */
#include "calls/api_calls.h"
#include "calls/calls.h"
#include "calls/db_applicants.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "config.h"
#include "auth/db_sessions.h"
#include "lib/brn.h"

static const struct field_spec register_fields[] = {
	{ "name_ko", FIELD_STRING, true, 1, 200, NULL },
	{ "name_en", FIELD_STRING, true, 1, 200, NULL },
	{ "country", FIELD_STRING, true, 2, 2, NULL },
	{ "registration_number", FIELD_STRING, true, 1, 40, NULL },
	{ "representative", FIELD_STRING, true, 1, 200, NULL },
	{ "address", FIELD_STRING, true, 1, 500, NULL },
	{ "user_name", FIELD_STRING, true, 1, 200, NULL },
	{ "user_email", FIELD_STRING, true, 3, 254, NULL },
	{ "user_password", FIELD_STRING, true, 12, 1024, NULL },
};

static const struct field_spec suspend_fields[] = {
	{ "reason", FIELD_STRING, true, 1, 2000, NULL },
};

const struct field_table api_applicants_register_body = FIELD_TABLE(register_fields);
const struct field_table api_applicants_suspend_body = FIELD_TABLE(suspend_fields);

/* A foreign registry id: letters, digits and . / - and spaces inside. */
static bool
foreign_id_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("./- ", s[i]) == NULL)
			return false;
	return i > 0 && s[0] != ' ' && s[i - 1] != ' ';
}

/* The country and the number as stored (Korean numbers as ten digits);
 * 0, or -1 after a 422. */
static int
number_or_reply(struct req *r, json_t *body, char number[41])
{
	const char *country = json_string_value(json_object_get(body, "country"));
	const char *s = json_string_value(json_object_get(body, "registration_number"));
	const char *field = "registration_number", *msg = NULL;

	if (!isupper((unsigned char)country[0]) || !isupper((unsigned char)country[1])) {
		field = "country";
		msg = "must be two capital letters (ISO 3166-1), KR for a Korean company";
	} else if (strcmp(country, "KR") == 0 && !brn_valid(s, number)) {
		msg = "is not a valid Korean business registration number (10 digits, "
		    "123-45-67890, with its check digit)";
	} else if (strcmp(country, "KR") != 0) {
		if (!foreign_id_ok(s))
			msg = "a foreign registry id is letters, digits, spaces, '.', '/' and '-'";
		else
			snprintf(number, 41, "%s", s);
	}
	if (msg == NULL)
		return 0;
	reply_invalid(r, json_pack("[{s:s, s:s}]", "field", field, "message", msg),
	    "the request body has invalid fields; see errors");
	return -1;
}

static int
throttle_or_reply(struct req *r)
{
	int64_t attempts, retry;
	char after[24];

	if (db_applicants_attempt(r->db, r->client_addr, &attempts, &retry) != 0) {
		api_db_error(r);
		return -1;
	}
	if (attempts < config.registrations_per_hour)
		return 0;
	if (retry < 1)
		retry = 1;
	reply_problem_with(r, PROBLEM_CALL_REGISTRATION_RATE_LIMITED, json_pack("{s:I}",
	    "retry_after_s", (json_int_t)retry), "too many registrations from this address; "
	    "try again in %lld seconds", (long long)retry);
	snprintf(after, sizeof(after), "%lld", (long long)retry);
	reply_header(r, "Retry-After", after);
	return -1;
}

struct registration {
	struct req *r;
	json_t *fields;          /* borrowed */
	const char *country;
	char number[41];
	char hash[crypto_pwhash_STRBYTES];
	json_t *out;
};

static int
register_tx(struct db *db, void *arg)
{
	struct registration *g = arg;
	int taken = db_applicants_taken(db, g->country, g->number);

	if (taken < 0)
		return -1;
	if (taken) {
		reply_problem(g->r, PROBLEM_CALL_REGISTRATION_NUMBER_TAKEN, "this registration "
		    "number is already registered; if it is your company's, ask the ministry "
		    "for access");
		return 1;
	}
	return db_applicants_register(db, g->fields, g->country, g->number, g->hash, &g->out);
}

/* POST /api/v1/registrations -- public. */
void
api_applicants_register(struct req *r)
{
	struct registration g = { .r = r };

	if ((g.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, g.fields, register_fields, NFIELDS(register_fields),
	    false) != 0 || number_or_reply(r, g.fields, g.number) != 0 ||
	    throttle_or_reply(r) != 0)
		goto out;
	g.country = json_string_value(json_object_get(g.fields, "country"));
	if (auth_password_hash(json_string_value(json_object_get(g.fields, "user_password")),
	    g.hash, sizeof(g.hash)) != 0) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the password could not be hashed");
		goto out;
	}
	if (api_transaction(r, register_tx, &g) == 0)
		reply_json(r, 201, g.out);
out:
	json_decref(g.out);
	json_decref(g.fields);
}

/* GET /api/v1/applicants -- staff. */
void
api_applicants_list(struct req *r)
{
	api_plain_list(r, db_applicants_list);
}

struct suspension {
	struct req *r;
	int64_t id;
	const char *reason;      /* NULL: reinstate */
	json_t *out;
};

static int
suspend_tx(struct db *db, void *arg)
{
	struct suspension *s = arg;
	json_t *cur = NULL;

	if (db_applicants_suspend(db, s->id, s->reason, &s->out) != 0)
		return -1;
	if (s->out == NULL) {
		if (db_applicants_get(db, s->id, &cur) != 0)
			return -1;
		if (cur == NULL)
			reply_problem(s->r, PROBLEM_CALL_APPLICANT_NOT_FOUND, "organisation %lld "
			    "did not register itself", (long long)s->id);
		else
			reply_problem(s->r, PROBLEM_CALL_APPLICANT_STATE, "organisation %lld is "
			    "already %s", (long long)s->id, s->reason ? "suspended" : "active");
		json_decref(cur);
		return 1;
	}
	return s->reason ? db_session_revoke_org(db, s->id) : 0;
}

static void
suspension_run(struct req *r, struct suspension *s)
{
	if (validate_param_id_or_reply(r, "id", &s->id) != 0)
		return;
	if (api_transaction(r, suspend_tx, s) == 0) {
		auth_cache_flush();
		reply_json(r, 200, s->out);
	}
	json_decref(s->out);
}

/* POST /api/v1/applicants/:id/suspend {reason} */
void
api_applicants_suspend(struct req *r)
{
	struct suspension s = { .r = r };
	json_t *body;

	if ((body = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, body, suspend_fields, NFIELDS(suspend_fields), false) == 0) {
		s.reason = json_string_value(json_object_get(body, "reason"));
		suspension_run(r, &s);
	}
	json_decref(body);
}

/* POST /api/v1/applicants/:id/reinstate */
void
api_applicants_reinstate(struct req *r)
{
	struct suspension s = { .r = r };

	suspension_run(r, &s);
}
