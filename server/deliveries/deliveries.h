/* deliveries -- deliveries against purchase orders, their units and
 * acceptance inspection, and the asset register they feed. Handlers may
 * call core, db, auth, lib and their own db_*.c. */
#ifndef REGISTRY_DELIVERIES_H
#define REGISTRY_DELIVERIES_H

#include "core/req.h"

struct field_table;

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

/* The JSON body of each handler that takes one (core/validate.h), for
 * the route table. */
extern const struct field_table api_deliveries_create_body;
extern const struct field_table api_deliveries_receive_body;
extern const struct field_table api_deliveries_inspection_body;
extern const struct field_table api_assets_status_body;

#endif
