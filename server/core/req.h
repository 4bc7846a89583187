/* req.h -- one HTTP request and its reply, as the handlers see it.
 * Owned by http.c: allocated on a request's first call, freed when
 * libmicrohttpd says the request is complete. Handlers never see MHD. */
#ifndef REGISTRY_REQ_H
#define REGISTRY_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/router.h"
#include "core/stream.h"
#include "lib/roles.h"

#define REQ_MAX_QUERY 24
#define REQ_MAX_HEADERS 8

struct kv {
	char *key;
	char *value;
};

struct req {
	/* The request. */
	const char *method;
	const char *path;
	char request_id[40];
	char client_addr[48];
	char *content_type;
	char *authorization;
	char *cookie;
	char *origin;
	char *host;
	char *accept;
	char *accept_encoding;
	char *if_match;
	char *if_none_match;
	char *idempotency_key;
	char *proposal_signature;  /* Proposal-Signature: a detached signature, base64 */
	char *body;              /* NUL-terminated; body_len excludes the NUL */
	size_t body_len;
	/* Routes with ROUTE_STREAM_BODY get their body as a file instead:
	 * removed when the request ends, whatever happens. */
	struct {
		bool present;
		const char *path;    /* borrowed from http.c's sink */
		uint64_t size;
		const char *sha256;  /* hex */
	} upload;
	size_t nquery;
	struct kv query[REQ_MAX_QUERY];
	bool query_overflow;
	struct route_match match;
	bool signed_in;
	struct session session;
	struct db *db;           /* this worker thread's connection; borrowed */
	/* Work handed to the pool by req_defer_or_reply() (core/defer.h):
	 * set by the handler, taken by http.c. */
	struct {
		void (*work)(void *arg);
		void (*then)(struct req *r, void *arg);
		void *arg;
	} defer;

	/* The reply, built by reply.c and sent by http.c. */
	int status;              /* 0 until a reply is set */
	char *reply_body;        /* owned */
	size_t reply_len;
	const char *reply_type;  /* static string */
	int reply_fd;            /* a file to send instead of reply_body, or -1 */
	size_t reply_fd_size;
	struct reply_producer producer;  /* a reply pulled piece by piece; owned */
	size_t nheaders;
	struct kv headers[REQ_MAX_HEADERS];
	bool revalidate;         /* a static file: cached, revalidated by ETag */
	/* The reply shows a secret once (a TOTP secret, recovery codes): it
	 * is never kept for an Idempotency-Key replay, whose key is released. */
	bool reply_secret;
};

/* The value of query parameter name, or NULL. */
const char *req_query(const struct req *r, const char *name);

/* The value of route parameter name, or NULL. */
const char *req_param(const struct req *r, const char *name);

/* Frees what the request owns (not r itself). */
void req_release(struct req *r);

#endif
