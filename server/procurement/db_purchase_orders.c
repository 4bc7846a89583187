/* db_purchase_orders.c -- SQL of purchase orders and payments. Totals
 * are computed from the lines each time; amounts are integer minor
 * units, converted to won by krw_of() at the rate recorded at approval. */
#include "procurement/db_purchase_orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_stmts.h"

#define PO_TOTAL(o) \
	"(SELECT coalesce(sum(l.quantity::bigint * l.unit_price), 0)::bigint" \
	"   FROM purchase_order_lines l WHERE l.purchase_order_id = " o ".id)"

#define PO_JSON \
	"json_build_object('id', o.id, 'reference', o.reference, 'program_id', o.program_id," \
	" 'program', (SELECT json_build_object('id', pr.id, 'name', pr.name)" \
	"    FROM programs pr WHERE pr.id = o.program_id)," \
	" 'vendor_id', o.vendor_id, 'vendor', (SELECT json_build_object('id', v.id, 'name', v.name)" \
	"    FROM organizations v WHERE v.id = o.vendor_id)," \
	" 'currency', o.currency, 'exchange_rate', trim_scale(o.exchange_rate)::text, 'status', o.status," \
	" 'notes', o.notes, 'created_by', o.created_by, 'submitted_at', o.submitted_at," \
	" 'approved_by', o.approved_by, 'approved_at', o.approved_at, 'ordered_at', o.ordered_at," \
	" 'override_reason', o.override_reason, 'cancel_reason', o.cancel_reason," \
	" 'version', o.version, 'total_amount', " PO_TOTAL("o") "," \
	" 'total_krw', CASE WHEN o.currency = 'KRW' OR o.exchange_rate IS NOT NULL" \
	"    THEN krw_of(" PO_TOTAL("o") ", o.currency, o.exchange_rate) END," \
	" 'paid_krw', (SELECT coalesce(sum(y.amount_krw), 0) FROM payments y" \
	"    WHERE y.purchase_order_id = o.id)," \
	" 'lines', (SELECT coalesce(json_agg(json_build_object('id', l.id," \
	"    'gpu_model_id', l.gpu_model_id, 'model', g.model, 'quantity', l.quantity," \
	"    'unit_price', l.unit_price, 'amount', l.quantity::bigint * l.unit_price," \
	"    'warranty_months', l.warranty_months," \
	"    'delivered', (SELECT count(*) FROM delivery_units u" \
	"       WHERE u.purchase_order_line_id = l.id AND u.result <> 'failed')," \
	"    'accepted', (SELECT count(*) FROM delivery_units u" \
	"       WHERE u.purchase_order_line_id = l.id AND u.result = 'passed'))" \
	"    ORDER BY l.id), '[]')" \
	"    FROM purchase_order_lines l JOIN gpu_models g ON g.id = l.gpu_model_id" \
	"   WHERE l.purchase_order_id = o.id)," \
	" 'created_at', o.created_at, 'updated_at', o.updated_at)::text"

/* A vendor sees the orders sent to it, never drafts or internal steps. */
#define VENDOR_VIEW(param) \
	" AND (" param "::bigint IS NULL OR (o.vendor_id = " param "::bigint" \
	"      AND o.ordered_at IS NOT NULL))"

#define LINES_OF(param) \
	" jsonb_to_recordset(" param "::jsonb) AS x(gpu_model_id bigint, quantity int," \
	"   unit_price bigint, warranty_months int)"

