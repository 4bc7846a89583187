/* api_static.c -- the files of static/ at /.
 *
 * Text files may have a gzip twin made by the build (`make static`, a
 * `.gz` beside the file): it is sent instead when the client accepts gzip
 * and the twin is not older than the file, with its own ETag. */
#include "core/api.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

static const struct {
	const char *ext;
	const char *type;
	bool compressible;
} types[] = {
	{ ".html", "text/html; charset=utf-8", true },
	{ ".js", "text/javascript; charset=utf-8", true },
	{ ".mjs", "text/javascript; charset=utf-8", true },
	{ ".css", "text/css; charset=utf-8", true },
	{ ".json", "application/json", true },
	{ ".svg", "image/svg+xml", true },
	{ ".png", "image/png", false },
	{ ".ico", "image/x-icon", false },
	{ ".woff2", "font/woff2", false },
	{ ".txt", "text/plain; charset=utf-8", true },
};

static int
type_index(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return (int)i;
	return -1;
}

/* Only plain names below static/: no "..", no hidden files. */
static bool
path_ok(const char *p)
{
	return p[0] == '/' && strstr(p, "/.") == NULL && strchr(p, '\\') == NULL &&
	    strlen(p) < 256;
}

/* A weight of zero after a coding's ';': q=0, q=0.0 ... q=0.000. */
static bool
q_zero(const char *p)
{
	p += strspn(p, " \t;");
	if (strncasecmp(p, "q=0", 3) != 0)
		return false;
	p += 3;
	if (*p == '.')
		p += 1 + strspn(p + 1, "0");
	return *p == '\0' || strchr(",; \t", *p) != NULL;
}

/* Whether Accept-Encoding lists gzip (or *) with a weight above zero. */
static bool
accepts_gzip(const char *header)
{
	const char *p = header;
	size_t len;

	while (p != NULL && *p != '\0') {
		p += strspn(p, " \t,");
		len = strcspn(p, " \t;,");
		if ((len == 4 && strncasecmp(p, "gzip", 4) == 0) || (len == 1 && *p == '*'))
			return !q_zero(p + len);
		p = strchr(p, ',');
	}
	return false;
}

/* Opens a regular file under static/ without following a link; -1 if none. */
static int
open_regular(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd >= 0 && (fstat(fd, st) != 0 || !S_ISREG(st->st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The gzip twin of a file when the client takes it and it is current. */
static int
open_gzip_twin(const char *path, const struct stat *orig, struct stat *st)
{
	char gz[4096 + 4];
	int fd;

	snprintf(gz, sizeof(gz), "%s.gz", path);
	fd = open_regular(gz, st);
	if (fd >= 0 && st->st_mtim.tv_sec < orig->st_mtim.tv_sec) {
		close(fd);
		fd = -1;
	}
	return fd;
}

void
api_static(struct req *r)
{
	const char *p = strcmp(r->path, "/") == 0 ? "/index.html" : r->path;
	char path[4096], etag[64];
	struct stat st, gz_st;
	int fd, gz_fd = -1, ti;

	if (!path_ok(p)) {
		reply_problem(r, PROBLEM_FILE_NOT_FOUND, "no such file");
		return;
	}
	snprintf(path, sizeof(path), "%s/static%s", config.root, p);
	fd = open_regular(path, &st);
	if (fd < 0) {
		reply_problem(r, PROBLEM_FILE_NOT_FOUND, "no such file: %s", p);
		return;
	}
	ti = type_index(p);
	if (ti >= 0 && types[ti].compressible) {
		reply_header(r, "Vary", "Accept-Encoding");
		if (accepts_gzip(r->accept_encoding))
			gz_fd = open_gzip_twin(path, &st, &gz_st);
	}
	if (gz_fd >= 0) {
		close(fd);
		fd = gz_fd;
		st = gz_st;
		reply_header(r, "Content-Encoding", "gzip");
	}
	/* A validator, so that browsers revalidate (no-cache) with a 304
	 * instead of downloading the file again. */
	snprintf(etag, sizeof(etag), "\"%llx-%llx-%lx%s\"", (unsigned long long)st.st_ino,
	    (unsigned long long)st.st_size, (long)st.st_mtim.tv_sec, gz_fd >= 0 ? "-gz" : "");
	r->revalidate = true;
	if (r->if_none_match != NULL && strcmp(r->if_none_match, etag) == 0) {
		close(fd);
		reply_empty(r, 304);
	} else {
		reply_file(r, fd, (size_t)st.st_size,
		    ti >= 0 ? types[ti].type : "application/octet-stream");
	}
	reply_header(r, "ETag", etag);
}
