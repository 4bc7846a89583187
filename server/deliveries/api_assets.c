/* api_assets.c -- /api/v1/assets: every accepted GPU by serial number,
 * its status under the state machine of sql/0002, and its history.
 *
 * Assets are made by acceptance inspection (api_deliveries.c) and
 * allocated to sites and tenants by the allocation endpoints, which set
 * the location with the status; this file moves them through the rest of
 * their life: installed, in service, RMA, back to stock, retired. */
#include "core/api.h"
#include "deliveries/deliveries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/export.h"
#include "deliveries/db_assets.h"

static const char *const statuses[] = {
	"received", "in_stock", "allocated", "installed", "in_service", "rma", "retired", NULL
};

static const struct field_spec status_fields[] = {
	{ "status", FIELD_STRING, true, 1, 0, statuses },
	{ "reason", FIELD_STRING_OR_NULL, false, 1, 1000, NULL },
};

const struct field_table api_assets_status_body = FIELD_TABLE(status_fields);

/* Query parameters that are ids, with where each goes in the filter. */
static int
id_filters_or_reply(struct req *r, struct asset_filter *f)
{
	const struct {
		const char *name;
		const char **to;
	} ids[] = {
		{ "gpu_model_id", &f->gpu_model_id }, { "site_id", &f->site_id },
		{ "tenant_id", &f->tenant_id }, { "vendor_id", &f->vendor_id },
		{ "program_id", &f->program_id }, { "purchase_order_id", &f->purchase_order_id },
	};
	size_t i;
	int64_t v;
	bool present;

	for (i = 0; i < NFIELDS(ids); i++) {
		if (validate_query_id_or_reply(r, ids[i].name, &v, &present) != 0)
			return -1;
		*ids[i].to = req_query(r, ids[i].name);
	}
	return 0;
}

/* The whole filtered register as CSV, streamed as the client reads it. */
static void
assets_csv_reply(struct req *r, const struct asset_filter *f)
{
	static const char *const header[] = { ASSET_CSV_COLUMNS };
	struct db_rows *rows;
	int rc;

	if (req_query(r, "limit") != NULL || req_query(r, "cursor") != NULL) {
		reply_problem_with(r, PROBLEM_QUERY_NOT_FOR_CSV, json_pack("{s:s}", "parameter",
		    req_query(r, "limit") != NULL ? "limit" : "cursor"), "limit and cursor page "
		    "the JSON list; a CSV download is the whole filtered register: leave them out");
		return;
	}
	if ((rc = db_assets_export(f, &rows)) != 0)
		export_refused_reply(r, rc);
	else
		export_csv_reply(r, "assets.csv", header, NFIELDS(header), rows);
}

/* GET /api/v1/assets */
void
api_assets_list(struct req *r)
{
	static const char *const known[] = {
		"serial", "gpu_model_id", "status", "site_id", "tenant_id", "vendor_id",
		"program_id", "purchase_order_id", "limit", "cursor", NULL
	};
	struct asset_filter f = { 0 };
	struct db_text_page page;

	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &f.limit, &f.after) != 0 ||
	    validate_query_enum_or_reply(r, "status", statuses, &f.status) != 0 ||
	    id_filters_or_reply(r, &f) != 0)
		return;
	f.serial = req_query(r, "serial");
	if (f.serial != NULL && (*f.serial == '\0' || strlen(f.serial) > 64)) {
		reply_problem_with(r, PROBLEM_QUERY_INVALID, json_pack("{s:s, s:i, s:i}",
		    "parameter", "serial", "min_length", 1, "max_length", 64),
		    "query parameter serial must be 1 to 64 characters");
		return;
	}
	if (export_wants_csv(r)) {
		assets_csv_reply(r, &f);
		return;
	}
	if (db_assets_list(r->db, &f, &page) != 0)
		api_db_error(r);
	else
		api_page_reply_text(r, &page);
	free(page.body);
}

/* GET /api/v1/assets/:id */
void
api_assets_get(struct req *r)
{
	int64_t id;
	char *asset = NULL;
	size_t len;

	if (validate_param_id_or_reply(r, "id", &id) != 0)
		return;
	if (db_assets_get_text(r->db, id, &asset, &len) != 0)
		api_db_error(r);
	else if (asset == NULL)
		reply_not_found(r, PROBLEM_ASSET_NOT_FOUND, "asset", id);
	else
		reply_bytes(r, 200, "application/json", asset, len);
}

