/* db_sites.c -- SQL of sites, racks, and the room they have left. */
#include "sites/db_sites.h"

#include <string.h>

#include "db/scope.h"
#include "db/db_stmts.h"

#define SITE_JSON \
	"json_build_object('id', s.id, 'name', s.name, 'operator_id', s.operator_id," \
	" 'operator', json_build_object('id', o.id, 'name', o.name, 'kind', o.kind)," \
	" 'address', s.address, 'region', s.region," \
	" 'power_capacity_kw', s.power_capacity_kw, 'cooling_type', s.cooling_type," \
	" 'gpu_slot_capacity', s.gpu_slot_capacity, 'active', s.active," \
	" 'version', s.version, 'created_at', s.created_at, 'updated_at', s.updated_at)::text"
#define SITE_FROM " FROM s JOIN organizations o ON o.id = s.operator_id"

#define RACK_JSON \
	"json_build_object('id', r.id, 'site_id', r.site_id, 'name', r.name," \
	" 'slot_capacity', r.slot_capacity, 'power_capacity_kw', r.power_capacity_kw," \
	" 'version', r.version, 'created_at', r.created_at, 'updated_at', r.updated_at)::text"

/* Slots and watts of a set of placements p, as a JSON object. */
#define USE_JSON(slots, kw, n, w) \
	"json_build_object('slots', json_build_object('capacity', " slots ", 'used', " n "," \
	"   'free', " slots " - " n ")," \
	" 'power', json_build_object('capacity_kw', " kw ", 'capacity_watts', " kw " * 1000," \
	"   'used_watts', " w ", 'free_watts', " kw " * 1000 - " w "))"

/* Slots and watts of placements p, at the site and in rack $2. */
#define ROOM_USE \
	"count(*) AS n, coalesce(sum(tdp_watts), 0) AS w," \
	" count(*) FILTER (WHERE rack_id = $2::bigint) AS rn," \
	" coalesce(sum(tdp_watts) FILTER (WHERE rack_id = $2::bigint), 0) AS rw"

/* GPUs of the placements p grouped by one key, with a name to show. */
#define GROUP_JSON(key, table, label, out) \
	"coalesce((SELECT json_agg(json_build_object('" out "_id', g.k, '" out "', " label "," \
	"   'count', g.n, 'used_watts', g.w) ORDER BY g.k)" \
	"  FROM (SELECT " key " AS k, count(*) AS n, sum(tdp_watts) AS w FROM p GROUP BY 1) g" \
	"  LEFT JOIN " table " x ON x.id = g.k), '[]')"

