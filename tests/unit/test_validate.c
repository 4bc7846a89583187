/* Input validation, cursors, and problem replies, without a network. */
#include "unit.h"

#include "../../server/lib/cursor.c"
#include "../../server/lib/decimal.c"
#include "../../server/lib/text.c"
#include "../../server/lib/utf8.c"
#include "../../server/core/problem.c"
#include "../../server/core/reply.c"
#include "../../server/core/req.c"
#include "../../server/core/router.c"
#include "../../server/core/validate.c"

static const char *const kinds[] = { "ministry", "vendor", NULL };
static const struct field_spec spec[] = {
	{ "name", FIELD_STRING, true, 1, 5, NULL },
	{ "kind", FIELD_STRING, true, 1, 0, kinds },
	{ "note", FIELD_STRING_OR_NULL, false, 1, 10, NULL },
	{ "count", FIELD_INTEGER, false, 0, 0, NULL },
	{ "active", FIELD_BOOLEAN, false, 0, 0, NULL },
	{ "roles", FIELD_STRING_ARRAY, false, 1, 0, kinds },
};

/* The errors for a JSON text, as "field: message" lines. */
static json_t *
errors_of(const char *text)
{
	json_t *obj = json_loads(text, 0, NULL), *errors = json_array();

	validate_fields(obj, spec, sizeof(spec) / sizeof(spec[0]), errors);
	json_decref(obj);
	return errors;
}

static int
has_error(json_t *errors, const char *field, const char *part)
{
	size_t i;
	json_t *e;

	json_array_foreach(errors, i, e)
		if (strcmp(json_string_value(json_object_get(e, "field")), field) == 0 &&
		    strstr(json_string_value(json_object_get(e, "message")), part) != NULL)
			return 1;
	return 0;
}

static void
test_valid_object(void)
{
	json_t *e = errors_of("{\"name\":\"한국\",\"kind\":\"vendor\",\"note\":null,"
	    "\"count\":3,\"active\":false,\"roles\":[\"ministry\"]}");

	CHECK(json_array_size(e) == 0);
	json_decref(e);
}

static void
test_every_problem_listed(void)
{
	json_t *e = errors_of("{\"name\":\"abcdef\",\"kind\":\"pirate\",\"extra\":1,"
	    "\"count\":-2,\"active\":\"yes\",\"roles\":[\"vendor\",\"vendor\",3]}");

	CHECK(has_error(e, "name", "at most 5"));
	CHECK(has_error(e, "kind", "one of: ministry, vendor"));
	CHECK(has_error(e, "extra", "not a field"));
	CHECK(has_error(e, "count", "positive whole number"));
	CHECK(has_error(e, "active", "true or false"));
	CHECK(has_error(e, "roles[1]", "repeats vendor"));
	CHECK(has_error(e, "roles[2]", "must be a string"));
	CHECK(json_array_size(e) == 7);
	json_decref(e);
}

static void
test_missing_and_empty(void)
{
	json_t *e = errors_of("{\"name\":\"\",\"roles\":[]}");

	CHECK(has_error(e, "name", "must not be empty"));
	CHECK(has_error(e, "kind", "is required"));
	CHECK(has_error(e, "roles", "at least 1"));
	json_decref(e);
}

static void
test_unicode_length(void)
{
	/* Five Hangul syllables are 15 bytes and 5 characters: allowed. */
	json_t *e = errors_of("{\"name\":\"가나다라마\",\"kind\":\"vendor\"}");

	CHECK(json_array_size(e) == 0);
	json_decref(e);
	CHECK(validate_utf8_len("가나다") == 3);
	CHECK(validate_utf8_len("") == 0);
}

static void
test_ids(void)
{
	int64_t v;

	CHECK(validate_id("42", &v) == 0 && v == 42);
	CHECK(validate_id("0", &v) == -1);
	CHECK(validate_id("-1", &v) == -1);
	CHECK(validate_id("01", &v) == -1);
	CHECK(validate_id("1x", &v) == -1);
	CHECK(validate_id("99999999999999999999", &v) == -1);
	CHECK(validate_id(NULL, &v) == -1);
}

