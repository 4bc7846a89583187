/* db_allocations.c -- SQL of allocations. The tenant scope of a read
 * (db_tenant_scope) is a parameter of the statement itself, so that no
 * handler can forget it. */
#include "sites/db_allocations.h"

#include <stdio.h>

#include "db/scope.h"
#include "sites/db_sites.h"
#include "db/db_stmts.h"

/* The statuses in which an asset takes a slot where it is. */
#define PLACED "('allocated', 'installed', 'in_service')"
#define SITE_NAME "'site_id', s.id, 'site', s.name"
#define MODEL_NAME "'gpu_model_id', m.id, 'gpu_model', m.manufacturer || ' ' || m.model"

/* The members of an allocation a, over ALLOC_FROM. */
#define ALLOC_FIELDS \
	"'id', a.id, 'site_id', a.site_id, 'site', json_build_object('id', s.id, 'name', s.name)," \
	" 'rack_id', a.rack_id, 'rack', CASE WHEN rk.id IS NULL THEN NULL" \
	"   ELSE json_build_object('id', rk.id, 'name', rk.name) END," \
	" 'tenant_id', a.tenant_id," \
	" 'tenant', json_build_object('id', t.id, 'name', t.name, 'kind', t.kind)," \
	" 'purpose', a.purpose, 'starts_on', a.starts_on, 'ends_on', a.ends_on," \
	" 'status', a.status, 'gpu_count', g.n, 'gpus', g.models," \
	" 'created_by', a.created_by, 'ended_at', a.ended_at, 'ended_by', a.ended_by," \
	" 'end_reason', a.end_reason, 'created_at', a.created_at, 'updated_at', a.updated_at"

/* The allocations a with their site, rack, tenant and GPUs per model. */
#define ALLOC_FROM \
	" FROM a JOIN sites s ON s.id = a.site_id LEFT JOIN racks rk ON rk.id = a.rack_id" \
	" JOIN organizations t ON t.id = a.tenant_id," \
	" LATERAL (SELECT coalesce(sum(q.n), 0) AS n, coalesce(json_agg(json_build_object(" \
	"     " MODEL_NAME ", 'count', q.n)" \
	"     ORDER BY m.id), '[]') AS models" \
	"   FROM (SELECT x.gpu_model_id, count(*) AS n FROM allocation_assets aa" \
	"           JOIN assets x ON x.id = aa.asset_id" \
	"          WHERE aa.allocation_id = a.id AND aa.removed_at IS NULL GROUP BY 1) q" \
	"   JOIN gpu_models m ON m.id = q.gpu_model_id) g"

/* Every asset the allocation a holds or held. */
#define ALLOC_ASSETS \
	"(SELECT coalesce(json_agg(json_build_object('id', x.id, 'serial', x.serial," \
	"   'gpu_model_id', x.gpu_model_id, 'status', x.status, 'added_at', aa.added_at," \
	"   'removed_at', aa.removed_at, 'removed_reason', aa.removed_reason) ORDER BY aa.id), '[]')" \
	"  FROM allocation_assets aa JOIN assets x ON x.id = aa.asset_id" \
	" WHERE aa.allocation_id = a.id)"

/* The tenant's GPUs in active allocations (gm), grouped by the columns
 * of by, with the names that joins bring. */
#define TENANT_GROUP(by, joins, fields) \
	"(SELECT coalesce(json_agg(json_build_object(" fields ", 'count', q.n) ORDER BY " by ")," \
	"   '[]') FROM (SELECT " by ", sum(n) AS n FROM gm GROUP BY " by ") q" joins ")"
#define SITE_JOIN " JOIN sites s ON s.id = q.site_id"
#define MODEL_JOIN " JOIN gpu_models m ON m.id = q.gpu_model_id"

