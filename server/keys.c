/* keys.c -- the service's signing key file (see keys.h). */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct note_key service_key;
static int loaded;
static struct note_key previous[KEYS_PREVIOUS_MAX];
static size_t nprevious;

/* Writes line (a new secret) to path under a temporary name first, so
 * another process starting at the same time never reads half a file:
 * link() puts it in place only if nothing is there yet. */
static int
file_make(const char *path, const char *what, char *line, size_t size)
{
	char tmp[4200];
	int fd, rc = -1;
	size_t n = strlen(line);

	if (n + 1 >= size)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.%ld.new", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	line[n++] = '\n';
	if (fd < 0 || write(fd, line, n) != (ssize_t)n || fsync(fd) != 0)
		fprintf(stderr, "registry: writing %s: %s\n", tmp, strerror(errno));
	else if (link(tmp, path) != 0 && errno != EEXIST)
		fprintf(stderr, "registry: %s %s: %s\n", what, path, strerror(errno));
	else
		rc = 0;
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	return rc;
}

int
keys_file_load(const char *path, const char *what, int (*make)(char *line, size_t size, void *arg),
    void *arg, char *line, size_t size)
{
	char dir[4096], *slash;
	struct stat st;
	ssize_t n = -1;
	int fd = -1, rc = -1;

	/* The default lives in REGISTRY_ROOT/var, which a fresh checkout lacks.
	 * 0755 as core/stream.c makes it: var/ holds the upload and proposal
	 * folders, which a server that drops to REGISTRY_USER must reach; the
	 * key file itself is 0600. */
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			fprintf(stderr, "registry: folder %s: %s\n", dir, strerror(errno));
			return -1;
		}
	}
	if (access(path, F_OK) != 0 && errno == ENOENT &&
	    (make(line, size, arg) != 0 || file_make(path, what, line, size) != 0))
		goto out;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "registry: %s %s: %s\n", what, path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
		fprintf(stderr, "registry: %s %s must be a file only its owner can "
		    "read (chmod 600)\n", what, path);
		goto out;
	}
	if ((n = read(fd, line, size - 1)) <= 0) {
		fprintf(stderr, "registry: %s %s is empty\n", what, path);
		goto out;
	}
	line[n] = '\0';
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		sodium_memzero(line, size);
	return rc;
}

/* A new key named arg, as its PRIVATE+KEY line. */
static int
key_make(char *line, size_t size, void *arg)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	const char *name = arg;
	struct note_key key;
	int rc = 0;

	randombytes_buf(seed, sizeof(seed));
	if (note_key_from_seed(&key, name, seed) != 0 ||
	    note_key_format_private(&key, line, size) != 0) {
		fprintf(stderr, "registry: REGISTRY_SIGNING_KEY_NAME=%s: expected 1 to %d "
		    "printable characters without spaces or '+'\n", name, NOTE_NAME_MAX);
		rc = -1;
	}
	sodium_memzero(seed, sizeof(seed));
	note_key_wipe(&key);
	return rc;
}

int
keys_load(const char *path, const char *name)
{
	char line[256];
	int rc = -1;

	if (keys_file_load(path, "signing key", key_make, (void *)(uintptr_t)name, line,
	    sizeof(line)) != 0)
		return -1;
	if (note_key_parse_private(&service_key, line) != 0)
		fprintf(stderr, "registry: signing key %s: not a PRIVATE+KEY line\n", path);
	else
		loaded = 1, rc = 0;
	sodium_memzero(line, sizeof(line));
	return rc;
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

int
keys_load_previous(const char *list)
{
	char line[256];
	size_t len;

	nprevious = 0;
	while (list != NULL && *list != '\0') {
		len = strcspn(list, ", ");
		if (len > 0) {
			if (nprevious == KEYS_PREVIOUS_MAX || len >= sizeof(line)) {
				fprintf(stderr, "registry: REGISTRY_SIGNING_PREVIOUS_KEYS: at most %d "
				    "verifier keys\n", KEYS_PREVIOUS_MAX);
				return -1;
			}
			memcpy(line, list, len);
			line[len] = '\0';
			if (note_key_parse_public(&previous[nprevious++], line) != 0) {
				fprintf(stderr, "registry: REGISTRY_SIGNING_PREVIOUS_KEYS: %s is not a "
				    "verifier key (name+hash+base64)\n", line);
				return -1;
			}
		}
		list += len + (list[len] != '\0');
	}
	return 0;
}

const struct note_key *
keys_previous(size_t *n)
{
	*n = nprevious;
	return previous;
}

size_t
keys_verifiers(struct note_key *out, size_t max)
{
	size_t n = 0, i;

	if (loaded && n < max) {
		out[n] = service_key;
		note_key_wipe(&out[n++]);
	}
	for (i = 0; i < nprevious && n < max; i++)
		out[n++] = previous[i];
	return n;
}

void
keys_forget(void)
{
	note_key_wipe(&service_key);
	loaded = 0;
}
