/* api_organizations.c -- /api/v1/organizations. */
#include "core/api.h"
#include "accounts/accounts.h"

#include <string.h>

#include "accounts/db_organizations.h"
#include "auth/db_sessions.h"

static const char *const kinds[] = {
	"ministry", "vendor", "institute", "university", "company", "auditor", NULL
};

static const struct field_spec org_fields[] = {
	{ "name", FIELD_STRING, true, 1, 200, NULL },
	{ "kind", FIELD_STRING, true, 1, 0, kinds },
	{ "registration_number", FIELD_STRING_OR_NULL, false, 1, 40, NULL },
	{ "country", FIELD_STRING, false, 2, 2, NULL },
};

static const struct field_spec org_patch_fields[] = {
	{ "name", FIELD_STRING, false, 1, 200, NULL },
	{ "kind", FIELD_STRING, false, 1, 0, kinds },
	{ "registration_number", FIELD_STRING_OR_NULL, false, 1, 40, NULL },
	{ "country", FIELD_STRING, false, 2, 2, NULL },
	{ "active", FIELD_BOOLEAN, false, 0, 0, NULL },
};

const struct field_table api_organizations_create_body = FIELD_TABLE(org_fields);
const struct field_table api_organizations_patch_body = FIELD_TABLE(org_patch_fields);

/* GET /api/v1/organizations */
void
api_organizations_list(struct req *r)
{
	static const char *const known[] = { "kind", "active", "q", "limit", "cursor", NULL };
	struct org_filter f = { 0 };
	json_t *rows = NULL;

	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &f.limit, &f.after) != 0 ||
	    validate_query_enum_or_reply(r, "kind", kinds, &f.kind) != 0 ||
	    validate_query_bool_or_reply(r, "active", &f.active) != 0)
		return;
	f.q = req_query(r, "q");
	f.limit++;
	if (db_organizations_list(r->db, &f, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, f.limit - 1);
}

static const struct api_versioned org_versioned = {
	"org_lock", "organization", PROBLEM_ORGANIZATION_NOT_FOUND, "organization"
};

/* POST /api/v1/organizations */
struct org_write {
	struct req *r;
	int64_t id;
	json_t *fields;          /* borrowed */
	json_t *org;             /* result, owned by the handler */
	bool deactivated;
};

static int
org_create_tx(struct db *db, void *arg)
{
	struct org_write *w = arg;

	return db_organizations_create(db, w->fields, &w->org);
}

void
api_organizations_create(struct req *r)
{
	struct org_write w = { 0 };

	if ((w.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.fields, org_fields, NFIELDS(org_fields), false) != 0)
		goto out;
	if (api_transaction(r, org_create_tx, &w) != 0)
		goto out;
	reply_location(r, "/api/v1/organizations/%lld",
	    (long long)json_integer_value(json_object_get(w.org, "id")));
	api_reply_versioned(r, 201, &org_versioned, w.org);
out:
	json_decref(w.org);
	json_decref(w.fields);
}

/* GET /api/v1/organizations/:id -- staff see all; others their own. */
void
api_organizations_get(struct req *r)
{
	int64_t id;
	json_t *org = NULL;

	if (validate_param_id_or_reply(r, "id", &id) != 0)
		return;
	if (!api_has_role(r, ROLE_STAFF) &&
	    id != r->session.org_id)
		reply_not_found(r, PROBLEM_ORGANIZATION_NOT_FOUND, "organization", id);
	else if (db_organizations_get(r->db, id, &org) != 0)
		api_db_error(r);
	else if (org == NULL)
		reply_not_found(r, PROBLEM_ORGANIZATION_NOT_FOUND, "organization", id);
	else
		api_reply_versioned(r, 200, &org_versioned, org);
	json_decref(org);
}

static int
org_update_tx(struct db *db, void *arg)
{
	struct org_write *w = arg;
	int rc = api_lock_if_match(w->r, &org_versioned, w->id);

	if (rc != 0)
		return rc;
	if (db_organizations_update(db, w->id, w->fields, &w->org) != 0)
		return -1;
	if (w->org == NULL)
		return 0;
	/* Its people can no longer act: their sessions end with it. */
	if (w->deactivated && db_session_revoke_org(db, w->id) != 0)
		return -1;
	return 0;
}

/* PATCH /api/v1/organizations/:id -- needs If-Match. */
void
api_organizations_patch(struct req *r)
{
	struct org_write w = { .r = r };

	if (validate_param_id_or_reply(r, "id", &w.id) != 0 ||
	    (w.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.fields, org_patch_fields,
	    NFIELDS(org_patch_fields), true) != 0)
		goto out;
	w.deactivated = json_is_false(json_object_get(w.fields, "active"));
	if (api_transaction(r, org_update_tx, &w) != 0)
		goto out;
	if (w.org == NULL) {
		reply_not_found(r, PROBLEM_ORGANIZATION_NOT_FOUND, "organization", w.id);
		goto out;
	}
	auth_cache_flush();
	api_reply_versioned(r, 200, &org_versioned, w.org);
out:
	json_decref(w.org);
	json_decref(w.fields);
}
