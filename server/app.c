/* app.c -- one complete request: route, session, checks, handler.
 * The role checks of the whole API happen here, from the route table. */
#include "app.h"

#include <string.h>

#include "api.h"
#include "auth.h"
#include "db.h"
#include "reply.h"

static bool
is_write(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* /healthz and the document need no database; /readyz reports its
 * absence itself. */
static bool
needs_db(const struct route *route)
{
	return route->handler != api_healthz && route->handler != api_openapi &&
	    route->handler != api_readyz;
}

/* The session and role checks; replies and returns -1 when refused. */
static int
admit_or_reply(struct req *r)
{
	const struct route *route = r->match.route;
	int rc;

	if (route->flags & ROUTE_PUBLIC) {
		/* A forged sign-in from another site is refused too. */
		if (is_write(r->method) && r->origin && !auth_origin_ok(r)) {
			reply_problem(r, 403, "the Origin header does not match this server");
			return -1;
		}
		return 0;
	}
	rc = auth_session_resolve(r);
	if (rc < 0) {
		api_db_error(r);
		return -1;
	}
	if (rc == 0) {
		reply_problem(r, 401, "sign in first: no valid session or bearer token");
		reply_header(r, "WWW-Authenticate", "Bearer");
		return -1;
	}
	if (r->session.via_cookie && is_write(r->method) && !auth_origin_ok(r)) {
		reply_problem(r, 403, "a browser write needs an Origin header matching this server");
		return -1;
	}
	if (route->roles && !api_has_role(r, route->roles)) {
		reply_problem(r, 403, "your roles do not allow %s %s", r->method, route->pattern);
		return -1;
	}
	return 0;
}

void
app_handle(struct req *r)
{
	int found;

	if (strncmp(r->path, "/api/", 5) != 0 && strcmp(r->path, "/healthz") != 0 &&
	    strcmp(r->path, "/readyz") != 0) {
		if (is_write(r->method)) {
			reply_problem(r, 405, "only GET and HEAD serve files");
			reply_header(r, "Allow", "GET, HEAD");
		} else {
			api_static(r);
		}
		return;
	}
	found = router_match(app_routes, app_nroutes, r->method, r->path, &r->match);
	if (found == 404) {
		reply_problem(r, 404, "no such resource: %s", r->path);
		return;
	}
	if (found == 405) {
		reply_problem(r, 405, "%s is not allowed here; allowed: %s", r->method,
		    r->match.allow);
		reply_header(r, "Allow", r->match.allow);
		return;
	}
	if (needs_db(r->match.route)) {
		r->db = db_thread();
		if (r->db == NULL) {
			reply_problem(r, 503, "the database is not reachable; try again shortly");
			reply_header(r, "Retry-After", "5");
			return;
		}
	}
	if (admit_or_reply(r) != 0)
		return;
	r->match.route->handler(r);
	if (r->db != NULL && r->db->in_tx)
		db_rollback(r->db);
}
