/* Routing: matches, parameters, 404, 405 with Allow, OpenAPI paths. */
#include "unit.h"

#include "../../server/core/router.c"

static void h(struct req *r) { (void)r; }

static const struct route table[] = {
	{ "GET", "/healthz", h, 0, ROUTE_PUBLIC },
	{ "GET", "/api/v1/users", h, 0, 0 },
	{ "POST", "/api/v1/users", h, 0, 0 },
	{ "GET", "/api/v1/users/:id", h, 0, 0 },
	{ "PATCH", "/api/v1/users/:id", h, 0, 0 },
	{ "POST", "/api/v1/orders/:id/lines/:line", h, 0, 0 },
};
#define N (sizeof(table) / sizeof(table[0]))

static void
test_exact_match(void)
{
	struct route_match m;

	CHECK(router_match(table, N, "GET", "/healthz", &m) == 200);
	CHECK(m.route == &table[0]);
	CHECK(m.nparams == 0);
	CHECK(router_match(table, N, "POST", "/api/v1/users", &m) == 200);
	CHECK(m.route == &table[2]);
}

static void
test_params(void)
{
	struct route_match m;

	CHECK(router_match(table, N, "PATCH", "/api/v1/users/42", &m) == 200);
	CHECK(m.route == &table[4]);
	CHECK_STR(router_param(&m, "id"), "42");
	CHECK(router_param(&m, "nope") == NULL);
	CHECK(router_match(table, N, "POST", "/api/v1/orders/7/lines/3", &m) == 200);
	CHECK_STR(router_param(&m, "id"), "7");
	CHECK_STR(router_param(&m, "line"), "3");
}

static void
test_not_found(void)
{
	struct route_match m;

	CHECK(router_match(table, N, "GET", "/api/v1/user", &m) == 404);
	CHECK(router_match(table, N, "GET", "/api/v1/users/", &m) == 404);
	CHECK(router_match(table, N, "GET", "/api/v1/usersx", &m) == 404);
	CHECK(router_match(table, N, "GET", "/api/v1//users", &m) == 404);
	CHECK(router_match(table, N, "GET", "/api/v1/users//1", &m) == 404);
	CHECK(router_match(table, N, "GET", "/api/v1/users/1/x", &m) == 404);
	CHECK(router_match(table, N, "GET", "/", &m) == 404);
	CHECK(router_match(table, N, "GET", "", &m) == 404);
	CHECK(router_match(table, N, "GET", "/healthz/", &m) == 404);
}

static void
test_method_not_allowed(void)
{
	struct route_match m;

	CHECK(router_match(table, N, "DELETE", "/api/v1/users/9", &m) == 405);
	CHECK_STR(m.allow, "GET, HEAD, PATCH");
	CHECK(router_match(table, N, "PUT", "/api/v1/users", &m) == 405);
	CHECK_STR(m.allow, "GET, HEAD, POST");
}

static void
test_head_is_get(void)
{
	struct route_match m;

	CHECK(router_match(table, N, "HEAD", "/api/v1/users/3", &m) == 200);
	CHECK(m.route == &table[3]);
}

static void
test_long_param_refused(void)
{
	struct route_match m;
	char path[200];

	snprintf(path, sizeof(path), "/api/v1/users/%0100d", 1);
	CHECK(router_match(table, N, "GET", path, &m) == 404);
}

static void
test_openapi_path(void)
{
	char out[128];

	router_openapi_path("/api/v1/users/:id", out, sizeof(out));
	CHECK_STR(out, "/api/v1/users/{id}");
	router_openapi_path("/api/v1/orders/:id/lines/:line", out, sizeof(out));
	CHECK_STR(out, "/api/v1/orders/{id}/lines/{line}");
	router_openapi_path("/healthz", out, sizeof(out));
	CHECK_STR(out, "/healthz");
}

int
main(void)
{
	RUN(test_exact_match);
	RUN(test_params);
	RUN(test_not_found);
	RUN(test_method_not_allowed);
	RUN(test_head_is_get);
	RUN(test_long_param_refused);
	RUN(test_openapi_path);
	return UNIT_DONE();
}
