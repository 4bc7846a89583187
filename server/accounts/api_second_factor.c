/* api_second_factor.c -- the second factor: TOTP enrolment, recovery
 * codes, disabling, an administrator's reset, and the roles that require
 * one. Every code checked here counts toward the sign-in throttle like a
 * password, so that a stolen session cannot try codes for ever. */
#include "core/api.h"
#include "accounts/accounts.h"
#include "accounts/api_second_factor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "accounts/db_users.h"
#include "auth/db_sessions.h"
#include "auth/totp.h"
#include "core/clock.h"
#include "core/defer.h"

#define ISSUER "National GPU Registry"

static const char *const ministry_roles[] = { "admin", "officer", "auditor", NULL };

static const struct field_spec confirm_fields[] = {
	{ "totp", FIELD_STRING, true, 6, 6, NULL },
};
static const struct field_spec proof_fields[] = {
	{ "totp", FIELD_STRING, false, 6, 6, NULL },
	{ "recovery_code", FIELD_STRING, false, 1, 64, NULL },
};
static const struct field_spec disable_fields[] = {
	{ "password", FIELD_STRING, true, 1, 1024, NULL },
	{ "totp", FIELD_STRING, false, 6, 6, NULL },
	{ "recovery_code", FIELD_STRING, false, 1, 64, NULL },
};
static const struct field_spec policy_fields[] = {
	{ "required_roles", FIELD_STRING_ARRAY, true, 0, 0, ministry_roles },
};

const struct field_table api_sf_confirm_body = FIELD_TABLE(confirm_fields);
const struct field_table api_sf_recovery_codes_body = FIELD_TABLE(proof_fields);
const struct field_table api_sf_disable_body = FIELD_TABLE(disable_fields);
const struct field_table api_sf_policy_put_body = FIELD_TABLE(policy_fields);

int
api_sf_proof_check(const struct sf_state *s, int64_t user_id, const char *totp,
    const char *recovery_code, struct sf_proof *p)
{
	memset(p, 0, sizeof(*p));
	if (totp != NULL) {
		p->step = auth_totp_check(user_id, s->box, totp, clock_time());
		return p->step > 0 ? 1 : -1;
	}
	if (recovery_code != NULL)
		return auth_recovery_code_hash(recovery_code, p->code_hash) ? 1 : -1;
	return 0;
}

int
api_sf_proof_use(struct db *db, int64_t user_id, const struct sf_proof *p)
{
	return p->step > 0 ? db_sf_use_step(db, user_id, p->step) :
	    db_sf_use_code(db, user_id, p->code_hash);
}

/* The second factor of user_id, or a reply. 0 or -1. */
static int
state_or_reply(struct req *r, int64_t user_id, struct sf_state *s)
{
	int found = db_sf_state(r->db, user_id, s);

	if (found < 0)
		api_db_error(r);
	else if (found == 0)
		reply_not_found(r, PROBLEM_USER_NOT_FOUND, "user", user_id);
	return found == 1 ? 0 : -1;
}

static json_t *
state_json(const struct sf_state *s)
{
	return json_pack("{s:s, s:I, s:b}", "totp",
	    s->active ? "active" : s->started ? "pending" : "none",
	    "recovery_codes_left", (json_int_t)s->codes_left, "required", s->required);
}

/* Replies the state of user_id as it is now. */
static void
reply_state(struct req *r, int64_t user_id)
{
	struct sf_state s;

	if (state_or_reply(r, user_id, &s) == 0)
		reply_json_steal(r, 200, state_json(&s));
	sodium_memzero(&s, sizeof(s));
}

/* GET /api/v1/auth/second-factor */
void
api_sf_get(struct req *r)
{
	reply_state(r, r->session.user_id);
}

