/* routes.c -- the route table: every endpoint, who may call it, and its
 * handler. docs/openapi.yaml lists the same routes (a test checks). */
#include "app.h"

#include "api.h"
#include "auth.h"

#define STAFF (ROLE_ADMIN | ROLE_OFFICER | ROLE_AUDITOR)
#define READERS (ROLE_ADMIN | ROLE_AUDITOR)

const struct route app_routes[] = {
	{ "GET", "/healthz", api_healthz, 0, ROUTE_PUBLIC },
	{ "GET", "/readyz", api_readyz, 0, ROUTE_PUBLIC },
	{ "GET", "/api/v1/openapi.yaml", api_openapi, 0, ROUTE_PUBLIC },
	{ "POST", "/api/v1/auth/login", api_auth_login, 0, ROUTE_PUBLIC },
	{ "POST", "/api/v1/auth/logout", api_auth_logout, 0, 0 },
	{ "GET", "/api/v1/me", api_me, 0, 0 },
	{ "GET", "/api/v1/organizations", api_organizations_list, STAFF, 0 },
	{ "POST", "/api/v1/organizations", api_organizations_create, ROLE_ADMIN, 0 },
	{ "GET", "/api/v1/organizations/:id", api_organizations_get, 0, 0 },
	{ "PATCH", "/api/v1/organizations/:id", api_organizations_patch, ROLE_ADMIN, 0 },
	{ "GET", "/api/v1/users", api_users_list, READERS, 0 },
	{ "POST", "/api/v1/users", api_users_create, ROLE_ADMIN, 0 },
	{ "GET", "/api/v1/users/:id", api_users_get, 0, 0 },
	{ "PATCH", "/api/v1/users/:id", api_users_patch, ROLE_ADMIN, 0 },
	{ "GET", "/api/v1/audit-events", api_audit_list, READERS, 0 },
};

const size_t app_nroutes = sizeof(app_routes) / sizeof(app_routes[0]);
