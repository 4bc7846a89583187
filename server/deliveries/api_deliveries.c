/* api_deliveries.c -- /api/v1/deliveries: deliveries against a PO, their
 * units by serial number, receipt and acceptance inspection.
 *
 * A vendor announces a delivery of its own PO (advance notice); a ministry
 * officer records one as received, or receives an announced one, and
 * inspects it: passed units become assets, failed ones go back (RMA) and
 * free their place on the PO line. Every write that counts what is left on
 * a PO line locks the PO and then its lines first (db_deliveries_lock_po),
 * so concurrent deliveries can never together exceed a line. */
#include "deliveries/api_deliveries.h"
#include "deliveries/deliveries.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliveries/db_deliveries.h"
#include "lib/text.h"

static const char *const delivery_statuses[] = { "announced", "received", "inspected", NULL };
static const char *const unit_results[] = { "pending", "passed", "failed", NULL };
static const char *const inspection_results[] = { "passed", "failed", NULL };

static const struct field_spec create_fields[] = {
	{ "purchase_order_id", FIELD_INTEGER, true, 0, 0, NULL },
	{ "reference", FIELD_STRING_OR_NULL, false, 1, 100, NULL },
	{ "note", FIELD_STRING_OR_NULL, false, 1, 4000, NULL },
};

static const struct field_spec unit_fields[] = {
	{ "serial", FIELD_STRING, true, 1, 64, NULL },
	{ "result", FIELD_STRING, true, 1, 0, inspection_results },
	{ "note", FIELD_STRING_OR_NULL, false, 1, 1000, NULL },
};

static const struct field_spec inspection_fields[] = {
	{ "units", FIELD_OBJECT_ARRAY, true, 1, 0, NULL, unit_fields, NFIELDS(unit_fields) },
};

/* The bodies, for the route table. A delivery's lines are checked by
 * hand (check_line). */
static const char *const lines_by_hand[] = { "lines", NULL };

const struct field_table api_deliveries_create_body = {
	create_fields, NFIELDS(create_fields), lines_by_hand
};
const struct field_table api_deliveries_receive_body = { NULL, 0, NULL };
const struct field_table api_deliveries_inspection_body = FIELD_TABLE(inspection_fields);

int64_t
dlv_vendor_of(const struct req *r)
{
	return api_has_role(r, ROLE_STAFF) ? 0 : r->session.org_id;
}

void
dlv_work_free(struct dlv_work *w)
{
	free(w->rows);
	json_decref(w->result);
	json_decref(w->delivery);
	json_decref(w->fields);
	w->rows = NULL;
	w->result = w->delivery = w->fields = NULL;
}

static void
work_reset(struct dlv_work *w)
{
	json_decref(w->result);
	json_decref(w->delivery);
	json_decref(w->fields);
	w->result = w->delivery = w->fields = NULL;
	w->refused = 0;
	w->detail[0] = '\0';
}

static int refuse(struct dlv_work *w, const struct problem_def *code, json_t *fields,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Notes a refusal and asks for a rollback. Steals fields. */
static int
refuse(struct dlv_work *w, const struct problem_def *code, json_t *fields, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->detail, sizeof(w->detail), fmt, ap);
	va_end(ap);
	json_decref(w->fields);
	w->fields = fields;
	w->code = code;
	w->refused = code->status;
	return 1;
}

/* Locks the PO and its lines; refuses unless units may arrive against it. */
static int
lock_po_or_refuse(struct db *db, struct dlv_work *w, bool for_update)
{
	static const char *const open[] = { "ordered", "partially_delivered", NULL };
	json_t *po = NULL;
	const char *status;
	int rc = 0;

	if (db_deliveries_lock_po(db, w->po_id, w->vendor, for_update, &po) != 0)
		return -1;
	if (po == NULL)
		return refuse(w, PROBLEM_PO_NOT_FOUND,
		    json_pack("{s:I}", "id", (json_int_t)w->po_id),
		    "purchase order %lld not found", (long long)w->po_id);
	status = json_string_value(json_object_get(po, "status"));
	if (!text_one_of(status, open))
		rc = refuse(w, PROBLEM_DELIVERY_PO_NOT_OPEN,
		    json_pack("{s:s}", "current_status", status), "purchase order %s is %s; units "
		    "are delivered and inspected only while it is ordered or partially_delivered",
		    json_string_value(json_object_get(po, "reference")), status);
	json_decref(po);
	return rc;
}

/* Locks the delivery (after its PO); refuses unless its status is one of
 * allowed, with why naming what the action needs. */
