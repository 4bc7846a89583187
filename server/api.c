/* api.c -- helpers shared by the handlers. */
#include "api.h"

#include <stdio.h>
#include <string.h>

#include "cursor.h"

/* Constraint names (sql/) and what to tell a person about them. */
static const struct {
	const char *constraint;
	const char *field;
	const char *message;
} constraints[] = {
	{ "organizations_name_key", "name", "an organization with this name already exists" },
	{ "organizations_name_check", "name",
	  "must be 1 to 200 characters without leading or trailing spaces" },
	{ "organizations_country_check", "country", "must be two capital letters (ISO 3166-1)" },
	{ "users_email_key", "email", "a user with this email already exists" },
	{ "users_email_check", "email", "must be an email address" },
	{ "users_name_check", "name", "must be 1 to 200 characters" },
	{ "users_organization_id_fkey", "organization_id", "no such organization" },
	{ "users_roles_fit_organization", "roles",
	  "these roles do not fit the organization's kind (admin and officer: ministry; "
	  "auditor: auditor or ministry; vendor: vendor or company; tenant: institute, "
	  "university or company)" },
};

void
api_db_error(struct req *r)
{
	struct db *db = r->db;
	int status = db_error_status(db);
	size_t i;

	for (i = 0; i < sizeof(constraints) / sizeof(constraints[0]); i++) {
		if (strcmp(db->constraint, constraints[i].constraint) != 0)
			continue;
		if (status == 422) {
			reply_invalid(r, json_pack("[{s:s, s:s}]", "field", constraints[i].field,
			    "message", constraints[i].message), constraints[i].message);
		} else {
			reply_problem(r, status, "%s", constraints[i].message);
		}
		return;
	}
	if (status == 503) {
		reply_problem(r, 503, "the database is not answering; try again shortly");
		reply_header(r, "Retry-After", "5");
	} else if (status == 500) {
		fprintf(stderr, "registry: request %s: database error %s: %s\n",
		    r->request_id, db->sqlstate, db->message);
		reply_problem(r, 500, "internal error; quote request id %s", r->request_id);
	} else {
		reply_problem(r, status, "%s", db->message);
	}
}

int
api_transaction(struct req *r, int (*fn)(struct db *db, void *arg), void *arg)
{
	struct audit_ctx ctx;
	int rc;

	auth_audit_ctx(r, &ctx);
	rc = db_transaction(r->db, &ctx, fn, arg);
	if (rc == -1)
		api_db_error(r);
	return rc;
}

void
api_page_reply(struct req *r, json_t *rows, int limit)
{
	char next[CURSOR_MAX];
	json_t *page;

	if (json_array_size(rows) > (size_t)limit) {
		json_array_remove(rows, (size_t)limit);
		cursor_encode(json_integer_value(json_object_get(
		    json_array_get(rows, (size_t)limit - 1), "id")), next);
		page = json_pack("{s:o, s:s}", "items", rows, "next", next);
	} else {
		page = json_pack("{s:o, s:n}", "items", rows, "next");
	}
	reply_json_steal(r, 200, page);
}