struct asset_move {
	int64_t id;
	const char *status;      /* borrowed from the body */
	const char *reason;
	json_t *current;         /* {status, tenant_id, allowed} before; owned */
	json_t *asset;           /* afterwards; owned */
	char refusal[256];       /* a 409's detail */
};

/* Refusals of moves the state machine allows but this endpoint does not
 * make: a move to the status the asset already has (an event that would
 * change nothing), and leaving a tenant's hands, which is the return of
 * its allocation (that endpoint ends the allocation and clears the
 * location too). 0 when the move may go ahead. */
static int
move_refused(struct asset_move *m)
{
	const char *now = json_string_value(json_object_get(m->current, "status"));
	const char *allowed = json_string_value(json_object_get(m->current, "allowed"));
	json_int_t tenant = json_integer_value(json_object_get(m->current, "tenant_id"));

	if (strcmp(now, m->status) == 0)
		snprintf(m->refusal, sizeof(m->refusal), "the asset is already %s; from %s it can "
		    "go to: %s", now, now, allowed ? allowed : "nothing (final)");
	else if (tenant != 0 && (strcmp(m->status, "in_stock") == 0 ||
	    strcmp(m->status, "retired") == 0))
		snprintf(m->refusal, sizeof(m->refusal), "the asset is allocated to organization "
		    "%lld; return it through its allocation first, which takes it back to stock",
		    (long long)tenant);
	else
		return 0;
	return 1;
}

static int
move_tx(struct db *db, void *arg)
{
	struct asset_move *m = arg;

	json_decref(m->current);
	json_decref(m->asset);
	m->current = m->asset = NULL;
	if (db_assets_lock(db, m->id, &m->current) != 0)
		return -1;
	if (m->current == NULL || move_refused(m))
		return 1;
	if (db_assets_set_status(db, m->id, m->status, m->reason) != 0)
		return -1;
	return db_assets_get(db, m->id, &m->asset);
}

/* POST /api/v1/assets/:id/status {status, reason} */
void
api_assets_status(struct req *r)
{
	struct asset_move m = { 0 };
	json_t *body;

	if (validate_param_id_or_reply(r, "id", &m.id) != 0 ||
	    (body = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, body, status_fields, NFIELDS(status_fields), false) != 0)
		goto out;
	m.status = json_string_value(json_object_get(body, "status"));
	m.reason = json_string_value(json_object_get(body, "reason"));
	/* Allocation records a site and a tenant with the move: it has its
	 * own endpoints. */
	if (strcmp(m.status, "allocated") == 0) {
		reply_invalid(r, json_pack("[{s:s, s:s}]", "field", "status", "message",
		    "an asset is allocated through the allocation endpoints, which record its "
		    "site and tenant"), "allocate through the allocation endpoints");
		goto out;
	}
	if (api_transaction(r, move_tx, &m) < 0)
		goto out;
	if (m.current == NULL)
		reply_not_found(r, PROBLEM_ASSET_NOT_FOUND, "asset", m.id);
	else if (m.asset == NULL)
		reply_problem(r, PROBLEM_ASSET_TRANSITION_REFUSED, "%s", m.refusal);
	else
		reply_json(r, 200, m.asset);
out:
	json_decref(m.current);
	json_decref(m.asset);
	json_decref(body);
}

/* GET /api/v1/assets/:id/history -- from the audit trail, which the
 * database writes in the same transaction as each change, so there is no
 * second history to keep in step. */
void
api_assets_history(struct req *r)
{
	static const char *const known[] = { "limit", "cursor", NULL };
	int64_t id, after;
	int limit;
	json_t *asset = NULL, *rows = NULL;

	if (validate_param_id_or_reply(r, "id", &id) != 0 ||
	    validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &limit, &after) != 0)
		return;
	if (db_assets_get(r->db, id, &asset) != 0)
		api_db_error(r);
	else if (asset == NULL)
		reply_not_found(r, PROBLEM_ASSET_NOT_FOUND, "asset", id);
	else if (db_assets_history(r->db, id, after, limit + 1, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, limit);
	json_decref(asset);
}
