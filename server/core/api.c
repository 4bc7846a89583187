/* api.c -- helpers shared by the handlers. */
#include "core/api.h"

#include <stdio.h>
#include <string.h>

#include "lib/cursor.h"
#include "log.h"

/* Constraint names (sql/), their problem codes, and what to tell a
 * person about them. The code fixes the status: a 422 lists the field in
 * errors, a 409 names it in `field`. */
static const struct {
	const char *constraint;
	const char *field;
	const struct problem_def *code;
	const char *message;
} constraints[] = {
	{ "organizations_name_key", "name", PROBLEM_ORGANIZATION_NAME_TAKEN,
	  "an organization with this name already exists" },
	{ "organizations_name_check", "name", PROBLEM_VALIDATION_FAILED,
	  "must be 1 to 200 characters without leading or trailing spaces" },
	{ "organizations_country_check", "country", PROBLEM_VALIDATION_FAILED,
	  "must be two capital letters (ISO 3166-1)" },
	{ "users_email_key", "email", PROBLEM_USER_EMAIL_TAKEN,
	  "a user with this email already exists" },
	{ "users_email_check", "email", PROBLEM_VALIDATION_FAILED,
	  "must be an email address" },
	{ "users_name_check", "name", PROBLEM_VALIDATION_FAILED,
	  "must be 1 to 200 characters" },
	{ "users_organization_id_fkey", "organization_id", PROBLEM_VALIDATION_FAILED,
	  "no such organization" },
	{ "users_roles_fit_organization", "roles", PROBLEM_VALIDATION_FAILED,
	  "these roles do not fit the organization's kind (admin and officer: ministry; "
	  "auditor: auditor or ministry; vendor: vendor or company; tenant: institute, "
	  "university or company)" },
	{ "organizations_kind_fits_users", "kind", PROBLEM_VALIDATION_FAILED,
	  NULL },   /* the database's message names the users */
	{ "programs_name_key", "name", PROBLEM_PROGRAM_NAME_TAKEN,
	  "a programme with this name already exists" },
	{ "programs_dates_check", "ends_on", PROBLEM_VALIDATION_FAILED,
	  "must not be before starts_on" },
	{ "programs_budget_krw_check", "budget_krw", PROBLEM_VALIDATION_FAILED,
	  "must be more than zero" },
	{ "program_milestones_due_key", "milestones", PROBLEM_VALIDATION_FAILED,
	  "two milestones fall on the same day" },
	{ "purchase_order_lines_gpu_model_active", "lines", PROBLEM_VALIDATION_FAILED,
	  "a line names a GPU model retired from the catalogue" },
	{ "program_milestones_gpu_target_check", "milestones", PROBLEM_VALIDATION_FAILED,
	  "a target must be more than zero" },
	{ "gpu_models_name_key", "model", PROBLEM_GPU_MODEL_NAME_TAKEN,
	  "this model is already in the catalogue" },
	{ "purchase_orders_program_id_fkey", "program_id", PROBLEM_VALIDATION_FAILED,
	  "no such programme" },
	{ "purchase_orders_vendor_id_fkey", "vendor_id", PROBLEM_VALIDATION_FAILED,
	  "no such active vendor organization" },
	{ "purchase_order_lines_gpu_model_id_fkey", "lines", PROBLEM_VALIDATION_FAILED,
	  "a line names an unknown GPU model" },
	{ "purchase_order_lines_model_key", "lines", PROBLEM_VALIDATION_FAILED,
	  "a model may appear on one line only" },
	{ "purchase_order_lines_quantity_check", "lines", PROBLEM_VALIDATION_FAILED,
	  "quantities must be more than zero" },
	{ "purchase_order_lines_unit_price_check", "lines", PROBLEM_VALIDATION_FAILED,
	  "prices must be more than zero" },
	{ "purchase_order_lines_warranty_months_check", "lines", PROBLEM_VALIDATION_FAILED,
	  "warranty_months must be from 0 to 120" },
	{ "purchase_order_lines_amount_check", "lines", PROBLEM_VALIDATION_FAILED,
	  "a line's quantity times its unit price must be at most 10^17" },
	{ "payments_invoice_key", "invoice_number", PROBLEM_PAYMENT_INVOICE_TAKEN,
	  "this invoice is already recorded against this order" },
	/* calls */
	{ "calls_timetable_order", "loi_deadline", PROBLEM_VALIDATION_FAILED,
	  "the timetable must run briefing_at < loi_deadline <= guidelines_release_at < "
	  "proposal_deadline <= opening_at < evaluation_ends_at" },
	{ "calls_organization_id_fkey", "organization_id", PROBLEM_VALIDATION_FAILED,
	  "no such organization" },
	{ "applicants_registration_key", "registration_number",
	  PROBLEM_CALL_REGISTRATION_NUMBER_TAKEN, "this registration number is already "
	  "registered; if it is your company's, ask the ministry for access" },
	{ "letters_one_per_organization", "", PROBLEM_CALL_LETTER_EXISTS,
	  "your organisation has a letter for this call already" },
	{ "briefing_attendees_email_key", "email", PROBLEM_DB_CONFLICT,
	  "this person is already registered for the briefing" },
	{ "organization_keys_public_key_key", "public_key", PROBLEM_ORG_KEY_TAKEN,
	  "this public key is registered already" },
	{ "evaluation_scores_within_max", "scores", PROBLEM_VALIDATION_FAILED,
	  "a score is over its criterion's maximum" },
	/* sites and allocations */
	{ "sites_name_key", "name", PROBLEM_SITE_NAME_TAKEN,
	  "a site with this name already exists" },
	{ "sites_name_check", "name", PROBLEM_VALIDATION_FAILED,
	  "must be 1 to 200 characters without leading or trailing spaces" },
	{ "sites_operator_id_fkey", "operator_id", PROBLEM_VALIDATION_FAILED,
	  "no such organization" },
	{ "racks_name_key", "name", PROBLEM_RACK_NAME_TAKEN,
	  "this site already has a rack with this name" },
	{ "racks_name_check", "name", PROBLEM_VALIDATION_FAILED,
	  "must be 1 to 100 characters without leading or trailing spaces" },
	{ "allocations_tenant_id_fkey", "tenant_id", PROBLEM_VALIDATION_FAILED,
	  "must be an active institute, university or company" },
	{ "allocations_dates_check", "ends_on", PROBLEM_VALIDATION_FAILED,
	  "must not be before starts_on" },
	{ "allocations_rack_fkey", "rack_id", PROBLEM_VALIDATION_FAILED,
	  "no such rack at this site" },
	{ "allocation_assets_active_key", "asset_ids", PROBLEM_ALLOCATION_ASSET_TAKEN,
	  "an asset is in another active allocation already" },
	/* deliveries and assets; a NULL message is the database's own, from
	 * a trigger that names what is allowed */
	{ "delivery_units_serial_key", "serials", PROBLEM_DELIVERY_SERIAL_RACE,
	  "a serial number was registered by another delivery at the same moment; "
	  "check the serials and send the delivery again" },
	{ "delivery_units_delivery_serial_key", "serials", PROBLEM_DELIVERY_SERIAL_RACE,
	  "a serial number was added to this delivery at the same moment; send it again" },
	{ "assets_serial_key", "serial", PROBLEM_ASSET_SERIAL_TAKEN,
	  "an asset with this serial number already exists" },
	{ "assets_transition", "status", PROBLEM_ASSET_TRANSITION_REFUSED,
	  NULL },
	{ "assets_transition_reason", "reason", PROBLEM_VALIDATION_FAILED,
	  NULL },
};

