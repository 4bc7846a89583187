/* exports.h -- the exports module's handlers, for routes.c: the reports
 * for auditors (CSV and XLSX, each recorded and given a signed manifest)
 * and the open data (OCDS, the public progress). */
#ifndef REGISTRY_EXPORTS_H
#define REGISTRY_EXPORTS_H

#include "core/req.h"

void api_exports_purchase_orders(struct req *r);
void api_exports_deliveries(struct req *r);
void api_exports_assets(struct req *r);
void api_exports_allocations(struct req *r);
void api_exports_site_utilization(struct req *r);
void api_exports_program_progress(struct req *r);
void api_exports_call(struct req *r);
void api_exports_audit_trail(struct req *r);
void api_exports_manifest(struct req *r);
void api_exports_ocds(struct req *r);
void api_public_progress(struct req *r);

#endif
