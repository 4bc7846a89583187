/* values.c -- statement parameters to text, result columns to fields. */
#include "db/values.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/decimal.h"

struct db_param
db_param_json_str(const json_t *obj, const char *name)
{
	return DB_STR(json_string_value(json_object_get(obj, name)));
}

struct db_param
db_param_json_int(const json_t *obj, const char *name)
{
	const json_t *v = json_object_get(obj, name);

	return DB_OPT_INT(json_is_integer(v), json_integer_value(v));
}

struct db_param
db_param_json_bool(const json_t *obj, const char *name)
{
	const json_t *v = json_object_get(obj, name);

	return json_is_boolean(v) ? DB_BOOL(json_is_true(v)) : DB_NULL;
}

int
db_params_text(const struct db_param *p, size_t n, struct db_params_text *t)
{
	size_t i;

	if (n > DB_MAX_PARAMS)
		return -1;
	for (i = 0; i < n; i++) {
		switch (p[i].type) {
		case DB_PARAM_NULL:
			t->values[i] = NULL;
			break;
		case DB_PARAM_INT:
			snprintf(t->ints[i], sizeof(t->ints[i]), "%" PRId64, p[i].v.i);
			t->values[i] = t->ints[i];
			break;
		case DB_PARAM_STR:
			t->values[i] = p[i].v.s;
			break;
		case DB_PARAM_BOOL:
			t->values[i] = p[i].v.b ? "true" : "false";
			break;
		default:
			return -1;
		}
	}
	return 0;
}

/* One column's value into its field; NULL reads as the zero value. */
static int
col_read(const PGresult *res, int row, int col, const struct db_col *c)
{
	const char *s = PQgetvalue(res, row, col);
	bool null = PQgetisnull(res, row, col);
	int64_t v = 0;
	int32_t v32;

	if (c->present != NULL)
		*c->present = !null;
	switch (c->type) {
	case DB_COL_TYPE_INT:
		if (!null && decimal_int64(s, &v) != 0)
			return -1;
		if (c->size == sizeof(int64_t)) {
			memcpy(c->out, &v, sizeof(v));
			return 0;
		}
		if (c->size != sizeof(int32_t) || v < INT32_MIN || v > INT32_MAX)
			return -1;
		v32 = (int32_t)v;
		memcpy(c->out, &v32, sizeof(v32));
		return 0;
	case DB_COL_TYPE_BOOL:
		*(bool *)c->out = !null && s[0] == 't';
		return 0;
	case DB_COL_TYPE_TEXT:
		return (size_t)snprintf(c->out, c->size, "%s", s) < c->size ? 0 : -1;
	case DB_COL_TYPE_DUP:
		*(char **)c->out = null ? NULL : strdup(s);
		return null || *(char **)c->out != NULL ? 0 : -1;
	}
	return -1;
}

int
db_cols_read(const PGresult *res, int row, const struct db_col *cols, size_t n,
    char *err, size_t errlen)
{
	size_t i, j;
	int col, rc = -1;

	for (i = 0; i < n; i++) {
		if ((col = PQfnumber(res, cols[i].name)) < 0 || row >= PQntuples(res)) {
			snprintf(err, errlen, "no column %s in row %d", cols[i].name, row);
			goto out;
		}
		if (col_read(res, row, col, &cols[i]) != 0) {
			snprintf(err, errlen, "column %s: cannot read \"%.40s\"", cols[i].name,
			    PQgetvalue(res, row, col));
			goto out;
		}
	}
	rc = 0;
out:
	for (j = 0; rc != 0 && j < i; j++) {
		if (cols[j].type == DB_COL_TYPE_DUP) {
			free(*(char **)cols[j].out);
			*(char **)cols[j].out = NULL;
		}
	}
	return rc;
}
