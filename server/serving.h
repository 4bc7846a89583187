/* serving.h -- the database role the server serves as: not the owner that
 * migrates, but a role that owns nothing and holds only the privileges of
 * sql/0007_roles.sql (docs/ARCHITECTURE.md, "Database roles"). */
#ifndef REGISTRY_SERVING_H
#define REGISTRY_SERVING_H

#include <stdbool.h>

/* The serving connection string. With serve_url (REGISTRY_SERVE_DATABASE_URL)
 * that one; otherwise owner_url with the user replaced by the database's
 * serving role "<database>_serve" and its password derived from the
 * owner's. With setup, first creates that role if missing (or, given
 * serve_url, takes its role as it is), sets its password and grants it
 * exactly its privileges, under the migration lock. Returns a malloc'ed
 * string the caller frees, or NULL after printing why. */
char *serving_conninfo(const char *owner_url, const char *serve_url, bool setup);

/* Connects with conninfo and refuses (-1, printed) a role that may not
 * serve: a superuser, a role owning objects here, a member of a role. */
int serving_check(const char *conninfo);

#endif
