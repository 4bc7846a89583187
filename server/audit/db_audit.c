/* db_audit.c -- SQL of the audit trail. */
#include "audit/db_audit.h"

#include "db/db_stmts.h"

const struct db_stmt db_audit_stmts[] = {
	{ "audit_list",
	  "SELECT json_build_object('id', id, 'at', at, 'actor_user_id', actor_user_id,"
	  "       'actor_org_id', actor_org_id, 'actor_roles', actor_roles,"
	  "       'channel', channel, 'request_id', request_id,"
	  "       'client_addr', host(client_addr), 'table_name', table_name,"
	  "       'record_id', record_id, 'action', action, 'before', before,"
	  "       'after', after)::text"
	  "  FROM audit_events"
	  " WHERE ($1::bigint = 0 OR id < $1::bigint)"
	  "   AND ($3::text IS NULL OR table_name = $3)"
	  "   AND ($4::text IS NULL OR record_id = $4)"
	  "   AND ($5::bigint IS NULL OR actor_user_id = $5::bigint)"
	  " ORDER BY id DESC LIMIT $2", 5 },
	{ NULL, NULL, 0 }
};

int
db_audit_list(struct db *db, const struct audit_filter *f, json_t **rows)
{
	return db_json_rows(db, "audit_list", DB_PARAMS(DB_INT(f->before), DB_INT(f->limit),
	    DB_STR(f->table), DB_STR(f->record_id), DB_STR(f->actor_user_id)), rows);
}
