/* keys.c -- the service's signing key file (see keys.h). */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct note_key service_key;
static int loaded;

/* Makes a new key and writes it under a temporary name first, so another
 * process starting at the same time never reads half a file: link() puts
 * it in place only if nothing is there yet. */
static int
key_make(const char *path, const char *name)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	char line[256], tmp[4200];
	struct note_key key;
	int fd = -1, rc = -1;
	size_t n;

	randombytes_buf(seed, sizeof(seed));
	if (note_key_from_seed(&key, name, seed) != 0 ||
	    note_key_format_private(&key, line, sizeof(line)) != 0) {
		fprintf(stderr, "registry: REGISTRY_SIGNING_KEY_NAME=%s: expected 1 to %d "
		    "printable characters without spaces or '+'\n", name, NOTE_NAME_MAX);
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s.%ld.new", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	n = strlen(line);
	line[n++] = '\n';
	if (fd < 0 || write(fd, line, n) != (ssize_t)n || fsync(fd) != 0) {
		fprintf(stderr, "registry: writing %s: %s\n", tmp, strerror(errno));
		goto out;
	}
	if (link(tmp, path) != 0 && errno != EEXIST) {
		fprintf(stderr, "registry: signing key %s: %s\n", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(line, sizeof(line));
	note_key_wipe(&key);
	return rc;
}

static int
key_read(const char *path)
{
	char line[256];
	struct stat st;
	ssize_t n = -1;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "registry: signing key %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
		fprintf(stderr, "registry: signing key %s must be a file only its owner can "
		    "read (chmod 600)\n", path);
		goto out;
	}
	n = read(fd, line, sizeof(line) - 1);
	if (n <= 0 || note_key_parse_private(&service_key, (line[n] = '\0', line)) != 0) {
		fprintf(stderr, "registry: signing key %s: not a PRIVATE+KEY line\n", path);
		goto out;
	}
	loaded = 1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	sodium_memzero(line, sizeof(line));
	return rc;
}

int
keys_load(const char *path, const char *name)
{
	char dir[4096];
	char *slash;

	/* The default lives in REGISTRY_ROOT/var, which a fresh checkout lacks. */
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "registry: folder %s: %s\n", dir, strerror(errno));
			return -1;
		}
	}
	if (access(path, F_OK) != 0 && errno == ENOENT && key_make(path, name) != 0)
		return -1;
	return key_read(path);
}

const struct note_key *
keys_service(void)
{
	return loaded ? &service_key : NULL;
}

int
keys_sign_note(const char *text, size_t len, char *out, size_t size)
{
	int n;

	if (!loaded || len + 1 >= size)
		return -1;
	memcpy(out, text, len);
	out[len] = '\n';
	n = note_sign_line(&service_key, text, len, out + len + 1, size - len - 1);
	return n < 0 ? -1 : (int)len + 1 + n;
}

void
keys_forget(void)
{
	note_key_wipe(&service_key);
	loaded = 0;
}
