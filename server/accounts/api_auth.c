/* api_auth.c -- sign-in, sign-out, and who am I. */
#include "core/api.h"
#include "accounts/accounts.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/defer.h"
#include "auth/db_sessions.h"
#include "accounts/api_second_factor.h"
#include "db/db_audit_log.h"
#include "accounts/db_users.h"

/* Seconds between sign-ins of an account under attack from an address it
 * signed in from before. */
#define LOGIN_SLOW_SECONDS 5

static const struct field_spec login_fields[] = {
	{ "email", FIELD_STRING, true, 1, 254, NULL },
	{ "password", FIELD_STRING, true, 1, 1024, NULL },
	{ "totp", FIELD_STRING, false, 1, 16, NULL },
	{ "recovery_code", FIELD_STRING, false, 1, 64, NULL },
};

const struct field_table api_auth_login_body = FIELD_TABLE(login_fields);

/* A sign-in between its handler and its continuation: the password is
 * checked in the hash pool (core/defer.h), off the request threads. */
struct login {
	struct login_account account;
	bool found;              /* an active account has this email */
	bool ok;                 /* the password is right: set in the pool */
	int64_t attempt_id;
	char *password;          /* owned; wiped when freed */
	char totp[17];           /* the second factor, as sent ("" none) */
	char recovery_code[65];
	struct sf_proof proof;   /* checked, to be used in the transaction */
	bool has_proof;
	struct req *r;
	char email[255];         /* as typed, for the trail */
	const char *failure;     /* why a sign-in failed, for the trail */
	char hash_hex[67];
	json_t *expires_at;      /* owned */
};

static void
login_free(struct login *l)
{
	if (l == NULL)
		return;
	auth_secret_free(l->password);
	json_decref(l->expires_at);
	sodium_memzero(l, sizeof(*l));
	free(l);
}

/* The trail names the account signed in to (or tried), the email as
 * typed, and what failed: the password or the second factor. */
static int
login_event(struct db *db, const struct login *l, const char *action)
{
	char user[24] = "";
	json_t *detail = json_pack("{s:s}", "email", l->email);
	int rc;

	if (l->found)
		snprintf(user, sizeof(user), "%lld", (long long)l->account.user_id);
	if (l->failure != NULL)
		json_object_set_new(detail, "failed", json_string(l->failure));
	rc = db_audit_log(db, "users", user, action, detail);
	json_decref(detail);
	return rc;
}

static int
login_failed_tx(struct db *db, void *arg)
{
	return login_event(db, arg, "sign_in_failed");
}

static int
login_tx(struct db *db, void *arg)
{
	struct login *l = arg;
	int used;

	if (l->has_proof) {
		if ((used = api_sf_proof_use(db, l->account.user_id, &l->proof)) < 0)
			return -1;
		if (used == 0) {         /* replayed: it stays a failed sign-in */
			reply_problem(l->r, PROBLEM_AUTH_SECOND_FACTOR_INVALID,
			    "the code was used already; wait for the next one");
			return 1;
		}
	}
	if (db_session_attempt_succeeded(db, l->attempt_id, l->account.user_id) != 0 ||
	    login_event(db, l, "sign_in") != 0)
		return -1;
	return db_session_create(db, l->hash_hex, l->account.user_id, config.session_hours,
	    &l->expires_at);
}

/* Records the attempt before its password is checked, or refuses with
 * 429: too many failures for this account from this address, from this
 * address, or for this account from addresses it never signed in from
 * (sql/0008_signin.sql). */
int
api_auth_attempt_or_reply(struct req *r, const char *email, int64_t *attempt_id)
{
	const struct login_limits lim = {
		.pair = config.login_max_failures,
		.account = config.login_account_failures,
		.address = config.login_address_failures,
		.slow_seconds = LOGIN_SLOW_SECONDS,
	};
	struct login_attempt a;
	char after[24];

	if (db_session_attempt_begin(r->db, email, r->client_addr, &lim, &a) != 0) {
		api_db_error(r);
		return -1;
	}
	if (a.id > 0) {
		*attempt_id = a.id;
		return 0;
	}
	reply_problem_with(r, PROBLEM_AUTH_THROTTLED, json_pack("{s:I}", "retry_after_s",
	    (json_int_t)a.retry_after), strcmp(a.reason, "slow") == 0 ?
	    "this account is under attack, so sign-ins are slowed; try again in %lld seconds" :
	    "too many failed sign-ins; try again in %lld seconds", (long long)a.retry_after);
	snprintf(after, sizeof(after), "%lld", (long long)a.retry_after);
	reply_header(r, "Retry-After", after);
	return -1;
}

/* In the pool: the one argon2id of the sign-in. An unknown email spends
 * the same time as a wrong password. */
static void
login_verify(void *arg)
{
	struct login *l = arg;

	if (l->found)
		l->ok = auth_password_verify(l->account.password_hash, l->password);
	else
		auth_password_burn(l->password);
}

static void
session_cookie(struct req *r, const char *token, unsigned max_age)
{
	char cookie[160];

	snprintf(cookie, sizeof(cookie), AUTH_COOKIE "=%s; Path=/; Max-Age=%u; HttpOnly; "
	    "SameSite=Strict", token, max_age);
	reply_header(r, "Set-Cookie", cookie);
}

/* A right password of an account with an active second factor needs a
 * code too: none is a 401 that counts as no failure (the person is asked
 * for it), a wrong one stays a failed sign-in. 0 when the sign-in may go
 * on (l->proof to be used in its transaction); -1 replied. */
