/* app.h -- what the service does with one complete request: route,
 * session, CSRF and role checks, then the handler. No MHD here. */
#ifndef REGISTRY_APP_H
#define REGISTRY_APP_H

#include <stddef.h>

#include "core/req.h"
#include "core/router.h"

extern const struct route app_routes[];
extern const size_t app_nroutes;

/* First call, headers only: route, database, session, CSRF and role
 * checks, so that no byte of a body is accepted from a client that may
 * not send it. 0 when the body may come (r->match.route is the route, or
 * NULL for a static file), -1 when r holds the refusal. */
int app_admit(struct req *r);

/* Last call, body received: the handler. On return the reply is set,
 * or r->defer holds work for the pool (core/defer.h). */
void app_handle(struct req *r);

/* The pool did the request's work: the handler's continuation, on the
 * request's own thread. On return the reply is set, or more work waits. */
void app_resume(struct req *r);

#endif
