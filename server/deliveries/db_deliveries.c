/* db_deliveries.c -- SQL of deliveries, delivery units and inspection.
 *
 * Units arrive by the thousand (a CSV upload): they go to PostgreSQL as one
 * JSON parameter, and one statement checks every row and inserts them all
 * or none, so the cost is a handful of round trips whatever the size. */
#include "deliveries/db_deliveries.h"

#include <stdio.h>
#include <string.h>

#include "db/db_stmts.h"

#define DELIVERY_JSON \
	"json_build_object('id', d.id, 'purchase_order_id', d.purchase_order_id," \
	" 'purchase_order_reference', p.reference, 'vendor_id', p.vendor_id," \
	" 'status', d.status, 'reference', d.reference, 'note', d.note," \
	" 'created_by', d.created_by, 'received_at', d.received_at," \
	" 'received_by', d.received_by, 'inspected_at', d.inspected_at," \
	" 'inspected_by', d.inspected_by, 'created_at', d.created_at," \
	" 'updated_at', d.updated_at)"

#define DELIVERY_FROM \
	" FROM deliveries d JOIN purchase_orders p ON p.id = d.purchase_order_id"

/* Unit counts of a delivery, in total or on one line (the alias l). */
#define UNIT_COUNTS(cond) \
	"(SELECT jsonb_build_object('total', count(*)," \
	"   'pending', count(*) FILTER (WHERE u.result = 'pending')," \
	"   'passed', count(*) FILTER (WHERE u.result = 'passed')," \
	"   'failed', count(*) FILTER (WHERE u.result = 'failed'))" \
	"  FROM delivery_units u WHERE u.delivery_id = d.id" cond ")"

/* Every line of the PO: what it orders, what is left to deliver on it
 * (units not failed, in any delivery, count), and this delivery's units. */
#define DELIVERY_LINES \
	"(SELECT coalesce(jsonb_agg(jsonb_build_object('purchase_order_line_id', l.id," \
	"   'gpu_model_id', l.gpu_model_id, 'model', g.model, 'quantity', l.quantity," \
	"   'remaining', l.quantity - (SELECT count(*) FROM delivery_units x" \
	"      WHERE x.purchase_order_line_id = l.id AND x.result <> 'failed')," \
	"   'units', " UNIT_COUNTS(" AND u.purchase_order_line_id = l.id") ") ORDER BY l.id), '[]')" \
	"  FROM purchase_order_lines l JOIN gpu_models g ON g.id = l.gpu_model_id" \
	" WHERE l.purchase_order_id = d.purchase_order_id)"

/* Lines are locked in id order by every writer, so that two of them
 * never wait for each other's lines. */
#define LOCK_PO(mode) \
	"WITH p AS (SELECT p.id, p.status, p.reference FROM purchase_orders p" \
	"            WHERE p.id = $1 AND ($2::bigint IS NULL OR p.vendor_id = $2::bigint)" \
	"              " mode ")," \
	"     l AS (SELECT l.id FROM purchase_order_lines l" \
	"            WHERE l.purchase_order_id IN (SELECT id FROM p) ORDER BY l.id FOR UPDATE)" \
	" SELECT json_build_object('status', p.status, 'reference', p.reference," \
	"        'lines', (SELECT count(*) FROM l))::text FROM p"

/* The rows of an upload, each resolved: the PO line its model names
 * (matches: how many), the unit of this delivery with its serial (a
 * re-upload), a unit of another delivery not failed, an asset. */
