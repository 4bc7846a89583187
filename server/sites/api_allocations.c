/* api_allocations.c -- /api/v1/allocations: GPUs given to a tenant at a
 * site, and the moves that write their history (end, move, return).
 *
 * Every write that places assets locks the site row (and the rack row)
 * before it counts what is there (db_sites_lock, then db_sites_room), so
 * concurrent allocations at one site queue on that lock and can never
 * together pass its capacity. Locks are taken in one order: allocation,
 * site, rack, assets. */
#include "sites/api_sites.h"
#include "sites/sites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sites/db_allocations.h"

/* The most GPUs one request may name or ask for. */
#define ALLOC_MAX 10000

static const char *const statuses[] = { "active", "ended", NULL };

static const struct field_spec create_fields[] = {
	{ "site_id", FIELD_INTEGER, true, 0, 0, NULL },
	{ "rack_id", FIELD_INTEGER, false, 0, 0, NULL },
	{ "tenant_id", FIELD_INTEGER, true, 0, 0, NULL },
	{ "purpose", FIELD_STRING, true, 1, 1000, NULL },
	{ "starts_on", FIELD_DATE, true, 0, 0, NULL },
	{ "ends_on", FIELD_DATE_OR_NULL, false, 0, 0, NULL },
	{ "gpu_model_id", FIELD_INTEGER, false, 0, 0, NULL },
	{ "count", FIELD_INTEGER, false, 0, ALLOC_MAX, NULL },
};

static const struct field_spec end_fields[] = {
	{ "reason", FIELD_STRING, false, 1, 1000, NULL },
};

static const struct field_spec move_fields[] = {
	{ "site_id", FIELD_INTEGER, true, 0, 0, NULL },
	{ "rack_id", FIELD_INTEGER, false, 0, 0, NULL },
};

/* The bodies, for the route table. asset_ids, an array of ids the field
 * specs cannot express, is checked by hand (fields_check). */
static const char *const asset_ids_by_hand[] = { "asset_ids", NULL };

const struct field_table api_allocations_create_body = {
	create_fields, NFIELDS(create_fields), asset_ids_by_hand
};
const struct field_table api_allocations_end_body = FIELD_TABLE(end_fields);
const struct field_table api_allocations_move_body = FIELD_TABLE(move_fields);
const struct field_table api_allocations_return_body = { NULL, 0, asset_ids_by_hand };

struct alloc_write {
	struct req *r;
	int64_t id;              /* the allocation */
	json_t *body;            /* owned */
	struct alloc_fields f;
	int64_t site_id, rack_id, model_id;
	long long count;         /* by count: how many of model_id */
	char *ids;               /* "{1,2}": given, or picked in the transaction */
	json_t *out;             /* the allocation written, owned */
	/* An action's own part of action_tx. */
	int (*step)(struct db *db, struct alloc_write *w, const struct alloc_state *st);
};