static int
second_factor_or_reply(struct req *r, struct login *l)
{
	struct sf_state s;
	int rc;

	if ((rc = db_sf_state(r->db, l->account.user_id, &s)) < 0) {
		api_db_error(r);
		return -1;
	}
	if (rc == 0 || !s.active)
		return 0;
	rc = api_sf_proof_check(&s, l->account.user_id, l->totp[0] ? l->totp : NULL,
	    l->recovery_code[0] ? l->recovery_code : NULL, &l->proof);
	sodium_memzero(&s, sizeof(s));
	if (rc == 0) {
		if (db_session_attempt_forget(r->db, l->attempt_id) != 0)
			api_db_error(r);
		else
			reply_problem(r, PROBLEM_AUTH_SECOND_FACTOR_REQUIRED, "this account has a "
			    "second factor: send the current code as totp, or a recovery_code");
		return -1;
	}
	if (rc < 0) {
		l->failure = "second_factor";
		if (api_transaction(r, login_failed_tx, l) == 0)
			reply_problem(r, PROBLEM_AUTH_SECOND_FACTOR_INVALID,
			    "the code is wrong or out of time");
		return -1;
	}
	l->has_proof = true;
	return 0;
}

/* Back on the request's thread: a wrong password leaves its attempt
 * counted; a right one opens a session. Frees l. */
static void
login_finish(struct req *r, void *arg)
{
	struct login *l = arg;
	char token[AUTH_TOKEN_LEN + 1];
	unsigned char hash[32];
	json_t *user = NULL;

	if (!l->ok) {
		l->failure = "password";
		if (api_transaction(r, login_failed_tx, l) == 0)
			reply_problem(r, PROBLEM_AUTH_INVALID_CREDENTIALS,
			    "wrong email or password, or the account is deactivated");
		goto out;
	}
	if (second_factor_or_reply(r, l) != 0)
		goto out;
	auth_token_new(token, hash);
	auth_token_hash_hex(token, l->hash_hex);
	/* The new session's event names its owner as the actor. */
	r->signed_in = true;
	r->session.user_id = l->account.user_id;
	r->session.org_id = l->account.org_id;
	snprintf(r->session.roles_text, sizeof(r->session.roles_text), "%s", l->account.roles);
	if (api_transaction(r, login_tx, l) != 0)
		goto out;
	if (db_users_get(r->db, l->account.user_id, &user) != 0) {
		api_db_error(r);
		goto out;
	}
	session_cookie(r, token, config.session_hours * 3600);
	reply_json_steal(r, 200, json_pack("{s:s, s:O, s:O}", "token", token, "user", user,
	    "expires_at", l->expires_at));
out:
	json_decref(user);
	login_free(l);
}

/* POST /api/v1/auth/login: validates, takes a place in the hash pool,
 * records the attempt, finds the account, and leaves the password check
 * to the pool. */
void
api_auth_login(struct req *r)
{
	struct login *l = NULL;
	json_t *body;
	const char *email, *password, *v;
	int found;

	if ((body = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, body, login_fields, NFIELDS(login_fields), false) != 0)
		goto out;
	email = json_string_value(json_object_get(body, "email"));
	password = json_string_value(json_object_get(body, "password"));
	if ((l = calloc(1, sizeof(*l))) == NULL || (l->password = strdup(password)) == NULL) {
		reply_problem(r, PROBLEM_AUTH_HASH_UNAVAILABLE, "out of memory; try again shortly");
		reply_header(r, "Retry-After", "5");
		goto out;
	}
	l->r = r;
	if ((v = json_string_value(json_object_get(body, "totp"))) != NULL)
		snprintf(l->totp, sizeof(l->totp), "%s", v);
	if ((v = json_string_value(json_object_get(body, "recovery_code"))) != NULL)
		snprintf(l->recovery_code, sizeof(l->recovery_code), "%s", v);
	/* A place in the pool first: a refusal for lack of room costs no
	 * round trip and counts as no failed sign-in. */
	if (req_defer_or_reply(r, PROBLEM_AUTH_BUSY, login_verify, login_finish, l) != 0)
		goto out;
	if (api_auth_attempt_or_reply(r, email, &l->attempt_id) != 0 ||
	    (found = db_session_account(r->db, email, &l->account)) < 0) {
		if (r->status == 0)
			api_db_error(r);
		req_defer_cancel(r);
		goto out;
	}
	l->found = found == 1 && l->account.active;
	snprintf(l->email, sizeof(l->email), "%s", email);
	l = NULL;                        /* login_finish frees it */
out:
	login_free(l);
	json_decref(body);
}

struct logout {
	char hash_hex[67];
};

static int
logout_tx(struct db *db, void *arg)
{
	struct logout *l = arg;

	return db_session_revoke(db, l->hash_hex);
}

/* POST /api/v1/auth/logout */
void
api_auth_logout(struct req *r)
{
	struct logout l;
	const char *token = auth_token_of(r);

	if (token == NULL) {
		reply_problem(r, PROBLEM_AUTH_SESSION_REQUIRED, "no session to end");
		return;
	}
	auth_token_hash_hex(token, l.hash_hex);
	if (api_transaction(r, logout_tx, &l) != 0)
		return;
	auth_cache_flush();
	reply_empty(r, 204);
	session_cookie(r, "", 0);
}

/* GET /api/v1/me */
void
api_me(struct req *r)
{
	json_t *user = NULL;

	if (db_users_get(r->db, r->session.user_id, &user) != 0)
		api_db_error(r);
	else if (user == NULL)
		reply_problem(r, PROBLEM_AUTH_ACCOUNT_GONE,
		    "the account behind this session is gone");
	else
		reply_json(r, 200, user);
	json_decref(user);
}