static void
test_cursor_round_trip(void)
{
	char c[CURSOR_MAX];
	int64_t v = 0;

	cursor_encode(123456789012LL, c);
	CHECK(strchr(c, '=') == NULL && strchr(c, '+') == NULL);
	CHECK(cursor_decode(c, &v) == 0 && v == 123456789012LL);
	CHECK(cursor_decode("garbage!", &v) == -1);
	CHECK(cursor_decode("", &v) == -1);
	CHECK(cursor_decode("djIuNQ", &v) == -1);     /* "v2.5": another version */
}

static void
test_page_params(void)
{
	struct req r;
	char c[CURSOR_MAX];
	int limit;
	int64_t after;

	memset(&r, 0, sizeof(r));
	r.reply_fd = -1;
	CHECK(validate_page_or_reply(&r, &limit, &after) == 0 && limit == 50 && after == 0);
	cursor_encode(77, c);
	r.query[0] = (struct kv){ "limit", "500" };
	r.query[1] = (struct kv){ "cursor", c };
	r.nquery = 2;
	CHECK(validate_page_or_reply(&r, &limit, &after) == 0 && limit == 500 && after == 77);
	r.query[0].value = "501";
	CHECK(validate_page_or_reply(&r, &limit, &after) == -1 && r.status == 400);
	free(r.reply_body);
}

/* A request with nothing in it, to reply into. */
static void
blank_req(struct req *r)
{
	memset(r, 0, sizeof(*r));
	r->reply_fd = -1;
	strcpy(r->request_id, "abc");
}

static void
test_problem_shape(void)
{
	struct req r;
	json_t *p;

	blank_req(&r);
	reply_invalid(&r, json_pack("[{s:s,s:s}]", "field", "name", "message", "bad"), "fix it");
	CHECK(r.status == 422);
	CHECK_STR(r.reply_type, "application/problem+json");
	p = json_loads(r.reply_body, 0, NULL);
	CHECK_STR(json_string_value(json_object_get(p, "type")), "/problems/validation-failed");
	CHECK(json_integer_value(json_object_get(p, "status")) == 422);
	CHECK_STR(json_string_value(json_object_get(p, "detail")), "fix it");
	CHECK_STR(json_string_value(json_object_get(p, "code")), "validation.failed");
	CHECK(json_array_size(json_object_get(p, "errors")) == 1);
	json_decref(p);
	free(r.reply_body);
}

/* The numbers ride along as members; they never replace the standard ones. */
static void
test_problem_fields(void)
{
	struct req r;
	json_t *p;

	blank_req(&r);
	reply_problem_with(&r, PROBLEM_PO_BUDGET_EXCEEDED, json_pack("{s:I, s:i, s:s}",
	    "left_krw", (json_int_t)100000000000LL, "status", 200, "code", "x"), "%d left", 1);
	CHECK(r.status == 409);
	p = json_loads(r.reply_body, 0, NULL);
	CHECK_STR(json_string_value(json_object_get(p, "code")), "po.budget_exceeded");
	CHECK(json_integer_value(json_object_get(p, "status")) == 409);
	CHECK(json_integer_value(json_object_get(p, "left_krw")) == 100000000000LL);
	CHECK_STR(json_string_value(json_object_get(p, "type")), "/problems/conflict");
	json_decref(p);
	free(r.reply_body);
}

/* Every code is <area>.<what> in snake_case, unique, with a status the
 * reply table knows and a meaning. */
static void
test_problem_registry(void)
{
	const struct problem_def *const *all = NULL;
	size_t i, j, n = 0;
	const char *c, *dot;

	all = problem_all(&n);
	CHECK(n > 40);
	for (i = 0; i < n; i++) {
		c = all[i]->code;
		dot = strchr(c, '.');
		CHECK(dot != NULL && dot > c && dot[1] != '\0' && strchr(dot + 1, '.') == NULL);
		CHECK(strspn(c, "abcdefghijklmnopqrstuvwxyz0123456789_.") == strlen(c));
		CHECK(problems[problem_index(all[i]->status)].status == all[i]->status);
		CHECK(all[i]->meaning != NULL && all[i]->meaning[0] != '\0');
		for (j = 0; j < i; j++)
			CHECK(strcmp(all[j]->code, c) != 0);
	}
}