/* The code of a database error no constraint of the table explains. */
static const struct problem_def *
db_error_code(int status)
{
	switch (status) {
	case 400:
		return PROBLEM_REQUEST_INVALID_UTF8;
	case 409:
		return PROBLEM_DB_CONFLICT;
	case 422:
		return PROBLEM_DB_RULE_VIOLATED;
	case 503:
		return PROBLEM_DB_UNAVAILABLE;
	default:
		return PROBLEM_INTERNAL_ERROR;
	}
}

void
api_db_error(struct req *r)
{
	struct db *db = r->db;
	int status = db_error_status(db);
	const struct problem_def *code;
	size_t i;

	for (i = 0; i < sizeof(constraints) / sizeof(constraints[0]); i++) {
		const char *message = constraints[i].message ? constraints[i].message : db->message;

		if (strcmp(db->constraint, constraints[i].constraint) != 0)
			continue;
		code = constraints[i].code;
		if (code == PROBLEM_VALIDATION_FAILED)
			reply_invalid_field(r, constraints[i].field, message);
		else
			reply_problem_with(r, code, json_pack("{s:s}", "field",
			    constraints[i].field), "%s", message);
		return;
	}
	code = db_error_code(status);
	if (strcmp(db->sqlstate, "25006") == 0) {
		/* Default read-only (a standby, or set by an operator): reads go on. */
		reply_problem(r, PROBLEM_DB_READ_ONLY, "the database accepts no changes for now; "
		    "reading goes on; try again later");
		reply_header(r, "Retry-After", "30");
	} else if (code == PROBLEM_DB_UNAVAILABLE) {
		log_warn("request %s: database unavailable %s: %s", r->request_id, db->sqlstate,
		    db->message);
		reply_problem(r, code, "the database is not answering; try again shortly");
		reply_header(r, "Retry-After", "5");
	} else if (code == PROBLEM_INTERNAL_ERROR) {
		log_warn("request %s: database error %s: %s\n",
		    r->request_id, db->sqlstate, db->message);
		reply_problem(r, code, "internal error; quote request id %s", r->request_id);
	} else {
		reply_problem(r, code, "%s", db->message);
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

int
api_lock_if_match(struct req *r, const struct api_versioned *v, int64_t id)
{
	int64_t version;

	if (db_one_int_by_id(r->db, v->lock, id, &version) != 0)
		return -1;
	if (version == 0) {
		reply_not_found(r, v->not_found, v->what, id);
		return 1;
	}
	return validate_if_match_or_reply(r, v->kind, id, version, true) != 0 ? 1 : 0;
}

void
api_reply_versioned(struct req *r, int status, const struct api_versioned *v, const json_t *rec)
{
	reply_etag(r, v->kind, json_integer_value(json_object_get(rec, "id")),
	    json_integer_value(json_object_get(rec, "version")));
	reply_json(r, status, rec);
}

void
api_page_reply_text(struct req *r, struct db_text_page *page)
{
	static const char head[] = "{\"items\":", null_tail[] = ",\"next\":null}";
	char next[CURSOR_MAX], tail[CURSOR_MAX + 16];
	size_t tail_len, len;
	char *body;

	if (page->more) {
		cursor_encode(page->last_id, next);
		tail_len = (size_t)snprintf(tail, sizeof(tail), ",\"next\":\"%s\"}", next);
	} else {
		tail_len = sizeof(null_tail) - 1;
		memcpy(tail, null_tail, sizeof(null_tail));
	}
	len = sizeof(head) - 1 + page->len + tail_len;
	if ((body = malloc(len + 1)) == NULL) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "out of memory building a page");
		return;
	}
	memcpy(body, head, sizeof(head) - 1);
	memcpy(body + sizeof(head) - 1, page->body, page->len);
	memcpy(body + sizeof(head) - 1 + page->len, tail, tail_len + 1);
	reply_bytes(r, 200, "application/json", body, len);
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

int
api_errors_or_reply(struct req *r, json_t *errors)
{
	if (json_array_size(errors) == 0) {
		json_decref(errors);
		return 0;
	}
	reply_invalid(r, errors, "the request body has invalid fields; see errors");
	return -1;
}

void
api_plain_list(struct req *r,
    int (*list)(struct db *db, int64_t after, int limit, json_t **rows))
{
	static const char *const known[] = { "limit", "cursor", NULL };
	json_t *rows = NULL;
	int64_t after;
	int limit;

	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &limit, &after) != 0)
		return;
	if (list(r->db, after, limit + 1, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, limit);
}
