/* api_auth.c -- sign-in, sign-out, and who am I. */
#include "core/api.h"
#include "accounts/accounts.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "auth/db_sessions.h"
#include "accounts/db_users.h"

static const struct field_spec login_fields[] = {
	{ "email", FIELD_STRING, true, 1, 254, NULL },
	{ "password", FIELD_STRING, true, 1, 1024, NULL },
};

const struct field_table api_auth_login_body = FIELD_TABLE(login_fields);

struct login {
	struct login_account account;
	char hash_hex[67];
	json_t *expires_at;      /* owned */
};

static int
login_tx(struct db *db, void *arg)
{
	struct login *l = arg;

	return db_session_create(db, l->hash_hex, l->account.user_id, config.session_hours,
	    &l->expires_at);
}

/* Refuses with 429 when the account or the address failed too often in
 * the last 15 minutes. The address limit is higher: many people may sit
 * behind one ministry proxy. */
static int
throttle_or_reply(struct req *r, const char *email)
{
	int64_t by_email, by_addr, retry;
	char after[24];

	if (db_session_failures(r->db, email, r->client_addr, &by_email, &by_addr, &retry) != 0) {
		api_db_error(r);
		return -1;
	}
	if (by_email < config.login_max_failures && by_addr < config.login_max_failures * 20)
		return 0;
	if (retry < 1)
		retry = 1;
	reply_problem_with(r, PROBLEM_AUTH_THROTTLED, json_pack("{s:I}", "retry_after_s",
	    (json_int_t)retry), "too many failed sign-ins; try again in %lld seconds",
	    (long long)retry);
	snprintf(after, sizeof(after), "%lld", (long long)retry);
	reply_header(r, "Retry-After", after);
	return -1;
}

static void
refuse(struct req *r, const char *email)
{
	if (db_session_failure_add(r->db, email, r->client_addr) != 0) {
		api_db_error(r);
		return;
	}
	reply_problem(r, PROBLEM_AUTH_INVALID_CREDENTIALS,
	    "wrong email or password, or the account is deactivated");
}

static void
session_cookie(struct req *r, const char *token, unsigned max_age)
{
	char cookie[160];

	snprintf(cookie, sizeof(cookie), AUTH_COOKIE "=%s; Path=/; Max-Age=%u; HttpOnly; "
	    "SameSite=Strict", token, max_age);
	reply_header(r, "Set-Cookie", cookie);
}

/* POST /api/v1/auth/login */
void
api_auth_login(struct req *r)
{
	struct login l = { 0 };
	char token[AUTH_TOKEN_LEN + 1];
	unsigned char hash[32];
	json_t *body, *user = NULL;
	const char *email, *password;
	int found;

	if ((body = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, body, login_fields, 2, false) != 0)
		goto out;
	email = json_string_value(json_object_get(body, "email"));
	password = json_string_value(json_object_get(body, "password"));
	if (throttle_or_reply(r, email) != 0)
		goto out;
	found = db_session_account(r->db, email, &l.account);
	if (found < 0) {
		api_db_error(r);
		goto out;
	}
	if (found == 0 || !l.account.active) {
		auth_password_burn(password);
		refuse(r, email);
		goto out;
	}
	if (!auth_password_verify(l.account.password_hash, password)) {
		refuse(r, email);
		goto out;
	}
	auth_token_new(token, hash);
	auth_token_hash_hex(token, l.hash_hex);
	/* The new session's event names its owner as the actor. */
	r->signed_in = true;
	r->session.user_id = l.account.user_id;
	r->session.org_id = l.account.org_id;
	snprintf(r->session.roles_text, sizeof(r->session.roles_text), "%s", l.account.roles);
	if (api_transaction(r, login_tx, &l) != 0)
		goto out;
	if (db_users_get(r->db, l.account.user_id, &user) != 0) {
		api_db_error(r);
		goto out;
	}
	session_cookie(r, token, config.session_hours * 3600);
	reply_json_steal(r, 200, json_pack("{s:s, s:O, s:O}", "token", token, "user", user,
	    "expires_at", l.expires_at));
out:
	json_decref(user);
	json_decref(l.expires_at);
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
