/* validate.c -- request input checks; the first thing a handler does. */
#include "core/validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/cursor.h"
#include "lib/decimal.h"
#include "lib/text.h"
#include "lib/utf8.h"
#include "core/reply.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX 500

size_t
validate_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

void
validate_error_add(json_t *errors, const char *field, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	utf8_scrub(msg);         /* a value quoted in it may have been cut mid-character */
	json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "message", msg));
}


/* Checks one string value: length in code points, allowed values. */
static void
check_string(const struct field_spec *f, const char *s, const char *field, json_t *errors)
{
	size_t len = validate_utf8_len(s);
	char buf[200];

	if (len < f->min_len) {
		if (f->min_len == 1)
			validate_error_add(errors, field, "must not be empty");
		else
			validate_error_add(errors, field, "must be at least %zu characters",
			    f->min_len);
	} else if (f->max_len && len > f->max_len) {
		validate_error_add(errors, field, "must be at most %zu characters", f->max_len);
	} else if (f->one_of && !text_one_of(s, f->one_of)) {
		text_join(f->one_of, buf, sizeof(buf));
		validate_error_add(errors, field, "must be one of: %s", buf);
	}
}

static void
check_array(const struct field_spec *f, json_t *v, json_t *errors)
{
	size_t i, j, n = json_array_size(v);
	char name[96];

	if (n < f->min_len) {
		validate_error_add(errors, f->name, "needs at least %zu element(s)", f->min_len);
		return;
	}
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(v, i);

		snprintf(name, sizeof(name), "%s[%zu]", f->name, i);
		if (!json_is_string(e)) {
			validate_error_add(errors, name, "must be a string");
			continue;
		}
		check_string(f, json_string_value(e), name, errors);
		for (j = 0; j < i; j++)
			if (json_equal(e, json_array_get(v, j)))
				validate_error_add(errors, name, "repeats %s",
				    json_string_value(e));
	}
}

/* A date in ISO form that names a real day (no 2025-02-30). */
static bool
is_date(const char *s)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, n = 0;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    s[4] != '-' || s[7] != '-' || y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

static bool
is_decimal(const char *s)
{
	size_t whole = strspn(s, "0123456789"), frac = 0;

	if (whole == 0 || whole > 8)
		return false;
	if (s[whole] == '.') {
		frac = strspn(s + whole + 1, "0123456789");
		if (frac == 0 || frac > 4)
			return false;
		return s[whole + 1 + frac] == '\0';
	}
	return s[whole] == '\0';
}

static void check_fields(json_t *obj, const struct field_spec *spec, size_t nspec,
    const char *prefix, json_t *errors);

/* Each element of an array of objects, named "lines[2].quantity". */
static void
check_objects(const struct field_spec *f, json_t *v, json_t *errors)
{
	size_t i, n = json_array_size(v);
	char prefix[96];

	if (f->max_len && (n < f->min_len || n > f->max_len)) {
		validate_error_add(errors, f->name, "needs %zu to %zu element(s)", f->min_len,
		    f->max_len);
		return;
	}
	if (n < f->min_len) {
		validate_error_add(errors, f->name, "needs at least %zu element(s)", f->min_len);
		return;
	}
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(v, i);

		snprintf(prefix, sizeof(prefix), "%s[%zu].", f->name, i);
		if (!json_is_object(e))
			validate_error_add(errors, prefix, "must be an object");
		else
			check_fields(e, f->items, f->nitems, prefix, errors);
	}
}

static void
check_value(const struct field_spec *f, json_t *v, json_t *errors)
{
	switch (f->type) {
	case FIELD_STRING_OR_NULL:
		if (json_is_null(v))
			return;
		/* FALLTHROUGH */
	case FIELD_STRING:
		if (!json_is_string(v))
			validate_error_add(errors, f->name, "must be a string%s",
			    f->type == FIELD_STRING_OR_NULL ? " or null" : "");
		else
			check_string(f, json_string_value(v), f->name, errors);
		return;
	case FIELD_INTEGER:
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			validate_error_add(errors, f->name, "must be a positive whole number");
		else if (f->max_len && (size_t)json_integer_value(v) > f->max_len)
			validate_error_add(errors, f->name, "must be at most %zu", f->max_len);
		return;
	case FIELD_BOOLEAN:
		if (!json_is_boolean(v))
			validate_error_add(errors, f->name, "must be true or false");
		return;
	case FIELD_STRING_ARRAY:
		if (!json_is_array(v))
			validate_error_add(errors, f->name, "must be an array of strings");
		else
			check_array(f, v, errors);
		return;
	case FIELD_DATE_OR_NULL:
		if (json_is_null(v))
			return;
		/* FALLTHROUGH */
	case FIELD_DATE:
		if (!json_is_string(v) || !is_date(json_string_value(v)))
			validate_error_add(errors, f->name, "must be a date written YYYY-MM-DD%s",
			    f->type == FIELD_DATE_OR_NULL ? " or null" : "");
		return;
	case FIELD_DECIMAL:
		if (!json_is_string(v) || !is_decimal(json_string_value(v)) ||
		    strspn(json_string_value(v), "0.") == strlen(json_string_value(v)))
			validate_error_add(errors, f->name,
			    "must be a positive decimal in a string, like \"1385.20\"");
		return;
	case FIELD_OBJECT_ARRAY:
		if (!json_is_array(v))
			validate_error_add(errors, f->name, "must be an array of objects");
		else
			check_objects(f, v, errors);
		return;
	}
}

