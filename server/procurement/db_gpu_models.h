/* db_gpu_models.h -- the GPU model catalogue. */
#ifndef REGISTRY_DB_GPU_MODELS_H
#define REGISTRY_DB_GPU_MODELS_H

#include <stdint.h>
#include <jansson.h>

#include "db/db.h"

int db_gpu_models_list(struct db *db, int64_t after, int limit, const char *active,
    json_t **rows);
int db_gpu_models_get(struct db *db, int64_t id, json_t **model);
/* Borrow fields (validated); *model is the record written, NULL if none. */
int db_gpu_models_create(struct db *db, const json_t *fields, json_t **model);
int db_gpu_models_update(struct db *db, int64_t id, const json_t *fields, json_t **model);

#endif