#define UNITS_RESOLVED \
	"WITH r AS (" \
	"  SELECT x.n, x.field, x.line, nullif(btrim(x.serial), '') AS serial, x.model_id," \
	"         nullif(btrim(x.model), '') AS model, x.problem" \
	"    FROM jsonb_to_recordset($3::jsonb) AS x(n int, field text, line int, serial text," \
	"         model_id bigint, model text, problem text))," \
	" lines AS MATERIALIZED (" \
	"  SELECT l.id, l.gpu_model_id, g.model, l.quantity - (SELECT count(*) FROM delivery_units u" \
	"         WHERE u.purchase_order_line_id = l.id AND u.result <> 'failed') AS remaining" \
	"    FROM purchase_order_lines l JOIN gpu_models g ON g.id = l.gpu_model_id" \
	"   WHERE l.purchase_order_id = $1)," \
	" po AS (SELECT p.reference, (SELECT string_agg(model, ', ' ORDER BY id) FROM lines) AS models" \
	"          FROM purchase_orders p WHERE p.id = $1)," \
	" a AS (" \
	"  SELECT r.*, pl.line_id, pl.matches, pl.line_model, pl.remaining," \
	"    (SELECT u.purchase_order_line_id FROM delivery_units u" \
	"      WHERE u.delivery_id = $2::bigint AND upper(u.serial) = upper(r.serial)) AS same_line," \
	"    (SELECT u.delivery_id FROM delivery_units u WHERE upper(u.serial) = upper(r.serial)" \
	"        AND u.result <> 'failed' AND u.delivery_id <> $2::bigint LIMIT 1) AS other_delivery," \
	"    (SELECT s.id FROM assets s WHERE upper(s.serial) = upper(r.serial)) AS asset_id," \
	"    (SELECT p2.vendor_id = (SELECT vendor_id FROM purchase_orders WHERE id = $1)" \
	"       FROM delivery_units u JOIN deliveries d2 ON d2.id = u.delivery_id" \
	"       JOIN purchase_orders p2 ON p2.id = d2.purchase_order_id" \
	"      WHERE upper(u.serial) = upper(r.serial) AND u.result <> 'failed'" \
	"        AND u.delivery_id <> $2::bigint LIMIT 1) AS other_ours," \
	"    (SELECT s.vendor_id = (SELECT vendor_id FROM purchase_orders WHERE id = $1)" \
	"       FROM assets s WHERE upper(s.serial) = upper(r.serial)) AS asset_ours," \
	"    row_number() OVER (PARTITION BY upper(r.serial) ORDER BY r.n) AS dup_rank," \
	"    first_value(coalesce(r.field, 'line ' || r.line))" \
	"      OVER (PARTITION BY upper(r.serial) ORDER BY r.n) AS first_at" \
	"    FROM r LEFT JOIN LATERAL (" \
	"      SELECT min(ln.id) AS line_id, count(*) AS matches, min(ln.model) AS line_model," \
	"             min(ln.remaining) AS remaining FROM lines ln" \
	"       WHERE ln.gpu_model_id = r.model_id OR upper(ln.model) = upper(r.model)) pl ON true),"

/* What is wrong with each row's serial and model. */
#define UNITS_JUDGED \
	" b AS (" \
	"  SELECT a.*," \
	"    CASE WHEN a.problem IS NOT NULL THEN NULL" \
	"         WHEN a.serial IS NULL THEN 'is empty'" \
	/* The CHECK of delivery_units.serial, as a pattern without {0,63} and a \
	 * length: a counted repetition was a third of the judgement. */ \
	"         WHEN a.serial !~ '^[A-Za-z0-9][A-Za-z0-9._/-]*$' OR char_length(a.serial) > 64" \
	"           THEN 'is not a serial number:" \
	" 1 to 64 letters, digits, dots, underscores, slashes or hyphens, starting with a letter or digit'" \
	"         WHEN a.dup_rank > 1 THEN 'repeats the serial number of ' || a.first_at" \
	"         WHEN a.same_line IS NOT NULL THEN NULL" \
	/* Another supplier's records are never named: that a serial is taken \
	 * is all its vendor may learn of them. */ \
	"         WHEN a.other_delivery IS NOT NULL AND NOT a.other_ours" \
	"           THEN 'is already registered by another supplier; check the serial number'" \
	"         WHEN a.other_delivery IS NOT NULL" \
	"           THEN 'is already registered in delivery ' || a.other_delivery" \
	"         WHEN a.asset_id IS NOT NULL AND NOT a.asset_ours" \
	"           THEN 'is already registered by another supplier; check the serial number'" \
	"         WHEN a.asset_id IS NOT NULL THEN 'is already registered as asset ' || a.asset_id" \
	"    END AS serial_error," \
	"    CASE WHEN a.problem IS NOT NULL THEN NULL" \
	"         WHEN a.model IS NULL AND a.model_id IS NULL THEN 'is empty'" \
	"         WHEN a.matches = 0 THEN coalesce(a.model, 'GPU model ' || a.model_id || coalesce(" \
	"           ' (' || (SELECT g.model FROM gpu_models g WHERE g.id = a.model_id) || ')'," \
	"           ' (not in the catalogue)'))" \
	"           || ' is not on purchase order ' || po.reference || ' (its models: '" \
	"           || coalesce(po.models, 'none') || ')'" \
	"         WHEN a.matches > 1 THEN a.model || ' names ' || a.matches || ' lines of purchase order '" \
	"           || po.reference || '; register these units through the API by model id'" \
	"         WHEN a.same_line IS NOT NULL AND a.same_line <> a.line_id" \
	"           THEN 'this serial number is already in this delivery as another model'" \
	"    END AS model_error" \
	"    FROM a, po)," \
	" c AS (" \
	"  SELECT b.*, CASE WHEN b.ok AND b.same_line IS NULL THEN row_number() OVER" \
	"           (PARTITION BY b.ok AND b.same_line IS NULL, b.line_id ORDER BY b.n) END AS take" \
	"    FROM (SELECT b.*, b.problem IS NULL AND b.serial_error IS NULL" \
	"                 AND b.model_error IS NULL AS ok FROM b) b)," \
	" e AS (" \
	"  SELECT n, 0 AS k, NULL::text AS col, NULL::text AS val, problem AS msg FROM c" \
	"   WHERE problem IS NOT NULL" \
	"  UNION ALL SELECT n, 1, 'serial', serial, serial_error FROM c WHERE serial_error IS NOT NULL" \
	"  UNION ALL SELECT n, 2, 'serial', serial, 'is one unit too many: the ' || line_model" \
	"    || ' line has ' || greatest(remaining, 0) || ' unit(s) left to deliver'" \
	"    FROM c WHERE take > remaining" \
	"  UNION ALL SELECT n, 3, 'model', coalesce(model, model_id::text), model_error FROM c" \
	"   WHERE model_error IS NOT NULL),"

