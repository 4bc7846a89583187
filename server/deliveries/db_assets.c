/* db_assets.c -- SQL of assets.
 *
 * The list must stay fast at 10 million rows. Each filter has an index
 * (x, id) in sql/0002 (serial: assets_serial_key), and the list is one
 * statement with "($n IS NULL OR x = $n)" per filter, ordered by id from
 * the cursor. PostgreSQL plans such a statement for the values given
 * (a custom plan: the absent filters fold away), so the filter that names
 * the fewest rows drives through its index, or the primary key when the
 * filters are common values and a page fills at once. A generic plan
 * could use none of the indexes, but it is costed far above the custom
 * ones and never chosen: measured at 3 million assets, every filter
 * answers a page in under a millisecond (docs/ARCHITECTURE.md). */
#include "deliveries/db_assets.h"

#include <stdio.h>

#include "db/db_stmts.h"
#include "log.h"

#define ASSET_FIELDS \
	"'id', a.id, 'serial', a.serial, 'gpu_model_id', a.gpu_model_id," \
	" 'model', g.model, 'status', a.status, 'status_reason', a.status_reason," \
	" 'warranty_ends_on', a.warranty_ends_on, 'site_id', a.site_id," \
	" 'tenant_id', a.tenant_id, 'program_id', a.program_id, 'vendor_id', a.vendor_id," \
	" 'purchase_order_id', a.purchase_order_id, 'purchase_order_reference', p.reference," \
	" 'purchase_order_line_id', a.purchase_order_line_id, 'delivery_id', a.delivery_id," \
	" 'delivery_unit_id', a.delivery_unit_id, 'accepted_at', a.accepted_at," \
	" 'created_at', a.created_at, 'updated_at', a.updated_at"

#define ASSET_JSON "json_build_object(" ASSET_FIELDS ")"

#define ASSET_FROM \
	" FROM assets a JOIN gpu_models g ON g.id = a.gpu_model_id" \
	" JOIN purchase_orders p ON p.id = a.purchase_order_id"

/* $1 cursor, $2 limit, $3 serial, $4 model, $5 status, $6 site, $7 tenant,
 * $8 vendor, $9 programme, $10 PO. */
#define ASSET_LIST \
	"SELECT " ASSET_JSON "::text, a.id" ASSET_FROM \
	" WHERE a.id > $1" \
	"   AND ($3::text IS NULL OR upper(a.serial) = upper($3::text))" \
	"   AND ($4::bigint IS NULL OR a.gpu_model_id = $4::bigint)" \
	"   AND ($5::asset_status IS NULL OR a.status = $5::asset_status)" \
	"   AND ($6::bigint IS NULL OR a.site_id = $6::bigint)" \
	"   AND ($7::bigint IS NULL OR a.tenant_id = $7::bigint)" \
	"   AND ($8::bigint IS NULL OR a.vendor_id = $8::bigint)" \
	"   AND ($9::bigint IS NULL OR a.program_id = $9::bigint)" \
	"   AND ($10::bigint IS NULL OR a.purchase_order_id = $10::bigint)" \
	" ORDER BY a.id LIMIT $2"

/* The whole filtered register for a download, one row a GPU, in the
 * columns of ASSET_CSV_COLUMNS (db_assets.h); $1-$8 as $3-$10 above. */
#define ASSET_EXPORT \
	"SELECT a.id, a.serial, g.manufacturer, g.model, a.status, a.status_reason," \
	"       a.warranty_ends_on, a.site_id, s.name, a.tenant_id, t.name," \
	"       a.program_id, a.vendor_id, v.name, a.purchase_order_id, p.reference," \
	"       a.delivery_id, to_char(a.accepted_at AT TIME ZONE 'Asia/Seoul'," \
	"                              'YYYY-MM-DD\"T\"HH24:MI:SS+09:00')" \
	ASSET_FROM " JOIN organizations v ON v.id = a.vendor_id" \
	" LEFT JOIN sites s ON s.id = a.site_id" \
	" LEFT JOIN organizations t ON t.id = a.tenant_id" \
	" WHERE ($1::text IS NULL OR upper(a.serial) = upper($1::text))" \
	"   AND ($2::bigint IS NULL OR a.gpu_model_id = $2::bigint)" \
	"   AND ($3::asset_status IS NULL OR a.status = $3::asset_status)" \
	"   AND ($4::bigint IS NULL OR a.site_id = $4::bigint)" \
	"   AND ($5::bigint IS NULL OR a.tenant_id = $5::bigint)" \
	"   AND ($6::bigint IS NULL OR a.vendor_id = $6::bigint)" \
	"   AND ($7::bigint IS NULL OR a.program_id = $7::bigint)" \
	"   AND ($8::bigint IS NULL OR a.purchase_order_id = $8::bigint)" \
	" ORDER BY a.id"

