/* db_exports.c -- SQL of the exports' record (sql/0014). */
#include "exports/db_reports.h"

#include "db/db_stmts.h"
#include "lib/text.h"

const struct db_stmt db_exports_stmts[] = {
	/* The audit context db_begin() set is the export's, kept for the
	 * statement that completes it on another connection. */
	{ "export_start",
	  "WITH e AS (INSERT INTO exports (report, format, parameters, user_id,"
	  "      actor_org_id, actor_roles, channel, request_id, client_addr)"
	  "    VALUES ($2, $3, $4, $1,"
	  "      nullif(current_setting('registry.actor_org_id', true), '')::bigint,"
	  "      coalesce(nullif(current_setting('registry.actor_roles', true), '')::text[], '{}'),"
	  "      current_setting('registry.channel')::audit_channel,"
	  "      nullif(current_setting('registry.request_id', true), ''),"
	  "      nullif(current_setting('registry.client_addr', true), '')::inet)"
	  "    RETURNING id, started_at, user_id)"
	  " SELECT json_build_object('id', e.id, 'started', seoul_text(e.started_at),"
	  "        'user', u.name || ' <' || u.email || '>')::text"
	  "   FROM e JOIN users u ON u.id = e.user_id", 4 },
	{ "export_complete", "SELECT export_complete($1, $2, $3, $4::bytea)::int", 4 },
	{ "export_get",
	  "SELECT json_build_object('id', e.id, 'report', e.report, 'format', e.format,"
	  "       'parameters', e.parameters, 'user_id', e.user_id,"
	  "       'file', e.report || '-' || e.id || '.' || e.format,"
	  "       'user', u.name || ' <' || u.email || '>', 'started', seoul_text(e.started_at),"
	  "       'completed', seoul_text(e.completed_at), 'rows', e.row_count,"
	  "       'bytes', e.byte_count, 'sha256', encode(e.sha256, 'hex'))::text"
	  "  FROM exports e JOIN users u ON u.id = e.user_id WHERE e.id = $1", 1 },
	{ NULL, NULL, 0 }
};

int
db_exports_start(struct db *db, int64_t user_id, const char *report, const char *format,
    const char *parameters, json_t **out)
{
	return db_json_one(db, "export_start", DB_PARAMS(DB_INT(user_id), DB_STR(report),
	    DB_STR(format), DB_STR(parameters)), out);
}

int
db_exports_complete(struct db *db, int64_t id, uint64_t rows, uint64_t bytes,
    const unsigned char sha256[32])
{
	char hex[2 * 32 + 3];
	int64_t done = 0;

	text_bytea_hex(sha256, 32, hex, sizeof(hex));
	if (db_one_int(db, "export_complete", DB_PARAMS(DB_INT(id), DB_INT((int64_t)rows),
	    DB_INT((int64_t)bytes), DB_STR(hex)), &done) != 0)
		return -1;
	return done == 1 ? 0 : -1;
}

int
db_exports_get(struct db *db, int64_t id, json_t **out)
{
	return db_json_one_by_id(db, "export_get", id, out);
}
