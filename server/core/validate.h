/* validate.h -- parsing and checking request input. Each _or_reply
 * function replies with a 4xx itself when the input is bad, and returns
 * NULL or -1; the handler then just returns. */
#ifndef REGISTRY_VALIDATE_H
#define REGISTRY_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "core/req.h"

enum field_type {
	FIELD_STRING,
	FIELD_STRING_OR_NULL,
	FIELD_INTEGER,
	FIELD_BOOLEAN,
	FIELD_STRING_ARRAY,
	FIELD_DATE,              /* "YYYY-MM-DD", a real calendar day */
	FIELD_DATE_OR_NULL,      /* a date, or null for none */
	FIELD_DECIMAL,           /* "1385.2", up to 8 digits and 4 decimals */
	FIELD_OBJECT_ARRAY,      /* objects checked against items */
};

/* The number of entries of a field_spec table. */
#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

struct field_spec {
	const char *name;
	enum field_type type;
	bool required;
	size_t min_len;          /* strings: characters; arrays: elements */
	size_t max_len;          /* 0 = no limit; integers: the largest value */
	const char *const *one_of;  /* NULL-terminated allowed values, or NULL */
	const struct field_spec *items;  /* FIELD_OBJECT_ARRAY: each element's fields */
	size_t nitems;
};

/* A request body's fields as the route table names them (`registry
 * routes --json` prints them, a test compares them with docs/openapi.yaml):
 * the table the handler validates with, and the fields it checks by hand
 * (NULL-terminated, or NULL). An empty table: a body of {} or none. The
 * wrapper exists so that a route can point at a table from another file
 * in a constant initializer, length included. */
struct field_table {
	const struct field_spec *fields;
	size_t n;
	const char *const *by_hand;
};

#define FIELD_TABLE(spec) { spec, NFIELDS(spec), NULL }

/* The body as a JSON object (caller owns it), or NULL after a 415 (not
 * JSON), 400 (malformed, not an object). */
json_t *validate_body_or_reply(struct req *r);

/* Checks obj against spec: unknown fields, missing required ones, types,
 * lengths, allowed values. Every problem is listed in one 422. With
 * need_one, an object without any known field is refused too. */
int validate_fields_or_reply(struct req *r, json_t *obj,
    const struct field_spec *spec, size_t nspec, bool need_one);

/* Collects the problems without replying; appends {field, message} to
 * errors. Exposed for unit tests. */
void validate_fields(json_t *obj, const struct field_spec *spec, size_t nspec,
    json_t *errors);

/* Appends {field, message} to errors (a JSON array). */
void validate_error_add(json_t *errors, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* For a route that takes no fields: no body at all, or a JSON object
 * without any ({}). Anything else is refused (415, 400, 422), not ignored. */
int validate_no_fields_or_reply(struct req *r);

/* Parses a positive int64 from text; -1 when it is not one. */
int validate_id(const char *s, int64_t *out);

/* The :id route parameter, or a 404 (an id that is not a number names
 * no record). */
int validate_param_id_or_reply(struct req *r, const char *name, int64_t *out);

/* Query parameter as a positive id, a boolean, or one of a set. Absent
 * gives *present = false. */
int validate_query_id_or_reply(struct req *r, const char *name, int64_t *out, bool *present);
int validate_query_bool_or_reply(struct req *r, const char *name, const char **out);
int validate_query_enum_or_reply(struct req *r, const char *name,
    const char *const *one_of, const char **out);

/* A query parameter that must be a date (YYYY-MM-DD, a real day) when
 * present; *out is its value or NULL. 400 query.invalid otherwise. */
int validate_query_date_or_reply(struct req *r, const char *name, const char **out);
/* A required query parameter, a whole number from min to max (400
 * naming it, with min and max, when absent or out of range). */
int validate_query_number_or_reply(struct req *r, const char *name, int64_t min, int64_t max,
    int64_t *out);

/* An optional query parameter, a time as RFC 3339 (2026-03-01T09:00:00Z,
 * +09:00, fractions of a second allowed); *out stays NULL when absent. */
int validate_query_time_or_reply(struct req *r, const char *name, const char **out);

/* Refuses query parameters outside the allowed list (NULL-terminated). */
int validate_query_known_or_reply(struct req *r, const char *const *allowed);

/* limit (1..500, default 50) and cursor. *after is 0 for the first page. */
int validate_page_or_reply(struct req *r, int *limit, int64_t *after);

/* Checks If-Match against the current ETag: 428 when required and
 * missing, 412 when it does not match. */
int validate_if_match_or_reply(struct req *r, const char *kind, long long id,
    long long version, bool required);

/* Counts Unicode code points of UTF-8 text. */
size_t validate_utf8_len(const char *s);

#endif