const struct db_stmt db_assets_stmts[] = {
	{ "asset_list", ASSET_LIST, 10 },
	{ "asset_export", ASSET_EXPORT, 8 },
	/* One json_build_object, not a jsonb concatenation: a third faster,
	 * and its text is sent as it is (db_assets_get_text). */
	{ "asset_get",
	  "SELECT json_build_object(" ASSET_FIELDS ", 'manufacturer', g.manufacturer,"
	  "        'vendor_name', v.name, 'tenant_name', t.name,"
	  "        'next_statuses', coalesce((SELECT json_agg(x.to_status ORDER BY x.to_status)"
	  "           FROM asset_transitions x WHERE x.from_status = a.status), '[]'))::text"
	  ASSET_FROM " JOIN organizations v ON v.id = a.vendor_id"
	  " LEFT JOIN organizations t ON t.id = a.tenant_id WHERE a.id = $1", 1 },
	{ "asset_lock",
	  "SELECT json_build_object('status', a.status, 'tenant_id', a.tenant_id, 'allowed',"
	  "       (SELECT string_agg(x.to_status::text, ', ' ORDER BY x.to_status)"
	  "          FROM asset_transitions x WHERE x.from_status = a.status))::text"
	  "  FROM assets a WHERE a.id = $1 FOR UPDATE OF a", 1 },
	/* The reason belongs to this move only: a reason given for an earlier
	 * one must not let a move that needs one through. */
	{ "asset_set_status",
	  "UPDATE assets SET status = $2::asset_status, status_reason = $3 WHERE id = $1", 3 },
	/* Inserts and the updates that changed status, site or tenant; other
	 * updates (timestamps only) are not history a person asks for. */
	{ "asset_history",
	  "SELECT json_build_object('id', e.id, 'at', e.at, 'action', e.action,"
	  "       'status', e.after ->> 'status', 'previous_status', e.before ->> 'status',"
	  "       'reason', e.after ->> 'status_reason',"
	  "       'site_id', (e.after ->> 'site_id')::bigint,"
	  "       'previous_site_id', (e.before ->> 'site_id')::bigint,"
	  "       'tenant_id', (e.after ->> 'tenant_id')::bigint,"
	  "       'previous_tenant_id', (e.before ->> 'tenant_id')::bigint,"
	  "       'actor', json_build_object('user_id', e.actor_user_id, 'name', u.name,"
	  "                                  'organization_id', e.actor_org_id),"
	  "       'channel', e.channel, 'request_id', e.request_id)::text"
	  "  FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id"
	  " WHERE e.table_name = 'assets' AND e.record_id = $1 AND e.id > $2"
	  "   AND (e.action <> 'update'"
	  "        OR e.before -> 'status' IS DISTINCT FROM e.after -> 'status'"
	  "        OR e.before -> 'site_id' IS DISTINCT FROM e.after -> 'site_id'"
	  "        OR e.before -> 'tenant_id' IS DISTINCT FROM e.after -> 'tenant_id')"
	  " ORDER BY e.id LIMIT $3", 3 },
	{ NULL, NULL, 0 }
};

int
db_assets_list(struct db *db, const struct asset_filter *f, struct db_text_page *page)
{
	return db_text_page(db, "asset_list", DB_PARAMS(DB_INT(f->after), DB_INT(f->limit + 1),
	    DB_STR(f->serial), DB_STR(f->gpu_model_id), DB_STR(f->status), DB_STR(f->site_id),
	    DB_STR(f->tenant_id), DB_STR(f->vendor_id), DB_STR(f->program_id),
	    DB_STR(f->purchase_order_id)), f->limit, page);
}

int
db_assets_export(const struct asset_filter *f, struct db_rows **rows)
{
	char err[256];
	int rc = db_rows_open("asset_export", DB_PARAMS(DB_STR(f->serial),
	    DB_STR(f->gpu_model_id), DB_STR(f->status), DB_STR(f->site_id), DB_STR(f->tenant_id),
	    DB_STR(f->vendor_id), DB_STR(f->program_id), DB_STR(f->purchase_order_id)), rows,
	    err, sizeof(err));

	if (rc < 0)
		log_warn("asset export: %s\n", err);
	return rc;
}

int
db_assets_get(struct db *db, int64_t id, json_t **asset)
{
	return db_json_one(db, "asset_get", DB_PARAMS(DB_INT(id)), asset);
}

int
db_assets_get_text(struct db *db, int64_t id, char **asset, size_t *len)
{
	return db_text_one(db, "asset_get", DB_PARAMS(DB_INT(id)), asset, len);
}

int
db_assets_lock(struct db *db, int64_t id, json_t **current)
{
	return db_json_one(db, "asset_lock", DB_PARAMS(DB_INT(id)), current);
}

int
db_assets_set_status(struct db *db, int64_t id, const char *status, const char *reason)
{
	return db_run(db, "asset_set_status", DB_PARAMS(DB_INT(id), DB_STR(status),
	    DB_STR(reason)));
}

int
db_assets_history(struct db *db, int64_t id, int64_t after, int limit, json_t **rows)
{
	return db_json_rows(db, "asset_history", DB_PARAMS(DB_INT(id), DB_INT(after),
	    DB_INT(limit)), rows);
}
