/* fuzz_json_fields.c -- a JSON body from the wire to a checked object:
 * validate_body_or_reply() (jansson, duplicates refused) and then
 * validate_fields_or_reply() against a field table that uses every field
 * type, nested objects and allowed values, shaped like the purchase
 * order's and the user's.
 * Oracles: the request ends with no reply (the object passed), a 400 (not
 * a JSON object) or a 422 whose errors are {field, message} strings; an
 * object that passed has only known fields, every required one, the right
 * types, and no repeated element in a string array. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/lib/cursor.c"
#include "../../server/lib/decimal.c"
#include "../../server/lib/text.c"
#include "../../server/lib/utf8.c"
#include "../../server/core/problem.c"
#include "../../server/core/reply.c"
#include "../../server/core/req.c"
#include "../../server/core/router.c"
#include "../../server/core/validate.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const currencies[] = { "KRW", "USD", NULL };
static const char *const roles[] = { "admin", "officer", "vendor", "auditor", "tenant", NULL };

static const struct field_spec line_fields[] = {
	{ "gpu_model_id", FIELD_INTEGER, true, 0, 0, NULL },
	{ "quantity", FIELD_INTEGER, true, 0, 1000000, NULL },
	{ "unit_price", FIELD_DECIMAL, false, 0, 0, NULL },
	{ "serial", FIELD_STRING, false, 1, 64, NULL },
};

static const struct field_spec spec[] = {
	{ "program_id", FIELD_INTEGER, true, 0, 0, NULL },
	{ "currency", FIELD_STRING, false, 1, 0, currencies },
	{ "notes", FIELD_STRING_OR_NULL, false, 1, 4000, NULL },
	{ "due", FIELD_DATE, false, 0, 0, NULL },
	{ "active", FIELD_BOOLEAN, false, 0, 0, NULL },
	{ "roles", FIELD_STRING_ARRAY, false, 1, 0, roles },
	{ "tags", FIELD_STRING_ARRAY, false, 0, 0, NULL },
	{ "lines", FIELD_OBJECT_ARRAY, true, 1, 50, NULL, line_fields, NFIELDS(line_fields) },
};

static const struct field_spec *
spec_of(const struct field_spec *s, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s[i].name, name) == 0)
			return &s[i];
	return NULL;
}

static bool
type_ok(const struct field_spec *f, json_t *v)
{
	switch (f->type) {
	case FIELD_STRING_OR_NULL:
	case FIELD_DATE_OR_NULL:
		return json_is_null(v) || json_is_string(v);
	case FIELD_STRING:
	case FIELD_DATE:
	case FIELD_DECIMAL:
		return json_is_string(v);
	case FIELD_INTEGER:
		return json_is_integer(v) && json_integer_value(v) > 0;
	case FIELD_BOOLEAN:
		return json_is_boolean(v);
	case FIELD_STRING_ARRAY:
	case FIELD_OBJECT_ARRAY:
		return json_is_array(v);
	}
	return false;
}

/* What a passed object must satisfy, level by level. */
static void
check_passed(json_t *obj, const struct field_spec *s, size_t n)
{
	const char *key;
	json_t *v;
	size_t i, j;

	json_object_foreach(obj, key, v) {
		const struct field_spec *f = spec_of(s, n, key);

		if (f == NULL || !type_ok(f, v))
			abort();
		if (f->type == FIELD_STRING_ARRAY)
			for (i = 0; i < json_array_size(v); i++)
				for (j = 0; j < i; j++)
					if (json_equal(json_array_get(v, i), json_array_get(v, j)))
						abort();
		if (f->type == FIELD_OBJECT_ARRAY)
			for (i = 0; i < json_array_size(v); i++)
				check_passed(json_array_get(v, i), f->items, f->nitems);
	}
	for (i = 0; i < n; i++)
		if (s[i].required && json_object_get(obj, s[i].name) == NULL)
			abort();
}

static void
check_problem(const struct req *r)
{
	json_t *p = json_loads(r->reply_body, 0, NULL), *errors, *e;
	size_t i;

	if (p == NULL || json_integer_value(json_object_get(p, "status")) != r->status)
		abort();
	errors = json_object_get(p, "errors");
	if (r->status == 422 && json_array_size(errors) == 0)
		abort();
	json_array_foreach(errors, i, e)
		if (!json_is_string(json_object_get(e, "field")) ||
		    !json_is_string(json_object_get(e, "message")))
			abort();
	json_decref(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req r;
	json_t *obj;
	bool need_one;

	if (size < 1 || size > 64 * 1024)
		return 0;
	memset(&r, 0, sizeof(r));
	r.reply_fd = -1;
	r.content_type = strdup("application/json; charset=utf-8");
	need_one = data[0] & 1;
	r.body = malloc(size);
	memcpy(r.body, data + 1, size - 1);
	r.body[size - 1] = '\0';
	r.body_len = size - 1;

	obj = validate_body_or_reply(&r);
	if (obj == NULL) {
		if (r.status != 400)
			abort();
		check_problem(&r);
	} else if (validate_fields_or_reply(&r, obj, spec, NFIELDS(spec), need_one) == 0) {
		if (r.status != 0 || (need_one && json_object_size(obj) == 0))
			abort();
		check_passed(obj, spec, NFIELDS(spec));
	} else {
		if (r.status != 422)
			abort();
		check_problem(&r);
	}
	json_decref(obj);
	req_release(&r);
	return 0;
}