/* A name for the otpauth:// label, percent-encoded. */
static void
uri_escape(const char *in, char *out, size_t outlen)
{
	static const char safe[] = "-._~";
	size_t o = 0;

	for (; *in != '\0' && o + 4 < outlen; in++) {
		unsigned char c = (unsigned char)*in;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr(safe, c) != NULL)
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outlen - o, "%%%02X", c);
	}
	out[o] = '\0';
}

struct sf_start {
	int64_t user_id;
	char box[TOTP_BOX_HEX];
	struct req *r;
};

static int
start_tx(struct db *db, void *arg)
{
	struct sf_start *s = arg;
	int rc = db_sf_start(db, s->user_id, s->box);

	if (rc == 0)
		reply_problem(s->r, PROBLEM_SECOND_FACTOR_ACTIVE,
		    "the second factor is active already; disable it first");
	return rc < 0 ? -1 : rc == 0;
}

/* POST /api/v1/auth/second-factor/totp -- a new secret, pending until a
 * code of it is confirmed; shown this once. */
void
api_sf_start(struct req *r)
{
	struct sf_start s = { .user_id = r->session.user_id, .r = r };
	struct sf_state st;
	char secret[TOTP_BASE32_LEN + 1], label[800], issuer[64], uri[1100];

	if (state_or_reply(r, s.user_id, &st) != 0)
		return;
	if (st.active) {
		reply_problem(r, PROBLEM_SECOND_FACTOR_ACTIVE,
		    "the second factor is active already; disable it first");
		return;
	}
	if (auth_totp_new(s.user_id, secret, s.box) != 0) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "cannot make a secret now");
		return;
	}
	if (api_transaction(r, start_tx, &s) == 0) {
		uri_escape(ISSUER, issuer, sizeof(issuer));
		uri_escape(st.email, label, sizeof(label));
		snprintf(uri, sizeof(uri), "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1"
		    "&digits=6&period=%d", issuer, label, secret, issuer, TOTP_STEP_SECONDS);
		reply_json_steal(r, 201, json_pack("{s:s, s:s, s:s}", "totp", "pending",
		    "secret", secret, "otpauth_uri", uri));
		r->reply_secret = true;
	}
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(uri, sizeof(uri));
}

/* New recovery codes: the codes for the person (a JSON array) and their
 * hashes for the database ("{hex,...}"). */
static json_t *
codes_new(char hashes[RECOVERY_CODES * 65 + 3])
{
	char code[RECOVERY_CODE_LEN + 1], hex[65];
	json_t *codes = json_array();
	size_t len = 1;
	int i;

	hashes[0] = '{';
	for (i = 0; i < RECOVERY_CODES; i++) {
		auth_recovery_code_new(code);
		auth_recovery_code_hash(code, hex);
		json_array_append_new(codes, json_string(code));
		len += (size_t)sprintf(hashes + len, "%s%s", i ? "," : "", hex);
	}
	strcpy(hashes + len, "}");
	sodium_memzero(code, sizeof(code));
	return codes;
}

/* A write that a code proves: which one, its attempt, new codes. */
struct sf_write {
	struct req *r;
	int64_t user_id;
	int64_t attempt_id;
	struct sf_proof proof;
	bool confirm;            /* the proof is the pending secret's first code */
	bool remove;             /* disable: the secret and codes go */
	char hashes[RECOVERY_CODES * 65 + 3];
	json_t *codes;           /* owned: shown once */
	struct sf_state st;
	char *password;          /* disable: owned, wiped */
	char password_hash[160];
	bool password_ok;
};

static void
sf_write_free(struct sf_write *w)
{
	if (w == NULL)
		return;
	auth_secret_free(w->password);
	json_decref(w->codes);
	sodium_memzero(w, sizeof(*w));
	free(w);
}

