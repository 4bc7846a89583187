/* db_applicants.h -- companies that registered themselves for calls. */
#ifndef REGISTRY_DB_APPLICANTS_H
#define REGISTRY_DB_APPLICANTS_H

#include <stdint.h>
#include <jansson.h>

#include "db/db.h"

/* Attempts from addr in the last hour, then one more recorded; *retry is
 * the seconds until the oldest of them leaves the window. */
int db_applicants_attempt(struct db *db, const char *addr, int64_t *attempts, int64_t *retry);
/* Whether an organisation holds this registration number (country,
 * number): 1 yes, 0 no, -1 error. */
int db_applicants_taken(struct db *db, const char *country, const char *number);
/* Borrows fields; hash is the password's. *out {organization, user}. */
int db_applicants_register(struct db *db, const json_t *fields, const char *country,
    const char *number, const char *hash, json_t **out);
int db_applicants_list(struct db *db, int64_t after, int limit, json_t **rows);
/* reason NULL reinstates. *out NULL when org is no applicant, or it is
 * already in that state. */
int db_applicants_suspend(struct db *db, int64_t org_id, const char *reason, json_t **out);
int db_applicants_get(struct db *db, int64_t org_id, json_t **out);

#endif
