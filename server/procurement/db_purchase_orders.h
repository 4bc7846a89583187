/* db_purchase_orders.h -- purchase orders, their lines, and payments. */
#ifndef REGISTRY_DB_PURCHASE_ORDERS_H
#define REGISTRY_DB_PURCHASE_ORDERS_H

#include <stdint.h>
#include <jansson.h>

#include "db/db.h"

struct po_filter {
	int64_t after;
	int limit;               /* page size + 1 */
	const char *program_id;
	const char *vendor_id;
	const char *status;
	int64_t vendor_view;     /* a vendor's org id: only its sent orders; 0 for all */
};

/* The row a transition or an edit decides on, locked. */
struct po_row {
	int64_t id;              /* 0 when there is no such order */
	int64_t program_id;
	int64_t created_by;
	int64_t version;
	char status[24];
	char currency[4];
};

int db_po_list(struct db *db, const struct po_filter *f, json_t **rows);
/* vendor_view as in po_filter; *po is NULL when none is visible. */
int db_po_get(struct db *db, int64_t id, int64_t vendor_view, json_t **po);
int db_po_lock(struct db *db, int64_t id, struct po_row *row);
/* Borrows fields; lines are inserted from fields' "lines". */
int db_po_create(struct db *db, const json_t *fields, int64_t user_id, int64_t *id);
int db_po_update(struct db *db, int64_t id, const json_t *fields);

/* The KRW value this order would add to its programme at rate (NULL for
 * KRW), what the programme has committed already, and its budget. */
int db_po_budget(struct db *db, int64_t id, const char *rate, int64_t *order_krw,
    int64_t *committed_krw, int64_t *budget_krw);

/* Moves the order to status, setting what the move records. */
int db_po_move(struct db *db, int64_t id, const char *action, int64_t user_id,
    const char *rate, const char *reason);
/* *found is id when the order exists, else 0. */
int db_po_exists(struct db *db, int64_t id, int64_t *found);
/* Units of the order not failed at inspection (a cancel needs none). */
int db_po_units(struct db *db, int64_t id, int64_t *units);

int db_payments_list(struct db *db, int64_t po_id, json_t **rows);
/* What was accepted at the order's prices and what was paid, in won. */
int db_payments_room(struct db *db, int64_t po_id, int64_t *accepted_krw, int64_t *paid_krw);
int db_payments_create(struct db *db, int64_t po_id, const json_t *fields, int64_t user_id,
    json_t **payment);

#endif
