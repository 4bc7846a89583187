/* api.h -- what every handler shares: database errors as replies, the
 * audit context, list pages. */
#ifndef REGISTRY_API_H
#define REGISTRY_API_H

#include <stdbool.h>
#include <jansson.h>

#include "auth.h"
#include "db.h"
#include "reply.h"
#include "req.h"
#include "validate.h"

/* Replies for the last error of r->db: 409/422 naming the field when the
 * constraint is known, 503 with Retry-After, or 500. */
void api_db_error(struct req *r);

/* Runs fn in one transaction with the request's audit context; replies
 * with the database error itself when fn fails. 0 when committed. */
int api_transaction(struct req *r, int (*fn)(struct db *db, void *arg), void *arg);

/* Replies {items, next} from rows fetched with limit + 1. Steals rows. */
void api_page_reply(struct req *r, json_t *rows, int limit);

static inline bool
api_has_role(const struct req *r, unsigned roles)
{
	return (r->session.roles & roles) != 0;
}

/* Handlers, one file per resource. */
void api_healthz(struct req *r);
void api_readyz(struct req *r);
void api_openapi(struct req *r);
void api_static(struct req *r);
void api_auth_login(struct req *r);
void api_auth_logout(struct req *r);
void api_me(struct req *r);
void api_organizations_list(struct req *r);
void api_organizations_create(struct req *r);
void api_organizations_get(struct req *r);
void api_organizations_patch(struct req *r);
void api_users_list(struct req *r);
void api_users_create(struct req *r);
void api_users_get(struct req *r);
void api_users_patch(struct req *r);
void api_audit_list(struct req *r);

/* procurement */
void api_programs_list(struct req *r);
void api_programs_create(struct req *r);
void api_programs_get(struct req *r);
void api_programs_patch(struct req *r);
void api_programs_progress(struct req *r);
void api_gpu_models_list(struct req *r);
void api_gpu_models_create(struct req *r);
void api_gpu_models_get(struct req *r);
void api_gpu_models_patch(struct req *r);
void api_po_list(struct req *r);
void api_po_create(struct req *r);
void api_po_get(struct req *r);
void api_po_patch(struct req *r);
void api_po_submit(struct req *r);
void api_po_approve(struct req *r);
void api_po_order(struct req *r);
void api_po_cancel(struct req *r);
void api_po_close(struct req *r);
void api_payments_list(struct req *r);
void api_payments_create(struct req *r);

/* deliveries and assets */
void api_deliveries_list(struct req *r);
void api_deliveries_create(struct req *r);
void api_deliveries_get(struct req *r);
void api_deliveries_units(struct req *r);
void api_deliveries_upload(struct req *r);
void api_deliveries_receive(struct req *r);
void api_deliveries_inspection(struct req *r);
void api_assets_list(struct req *r);
void api_assets_get(struct req *r);
void api_assets_status(struct req *r);
void api_assets_history(struct req *r);

/* sites and allocations */
void api_sites_list(struct req *r);
void api_sites_create(struct req *r);
void api_sites_get(struct req *r);
void api_sites_patch(struct req *r);
void api_sites_racks_list(struct req *r);
void api_sites_racks_create(struct req *r);
void api_sites_rack_get(struct req *r);
void api_sites_rack_patch(struct req *r);
void api_sites_utilization(struct req *r);
void api_allocations_list(struct req *r);
void api_allocations_create(struct req *r);
void api_allocations_get(struct req *r);
void api_allocations_end(struct req *r);
void api_allocations_move(struct req *r);
void api_allocations_return(struct req *r);
void api_tenants_allocations(struct req *r);

#endif
