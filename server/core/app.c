/* app.c -- one complete request: route, session, checks, handler.
 * The role checks of the whole API happen here, from the route table. */
#include "core/app.h"

#include <string.h>

#include <stdio.h>
#include <sodium.h>

#include "core/api.h"
#include "auth/auth.h"
#include "config.h"
#include "db/db.h"
#include "db/db_idempotency.h"
#include "lib/text.h"
#include "core/reply.h"
#include "log.h"

static bool
is_write(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
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
			reply_problem(r, PROBLEM_AUTH_ORIGIN_MISMATCH,
			    "the Origin header does not match this server");
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
		reply_problem(r, PROBLEM_AUTH_SESSION_REQUIRED,
		    "sign in first: no valid session or bearer token");
		reply_header(r, "WWW-Authenticate", "Bearer");
		return -1;
	}
	if (r->session.via_cookie && is_write(r->method) && !auth_origin_ok(r)) {
		reply_problem(r, PROBLEM_AUTH_ORIGIN_MISMATCH,
		    "a browser write needs an Origin header matching this server");
		return -1;
	}
	if (r->session.enrol_only && !(route->flags & ROUTE_ENROL)) {
		reply_problem(r, PROBLEM_AUTH_SECOND_FACTOR_ENROLMENT_REQUIRED,
		    "your role requires a second factor: enrol one at "
		    "/api/v1/auth/second-factor/totp first");
		return -1;
	}
	if (route->roles && !api_has_role(r, route->roles)) {
		reply_problem(r, PROBLEM_AUTH_FORBIDDEN_ROLE,
		    "your roles do not allow %s %s", r->method, route->pattern);
		return -1;
	}
	return 0;
}

/* SHA-256 of method, path and body, as a bytea parameter. */
static void
request_hash(const struct req *r, char out[67])
{
	crypto_hash_sha256_state st;
	unsigned char hash[32];
	size_t i;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)r->method, strlen(r->method) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)r->path, strlen(r->path) + 1);
	/* ?dry_run=true and a real upload are different requests. */
	for (i = 0; i < r->nquery; i++) {
		crypto_hash_sha256_update(&st, (const unsigned char *)r->query[i].key,
		    strlen(r->query[i].key) + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)r->query[i].value,
		    strlen(r->query[i].value) + 1);
	}
	if (r->body != NULL)
		crypto_hash_sha256_update(&st, (const unsigned char *)r->body, r->body_len);
	if (r->upload.present)   /* a streamed body: its hash stands for it */
		crypto_hash_sha256_update(&st, (const unsigned char *)r->upload.sha256, 64);
	crypto_hash_sha256_final(&st, hash);
	text_bytea_hex(hash, sizeof(hash), out, 67);
}

static const char *
reply_header_value(const struct req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++)
		if (strcmp(r->headers[i].key, name) == 0)
			return r->headers[i].value;
	return NULL;
}

/* Replays the stored reply of a key, or refuses. */
static void
idempotency_replay(struct req *r, const struct idem_record *rec)
{
	if (!rec->same_request) {
		reply_problem_with(r, PROBLEM_IDEMPOTENCY_KEY_REUSED, json_pack("{s:[{s:s, s:s}]}",
		    "errors", "field", "Idempotency-Key", "message",
		    "was already used for another request"), "this Idempotency-Key was already "
		    "used for another request; use a new key");
	} else if (!rec->done) {
		reply_problem(r, PROBLEM_IDEMPOTENCY_IN_FLIGHT,
		    "a request with this Idempotency-Key is still running");
		reply_header(r, "Retry-After", "1");
	} else {
		reply_text(r, rec->status, rec->content_type, rec->body ? rec->body : "");
		if (rec->location)
			reply_header(r, "Location", rec->location);
		if (rec->etag)
			reply_header(r, "ETag", rec->etag);
		reply_header(r, "Idempotent-Replayed", "true");
	}
}

