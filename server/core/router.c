/* router.c -- matching a method and path against the route table. */
#include "core/router.h"

#include <stdio.h>
#include <string.h>

/* Compares one pattern with a path segment by segment; fills params. */
static int
pattern_match(const char *pat, const char *path, struct route_match *m)
{
	m->nparams = 0;
	while (*pat == '/' && *path == '/') {
		const char *pe = strchr(pat + 1, '/');
		const char *se = strchr(path + 1, '/');
		size_t plen = pe ? (size_t)(pe - pat - 1) : strlen(pat + 1);
		size_t slen = se ? (size_t)(se - path - 1) : strlen(path + 1);

		if (pat[1] == ':') {
			struct route_param *p;

			if (slen == 0 || slen >= ROUTER_MAX_PARAM_LEN ||
			    m->nparams == ROUTER_MAX_PARAMS)
				return 0;
			p = &m->params[m->nparams++];
			snprintf(p->name, sizeof(p->name), "%.*s", (int)plen - 1, pat + 2);
			memcpy(p->value, path + 1, slen);
			p->value[slen] = '\0';
		} else if (plen != slen || memcmp(pat + 1, path + 1, plen) != 0) {
			return 0;
		}
		pat += plen + 1;
		path += slen + 1;
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
