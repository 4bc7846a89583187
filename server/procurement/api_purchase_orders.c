/* api_purchase_orders.c -- /api/v1/purchase-orders: drafts, the four-eyes
 * approval against the programme's budget, and the moves of the order's
 * life. Deliveries move it further (api_deliveries.c). */
#include "core/api.h"
#include "procurement/procurement.h"

#include <string.h>

#include "procurement/api_purchase_orders.h"
#include "procurement/db_purchase_orders.h"

static const char *const currencies[] = { "KRW", "USD", NULL };

static const struct field_spec line_fields[] = {
	{ "gpu_model_id", FIELD_INTEGER, true, 0, 0, NULL },
	{ "quantity", FIELD_INTEGER, true, 0, 1000000, NULL },
	{ "unit_price", FIELD_INTEGER, true, 0, 1000000000000000, NULL },
	{ "warranty_months", FIELD_INTEGER, false, 0, 120, NULL },
};

#define LINES(required) { "lines", FIELD_OBJECT_ARRAY, required, 1, 50, NULL, \
	line_fields, sizeof(line_fields) / sizeof(line_fields[0]) }

static const struct field_spec po_fields[] = {
	{ "program_id", FIELD_INTEGER, true, 0, 0, NULL },
	{ "vendor_id", FIELD_INTEGER, true, 0, 0, NULL },
	{ "currency", FIELD_STRING, false, 1, 0, currencies },
	{ "notes", FIELD_STRING_OR_NULL, false, 1, 4000, NULL },
	LINES(true),
};

static const struct field_spec po_patch_fields[] = {
	{ "vendor_id", FIELD_INTEGER, false, 0, 0, NULL },
	{ "currency", FIELD_STRING, false, 1, 0, currencies },
	{ "notes", FIELD_STRING_OR_NULL, false, 1, 4000, NULL },
	LINES(false),
};

const struct field_table api_po_create_body = FIELD_TABLE(po_fields);
const struct field_table api_po_patch_body = FIELD_TABLE(po_patch_fields);

/* A vendor-only user sees the orders sent to its organisation; 0 for
 * staff, who see every order. */
static int64_t
vendor_view(const struct req *r)
{
	if (api_has_role(r, ROLE_STAFF))
		return 0;
	return r->session.org_id;
}

/* What the ministry keeps to itself when a vendor reads its order. */
static void
po_for_vendor(json_t *po)
{
	static const char *const internal[] = {
		"notes", "override_reason", "cancel_reason", "created_by", "approved_by",
	};
	size_t i;

	for (i = 0; i < sizeof(internal) / sizeof(internal[0]); i++)
		json_object_del(po, internal[i]);
}

int
po_read(struct db *db, struct po_write *w)
{
	return db_po_get(db, w->id, vendor_view(w->r), &w->result);
}

void
po_written_reply(struct req *r, int status, int64_t id, json_t *po)
{
	if (po == NULL) {
		reply_not_found(r, PROBLEM_PO_NOT_FOUND, "purchase order", id);
		return;
	}
	if (vendor_view(r) != 0)
		po_for_vendor(po);
	if (status == 201) {
		reply_location(r, "/api/v1/purchase-orders/%lld", (long long)id);
	}
	reply_etag(r, "po", id, json_integer_value(json_object_get(po, "version")));
	reply_json(r, status, po);
}

/* GET /api/v1/purchase-orders */
void
api_po_list(struct req *r)
{
	static const char *const known[] = {
		"program_id", "vendor_id", "status", "limit", "cursor", NULL
	};
	static const char *const statuses[] = { "draft", "submitted", "approved", "ordered",
		"partially_delivered", "delivered", "closed", "cancelled", NULL };
	struct po_filter f = { 0 };
	json_t *rows = NULL, *po;
	size_t i;
	int64_t id;
	bool has;

	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &f.limit, &f.after) != 0 ||
	    validate_query_id_or_reply(r, "program_id", &id, &has) != 0 ||
	    validate_query_id_or_reply(r, "vendor_id", &id, &has) != 0 ||
	    validate_query_enum_or_reply(r, "status", statuses, &f.status) != 0)
		return;
	f.program_id = req_query(r, "program_id");
	f.vendor_id = req_query(r, "vendor_id");
	f.vendor_view = vendor_view(r);
	f.limit++;
	if (db_po_list(r->db, &f, &rows) != 0) {
		api_db_error(r);
		return;
	}
	if (f.vendor_view != 0)
		json_array_foreach(rows, i, po)
			po_for_vendor(po);
	api_page_reply(r, rows, f.limit - 1);
}

/* GET /api/v1/purchase-orders/:id */
void
api_po_get(struct req *r)
{
	struct po_write w = { .r = r };

	if (validate_param_id_or_reply(r, "id", &w.id) != 0)
		return;
	if (po_read(r->db, &w) != 0)
		api_db_error(r);
	else
		po_written_reply(r, 200, w.id, w.result);
	json_decref(w.result);
}

static int
po_create_tx(struct db *db, void *arg)
{
	struct po_write *w = arg;

	if (db_po_create(db, w->fields, w->r->session.user_id, &w->id) != 0)
		return -1;
	return po_read(db, w);
}

/* POST /api/v1/purchase-orders -- a draft. */
void
api_po_create(struct req *r)
{
	struct po_write w = { .r = r };

	if ((w.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.fields, po_fields, NFIELDS(po_fields), false) == 0 &&
	    api_transaction(r, po_create_tx, &w) == 0)
		po_written_reply(r, 201, w.id, w.result);
	json_decref(w.result);
	json_decref(w.fields);
}

int
po_lock_or_reply(struct db *db, struct po_write *w, bool if_match_required)
{
	if (db_po_lock(db, w->id, &w->row) != 0)
		return -1;
	if (w->row.id == 0) {
		reply_not_found(w->r, PROBLEM_PO_NOT_FOUND, "purchase order", w->id);
		return 1;
	}
	return validate_if_match_or_reply(w->r, "po", w->id, w->row.version,
	    if_match_required) == 0 ? 0 : 1;
}

static int
po_patch_tx(struct db *db, void *arg)
{
	struct po_write *w = arg;
	int rc = po_lock_or_reply(db, w, true);

	if (rc != 0)
		return rc;
	if (strcmp(w->row.status, "draft") != 0) {
		reply_problem_with(w->r, PROBLEM_PO_NOT_DRAFT, json_pack("{s:s}", "current_status",
		    w->row.status), "only a draft can be edited; this order is %s", w->row.status);
		return 1;
	}
	if (db_po_update(db, w->id, w->fields) != 0)
		return -1;
	return po_read(db, w);
}

/* PATCH /api/v1/purchase-orders/:id -- drafts only, with If-Match. */
void
api_po_patch(struct req *r)
{
	struct po_write w = { .r = r };

	if (validate_param_id_or_reply(r, "id", &w.id) != 0 ||
	    (w.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.fields, po_patch_fields, NFIELDS(po_patch_fields),
	    true) == 0 && api_transaction(r, po_patch_tx, &w) == 0)
		po_written_reply(r, 200, w.id, w.result);
	json_decref(w.result);
	json_decref(w.fields);
}
