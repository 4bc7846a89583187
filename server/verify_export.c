/* verify_export.c -- `registry verify-export FILE MANIFEST`: checks a
 * downloaded export against its signed manifest with only the service's
 * public key, offline: the manifest's signature (lib/note.h), then the
 * file's size and SHA-256 against the ones it states (lib/manifest.h).
 *
 * The key is the `verifier_key` of GET /api/v1/keys ("<name>+<hash>+
 * <base64>"), given as --public-key KEY (or --key KEY, as verify-receipt
 * takes it), or in a file (--public-key-file
 * PATH, its first line), or in REGISTRY_VERIFIER_KEY. Exit status: 0 when
 * the file is the one the manifest describes, 1 when it is not (or the
 * signature fails), 2 on a usage or reading error. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "lib/manifest.h"
#include "lib/note.h"

#define MANIFEST_MAX 65536

static int
read_small(const char *path, char *buf, size_t size, size_t *len)
{
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		fprintf(stderr, "registry: %s: %s\n", path, strerror(errno));
		return -1;
	}
	*len = fread(buf, 1, size - 1, f);
	buf[*len] = '\0';
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "registry: %s: not readable, or larger than %zu bytes\n", path,
		    size - 1);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* The file's size and SHA-256 in hex. */
static int
hash_file(const char *path, uint64_t *size, char hex[65])
{
	unsigned char buf[65536], sha[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "registry: %s: %s\n", path, strerror(errno));
		return -1;
	}
	crypto_hash_sha256_init(&st);
	*size = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		crypto_hash_sha256_update(&st, buf, n);
		*size += n;
	}
	if (ferror(f)) {
		fprintf(stderr, "registry: %s: read error\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	crypto_hash_sha256_final(&st, sha);
	sodium_bin2hex(hex, 65, sha, sizeof(sha));
	return 0;
}

/* The verifier key from the options or the environment. */
static int
load_key(const char *key, const char *key_file, struct note_key *out)
{
	char line[512];
	size_t len;

	if (key == NULL && key_file != NULL) {
		if (read_small(key_file, line, sizeof(line), &len) != 0)
			return -1;
		line[strcspn(line, "\r\n")] = '\0';
		key = line;
	}
	if (key == NULL)
		key = getenv("REGISTRY_VERIFIER_KEY");
	if (key == NULL) {
		fprintf(stderr, "registry: give the service's public key: --public-key KEY (the "
		    "verifier_key of GET /api/v1/keys), --public-key-file PATH or "
		    "REGISTRY_VERIFIER_KEY\n");
		return -1;
	}
	if (note_key_parse_public(out, key) != 0) {
		fprintf(stderr, "registry: not a verifier key: %s\n", key);
		return -1;
	}
	return 0;
}

int
cli_verify_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "public-key", required_argument, NULL, 'k' },
		{ "key", required_argument, NULL, 'k' },    /* as verify-receipt takes it */
		{ "public-key-file", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL, *key_file = NULL;
	char *note, hex[65], want[65];
	struct note_key vk;
	size_t len, text_len;
	uint64_t size, want_size;
	int c, rc = 2;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'k')
			key = optarg;
		else if (c == 'f')
			key_file = optarg;
		else
			return 2;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: registry verify-export FILE MANIFEST [--public-key KEY | "
		    "--public-key-file PATH]\n");
		return 2;
	}
	if (sodium_init() < 0 || load_key(key, key_file, &vk) != 0 ||
	    (note = malloc(MANIFEST_MAX)) == NULL)
		return 2;
	if (read_small(argv[optind + 1], note, MANIFEST_MAX, &len) != 0)
		goto out;
	rc = 1;
	if (!note_verify(&vk, note, len, &text_len)) {
		fprintf(stderr, "registry: %s: no valid signature by %s\n", argv[optind + 1], vk.name);
		goto out;
	}
	if (manifest_parse(note, text_len, &want_size, want) != 0) {
		fprintf(stderr, "registry: %s is signed but is not an export manifest\n",
		    argv[optind + 1]);
		goto out;
	}
	if (hash_file(argv[optind], &size, hex) != 0) {
		rc = 2;
		goto out;
	}
	if (size != want_size || strcmp(hex, want) != 0) {
		fprintf(stderr, "registry: %s does not match its manifest: %llu bytes, sha256 %s; "
		    "the manifest says %llu bytes, sha256 %s\n", argv[optind],
		    (unsigned long long)size, hex, (unsigned long long)want_size, want);
		goto out;
	}
	printf("ok: %s matches its manifest, signed by %s (%llu bytes, sha256 %s)\n",
	    argv[optind], vk.name, (unsigned long long)size, hex);
	rc = 0;
out:
	free(note);
	return rc;
}
