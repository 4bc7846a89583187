/* api_users.c -- /api/v1/users. Passwords are hashed here, before the
 * transaction opens: argon2id takes a tenth of a second on purpose. */
#include "core/api.h"
#include "accounts/accounts.h"

#include <sodium.h>
#include <string.h>

#include "auth/db_sessions.h"
#include "accounts/db_users.h"

static const char *const roles[] = { "admin", "officer", "vendor", "auditor", "tenant", NULL };

static const struct field_spec user_fields[] = {
	{ "email", FIELD_STRING, true, 3, 254, NULL },
	{ "password", FIELD_STRING, true, 12, 1024, NULL },
	{ "name", FIELD_STRING, true, 1, 200, NULL },
	{ "organization_id", FIELD_INTEGER, true, 0, 0, NULL },
	{ "roles", FIELD_STRING_ARRAY, true, 1, 0, roles },
};

static const struct field_spec user_patch_fields[] = {
	{ "email", FIELD_STRING, false, 3, 254, NULL },
	{ "password", FIELD_STRING, false, 12, 1024, NULL },
	{ "name", FIELD_STRING, false, 1, 200, NULL },
	{ "organization_id", FIELD_INTEGER, false, 0, 0, NULL },
	{ "roles", FIELD_STRING_ARRAY, false, 1, 0, roles },
	{ "active", FIELD_BOOLEAN, false, 0, 0, NULL },
};

const struct field_table api_users_create_body = FIELD_TABLE(user_fields);
const struct field_table api_users_patch_body = FIELD_TABLE(user_patch_fields);

static const struct api_versioned user_versioned = {
	"user_lock", "user", PROBLEM_USER_NOT_FOUND, "user"
};

struct user_write {
	struct req *r;
	int64_t id;
	struct user_fields f;
	char roles[64];
	char hash[crypto_pwhash_STRBYTES];
	bool end_sessions;
	json_t *user;            /* result, owned by the handler */
};

/* Turns validated JSON into the columns to write; hashes the password. */
static int
fields_of(struct req *r, json_t *body, struct user_write *w)
{
	const json_t *v;
	const char *why;

	memset(&w->f, 0, sizeof(w->f));
	w->f.email = json_string_value(json_object_get(body, "email"));
	w->f.name = json_string_value(json_object_get(body, "name"));
	if ((v = json_object_get(body, "organization_id")) != NULL)
		w->f.organization_id = DB_INT(json_integer_value(v));
	if ((v = json_object_get(body, "roles")) != NULL) {
		db_users_roles_text(v, w->roles, sizeof(w->roles));
		w->f.roles = w->roles;
	}
	if ((v = json_object_get(body, "active")) != NULL)
		w->f.active = json_is_true(v) ? "true" : "false";
	if ((v = json_object_get(body, "password")) != NULL) {
		if ((why = auth_password_weakness(json_string_value(v))) != NULL) {
			reply_invalid(r, json_pack("[{s:s, s:s}]", "field", "password",
			    "message", why), "choose another password");
			return -1;
		}
		if (auth_password_hash(json_string_value(v), w->hash, sizeof(w->hash)) != 0) {
			reply_problem(r, PROBLEM_AUTH_HASH_UNAVAILABLE,
			    "cannot hash the password now; try again");
			return -1;
		}
		w->f.password_hash = w->hash;
	}
	/* A deactivated account or a new password ends every session. */
	w->end_sessions = (w->f.active && strcmp(w->f.active, "false") == 0) ||
	    w->f.password_hash != NULL;
	return 0;
}

/* GET /api/v1/users */
void
api_users_list(struct req *r)
{
	static const char *const known[] = {
		"organization_id", "role", "active", "limit", "cursor", NULL
	};
	struct user_filter f = { 0 };
	json_t *rows = NULL;
	int64_t org;
	bool has_org;

	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &f.limit, &f.after) != 0 ||
	    validate_query_id_or_reply(r, "organization_id", &org, &has_org) != 0 ||
	    validate_query_enum_or_reply(r, "role", roles, &f.role) != 0 ||
	    validate_query_bool_or_reply(r, "active", &f.active) != 0)
		return;
	f.organization_id = req_query(r, "organization_id");
	f.limit++;
	if (db_users_list(r->db, &f, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, f.limit - 1);
}

/* GET /api/v1/officers -- ministry staff: the active officers, by id,
 * with their names and emails only, to name an opening committee or the
 * evaluators of a call (an officer may not list users). */
void
api_officers_list(struct req *r)
{
	api_plain_list(r, db_users_officers);
}

static int
user_create_tx(struct db *db, void *arg)
{
	struct user_write *w = arg;

	return db_users_create(db, &w->f, &w->user);
}

/* POST /api/v1/users */
void
api_users_create(struct req *r)
{
	struct user_write w = { 0 };
	json_t *body;

	if ((body = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, body, user_fields, NFIELDS(user_fields), false) != 0 ||
	    fields_of(r, body, &w) != 0 || api_transaction(r, user_create_tx, &w) != 0)
		goto out;
	reply_location(r, "/api/v1/users/%lld",
	    (long long)json_integer_value(json_object_get(w.user, "id")));
	api_reply_versioned(r, 201, &user_versioned, w.user);
out:
	sodium_memzero(w.hash, sizeof(w.hash));
	json_decref(w.user);
	json_decref(body);
}

/* GET /api/v1/users/:id -- admins and auditors, or the user themself. */
void
api_users_get(struct req *r)
{
	int64_t id;
	json_t *user = NULL;

	if (validate_param_id_or_reply(r, "id", &id) != 0)
		return;
	if (!api_has_role(r, ROLE_ADMIN | ROLE_AUDITOR) && id != r->session.user_id)
		reply_not_found(r, PROBLEM_USER_NOT_FOUND, "user", id);
	else if (db_users_get(r->db, id, &user) != 0)
		api_db_error(r);
	else if (user == NULL)
		reply_not_found(r, PROBLEM_USER_NOT_FOUND, "user", id);
	else
		api_reply_versioned(r, 200, &user_versioned, user);
	json_decref(user);
}

static int
user_update_tx(struct db *db, void *arg)
{
	struct user_write *w = arg;
	int rc = api_lock_if_match(w->r, &user_versioned, w->id);

	if (rc != 0)
		return rc;
	if (db_users_update(db, w->id, &w->f, &w->user) != 0)
		return -1;
	if (w->user != NULL && w->end_sessions && db_session_revoke_user(db, w->id) != 0)
		return -1;
	return 0;
}

/* PATCH /api/v1/users/:id -- needs If-Match. */
void
api_users_patch(struct req *r)
{
	struct user_write w = { .r = r };
	json_t *body;

	if (validate_param_id_or_reply(r, "id", &w.id) != 0 ||
	    (body = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, body, user_patch_fields,
	    NFIELDS(user_patch_fields), true) != 0 ||
	    fields_of(r, body, &w) != 0 || api_transaction(r, user_update_tx, &w) != 0)
		goto out;
	if (w.user == NULL) {
		reply_not_found(r, PROBLEM_USER_NOT_FOUND, "user", w.id);
		goto out;
	}
	auth_cache_flush();
	api_reply_versioned(r, 200, &user_versioned, w.user);
out:
	sodium_memzero(w.hash, sizeof(w.hash));
	json_decref(w.user);
	json_decref(body);
}
