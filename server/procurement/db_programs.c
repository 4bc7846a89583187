/* db_programs.c -- SQL of programmes. Progress is computed from the rows
 * each time (no counters that could drift). */
#include "procurement/db_programs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_stmts.h"

#define PROGRAM_JSON \
	"json_build_object('id', p.id, 'name', p.name, 'description', p.description," \
	" 'budget_krw', p.budget_krw, 'starts_on', p.starts_on, 'ends_on', p.ends_on," \
	" 'version', p.version," \
	" 'milestones', (SELECT coalesce(json_agg(json_build_object('id', m.id," \
	"     'due_on', m.due_on, 'gpu_target', m.gpu_target, 'label', m.label)" \
	"     ORDER BY m.due_on), '[]') FROM program_milestones m WHERE m.program_id = p.id)," \
	" 'created_at', p.created_at, 'updated_at', p.updated_at)::text"

#define MILESTONES_OF(param) \
	" jsonb_to_recordset(" param "::jsonb) AS x(due_on date, gpu_target int, label text)"

/* The end of a day in Seoul, as a timestamptz: milestones are dates there. */
#define CUTOFF "((m.due_on + 1)::timestamp AT TIME ZONE 'Asia/Seoul')"

const struct db_stmt db_programs_stmts[] = {
	{ "prog_list", "SELECT " PROGRAM_JSON " FROM programs p WHERE p.id > $1"
	  " ORDER BY p.id LIMIT $2", 2 },
	{ "prog_get", "SELECT " PROGRAM_JSON " FROM programs p WHERE p.id = $1", 1 },
	{ "prog_create",
	  "WITH p AS (INSERT INTO programs (name, description, budget_krw, starts_on, ends_on)"
	  "           VALUES ($1, $2, $3, $4, $5) RETURNING id),"
	  "     m AS (INSERT INTO program_milestones (program_id, due_on, gpu_target, label)"
	  "           SELECT p.id, x.due_on, x.gpu_target, x.label FROM p," MILESTONES_OF("$6") ")"
	  " SELECT id FROM p", 6 },
	{ "prog_lock", "SELECT version FROM programs WHERE id = $1 FOR UPDATE", 1 },
	/* $3 says whether description is given: null is a value. */
	{ "prog_update",
	  "UPDATE programs SET name = coalesce($2, name),"
	  "       description = CASE WHEN $3::boolean THEN $4 ELSE description END,"
	  "       budget_krw = coalesce($5::bigint, budget_krw),"
	  "       starts_on = coalesce($6::date, starts_on), ends_on = coalesce($7::date, ends_on),"
	  "       version = version + 1"
	  " WHERE id = $1", 7 },
	{ "prog_ms_delete", "DELETE FROM program_milestones WHERE program_id = $1", 1 },
	{ "prog_ms_insert",
	  "INSERT INTO program_milestones (program_id, due_on, gpu_target, label)"
	  " SELECT $1, x.due_on, x.gpu_target, x.label FROM" MILESTONES_OF("$2"), 2 },
	{ "prog_progress",
	  "WITH p AS (SELECT * FROM programs WHERE id = $1),"
	  " po AS (SELECT o.*, (SELECT sum(l.quantity::bigint * l.unit_price)::bigint"
	  "                      FROM purchase_order_lines l WHERE l.purchase_order_id = o.id) AS total"
	  "        FROM purchase_orders o WHERE o.program_id = $1),"
	  " lines AS (SELECT l.quantity, o.status, o.ordered_at FROM purchase_order_lines l"
	  "           JOIN po o ON o.id = l.purchase_order_id"
	  "           WHERE o.status IN ('ordered', 'partially_delivered', 'delivered', 'closed')),"
	  " units AS (SELECT u.result, u.inspected_at, d.received_at FROM delivery_units u"
	  "           JOIN deliveries d ON d.id = u.delivery_id JOIN po o ON o.id = d.purchase_order_id"
	  "           WHERE d.received_at IS NOT NULL),"
	  " a AS (SELECT count(*) FILTER (WHERE status IN ('allocated', 'installed', 'in_service'))"
	  "              AS allocated, count(*) FILTER (WHERE status = 'in_service') AS in_service"
	  "       FROM assets WHERE program_id = $1),"
	  " money AS (SELECT coalesce(sum(krw_of(total, currency, exchange_rate)) FILTER ("
	  "              WHERE status NOT IN ('draft', 'submitted', 'cancelled')), 0) AS committed,"
	  "           (SELECT coalesce(sum(amount_krw), 0) FROM payments y JOIN po ON po.id ="
	  "              y.purchase_order_id) AS paid FROM po)"
	  " SELECT json_build_object('program_id', p.id, 'name', p.name,"
	  "   'budget_krw', p.budget_krw, 'committed_krw', money.committed,"
	  "   'paid_krw', money.paid, 'remaining_krw', p.budget_krw - money.committed,"
	  "   'totals', json_build_object("
	  "     'ordered', (SELECT coalesce(sum(quantity), 0) FROM lines),"
	  "     'delivered', (SELECT count(*) FROM units WHERE result <> 'failed'),"
	  "     'accepted', (SELECT count(*) FROM units WHERE result = 'passed'),"
	  "     'rejected', (SELECT count(*) FROM units WHERE result = 'failed'),"
	  "     'allocated', a.allocated, 'in_service', a.in_service),"
	  "   'milestones', (SELECT coalesce(json_agg(json_build_object("
	  "     'due_on', m.due_on, 'label', m.label, 'target', m.gpu_target,"
	  "     'ordered', (SELECT coalesce(sum(quantity), 0) FROM lines WHERE ordered_at < " CUTOFF "),"
	  "     'delivered', (SELECT count(*) FROM units WHERE result <> 'failed'"
	  "                    AND received_at < " CUTOFF "),"
	  "     'accepted', (SELECT count(*) FROM units WHERE result = 'passed'"
	  "                   AND inspected_at < " CUTOFF "),"
	  "     'allocated', a.allocated, 'in_service', a.in_service,"
	  "     'shortfall', greatest(m.gpu_target - (SELECT count(*) FROM units"
	  "        WHERE result = 'passed' AND inspected_at < " CUTOFF "), 0)"
	  "   ) ORDER BY m.due_on), '[]') FROM program_milestones m WHERE m.program_id = p.id)"
	  " )::text FROM p, a, money", 1 },
	{ NULL, NULL, 0 }
};