static int
lock_delivery_or_refuse(struct db *db, struct dlv_work *w, const char *const *allowed,
    const char *why)
{
	json_t *d = NULL;
	const char *status;
	int rc = 0;

	if (db_deliveries_lock(db, w->id, &d) != 0)
		return -1;
	if (d == NULL)
		return refuse(w, PROBLEM_DELIVERY_NOT_FOUND, json_pack("{s:I}", "id",
		    (json_int_t)w->id), "delivery %lld not found", (long long)w->id);
	status = json_string_value(json_object_get(d, "status"));
	if (!text_one_of(status, allowed))
		rc = refuse(w, PROBLEM_DELIVERY_WRONG_STATUS, json_pack("{s:I, s:s}", "id",
		    (json_int_t)w->id, "current_status", status), "delivery %lld is %s; %s",
		    (long long)w->id, status, why);
	json_decref(d);
	return rc;
}

/* Checks and (unless a dry run) inserts w->rows; 1 when any row is bad
 * or nothing is to be written. */
static int
add_units(struct db *db, struct dlv_work *w)
{
	if (db_deliveries_add_units(db, w->po_id, w->id, w->rows, w->write, &w->result) != 0)
		return -1;
	if (json_array_size(json_object_get(w->result, "errors")) > 0) {
		w->refused = 422;
		return 1;
	}
	return w->write ? 0 : 1;
}

void
dlv_refusal_reply(struct req *r, struct dlv_work *w)
{
	json_t *errors = json_object_get(w->result, "errors");

	if (w->refused != 422)
		reply_problem_with(r, w->code, json_incref(w->fields), "%s", w->detail);
	else
		reply_invalid(r, json_incref(errors), json_array_size(errors) == 1 ?
		    "1 unit is refused; nothing was registered" :
		    "units are refused (see errors); nothing was registered");
}

/* GET /api/v1/deliveries */
void
api_deliveries_list(struct req *r)
{
	static const char *const known[] = {
		"purchase_order_id", "status", "limit", "cursor", NULL
	};
	struct delivery_filter f = { 0 };
	json_t *rows = NULL;
	int64_t po;
	bool has_po;

	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &f.limit, &f.after) != 0 ||
	    validate_query_id_or_reply(r, "purchase_order_id", &po, &has_po) != 0 ||
	    validate_query_enum_or_reply(r, "status", delivery_statuses, &f.status) != 0)
		return;
	f.purchase_order_id = req_query(r, "purchase_order_id");
	f.vendor = dlv_vendor_of(r);
	f.limit++;
	if (db_deliveries_list(r->db, &f, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, f.limit - 1);
}

/* GET /api/v1/deliveries/:id -- a vendor sees its own POs' deliveries. */
void
api_deliveries_get(struct req *r)
{
	int64_t id;
	json_t *d = NULL;

	if (validate_param_id_or_reply(r, "id", &id) != 0)
		return;
	if (db_deliveries_get(r->db, id, dlv_vendor_of(r), &d) != 0)
		api_db_error(r);
	else if (d == NULL)
		reply_not_found(r, PROBLEM_DELIVERY_NOT_FOUND, "delivery", id);
	else
		reply_json(r, 200, d);
	json_decref(d);
}

/* GET /api/v1/deliveries/:id/units */
void
api_deliveries_units(struct req *r)
{
	static const char *const known[] = { "result", "limit", "cursor", NULL };
	struct unit_filter f = { 0 };
	json_t *rows = NULL;
	int64_t po;

	if (validate_param_id_or_reply(r, "id", &f.delivery_id) != 0 ||
	    validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &f.limit, &f.after) != 0 ||
	    validate_query_enum_or_reply(r, "result", unit_results, &f.result) != 0)
		return;
	if (db_deliveries_po_of(r->db, f.delivery_id, dlv_vendor_of(r), &po) != 0) {
		api_db_error(r);
		return;
	}
	if (po == 0) {
		reply_not_found(r, PROBLEM_DELIVERY_NOT_FOUND, "delivery", f.delivery_id);
		return;
	}
	f.limit++;
	if (db_deliveries_units_list(r->db, &f, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, f.limit - 1);
}

static void
error_at(json_t *errors, const char *field, const char *message)
{
	json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "message", message));
}

/* One line of a new delivery: {gpu_model_id, serials: [...]}. What is
 * wrong with the serials themselves is for the database to say, which
 * knows the registry; here only the shape. */
static void
check_line(json_t *line, size_t i, json_t *errors)
{
	char name[64];
	const char *key;
	json_t *v, *serials = json_object_get(line, "serials");
	size_t j;

	json_object_foreach(line, key, v) {
		if (strcmp(key, "gpu_model_id") == 0 || strcmp(key, "serials") == 0)
			continue;
		snprintf(name, sizeof(name), "lines[%zu].%.32s", i, key);
		error_at(errors, name, "is not a field of a delivery line");
	}
	v = json_object_get(line, "gpu_model_id");
	snprintf(name, sizeof(name), "lines[%zu].gpu_model_id", i);
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		error_at(errors, name, v ? "must be a positive whole number" : "is required");
	snprintf(name, sizeof(name), "lines[%zu].serials", i);
	if (!json_is_array(serials) || json_array_size(serials) == 0) {
		error_at(errors, name, "must be a non-empty array of serial numbers");
		return;
	}
	json_array_foreach(serials, j, v) {
		if (json_is_string(v))
			continue;
		snprintf(name, sizeof(name), "lines[%zu].serials[%zu]", i, j);
		error_at(errors, name, "must be a string");
	}
}