const struct db_stmt db_allocations_stmts[] = {
	/* $6, $2 of alloc_get and alloc_tenant: the tenant scope. */
	{ "alloc_list",
	  "WITH a AS (SELECT * FROM allocations WHERE id > $1"
	  "   AND ($3::bigint IS NULL OR site_id = $3::bigint)"
	  "   AND ($4::bigint IS NULL OR tenant_id = $4::bigint)"
	  "   AND ($5::allocation_status IS NULL OR status = $5::allocation_status)"
	  "   AND ($6::bigint IS NULL OR tenant_id = $6::bigint)"
	  " ORDER BY id LIMIT $2)"
	  " SELECT json_build_object(" ALLOC_FIELDS ")::text" ALLOC_FROM " ORDER BY a.id", 6 },
	{ "alloc_get",
	  "WITH a AS (SELECT * FROM allocations WHERE id = $1"
	  "   AND ($2::bigint IS NULL OR tenant_id = $2::bigint))"
	  " SELECT json_build_object(" ALLOC_FIELDS ", 'assets', " ALLOC_ASSETS ")::text"
	  ALLOC_FROM, 2 },
	{ "alloc_tenant",
	  "WITH o AS (SELECT * FROM organizations WHERE id = $1"
	  "   AND kind IN ('institute', 'university', 'company')"
	  "   AND ($2::bigint IS NULL OR id = $2::bigint)),"
	  " a AS (SELECT * FROM allocations WHERE tenant_id = (SELECT id FROM o)"
	  "   AND status = 'active'),"
	  " gm AS (SELECT a.site_id, x.gpu_model_id, count(*) AS n FROM a"
	  "   JOIN allocation_assets aa ON aa.allocation_id = a.id AND aa.removed_at IS NULL"
	  "   JOIN assets x ON x.id = aa.asset_id GROUP BY 1, 2)"
	  " SELECT json_build_object("
	  "  'tenant', json_build_object('id', o.id, 'name', o.name, 'kind', o.kind),"
	  "  'gpu_count', (SELECT coalesce(sum(n), 0) FROM gm),"
	  "  'by_site', " TENANT_GROUP("site_id", SITE_JOIN, SITE_NAME) ","
	  "  'by_model', " TENANT_GROUP("gpu_model_id", MODEL_JOIN, MODEL_NAME) ","
	  "  'by_site_model', " TENANT_GROUP("site_id, gpu_model_id", SITE_JOIN MODEL_JOIN,
	      SITE_NAME ", " MODEL_NAME) ","
	  "  'allocations', (SELECT coalesce(json_agg(json_build_object(" ALLOC_FIELDS ")"
	  "    ORDER BY a.id), '[]')" ALLOC_FROM "))::text FROM o", 2 },
	{ "alloc_insert",
	  "INSERT INTO allocations (site_id, rack_id, tenant_id, purpose, starts_on, ends_on,"
	  "   created_by)"
	  " VALUES ($1::bigint, $2::bigint, $3::bigint, $4, $5::date, $6::date, $7::bigint)"
	  " RETURNING id", 7 },
	/* SKIP LOCKED: two officers taking the same model at two sites get
	 * different assets instead of waiting for each other. */
	{ "alloc_pick",
	  "SELECT coalesce(array_agg(id ORDER BY id), '{}')::text AS ids, count(*) AS got FROM"
	  " (SELECT id FROM assets WHERE status = 'in_stock' AND gpu_model_id = $1"
	  "   ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) x", 2 },
	{ "alloc_stock",
	  "SELECT m.manufacturer || ' ' || m.model AS name, (SELECT count(*) FROM assets"
	  "   WHERE status = 'in_stock' AND gpu_model_id = m.id) AS count"
	  "  FROM gpu_models m WHERE m.id = $1", 1 },
	{ "alloc_lock_assets",
	  "WITH x AS (SELECT id, serial, status FROM assets WHERE id = ANY ($1::bigint[])"
	  "   ORDER BY id FOR UPDATE)"
	  " SELECT json_build_object("
	  "  'busy', (SELECT coalesce(json_agg(json_build_object('id', id, 'serial', serial,"
	  "     'status', status) ORDER BY id), '[]') FROM x WHERE status <> 'in_stock'),"
	  "  'missing', (SELECT coalesce(json_agg(i ORDER BY i), '[]')"
	  "     FROM unnest($1::bigint[]) i WHERE i NOT IN (SELECT id FROM x)))::text", 1 },
	{ "alloc_attach",
	  "WITH l AS (INSERT INTO allocation_assets (allocation_id, asset_id)"
	  "   SELECT $1, i FROM unnest($2::bigint[]) i ORDER BY i)"
	  " UPDATE assets x SET status = 'allocated', site_id = a.site_id, rack_id = a.rack_id,"
	  "        tenant_id = a.tenant_id"
	  "   FROM allocations a WHERE a.id = $1 AND x.id = ANY ($2::bigint[])", 2 },
	{ "alloc_lock",
	  "SELECT status = 'active' AS active, site_id, coalesce(rack_id, 0) AS rack_id"
	  "  FROM allocations"
	  " WHERE id = $1 FOR NO KEY UPDATE", 1 },
	{ "alloc_strangers",
	  "SELECT coalesce(json_agg(i ORDER BY i), '[]')::text FROM unnest($2::bigint[]) i"
	  " WHERE NOT EXISTS (SELECT 1 FROM allocation_assets aa WHERE aa.allocation_id = $1"
	  "   AND aa.asset_id = i AND aa.removed_at IS NULL)", 2 },
	/* Assets that take a slot go back to stock; any other (an RMA case)
	 * keeps its status. Every one leaves the site and the tenant: a place
	 * is the allocation's, and ends with it. */
	{ "alloc_detach",
	  "WITH d AS (UPDATE allocation_assets SET removed_at = now(), removed_reason = $3"
	  "   WHERE allocation_id = $1 AND removed_at IS NULL"
	  "     AND ($2::bigint[] IS NULL OR asset_id = ANY ($2::bigint[])) RETURNING asset_id)"
	  " UPDATE assets x SET"
	  "   status = CASE WHEN x.status IN " PLACED " THEN 'in_stock' ELSE x.status END,"
	  "   site_id = NULL, rack_id = NULL, tenant_id = NULL"
	  "  FROM d WHERE x.id = d.asset_id", 3 },
	{ "alloc_close",
	  "UPDATE allocations SET status = 'ended', ended_at = now(), ended_by = $2,"
	  "       end_reason = $3 WHERE id = $1", 3 },
	{ "alloc_placed",
	  "SELECT coalesce(array_agg(id ORDER BY id), '{}')::text AS ids FROM"
	  " (SELECT x.id FROM allocation_assets aa JOIN assets x ON x.id = aa.asset_id"
	  "   WHERE aa.allocation_id = $1 AND aa.removed_at IS NULL AND x.status IN " PLACED
	  "   ORDER BY x.id FOR UPDATE OF x) p", 1 },
	{ "alloc_move",
	  "WITH a AS (UPDATE allocations SET site_id = $2, rack_id = $3::bigint WHERE id = $1)"
	  " UPDATE assets SET site_id = $2, rack_id = $3::bigint WHERE id = ANY ($4::bigint[])", 4 },
	{ NULL, NULL, 0 }
};