/* Field problems of obj; nested names carry prefix ("lines[0]."). */
static void
check_fields(json_t *obj, const struct field_spec *spec, size_t nspec,
    const char *prefix, json_t *errors)
{
	const char *key;
	json_t *v, *sub = json_array();
	char name[160];
	size_t i;

	json_object_foreach(obj, key, v) {
		for (i = 0; i < nspec; i++)
			if (strcmp(spec[i].name, key) == 0)
				break;
		if (i == nspec)
			validate_error_add(sub, key, "is not a field of this resource");
	}
	for (i = 0; i < nspec; i++) {
		v = json_object_get(obj, spec[i].name);
		if (v == NULL) {
			if (spec[i].required)
				validate_error_add(sub, spec[i].name, "is required");
			continue;
		}
		check_value(&spec[i], v, sub);
	}
	/* Prefix the names found at this level. */
	json_array_foreach(sub, i, v) {
		const char *f = json_string_value(json_object_get(v, "field"));

		if (strncmp(f, prefix, strlen(prefix)) != 0) {
			snprintf(name, sizeof(name), "%s%s", prefix, f);
			utf8_scrub(name);
			json_object_set_new(v, "field", json_string(name));
		}
		json_array_append(errors, v);
	}
	json_decref(sub);
}

void
validate_fields(json_t *obj, const struct field_spec *spec, size_t nspec, json_t *errors)
{
	check_fields(obj, spec, nspec, "", errors);
}

int
validate_fields_or_reply(struct req *r, json_t *obj, const struct field_spec *spec,
    size_t nspec, bool need_one)
{
	json_t *errors = json_array();

	validate_fields(obj, spec, nspec, errors);
	if (need_one && json_object_size(obj) == 0)
		validate_error_add(errors, "", "give at least one field to change");
	if (json_array_size(errors) == 0) {
		json_decref(errors);
		return 0;
	}
	reply_invalid(r, errors, "the request body has invalid fields; see errors");
	return -1;
}

json_t *
validate_body_or_reply(struct req *r)
{
	json_error_t jerr;
	json_t *body;
	const char *ct = r->content_type;

	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
		reply_problem_with(r, PROBLEM_REQUEST_UNSUPPORTED_MEDIA_TYPE,
		    json_pack("{s:s}", "expected", "application/json"),
		    "send the body as application/json (Content-Type was %s)", ct ? ct : "missing");
		return NULL;
	}
	body = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (body == NULL) {
		reply_problem_with(r, PROBLEM_REQUEST_INVALID_JSON, json_pack("{s:i, s:i}", "line",
		    jerr.line, "column", jerr.column), "the body is not valid JSON: %s at line %d, "
		    "column %d", jerr.text, jerr.line, jerr.column);
		return NULL;
	}
	if (!json_is_object(body)) {
		json_decref(body);
		reply_problem(r, PROBLEM_REQUEST_BODY_NOT_OBJECT, "the body must be a JSON object");
		return NULL;
	}
	return body;
}

int
validate_no_fields_or_reply(struct req *r)
{
	json_t *body;
	int rc;

	if (r->body_len == 0)
		return 0;
	if ((body = validate_body_or_reply(r)) == NULL)
		return -1;
	rc = validate_fields_or_reply(r, body, NULL, 0, false);
	json_decref(body);
	return rc;
}

int
validate_id(const char *s, int64_t *out)
{
	if (s == NULL || *s < '1' || *s > '9')
		return -1;
	return decimal_int64(s, out);
}

int
validate_param_id_or_reply(struct req *r, const char *name, int64_t *out)
{
	if (validate_id(req_param(r, name), out) == 0)
		return 0;
	reply_problem(r, PROBLEM_RECORD_NOT_FOUND, "no record has the id %s", req_param(r, name));
	return -1;
}

int
validate_query_id_or_reply(struct req *r, const char *name, int64_t *out, bool *present)
{
	const char *s = req_query(r, name);

	*present = s != NULL;
	if (s == NULL || validate_id(s, out) == 0)
		return 0;
	reply_problem_with(r, PROBLEM_QUERY_INVALID, json_pack("{s:s}", "parameter", name),
	    "query parameter %s must be a positive whole number", name);
	return -1;
}

int
validate_query_number_or_reply(struct req *r, const char *name, int64_t min, int64_t max,
    int64_t *out)
{
	if (decimal_int64(req_query(r, name), out) == 0 && *out >= min && *out <= max)
		return 0;
	reply_problem_with(r, PROBLEM_QUERY_INVALID, json_pack("{s:s, s:I, s:I}", "parameter",
	    name, "min", (json_int_t)min, "max", (json_int_t)max), "query parameter %s must be "
	    "a whole number from %lld to %lld", name, (long long)min, (long long)max);
	return -1;
}

