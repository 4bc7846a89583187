/* procurement -- programmes, the GPU model catalogue, purchase orders
 * and their payments. Handlers may call core, db, auth, lib and their own
 * db_*.c. */
#ifndef REGISTRY_PROCUREMENT_H
#define REGISTRY_PROCUREMENT_H

#include "core/req.h"

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

#endif