const struct db_stmt db_deliveries_stmts[] = {
	{ "dlv_list",
	  "SELECT " DELIVERY_JSON "::text" DELIVERY_FROM
	  " WHERE d.id > $1 AND ($3::bigint IS NULL OR p.vendor_id = $3::bigint)"
	  "   AND ($4::bigint IS NULL OR d.purchase_order_id = $4::bigint)"
	  "   AND ($5::delivery_status IS NULL OR d.status = $5::delivery_status)"
	  " ORDER BY d.id LIMIT $2", 5 },
	{ "dlv_get",
	  "SELECT (" DELIVERY_JSON "::jsonb || jsonb_build_object("
	  "   'units', " UNIT_COUNTS("") ", 'lines', " DELIVERY_LINES "))::text" DELIVERY_FROM
	  " WHERE d.id = $1 AND ($2::bigint IS NULL OR p.vendor_id = $2::bigint)", 2 },
	{ "dlv_po_of",
	  "SELECT d.purchase_order_id::text" DELIVERY_FROM
	  " WHERE d.id = $1 AND ($2::bigint IS NULL OR p.vendor_id = $2::bigint)", 2 },
	{ "dlv_lock_po_share", LOCK_PO("FOR SHARE"), 2 },
	{ "dlv_lock_po_update", LOCK_PO("FOR NO KEY UPDATE"), 2 },
	{ "dlv_lock",
	  "SELECT json_build_object('status', status, 'purchase_order_id', purchase_order_id)::text"
	  "  FROM deliveries WHERE id = $1 FOR UPDATE", 1 },
	{ "dlv_create",
	  "INSERT INTO deliveries (purchase_order_id, status, reference, note, created_by,"
	  "                        received_at, received_by)"
	  " VALUES ($1, $2::delivery_status, $3, $4, $5::bigint,"
	  "         CASE WHEN $2::delivery_status = 'received' THEN now() END,"
	  "         CASE WHEN $2::delivery_status = 'received' THEN $5::bigint END)"
	  " RETURNING json_build_object('id', id)::text", 5 },
	/* $1 PO, $2 delivery, $3 rows, $4 write. Nothing is inserted unless
	 * every row is good: all or none, in one statement. */
	{ "dlv_add_units",
	  UNITS_RESOLVED UNITS_JUDGED
	  " ins AS (INSERT INTO delivery_units (delivery_id, purchase_order_line_id, serial)"
	  "   SELECT $2, c.line_id, c.serial FROM c"
	  "    WHERE c.take <= c.remaining AND $4::boolean AND NOT EXISTS (SELECT 1 FROM e)"
	  "    ORDER BY c.n RETURNING 1)"
	  " SELECT json_build_object("
	  "   'errors', coalesce((SELECT json_agg(CASE WHEN c.line IS NULL"
	  "       THEN json_build_object('field', c.field, 'message', e.msg)"
	  "       ELSE json_build_object('line', c.line, 'column', e.col, 'value', e.val,"
	  "                              'message', e.msg) END ORDER BY e.n, e.k)"
	  "     FROM e JOIN c ON c.n = e.n), '[]'),"
	  "   'received', (SELECT count(*) FROM c WHERE c.take <= c.remaining),"
	  "   'already_registered', (SELECT count(*) FROM c WHERE c.ok AND c.same_line IS NOT NULL),"
	  "   'total_rows', (SELECT count(*) FROM c),"
	  "   'inserted', (SELECT count(*) FROM ins))::text", 4 },
	{ "dlv_receive",
	  "UPDATE deliveries SET status = 'received', received_at = now(), received_by = $2"
	  " WHERE id = $1 AND status = 'announced'", 2 },
	/* $1 delivery, $2 inspector, $3 rows. Passed units become assets with
	 * copies of where they came from; the warranty runs from today in
	 * Seoul, the day the ministry accepted them. */
	{ "dlv_inspect",
	  "WITH r AS (SELECT x.n, btrim(x.serial) AS serial, x.result, x.note"
	  "             FROM jsonb_to_recordset($3::jsonb)"
	  "                  AS x(n int, serial text, result text, note text)),"
	  " a AS (SELECT r.*, u.id AS unit_id, u.result AS current,"
	  "              row_number() OVER (PARTITION BY upper(r.serial) ORDER BY r.n) AS dup_rank"
	  "         FROM r LEFT JOIN delivery_units u"
	  "           ON u.delivery_id = $1 AND upper(u.serial) = upper(r.serial)),"
	  " e AS (SELECT n, CASE WHEN dup_rank > 1 THEN 'is listed twice'"
	  "                      WHEN unit_id IS NULL THEN 'is not a unit of delivery ' || $1::bigint"
	  "                      WHEN current <> 'pending' THEN 'was already inspected: ' || current"
	  "                 END AS msg FROM a),"
	  " bad AS (SELECT * FROM e WHERE msg IS NOT NULL),"
	  " upd AS (UPDATE delivery_units u SET result = a.result::unit_result, note = a.note,"
	  "                inspected_by = $2, inspected_at = now()"
	  "           FROM a WHERE u.id = a.unit_id AND NOT EXISTS (SELECT 1 FROM bad)"
	  "         RETURNING u.id, u.serial, u.result, u.purchase_order_line_id, u.delivery_id),"
	  " ins AS (INSERT INTO assets (serial, gpu_model_id, program_id, vendor_id,"
	  "                  purchase_order_id, purchase_order_line_id, delivery_id,"
	  "                  delivery_unit_id, warranty_ends_on)"
	  "         SELECT upd.serial, l.gpu_model_id, p.program_id, p.vendor_id, p.id, l.id,"
	  "                upd.delivery_id, upd.id, ((now() AT TIME ZONE 'Asia/Seoul')::date"
	  "                + make_interval(months => l.warranty_months))::date"
	  "           FROM upd JOIN purchase_order_lines l ON l.id = upd.purchase_order_line_id"
	  "                JOIN purchase_orders p ON p.id = l.purchase_order_id"
	  "          WHERE upd.result = 'passed' ORDER BY upd.id RETURNING 1)"
	  " SELECT json_build_object("
	  "   'errors', coalesce((SELECT json_agg(json_build_object("
	  "       'field', 'units[' || n || '].serial', 'message', msg) ORDER BY n) FROM bad), '[]'),"
	  "   'passed', (SELECT count(*) FROM ins),"
	  "   'failed', (SELECT count(*) FROM upd WHERE result = 'failed'))::text", 3 },
	{ "dlv_inspection_done",
	  "WITH done AS (UPDATE deliveries d SET status = 'inspected', inspected_at = now(),"
	  "                     inspected_by = $2"
	  "               WHERE d.id = $1 AND d.status = 'received' AND NOT EXISTS"
	  "                     (SELECT 1 FROM delivery_units u"
	  "                       WHERE u.delivery_id = $1 AND u.result = 'pending')"
	  "              RETURNING d.id)"
	  " SELECT count(*) FROM done", 2 },
	{ "dlv_po_refresh", "SELECT purchase_order_refresh($1)", 1 },
	{ "dlv_units_list",
	  "SELECT json_build_object('id', u.id, 'serial', u.serial,"
	  "       'purchase_order_line_id', u.purchase_order_line_id,"
	  "       'gpu_model_id', l.gpu_model_id, 'model', g.model, 'result', u.result,"
	  "       'note', u.note, 'inspected_at', u.inspected_at, 'inspected_by', u.inspected_by,"
	  "       'asset_id', s.id)::text"
	  "  FROM delivery_units u JOIN purchase_order_lines l ON l.id = u.purchase_order_line_id"
	  "       JOIN gpu_models g ON g.id = l.gpu_model_id"
	  "       LEFT JOIN assets s ON s.delivery_unit_id = u.id"
	  " WHERE u.delivery_id = $1 AND u.id > $2"
	  "   AND ($4::unit_result IS NULL OR u.result = $4::unit_result)"
	  " ORDER BY u.id LIMIT $3", 4 },
	{ NULL, NULL, 0 }
};

