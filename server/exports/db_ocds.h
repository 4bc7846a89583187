/* db_ocds.h -- the open data's SQL (db_ocds.c): the OCDS release package
 * and the programmes' public progress, as JSON built by PostgreSQL. */
#ifndef REGISTRY_DB_OCDS_H
#define REGISTRY_DB_OCDS_H

#include <jansson.h>

#include "db/db.h"

/* The package of the programme's orders (program_id), the call
 * (call_id), or everything (both NULL); ids are validated text. */
int db_ocds_package(struct db *db, const char *program_id, const char *call_id,
    const char *prefix, const char *uri, const char *publisher, json_t **out);

/* [{program_id, name, budget_krw, committed_krw, paid_krw, gpu_target,
 *   gpus_ordered, gpus_accepted, gpus_in_service, milestones}] */
int db_ocds_progress(struct db *db, json_t **out);

#endif