const struct db_stmt db_sites_stmts[] = {
	{ "site_list",
	  "WITH s AS (SELECT * FROM sites WHERE id > $1"
	  "   AND ($3::text IS NULL OR region = $3)"
	  "   AND ($4::bigint IS NULL OR operator_id = $4::bigint)"
	  "   AND ($5::boolean IS NULL OR active = $5::boolean)"
	  "   AND ($6::text IS NULL OR strpos(lower(name), lower($6)) > 0)"
	  " ORDER BY id LIMIT $2)"
	  " SELECT " SITE_JSON SITE_FROM " ORDER BY s.id", 6 },
	/* $2: the tenant scope (db_tenant_scope). */
	{ "site_get",
	  "WITH s AS (SELECT * FROM sites WHERE id = $1 AND ($2::bigint IS NULL OR EXISTS"
	  "   (SELECT 1 FROM allocations a WHERE a.site_id = sites.id"
	  "       AND a.tenant_id = $2::bigint AND a.status = 'active')))"
	  " SELECT " SITE_JSON SITE_FROM, 2 },
	{ "site_create",
	  "WITH s AS (INSERT INTO sites (name, operator_id, address, region, power_capacity_kw,"
	  "   cooling_type, gpu_slot_capacity)"
	  " VALUES ($1, $2::bigint, $3, $4, $5::int, $6::cooling_type, $7::int) RETURNING *)"
	  " SELECT " SITE_JSON SITE_FROM, 7 },
	{ "site_update",
	  "WITH s AS (UPDATE sites SET name = coalesce($2, name),"
	  "       operator_id = coalesce($3::bigint, operator_id),"
	  "       address = coalesce($4, address), region = coalesce($5, region),"
	  "       power_capacity_kw = coalesce($6::int, power_capacity_kw),"
	  "       cooling_type = coalesce($7::cooling_type, cooling_type),"
	  "       gpu_slot_capacity = coalesce($8::int, gpu_slot_capacity),"
	  "       active = coalesce($9::boolean, active), version = version + 1"
	  " WHERE id = $1 RETURNING *)"
	  " SELECT " SITE_JSON SITE_FROM, 9 },
	/* NO KEY UPDATE: queues every placement at the site (and a PATCH)
	 * without blocking the foreign-key checks of inserts that name it. */
	{ "site_lock", "SELECT version FROM sites WHERE id = $1 FOR NO KEY UPDATE", 1 },
	{ "rack_lock",
	  "SELECT version FROM racks WHERE id = $1 AND site_id = $2 FOR NO KEY UPDATE", 2 },
	/* What the assets of $3 already use at the site (a move inside it)
	 * is taken off the use: they are counted once, as needed. */
	{ "site_room",
	  "SELECT s.name AS site_name, s.active AS site_active, s.gpu_slot_capacity AS site_slots,"
	  "       u.n - x.n AS site_slots_used, s.power_capacity_kw * 1000 AS site_watts,"
	  "       u.w - x.w AS site_watts_used, r.id IS NOT NULL AS has_rack,"
	  "       coalesce(r.name, '') AS rack_name, coalesce(r.slot_capacity, 0) AS rack_slots,"
	  "       u.rn - x.rn AS rack_slots_used,"
	  "       coalesce(r.power_capacity_kw * 1000, 0) AS rack_watts,"
	  "       u.rw - x.rw AS rack_watts_used, cardinality($3::bigint[]) AS slots_needed,"
	  "       (SELECT coalesce(sum(m.tdp_watts), 0) FROM assets a"
	  "          JOIN gpu_models m ON m.id = a.gpu_model_id WHERE a.id = ANY ($3::bigint[]))"
	  "         AS watts_needed"
	  "  FROM sites s LEFT JOIN racks r ON r.id = $2::bigint AND r.site_id = s.id,"
	  "       LATERAL (SELECT " ROOM_USE " FROM asset_placements p WHERE p.site_id = s.id) u,"
	  "       LATERAL (SELECT " ROOM_USE " FROM asset_placements p"
	  "                 WHERE p.id = ANY ($3::bigint[]) AND p.site_id = s.id) x"
	  " WHERE s.id = $1", 3 },
	{ "site_utilization",
	  "WITH p AS (SELECT * FROM asset_placements WHERE site_id = $1)"
	  " SELECT json_build_object('site', json_build_object('id', s.id, 'name', s.name),"
	  "  'total', " USE_JSON("s.gpu_slot_capacity", "s.power_capacity_kw", "u.n", "u.w") ","
	  "  'racks', coalesce((SELECT json_agg(json_build_object('id', r.id, 'name', r.name,"
	  "      'usage', " USE_JSON("r.slot_capacity", "r.power_capacity_kw", "ru.n", "ru.w")
	  "    ) ORDER BY r.id) FROM racks r, LATERAL (SELECT count(*) AS n,"
	  "      coalesce(sum(tdp_watts), 0) AS w FROM p WHERE p.rack_id = r.id) ru"
	  "    WHERE r.site_id = s.id), '[]'),"
	  "  'unracked', (SELECT json_build_object('used', count(*),"
	  "      'used_watts', coalesce(sum(tdp_watts), 0)) FROM p WHERE rack_id IS NULL),"
	  "  'by_status', (SELECT json_build_object("
	  "      'allocated', count(*) FILTER (WHERE status = 'allocated'),"
	  "      'installed', count(*) FILTER (WHERE status = 'installed'),"
	  "      'in_service', count(*) FILTER (WHERE status = 'in_service')) FROM p),"
	  "  'by_model', " GROUP_JSON("gpu_model_id", "gpu_models",
	      "x.manufacturer || ' ' || x.model", "gpu_model") ","
	  "  'by_tenant', " GROUP_JSON("tenant_id", "organizations", "x.name", "tenant") ")::text"
	  "  FROM sites s, LATERAL (SELECT count(*) AS n, coalesce(sum(tdp_watts), 0) AS w"
	  "    FROM p) u WHERE s.id = $1", 1 },
	{ "rack_list",
	  "SELECT " RACK_JSON " FROM racks r WHERE r.site_id = $1 AND r.id > $2"
	  " ORDER BY r.id LIMIT $3", 3 },
	{ "rack_create",
	  "INSERT INTO racks AS r (site_id, name, slot_capacity, power_capacity_kw)"
	  " SELECT id, $2, $3::int, $4::int FROM sites WHERE id = $1"
	  " RETURNING " RACK_JSON, 4 },
	{ "rack_get",
	  "SELECT " RACK_JSON " FROM racks r WHERE r.id = $2 AND r.site_id = $1", 2 },
	{ "rack_update",
	  "UPDATE racks AS r SET name = coalesce($3, r.name),"
	  "       slot_capacity = coalesce($4::int, r.slot_capacity),"
	  "       power_capacity_kw = coalesce($5::int, r.power_capacity_kw),"
	  "       version = r.version + 1"
	  " WHERE r.id = $2 AND r.site_id = $1 RETURNING " RACK_JSON, 5 },
	{ NULL, NULL, 0 }
};

int
db_sites_list(struct db *db, const struct site_filter *f, json_t **rows)
{
	return db_json_rows(db, "site_list", DB_PARAMS(DB_INT(f->after), DB_INT(f->limit),
	    DB_STR(f->region), DB_STR(f->operator_id), DB_STR(f->active), DB_STR(f->q)), rows);
}

int
db_sites_get(struct db *db, const struct session *s, int64_t id, json_t **site)
{
	return db_scoped_one(db, "site_get", s, id, site);
}