/* A vendor's organisation as a parameter; NULL (any) for staff. */
static struct db_param
vendor_param(int64_t vendor)
{
	return DB_OPT_INT(vendor != 0, vendor);
}

int
db_deliveries_list(struct db *db, const struct delivery_filter *f, json_t **rows)
{
	return db_json_rows(db, "dlv_list", DB_PARAMS(DB_INT(f->after), DB_INT(f->limit),
	    vendor_param(f->vendor), DB_STR(f->purchase_order_id), DB_STR(f->status)), rows);
}

int
db_deliveries_units_list(struct db *db, const struct unit_filter *f, json_t **rows)
{
	return db_json_rows(db, "dlv_units_list", DB_PARAMS(DB_INT(f->delivery_id),
	    DB_INT(f->after), DB_INT(f->limit), DB_STR(f->result)), rows);
}

int
db_deliveries_get(struct db *db, int64_t id, int64_t vendor, json_t **delivery)
{
	return db_json_one(db, "dlv_get", DB_PARAMS(DB_INT(id), vendor_param(vendor)), delivery);
}

int
db_deliveries_po_of(struct db *db, int64_t id, int64_t vendor, int64_t *po)
{
	json_t *found = NULL;

	*po = 0;
	if (db_json_one(db, "dlv_po_of", DB_PARAMS(DB_INT(id), vendor_param(vendor)), &found) != 0)
		return -1;
	*po = json_integer_value(found);
	json_decref(found);
	return 0;
}

