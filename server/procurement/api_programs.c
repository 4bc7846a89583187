/* api_programs.c -- /api/v1/programs: budgets, milestone targets and the
 * progress towards them. */
#include "core/api.h"
#include "procurement/procurement.h"

#include "procurement/db_programs.h"

static const struct field_spec milestone_fields[] = {
	{ "due_on", FIELD_DATE, true, 0, 0, NULL },
	{ "gpu_target", FIELD_INTEGER, true, 0, 10000000, NULL },
	{ "label", FIELD_STRING_OR_NULL, false, 1, 200, NULL },
};

#define MILESTONES { "milestones", FIELD_OBJECT_ARRAY, false, 0, 50, NULL, \
	milestone_fields, sizeof(milestone_fields) / sizeof(milestone_fields[0]) }

static const struct field_spec program_fields[] = {
	{ "name", FIELD_STRING, true, 1, 200, NULL },
	{ "description", FIELD_STRING_OR_NULL, false, 1, 4000, NULL },
	{ "budget_krw", FIELD_INTEGER, true, 0, 10000000000000000, NULL },
	{ "starts_on", FIELD_DATE, true, 0, 0, NULL },
	{ "ends_on", FIELD_DATE, true, 0, 0, NULL },
	MILESTONES,
};

static const struct field_spec program_patch_fields[] = {
	{ "name", FIELD_STRING, false, 1, 200, NULL },
	{ "description", FIELD_STRING_OR_NULL, false, 1, 4000, NULL },
	{ "budget_krw", FIELD_INTEGER, false, 0, 10000000000000000, NULL },
	{ "starts_on", FIELD_DATE, false, 0, 0, NULL },
	{ "ends_on", FIELD_DATE, false, 0, 0, NULL },
	MILESTONES,
};

const struct field_table api_programs_create_body = FIELD_TABLE(program_fields);
const struct field_table api_programs_patch_body = FIELD_TABLE(program_patch_fields);

struct program_write {
	int64_t id;
	json_t *fields;          /* borrowed */
	struct req *r;
	json_t *program;         /* read back in the transaction; owned */
};

/* GET /api/v1/programs */
void
api_programs_list(struct req *r)
{
	api_plain_list(r, db_programs_list);
}

/* The programme p (borrowed; 404 when NULL) with its ETag. A write reads
 * it back in its own transaction, so that what it committed always has
 * its reply. */
static void
reply_program(struct req *r, int status, int64_t id, json_t *p)
{

	if (p == NULL) {
		reply_not_found(r, PROBLEM_PROGRAM_NOT_FOUND, "program", id);
		return;
	}
	if (status == 201) {
		reply_location(r, "/api/v1/programs/%lld", (long long)id);
	}
	reply_etag(r, "program", id, json_integer_value(json_object_get(p, "version")));
	reply_json(r, status, p);
}

static int
program_create_tx(struct db *db, void *arg)
{
	struct program_write *w = arg;

	if (db_programs_create(db, w->fields, &w->id) != 0)
		return -1;
	return db_programs_get(db, w->id, &w->program);
}

/* POST /api/v1/programs */
void
api_programs_create(struct req *r)
{
	struct program_write w = { 0 };

	if ((w.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.fields, program_fields, NFIELDS(program_fields),
	    false) == 0 && api_transaction(r, program_create_tx, &w) == 0)
		reply_program(r, 201, w.id, w.program);
	json_decref(w.program);
	json_decref(w.fields);
}

/* GET /api/v1/programs/:id */
void
api_programs_get(struct req *r)
{
	int64_t id;
	json_t *p = NULL;

	if (validate_param_id_or_reply(r, "id", &id) != 0)
		return;
	if (db_programs_get(r->db, id, &p) != 0)
		api_db_error(r);
	else
		reply_program(r, 200, id, p);
	json_decref(p);
}

static int
program_patch_tx(struct db *db, void *arg)
{
	struct program_write *w = arg;
	const json_t *ms = json_object_get(w->fields, "milestones");
	int64_t version;

	if (db_programs_lock(db, w->id, &version) != 0)
		return -1;
	if (version == 0) {
		reply_not_found(w->r, PROBLEM_PROGRAM_NOT_FOUND, "program", w->id);
		return 1;
	}
	if (validate_if_match_or_reply(w->r, "program", w->id, version, true) != 0)
		return 1;
	if (db_programs_update(db, w->id, w->fields) != 0 ||
	    (ms != NULL && db_programs_milestones(db, w->id, ms) != 0))
		return -1;
	return db_programs_get(db, w->id, &w->program);
}

/* PATCH /api/v1/programs/:id -- needs If-Match; milestones, when given,
 * replace the old ones. */
void
api_programs_patch(struct req *r)
{
	struct program_write w = { .r = r };

	if (validate_param_id_or_reply(r, "id", &w.id) != 0 ||
	    (w.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.fields, program_patch_fields,
	    NFIELDS(program_patch_fields), true) == 0 &&
	    api_transaction(r, program_patch_tx, &w) == 0)
		reply_program(r, 200, w.id, w.program);
	json_decref(w.program);
	json_decref(w.fields);
}

/* GET /api/v1/programs/:id/progress */
void
api_programs_progress(struct req *r)
{
	json_t *p = NULL;
	int64_t id;

	if (validate_param_id_or_reply(r, "id", &id) != 0)
		return;
	if (db_programs_progress(r->db, id, &p) != 0)
		api_db_error(r);
	else if (p == NULL)
		reply_not_found(r, PROBLEM_PROGRAM_NOT_FOUND, "program", id);
	else
		reply_json(r, 200, p);
	json_decref(p);
}