/* Whether s has the shape pattern gives, d standing for a digit. */
static bool
shaped(const char *s, const char *pattern)
{
	for (; *pattern != '\0'; s++, pattern++)
		if (*pattern == 'd' ? *s < '0' || *s > '9' : *s != *pattern)
			return false;
	return true;
}

int
validate_query_time_or_reply(struct req *r, const char *name, const char **out)
{
	const char *s = req_query(r, name), *z;

	*out = s;
	if (s == NULL)
		return 0;
	if (shaped(s, "dddd-dd-ddTdd:dd:dd")) {
		z = s + 19;
		if (*z == '.')
			for (z++; *z >= '0' && *z <= '9'; z++)
				;
		if (strcmp(z, "Z") == 0 ||
		    ((*z == '+' || *z == '-') && shaped(z + 1, "dd:dd") && z[6] == '\0'))
			return 0;
	}
	reply_problem_with(r, PROBLEM_QUERY_INVALID, json_pack("{s:s}", "parameter", name),
	    "query parameter %s must be a time like 2026-03-01T09:00:00+09:00", name);
	return -1;
}

int
validate_query_bool_or_reply(struct req *r, const char *name, const char **out)
{
	const char *s = req_query(r, name);

	*out = NULL;
	if (s == NULL)
		return 0;
	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
		*out = s;
		return 0;
	}
	reply_problem_with(r, PROBLEM_QUERY_INVALID, json_pack("{s:s}", "parameter", name),
	    "query parameter %s must be true or false", name);
	return -1;
}

int
validate_query_enum_or_reply(struct req *r, const char *name,
    const char *const *one_of, const char **out)
{
	const char *s = req_query(r, name);
	char list[200];

	*out = NULL;
	if (s == NULL)
		return 0;
	if (text_one_of(s, one_of)) {
		*out = s;
		return 0;
	}
	text_join(one_of, list, sizeof(list));
	reply_problem_with(r, PROBLEM_QUERY_INVALID, json_pack("{s:s}", "parameter", name),
	    "query parameter %s must be one of: %s", name, list);
	return -1;
}

int
validate_query_known_or_reply(struct req *r, const char *const *allowed)
{
	size_t i;
	char list[200];

	if (r->query_overflow) {
		reply_problem(r, PROBLEM_QUERY_TOO_MANY, "too many query parameters");
		return -1;
	}
	for (i = 0; i < r->nquery; i++) {
		if (text_one_of(r->query[i].key, allowed))
			continue;
		text_join(allowed, list, sizeof(list));
		reply_problem_with(r, PROBLEM_QUERY_UNKNOWN_PARAMETER, json_pack("{s:s}",
		    "parameter", r->query[i].key),
		    "unknown query parameter %s; this list takes: %s", r->query[i].key, list);
		return -1;
	}
	return 0;
}

int
validate_if_match_or_reply(struct req *r, const char *kind, long long id,
    long long version, bool required)
{
	char etag[96];

	if (r->if_match == NULL) {
		if (!required)
			return 0;
		reply_problem(r, PROBLEM_IF_MATCH_REQUIRED, "send If-Match with the ETag you read, "
		    "so that no one's change is overwritten");
		return -1;
	}
	snprintf(etag, sizeof(etag), "\"%s-%lld-v%lld\"", kind, id, version);
	if (strcmp(r->if_match, etag) == 0 || strcmp(r->if_match, "*") == 0)
		return 0;
	reply_problem_with(r, PROBLEM_IF_MATCH_STALE, json_pack("{s:s, s:I}", "etag", etag,
	    "version", (json_int_t)version), "the record changed since you read it (now %s); "
	    "read it again", etag);
	reply_header(r, "ETag", etag);
	return -1;
}

int
validate_page_or_reply(struct req *r, int *limit, int64_t *after)
{
	const char *l = req_query(r, "limit");
	const char *c = req_query(r, "cursor");
	int64_t v;

	*limit = PAGE_DEFAULT;
	*after = 0;
	if (l != NULL) {
		if (validate_id(l, &v) != 0 || v > PAGE_MAX) {
			reply_problem_with(r, PROBLEM_QUERY_INVALID, json_pack("{s:s, s:i, s:i}",
			    "parameter", "limit", "min", 1, "max", PAGE_MAX),
			    "limit must be a whole number from 1 to %d", PAGE_MAX);
			return -1;
		}
		*limit = (int)v;
	}
	if (c != NULL && cursor_decode(c, after) != 0) {
		reply_problem(r, PROBLEM_QUERY_INVALID_CURSOR, "cursor is not one this server gave "
		    "out; start again without it");
		return -1;
	}
	return 0;
}

int
validate_query_date_or_reply(struct req *r, const char *name, const char **out)
{
	*out = req_query(r, name);
	if (*out == NULL || is_date(*out))
		return 0;
	reply_problem_with(r, PROBLEM_QUERY_INVALID, json_pack("{s:s}", "parameter", name),
	    "query parameter %s must be a date, YYYY-MM-DD", name);
	return -1;
}
