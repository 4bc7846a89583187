/* auth.h -- passwords, sessions, roles. Passwords are argon2id
 * (crypto_pwhash_str); session tokens are 32 random bytes, of which only
 * the SHA-256 is stored. */
#ifndef REGISTRY_AUTH_H
#define REGISTRY_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/req.h"
#include "lib/roles.h"


#define AUTH_TOKEN_LEN 43        /* base64url of 32 bytes, no padding */
#define AUTH_COOKIE "registry_session"

int auth_init(void);

/* argon2id hash of password into out (crypto_pwhash_STRBYTES). */
int auth_password_hash(const char *password, char *out, size_t outlen);
bool auth_password_verify(const char *hash, const char *password);
/* Wipes a secret string (a password as sent) and frees it; NULL is fine. */
void auth_secret_free(char *secret);
/* Spends the time of a verification, so an unknown email takes as long
 * as a wrong password. */
void auth_password_burn(const char *password);

/* Loads the common passwords (serve does, from data/ under the root).
 * 0 or -1, with a warning naming the file. */
int auth_password_list_load(const char *path);
/* Why a new password must be refused (a message for its field), or NULL:
 * one of the common passwords, whatever its case, or only spaces. */
const char *auth_password_weakness(const char *password);

/* A new token (text) and its SHA-256 (32 bytes). */
void auth_token_new(char token[AUTH_TOKEN_LEN + 1], unsigned char hash[32]);
/* SHA-256 of a presented token, as "\\x..." hex for a bytea parameter. */
void auth_token_hash_hex(const char *token, char out[67]);

/* The token presented with the request (bearer first, then cookie), or
 * NULL. Sets r->session.via_cookie. */
const char *auth_token_of(struct req *r);

/* Resolves the request's token into r->session (cache, then database).
 * Returns 1 signed in, 0 no or invalid session, -1 database error. */
int auth_session_resolve(struct req *r);

/* Forgets every cached session: after logout, deactivation, role changes. */
void auth_cache_flush(void);

/* Checks a cookie-authenticated write's Origin against Host. */
bool auth_origin_ok(const struct req *r);

/* The audit context of the request. */
struct audit_ctx;
void auth_audit_ctx(const struct req *r, struct audit_ctx *ctx);

#endif