static const struct field_spec line_spec[] = {
	{ "qty", FIELD_INTEGER, true, 0, 0, NULL },
	{ "on", FIELD_DATE, false, 0, 0, NULL },
	{ "until", FIELD_DATE_OR_NULL, false, 0, 0, NULL },
};
static const struct field_spec order_spec[] = {
	{ "rate", FIELD_DECIMAL, false, 0, 0, NULL },
	{ "lines", FIELD_OBJECT_ARRAY, true, 1, 3, NULL, line_spec, NFIELDS(line_spec) },
};

static json_t *
order_errors(const char *text)
{
	json_t *obj = json_loads(text, 0, NULL), *errors = json_array();

	validate_fields(obj, order_spec, 2, errors);
	json_decref(obj);
	return errors;
}

static void
test_dates(void)
{
	CHECK(is_date("2025-12-31"));
	CHECK(is_date("2024-02-29"));
	CHECK(is_date("2000-02-29"));
	CHECK(!is_date("1900-02-29"));
	CHECK(!is_date("2025-02-29"));
	CHECK(!is_date("2025-04-31"));
	CHECK(!is_date("2025-13-01"));
	CHECK(!is_date("2025-1-01"));
	CHECK(!is_date("2025-01-01T00:00"));
	CHECK(!is_date(""));
}

static void
test_decimals(void)
{
	CHECK(is_decimal("1385.20"));
	CHECK(is_decimal("1385"));
	CHECK(is_decimal("0.0001"));
	CHECK(!is_decimal("1385."));
	CHECK(!is_decimal(".5"));
	CHECK(!is_decimal("1.23456"));
	CHECK(!is_decimal("123456789"));
	CHECK(!is_decimal("-1"));
	CHECK(!is_decimal("1e3"));
}

static void
test_nested_objects_named(void)
{
	json_t *e = order_errors("{\"rate\":\"0.00\",\"lines\":[{\"qty\":2},"
	    "{\"qty\":0,\"on\":\"2025-02-30\",\"x\":1},7]}");

	CHECK(has_error(e, "rate", "positive decimal"));
	CHECK(has_error(e, "lines[1].qty", "positive whole number"));
	CHECK(has_error(e, "lines[1].on", "YYYY-MM-DD"));
	CHECK(has_error(e, "lines[1].x", "not a field"));
	CHECK(has_error(e, "lines[2].", "must be an object"));
	CHECK(json_array_size(e) == 5);
	json_decref(e);
	e = order_errors("{\"lines\":[{\"qty\":1},{\"qty\":1},{\"qty\":1},{\"qty\":1}]}");
	CHECK(has_error(e, "lines", "1 to 3"));
	json_decref(e);
	/* A date or null: null is no date; anything else must be a date. */
	e = order_errors("{\"lines\":[{\"qty\":1,\"until\":null},{\"qty\":1,\"on\":null},"
	    "{\"qty\":1,\"until\":\"2025-02-30\"}]}");
	CHECK(has_error(e, "lines[1].on", "YYYY-MM-DD"));
	CHECK(has_error(e, "lines[2].until", "YYYY-MM-DD or null"));
	CHECK(json_array_size(e) == 2);
	json_decref(e);
}

int
main(void)
{
	RUN(test_valid_object);
	RUN(test_every_problem_listed);
	RUN(test_missing_and_empty);
	RUN(test_unicode_length);
	RUN(test_ids);
	RUN(test_cursor_round_trip);
	RUN(test_page_params);
	RUN(test_problem_shape);
	RUN(test_problem_fields);
	RUN(test_problem_registry);
	RUN(test_dates);
	RUN(test_decimals);
	RUN(test_nested_objects_named);
	return UNIT_DONE();
}
