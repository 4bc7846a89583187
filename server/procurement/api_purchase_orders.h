/* api_purchase_orders.h -- what the order handlers (api_purchase_orders.c)
 * share with the order's moves (api_po_actions.c) and payments. */
#ifndef REGISTRY_API_PURCHASE_ORDERS_H
#define REGISTRY_API_PURCHASE_ORDERS_H

#include "core/api.h"
#include "procurement/db_purchase_orders.h"

struct po_write {
	struct req *r;
	int64_t id;
	json_t *fields;          /* borrowed */
	const char *action;
	struct po_row row;
	json_t *result;          /* owned: what a write returns */
};

/* The order as the caller may see it, with its ETag and, for 201, its
 * Location. */
void po_reply(struct req *r, int status, int64_t id);

/* Locks the order in w->id into w->row. Returns 1 after replying 404 or
 * 412/428 itself. */
int po_lock_or_reply(struct db *db, struct po_write *w, bool if_match_required);

#endif