const struct db_stmt db_purchase_orders_stmts[] = {
	{ "po_list",
	  "SELECT " PO_JSON " FROM purchase_orders o WHERE o.id > $1"
	  "   AND ($3::bigint IS NULL OR o.program_id = $3::bigint)"
	  "   AND ($4::bigint IS NULL OR o.vendor_id = $4::bigint)"
	  "   AND ($5::po_status IS NULL OR o.status = $5::po_status)" VENDOR_VIEW("$6")
	  " ORDER BY o.id LIMIT $2", 6 },
	{ "po_get", "SELECT " PO_JSON " FROM purchase_orders o WHERE o.id = $1"
	  VENDOR_VIEW("$2"), 2 },
	{ "po_lock",
	  "SELECT id, program_id, created_by, version, status, currency"
	  "  FROM purchase_orders WHERE id = $1 FOR UPDATE", 1 },
	{ "po_create",
	  "WITH o AS (INSERT INTO purchase_orders (reference, program_id, vendor_id, currency,"
	  "             notes, created_by)"
	  "           SELECT 'PO-' || to_char(now() AT TIME ZONE 'Asia/Seoul', 'YYYY') || '-'"
	  "                   || lpad(n.v::text, greatest(6, length(n.v::text)), '0'),"
	  "                   $1, $2, coalesce($3::currency, 'KRW'), $4, $5"
	  "             FROM (SELECT nextval('purchase_order_number') AS v) n RETURNING id),"
	  "     l AS (INSERT INTO purchase_order_lines (purchase_order_id, gpu_model_id, quantity,"
	  "             unit_price, warranty_months)"
	  "           SELECT o.id, x.gpu_model_id, x.quantity, x.unit_price,"
	  "                  coalesce(x.warranty_months, 36) FROM o," LINES_OF("$6") ")"
	  " SELECT id FROM o", 6 },
	{ "po_update",
	  "UPDATE purchase_orders SET vendor_id = coalesce($2::bigint, vendor_id),"
	  "       currency = coalesce($3::currency, currency),"
	  "       notes = CASE WHEN $4::boolean THEN $5 ELSE notes END, version = version + 1"
	  " WHERE id = $1", 5 },
	{ "po_lines_delete", "DELETE FROM purchase_order_lines WHERE purchase_order_id = $1", 1 },
	{ "po_lines_insert",
	  "INSERT INTO purchase_order_lines (purchase_order_id, gpu_model_id, quantity,"
	  "       unit_price, warranty_months)"
	  " SELECT $1, x.gpu_model_id, x.quantity, x.unit_price, coalesce(x.warranty_months, 36)"
	  "   FROM" LINES_OF("$2"), 2 },
	/* The programme's row lock serialises approvals; the sums run in a
	 * statement of their own, so that they see what a waiting approval's
	 * predecessor committed. */
	{ "po_program_lock",
	  "SELECT 1 FROM programs g JOIN purchase_orders o ON o.program_id = g.id"
	  " WHERE o.id = $1 FOR UPDATE OF g", 1 },
	{ "po_budget",
	  "SELECT (SELECT krw_of(" PO_TOTAL("o") ", o.currency, $2::numeric)"
	  "          FROM purchase_orders o WHERE o.id = $1) AS order_krw,"
	  "       (SELECT coalesce(sum(krw_of(" PO_TOTAL("o") ", o.currency, o.exchange_rate)), 0)"
	  "          FROM purchase_orders o WHERE o.program_id = g.id AND o.id <> $1"
	  "           AND o.status NOT IN ('draft', 'submitted', 'cancelled')) AS committed_krw,"
	  "       g.budget_krw"
	  "  FROM programs g JOIN purchase_orders x ON x.program_id = g.id WHERE x.id = $1", 2 },
	{ "po_submit",
	  "UPDATE purchase_orders SET status = 'submitted', submitted_at = now(),"
	  "       version = version + 1 WHERE id = $1", 1 },
	{ "po_approve",
	  "UPDATE purchase_orders SET status = 'approved', approved_by = $2, approved_at = now(),"
	  "       exchange_rate = CASE WHEN currency = 'USD' THEN $3::numeric END,"
	  "       override_reason = $4, version = version + 1 WHERE id = $1", 4 },
	{ "po_order",
	  "UPDATE purchase_orders SET status = 'ordered', ordered_at = now(),"
	  "       version = version + 1 WHERE id = $1", 1 },
	{ "po_cancel",
	  "UPDATE purchase_orders SET status = 'cancelled', cancel_reason = $2,"
	  "       version = version + 1 WHERE id = $1", 2 },
	{ "po_close",
	  "UPDATE purchase_orders SET status = 'closed', version = version + 1 WHERE id = $1", 1 },
	{ "po_exists", "SELECT id FROM purchase_orders WHERE id = $1", 1 },
	{ "po_units",
	  "SELECT count(*) FROM delivery_units u JOIN purchase_order_lines l"
	  "    ON l.id = u.purchase_order_line_id"
	  " WHERE l.purchase_order_id = $1 AND u.result <> 'failed'", 1 },
	{ "pay_list",
	  "SELECT json_build_object('id', y.id, 'purchase_order_id', y.purchase_order_id,"
	  "       'invoice_number', y.invoice_number, 'amount', y.amount, 'currency', y.currency,"
	  "       'amount_krw', y.amount_krw, 'paid_on', y.paid_on, 'recorded_by', y.recorded_by,"
	  "       'created_at', y.created_at)::text"
	  "  FROM payments y WHERE y.purchase_order_id = $1 ORDER BY y.id", 1 },
	{ "pay_room",
	  "SELECT (SELECT coalesce(sum(krw_of(l.unit_price * (SELECT count(*) FROM delivery_units u"
	  "              WHERE u.purchase_order_line_id = l.id AND u.result = 'passed'),"
	  "              o.currency, o.exchange_rate)), 0)"
	  "          FROM purchase_order_lines l WHERE l.purchase_order_id = o.id) AS accepted_krw,"
	  "       (SELECT coalesce(sum(amount_krw), 0) FROM payments WHERE purchase_order_id = o.id)"
	  "         AS paid_krw"
	  "  FROM purchase_orders o WHERE o.id = $1", 1 },
	{ "pay_create",
	  "WITH y AS (INSERT INTO payments (purchase_order_id, invoice_number, amount, currency,"
	  "             amount_krw, paid_on, recorded_by)"
	  "           SELECT o.id, $2, $3, o.currency, krw_of($3, o.currency, o.exchange_rate),"
	  "                  $4, $5 FROM purchase_orders o WHERE o.id = $1 RETURNING *)"
	  " SELECT json_build_object('id', y.id, 'purchase_order_id', y.purchase_order_id,"
	  "       'invoice_number', y.invoice_number, 'amount', y.amount, 'currency', y.currency,"
	  "       'amount_krw', y.amount_krw, 'paid_on', y.paid_on, 'recorded_by', y.recorded_by,"
	  "       'created_at', y.created_at)::text FROM y", 5 },
	{ NULL, NULL, 0 }
};

