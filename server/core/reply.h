/* reply.h -- building replies into a struct req: JSON, problem+json
 * (RFC 9457), files. http.c turns the result into an MHD response. */
#ifndef REGISTRY_REPLY_H
#define REGISTRY_REPLY_H

#include <jansson.h>

#include "core/problem.h"
#include "core/req.h"

/* JSON reply. Borrows body. */
void reply_json(struct req *r, int status, const json_t *body);

/* Same, but steals body. */
void reply_json_steal(struct req *r, int status, json_t *body);

/* Text of any type (CSV, a replayed reply); body and type are copied. */
void reply_text(struct req *r, int status, const char *type, const char *body);

/* Bytes of any kind (a file read from the database). Steals body (from
 * malloc); type is a static string. */
void reply_bytes(struct req *r, int status, const char *type, char *body, size_t len);

/* ETag "<kind>-<id>-v<version>" on the reply. */
void reply_etag(struct req *r, const char *kind, long long id, long long version);

/* Empty reply (204, 304 ...). */
void reply_empty(struct req *r, int status);

/* problem+json with the code's status, `code`, and type and title that
 * follow from the status; detail is for a person, in English. */
void reply_problem(struct req *r, const struct problem_def *code, const char *detail_fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same, with the numbers (or names) the detail quotes as members of the
 * problem, so that clients need not parse the sentence. Steals fields (a
 * JSON object, or NULL); the standard members win over its keys. */
void reply_problem_with(struct req *r, const struct problem_def *code, json_t *fields,
    const char *detail_fmt, ...) __attribute__((format(printf, 4, 5)));

/* 404 "<what> <id> not found" with the id as a member. */
void reply_not_found(struct req *r, const struct problem_def *code, const char *what, long long id);

/* 422 validation.failed with a list of {field, message}. Steals errors
 * (a JSON array). */
void reply_invalid(struct req *r, json_t *errors, const char *detail);

/* Same for one field. */
void reply_invalid_field(struct req *r, const char *field, const char *message);

/* The Location header of a created record, from a format
 * ("/api/v1/programs/%lld"). */
void reply_location(struct req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A file, already opened; steals fd. */
void reply_file(struct req *r, int fd, size_t size, const char *type);

/* A reply pulled from a producer as the client reads it (exports). Takes
 * over p->cls: release() runs once whatever happens. */
void reply_stream(struct req *r, int status, const char *type,
    const struct reply_producer *p);

/* Adds a header to the reply; both strings are copied. Returns -1 when
 * the header table is full. */
int reply_header(struct req *r, const char *name, const char *value);

/* The slug of a problem type for a status ("validation-failed"). */
const char *reply_problem_slug(int status);

#endif
