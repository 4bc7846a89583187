/* Configuration: defaults, bounds, messages naming the variable. */
#include <stdint.h>

#include "unit.h"

#include "../../server/lib/addr.c"
#include "../../server/config.c"

static const char *const *fake_env;

static char *
fake_getenv(const char *name)
{
	size_t len = strlen(name);
	const char *const *e;

	for (e = fake_env; *e; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			return (char *)(uintptr_t)(*e + len + 1);
	return NULL;
}

static int
load(const char *const *env, struct config *c, char *err)
{
	fake_env = env;
	memset(c, 0, sizeof(*c));
	return config_load(c, fake_getenv, err, 256);
}

static void
test_defaults(void)
{
	static const char *const env[] = { "DATABASE_URL=dbname=x", NULL };
	struct config c;
	char err[256];

	CHECK(load(env, &c, err) == 0);
	CHECK(c.port == 8080);
	CHECK_STR(c.bind, "127.0.0.1");
	CHECK(c.body_limit == 1048576);
	CHECK(c.session_hours == 12);
	CHECK(c.migrate_on_start);
	CHECK(c.threads >= 2);
	CHECK_STR(c.database_url, "dbname=x");
}

static void
test_values(void)
{
	static const char *const env[] = {
		"DATABASE_URL=dbname=y", "PORT=0", "REGISTRY_THREADS=3",
		"REGISTRY_MIGRATE_ON_START=false", "REGISTRY_BODY_LIMIT=2048", NULL
	};
	struct config c;
	char err[256];

	CHECK(load(env, &c, err) == 0);
	CHECK(c.port == 0);
	CHECK(c.threads == 3);
	CHECK(!c.migrate_on_start);
	CHECK(c.body_limit == 2048);
}

static void
test_bad_values_named(void)
{
	static const char *const port[] = { "DATABASE_URL=x", "PORT=70000", NULL };
	static const char *const neg[] = { "DATABASE_URL=x", "REGISTRY_THREADS=-1", NULL };
	static const char *const junk[] = { "DATABASE_URL=x", "PORT=80a", NULL };
	static const char *const flag[] = { "DATABASE_URL=x", "REGISTRY_MIGRATE_ON_START=yes", NULL };
	static const char *const none[] = { NULL };
	struct config c;
	char err[256];

	CHECK(load(port, &c, err) == -1 && strstr(err, "PORT=70000") != NULL);
	CHECK(load(neg, &c, err) == -1 && strstr(err, "REGISTRY_THREADS") != NULL);
	CHECK(load(junk, &c, err) == -1 && strstr(err, "PORT") != NULL);
	CHECK(load(flag, &c, err) == -1 && strstr(err, "REGISTRY_MIGRATE_ON_START") != NULL);
	CHECK(load(none, &c, err) == -1 && strstr(err, "DATABASE_URL") != NULL);
}

/* The serving role's URL alone is enough for `serve` without migrating. */
static void
test_serve_url_alone(void)
{
	static const char *const env[] = { "REGISTRY_SERVE_DATABASE_URL=dbname=s", NULL };
	struct config c;
	char err[256];

	CHECK(load(env, &c, err) == 0);
	CHECK(c.database_url == NULL);
	CHECK_STR(c.serve_database_url, "dbname=s");
}

int
main(void)
{
	RUN(test_defaults);
	RUN(test_values);
	RUN(test_bad_values_named);
	RUN(test_serve_url_alone);
	return UNIT_DONE();
}
