/* db_guidelines.c -- SQL of the guidelines and their downloads. */
#include "calls/db_guidelines.h"

#include "calls/db_letters.h"

#include <stdio.h>
#include <stdlib.h>

#define VERSION_JSON \
	"json_build_object('version', g.version, 'note', g.note," \
	" 'sha256', encode(f.sha256, 'hex'), 'size', f.size," \
	" 'uploaded_at', seoul_text(g.uploaded_at))::text"

const struct db_stmt db_guidelines_stmts[] = {
	{ "guidelines_verdict",
	  "SELECT guidelines_verdict(c, $2, $3::timestamptz), seoul_text(c.guidelines_release_at),"
	  " seoul_text(c.loi_deadline) FROM calls c"
	  " WHERE c.id = $1 AND c.published_at IS NOT NULL", 3 },
	{ "guidelines_add",
	  "WITH g AS (INSERT INTO guideline_versions (call_id, version, file_id, note,"
	  "   uploaded_at, uploaded_by)"
	  "   SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5"
	  "     FROM guideline_versions WHERE call_id = $1 RETURNING *)"
	  " SELECT " VERSION_JSON " FROM g JOIN call_files f ON f.id = g.file_id", 5 },
	{ "guidelines_versions",
	  "SELECT " VERSION_JSON " FROM guideline_versions g JOIN call_files f ON f.id = g.file_id"
	  " WHERE g.call_id = $1 ORDER BY g.version", 1 },
	{ "guidelines_file",
	  "SELECT f.content, encode(f.sha256, 'hex'), g.id::text, g.version::text"
	  " FROM guideline_versions g JOIN call_files f ON f.id = g.file_id"
	  " WHERE g.call_id = $1 AND ($2::int = 0 OR g.version = $2::int)"
	  " ORDER BY g.version DESC LIMIT 1", 2 },
	{ "guidelines_download_add",
	  "INSERT INTO guideline_downloads (call_id, guideline_version_id, organization_id,"
	  " user_id, at, client_addr) VALUES ($1, $2, $3, $4, $5, nullif($6, '')::inet)", 6 },
	{ "guidelines_downloads",
	  "SELECT json_build_object('id', d.id, 'version', g.version,"
	  " 'organization', json_build_object('id', o.id, 'name', o.name),"
	  " 'user', json_build_object('id', u.id, 'name', u.name, 'email', u.email),"
	  " 'at', seoul_text(d.at), 'client_addr', host(d.client_addr))::text"
	  " FROM guideline_downloads d JOIN guideline_versions g ON g.id = d.guideline_version_id"
	  " JOIN organizations o ON o.id = d.organization_id JOIN users u ON u.id = d.user_id"
	  " WHERE d.call_id = $1 AND d.id > $2 ORDER BY d.id LIMIT $3", 3 },
	{ NULL, NULL, 0 }
};

int
db_guidelines_verdict(struct db *db, int64_t call_id, int64_t org_id, const char *at,
    struct db_guidelines_verdict *v)
{
	PGresult *res = db_exec(db, "guidelines_verdict", DB_PARAMS(DB_INT(call_id),
	    DB_INT(org_id), DB_STR(at)));
	int rc = 1;

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		snprintf(v->verdict, sizeof(v->verdict), "%s", PQgetvalue(res, 0, 0));
		snprintf(v->release_at, sizeof(v->release_at), "%s", PQgetvalue(res, 0, 1));
		snprintf(v->loi_deadline, sizeof(v->loi_deadline), "%s", PQgetvalue(res, 0, 2));
		rc = 0;
	}
	PQclear(res);
	return rc;
}

int
db_guidelines_add(struct db *db, int64_t call_id, int64_t file_id, const char *note,
    const char *at, int64_t user_id, json_t **out)
{
	return db_json_one(db, "guidelines_add", DB_PARAMS(DB_INT(call_id), DB_INT(file_id),
	    DB_STR(note), DB_STR(at), DB_INT(user_id)), out);
}

int
db_guidelines_versions(struct db *db, int64_t call_id, json_t **rows)
{
	return db_json_rows_by_id(db, "guidelines_versions", call_id, rows);
}

int
db_guidelines_file(struct db *db, int64_t call_id, int64_t version, PGresult **res)
{
	return db_call_file(db, "guidelines_file", DB_PARAMS(DB_INT(call_id), DB_INT(version)),
	    res);
}

int
db_guidelines_download_add(struct db *db, int64_t call_id, int64_t version_id,
    const struct session *s, const char *at, const char *addr)
{
	return db_run(db, "guidelines_download_add", DB_PARAMS(DB_INT(call_id),
	    DB_INT(version_id), DB_INT(s->org_id), DB_INT(s->user_id), DB_STR(at), DB_STR(addr)));
}

int
db_guidelines_downloads(struct db *db, int64_t call_id, int64_t after, int limit,
    json_t **rows)
{
	return db_json_rows(db, "guidelines_downloads", DB_PARAMS(DB_INT(call_id), DB_INT(after),
	    DB_INT(limit)), rows);
}