/* A POST with an Idempotency-Key runs once: the key is claimed before the
 * handler, and the reply stored after it; a server error releases the key
 * so that the client may try again. */
static void
handle_idempotent(struct req *r)
{
	const char *key = r->idempotency_key;
	struct idem_record rec;
	char hash[67];
	int rc;

	if (strlen(key) == 0 || strlen(key) > 200) {
		reply_problem_with(r, PROBLEM_IDEMPOTENCY_KEY_INVALID, json_pack("{s:i, s:i}",
		    "min_length", 1, "max_length", 200),
		    "Idempotency-Key must be 1 to 200 characters");
		return;
	}
	request_hash(r, hash);
	rc = db_idempotency_claim(r->db, r->session.user_id, key, hash, &rec);
	if (rc < 0) {
		api_db_error(r);
		return;
	}
	if (rc == 0) {
		idempotency_replay(r, &rec);
		idem_record_free(&rec);
		return;
	}
	r->match.route->handler(r);
	if (r->db->in_tx)
		db_rollback(r->db);
	if (r->reply_fd >= 0 || r->producer.read != NULL || r->reply_secret)
		rc = db_idempotency_forget(r->db, r->session.user_id, key);
	else if (r->defer.work != NULL || r->status >= 500)
		rc = db_idempotency_release(r->db, r->session.user_id, key);
	else
		rc = db_idempotency_store(r->db, r->session.user_id, key, r->status,
		    r->reply_type, r->reply_body ? r->reply_body : "",
		    reply_header_value(r, "Location"), reply_header_value(r, "ETag"));
	if (rc != 0)
		log_warn("request %s: idempotency record: %s\n",
		    r->request_id, r->db->message);
}

static bool
is_api(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/healthz") == 0 ||
	    strcmp(path, "/readyz") == 0;
}

/* Everything that can be decided from the headers, before a byte of the
 * body is accepted: route, database, session, roles. */
int
app_admit(struct req *r)
{
	int found;

	if (!is_api(r->path)) {
		if (is_write(r->method)) {
			reply_problem(r, PROBLEM_REQUEST_METHOD_NOT_ALLOWED,
			    "only GET and HEAD serve files");
			reply_header(r, "Allow", "GET, HEAD");
			return -1;
		}
		return 0;
	}
	found = router_match(app_routes, app_nroutes, r->method, r->path, &r->match);
	if (found == 404) {
		reply_problem(r, PROBLEM_REQUEST_NOT_FOUND, "no such resource: %s", r->path);
		return -1;
	}
	if (found == 405) {
		reply_problem(r, PROBLEM_REQUEST_METHOD_NOT_ALLOWED,
		    "%s is not allowed here; allowed: %s", r->method,
		    r->match.allow);
		reply_header(r, "Allow", r->match.allow);
		return -1;
	}
	if (!(r->match.route->flags & ROUTE_NO_DB)) {
		r->db = db_thread();
		if (r->db == NULL) {
			reply_problem(r, PROBLEM_DB_UNAVAILABLE,
			    "the database is not reachable; try again shortly");
			reply_header(r, "Retry-After", "5");
			return -1;
		}
	}
	return admit_or_reply(r);
}

void
app_handle(struct req *r)
{
	if (r->match.route == NULL) {
		api_static(r);
		return;
	}
	if (r->idempotency_key != NULL && r->signed_in && strcmp(r->method, "POST") == 0) {
		handle_idempotent(r);
		return;
	}
	r->match.route->handler(r);
	if (r->db != NULL && r->db->in_tx)
		db_rollback(r->db);
}

void
app_resume(struct req *r)
{
	void (*then)(struct req *, void *) = r->defer.then;
	void *arg = r->defer.arg;

	memset(&r->defer, 0, sizeof(r->defer));
	then(r, arg);
	if (r->db != NULL && r->db->in_tx)
		db_rollback(r->db);
}
