/* api.h -- what every handler shares: database errors as replies, the
 * audit context, list pages. */
#ifndef REGISTRY_API_H
#define REGISTRY_API_H

#include <stdbool.h>
#include <jansson.h>

#include "auth/auth.h"
#include "db/db.h"
#include "core/reply.h"
#include "core/req.h"
#include "core/validate.h"

/* Replies for the last error of r->db: 409/422 naming the field when the
 * constraint is known, 503 with Retry-After, or 500. */
void api_db_error(struct req *r);

/* Runs fn in one transaction with the request's audit context; replies
 * with the database error itself when fn fails. 0 when committed. */
int api_transaction(struct req *r, int (*fn)(struct db *db, void *arg), void *arg);

/* 422 listing errors ({field, message}) unless there are none; steals
 * errors. Used by handlers that add their own checks to validate_fields(). */
int api_errors_or_reply(struct req *r, json_t *errors);

/* Replies {items, next} from rows fetched with limit + 1. Steals rows. */
void api_page_reply(struct req *r, json_t *rows, int limit);

/* The same page from rows PostgreSQL wrote as JSON text (db_text_page),
 * sent without parsing them; page->body stays the caller's. */
void api_page_reply_text(struct req *r, struct db_text_page *page);

/* A list that takes only limit and cursor: checks them, runs list (rows
 * after the cursor, limit + 1 of them) and replies the page. */
void api_plain_list(struct req *r,
    int (*list)(struct db *db, int64_t after, int limit, json_t **rows));

/* A record people edit, by its ETag: what a PATCH must send as If-Match. */
struct api_versioned {
	const char *lock;        /* statement: its version FOR UPDATE, by id */
	const char *kind;        /* the ETag's "<kind>-<id>-v<version>" */
	const struct problem_def *not_found;
	const char *what;        /* its name in the 404's detail */
};

/* In a PATCH's transaction: locks record id of v and checks If-Match
 * against its version. 0: go on; 1: replied 404, 428 or 412; -1: the
 * database failed. */
int api_lock_if_match(struct req *r, const struct api_versioned *v, int64_t id);

/* Replies rec (borrowed: a record of v with "id" and "version") with its
 * ETag. */
void api_reply_versioned(struct req *r, int status, const struct api_versioned *v,
    const json_t *rec);

static inline bool
api_has_role(const struct req *r, unsigned roles)
{
	return (r->session.roles & roles) != 0;
}

/* The platform's own handlers: health, the document, static files. */
void api_healthz(struct req *r);
void api_readyz(struct req *r);
void api_openapi(struct req *r);
void api_keys(struct req *r);
void api_receipts_verify(struct req *r);
extern const struct field_table api_receipts_verify_body;
void api_static(struct req *r);

#endif
