/* sites -- data-centre sites, racks and their capacity; allocations of
 * GPUs to sites and tenants. Handlers may call core, db, auth, lib and
 * their own db_*.c. */
#ifndef REGISTRY_SITES_H
#define REGISTRY_SITES_H

#include "core/req.h"

struct field_table;

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

/* The JSON body of each handler that takes one (core/validate.h), for
 * the route table. */
extern const struct field_table api_sites_create_body;
extern const struct field_table api_sites_patch_body;
extern const struct field_table api_sites_racks_create_body;
extern const struct field_table api_sites_rack_patch_body;
extern const struct field_table api_allocations_create_body;
extern const struct field_table api_allocations_end_body;
extern const struct field_table api_allocations_move_body;
extern const struct field_table api_allocations_return_body;

#endif
