/* api_payments.c -- /api/v1/purchase-orders/:id/payments. What is paid can
 * never exceed what was accepted at the order's prices. */
#include "procurement/api_purchase_orders.h"
#include "procurement/procurement.h"

#include <string.h>

#include "core/clock.h"

static const char *const currencies[] = { "KRW", "USD", NULL };

static const struct field_spec payment_fields[] = {
	{ "invoice_number", FIELD_STRING, true, 1, 100, NULL },
	{ "amount", FIELD_INTEGER, true, 0, 1000000000000000, NULL },
	{ "currency", FIELD_STRING, false, 1, 0, currencies },
	{ "paid_on", FIELD_DATE, true, 0, 0, NULL },
};

const struct field_table api_payments_create_body = FIELD_TABLE(payment_fields);

/* GET /api/v1/purchase-orders/:id/payments */
void
api_payments_list(struct req *r)
{
	static const char *const known[] = { NULL };
	json_t *rows = NULL;
	int64_t id, found;

	if (validate_param_id_or_reply(r, "id", &id) != 0 ||
	    validate_query_known_or_reply(r, known) != 0)
		return;
	if (db_po_exists(r->db, id, &found) != 0 || db_payments_list(r->db, id, &rows) != 0)
		api_db_error(r);
	else if (found == 0)
		reply_not_found(r, PROBLEM_PO_NOT_FOUND, "purchase order", id);
	else
		reply_json_steal(r, 200, json_pack("{s:O, s:n}", "items", rows, "next"));
	json_decref(rows);
}

static int
payment_tx(struct db *db, void *arg)
{
	struct po_write *w = arg;
	const char *currency = json_string_value(json_object_get(w->fields, "currency"));
	int64_t accepted, paid;
	int rc;

	if ((rc = po_lock_or_reply(db, w, false)) != 0)
		return rc;
	if (strcmp(w->row.status, "draft") == 0 || strcmp(w->row.status, "submitted") == 0 ||
	    strcmp(w->row.status, "cancelled") == 0) {
		reply_problem_with(w->r, PROBLEM_PAYMENT_WRONG_STATUS, json_pack("{s:s}",
		    "current_status", w->row.status), "a %s order takes no payments",
		    w->row.status);
		return 1;
	}
	if (currency != NULL && strcmp(currency, w->row.currency) != 0) {
		reply_invalid(w->r, json_pack("[{s:s, s:s+}]", "field", "currency", "message",
		    "must be the order's currency, ", w->row.currency), "currency");
		return 1;
	}
	if (db_payments_create(db, w->id, w->fields, w->r->session.user_id, &w->result) != 0 ||
	    db_payments_room(db, w->id, &accepted, &paid) != 0)
		return -1;
	if (paid > accepted) {
		reply_problem_with(w->r, PROBLEM_PAYMENT_OVER_ACCEPTED, json_pack("{s:I, s:I}",
		    "paid_krw", (json_int_t)paid, "accepted_krw", (json_int_t)accepted),
		    "this payment would bring the paid total to %lld KRW, more than the %lld KRW "
		    "accepted at the order's prices", (long long)paid, (long long)accepted);
		return 1;
	}
	return 0;
}

/* POST /api/v1/purchase-orders/:id/payments */
void
api_payments_create(struct req *r)
{
	struct po_write w = { .r = r };
	char today[11];

	if (validate_param_id_or_reply(r, "id", &w.id) != 0 ||
	    (w.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.fields, payment_fields,
	    sizeof(payment_fields) / sizeof(payment_fields[0]), false) != 0)
		goto out;
	clock_seoul_today(today);
	if (strcmp(json_string_value(json_object_get(w.fields, "paid_on")), today) > 0) {
		reply_invalid(r, json_pack("[{s:s, s:s}]", "field", "paid_on", "message",
		    "is in the future"), "paid_on");
		goto out;
	}
	if (api_transaction(r, payment_tx, &w) == 0)
		reply_json(r, 201, w.result);
out:
	json_decref(w.result);
	json_decref(w.fields);
}