int
db_allocations_list(struct db *db, const struct session *s, const struct alloc_filter *f,
    json_t **rows)
{
	return db_json_rows(db, "alloc_list", DB_PARAMS(DB_INT(f->after), DB_INT(f->limit),
	    DB_STR(f->site_id), DB_STR(f->tenant_id), DB_STR(f->status),
	    db_tenant_scope(s)), rows);
}

int
db_allocations_get(struct db *db, const struct session *s, int64_t id, json_t **out)
{
	return db_scoped_one(db, "alloc_get", s, id, out);
}

int
db_allocations_tenant(struct db *db, const struct session *s, int64_t id, json_t **out)
{
	return db_scoped_one(db, "alloc_tenant", s, id, out);
}

int
db_allocations_insert(struct db *db, const struct alloc_fields *f, int64_t user_id,
    int64_t *id)
{
	return db_one_int(db, "alloc_insert", DB_PARAMS(f->site_id, f->rack_id, f->tenant_id,
	    DB_STR(f->purpose), DB_STR(f->starts_on), DB_STR(f->ends_on), DB_INT(user_id)), id);
}

int
db_allocations_pick(struct db *db, int64_t model_id, long long count, char **ids,
    long long *got)
{
	PGresult *res = db_exec(db, "alloc_pick", DB_PARAMS(DB_INT(model_id), DB_INT(count)));
	int rc;

	*ids = NULL;
	if (res == NULL)
		return -1;
	rc = db_row(db, res, 0, DB_COLS(DB_COL_DUP("ids", ids), DB_COL_INT("got", got)));
	PQclear(res);
	return rc;
}