int
db_deliveries_lock_po(struct db *db, int64_t po_id, int64_t vendor, bool for_update,
    json_t **po)
{
	return db_json_one(db, for_update ? "dlv_lock_po_update" : "dlv_lock_po_share",
	    DB_PARAMS(DB_INT(po_id), vendor_param(vendor)), po);
}

int
db_deliveries_lock(struct db *db, int64_t id, json_t **d)
{
	return db_json_one(db, "dlv_lock", DB_PARAMS(DB_INT(id)), d);
}

int
db_deliveries_create(struct db *db, int64_t po_id, const char *status,
    const char *reference, const char *note, int64_t user_id, json_t **d)
{
	return db_json_one(db, "dlv_create", DB_PARAMS(DB_INT(po_id), DB_STR(status),
	    DB_STR(reference), DB_STR(note), DB_INT(user_id)), d);
}

int
db_deliveries_add_units(struct db *db, int64_t po_id, int64_t delivery_id,
    const char *rows, bool write, json_t **result)
{
	if (db_json_one(db, "dlv_add_units", DB_PARAMS(DB_INT(po_id), DB_INT(delivery_id),
	    DB_STR(rows), DB_BOOL(write)), result) == 0)
		return 0;
	/* A delivery of another PO (whose lock we do not share) inserted one
	 * of these serials and committed while we judged them: the unique
	 * index waited for it and refused. That is a serialization failure:
	 * the transaction runs again and its judgement names the serial. */
	if (strcmp(db->constraint, "delivery_units_serial_key") == 0)
		snprintf(db->sqlstate, sizeof(db->sqlstate), "40001");
	return -1;
}

int
db_deliveries_receive(struct db *db, int64_t id, int64_t user_id)
{
	return db_run(db, "dlv_receive", DB_PARAMS(DB_INT(id), DB_INT(user_id)));
}

int
db_deliveries_inspect(struct db *db, int64_t id, int64_t user_id, const char *rows,
    json_t **result)
{
	return db_json_one(db, "dlv_inspect", DB_PARAMS(DB_INT(id), DB_INT(user_id), DB_STR(rows)),
	    result);
}

int
db_deliveries_inspection_done(struct db *db, int64_t id, int64_t user_id, int64_t po_id)
{
	if (db_run(db, "dlv_inspection_done", DB_PARAMS(DB_INT(id), DB_INT(user_id))) != 0)
		return -1;
	return db_run(db, "dlv_po_refresh", DB_PARAMS(DB_INT(po_id)));
}
