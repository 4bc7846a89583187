/* api_static.c -- the files of static/ at /. */
#include "core/api.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
};

static const char *
type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

/* Only plain names below static/: no "..", no hidden files. */
static bool
path_ok(const char *p)
{
	return p[0] == '/' && strstr(p, "/.") == NULL && strchr(p, '\\') == NULL &&
	    strlen(p) < 256;
}

void
api_static(struct req *r)
{
	const char *p = strcmp(r->path, "/") == 0 ? "/index.html" : r->path;
	char path[4096], etag[64];
	struct stat st;
	int fd;

	if (!path_ok(p)) {
		reply_problem(r, PROBLEM_FILE_NOT_FOUND, "no such file");
		return;
	}
	snprintf(path, sizeof(path), "%s/static%s", config.root, p);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		reply_problem(r, PROBLEM_FILE_NOT_FOUND, "no such file: %s", p);
		return;
	}
	/* A validator, so that browsers revalidate (no-cache) with a 304
	 * instead of downloading the file again. */
	snprintf(etag, sizeof(etag), "\"%llx-%llx-%lx\"", (unsigned long long)st.st_ino,
	    (unsigned long long)st.st_size, (long)st.st_mtim.tv_sec);
	r->revalidate = true;
	if (r->if_none_match != NULL && strcmp(r->if_none_match, etag) == 0) {
		close(fd);
		reply_empty(r, 304);
	} else {
		reply_file(r, fd, (size_t)st.st_size, type_of(p));
	}
	reply_header(r, "ETag", etag);
}
