/* router.c -- matching a method and path against the route table. */
#include "core/router.h"

#include <stdio.h>
#include <string.h>

/* Fills the parameter named by the pattern segment at name (after its
 * ':') with the path segment at value; 0 when it cannot hold it. */
static int
param_take(const char *name, size_t nlen, const char *value, size_t vlen,
    struct route_match *m)
{
	struct route_param *p;

	if (vlen == 0 || vlen >= ROUTER_MAX_PARAM_LEN || nlen >= ROUTER_MAX_PARAM_LEN ||
	    m->nparams == ROUTER_MAX_PARAMS)
		return 0;
	p = &m->params[m->nparams++];
	memcpy(p->name, name, nlen);
	p->name[nlen] = '\0';
	memcpy(p->value, value, vlen);
	p->value[vlen] = '\0';
	return 1;
}

/* Compares one pattern with a path segment by segment; fills params.
 * Every request is compared with most of the table, so a literal segment
 * is walked byte by byte and given up at its first difference (most
 * patterns differ from the path at the third segment's first byte). */
static int
pattern_match(const char *pat, const char *path, struct route_match *m)
{
	size_t nlen, vlen;

	m->nparams = 0;
	while (*pat == '/' && *path == '/') {
		pat++;
		path++;
		if (*pat == ':') {
			nlen = strcspn(pat + 1, "/");
			vlen = strcspn(path, "/");
			if (!param_take(pat + 1, nlen, path, vlen, m))
				return 0;
			pat += 1 + nlen;
			path += vlen;
			continue;
		}
		while (*pat != '\0' && *pat != '/' && *pat == *path) {
			pat++;
			path++;
		}
		if ((*pat != '\0' && *pat != '/') || (*path != '\0' && *path != '/'))
			return 0;
	}
	return *pat == '\0' && *path == '\0';
}

static void
allow_add(struct route_match *m, const char *method)
{
	size_t len = strlen(m->allow);

	if (strstr(m->allow, method) != NULL)
		return;
	snprintf(m->allow + len, sizeof(m->allow) - len, "%s%s",
	    len ? ", " : "", method);
}

int
router_match(const struct route *table, size_t n, const char *method,
    const char *path, struct route_match *m)
{
	const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
	size_t i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < n; i++) {
		struct route_match tmp;

		if (!pattern_match(table[i].pattern, path, &tmp))
			continue;
		if (strcmp(table[i].method, want) == 0) {
			char allow[sizeof(m->allow)];

			memcpy(allow, m->allow, sizeof(allow));
			*m = tmp;
			memcpy(m->allow, allow, sizeof(allow));
			m->route = &table[i];
			return 200;
		}
		allow_add(m, table[i].method);
		if (strcmp(table[i].method, "GET") == 0)
			allow_add(m, "HEAD");
	}
	return m->allow[0] ? 405 : 404;
}

const char *
router_param(const struct route_match *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nparams; i++)
		if (strcmp(m->params[i].name, name) == 0)
			return m->params[i].value;
	return NULL;
}

void
router_openapi_path(const char *pattern, char *out, size_t outlen)
{
	size_t o = 0;
	int in_param = 0;

	for (; *pattern && o + 2 < outlen; pattern++) {
		if (*pattern == ':') {
			out[o++] = '{';
			in_param = 1;
			continue;
		}
		if (*pattern == '/' && in_param) {
			out[o++] = '}';
			in_param = 0;
		}
		out[o++] = *pattern;
	}
	if (in_param && o + 1 < outlen)
		out[o++] = '}';
	out[o] = '\0';
}
