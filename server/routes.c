/* routes.c -- the route table: every endpoint, who may call it, and its
 * handler. docs/openapi.yaml lists the same routes (a test checks). */
#include "core/app.h"

#include "core/api.h"
#include "auth/auth.h"
#include "accounts/accounts.h"
#include "audit/audit.h"
#include "procurement/procurement.h"
#include "deliveries/deliveries.h"
#include "sites/sites.h"

#define STAFF ROLE_STAFF
#define READERS (ROLE_ADMIN | ROLE_AUDITOR)
#define BUYERS (ROLE_ADMIN | ROLE_OFFICER)

const struct route app_routes[] = {
	{ "GET", "/healthz", api_healthz, 0, ROUTE_PUBLIC | ROUTE_NO_DB },
	{ "GET", "/readyz", api_readyz, 0, ROUTE_PUBLIC | ROUTE_NO_DB },
	{ "GET", "/api/v1/openapi.yaml", api_openapi, 0, ROUTE_PUBLIC | ROUTE_NO_DB },
	/* A sign-in body is an email and a password: a few KiB at most. */
	{ "POST", "/api/v1/auth/login", api_auth_login, 0, ROUTE_PUBLIC, &api_auth_login_body,
	  4096 },
	{ "POST", "/api/v1/auth/logout", api_auth_logout, 0, 0 },
	{ "GET", "/api/v1/me", api_me, 0, 0 },
	{ "GET", "/api/v1/organizations", api_organizations_list, STAFF, 0 },
	{ "POST", "/api/v1/organizations", api_organizations_create, ROLE_ADMIN, 0,
	  &api_organizations_create_body },
	{ "GET", "/api/v1/organizations/:id", api_organizations_get, 0, 0 },
	{ "PATCH", "/api/v1/organizations/:id", api_organizations_patch, ROLE_ADMIN, 0,
	  &api_organizations_patch_body },
	{ "GET", "/api/v1/users", api_users_list, READERS, 0 },
	{ "POST", "/api/v1/users", api_users_create, ROLE_ADMIN, 0, &api_users_create_body },
	{ "GET", "/api/v1/users/:id", api_users_get, 0, 0 },
	{ "PATCH", "/api/v1/users/:id", api_users_patch, ROLE_ADMIN, 0, &api_users_patch_body },
	{ "GET", "/api/v1/audit-events", api_audit_list, READERS, 0 },

	/* procurement */
	{ "GET", "/api/v1/programs", api_programs_list, STAFF, 0 },
	{ "POST", "/api/v1/programs", api_programs_create, BUYERS, 0, &api_programs_create_body },
	{ "GET", "/api/v1/programs/:id", api_programs_get, STAFF, 0 },
	{ "PATCH", "/api/v1/programs/:id", api_programs_patch, BUYERS, 0,
	  &api_programs_patch_body },
	{ "GET", "/api/v1/programs/:id/progress", api_programs_progress, STAFF, 0 },
	{ "GET", "/api/v1/gpu-models", api_gpu_models_list, 0, 0 },
	{ "POST", "/api/v1/gpu-models", api_gpu_models_create, ROLE_ADMIN, 0,
	  &api_gpu_models_create_body },
	{ "GET", "/api/v1/gpu-models/:id", api_gpu_models_get, 0, 0 },
	{ "PATCH", "/api/v1/gpu-models/:id", api_gpu_models_patch, ROLE_ADMIN, 0,
	  &api_gpu_models_patch_body },
	{ "GET", "/api/v1/purchase-orders", api_po_list, STAFF | ROLE_VENDOR, 0 },
	{ "POST", "/api/v1/purchase-orders", api_po_create, BUYERS, 0, &api_po_create_body },
	{ "GET", "/api/v1/purchase-orders/:id", api_po_get, STAFF | ROLE_VENDOR, 0 },
	{ "PATCH", "/api/v1/purchase-orders/:id", api_po_patch, BUYERS, 0, &api_po_patch_body },
	{ "POST", "/api/v1/purchase-orders/:id/submit", api_po_submit, BUYERS, 0,
	  &api_po_submit_body },
	{ "POST", "/api/v1/purchase-orders/:id/approve", api_po_approve, BUYERS, 0,
	  &api_po_approve_body },
	{ "POST", "/api/v1/purchase-orders/:id/order", api_po_order, BUYERS, 0,
	  &api_po_order_body },
	{ "POST", "/api/v1/purchase-orders/:id/cancel", api_po_cancel, BUYERS, 0,
	  &api_po_cancel_body },
	{ "POST", "/api/v1/purchase-orders/:id/close", api_po_close, BUYERS, 0,
	  &api_po_close_body },
	{ "GET", "/api/v1/purchase-orders/:id/payments", api_payments_list, STAFF, 0 },
	{ "POST", "/api/v1/purchase-orders/:id/payments", api_payments_create, BUYERS, 0,
	  &api_payments_create_body },

	/* deliveries and assets */
	{ "GET", "/api/v1/deliveries", api_deliveries_list, STAFF | ROLE_VENDOR, 0 },
	{ "POST", "/api/v1/deliveries", api_deliveries_create, BUYERS | ROLE_VENDOR, 0,
	  &api_deliveries_create_body },
	{ "GET", "/api/v1/deliveries/:id", api_deliveries_get, STAFF | ROLE_VENDOR, 0 },
	{ "GET", "/api/v1/deliveries/:id/units", api_deliveries_units, STAFF | ROLE_VENDOR, 0 },
	{ "POST", "/api/v1/deliveries/:id/units", api_deliveries_upload, BUYERS | ROLE_VENDOR,
	  ROUTE_STREAM_BODY },
	{ "POST", "/api/v1/deliveries/:id/receive", api_deliveries_receive, BUYERS, 0,
	  &api_deliveries_receive_body },
	{ "POST", "/api/v1/deliveries/:id/inspection", api_deliveries_inspection, BUYERS, 0,
	  &api_deliveries_inspection_body },
	{ "GET", "/api/v1/assets", api_assets_list, STAFF, 0 },
	{ "GET", "/api/v1/assets/:id", api_assets_get, STAFF, 0 },
	{ "POST", "/api/v1/assets/:id/status", api_assets_status, BUYERS, 0,
	  &api_assets_status_body },
	{ "GET", "/api/v1/assets/:id/history", api_assets_history, STAFF, 0 },

	/* sites and allocations */
	{ "GET", "/api/v1/sites", api_sites_list, STAFF, 0 },
	{ "POST", "/api/v1/sites", api_sites_create, BUYERS, 0, &api_sites_create_body },
	{ "GET", "/api/v1/sites/:id", api_sites_get, STAFF | ROLE_TENANT, 0 },
	{ "PATCH", "/api/v1/sites/:id", api_sites_patch, BUYERS, 0, &api_sites_patch_body },
	{ "GET", "/api/v1/sites/:id/racks", api_sites_racks_list, STAFF, 0 },
	{ "POST", "/api/v1/sites/:id/racks", api_sites_racks_create, BUYERS, 0,
	  &api_sites_racks_create_body },
	{ "GET", "/api/v1/sites/:id/racks/:rack_id", api_sites_rack_get, STAFF, 0 },
	{ "PATCH", "/api/v1/sites/:id/racks/:rack_id", api_sites_rack_patch, BUYERS, 0,
	  &api_sites_rack_patch_body },
	{ "GET", "/api/v1/sites/:id/utilization", api_sites_utilization, STAFF, 0 },
	{ "GET", "/api/v1/allocations", api_allocations_list, STAFF | ROLE_TENANT, 0 },
	{ "POST", "/api/v1/allocations", api_allocations_create, BUYERS, 0,
	  &api_allocations_create_body },
	{ "GET", "/api/v1/allocations/:id", api_allocations_get, STAFF | ROLE_TENANT, 0 },
	{ "POST", "/api/v1/allocations/:id/end", api_allocations_end, BUYERS, 0,
	  &api_allocations_end_body },
	{ "POST", "/api/v1/allocations/:id/move", api_allocations_move, BUYERS, 0,
	  &api_allocations_move_body },
	{ "POST", "/api/v1/allocations/:id/return", api_allocations_return, BUYERS, 0,
	  &api_allocations_return_body },
	{ "GET", "/api/v1/tenants/:id/allocations", api_tenants_allocations,
	  STAFF | ROLE_TENANT, 0 },
};

const size_t app_nroutes = sizeof(app_routes) / sizeof(app_routes[0]);
