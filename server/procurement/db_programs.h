/* db_programs.h -- programmes, their milestones and their progress. */
#ifndef REGISTRY_DB_PROGRAMS_H
#define REGISTRY_DB_PROGRAMS_H

#include <stdint.h>
#include <jansson.h>

#include "db/db.h"

int db_programs_list(struct db *db, int64_t after, int limit, json_t **rows);
/* *program is NULL when there is none. */
int db_programs_get(struct db *db, int64_t id, json_t **program);
/* Borrows fields (validated); *id gets the new programme's id. */
int db_programs_create(struct db *db, const json_t *fields, int64_t *id);
/* Locks the programme row; *version is 0 when there is none. */
int db_programs_lock(struct db *db, int64_t id, int64_t *version);
int db_programs_update(struct db *db, int64_t id, const json_t *fields);
/* Replaces the milestones with fields' "milestones" array. */
int db_programs_milestones(struct db *db, int64_t id, const json_t *milestones);
int db_programs_progress(struct db *db, int64_t id, json_t **progress);

#endif