int
db_sites_create(struct db *db, const json_t *fields, json_t **site)
{
	return db_json_one(db, "site_create", DB_PARAMS(DB_JSON_STR(fields, "name"),
	    DB_JSON_INT(fields, "operator_id"), DB_JSON_STR(fields, "address"),
	    DB_JSON_STR(fields, "region"), DB_JSON_INT(fields, "power_capacity_kw"),
	    DB_JSON_STR(fields, "cooling_type"), DB_JSON_INT(fields, "gpu_slot_capacity")), site);
}

int
db_sites_update(struct db *db, int64_t id, const json_t *fields, json_t **site)
{
	return db_json_one(db, "site_update", DB_PARAMS(DB_INT(id), DB_JSON_STR(fields, "name"),
	    DB_JSON_INT(fields, "operator_id"), DB_JSON_STR(fields, "address"),
	    DB_JSON_STR(fields, "region"), DB_JSON_INT(fields, "power_capacity_kw"),
	    DB_JSON_STR(fields, "cooling_type"), DB_JSON_INT(fields, "gpu_slot_capacity"),
	    DB_JSON_BOOL(fields, "active")), site);
}

int
db_sites_lock(struct db *db, int64_t site_id, int64_t rack_id, int64_t *version)
{
	PGresult *res;
	int rc = -1;

	if ((res = db_exec(db, "site_lock", DB_PARAMS(DB_INT(site_id)))) == NULL)
		return -1;
	if (PQntuples(res) != 1) {
		rc = 1;
		goto out;
	}
	/* The site first, then the rack: one order for every caller. */
	if (rack_id != 0) {
		PQclear(res);
		res = db_exec(db, "rack_lock", DB_PARAMS(DB_INT(rack_id), DB_INT(site_id)));
		if (res == NULL)
			goto out;
		if (PQntuples(res) != 1) {
			rc = 2;
			goto out;
		}
	}
	rc = version == NULL ? 0 : db_row(db, res, 0, DB_COLS(DB_COL_INT("version", version)));
out:
	PQclear(res);
	return rc;
}

int
db_sites_room(struct db *db, int64_t site_id, int64_t rack_id, const char *ids,
    struct db_room *room)
{
	PGresult *res = db_exec(db, "site_room", DB_PARAMS(DB_INT(site_id),
	    DB_OPT_INT(rack_id != 0, rack_id), DB_STR(ids)));
	int rc = 0;

	memset(room, 0, sizeof(*room));
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1)
		rc = db_row(db, res, 0, DB_COLS(DB_COL_TEXT("site_name", room->site_name),
		    DB_COL_BOOL("site_active", &room->site_active),
		    DB_COL_INT("site_slots", &room->site_slots),
		    DB_COL_INT("site_slots_used", &room->site_slots_used),
		    DB_COL_INT("site_watts", &room->site_watts),
		    DB_COL_INT("site_watts_used", &room->site_watts_used),
		    DB_COL_BOOL("has_rack", &room->has_rack),
		    DB_COL_TEXT("rack_name", room->rack_name),
		    DB_COL_INT("rack_slots", &room->rack_slots),
		    DB_COL_INT("rack_slots_used", &room->rack_slots_used),
		    DB_COL_INT("rack_watts", &room->rack_watts),
		    DB_COL_INT("rack_watts_used", &room->rack_watts_used),
		    DB_COL_INT("slots_needed", &room->slots_needed),
		    DB_COL_INT("watts_needed", &room->watts_needed)));
	PQclear(res);
	return rc;
}

int
db_sites_utilization(struct db *db, int64_t id, json_t **out)
{
	return db_json_one(db, "site_utilization", DB_PARAMS(DB_INT(id)), out);
}

int
db_racks_list(struct db *db, int64_t site_id, int64_t after, int limit, json_t **rows)
{
	return db_json_rows(db, "rack_list", DB_PARAMS(DB_INT(site_id), DB_INT(after),
	    DB_INT(limit)), rows);
}

int
db_racks_create(struct db *db, int64_t site_id, const json_t *fields, json_t **rack)
{
	return db_json_one(db, "rack_create", DB_PARAMS(DB_INT(site_id),
	    DB_JSON_STR(fields, "name"), DB_JSON_INT(fields, "slot_capacity"),
	    DB_JSON_INT(fields, "power_capacity_kw")), rack);
}

int
db_racks_get(struct db *db, int64_t site_id, int64_t rack_id, json_t **rack)
{
	return db_json_one(db, "rack_get", DB_PARAMS(DB_INT(site_id), DB_INT(rack_id)), rack);
}

int
db_racks_update(struct db *db, int64_t site_id, int64_t rack_id, const json_t *fields,
    json_t **rack)
{
	return db_json_one(db, "rack_update", DB_PARAMS(DB_INT(site_id), DB_INT(rack_id),
	    DB_JSON_STR(fields, "name"), DB_JSON_INT(fields, "slot_capacity"),
	    DB_JSON_INT(fields, "power_capacity_kw")), rack);
}
