/* db_guidelines.h -- the call guidelines (versions of a PDF with a note)
 * and the record of every download. */
#ifndef REGISTRY_DB_GUIDELINES_H
#define REGISTRY_DB_GUIDELINES_H

#include <stdint.h>
#include <jansson.h>

#include "db/db.h"
#include "lib/roles.h"

/* Whether org may have the guidelines of call id at `at`: verdict is
 * ok, not_released, no_letter, late or withdrawn (sql/0007
 * guidelines_verdict); the release and deadline in Seoul time. 0, 1 when
 * there is no published call, -1. */
struct db_guidelines_verdict {
	char verdict[16];
	char release_at[32];
	char loi_deadline[32];
};
int db_guidelines_verdict(struct db *db, int64_t call_id, int64_t org_id, const char *at,
    struct db_guidelines_verdict *v);

/* A new version of the call's guidelines; the call is locked first by
 * the caller. *out is the version's JSON. */
int db_guidelines_add(struct db *db, int64_t call_id, int64_t file_id, const char *note,
    const char *at, int64_t user_id, json_t **out);
int db_guidelines_versions(struct db *db, int64_t call_id, json_t **rows);
/* The file of version (0: the latest): *res columns content (binary),
 * sha256 hex, version id, version number; NULL when there is none. */
int db_guidelines_file(struct db *db, int64_t call_id, int64_t version, PGresult **res);
int db_guidelines_download_add(struct db *db, int64_t call_id, int64_t version_id,
    const struct session *s, const char *at, const char *addr);
int db_guidelines_downloads(struct db *db, int64_t call_id, int64_t after, int limit,
    json_t **rows);

#endif
