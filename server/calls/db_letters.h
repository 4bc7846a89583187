/* db_letters.h -- letters of intent and their versions, and the PDFs of
 * letters and guidelines (call_files), in the database. Statements that
 * a company may run take its organisation as `org`, and 0 for ministry
 * staff: no handler can leave the filter out. */
#ifndef REGISTRY_DB_LETTERS_H
#define REGISTRY_DB_LETTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "db/db.h"
#include "lib/roles.h"

struct letter_filter {
	int64_t call_id;
	int64_t org;             /* scope: 0 for staff */
	const char *status;      /* active, withdrawn, or NULL */
	const char *flagged;     /* "true", "false" or NULL */
	const char *member;      /* a member's registration number, or NULL */
	int64_t after;
	int limit;               /* page size + 1 */
};

/* One version to write. NULL members keep the previous version's. */
struct letter_version {
	const char *action;      /* filed, amended, withdrawn */
	const char *at;
	int64_t user_id;
	const char *contact;     /* JSON text */
	const char *summary;
	const char *members;     /* JSON text */
	int64_t file_id;         /* 0: keep the previous one (none for a filing) */
	const char *reason;
};

/* The letter of org for the call, locked: *id 0 when it has none;
 * *withdrawn whether its last version is a withdrawal. */
int db_letters_lock_org(struct db *db, int64_t call_id, int64_t org_id, int64_t *id,
    bool *withdrawn);
/* The letter id of the call, if org (0: anyone's) holds it, locked.
 * 0, 1 when there is none in scope, -1. */
int db_letters_lock(struct db *db, int64_t call_id, int64_t id, int64_t org,
    bool *withdrawn);
int db_letters_create(struct db *db, int64_t call_id, int64_t org_id, int64_t *id);
int db_letters_add_version(struct db *db, int64_t id, const struct letter_version *v);

/* *letter NULL when none in scope. staff adds the conflicts. */
int db_letters_get(struct db *db, int64_t call_id, int64_t id, int64_t org, json_t **letter);
int db_letters_list(struct db *db, const struct letter_filter *f, json_t **rows);
/* NULL when the letter is not in scope. */
int db_letters_versions(struct db *db, int64_t call_id, int64_t id, int64_t org,
    json_t **rows);
/* The current PDF of a letter in scope: *res holds it in column 0 (binary)
 * and its hex SHA-256 in column 1; NULL when there is none. */
int db_letters_pdf(struct db *db, int64_t call_id, int64_t id, int64_t org, PGresult **res);

/* Runs stmt, whose results come in binary (a file's bytes in column 0,
 * text columns after it): *res, or NULL when it gave no row. */
int db_call_file(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    PGresult **res);

/* Stores a file; *id is its id. buf is the content, sha256 its hex hash. */
int db_call_files_add(struct db *db, int64_t org_id, int64_t user_id, const char *buf,
    size_t len, const char *sha256, int64_t *id);

/* The statement behind the CSV export of letters: call, org scope. */
#define DB_LETTERS_EXPORT "letters_export"

#endif
