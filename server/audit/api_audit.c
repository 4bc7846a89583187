/* api_audit.c -- /api/v1/audit-events: the trail, newest first. */
#include "core/api.h"
#include "audit/audit.h"

#include "audit/db_audit.h"

/* GET /api/v1/audit-events */
void
api_audit_list(struct req *r)
{
	static const char *const known[] = {
		"table", "record_id", "actor_user_id", "limit", "cursor", NULL
	};
	struct audit_filter f = { 0 };
	json_t *rows = NULL;
	int64_t actor;
	bool has_actor;

	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &f.limit, &f.before) != 0 ||
	    validate_query_id_or_reply(r, "actor_user_id", &actor, &has_actor) != 0)
		return;
	f.table = req_query(r, "table");
	f.record_id = req_query(r, "record_id");
	f.actor_user_id = req_query(r, "actor_user_id");
	f.limit++;
	if (db_audit_list(r->db, &f, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, f.limit - 1);
}
