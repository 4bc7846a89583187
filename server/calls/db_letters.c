/* db_letters.c -- SQL of letters of intent, their versions and files. */
#include "calls/db_letters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The members of letter c also named, by registration number and
 * country, in another letter of the same call that is not withdrawn. */
#define CONFLICTS \
	"(SELECT coalesce(jsonb_agg(DISTINCT m->>'registration_number'), '[]')" \
	"   FROM jsonb_array_elements(c.members) m" \
	"  WHERE c.action <> 'withdrawn' AND EXISTS (SELECT 1 FROM letters_current c2" \
	"    WHERE c2.call_id = c.call_id AND c2.id <> c.id AND c2.action <> 'withdrawn'" \
	"      AND c2.members @> jsonb_build_array(jsonb_build_object(" \
	"          'registration_number', m->>'registration_number', 'country', m->>'country'))))"

#define PDF_JSON(fid) \
	"(SELECT jsonb_build_object('sha256', encode(f.sha256, 'hex'), 'size', f.size)" \
	"   FROM call_files f WHERE f.id = " fid ")"

/* A letter as its company sees it; with $staff true, the conflicts too. */
#define LETTER_JSON(staff) \
	"(jsonb_build_object('id', c.id, 'call_id', c.call_id, 'reference', c.reference," \
	" 'organization', jsonb_build_object('id', o.id, 'name', o.name)," \
	" 'status', CASE c.action WHEN 'withdrawn' THEN 'withdrawn' ELSE 'active' END," \
	" 'version', c.version, 'filed_at', seoul_text(c.first_at)," \
	" 'contact', c.contact, 'summary', c.summary, 'members', c.members," \
	" 'pdf', " PDF_JSON("c.file_id") ", 'withdrawal_reason', c.reason," \
	" 'acknowledgement', jsonb_build_object('reference', c.version_reference," \
	"   'version', c.version, 'action', c.action, 'received_at', seoul_text(c.received_at)))" \
	" || CASE WHEN " staff " THEN jsonb_build_object('conflicts', " CONFLICTS ")" \
	"    ELSE '{}'::jsonb END)::text" \
	" FROM letters_current c JOIN organizations o ON o.id = c.organization_id"

const struct db_stmt db_letters_stmts[] = {
	{ "letters_lock_org",
	  "SELECT l.id, (SELECT v.action FROM letter_versions v WHERE v.letter_id = l.id"
	  "   AND v.version = l.version) FROM letters l"
	  " WHERE l.call_id = $1 AND l.organization_id = $2 FOR UPDATE", 2 },
	{ "letters_lock",
	  "SELECT l.id, (SELECT v.action FROM letter_versions v WHERE v.letter_id = l.id"
	  "   AND v.version = l.version) FROM letters l"
	  " WHERE l.call_id = $1 AND l.id = $2"
	  "   AND ($3::bigint IS NULL OR l.organization_id = $3::bigint) FOR UPDATE", 3 },
	{ "letters_create",
	  "INSERT INTO letters (call_id, organization_id) VALUES ($1, $2) RETURNING id", 2 },
	{ "letters_add_version",
	  "WITH l AS (UPDATE letters SET version = version + 1 WHERE id = $1"
	  "           RETURNING id, reference, version),"
	  " prev AS (SELECT v.* FROM letter_versions v, l"
	  "           WHERE v.letter_id = l.id AND v.version = l.version - 1)"
	  " INSERT INTO letter_versions (letter_id, version, action, reference, received_at,"
	  "   user_id, contact, summary, members, file_id, reason)"
	  " SELECT l.id, l.version, $2, l.reference || '-V' || l.version, $3, $4,"
	  "   coalesce($5::jsonb, prev.contact), coalesce($6, prev.summary),"
	  "   coalesce($7::jsonb, prev.members),"
	  "   CASE WHEN $8::bigint IS NOT NULL OR $2 = 'filed' THEN $8::bigint"
	  "        ELSE prev.file_id END, $9"
	  "   FROM l LEFT JOIN prev ON true", 9 },
	{ "letters_get",
	  "SELECT " LETTER_JSON("$4::bool")
	  " WHERE c.call_id = $1 AND c.id = $2"
	  "   AND ($3::bigint IS NULL OR c.organization_id = $3::bigint)", 4 },
	{ "letters_list",
	  "SELECT " LETTER_JSON("$2::bigint IS NULL")
	  " WHERE c.call_id = $1 AND ($2::bigint IS NULL OR c.organization_id = $2::bigint)"
	  "   AND ($3::text IS NULL OR CASE c.action WHEN 'withdrawn' THEN 'withdrawn'"
	  "        ELSE 'active' END = $3)"
	  "   AND ($4::bool IS NULL OR (" CONFLICTS " <> '[]'::jsonb) = $4::bool)"
	  "   AND ($5::text IS NULL OR c.members @> jsonb_build_array("
	  "        jsonb_build_object('registration_number', $5::text)))"
	  "   AND c.id > $6 ORDER BY c.id LIMIT $7", 7 },
	{ "letters_versions",
	  "SELECT jsonb_build_object('version', v.version, 'action', v.action,"
	  " 'reference', v.reference, 'received_at', seoul_text(v.received_at),"
	  " 'user', jsonb_build_object('id', u.id, 'name', u.name),"
	  " 'contact', v.contact, 'summary', v.summary, 'members', v.members,"
	  " 'pdf', " PDF_JSON("v.file_id") ", 'reason', v.reason)::text"
	  " FROM letters l JOIN letter_versions v ON v.letter_id = l.id"
	  " JOIN users u ON u.id = v.user_id"
	  " WHERE l.call_id = $1 AND l.id = $2"
	  "   AND ($3::bigint IS NULL OR l.organization_id = $3::bigint)"
	  " ORDER BY v.version", 3 },
	{ "letters_pdf",
	  "SELECT f.content, encode(f.sha256, 'hex') FROM letters_current c"
	  " JOIN call_files f ON f.id = c.file_id"
	  " WHERE c.call_id = $1 AND c.id = $2"
	  "   AND ($3::bigint IS NULL OR c.organization_id = $3::bigint)", 3 },
	{ "call_files_add",
	  "INSERT INTO call_files (organization_id, uploaded_by, size, sha256, content)"
	  " VALUES ($1, $2, $3, decode($4, 'hex'), $5::bytea) RETURNING id", 5 },
	{ DB_LETTERS_EXPORT,
	  "SELECT c.reference, o.name, a.registration_number,"
	  " CASE c.action WHEN 'withdrawn' THEN 'withdrawn' ELSE 'active' END, c.version,"
	  " seoul_text(c.first_at), seoul_text(c.received_at), c.contact->>'name',"
	  " c.contact->>'email', c.summary,"
	  " (SELECT string_agg(format('%s (%s, %s)', m->>'name', m->>'registration_number',"
	  "   m->>'role'), '; ') FROM jsonb_array_elements(c.members) m),"
	  " (SELECT string_agg(x, '; ') FROM jsonb_array_elements_text(" CONFLICTS ") x)"
	  " FROM letters_current c JOIN organizations o ON o.id = c.organization_id"
	  " LEFT JOIN applicants a ON a.organization_id = o.id"
	  " WHERE c.call_id = $1 ORDER BY c.id", 1 },
	{ NULL, NULL, 0 }
};