int
db_po_list(struct db *db, const struct po_filter *f, json_t **rows)
{
	return db_json_rows(db, "po_list", DB_PARAMS(DB_INT(f->after), DB_INT(f->limit),
	    DB_STR(f->program_id), DB_STR(f->vendor_id), DB_STR(f->status),
	    DB_OPT_INT(f->vendor_view != 0, f->vendor_view)), rows);
}

int
db_po_get(struct db *db, int64_t id, int64_t vendor_view, json_t **po)
{
	return db_json_one(db, "po_get", DB_PARAMS(DB_INT(id),
	    DB_OPT_INT(vendor_view != 0, vendor_view)), po);
}

int
db_po_lock(struct db *db, int64_t id, struct po_row *row)
{
	PGresult *res = db_exec(db, "po_lock", DB_PARAMS(DB_INT(id)));
	int rc = 0;

	memset(row, 0, sizeof(*row));
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1)
		rc = db_row(db, res, 0, DB_COLS(DB_COL_INT("id", &row->id),
		    DB_COL_INT("program_id", &row->program_id),
		    DB_COL_INT("created_by", &row->created_by), DB_COL_INT("version", &row->version),
		    DB_COL_TEXT("status", row->status), DB_COL_TEXT("currency", row->currency)));
	PQclear(res);
	return rc;
}

int
db_po_create(struct db *db, const json_t *f, int64_t user_id, int64_t *id)
{
	char *lines = json_dumps(json_object_get(f, "lines"), 0);
	int rc = db_one_int(db, "po_create", DB_PARAMS(DB_JSON_INT(f, "program_id"),
	    DB_JSON_INT(f, "vendor_id"), DB_JSON_STR(f, "currency"), DB_JSON_STR(f, "notes"),
	    DB_INT(user_id), DB_STR(lines)), id);

	free(lines);
	return rc;
}

