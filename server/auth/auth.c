/* auth.c -- passwords, tokens, the session check and its cache.
 *
 * A checked session is cached in-process for config.session_cache_seconds
 * (default 10), so that an authenticated read costs one round trip to the
 * database: the handler's own query. Logout, deactivation and role changes
 * made through this process flush the cache at once; another process of
 * the service sees them within the cache lifetime. */
#include "auth/auth.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sodium.h>
#include <liboath/oath.h>

#include "config.h"
#include "db/db.h"
#include "auth/db_sessions.h"
#include "lib/text.h"

#define CACHE_SLOTS 4096

struct cache_slot {
	unsigned char hash[32];
	struct session session;
	time_t loaded;
	unsigned generation;
	bool used;
};

static struct cache_slot cache[CACHE_SLOTS];
static unsigned cache_generation;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static char burn_hash[crypto_pwhash_STRBYTES];

int
auth_init(void)
{
	unsigned char pw[16];
	char hex[33];

	if (sodium_init() < 0 || oath_init() != OATH_OK)
		return -1;
	randombytes_buf(pw, sizeof(pw));
	sodium_bin2hex(hex, sizeof(hex), pw, sizeof(pw));
	return auth_password_hash(hex, burn_hash, sizeof(burn_hash));
}

int
auth_password_hash(const char *password, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return -1;
	return crypto_pwhash_str(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

bool
auth_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void
auth_secret_free(char *secret)
{
	if (secret == NULL)
		return;
	sodium_memzero(secret, strlen(secret));
	free(secret);
}

void
auth_password_burn(const char *password)
{
	(void)auth_password_verify(burn_hash, password);
}

void
auth_token_new(char token[AUTH_TOKEN_LEN + 1], unsigned char hash[32])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, AUTH_TOKEN_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	crypto_hash_sha256(hash, (const unsigned char *)token, AUTH_TOKEN_LEN);
}

void
auth_token_hash_hex(const char *token, char out[67])
{
	unsigned char hash[32];

	crypto_hash_sha256(hash, (const unsigned char *)token, strlen(token));
	text_bytea_hex(hash, sizeof(hash), out, 67);
}

/* The value of cookie name in a Cookie header, copied into out. */
static bool
cookie_value(const char *header, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *p = header;

	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			size_t vlen = strcspn(p + nlen + 1, ";");

			if (vlen >= outlen)
				return false;
			memcpy(out, p + nlen + 1, vlen);
			out[vlen] = '\0';
			return true;
		}
		p = strchr(p, ';');
	}
	return false;
}

const char *
auth_token_of(struct req *r)
{
	static _Thread_local char token[AUTH_TOKEN_LEN + 2];
	const char *a = r->authorization;

	r->session.via_cookie = false;
	if (a != NULL) {
		if (strncasecmp(a, "Bearer ", 7) != 0)
			return NULL;
		a += 7;
		return strlen(a) == AUTH_TOKEN_LEN ? a : NULL;
	}
	if (r->cookie != NULL && cookie_value(r->cookie, AUTH_COOKIE, token, sizeof(token)) &&
	    strlen(token) == AUTH_TOKEN_LEN) {
		r->session.via_cookie = true;
		return token;
	}
	return NULL;
}

static bool
cache_get(const unsigned char hash[32], struct session *s)
{
	struct cache_slot *slot = &cache[(hash[0] | hash[1] << 8) % CACHE_SLOTS];
	bool hit = false;

	if (config.session_cache_seconds == 0)
		return false;
	pthread_mutex_lock(&cache_lock);
	if (slot->used && slot->generation == cache_generation &&
	    time(NULL) - slot->loaded < (time_t)config.session_cache_seconds &&
	    sodium_memcmp(slot->hash, hash, 32) == 0) {
		*s = slot->session;
		hit = true;
	}
	pthread_mutex_unlock(&cache_lock);
	return hit;
}

static void
cache_put(const unsigned char hash[32], const struct session *s, unsigned generation)
{
	struct cache_slot *slot = &cache[(hash[0] | hash[1] << 8) % CACHE_SLOTS];

	pthread_mutex_lock(&cache_lock);
	/* A flush that happened while we asked the database wins. */
	if (generation == cache_generation) {
		memcpy(slot->hash, hash, 32);
		slot->session = *s;
		slot->loaded = time(NULL);
		slot->generation = generation;
		slot->used = true;
	}
	pthread_mutex_unlock(&cache_lock);
}

void
auth_cache_flush(void)
{
	pthread_mutex_lock(&cache_lock);
	cache_generation++;
	pthread_mutex_unlock(&cache_lock);
}

int
auth_session_resolve(struct req *r)
{
	const char *token = auth_token_of(r);
	unsigned char hash[32];
	char hex[67];
	struct session s;
	unsigned generation;
	int rc;

	if (token == NULL)
		return 0;
	crypto_hash_sha256(hash, (const unsigned char *)token, strlen(token));
	memset(&s, 0, sizeof(s));
	if (!cache_get(hash, &s)) {
		pthread_mutex_lock(&cache_lock);
		generation = cache_generation;
		pthread_mutex_unlock(&cache_lock);
		text_bytea_hex(hash, sizeof(hash), hex, 67);
		rc = db_session_lookup(r->db, hex, &s);
		if (rc != 1)
			return rc;
		cache_put(hash, &s, generation);
	}
	s.via_cookie = r->session.via_cookie;
	r->session = s;
	r->signed_in = true;
	return 1;
}

bool
auth_origin_ok(const struct req *r)
{
	const char *o = r->origin;

	if (o == NULL || r->host == NULL)
		return false;
	if (strncmp(o, "http://", 7) == 0)
		o += 7;
	else if (strncmp(o, "https://", 8) == 0)
		o += 8;
	else
		return false;
	return strcmp(o, r->host) == 0;
}

void
auth_audit_ctx(const struct req *r, struct audit_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->channel = r->session.via_cookie || (!r->signed_in && r->origin) ? "browser" : "api";
	if (r->signed_in) {
		ctx->user_id = r->session.user_id;
		ctx->org_id = r->session.org_id;
		ctx->roles = r->session.roles_text;
	}
	ctx->request_id = r->request_id;
	ctx->client_addr = r->client_addr;
}
