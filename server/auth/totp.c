/* totp.c -- TOTP secrets sealed under the server's key, and recovery
 * codes; see totp.h. The key is read once at start and then only read. */
#include "auth/totp.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <liboath/oath.h>
#include <sodium.h>

#include "lib/text.h"

static unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];

int
auth_totp_key_new(char *line, size_t size, void *arg)
{
	unsigned char k[sizeof(key)];

	(void)arg;
	if (size < 2 * sizeof(key) + 2)
		return -1;
	randombytes_buf(k, sizeof(k));
	sodium_bin2hex(line, size, k, sizeof(k));
	sodium_memzero(k, sizeof(k));
	return 0;
}

int
auth_totp_key_set(const char *hex)
{
	size_t n = 0;

	if (sodium_hex2bin(key, sizeof(key), hex, strlen(hex), "\n", &n, NULL) != 0 ||
	    n != sizeof(key)) {
		sodium_memzero(key, sizeof(key));
		return -1;
	}
	return 0;
}

/* The associated data of a box: the id of the user it belongs to. */
static size_t
box_ad(int64_t user_id, char ad[32])
{
	return (size_t)snprintf(ad, 32, "totp:%lld", (long long)user_id);
}

int
auth_totp_new(int64_t user_id, char base32[TOTP_BASE32_LEN + 1], char box_hex[TOTP_BOX_HEX])
{
	unsigned char secret[TOTP_SECRET_BYTES], box[TOTP_BOX_BYTES];
	char ad[32], *b32 = NULL;
	size_t adlen = box_ad(user_id, ad), b32len = 0;
	int rc = -1;

	randombytes_buf(secret, sizeof(secret));
	randombytes_buf(box, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(box + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	    NULL, secret, sizeof(secret), (const unsigned char *)ad, adlen, NULL, box, key);
	if (oath_base32_encode((const char *)secret, sizeof(secret), &b32, &b32len) == OATH_OK &&
	    b32len == TOTP_BASE32_LEN) {
		memcpy(base32, b32, TOTP_BASE32_LEN + 1);
		text_bytea_hex(box, sizeof(box), box_hex, TOTP_BOX_HEX);
		rc = 0;
	}
	if (b32 != NULL) {
		sodium_memzero(b32, b32len);
		free(b32);
	}
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

/* Opens a box given as "\\x..." into secret. 0 or -1. */
static int
box_open(int64_t user_id, const char *box_hex, unsigned char secret[TOTP_SECRET_BYTES])
{
	unsigned char box[TOTP_BOX_BYTES];
	char ad[32];
	size_t adlen = box_ad(user_id, ad), n = 0;

	if (strncmp(box_hex, "\\x", 2) != 0 ||
	    sodium_hex2bin(box, sizeof(box), box_hex + 2, strlen(box_hex + 2), NULL, &n, NULL) != 0 ||
	    n != sizeof(box))
		return -1;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(secret, NULL, NULL,
	    box + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	    sizeof(box) - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	    (const unsigned char *)ad, adlen, box, key);
}

int64_t
auth_totp_check(int64_t user_id, const char *box_hex, const char *code, time_t now)
{
	unsigned char secret[TOTP_SECRET_BYTES];
	uint64_t step = 0;
	int pos = 0, rc;
	size_t i;

	for (i = 0; i < 6; i++)
		if (!isdigit((unsigned char)code[i]))
			return -1;
	if (code[6] != '\0' || box_open(user_id, box_hex, secret) != 0)
		return -1;
	rc = oath_totp_validate3((const char *)secret, sizeof(secret), now, TOTP_STEP_SECONDS, 0,
	    1, &pos, &step, code);
	sodium_memzero(secret, sizeof(secret));
	return rc >= 0 ? (int64_t)step : -1;
}

void
auth_recovery_code_new(char code[RECOVERY_CODE_LEN + 1])
{
	unsigned char raw[10];
	char *b32 = NULL;
	size_t len = 0, i, o = 0;

	do {
		free(b32);
		b32 = NULL;
		randombytes_buf(raw, sizeof(raw));
	} while (oath_base32_encode((const char *)raw, sizeof(raw), &b32, &len) != OATH_OK ||
	    len != 16);
	for (i = 0; i < 16; i++) {
		if (i > 0 && i % 4 == 0)
			code[o++] = '-';
		code[o++] = (char)tolower((unsigned char)b32[i]);
	}
	code[o] = '\0';
	free(b32);
}

bool
auth_recovery_code_hash(const char *code, char hex[65])
{
	unsigned char hash[32];
	char norm[17];
	size_t n = 0;

	for (; *code != '\0'; code++) {
		if (*code == '-' || *code == ' ')
			continue;
		if (n == 16 || !(isalpha((unsigned char)*code) || (*code >= '2' && *code <= '7')))
			return false;
		norm[n++] = (char)tolower((unsigned char)*code);
	}
	if (n != 16)
		return false;
	crypto_generichash(hash, sizeof(hash), (const unsigned char *)norm, n, NULL, 0);
	sodium_bin2hex(hex, 65, hash, sizeof(hash));
	return true;
}
