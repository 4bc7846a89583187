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

/* Reads order w->id as the caller may see it into w->result (NULL if
 * none): a write does it in its own transaction, so that what it
 * committed always has its reply. 0 or -1. */
int po_read(struct db *db, struct po_write *w);

/* Replies with po (borrowed; 404 when NULL) and its ETag and, for 201,
 * its Location. */
void po_written_reply(struct req *r, int status, int64_t id, json_t *po);

/* Locks the order in w->id into w->row. Returns 1 after replying 404 or
 * 412/428 itself. */
int po_lock_or_reply(struct db *db, struct po_write *w, bool if_match_required);

#endif
