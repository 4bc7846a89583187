/* procurement -- programmes, the GPU model catalogue, purchase orders
 * and their payments. Handlers may call core, db, auth, lib and their own
 * db_*.c. */
#ifndef REGISTRY_PROCUREMENT_H
#define REGISTRY_PROCUREMENT_H

#include "core/req.h"

struct field_table;

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

/* The JSON body of each handler that takes one (core/validate.h), for
 * the route table. */
extern const struct field_table api_programs_create_body;
extern const struct field_table api_programs_patch_body;
extern const struct field_table api_gpu_models_create_body;
extern const struct field_table api_gpu_models_patch_body;
extern const struct field_table api_po_create_body;
extern const struct field_table api_po_patch_body;
extern const struct field_table api_po_submit_body;
extern const struct field_table api_po_approve_body;
extern const struct field_table api_po_order_body;
extern const struct field_table api_po_cancel_body;
extern const struct field_table api_po_close_body;
extern const struct field_table api_payments_create_body;

#endif
