/* db_deliveries.h -- deliveries, their units, and acceptance inspection in
 * the database. A vendor's calls pass its organisation as `vendor` (0 for
 * staff), so that the access rule is part of the query that reads. */
#ifndef REGISTRY_DB_DELIVERIES_H
#define REGISTRY_DB_DELIVERIES_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "db/db.h"

struct delivery_filter {
	int64_t after;
	int limit;               /* rows to fetch: page size + 1 */
	int64_t vendor;          /* 0 = any */
	const char *purchase_order_id;  /* NULL = any */
	const char *status;      /* NULL = any */
};

struct unit_filter {
	int64_t delivery_id;
	int64_t after;
	int limit;
	const char *result;      /* NULL = any */
};

int db_deliveries_list(struct db *db, const struct delivery_filter *f, json_t **rows);
int db_deliveries_units_list(struct db *db, const struct unit_filter *f, json_t **rows);

/* The delivery with its PO lines and unit counts; NULL when there is none
 * the caller may see. */
int db_deliveries_get(struct db *db, int64_t id, int64_t vendor, json_t **delivery);

/* The PO of a delivery the caller may see; *po = 0 when there is none. */
int db_deliveries_po_of(struct db *db, int64_t id, int64_t vendor, int64_t *po);

/* Locks a PO and then its lines, in that order everywhere, so that
 * counting what remains on a line is safe from concurrent deliveries.
 * Sharing the PO lets deliveries run side by side up to the line lock;
 * inspection takes it for update because it will change the PO's
 * status. *po is {status, reference}, or NULL when there is no such PO
 * the caller may see. */
int db_deliveries_lock_po(struct db *db, int64_t po_id, int64_t vendor, bool for_update,
    json_t **po);

/* Locks a delivery after its PO; *d is {status, purchase_order_id}. */
int db_deliveries_lock(struct db *db, int64_t id, json_t **d);

/* A new delivery; *d is {id}. status is announced or received. */
int db_deliveries_create(struct db *db, int64_t po_id, const char *status,
    const char *reference, const char *note, int64_t user_id, json_t **d);

/* Checks rows (a JSON array of {n, field | line, serial, model_id | model,
 * problem}) against the PO and the registry, and with write inserts them
 * as units of the delivery when every row is good. *result is {errors,
 * received, already_registered, total_rows, inserted}. A serial that a
 * concurrent delivery took first fails as a serialization failure (40001),
 * so that db_transaction() runs the request again. */
int db_deliveries_add_units(struct db *db, int64_t po_id, int64_t delivery_id,
    const char *rows, bool write, json_t **result);

int db_deliveries_receive(struct db *db, int64_t id, int64_t user_id);

/* Records inspection results (rows: a JSON array of {n, serial, result,
 * note}) and makes assets of the passed units, unless a row is bad.
 * *result is {errors, passed, failed}. */
int db_deliveries_inspect(struct db *db, int64_t id, int64_t user_id, const char *rows,
    json_t **result);

/* Marks the delivery inspected when no unit is pending, and lets the PO's
 * status follow its accepted units. */
int db_deliveries_inspection_done(struct db *db, int64_t id, int64_t user_id, int64_t po_id);

#endif
