/* db_assets.h -- the asset registry in the database: one row per accepted
 * GPU, its state machine (sql/0002), its history from the audit trail. */
#ifndef REGISTRY_DB_ASSETS_H
#define REGISTRY_DB_ASSETS_H

#include <stdint.h>
#include <jansson.h>

#include "db/db.h"
#include "db/rows.h"

/* Filters of the list; NULL = any. Numbers are validated ids as text. */
struct asset_filter {
	int64_t after;
	int limit;               /* the page size */
	const char *serial;      /* exact, whatever the case */
	const char *gpu_model_id;
	const char *status;
	const char *site_id;
	const char *tenant_id;
	const char *vendor_id;
	const char *program_id;
	const char *purchase_order_id;
};

int db_assets_list(struct db *db, const struct asset_filter *f, struct db_text_page *page);

/* The columns of a download of the register, in the order of its rows. */
#define ASSET_CSV_COLUMNS \
	"id", "serial", "manufacturer", "model", "status", "status_reason", \
	"warranty_ends_on", "site_id", "site_name", "tenant_id", "tenant_name", \
	"program_id", "vendor_id", "vendor_name", "purchase_order_id", \
	"purchase_order_reference", "delivery_id", "accepted_at"

/* The whole register under f's filters (its cursor and limit aside), as
 * rows for a download. 0, 1 when every download connection is busy, -1
 * when the database failed (db_rows_open). */
int db_assets_export(const struct asset_filter *f, struct db_rows **rows);

/* *asset is NULL when there is none. */
int db_assets_get(struct db *db, int64_t id, json_t **asset);
/* The same asset as the JSON text PostgreSQL built, for a reply that
 * changes nothing in it (malloc'd, caller frees; NULL when none). */
int db_assets_get_text(struct db *db, int64_t id, char **asset, size_t *len);

/* Locks an asset for a status change; *current is {status, tenant_id,
 * allowed: the statuses it may go to, as text}, or NULL when there is no
 * such asset. */
int db_assets_lock(struct db *db, int64_t id, json_t **current);

/* Moves an asset to status with reason (NULL for none); the trigger of
 * sql/0002 refuses a move the state machine does not allow. */
int db_assets_set_status(struct db *db, int64_t id, const char *status, const char *reason);

/* The status and location changes of an asset, oldest first, from the
 * audit trail. */
int db_assets_history(struct db *db, int64_t id, int64_t after, int limit, json_t **rows);

#endif