int
db_programs_list(struct db *db, int64_t after, int limit, json_t **rows)
{
	return db_json_rows(db, "prog_list", DB_PARAMS(DB_INT(after), DB_INT(limit)), rows);
}

int
db_programs_get(struct db *db, int64_t id, json_t **program)
{
	return db_json_one_by_id(db, "prog_get", id, program);
}

int
db_programs_create(struct db *db, const json_t *fields, int64_t *id)
{
	const json_t *ms = json_object_get(fields, "milestones");
	char *milestones = ms ? json_dumps(ms, JSON_COMPACT) : strdup("[]");
	int rc = db_one_int(db, "prog_create", DB_PARAMS(DB_JSON_STR(fields, "name"),
	    DB_JSON_STR(fields, "description"), DB_JSON_INT(fields, "budget_krw"),
	    DB_JSON_STR(fields, "starts_on"), DB_JSON_STR(fields, "ends_on"),
	    DB_STR(milestones)), id);

	free(milestones);
	return rc;
}

int
db_programs_lock(struct db *db, int64_t id, int64_t *version)
{
	return db_one_int_by_id(db, "prog_lock", id, version);
}

int
db_programs_update(struct db *db, int64_t id, const json_t *fields)
{
	return db_run(db, "prog_update", DB_PARAMS(DB_INT(id), DB_JSON_STR(fields, "name"),
	    DB_JSON_HAS(fields, "description"), DB_JSON_STR(fields, "description"),
	    DB_JSON_INT(fields, "budget_krw"), DB_JSON_STR(fields, "starts_on"),
	    DB_JSON_STR(fields, "ends_on")));
}

int
db_programs_milestones(struct db *db, int64_t id, const json_t *milestones)
{
	char *text = json_dumps(milestones, JSON_COMPACT);
	int rc = db_run(db, "prog_ms_delete", DB_PARAMS(DB_INT(id))) != 0 ? -1 :
	    db_run(db, "prog_ms_insert", DB_PARAMS(DB_INT(id), DB_STR(text)));

	free(text);
	return rc;
}

int
db_programs_progress(struct db *db, int64_t id, json_t **progress)
{
	return db_json_one_by_id(db, "prog_progress", id, progress);
}