static int
write_tx(struct db *db, void *arg)
{
	struct sf_write *w = arg;
	int rc = w->confirm ? db_sf_confirm(db, w->user_id, w->proof.step) :
	    api_sf_proof_use(db, w->user_id, &w->proof);

	if (rc < 0)
		return -1;
	if (rc == 0) {           /* the code was used already */
		reply_problem(w->r, PROBLEM_SECOND_FACTOR_CODE_INVALID,
		    "the code is wrong or was used already");
		return 1;
	}
	if ((w->remove ? db_sf_remove(db, w->user_id) :
	    db_sf_codes_replace(db, w->user_id, w->hashes)) != 0)
		return -1;
	return db_session_attempt_forget(db, w->attempt_id);
}

/* Runs the write and replies: the new codes, or the state after removal. */
static void
write_finish(struct req *r, struct sf_write *w)
{
	if (!w->remove)
		w->codes = codes_new(w->hashes);
	if (api_transaction(r, write_tx, w) != 0)
		return;
	auth_cache_flush();      /* a session that could only enrol may do more now */
	if (w->remove)
		reply_state(r, w->user_id);
	else {
		reply_json_steal(r, 200, json_pack("{s:s, s:O}", "totp", "active",
		    "recovery_codes", w->codes));
		r->reply_secret = true;
	}
}

/* Reads the body's proof into w, with the attempt counted first. 0 when
 * w->proof may be tried; else replied. */
static int
proof_or_reply(struct req *r, json_t *body, struct sf_write *w)
{
	const char *totp = json_string_value(json_object_get(body, "totp"));
	const char *code = json_string_value(json_object_get(body, "recovery_code"));
	int rc;

	if (totp == NULL && code == NULL) {
		reply_invalid_field(r, "totp", "send the current code, or a recovery_code");
		return -1;
	}
	if (api_auth_attempt_or_reply(r, w->st.email, &w->attempt_id) != 0)
		return -1;
	rc = w->confirm ? ((w->proof.step = auth_totp_check(w->user_id, w->st.box, totp,
	    clock_time())) > 0 ? 1 : -1) : api_sf_proof_check(&w->st, w->user_id, totp, code,
	    &w->proof);
	if (rc < 0) {
		reply_problem(r, PROBLEM_SECOND_FACTOR_CODE_INVALID,
		    "the code is wrong or out of time");
		return -1;
	}
	return 0;
}

/* Validates the body and reads the caller's state into a new write;
 * NULL after a reply. Takes the body into *bodyp (caller frees). */
static struct sf_write *
write_begin(struct req *r, const struct field_table *t, json_t **bodyp)
{
	struct sf_write *w;

	if ((*bodyp = validate_body_or_reply(r)) == NULL ||
	    validate_fields_or_reply(r, *bodyp, t->fields, t->n, false) != 0)
		return NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "out of memory");
		return NULL;
	}
	w->r = r;
	w->user_id = r->session.user_id;
	if (state_or_reply(r, w->user_id, &w->st) != 0) {
		sf_write_free(w);
		return NULL;
	}
	return w;
}

/* Replies 409 unless the caller's second factor is active. */
static int
active_or_reply(struct req *r, const struct sf_write *w)
{
	if (w->st.active)
		return 0;
	reply_problem(r, PROBLEM_SECOND_FACTOR_NOT_ACTIVE, "you have no active second factor");
	return -1;
}

/* POST /api/v1/auth/second-factor/totp/confirm -- the first code makes
 * the pending secret active; ten recovery codes are shown this once. */
void
api_sf_confirm(struct req *r)
{
	json_t *body = NULL;
	struct sf_write *w = write_begin(r, &api_sf_confirm_body, &body);

	if (w == NULL)
		goto out;
	w->confirm = true;
	if (w->st.active)
		reply_problem(r, PROBLEM_SECOND_FACTOR_ACTIVE, "the second factor is active already");
	else if (!w->st.started)
		reply_problem(r, PROBLEM_SECOND_FACTOR_NOT_STARTED,
		    "start an enrolment first: POST /api/v1/auth/second-factor/totp");
	else if (proof_or_reply(r, body, w) == 0)
		write_finish(r, w);
out:
	sf_write_free(w);
	json_decref(body);
}

