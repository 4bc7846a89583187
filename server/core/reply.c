/* reply.c -- replies as data in struct req; http.c sends them. */
#include "core/reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/utf8.h"

static const struct {
	int status;
	const char *slug;
	const char *title;
} problems[] = {
	{ 400, "bad-request", "Bad request" },
	{ 401, "unauthorized", "Sign-in required" },
	{ 403, "forbidden", "Not allowed" },
	{ 404, "not-found", "Not found" },
	{ 405, "method-not-allowed", "Method not allowed" },
	{ 409, "conflict", "Conflict" },
	{ 412, "precondition-failed", "Precondition failed" },
	{ 413, "payload-too-large", "Request body too large" },
	{ 415, "unsupported-media-type", "Unsupported media type" },
	{ 422, "validation-failed", "Invalid input" },
	{ 428, "precondition-required", "Precondition required" },
	{ 429, "too-many-requests", "Too many requests" },
	{ 503, "service-unavailable", "Service unavailable" },
	{ 500, "internal", "Internal error" },
};

static size_t
problem_index(int status)
{
	size_t i;

	for (i = 0; i < sizeof(problems) / sizeof(problems[0]); i++)
		if (problems[i].status == status)
			return i;
	return sizeof(problems) / sizeof(problems[0]) - 1;
}

const char *
reply_problem_slug(int status)
{
	return problems[problem_index(status)].slug;
}

/* reply_type is a static string: map a stored type back to ours. */
static const char *
reply_type_static(const char *type)
{
	static const char *const known[] = {
		"application/json", "application/problem+json", "text/csv; charset=utf-8",
		"text/plain; charset=utf-8", "application/yaml; charset=utf-8",
	};
	size_t i;

	for (i = 0; type && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(type, known[i]) == 0)
			return known[i];
	return "application/octet-stream";
}

static void
reply_reset(struct req *r)
{
	free(r->reply_body);
	r->reply_body = NULL;
	r->reply_len = 0;
	if (r->reply_fd >= 0)
		close(r->reply_fd);
	r->reply_fd = -1;
	if (r->producer.release != NULL)
		r->producer.release(r->producer.cls);
	memset(&r->producer, 0, sizeof(r->producer));
}

static void
reply_dump(struct req *r, int status, const json_t *body, const char *type)
{
	reply_reset(r);
	r->reply_body = json_dumps(body, JSON_COMPACT);
	if (r->reply_body == NULL) {
		r->status = 500;
		r->reply_type = "text/plain";
		return;
	}
	r->reply_len = strlen(r->reply_body);
	r->status = status;
	r->reply_type = type;
}

void
reply_json(struct req *r, int status, const json_t *body)
{
	reply_dump(r, status, body, "application/json");
}

void
reply_json_steal(struct req *r, int status, json_t *body)
{
	reply_json(r, status, body);
	json_decref(body);
}

void
reply_text(struct req *r, int status, const char *type, const char *body)
{
	reply_reset(r);
	r->reply_body = strdup(body);
	r->reply_len = r->reply_body ? strlen(r->reply_body) : 0;
	r->status = r->reply_body ? status : 500;
	r->reply_type = reply_type_static(type);
}

void
reply_bytes(struct req *r, int status, const char *type, char *body, size_t len)
{
	reply_reset(r);
	r->reply_body = body;
	r->reply_len = len;
	r->status = status;
	r->reply_type = type;
}

void
reply_etag(struct req *r, const char *kind, long long id, long long version)
{
	char etag[96];

	snprintf(etag, sizeof(etag), "\"%s-%lld-v%lld\"", kind, id, version);
	reply_header(r, "ETag", etag);
}

void
reply_empty(struct req *r, int status)
{
	reply_reset(r);
	r->status = status;
	r->reply_type = NULL;
}

/* Builds and sets the problem. Steals fields and errors. */
static void
problem(struct req *r, const struct problem_def *code, const char *detail, json_t *fields,
    json_t *errors)
{
	const struct problem_def *def = code ? code : PROBLEM_INTERNAL_ERROR;
	size_t i = problem_index(def->status);
	char type[64], text[512];
	json_t *p;

	snprintf(type, sizeof(type), "/problems/%s", problems[i].slug);
	snprintf(text, sizeof(text), "%s", detail);
	utf8_scrub(text);        /* details quote input, which may be any bytes */
	p = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s}", "type", type, "code", def->code,
	    "title", problems[i].title, "status", def->status, "detail", text,
	    "request_id", r->request_id);
	if (p != NULL && fields != NULL)
		json_object_update_missing(p, fields);
	if (p != NULL && errors != NULL)
		json_object_set(p, "errors", errors);
	json_decref(fields);
	json_decref(errors);
	if (p == NULL) {
		reply_reset(r);
		r->status = 500;
		return;
	}
	reply_dump(r, def->status, p, "application/problem+json");
	json_decref(p);
}

static void problemv(struct req *r, const struct problem_def *code, json_t *fields, const char *fmt,
    va_list ap) __attribute__((format(printf, 4, 0)));

static void
problemv(struct req *r, const struct problem_def *code, json_t *fields, const char *fmt, va_list ap)
{
	char detail[512];

	vsnprintf(detail, sizeof(detail), fmt, ap);
	problem(r, code, detail, fields, NULL);
}

void
reply_problem(struct req *r, const struct problem_def *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	problemv(r, code, NULL, fmt, ap);
	va_end(ap);
}

void
reply_problem_with(struct req *r, const struct problem_def *code, json_t *fields,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	problemv(r, code, fields, fmt, ap);
	va_end(ap);
}

void
reply_not_found(struct req *r, const struct problem_def *code, const char *what, long long id)
{
	reply_problem_with(r, code, json_pack("{s:I}", "id", (json_int_t)id), "%s %lld not found",
	    what, id);
}

void
reply_invalid(struct req *r, json_t *errors, const char *detail)
{
	problem(r, PROBLEM_VALIDATION_FAILED, detail, NULL, errors);
}

void
reply_invalid_field(struct req *r, const char *field, const char *message)
{
	reply_invalid(r, json_pack("[{s:s, s:s}]", "field", field, "message", message), message);
}

void
reply_location(struct req *r, const char *fmt, ...)
{
	char location[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(location, sizeof(location), fmt, ap);
	va_end(ap);
	reply_header(r, "Location", location);
}

void
reply_file(struct req *r, int fd, size_t size, const char *type)
{
	reply_reset(r);
	r->reply_fd = fd;
	r->reply_fd_size = size;
	r->reply_type = type;
	r->status = 200;
}

void
reply_stream(struct req *r, int status, const char *type, const struct reply_producer *p)
{
	reply_reset(r);
	r->producer = *p;
	r->reply_type = type;
	r->status = status;
}

int
reply_header(struct req *r, const char *name, const char *value)
{
	struct kv *h;

	if (r->nheaders == REQ_MAX_HEADERS)
		return -1;
	h = &r->headers[r->nheaders];
	h->key = strdup(name);
	h->value = strdup(value);
	if (h->key == NULL || h->value == NULL) {
		free(h->key);
		free(h->value);
		return -1;
	}
	r->nheaders++;
	return 0;
}
