/* Typed statement values: parameters formatted to text, result columns
 * read into fields. Results are built with libpq's PQsetvalue, no server. */
#include "unit.h"

#include <stdlib.h>

#include "../../server/lib/decimal.c"
#include "../../server/db/values.c"

static void
test_params_text(void)
{
	struct db_params_text t;
	const struct db_param p[] = { DB_INT(42), DB_INT(INT64_MIN), DB_STR("x"), DB_STR(NULL),
		DB_BOOL(true), DB_BOOL(false), DB_NULL, DB_OPT_INT(false, 7), DB_OPT_INT(true, -7) };

	CHECK(db_params_text(p, sizeof(p) / sizeof(p[0]), &t) == 0);
	CHECK_STR(t.values[0], "42");
	CHECK_STR(t.values[1], "-9223372036854775808");
	CHECK_STR(t.values[2], "x");
	CHECK(t.values[3] == NULL);
	CHECK_STR(t.values[4], "true");
	CHECK_STR(t.values[5], "false");
	CHECK(t.values[6] == NULL);
	CHECK(t.values[7] == NULL);
	CHECK_STR(t.values[8], "-7");
}

static size_t
count_of(const struct db_param *p, size_t n)
{
	(void)p;
	return n;
}

static void
test_params_macro_and_limits(void)
{
	struct db_params_text t;
	struct db_param many[DB_MAX_PARAMS + 1] = { 0 };
	struct db_param bad = { (enum db_param_type)99, { .i = 0 } };

	CHECK(count_of(DB_PARAMS(DB_INT(1), DB_STR("a"), DB_NULL)) == 3);
	CHECK(count_of(DB_NO_PARAMS) == 0);
	CHECK(many[0].type == DB_PARAM_NULL);          /* zeroed is SQL NULL */
	CHECK(db_params_text(many, DB_MAX_PARAMS, &t) == 0);
	CHECK(db_params_text(many, DB_MAX_PARAMS + 1, &t) == -1);
	CHECK(db_params_text(&bad, 1, &t) == -1);
}

static void
test_params_from_json(void)
{
	json_t *o = json_pack("{s:s, s:I, s:b, s:n}", "name", "H100", "n", (json_int_t)5,
	    "on", 0, "gone", NULL);
	struct db_param p;

	p = DB_JSON_STR(o, "name");
	CHECK(p.type == DB_PARAM_STR && strcmp(p.v.s, "H100") == 0);
	CHECK(DB_JSON_STR(o, "missing").v.s == NULL);
	p = DB_JSON_INT(o, "n");
	CHECK(p.type == DB_PARAM_INT && p.v.i == 5);
	CHECK(DB_JSON_INT(o, "name").type == DB_PARAM_NULL);
	CHECK(DB_JSON_INT(o, "missing").type == DB_PARAM_NULL);
	p = DB_JSON_BOOL(o, "on");
	CHECK(p.type == DB_PARAM_BOOL && !p.v.b);
	CHECK(DB_JSON_BOOL(o, "missing").type == DB_PARAM_NULL);
	CHECK(DB_JSON_HAS(o, "gone").v.b);
	CHECK(!DB_JSON_HAS(o, "missing").v.b);
	json_decref(o);
}

static void
test_decimal_int64(void)
{
	int64_t v = 1;

	CHECK(decimal_int64("0", &v) == 0 && v == 0);
	CHECK(decimal_int64("-12", &v) == 0 && v == -12);
	CHECK(decimal_int64("9223372036854775807", &v) == 0 && v == INT64_MAX);
	CHECK(decimal_int64("9223372036854775808", &v) == -1);
	CHECK(decimal_int64("", &v) == -1);
	CHECK(decimal_int64(NULL, &v) == -1);
	CHECK(decimal_int64("12x", &v) == -1);
	CHECK(decimal_int64("1.5", &v) == -1);
}

/* A one-row result of text columns; NULL values are SQL NULLs. */
static PGresult *
result_of(const char *const *names, const char *const *values, int n)
{
	PGresAttDesc att[8];
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	int i;

	memset(att, 0, sizeof(att));
	for (i = 0; i < n; i++) {
		att[i].name = (char *)(uintptr_t)names[i];
		att[i].format = 0;
		att[i].typid = 25;
		att[i].typlen = -1;
		att[i].atttypmod = -1;
	}
	PQsetResultAttrs(res, n, att);
	for (i = 0; i < n; i++)
		PQsetvalue(res, 0, i, (char *)(uintptr_t)values[i],
		    values[i] ? (int)strlen(values[i]) : -1);
	return res;
}

static void
test_cols_read(void)
{
	static const char *const names[] = { "id", "small", "on", "name", "note", "gone" };
	static const char *const values[] = { "123", "-5", "t", "rack A", NULL, NULL };
	PGresult *res = result_of(names, values, 6);
	int64_t id = 0, gone = 9;
	long long ll = 0;
	int small = 0;
	bool on = false, present = true;
	char name[8], *note = (char *)1, *dup = NULL, err[128];

	CHECK(db_cols_read(res, 0, DB_COLS(DB_COL_INT("id", &id), DB_COL_INT("id", &ll),
	    DB_COL_INT("small", &small), DB_COL_BOOL("on", &on), DB_COL_TEXT("name", name),
	    DB_COL_DUP("note", &note), DB_COL_DUP("name", &dup),
	    DB_COL_OPT_INT("gone", &gone, &present)), err, sizeof(err)) == 0);
	CHECK(id == 123 && ll == 123 && small == -5 && on);
	CHECK_STR(name, "rack A");
	CHECK(note == NULL);
	CHECK_STR(dup, "rack A");
	CHECK(gone == 0 && !present);                  /* NULL reads as 0 */
	free(dup);
	PQclear(res);
}

static void
test_cols_read_errors(void)
{
	static const char *const names[] = { "n", "big", "name" };
	static const char *const values[] = { "12x", "3000000000", "a long name" };
	PGresult *res = result_of(names, values, 3);
	int64_t v;
	int small;
	char name[4], *dup = NULL, err[128];

	CHECK(db_cols_read(res, 0, DB_COLS(DB_COL_INT("n", &v)), err, sizeof(err)) == -1);
	CHECK(strstr(err, "column n") != NULL);
	CHECK(db_cols_read(res, 0, DB_COLS(DB_COL_INT("big", &small)), err, sizeof(err)) == -1);
	CHECK(db_cols_read(res, 0, DB_COLS(DB_COL_TEXT("name", name)), err, sizeof(err)) == -1);
	CHECK(db_cols_read(res, 0, DB_COLS(DB_COL_INT("nope", &v)), err, sizeof(err)) == -1);
	CHECK(strstr(err, "no column nope") != NULL);
	CHECK(db_cols_read(res, 1, DB_COLS(DB_COL_INT("big", &v)), err, sizeof(err)) == -1);
	/* A string read before the failing column is not left behind. */
	CHECK(db_cols_read(res, 0, DB_COLS(DB_COL_DUP("name", &dup), DB_COL_INT("n", &v)),
	    err, sizeof(err)) == -1);
	CHECK(dup == NULL);
	PQclear(res);
}

int
main(void)
{
	RUN(test_params_text);
	RUN(test_params_macro_and_limits);
	RUN(test_params_from_json);
	RUN(test_decimal_int64);
	RUN(test_cols_read);
	RUN(test_cols_read_errors);
	return UNIT_DONE();
}