/* POST /api/v1/auth/second-factor/recovery-codes -- ten new codes for a
 * current code (or an unused recovery code); the old ones stop working. */
void
api_sf_recovery_codes(struct req *r)
{
	json_t *body = NULL;
	struct sf_write *w = write_begin(r, &api_sf_recovery_codes_body, &body);

	if (w != NULL && active_or_reply(r, w) == 0 && proof_or_reply(r, body, w) == 0)
		write_finish(r, w);
	sf_write_free(w);
	json_decref(body);
}

/* In the pool: the password of a disable. */
static void
disable_verify(void *arg)
{
	struct sf_write *w = arg;

	w->password_ok = auth_password_verify(w->password_hash, w->password);
}

/* Back on the request's thread. Frees w. */
static void
disable_finish(struct req *r, void *arg)
{
	struct sf_write *w = arg;

	if (!w->password_ok)
		reply_problem(r, PROBLEM_SECOND_FACTOR_PASSWORD_WRONG, "the password is wrong");
	else
		write_finish(r, w);
	sf_write_free(w);
}

/* POST /api/v1/auth/second-factor/totp/disable -- the password and a
 * code; the secret and the recovery codes are removed. */
void
api_sf_disable(struct req *r)
{
	json_t *body = NULL;
	struct sf_write *w = write_begin(r, &api_sf_disable_body, &body);
	struct login_account a;

	if (w == NULL)
		goto out;
	w->remove = true;
	if (active_or_reply(r, w) != 0)
		goto out;
	if ((w->password = strdup(json_string_value(json_object_get(body, "password")))) == NULL) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "out of memory");
		goto out;
	}
	if (req_defer_or_reply(r, PROBLEM_AUTH_BUSY, disable_verify, disable_finish, w) != 0)
		goto out;
	if (proof_or_reply(r, body, w) != 0 || db_session_account(r->db, w->st.email, &a) != 1) {
		if (r->status == 0)
			api_db_error(r);
		req_defer_cancel(r);
		goto out;
	}
	memcpy(w->password_hash, a.password_hash, sizeof(w->password_hash));
	sodium_memzero(&a, sizeof(a));
	w = NULL;                /* disable_finish frees it */
out:
	sf_write_free(w);
	json_decref(body);
}

struct sf_reset {
	int64_t user_id;
};

static int
reset_tx(struct db *db, void *arg)
{
	return db_sf_remove(db, ((struct sf_reset *)arg)->user_id);
}

/* POST /api/v1/users/:id/second-factor/reset -- an administrator removes
 * a user's second factor (a lost device); the trail records who. */
void
api_sf_reset(struct req *r)
{
	struct sf_reset s;
	struct sf_state st;

	if (validate_param_id_or_reply(r, "id", &s.user_id) != 0 ||
	    state_or_reply(r, s.user_id, &st) != 0)
		return;
	if (api_transaction(r, reset_tx, &s) != 0)
		return;
	auth_cache_flush();
	reply_state(r, s.user_id);
}

/* GET /api/v1/settings/second-factor */
void
api_sf_policy_get(struct req *r)
{
	json_t *policy = NULL;

	if (db_sf_policy_get(r->db, &policy) != 0)
		api_db_error(r);
	else
		reply_json(r, 200, policy);
	json_decref(policy);
}

static int
policy_tx(struct db *db, void *arg)
{
	return db_sf_policy_set(db, arg);
}

/* PUT /api/v1/settings/second-factor -- exactly these roles require a
 * second factor from now on. */
void
api_sf_policy_put(struct req *r)
{
	char roles[64];
	json_t *body;

	if ((body = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, body, policy_fields, NFIELDS(policy_fields), false) == 0) {
		db_users_roles_text(json_object_get(body, "required_roles"), roles, sizeof(roles));
		if (api_transaction(r, policy_tx, roles) == 0) {
			auth_cache_flush();
			api_sf_policy_get(r);
		}
	}
	json_decref(body);
}