int
db_allocations_stock(struct db *db, int64_t model_id, long long *count, char *name,
    size_t namelen)
{
	PGresult *res = db_exec(db, "alloc_stock", DB_PARAMS(DB_INT(model_id)));
	int rc = 0;

	if (res == NULL)
		return -1;
	/* A name to show, cut to fit. */
	snprintf(name, namelen, "%s", PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
	*count = 0;
	if (PQntuples(res) == 1)
		rc = db_row(db, res, 0, DB_COLS(DB_COL_INT("count", count)));
	PQclear(res);
	return rc;
}

int
db_allocations_lock_assets(struct db *db, const char *ids, json_t **out)
{
	return db_json_one(db, "alloc_lock_assets", DB_PARAMS(DB_STR(ids)), out);
}

int
db_allocations_attach(struct db *db, int64_t id, const char *ids)
{
	return db_run(db, "alloc_attach", DB_PARAMS(DB_INT(id), DB_STR(ids)));
}

int
db_allocations_lock(struct db *db, int64_t id, struct alloc_state *st)
{
	PGresult *res = db_exec(db, "alloc_lock", DB_PARAMS(DB_INT(id)));
	int rc = 1;

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1)
		rc = db_row(db, res, 0, DB_COLS(DB_COL_BOOL("active", &st->active),
		    DB_COL_INT("site_id", &st->site_id), DB_COL_INT("rack_id", &st->rack_id)));
	PQclear(res);
	return rc;
}

int
db_allocations_strangers(struct db *db, int64_t id, const char *ids, json_t **out)
{
	return db_json_one(db, "alloc_strangers", DB_PARAMS(DB_INT(id), DB_STR(ids)), out);
}

int
db_allocations_detach(struct db *db, int64_t id, const char *ids, const char *reason)
{
	return db_run(db, "alloc_detach", DB_PARAMS(DB_INT(id), DB_STR(ids), DB_STR(reason)));
}

int
db_allocations_close(struct db *db, int64_t id, int64_t user_id, const char *reason)
{
	return db_run(db, "alloc_close", DB_PARAMS(DB_INT(id), DB_INT(user_id), DB_STR(reason)));
}

int
db_allocations_placed(struct db *db, int64_t id, char **ids)
{
	PGresult *res = db_exec(db, "alloc_placed", DB_PARAMS(DB_INT(id)));
	int rc;

	*ids = NULL;
	if (res == NULL)
		return -1;
	rc = db_row(db, res, 0, DB_COLS(DB_COL_DUP("ids", ids)));
	PQclear(res);
	return rc;
}

int
db_allocations_move(struct db *db, int64_t id, int64_t site_id, int64_t rack_id,
    const char *ids)
{
	return db_run(db, "alloc_move", DB_PARAMS(DB_INT(id), DB_INT(site_id),
	    DB_OPT_INT(rack_id != 0, rack_id), DB_STR(ids)));
}
