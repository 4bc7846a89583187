/* note.c -- signed notes (see note.h). */
#include "lib/note.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALG_ED25519 0x01
#define DASH "\xe2\x80\x94 " /* "— " */
#define SIG_RAW (4 + crypto_sign_BYTES)

bool
note_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > NOTE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] <= ' ' || name[i] > '~' || name[i] == '+')
			return false;
	return true;
}

static uint32_t
key_hash(const char *name, const unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES], alg = ALG_ED25519;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&st, &alg, 1);
	crypto_hash_sha256_update(&st, pk, crypto_sign_PUBLICKEYBYTES);
	crypto_hash_sha256_final(&st, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

int
note_key_from_seed(struct note_key *key, const char *name,
    const unsigned char seed[crypto_sign_SEEDBYTES])
{
	if (!note_name_valid(name))
		return -1;
	memset(key, 0, sizeof(*key));
	memcpy(key->name, name, strlen(name) + 1);
	if (crypto_sign_seed_keypair(key->pk, key->sk, seed) != 0)
		return -1;
	key->hash = key_hash(key->name, key->pk);
	return 0;
}

/* "<prefix><name>+<hash>+<base64(0x01 bytes)>" */
static int
format_key(const char *prefix, const struct note_key *key, const unsigned char *bytes,
    size_t len, char *out, size_t size)
{
	unsigned char raw[1 + crypto_sign_PUBLICKEYBYTES];
	char b64[sodium_base64_ENCODED_LEN(sizeof(raw), sodium_base64_VARIANT_ORIGINAL)];
	int n;

	raw[0] = ALG_ED25519;
	memcpy(raw + 1, bytes, len);
	sodium_bin2base64(b64, sizeof(b64), raw, 1 + len, sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(raw, sizeof(raw));
	n = snprintf(out, size, "%s%s+%08x+%s", prefix, key->name, key->hash, b64);
	sodium_memzero(b64, sizeof(b64));
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
note_key_format_private(const struct note_key *key, char *out, size_t size)
{
	/* The seed is the first half of libsodium's secret key. */
	return format_key("PRIVATE+KEY+", key, key->sk, crypto_sign_SEEDBYTES, out, size);
}

int
note_key_format_public(const struct note_key *key, char *out, size_t size)
{
	return format_key("", key, key->pk, crypto_sign_PUBLICKEYBYTES, out, size);
}

/* Splits "<name>+<hash>+<base64>" (trailing newline allowed) into its
 * parts; the 32 bytes after the algorithm byte go to bytes. */
static int
parse_key(const char *line, char name[NOTE_NAME_MAX + 1], uint32_t *hash,
    unsigned char bytes[32])
{
	const char *plus1 = strchr(line, '+'), *plus2, *b64;
	unsigned char raw[1 + 32 + 1];
	size_t raw_len = 0, b64_len;
	char hex[9];
	int rc = -1;

	if (plus1 == NULL || (size_t)(plus1 - line) > NOTE_NAME_MAX)
		goto out;
	plus2 = strchr(plus1 + 1, '+');
	if (plus2 == NULL || plus2 - plus1 - 1 != 8)
		goto out;
	memcpy(name, line, (size_t)(plus1 - line));
	name[plus1 - line] = '\0';
	memcpy(hex, plus1 + 1, 8);
	hex[8] = '\0';
	if (!note_name_valid(name) || strspn(hex, "0123456789abcdef") != 8)
		goto out;
	*hash = (uint32_t)strtoul(hex, NULL, 16);
	b64 = plus2 + 1;
	b64_len = strcspn(b64, "\r\n");
	if (b64[b64_len] != '\0' && strcmp(b64 + b64_len, "\n") != 0)
		goto out;
	if (sodium_base642bin(raw, sizeof(raw), b64, b64_len, NULL, &raw_len, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || raw_len != 33 || raw[0] != ALG_ED25519)
		goto out;
	memcpy(bytes, raw + 1, 32);
	rc = 0;
out:
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

int
note_key_parse_private(struct note_key *key, const char *line)
{
	static const char prefix[] = "PRIVATE+KEY+";
	unsigned char seed[crypto_sign_SEEDBYTES];
	char name[NOTE_NAME_MAX + 1];
	uint32_t hash;
	int rc = -1;

	if (strncmp(line, prefix, sizeof(prefix) - 1) != 0 ||
	    parse_key(line + sizeof(prefix) - 1, name, &hash, seed) != 0)
		goto out;
	if (note_key_from_seed(key, name, seed) != 0)
		goto out;
	if (key->hash != hash) {
		note_key_wipe(key);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

int
note_key_parse_public(struct note_key *key, const char *line)
{
	memset(key, 0, sizeof(*key));
	if (parse_key(line, key->name, &key->hash, key->pk) != 0)
		return -1;
	return key_hash(key->name, key->pk) == key->hash ? 0 : -1;
}

void
note_key_fingerprint(const struct note_key *key, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, key->pk, sizeof(key->pk));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int
note_sign_line(const struct note_key *key, const char *text, size_t len, char *out,
    size_t size)
{
	unsigned char raw[SIG_RAW];
	char b64[sodium_base64_ENCODED_LEN(SIG_RAW, sodium_base64_VARIANT_ORIGINAL)];
	int n;

	if (len == 0 || text[len - 1] != '\n')
		return -1;
	raw[0] = (unsigned char)(key->hash >> 24);
	raw[1] = (unsigned char)(key->hash >> 16);
	raw[2] = (unsigned char)(key->hash >> 8);
	raw[3] = (unsigned char)key->hash;
	crypto_sign_detached(raw + 4, NULL, (const unsigned char *)text, len, key->sk);
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(out, size, DASH "%s %s\n", key->name, b64);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

/* Whether one signature line (without its newline) is key's and valid. */
static bool
line_verifies(const struct note_key *key, const char *text, size_t text_len,
    const char *line, size_t len)
{
	size_t name_len = strlen(key->name), dash = sizeof(DASH) - 1;
	unsigned char raw[SIG_RAW];
	size_t raw_len = 0;
	uint32_t hash;

	if (len < dash + name_len + 1 || memcmp(line, DASH, dash) != 0 ||
	    memcmp(line + dash, key->name, name_len) != 0 || line[dash + name_len] != ' ')
		return false;
	line += dash + name_len + 1;
	len -= dash + name_len + 1;
	if (sodium_base642bin(raw, sizeof(raw), line, len, NULL, &raw_len, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || raw_len != SIG_RAW)
		return false;
	hash = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 | (uint32_t)raw[2] << 8 | raw[3];
	return hash == key->hash && crypto_sign_verify_detached(raw + 4,
	    (const unsigned char *)text, text_len, key->pk) == 0;
}

bool
note_verify(const struct note_key *key, const char *note, size_t len, size_t *text_len)
{
	size_t split = 0, at;
	bool found = false;

	/* The text ends at the last blank line; signatures follow it. */
	for (size_t i = 0; i + 1 < len; i++)
		if (note[i] == '\n' && note[i + 1] == '\n')
			split = i + 1, found = true;
	if (!found || len == 0 || note[len - 1] != '\n')
		return false;
	for (at = split + 1; at < len;) {
		const char *nl = memchr(note + at, '\n', len - at);
		size_t line_len = (size_t)(nl - (note + at));

		if (line_verifies(key, note, split, note + at, line_len)) {
			if (text_len != NULL)
				*text_len = split;
			return true;
		}
		at += line_len + 1;
	}
	return false;
}

void
note_key_wipe(struct note_key *key)
{
	sodium_memzero(key->sk, sizeof(key->sk));
}