static int
lock_result(PGresult *res, int64_t *id, bool *withdrawn)
{
	int rc = 1;

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		if (id != NULL)
			*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		*withdrawn = strcmp(PQgetvalue(res, 0, 1), "withdrawn") == 0;
		rc = 0;
	}
	PQclear(res);
	return rc;
}

int
db_letters_lock_org(struct db *db, int64_t call_id, int64_t org_id, int64_t *id,
    bool *withdrawn)
{
	int rc;

	*id = 0;
	rc = lock_result(db_exec(db, "letters_lock_org", DB_PARAMS(DB_INT(call_id),
	    DB_INT(org_id))), id, withdrawn);
	return rc < 0 ? -1 : 0;
}

int
db_letters_lock(struct db *db, int64_t call_id, int64_t id, int64_t org, bool *withdrawn)
{
	return lock_result(db_exec(db, "letters_lock", DB_PARAMS(DB_INT(call_id), DB_INT(id),
	    DB_OPT_INT(org != 0, org))), NULL, withdrawn);
}

int
db_letters_create(struct db *db, int64_t call_id, int64_t org_id, int64_t *id)
{
	return db_one_int(db, "letters_create", DB_PARAMS(DB_INT(call_id), DB_INT(org_id)), id);
}

int
db_letters_add_version(struct db *db, int64_t id, const struct letter_version *v)
{
	return db_run(db, "letters_add_version", DB_PARAMS(DB_INT(id), DB_STR(v->action),
	    DB_STR(v->at), DB_INT(v->user_id), DB_STR(v->contact), DB_STR(v->summary),
	    DB_STR(v->members), DB_OPT_INT(v->file_id != 0, v->file_id), DB_STR(v->reason)));
}

int
db_letters_get(struct db *db, int64_t call_id, int64_t id, int64_t org, json_t **letter)
{
	return db_json_one(db, "letters_get", DB_PARAMS(DB_INT(call_id), DB_INT(id),
	    DB_OPT_INT(org != 0, org), DB_BOOL(org == 0)), letter);
}

int
db_letters_list(struct db *db, const struct letter_filter *f, json_t **rows)
{
	return db_json_rows(db, "letters_list", DB_PARAMS(DB_INT(f->call_id),
	    DB_OPT_INT(f->org != 0, f->org), DB_STR(f->status), DB_STR(f->flagged),
	    DB_STR(f->member), DB_INT(f->after), DB_INT(f->limit)), rows);
}

int
db_letters_versions(struct db *db, int64_t call_id, int64_t id, int64_t org, json_t **rows)
{
	return db_json_rows(db, "letters_versions", DB_PARAMS(DB_INT(call_id), DB_INT(id),
	    DB_OPT_INT(org != 0, org)), rows);
}

int
db_call_file(struct db *db, const char *stmt, const struct db_param *p, size_t n,
    PGresult **res)
{
	*res = db_exec_binary(db, stmt, p, n, NULL, 0, 1);
	if (*res == NULL)
		return -1;
	if (PQntuples(*res) == 0) {
		PQclear(*res);
		*res = NULL;
	}
	return 0;
}

int
db_letters_pdf(struct db *db, int64_t call_id, int64_t id, int64_t org, PGresult **res)
{
	return db_call_file(db, "letters_pdf", DB_PARAMS(DB_INT(call_id), DB_INT(id),
	    DB_OPT_INT(org != 0, org)), res);
}

int
db_call_files_add(struct db *db, int64_t org_id, int64_t user_id, const char *buf, size_t len,
    const char *sha256, int64_t *id)
{
	PGresult *res = db_exec_binary(db, "call_files_add", DB_PARAMS(DB_INT(org_id),
	    DB_INT(user_id), DB_INT((int64_t)len), DB_STR(sha256)), buf, len, 0);

	if (res == NULL)
		return -1;
	*id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}
