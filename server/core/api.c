/* api.c -- helpers shared by the handlers. */
#include "core/api.h"

#include <stdio.h>
#include <string.h>

#include "lib/cursor.h"
#include "log.h"

/* Constraint names (sql/) and what to tell a person about them. */
static const struct {
	const char *constraint;
	const char *field;
	const char *message;
	int status;              /* 0: as the SQLSTATE says */
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
	{ "organizations_kind_fits_users", "kind", NULL },   /* names the users */
	{ "programs_name_key", "name", "a programme with this name already exists" },
	{ "programs_dates_check", "ends_on", "must not be before starts_on" },
	{ "programs_budget_krw_check", "budget_krw", "must be more than zero" },
	{ "program_milestones_due_key", "milestones", "two milestones fall on the same day", 422 },
	{ "purchase_order_lines_gpu_model_active", "lines",
	  "a line names a GPU model retired from the catalogue" },
	{ "program_milestones_gpu_target_check", "milestones", "a target must be more than zero" },
	{ "gpu_models_name_key", "model", "this model is already in the catalogue" },
	{ "purchase_orders_program_id_fkey", "program_id", "no such programme" },
	{ "purchase_orders_vendor_id_fkey", "vendor_id", "no such active vendor organization" },
	{ "purchase_order_lines_gpu_model_id_fkey", "lines", "a line names an unknown GPU model" },
	{ "purchase_order_lines_model_key", "lines", "a model may appear on one line only", 422 },
	{ "purchase_order_lines_quantity_check", "lines", "quantities must be more than zero" },
	{ "purchase_order_lines_unit_price_check", "lines", "prices must be more than zero" },
	{ "purchase_order_lines_warranty_months_check", "lines",
	  "warranty_months must be from 0 to 120" },
	{ "purchase_order_lines_amount_check", "lines",
	  "a line's quantity times its unit price must be at most 10^17" },
	{ "payments_invoice_key", "invoice_number",
	  "this invoice is already recorded against this order" },
	/* sites and allocations */
	{ "sites_name_key", "name", "a site with this name already exists" },
	{ "sites_name_check", "name",
	  "must be 1 to 200 characters without leading or trailing spaces" },
	{ "sites_operator_id_fkey", "operator_id", "no such organization" },
	{ "racks_name_key", "name", "this site already has a rack with this name" },
	{ "racks_name_check", "name",
	  "must be 1 to 100 characters without leading or trailing spaces" },
	{ "allocations_tenant_id_fkey", "tenant_id",
	  "must be an active institute, university or company" },
	{ "allocations_dates_check", "ends_on", "must not be before starts_on" },
	{ "allocations_rack_fkey", "rack_id", "no such rack at this site" },
	{ "allocation_assets_active_key", "asset_ids",
	  "an asset is in another active allocation already" },
	/* deliveries and assets; a NULL message is the database's own, from
	 * a trigger that names what is allowed */
	{ "delivery_units_serial_key", "serials",
	  "a serial number was registered by another delivery at the same moment; "
	  "check the serials and send the delivery again" },
	{ "delivery_units_delivery_serial_key", "serials",
	  "a serial number was added to this delivery at the same moment; send it again" },
	{ "assets_serial_key", "serial", "an asset with this serial number already exists" },
	{ "assets_transition", "status", NULL, 409 },
	{ "assets_transition_reason", "reason", NULL, 422 },
};

void
api_db_error(struct req *r)
{
	struct db *db = r->db;
	int status = db_error_status(db);
	size_t i;

	for (i = 0; i < sizeof(constraints) / sizeof(constraints[0]); i++) {
		const char *message = constraints[i].message ? constraints[i].message : db->message;

		if (strcmp(db->constraint, constraints[i].constraint) != 0)
			continue;
		if (constraints[i].status != 0)
			status = constraints[i].status;
		if (status == 422) {
			reply_invalid(r, json_pack("[{s:s, s:s}]", "field", constraints[i].field,
			    "message", message), message);
		} else {
			reply_problem(r, status, "%s", message);
		}
		return;
	}
	if (status == 503) {
		reply_problem(r, 503, "the database is not answering; try again shortly");
		reply_header(r, "Retry-After", "5");
	} else if (status == 500) {
		log_warn("request %s: database error %s: %s\n",
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
