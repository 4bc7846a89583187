/* db_applicants.c -- SQL of companies that registered themselves. */
#include "calls/db_applicants.h"

#include <stdlib.h>

#define APPLICANT_JSON \
	"json_build_object('id', o.id, 'name_ko', o.name, 'name_en', a.name_en," \
	" 'country', a.country, 'registration_number', a.registration_number," \
	" 'representative', a.representative, 'address', a.address, 'active', o.active," \
	" 'suspended_at', seoul_text(a.suspended_at), 'suspension_reason', a.suspension_reason," \
	" 'registered_at', seoul_text(a.created_at))"

const struct db_stmt db_applicants_stmts[] = {
	{ "applicants_attempts",
	  "SELECT count(*), coalesce(ceil(extract(epoch FROM min(at) + interval '1 hour'"
	  "  - now())), 0) FROM registration_attempts"
	  " WHERE client_addr IS NOT DISTINCT FROM nullif($1, '')::inet"
	  "   AND at > now() - interval '1 hour'", 1 },
	{ "applicants_attempt_add",
	  "WITH pruned AS (DELETE FROM registration_attempts WHERE at < now() - interval '1 day')"
	  " INSERT INTO registration_attempts (client_addr) VALUES (nullif($1, '')::inet)", 1 },
	{ "applicants_taken",
	  "SELECT count(*) FROM organizations o"
	  " WHERE (o.country = $1 AND o.registration_number = $2)"
	  "    OR EXISTS (SELECT 1 FROM applicants a WHERE a.country = $1"
	  "               AND a.registration_number = $2)", 2 },
	{ "applicants_register",
	  "WITH o AS (INSERT INTO organizations (name, kind, registration_number, country)"
	  "           VALUES ($1, 'vendor', $3, $2) RETURNING *),"
	  " a AS (INSERT INTO applicants (organization_id, name_en, country, registration_number,"
	  "       representative, address) SELECT o.id, $4, $2, $3, $5, $6 FROM o RETURNING *),"
	  " u AS (INSERT INTO users (email, name, organization_id, roles, password_hash)"
	  "       SELECT $7, $8, o.id, '{vendor}', $9 FROM o RETURNING *)"
	  " SELECT json_build_object('organization', " APPLICANT_JSON ","
	  " 'user', json_build_object('id', u.id, 'email', u.email, 'name', u.name,"
	  "  'roles', u.roles))::text FROM o, a, u", 9 },
	{ "applicants_list",
	  "SELECT " APPLICANT_JSON "::text FROM applicants a"
	  " JOIN organizations o ON o.id = a.organization_id"
	  " WHERE o.id > $1 ORDER BY o.id LIMIT $2", 2 },
	{ "applicants_get",
	  "SELECT " APPLICANT_JSON "::text FROM applicants a"
	  " JOIN organizations o ON o.id = a.organization_id WHERE o.id = $1", 1 },
	{ "applicants_suspend",
	  "WITH a AS (UPDATE applicants SET suspended_at = CASE WHEN $2::text IS NULL THEN NULL"
	  "             ELSE now() END, suspension_reason = $2"
	  "           WHERE organization_id = $1 AND (suspended_at IS NULL) = ($2::text IS NOT NULL)"
	  "           RETURNING *),"
	  " o AS (UPDATE organizations SET active = ($2::text IS NULL)"
	  "        WHERE id IN (SELECT organization_id FROM a) RETURNING *)"
	  " SELECT " APPLICANT_JSON "::text FROM a JOIN o ON o.id = a.organization_id", 2 },
	{ NULL, NULL, 0 }
};

int
db_applicants_attempt(struct db *db, const char *addr, int64_t *attempts, int64_t *retry)
{
	PGresult *res = db_exec(db, "applicants_attempts", DB_PARAMS(DB_STR(addr)));

	if (res == NULL)
		return -1;
	*attempts = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	*retry = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	return db_run(db, "applicants_attempt_add", DB_PARAMS(DB_STR(addr)));
}

int
db_applicants_taken(struct db *db, const char *country, const char *number)
{
	int64_t n;

	if (db_one_int(db, "applicants_taken", DB_PARAMS(DB_STR(country), DB_STR(number)),
	    &n) != 0)
		return -1;
	return n > 0;
}

int
db_applicants_register(struct db *db, const json_t *fields, const char *country,
    const char *number, const char *hash, json_t **out)
{
	return db_json_one(db, "applicants_register", DB_PARAMS(DB_JSON_STR(fields, "name_ko"),
	    DB_STR(country), DB_STR(number), DB_JSON_STR(fields, "name_en"),
	    DB_JSON_STR(fields, "representative"), DB_JSON_STR(fields, "address"),
	    DB_JSON_STR(fields, "user_email"), DB_JSON_STR(fields, "user_name"), DB_STR(hash)),
	    out);
}

int
db_applicants_list(struct db *db, int64_t after, int limit, json_t **rows)
{
	return db_json_rows(db, "applicants_list", DB_PARAMS(DB_INT(after), DB_INT(limit)), rows);
}

int
db_applicants_suspend(struct db *db, int64_t org_id, const char *reason, json_t **out)
{
	return db_json_one(db, "applicants_suspend", DB_PARAMS(DB_INT(org_id), DB_STR(reason)),
	    out);
}

int
db_applicants_get(struct db *db, int64_t org_id, json_t **out)
{
	return db_json_one_by_id(db, "applicants_get", org_id, out);
}