static int
by_value(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* asset_ids: 1 to ALLOC_MAX distinct positive ids, as PostgreSQL array
 * text in ascending order (malloc'd), or NULL after adding to errors. */
static char *
ids_text(const json_t *v, json_t *errors)
{
	size_t i, n = json_array_size(v), len = 1;
	long long *ids = NULL;
	char *out = NULL, problem[80] = "";

	if (!json_is_array(v) || n < 1 || n > ALLOC_MAX)
		snprintf(problem, sizeof(problem), "must be an array of 1 to %d asset ids", ALLOC_MAX);
	else if ((ids = malloc(n * sizeof(*ids))) == NULL || (out = malloc(n * 21 + 2)) == NULL)
		snprintf(problem, sizeof(problem), "is too long to hold in memory now");
	for (i = 0; problem[0] == '\0' && i < n; i++) {
		const json_t *e = json_array_get(v, i);

		if (!json_is_integer(e) || json_integer_value(e) < 1)
			snprintf(problem, sizeof(problem), "must hold positive whole numbers only");
		else
			ids[i] = json_integer_value(e);
	}
	if (problem[0] == '\0') {
		qsort(ids, n, sizeof(*ids), by_value);
		out[0] = '{';
		for (i = 0; i < n; i++) {
			if (i > 0 && ids[i] == ids[i - 1])
				snprintf(problem, sizeof(problem), "names asset %lld twice", ids[i]);
			len += (size_t)sprintf(out + len, "%s%lld", i ? "," : "", ids[i]);
		}
		memcpy(out + len, "}", 2);
	}
	free(ids);
	if (problem[0] == '\0')
		return out;
	free(out);
	validate_error_add(errors, "asset_ids", "%s", problem);
	return NULL;
}

/* Checks body against spec, but for asset_ids, an array of ids the field
 * specs cannot express, which becomes *ids when it is given. */
static void
fields_check(json_t *body, const struct field_spec *spec, size_t n, json_t *errors,
    char **ids)
{
	json_t *rest = json_copy(body);
	const json_t *v = json_object_get(body, "asset_ids");

	json_object_del(rest, "asset_ids");
	validate_fields(rest, spec, n, errors);
	json_decref(rest);
	if (v != NULL)
		*ids = ids_text(v, errors);
}

/* A JSON array as a short list for a person: ids, or "serial (status)". */
static void
list_text(const json_t *list, char *out, size_t outlen)
{
	size_t i, len = 0;
	const json_t *e;

	out[0] = '\0';
	json_array_foreach(list, i, e) {
		if (len + 40 >= outlen) {
			snprintf(out + len, outlen - len, ", ...");
			return;
		}
		if (json_is_integer(e))
			len += (size_t)snprintf(out + len, outlen - len, "%s%lld", i ? ", " : "",
			    json_integer_value(e));
		else
			len += (size_t)snprintf(out + len, outlen - len, "%s%.60s (%s)", i ? ", " : "",
			    json_string_value(json_object_get(e, "serial")),
			    json_string_value(json_object_get(e, "status")));
		if (len >= outlen)
			return;
	}
}

/* The body of a new allocation: either asset_ids, or gpu_model_id with
 * count. Every problem is listed in one 422. */
static int
create_body_or_reply(struct req *r, struct alloc_write *w)
{
	json_t *errors = json_array();
	const json_t *ids = json_object_get(w->body, "asset_ids");
	const json_t *model = json_object_get(w->body, "gpu_model_id");
	const json_t *count = json_object_get(w->body, "count");

	fields_check(w->body, create_fields, NFIELDS(create_fields), errors, &w->ids);
	if (ids != NULL && (model != NULL || count != NULL))
		validate_error_add(errors, "asset_ids",
		    "give either asset_ids or gpu_model_id and count");
	else if (ids == NULL && model == NULL)
		validate_error_add(errors, "gpu_model_id",
		    "is required, unless asset_ids is given");
	else if (ids == NULL && count == NULL)
		validate_error_add(errors, "count", "is required with gpu_model_id");
	return api_errors_or_reply(r, errors);
}

/* The columns of the allocation, from the validated body. */
static void
create_fields_of(struct alloc_write *w)
{
	w->site_id = json_integer_value(json_object_get(w->body, "site_id"));
	w->rack_id = json_integer_value(json_object_get(w->body, "rack_id"));
	w->model_id = json_integer_value(json_object_get(w->body, "gpu_model_id"));
	w->count = json_integer_value(json_object_get(w->body, "count"));
	w->f.site_id = DB_JSON_INT(w->body, "site_id");
	w->f.rack_id = DB_JSON_INT(w->body, "rack_id");
	w->f.tenant_id = DB_JSON_INT(w->body, "tenant_id");
	w->f.purpose = json_string_value(json_object_get(w->body, "purpose"));
	w->f.starts_on = json_string_value(json_object_get(w->body, "starts_on"));
	w->f.ends_on = json_string_value(json_object_get(w->body, "ends_on"));
}

static int
invalid(struct req *r, const char *field, const char *message)
{
	reply_invalid(r, json_pack("[{s:s, s:s}]", "field", field, "message", message), message);
	return 1;
}

/* Locks the site (and rack) assets are about to be placed at. 0, 1 after
 * replying 422, -1 on a database error. */
static int
place_lock_or_reply(struct db *db, struct alloc_write *w, int64_t site_id, int64_t rack_id)
{
	int rc = db_sites_lock(db, site_id, rack_id, NULL);

	if (rc == 1)
		return invalid(w->r, "site_id", "no such site");
	if (rc == 2)
		return invalid(w->r, "rack_id", "no such rack at this site");
	return rc;
}

/* Whether the assets of w->ids fit the site (and rack): 0, 1 after a 409. */
static int
room_or_reply(struct db *db, struct alloc_write *w, int64_t site_id, int64_t rack_id)
{
	struct db_room room;

	if (db_sites_room(db, site_id, rack_id, w->ids, &room) != 0)
		return -1;
	if (!room.site_active) {
		reply_problem(w->r, PROBLEM_SITE_INACTIVE,
		    "site %s is not active: it takes no GPUs", room.site_name);
		return 1;
	}
	return api_room_or_reply(w->r, &room) == 0 ? 0 : 1;
}

/* By count: locks the lowest in-stock ids of the model into w->ids. */
static int
pick_or_reply(struct db *db, struct alloc_write *w)
{
	long long got, stock;
	char name[220];

	free(w->ids);            /* a retried transaction picks again */
	if (db_allocations_pick(db, w->model_id, w->count, &w->ids, &got) != 0)
		return -1;
	if (got == w->count)
		return 0;
	if (db_allocations_stock(db, w->model_id, &stock, name, sizeof(name)) != 0)
		return -1;
	if (name[0] == '\0')
		return invalid(w->r, "gpu_model_id", "no such GPU model");
	if (stock >= w->count) {
		reply_problem_with(w->r, PROBLEM_ALLOCATION_STOCK_BUSY, json_pack("{s:I, s:I, s:s}",
		    "stock", (json_int_t)stock, "busy", (json_int_t)(stock - got), "model", name),
		    "%lld of the %lld %s in stock are being allocated by someone else right now; "
		    "try again", stock - got, stock, name);
		reply_header(w->r, "Retry-After", "1");
	} else {
		reply_problem_with(w->r, PROBLEM_ALLOCATION_NO_STOCK, json_pack("{s:I, s:I, s:s}",
		    "available", (json_int_t)stock, "requested", (json_int_t)w->count, "model",
		    name), "not enough in stock: %lld %s available, %lld asked for", stock, name,
		    w->count);
	}
	return 1;
}

/* By ids: locks the named assets; each must exist and be in stock. */
static int
take_or_reply(struct db *db, struct alloc_write *w)
{
	json_t *found = NULL;
	const json_t *missing, *busy;
	char list[400];
	int rc = -1;

	if (db_allocations_lock_assets(db, w->ids, &found) != 0)
		goto out;
	missing = json_object_get(found, "missing");
	busy = json_object_get(found, "busy");
	rc = 1;
	if (json_array_size(missing) > 0) {
		list_text(missing, list, sizeof(list));
		reply_invalid(w->r, json_pack("[{s:s, s:s+}]", "field", "asset_ids", "message",
		    "no asset has the id(s) ", list), "asset_ids names unknown assets");
	} else if (json_array_size(busy) > 0) {
		list_text(busy, list, sizeof(list));
		reply_problem(w->r, PROBLEM_ALLOCATION_ASSET_UNAVAILABLE, "not in stock: %s", list);
	} else {
		rc = 0;
	}
out:
	json_decref(found);
	return rc;
}

static int
create_tx(struct db *db, void *arg)
{
	struct alloc_write *w = arg;
	int rc;

	json_decref(w->out);
	w->out = NULL;
	if ((rc = place_lock_or_reply(db, w, w->site_id, w->rack_id)) != 0)
		return rc;
	if (db_allocations_insert(db, &w->f, w->r->session.user_id, &w->id) != 0)
		return -1;
	rc = w->count ? pick_or_reply(db, w) : take_or_reply(db, w);
	if (rc != 0 || (rc = room_or_reply(db, w, w->site_id, w->rack_id)) != 0)
		return rc;
	if (db_allocations_attach(db, w->id, w->ids) != 0 ||
	    db_allocations_get(db, NULL, w->id, &w->out) != 0)
		return -1;
	return 0;
}

static void
write_free(struct alloc_write *w)
{
	free(w->ids);
	json_decref(w->out);
	json_decref(w->body);
}

/* POST /api/v1/allocations */
void
api_allocations_create(struct req *r)
{
	struct alloc_write w = { .r = r };

	if ((w.body = validate_body_or_reply(r)) == NULL)
		return;
	if (create_body_or_reply(r, &w) != 0)
		goto out;
	create_fields_of(&w);
	if (api_transaction(r, create_tx, &w) != 0)
		goto out;
	reply_location(r, "/api/v1/allocations/%lld", (long long)w.id);
	reply_json(r, 201, w.out);
out:
	write_free(&w);
}

/* GET /api/v1/allocations -- a tenant sees its own organisation's only. */
void
api_allocations_list(struct req *r)
{
	static const char *const known[] = {
		"site_id", "tenant_id", "status", "limit", "cursor", NULL
	};
	struct alloc_filter f = { 0 };
	json_t *rows = NULL;
	int64_t id;
	bool has;

	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &f.limit, &f.after) != 0 ||
	    validate_query_id_or_reply(r, "site_id", &id, &has) != 0 ||
	    validate_query_id_or_reply(r, "tenant_id", &id, &has) != 0 ||
	    validate_query_enum_or_reply(r, "status", statuses, &f.status) != 0)
		return;
	f.site_id = req_query(r, "site_id");
	f.tenant_id = req_query(r, "tenant_id");
	f.limit++;
	if (db_allocations_list(r->db, &r->session, &f, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, f.limit - 1);
}

/* Replies with the record get() reads for the :id of the path, in the
 * caller's tenant scope; 404 naming what when there is none to see. */
static void
scoped_reply(struct req *r, const struct problem_def *code, const char *what,
    int (*get)(struct db *, const struct session *, int64_t, json_t **))
{
	int64_t id;
	json_t *out = NULL;

	if (validate_param_id_or_reply(r, "id", &id) != 0)
		return;
	if (get(r->db, &r->session, id, &out) != 0)
		api_db_error(r);
	else if (out == NULL)
		reply_problem_with(r, code, json_pack("{s:I}", "id", (json_int_t)id),
		    "no %s has the id %lld", what, (long long)id);
	else
		reply_json(r, 200, out);
	json_decref(out);
}

/* GET /api/v1/allocations/:id -- another tenant's allocation is 404. */
void
api_allocations_get(struct req *r)
{
	scoped_reply(r, PROBLEM_ALLOCATION_NOT_FOUND, "allocation", db_allocations_get);
}

/* GET /api/v1/tenants/:id/allocations -- a tenant may ask for its own. */
void
api_tenants_allocations(struct req *r)
{
	scoped_reply(r, PROBLEM_ORGANIZATION_NOT_FOUND, "tenant organization",
	    db_allocations_tenant);
}

/* Locks the allocation of the path, which must still be active. */
static int
active_or_reply(struct db *db, struct alloc_write *w, struct alloc_state *st)
{
	int rc = db_allocations_lock(db, w->id, st);

	if (rc == 1)
		reply_not_found(w->r, PROBLEM_ALLOCATION_NOT_FOUND, "allocation", w->id);
	else if (rc == 0 && !st->active)
		reply_problem_with(w->r, PROBLEM_ALLOCATION_ENDED, json_pack("{s:I}", "id",
		    (json_int_t)w->id), "allocation %lld has ended", (long long)w->id);
	else
		return rc;
	return 1;
}

static int
end_step(struct db *db, struct alloc_write *w, const struct alloc_state *st)
{
	(void)st;
	if (db_allocations_detach(db, w->id, NULL, "ended") != 0 ||
	    db_allocations_close(db, w->id, w->r->session.user_id,
	    json_string_value(json_object_get(w->body, "reason"))) != 0)
		return -1;
	return 0;
}

static int
return_step(struct db *db, struct alloc_write *w, const struct alloc_state *st)
{
	json_t *strangers = NULL;
	char list[400];

	(void)st;
	if (db_allocations_strangers(db, w->id, w->ids, &strangers) != 0)
		return -1;
	if (json_array_size(strangers) > 0) {
		list_text(strangers, list, sizeof(list));
		json_decref(strangers);
		reply_invalid(w->r, json_pack("[{s:s, s:s+}]", "field", "asset_ids", "message",
		    "not in this allocation: ", list), "asset_ids names assets it does not hold");
		return 1;
	}
	json_decref(strangers);
	return db_allocations_detach(db, w->id, w->ids, "returned");
}

static int
move_step(struct db *db, struct alloc_write *w, const struct alloc_state *st)
{
	int rc;

	if (st->site_id == w->site_id && st->rack_id == w->rack_id) {
		reply_problem_with(w->r, PROBLEM_ALLOCATION_ALREADY_THERE, json_pack("{s:I}", "id",
		    (json_int_t)w->id), "allocation %lld is there already", (long long)w->id);
		return 1;
	}
	if ((rc = place_lock_or_reply(db, w, w->site_id, w->rack_id)) != 0)
		return rc;
	free(w->ids);
	if (db_allocations_placed(db, w->id, &w->ids) != 0)
		return -1;
	if ((rc = room_or_reply(db, w, w->site_id, w->rack_id)) != 0)
		return rc;
	return db_allocations_move(db, w->id, w->site_id, w->rack_id, w->ids);
}

/* One action on the allocation of the path, in one transaction: lock it
 * (it must still be active), take the step, read it back for the reply. */
static int
action_tx(struct db *db, void *arg)
{
	struct alloc_write *w = arg;
	struct alloc_state st;
	int rc;

	json_decref(w->out);
	w->out = NULL;
	if ((rc = active_or_reply(db, w, &st)) != 0 || (rc = w->step(db, w, &st)) != 0)
		return rc;
	return db_allocations_get(db, NULL, w->id, &w->out);
}

/* The body of an action: validated against spec; an empty body reads as
 * {} when the action needs no field. */
static int
action_body_or_reply(struct req *r, struct alloc_write *w, const struct field_spec *spec,
    size_t n, bool optional)
{
	if (validate_param_id_or_reply(r, "id", &w->id) != 0)
		return -1;
	if (optional && r->body_len == 0)
		w->body = json_object();
	else if ((w->body = validate_body_or_reply(r)) == NULL)
		return -1;
	if (spec == NULL)
		return 0;
	return validate_fields_or_reply(r, w->body, spec, n, false);
}

/* Runs one action's transaction and replies with the allocation. */
static void
action_run(struct req *r, struct alloc_write *w,
    int (*step)(struct db *, struct alloc_write *, const struct alloc_state *))
{
	w->step = step;
	if (api_transaction(r, action_tx, w) == 0)
		reply_json(r, 200, w->out);
	write_free(w);
}

/* POST /api/v1/allocations/:id/end -- its assets go back to stock. */
void
api_allocations_end(struct req *r)
{
	struct alloc_write w = { .r = r };

	if (action_body_or_reply(r, &w, end_fields, NFIELDS(end_fields), true) != 0) {
		write_free(&w);
		return;
	}
	action_run(r, &w, end_step);
}

/* POST /api/v1/allocations/:id/move -- to another site or rack. */
void
api_allocations_move(struct req *r)
{
	struct alloc_write w = { .r = r };

	if (action_body_or_reply(r, &w, move_fields, NFIELDS(move_fields), false) != 0) {
		write_free(&w);
		return;
	}
	w.site_id = json_integer_value(json_object_get(w.body, "site_id"));
	w.rack_id = json_integer_value(json_object_get(w.body, "rack_id"));
	action_run(r, &w, move_step);
}

/* POST /api/v1/allocations/:id/return -- some GPUs back to stock. */
void
api_allocations_return(struct req *r)
{
	struct alloc_write w = { .r = r };
	json_t *errors;

	if (action_body_or_reply(r, &w, NULL, 0, false) != 0) {
		write_free(&w);
		return;
	}
	errors = json_array();
	fields_check(w.body, NULL, 0, errors, &w.ids);
	if (json_object_get(w.body, "asset_ids") == NULL)
		validate_error_add(errors, "asset_ids", "is required");
	if (api_errors_or_reply(r, errors) != 0) {
		write_free(&w);
		return;
	}
	action_run(r, &w, return_step);
}
