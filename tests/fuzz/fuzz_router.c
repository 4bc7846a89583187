/* fuzz_router.c -- router_match() on any method and path, against the
 * patterns of the real route table (build/fuzz/routes.inc, made from
 * server/routes.c by the Makefile, so a new route is fuzzed at once).
 * Input: one byte choosing the method, then the path.
 * Oracles: the status is 200, 404 or 405; a 200 names a route of the
 * method whose pattern, with the parameters put back, is the path again;
 * parameters are non-empty, hold no '/', fit their buffer and are found
 * by router_param(); a 405 has an Allow list; router_openapi_path() never
 * writes past a buffer of any size. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/core/router.c"

static void h(struct req *r) { (void)r; }

static const struct route table[] = {
#include "routes.inc"
};
#define N (sizeof(table) / sizeof(table[0]))

static const char *const methods[] = { "GET", "HEAD", "POST", "PATCH", "PUT", "DELETE",
	"OPTIONS", "get", "" };
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The path a pattern names with the match's parameters put back. */
static void
rebuild(const struct route_match *m, char *out, size_t outlen)
{
	const char *p = m->route->pattern;
	size_t o = 0, k = 0;

	while (*p && o + 1 < outlen) {
		if (*p == ':' && p[-1] == '/') {
			const char *v = m->params[k++].value;
			size_t vl = strlen(v);

			if (o + vl + 1 >= outlen)
				abort();
			memcpy(out + o, v, vl);
			o += vl;
			p += strcspn(p, "/");
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct route_match m;
	const char *method, *want;
	char *path, rebuilt[1024], small[256];
	size_t i, outlen;
	int st;

	if (size < 1 || size > 900)
		return 0;
	method = methods[data[0] % NMETHODS];
	want = strcmp(method, "HEAD") == 0 ? "GET" : method;
	path = malloc(size);
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';

	st = router_match(table, N, method, path, &m);
	if (st == 200) {
		if (m.route == NULL || strcmp(m.route->method, want) != 0 ||
		    m.nparams > ROUTER_MAX_PARAMS)
			abort();
		for (i = 0; i < m.nparams; i++) {
			size_t vl = strnlen(m.params[i].value, ROUTER_MAX_PARAM_LEN);

			if (vl == 0 || vl == ROUTER_MAX_PARAM_LEN || strchr(m.params[i].value, '/') ||
			    router_param(&m, m.params[i].name) == NULL)
				abort();
		}
		rebuild(&m, rebuilt, sizeof(rebuilt));
		if (strcmp(rebuilt, path) != 0)
			abort();
	} else if (st == 405) {
		if (m.route != NULL || m.allow[0] == '\0' ||
		    strnlen(m.allow, sizeof(m.allow)) == sizeof(m.allow))
			abort();
	} else if (st != 404 || m.route != NULL) {
		abort();
	}

	/* The OpenAPI spelling of the path taken as a pattern, into a buffer
	 * of a size the input chooses (at least one byte). */
	outlen = 1 + (size_t)data[0] % sizeof(small);
	router_openapi_path(path, small, outlen);
	if (strnlen(small, outlen) == outlen)
		abort();
	free(path);
	return 0;
}
