/* totp.h -- the second factor's secrets: TOTP (RFC 6238, liboath) kept
 * sealed under the server's key, and recovery codes kept as hashes.
 *
 * A secret is 20 random bytes, shown once in base32; the database holds
 * it sealed (XChaCha20-Poly1305, libsodium) under the key of
 * REGISTRY_TOTP_KEY_FILE, with its user's id as associated data, so a box
 * opens only for the user it was made for. A recovery code is 80 random
 * bits; the database holds its BLAKE2b hash only. */
#ifndef REGISTRY_AUTH_TOTP_H
#define REGISTRY_AUTH_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TOTP_SECRET_BYTES 20
#define TOTP_BASE32_LEN 32        /* 20 bytes in base32, no padding */
#define TOTP_BOX_BYTES (24 + TOTP_SECRET_BYTES + 16)   /* nonce, secret, tag */
#define TOTP_BOX_HEX (2 + 2 * TOTP_BOX_BYTES + 1)      /* "\\x..." and NUL */
#define TOTP_STEP_SECONDS 30
#define RECOVERY_CODES 10
#define RECOVERY_CODE_LEN 19      /* "abcd-efgh-ijkl-mnop": 16 base32 letters */

/* Writes a new key, 64 hex digits, into line (for a key file). 0 or -1. */
int auth_totp_key_new(char *line, size_t size, void *arg);

/* Takes the key from the text of its file (64 hex digits and maybe a
 * newline). 0, or -1 when it is not one. Serve calls it once, at start. */
int auth_totp_key_set(const char *hex);

/* A new secret for user_id: its base32 for the person, and its box as a
 * bytea parameter ("\\x..."). 0 or -1. */
int auth_totp_new(int64_t user_id, char base32[TOTP_BASE32_LEN + 1],
    char box_hex[TOTP_BOX_HEX]);

/* The time step (Unix seconds / 30) at which code is user_id's code, one
 * step of drift either way around now; -1 when it is none of them, is
 * not six digits, or the box does not open. */
int64_t auth_totp_check(int64_t user_id, const char *box_hex, const char *code, time_t now);

/* A new recovery code as shown to the person. */
void auth_recovery_code_new(char code[RECOVERY_CODE_LEN + 1]);

/* The hash of a code as typed (case, dashes and spaces ignored), as 64
 * hex digits; false when it cannot be a code. */
bool auth_recovery_code_hash(const char *code, char hex[65]);

#endif