/* Validates a new delivery; steals nothing. Replies 422 itself. */
static int
create_valid_or_reply(struct req *r, json_t *body)
{
	json_t *errors = json_array(), *lines = json_incref(json_object_get(body, "lines"));
	json_t *line;
	size_t i;

	json_object_del(body, "lines");
	validate_fields(body, create_fields, NFIELDS(create_fields), errors);
	if (lines != NULL && !json_is_array(lines))
		error_at(errors, "lines", "must be an array of {gpu_model_id, serials}");
	json_array_foreach(lines, i, line) {
		char name[32];

		snprintf(name, sizeof(name), "lines[%zu]", i);
		if (json_is_object(line))
			check_line(line, i, errors);
		else
			error_at(errors, name, "must be an object {gpu_model_id, serials}");
	}
	if (lines != NULL)
		json_object_set_new(body, "lines", lines);
	if (json_array_size(errors) == 0) {
		json_decref(errors);
		return 0;
	}
	reply_invalid(r, errors, "the request body has invalid fields; see errors");
	return -1;
}

/* The units of a new delivery as rows for db_deliveries_add_units, each
 * named by where it stands in the body; NULL when there are none. */
static char *
create_rows(json_t *lines)
{
	json_t *rows = json_array(), *line, *serial;
	char field[64];
	size_t i, j, n = 0;
	char *text = NULL;

	json_array_foreach(lines, i, line) {
		json_t *model = json_object_get(line, "gpu_model_id");

		json_array_foreach(json_object_get(line, "serials"), j, serial) {
			snprintf(field, sizeof(field), "lines[%zu].serials[%zu]", i, j);
			json_array_append_new(rows, json_pack("{s:I, s:s, s:O, s:O}", "n",
			    (json_int_t)n++, "field", field, "serial", serial, "model_id", model));
		}
	}
	if (n > 0)
		text = json_dumps(rows, JSON_COMPACT);
	json_decref(rows);
	return text;
}

static int
create_tx(struct db *db, void *arg)
{
	struct dlv_work *w = arg;
	json_t *d = NULL;
	int rc;

	work_reset(w);
	if ((rc = lock_po_or_refuse(db, w, false)) != 0)
		return rc;
	if (db_deliveries_create(db, w->po_id, w->status, w->reference, w->note, w->user_id,
	    &d) != 0)
		return -1;
	w->id = json_integer_value(json_object_get(d, "id"));
	json_decref(d);
	if (w->rows != NULL && (rc = add_units(db, w)) != 0)
		return rc;
	return db_deliveries_get(db, w->id, 0, &w->delivery);
}

/* POST /api/v1/deliveries -- a vendor's is announced, staff's received. */
void
api_deliveries_create(struct req *r)
{
	struct dlv_work w = { 0 };
	json_t *body;

	if ((body = validate_body_or_reply(r)) == NULL)
		return;
	if (create_valid_or_reply(r, body) != 0)
		goto out;
	w.po_id = json_integer_value(json_object_get(body, "purchase_order_id"));
	w.reference = json_string_value(json_object_get(body, "reference"));
	w.note = json_string_value(json_object_get(body, "note"));
	w.vendor = dlv_vendor_of(r);
	w.user_id = r->session.user_id;
	w.status = w.vendor ? "announced" : "received";
	w.rows = create_rows(json_object_get(body, "lines"));
	w.write = true;
	if (api_transaction(r, create_tx, &w) < 0)
		goto out;
	if (w.refused) {
		dlv_refusal_reply(r, &w);
		goto out;
	}
	reply_location(r, "/api/v1/deliveries/%lld", (long long)w.id);
	reply_json(r, 201, w.delivery);
out:
	dlv_work_free(&w);
	json_decref(body);
}

int
dlv_upload_tx(struct db *db, void *arg)
{
	struct dlv_work *w = arg;
	static const char *const vendor_may[] = { "announced", NULL };
	static const char *const staff_may[] = { "announced", "received", NULL };
	int rc;

	work_reset(w);
	if (db_deliveries_po_of(db, w->id, w->vendor, &w->po_id) != 0)
		return -1;
	if (w->po_id == 0)
		return refuse(w, PROBLEM_DELIVERY_NOT_FOUND, json_pack("{s:I}", "id",
		    (json_int_t)w->id), "delivery %lld not found", (long long)w->id);
	if ((rc = lock_po_or_refuse(db, w, false)) != 0 ||
	    (rc = lock_delivery_or_refuse(db, w, w->vendor ? vendor_may : staff_may, w->vendor ?
	    "a vendor adds units only to a delivery it has announced and that is not yet "
	    "received" : "units are added only before the delivery is inspected")) != 0)
		return rc;
	return add_units(db, w);
}

