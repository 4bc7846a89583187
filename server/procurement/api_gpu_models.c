/* api_gpu_models.c -- /api/v1/gpu-models: the catalogue is data, kept by
 * administrators; every signed-in user may read it. */
#include "core/api.h"
#include "procurement/procurement.h"

#include "procurement/db_gpu_models.h"

static const struct field_spec model_fields[] = {
	{ "manufacturer", FIELD_STRING, true, 1, 100, NULL },
	{ "model", FIELD_STRING, true, 1, 100, NULL },
	{ "memory_gb", FIELD_INTEGER, true, 0, 100000, NULL },
	{ "form_factor", FIELD_STRING, true, 1, 50, NULL },
	{ "tdp_watts", FIELD_INTEGER, true, 0, 100000, NULL },
	{ "depreciation_months", FIELD_INTEGER, false, 0, 600, NULL },
};

static const struct field_spec model_patch_fields[] = {
	{ "manufacturer", FIELD_STRING, false, 1, 100, NULL },
	{ "model", FIELD_STRING, false, 1, 100, NULL },
	{ "memory_gb", FIELD_INTEGER, false, 0, 100000, NULL },
	{ "form_factor", FIELD_STRING, false, 1, 50, NULL },
	{ "tdp_watts", FIELD_INTEGER, false, 0, 100000, NULL },
	{ "depreciation_months", FIELD_INTEGER, false, 0, 600, NULL },
	{ "active", FIELD_BOOLEAN, false, 0, 0, NULL },
};

const struct field_table api_gpu_models_create_body = FIELD_TABLE(model_fields);
const struct field_table api_gpu_models_patch_body = FIELD_TABLE(model_patch_fields);

static const struct api_versioned model_versioned = {
	"gpu_lock", "gpu-model", PROBLEM_GPU_MODEL_NOT_FOUND, "GPU model"
};

struct model_write {
	struct req *r;
	int64_t id;
	json_t *fields;          /* borrowed */
	json_t *model;           /* owned by the handler */
};

/* GET /api/v1/gpu-models */
void
api_gpu_models_list(struct req *r)
{
	static const char *const known[] = { "active", "limit", "cursor", NULL };
	const char *active;
	json_t *rows = NULL;
	int64_t after;
	int limit;

	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &limit, &after) != 0 ||
	    validate_query_bool_or_reply(r, "active", &active) != 0)
		return;
	if (db_gpu_models_list(r->db, after, limit + 1, active, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, limit);
}

/* GET /api/v1/gpu-models/:id */
void
api_gpu_models_get(struct req *r)
{
	json_t *m = NULL;
	int64_t id;

	if (validate_param_id_or_reply(r, "id", &id) != 0)
		return;
	if (db_gpu_models_get(r->db, id, &m) != 0)
		api_db_error(r);
	else if (m == NULL)
		reply_not_found(r, PROBLEM_GPU_MODEL_NOT_FOUND, "GPU model", id);
	else
		api_reply_versioned(r, 200, &model_versioned, m);
	json_decref(m);
}

static int
model_create_tx(struct db *db, void *arg)
{
	struct model_write *w = arg;

	return db_gpu_models_create(db, w->fields, &w->model);
}

static int
model_update_tx(struct db *db, void *arg)
{
	struct model_write *w = arg;
	int rc = api_lock_if_match(w->r, &model_versioned, w->id);

	if (rc != 0)
		return rc;
	return db_gpu_models_update(db, w->id, w->fields, &w->model);
}

/* POST /api/v1/gpu-models */
void
api_gpu_models_create(struct req *r)
{
	struct model_write w = { 0 };

	if ((w.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.fields, model_fields, NFIELDS(model_fields), false) != 0 ||
	    api_transaction(r, model_create_tx, &w) != 0)
		goto out;
	reply_location(r, "/api/v1/gpu-models/%lld",
	    (long long)json_integer_value(json_object_get(w.model, "id")));
	api_reply_versioned(r, 201, &model_versioned, w.model);
out:
	json_decref(w.model);
	json_decref(w.fields);
}

/* PATCH /api/v1/gpu-models/:id -- needs If-Match; active:false retires a model from new
 * orders; models are never deleted, assets refer to them. */
void
api_gpu_models_patch(struct req *r)
{
	struct model_write w = { .r = r };

	if (validate_param_id_or_reply(r, "id", &w.id) != 0 ||
	    (w.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.fields, model_patch_fields,
	    NFIELDS(model_patch_fields), true) != 0 || api_transaction(r, model_update_tx, &w) != 0)
		goto out;
	if (w.model == NULL)
		reply_not_found(r, PROBLEM_GPU_MODEL_NOT_FOUND, "GPU model", w.id);
	else
		api_reply_versioned(r, 200, &model_versioned, w.model);
out:
	json_decref(w.model);
	json_decref(w.fields);
}
