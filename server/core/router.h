/* router.h -- the static route table and its matcher. No MHD, no I/O:
 * unit-tested on its own. */
#ifndef REGISTRY_ROUTER_H
#define REGISTRY_ROUTER_H

#include <stddef.h>

struct req;
struct field_table;

#define ROUTER_MAX_PARAMS 4
#define ROUTER_MAX_PARAM_LEN 64

/* Route flags. Without ROUTE_PUBLIC a route needs a session. */
#define ROUTE_PUBLIC 0x1u
/* The body streams to a temporary file, hashed on the way, up to
 * config.upload_limit (uploads): the handler reads r->upload. */
#define ROUTE_STREAM_BODY 0x2u
/* Answered without a database connection (health, the document). */
#define ROUTE_NO_DB 0x4u
/* Open to a session that must enrol a second factor first (its role
 * requires one it lacks): sign-out, who am I, and the enrolment itself. */
#define ROUTE_ENROL 0x8u

struct route {
	const char *method;
	const char *pattern;     /* "/api/v1/users/:id" */
	void (*handler)(struct req *r);
	unsigned roles;          /* ROLE_* mask allowed; 0 = any signed-in user */
	unsigned flags;
	/* The JSON body's fields (core/validate.h), or NULL when the route
	 * takes no JSON body; for `registry routes --json`, not for matching. */
	const struct field_table *body;
	size_t body_limit;       /* bytes; 0 = config.body_limit (413 beyond) */
};

struct route_param {
	char name[ROUTER_MAX_PARAM_LEN];
	char value[ROUTER_MAX_PARAM_LEN];
};

struct route_match {
	const struct route *route;
	size_t nparams;
	struct route_param params[ROUTER_MAX_PARAMS];
	char allow[96];          /* for 405: "GET, POST" */
};

/* Matches method and path against the table. Returns 200 with m->route
 * set, 405 with m->allow filled, or 404. HEAD matches GET routes. */
int router_match(const struct route *table, size_t n, const char *method,
    const char *path, struct route_match *m);

/* The value of a :name parameter of a match, or NULL. */
const char *router_param(const struct route_match *m, const char *name);

/* Writes a pattern in OpenAPI form ("/users/{id}") into out. */
void router_openapi_path(const char *pattern, char *out, size_t outlen);

#endif
