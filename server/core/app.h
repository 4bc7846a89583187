/* app.h -- what the service does with one complete request: route,
 * session, CSRF and role checks, then the handler. No MHD here. */
#ifndef REGISTRY_APP_H
#define REGISTRY_APP_H

#include <stddef.h>

#include "core/req.h"
#include "core/router.h"

extern const struct route app_routes[];
extern const size_t app_nroutes;

/* The largest body the route of method and path accepts. */
size_t app_body_limit(const char *method, const char *path);

/* Handles r; on return r->status and the reply are set. */
void app_handle(struct req *r);

#endif