int
db_po_update(struct db *db, int64_t id, const json_t *f)
{
	char *lines = NULL;
	const json_t *l = json_object_get(f, "lines");
	int rc = db_run(db, "po_update", DB_PARAMS(DB_INT(id), DB_JSON_INT(f, "vendor_id"),
	    DB_JSON_STR(f, "currency"), DB_JSON_HAS(f, "notes"), DB_JSON_STR(f, "notes")));

	if (rc == 0 && l != NULL) {
		lines = json_dumps(l, 0);
		rc = db_run(db, "po_lines_delete", DB_PARAMS(DB_INT(id)));
		if (rc == 0)
			rc = db_run(db, "po_lines_insert", DB_PARAMS(DB_INT(id), DB_STR(lines)));
	}
	free(lines);
	return rc;
}

int
db_po_budget(struct db *db, int64_t id, const char *rate, int64_t *order_krw,
    int64_t *committed_krw, int64_t *budget_krw)
{
	PGresult *res;
	int rc;

	if (db_run(db, "po_program_lock", DB_PARAMS(DB_INT(id))) != 0 ||
	    (res = db_exec(db, "po_budget", DB_PARAMS(DB_INT(id), DB_STR(rate)))) == NULL)
		return -1;
	rc = db_row(db, res, 0, DB_COLS(DB_COL_INT("order_krw", order_krw),
	    DB_COL_INT("committed_krw", committed_krw), DB_COL_INT("budget_krw", budget_krw)));
	PQclear(res);
	return rc;
}

int
db_po_move(struct db *db, int64_t id, const char *action, int64_t user_id,
    const char *rate, const char *reason)
{
	if (strcmp(action, "submit") == 0)
		return db_run(db, "po_submit", DB_PARAMS(DB_INT(id)));
	if (strcmp(action, "approve") == 0)
		return db_run(db, "po_approve", DB_PARAMS(DB_INT(id), DB_INT(user_id),
		    DB_STR(rate), DB_STR(reason)));
	if (strcmp(action, "order") == 0)
		return db_run(db, "po_order", DB_PARAMS(DB_INT(id)));
	if (strcmp(action, "cancel") == 0)
		return db_run(db, "po_cancel", DB_PARAMS(DB_INT(id), DB_STR(reason)));
	if (strcmp(action, "close") == 0)
		return db_run(db, "po_close", DB_PARAMS(DB_INT(id)));
	snprintf(db->sqlstate, sizeof(db->sqlstate), "XX000");
	snprintf(db->message, sizeof(db->message), "no purchase order action %s", action);
	return -1;
}

int
db_po_exists(struct db *db, int64_t id, int64_t *found)
{
	return db_one_int_by_id(db, "po_exists", id, found);
}

int
db_po_units(struct db *db, int64_t id, int64_t *units)
{
	return db_one_int_by_id(db, "po_units", id, units);
}

int
db_payments_list(struct db *db, int64_t po_id, json_t **rows)
{
	return db_json_rows_by_id(db, "pay_list", po_id, rows);
}

int
db_payments_room(struct db *db, int64_t po_id, int64_t *accepted_krw, int64_t *paid_krw)
{
	PGresult *res = db_exec(db, "pay_room", DB_PARAMS(DB_INT(po_id)));
	int rc = 0;

	if (res == NULL)
		return -1;
	*accepted_krw = *paid_krw = 0;
	if (PQntuples(res) == 1)
		rc = db_row(db, res, 0, DB_COLS(DB_COL_INT("accepted_krw", accepted_krw),
		    DB_COL_INT("paid_krw", paid_krw)));
	PQclear(res);
	return rc;
}

int
db_payments_create(struct db *db, int64_t po_id, const json_t *f, int64_t user_id,
    json_t **payment)
{
	return db_json_one(db, "pay_create", DB_PARAMS(DB_INT(po_id),
	    DB_JSON_STR(f, "invoice_number"), DB_JSON_INT(f, "amount"), DB_JSON_STR(f, "paid_on"),
	    DB_INT(user_id)), payment);
}
