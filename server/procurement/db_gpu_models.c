/* db_gpu_models.c -- SQL of the GPU model catalogue. */
#include "procurement/db_gpu_models.h"

#include "db/db_stmts.h"

#define MODEL_JSON \
	"json_build_object('id', g.id, 'manufacturer', g.manufacturer, 'model', g.model," \
	" 'memory_gb', g.memory_gb, 'form_factor', g.form_factor, 'tdp_watts', g.tdp_watts," \
	" 'active', g.active, 'created_at', g.created_at, 'updated_at', g.updated_at)::text"

const struct db_stmt db_gpu_models_stmts[] = {
	{ "gpu_list", "SELECT " MODEL_JSON " FROM gpu_models g WHERE g.id > $1"
	  " AND ($3::boolean IS NULL OR g.active = $3::boolean) ORDER BY g.id LIMIT $2", 3 },
	{ "gpu_get", "SELECT " MODEL_JSON " FROM gpu_models g WHERE g.id = $1", 1 },
	{ "gpu_create",
	  "INSERT INTO gpu_models AS g (manufacturer, model, memory_gb, form_factor, tdp_watts)"
	  " VALUES ($1, $2, $3, $4, $5) RETURNING " MODEL_JSON, 5 },
	{ "gpu_update",
	  "UPDATE gpu_models AS g SET manufacturer = coalesce($2, g.manufacturer),"
	  "       model = coalesce($3, g.model), memory_gb = coalesce($4::int, g.memory_gb),"
	  "       form_factor = coalesce($5, g.form_factor),"
	  "       tdp_watts = coalesce($6::int, g.tdp_watts),"
	  "       active = coalesce($7::boolean, g.active)"
	  " WHERE g.id = $1 RETURNING " MODEL_JSON, 7 },
	{ NULL, NULL, 0 }
};

int
db_gpu_models_list(struct db *db, int64_t after, int limit, const char *active, json_t **rows)
{
	char a[24], l[24];
	const char *p[3] = { db_int(a, after), db_int(l, limit), active };

	return db_json_rows(db, "gpu_list", 3, p, rows);
}

int
db_gpu_models_get(struct db *db, int64_t id, json_t **model)
{
	return db_json_one_by_id(db, "gpu_get", id, model);
}

int
db_gpu_models_create(struct db *db, const json_t *f, json_t **model)
{
	char mem[24], tdp[24];
	const char *p[5] = { db_param_str(f, "manufacturer"), db_param_str(f, "model"),
	    db_param_int(f, "memory_gb", mem), db_param_str(f, "form_factor"),
	    db_param_int(f, "tdp_watts", tdp) };

	return db_json_one(db, "gpu_create", 5, p, model);
}

int
db_gpu_models_update(struct db *db, int64_t id, const json_t *f, json_t **model)
{
	char s[24], mem[24], tdp[24];
	const char *p[7] = { db_int(s, id), db_param_str(f, "manufacturer"),
	    db_param_str(f, "model"), db_param_int(f, "memory_gb", mem),
	    db_param_str(f, "form_factor"), db_param_int(f, "tdp_watts", tdp),
	    db_param_bool(f, "active") };

	return db_json_one(db, "gpu_update", 7, p, model);
}
