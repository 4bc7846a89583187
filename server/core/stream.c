/* stream.c -- the body sink's file and hash, and small file readers. */
#include "core/stream.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SINK_PREFIX "body-"

/* mkdir -p: the folders above the last are the project's own (var/ also
 * holds the database), 0755; the last is 0700. */
static int
mkdir_parents(const char *dir)
{
	char path[1024];
	char *p;

	if ((size_t)snprintf(path, sizeof(path), "%s", dir) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

int
stream_dir_prepare(const char *dir)
{
	DIR *d;
	struct dirent *e;
	char path[1024];

	if (mkdir_parents(dir) != 0)
		return -1;
	if (chmod(dir, 0700) != 0 || (d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, SINK_PREFIX, strlen(SINK_PREFIX)) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	return 0;
}

int
stream_sink_open(struct body_sink *s, const char *dir)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if ((size_t)snprintf(s->path, sizeof(s->path), "%s/" SINK_PREFIX "XXXXXX", dir) >=
	    sizeof(s->path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	s->fd = mkostemp(s->path, O_CLOEXEC);       /* 0600 */
	if (s->fd < 0)
		return -1;
	crypto_hash_sha256_init(&s->sha);
	return 0;
}

int
stream_sink_write(struct body_sink *s, const char *data, size_t len)
{
	ssize_t n;

	crypto_hash_sha256_update(&s->sha, (const unsigned char *)data, len);
	while (len > 0) {
		n = write(s->fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
		s->size += (uint64_t)n;
	}
	return 0;
}

void
stream_sink_finish(struct body_sink *s)
{
	unsigned char hash[32];

	crypto_hash_sha256_final(&s->sha, hash);
	sodium_bin2hex(s->sha256, sizeof(s->sha256), hash, sizeof(hash));
}

void
stream_sink_discard(struct body_sink *s)
{
	if (s->fd < 0)
		return;
	close(s->fd);
	unlink(s->path);
	s->fd = -1;
}

int
stream_file_lines(const char *path, uint64_t max, uint64_t *lines)
{
	char buf[65536];
	ssize_t n, i;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;
	bool cr = false;

	*lines = 0;
	if (fd < 0)
		return -1;
	while (*lines <= max && (n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n' && !cr)
				(*lines)++;
			else if (buf[i] == '\r')
				(*lines)++;
			cr = buf[i] == '\r';
		}
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

int
stream_file_read(const char *path, size_t size, char **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;

	*out = NULL;
	if (fd < 0)
		return -1;
	if ((buf = malloc(size + 1)) == NULL)
		goto out;
	while (got < size) {
		n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		got += (size_t)n;
	}
	buf[size] = '\0';
	*out = buf;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

/* Syncs a file or folder by path. */
static int
sync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Copies src into a new file at dst (O_EXCL, 0600), 64 KiB at a time. */
static int
copy_file(const char *src, const char *dst)
{
	char buf[65536];
	ssize_t n = 0;
	int in, out, rc = -1;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	if (n == 0)
		rc = 0;
	close(in);
	if (close(out) != 0 || rc != 0) {
		unlink(dst);
		return -1;
	}
	return 0;
}

int
stream_file_keep(const char *src, const char *dir, const char *name)
{
	char dst[1024];

	if ((size_t)snprintf(dst, sizeof(dst), "%s/%s", dir, name) >= sizeof(dst)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (link(src, dst) != 0 && (errno != EXDEV || copy_file(src, dst) != 0))
		return -1;
	if (sync_path(dst, O_RDONLY) != 0 || sync_path(dir, O_RDONLY | O_DIRECTORY) != 0) {
		unlink(dst);
		return -1;
	}
	return 0;
}

int
stream_file_write(const char *dir, const char *name, const void *buf, size_t len)
{
	char tmp[1024], dst[1024];
	const char *p = buf;
	ssize_t n;
	bool ok;
	int fd;

	if ((size_t)snprintf(dst, sizeof(dst), "%s/%s", dir, name) >= sizeof(dst) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/" SINK_PREFIX "XXXXXX", dir) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return -1;
	while (len > 0 && (n = write(fd, p, len)) > 0) {
		p += n;
		len -= (size_t)n;
	}
	ok = len == 0 && fsync(fd) == 0;
	if (close(fd) != 0 || !ok || rename(tmp, dst) != 0) {
		unlink(tmp);
		return -1;
	}
	return sync_path(dir, O_RDONLY | O_DIRECTORY);
}
