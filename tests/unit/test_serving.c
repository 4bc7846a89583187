/* The serving role's connection string and password, without a database. */
#include "unit.h"

#include "../../server/serving.c"

static void
test_with_user_replaces_user_and_password(void)
{
	char *a = with_user("postgresql://owner:s3cret@db.example:5433/reg?sslmode=require",
	    "reg_serve", "derived");
	char *b = with_user("host=/run/pg dbname=reg user=owner", "reg_serve", "");

	CHECK(a != NULL && b != NULL);
	CHECK(a != NULL && strstr(a, "s3cret") == NULL && strstr(a, "owner") == NULL);
	CHECK(a != NULL && strstr(a, "host='db.example'") && strstr(a, "port='5433'") &&
	    strstr(a, "dbname='reg'") && strstr(a, "sslmode='require'") &&
	    strstr(a, "user='reg_serve'") && strstr(a, "password='derived'"));
	CHECK_STR(b, "dbname='reg' host='/run/pg' user='reg_serve'");
	free(a);
	free(b);
}

static void
test_with_user_quotes(void)
{
	char *a = with_user("host=h dbname='it\\'s'", "r", "a\\b'c");
	PQconninfoOption *o = a ? PQconninfoParse(a, NULL) : NULL, *i;
	int seen = 0;

	CHECK(o != NULL);
	for (i = o; o && i->keyword; i++) {
		if (strcmp(i->keyword, "dbname") == 0) {
			CHECK_STR(i->val, "it's");
			seen++;
		}
		if (strcmp(i->keyword, "password") == 0) {
			CHECK_STR(i->val, "a\\b'c");
			seen++;
		}
	}
	CHECK(seen == 2);
	PQconninfoFree(o);
	free(a);
}

static void
test_password_derived(void)
{
	char a[PASSWORD_LEN], b[PASSWORD_LEN], c[PASSWORD_LEN], d[PASSWORD_LEN], e[PASSWORD_LEN];

	derive_password("owner-pass", "x_serve", a);
	derive_password("owner-pass", "x_serve", b);
	derive_password("owner-pass", "y_serve", c);
	derive_password("other-pass", "x_serve", d);
	derive_password("", "x_serve", e);
	CHECK(strlen(a) == 43 && strcmp(a, b) == 0);
	CHECK(strcmp(a, c) != 0 && strcmp(a, d) != 0);
	CHECK(e[0] == '\0');
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_with_user_replaces_user_and_password);
	RUN(test_with_user_quotes);
	RUN(test_password_derived);
	return UNIT_DONE();
}
