/* db_gpu_models.c -- SQL of the GPU model catalogue. */
#include "procurement/db_gpu_models.h"

#include "db/db_stmts.h"

#define MODEL_JSON \
	"json_build_object('id', g.id, 'manufacturer', g.manufacturer, 'model', g.model," \
	" 'memory_gb', g.memory_gb, 'form_factor', g.form_factor, 'tdp_watts', g.tdp_watts," \
	" 'depreciation_months', g.depreciation_months," \
	" 'active', g.active, 'version', g.version, 'created_at', g.created_at," \
	" 'updated_at', g.updated_at)::text"

const struct db_stmt db_gpu_models_stmts[] = {
	{ "gpu_list", "SELECT " MODEL_JSON " FROM gpu_models g WHERE g.id > $1"
	  " AND ($3::boolean IS NULL OR g.active = $3::boolean) ORDER BY g.id LIMIT $2", 3 },
	{ "gpu_get", "SELECT " MODEL_JSON " FROM gpu_models g WHERE g.id = $1", 1 },
	{ "gpu_create",
	  "INSERT INTO gpu_models AS g (manufacturer, model, memory_gb, form_factor, tdp_watts,"
	  "                              depreciation_months)"
	  " VALUES ($1, $2, $3, $4, $5, coalesce($6::int, 60)) RETURNING " MODEL_JSON, 6 },
	{ "gpu_update",
	  "UPDATE gpu_models AS g SET manufacturer = coalesce($2, g.manufacturer),"
	  "       model = coalesce($3, g.model), memory_gb = coalesce($4::int, g.memory_gb),"
	  "       form_factor = coalesce($5, g.form_factor),"
	  "       tdp_watts = coalesce($6::int, g.tdp_watts),"
	  "       active = coalesce($7::boolean, g.active), version = g.version + 1,"
	  "       depreciation_months = coalesce($8::int, g.depreciation_months)"
	  " WHERE g.id = $1 RETURNING " MODEL_JSON, 8 },
	{ "gpu_lock", "SELECT version FROM gpu_models WHERE id = $1 FOR UPDATE", 1 },
	{ NULL, NULL, 0 }
};

int
db_gpu_models_list(struct db *db, int64_t after, int limit, const char *active, json_t **rows)
{
	return db_json_rows(db, "gpu_list", DB_PARAMS(DB_INT(after), DB_INT(limit),
	    DB_STR(active)), rows);
}

int
db_gpu_models_get(struct db *db, int64_t id, json_t **model)
{
	return db_json_one_by_id(db, "gpu_get", id, model);
}

int
db_gpu_models_create(struct db *db, const json_t *f, json_t **model)
{
	return db_json_one(db, "gpu_create", DB_PARAMS(DB_JSON_STR(f, "manufacturer"),
	    DB_JSON_STR(f, "model"), DB_JSON_INT(f, "memory_gb"), DB_JSON_STR(f, "form_factor"),
	    DB_JSON_INT(f, "tdp_watts"), DB_JSON_INT(f, "depreciation_months")), model);
}

int
db_gpu_models_update(struct db *db, int64_t id, const json_t *f, json_t **model)
{
	return db_json_one(db, "gpu_update", DB_PARAMS(DB_INT(id), DB_JSON_STR(f, "manufacturer"),
	    DB_JSON_STR(f, "model"), DB_JSON_INT(f, "memory_gb"), DB_JSON_STR(f, "form_factor"),
	    DB_JSON_INT(f, "tdp_watts"), DB_JSON_BOOL(f, "active"),
	    DB_JSON_INT(f, "depreciation_months")), model);
}