static int
receive_tx(struct db *db, void *arg)
{
	struct dlv_work *w = arg;
	static const char *const may[] = { "announced", NULL };
	int rc;

	work_reset(w);
	if ((rc = lock_delivery_or_refuse(db, w, may,
	    "only an announced delivery can be received")) != 0)
		return rc;
	if (db_deliveries_receive(db, w->id, w->user_id) != 0)
		return -1;
	return db_deliveries_get(db, w->id, 0, &w->delivery);
}

/* Runs fn for the delivery of the :id parameter and replies with the
 * delivery it leaves, or the refusal. */
static void
delivery_write(struct req *r, struct dlv_work *w, int (*fn)(struct db *, void *))
{
	w->user_id = r->session.user_id;
	if (api_transaction(r, fn, w) < 0)
		return;
	if (w->refused)
		dlv_refusal_reply(r, w);
	else
		reply_json(r, 200, w->delivery);
}

/* POST /api/v1/deliveries/:id/receive */
void
api_deliveries_receive(struct req *r)
{
	struct dlv_work w = { 0 };

	if (validate_param_id_or_reply(r, "id", &w.id) != 0 || validate_no_fields_or_reply(r) != 0)
		return;
	delivery_write(r, &w, receive_tx);
	dlv_work_free(&w);
}

static int
inspection_tx(struct db *db, void *arg)
{
	struct dlv_work *w = arg;
	static const char *const may[] = { "received", NULL };
	int rc;

	work_reset(w);
	if (db_deliveries_po_of(db, w->id, 0, &w->po_id) != 0)
		return -1;
	if (w->po_id == 0)
		return refuse(w, PROBLEM_DELIVERY_NOT_FOUND, json_pack("{s:I}", "id",
		    (json_int_t)w->id), "delivery %lld not found", (long long)w->id);
	if ((rc = lock_po_or_refuse(db, w, true)) != 0 ||
	    (rc = lock_delivery_or_refuse(db, w, may, "only a received delivery is inspected: "
	    "receive it first; an inspected one has no unit left to inspect")) != 0)
		return rc;
	if (db_deliveries_inspect(db, w->id, w->user_id, w->rows, &w->result) != 0)
		return -1;
	if (json_array_size(json_object_get(w->result, "errors")) > 0) {
		w->refused = 422;
		return 1;
	}
	if (db_deliveries_inspection_done(db, w->id, w->user_id, w->po_id) != 0)
		return -1;
	return db_deliveries_get(db, w->id, 0, &w->delivery);
}

/* {units: [{serial, result, note}]}, each unit's fields named units[i].x;
 * a failed unit needs its note (the reason for the return). Returns the
 * rows for db_deliveries_inspect, or NULL after a reply. */
static char *
inspection_rows_or_reply(struct req *r, json_t *body)
{
	json_t *units = json_object_get(body, "units"), *errors = json_array(), *u;
	char name[64];
	size_t i;
	char *text;

	validate_fields(body, inspection_fields, NFIELDS(inspection_fields), errors);
	if (json_array_size(errors) == 0) {
		json_array_foreach(units, i, u) {
			snprintf(name, sizeof(name), "units[%zu].note", i);
			if (strcmp(json_string_value(json_object_get(u, "result")), "failed") == 0 &&
			    !json_is_string(json_object_get(u, "note")))
				error_at(errors, name, "a failed unit needs a note: why it goes "
				    "back to the vendor");
			json_object_set_new(u, "n", json_integer((json_int_t)i));
		}
	}
	if (json_array_size(errors) > 0) {
		reply_invalid(r, errors, "the request body has invalid fields; see errors");
		return NULL;
	}
	json_decref(errors);
	if ((text = json_dumps(units, JSON_COMPACT)) == NULL)
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "cannot encode the units");
	return text;
}

/* POST /api/v1/deliveries/:id/inspection -- officers only (route). */
void
api_deliveries_inspection(struct req *r)
{
	struct dlv_work w = { 0 };
	json_t *body;

	if (validate_param_id_or_reply(r, "id", &w.id) != 0 ||
	    (body = validate_body_or_reply(r)) == NULL)
		return;
	if ((w.rows = inspection_rows_or_reply(r, body)) != NULL)
		delivery_write(r, &w, inspection_tx);
	dlv_work_free(&w);
	json_decref(body);
}
