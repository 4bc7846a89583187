/* api_sites.c -- /api/v1/sites: data-centre sites, their racks, and how
 * full they are. */
#include "sites/api_sites.h"
#include "sites/sites.h"

#include <stdio.h>
#include <string.h>

/* Ceilings that keep watts inside PostgreSQL's int: a gigawatt site, a
 * megawatt rack. */
#define SITE_MAX_KW 1000000
#define SITE_MAX_SLOTS 1000000
#define RACK_MAX_KW 1000
#define RACK_MAX_SLOTS 10000

static const char *const coolings[] = { "air", "liquid", "immersion", "hybrid", NULL };

static const struct field_spec site_fields[] = {
	{ "name", FIELD_STRING, true, 1, 200, NULL },
	{ "operator_id", FIELD_INTEGER, true, 0, 0, NULL },
	{ "address", FIELD_STRING, true, 1, 500, NULL },
	{ "region", FIELD_STRING, true, 1, 100, NULL },
	{ "power_capacity_kw", FIELD_INTEGER, true, 0, SITE_MAX_KW, NULL },
	{ "cooling_type", FIELD_STRING, true, 1, 0, coolings },
	{ "gpu_slot_capacity", FIELD_INTEGER, true, 0, SITE_MAX_SLOTS, NULL },
};

static const struct field_spec site_patch_fields[] = {
	{ "name", FIELD_STRING, false, 1, 200, NULL },
	{ "operator_id", FIELD_INTEGER, false, 0, 0, NULL },
	{ "address", FIELD_STRING, false, 1, 500, NULL },
	{ "region", FIELD_STRING, false, 1, 100, NULL },
	{ "power_capacity_kw", FIELD_INTEGER, false, 0, SITE_MAX_KW, NULL },
	{ "cooling_type", FIELD_STRING, false, 1, 0, coolings },
	{ "gpu_slot_capacity", FIELD_INTEGER, false, 0, SITE_MAX_SLOTS, NULL },
	{ "active", FIELD_BOOLEAN, false, 0, 0, NULL },
};

static const struct field_spec rack_fields[] = {
	{ "name", FIELD_STRING, true, 1, 100, NULL },
	{ "slot_capacity", FIELD_INTEGER, true, 0, RACK_MAX_SLOTS, NULL },
	{ "power_capacity_kw", FIELD_INTEGER, true, 0, RACK_MAX_KW, NULL },
};

static const struct field_spec rack_patch_fields[] = {
	{ "name", FIELD_STRING, false, 1, 100, NULL },
	{ "slot_capacity", FIELD_INTEGER, false, 0, RACK_MAX_SLOTS, NULL },
	{ "power_capacity_kw", FIELD_INTEGER, false, 0, RACK_MAX_KW, NULL },
};

const struct field_table api_sites_create_body = FIELD_TABLE(site_fields);
const struct field_table api_sites_patch_body = FIELD_TABLE(site_patch_fields);
const struct field_table api_sites_racks_create_body = FIELD_TABLE(rack_fields);
const struct field_table api_sites_rack_patch_body = FIELD_TABLE(rack_patch_fields);

/* Watts as kW for a person: 2800 -> "2.8", never negative. */
static void
kw_text(long long watts, char out[32])
{
	size_t len;

	if (watts < 0)
		watts = 0;
	len = (size_t)snprintf(out, 32, "%lld.%03lld", watts / 1000, watts % 1000);
	while (out[len - 1] == '0')
		out[--len] = '\0';
	if (out[len - 1] == '.')
		out[len - 1] = '\0';
}

/* The members naming the place of a capacity problem: scope "site" or
 * "rack", with the names. */
static json_t *
place_fields(const char *scope, const struct db_room *room)
{
	json_t *o = json_pack("{s:s, s:s}", "scope", scope, "site_name", room->site_name);

	if (o != NULL && strcmp(scope, "rack") == 0)
		json_object_set_new(o, "rack_name", json_string(room->rack_name));
	return o;
}

/* 409 when one place lacks the slots or watts; 0 when it has them. */
static int
place_or_reply(struct req *r, const char *scope, const char *where, long long slots,
    long long slots_used, long long watts, long long watts_used, const struct db_room *room)
{
	char left[32], need[32], used[32];
	long long slots_left, watts_left;
	json_t *fields;

	if (room->slots_needed == 0 && slots_used <= slots && watts_used <= watts)
		return 0;
	if (room->slots_needed > 0 && room->slots_needed <= slots - slots_used &&
	    room->watts_needed <= watts - watts_used)
		return 0;
	if (room->slots_needed == 0) {
		kw_text(watts_used, used);
		fields = place_fields(scope, room);
		json_object_update_new(fields, json_pack("{s:I, s:I}", "slots_used",
		    (json_int_t)slots_used, "power_used_w", (json_int_t)watts_used));
		reply_problem_with(r, PROBLEM_SITE_CAPACITY_BELOW_USE,
		    fields, "%s holds %lld GPU(s) drawing %s kW: its capacity "
		    "cannot go below that", where, slots_used, used);
		return -1;
	}
	kw_text(watts - watts_used, left);
	kw_text(room->watts_needed, need);
	slots_left = slots - slots_used > 0 ? slots - slots_used : 0;
	watts_left = watts - watts_used > 0 ? watts - watts_used : 0;
	fields = place_fields(scope, room);
	json_object_update_new(fields, json_pack("{s:I, s:I, s:I, s:I}", "slots_left",
	    (json_int_t)slots_left, "power_left_w", (json_int_t)watts_left, "slots_needed",
	    (json_int_t)room->slots_needed, "power_needed_w", (json_int_t)room->watts_needed));
	reply_problem_with(r, PROBLEM_ALLOCATION_NO_CAPACITY, fields, "not enough room at %s: %lld "
	    "slot(s) and %s kW left; this needs %lld slot(s) and %s kW", where, slots_left, left,
	    room->slots_needed, need);
	return -1;
}

int
api_room_or_reply(struct req *r, const struct db_room *room)
{
	char where[1300];

	snprintf(where, sizeof(where), "site %s", room->site_name);
	if (place_or_reply(r, "site", where, room->site_slots, room->site_slots_used,
	    room->site_watts, room->site_watts_used, room) != 0)
		return -1;
	if (!room->has_rack)
		return 0;
	snprintf(where, sizeof(where), "rack %s of site %s", room->rack_name, room->site_name);
	return place_or_reply(r, "rack", where, room->rack_slots, room->rack_slots_used,
	    room->rack_watts, room->rack_watts_used, room);
}

/* GET /api/v1/sites */
void
api_sites_list(struct req *r)
{
	static const char *const known[] = {
		"region", "operator_id", "active", "q", "limit", "cursor", NULL
	};
	struct site_filter f = { 0 };
	json_t *rows = NULL;
	int64_t op;
	bool has_op;

	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &f.limit, &f.after) != 0 ||
	    validate_query_id_or_reply(r, "operator_id", &op, &has_op) != 0 ||
	    validate_query_bool_or_reply(r, "active", &f.active) != 0)
		return;
	f.region = req_query(r, "region");
	f.operator_id = req_query(r, "operator_id");
	f.q = req_query(r, "q");
	f.limit++;
	if (db_sites_list(r->db, &f, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, f.limit - 1);
}

struct site_write {
	struct req *r;
	int64_t id;
	int64_t rack_id;         /* 0: the site itself */
	json_t *fields;          /* borrowed */
	json_t *out;             /* result, owned by the handler */
};

static int
site_create_tx(struct db *db, void *arg)
{
	struct site_write *w = arg;

	json_decref(w->out);
	return db_sites_create(db, w->fields, &w->out);
}

/* Replies with a site or rack just written: 201 and its Location, or 200;
 * a site carries its ETag. */
static void
written_reply(struct req *r, int status, const char *kind, const char *path, json_t *rec)
{
	long long id = json_integer_value(json_object_get(rec, "id"));
	const json_t *version = json_object_get(rec, "version");

	if (status == 201)
		reply_location(r, "%s/%lld", path, id);
	if (version != NULL)
		reply_etag(r, kind, id, json_integer_value(version));
	reply_json(r, status, rec);
}

/* POST /api/v1/sites */
void
api_sites_create(struct req *r)
{
	struct site_write w = { r, 0, 0, NULL, NULL };

	if ((w.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.fields, site_fields, NFIELDS(site_fields), false) != 0 ||
	    api_transaction(r, site_create_tx, &w) != 0)
		goto out;
	written_reply(r, 201, "site", "/api/v1/sites", w.out);
out:
	json_decref(w.out);
	json_decref(w.fields);
}

/* GET /api/v1/sites/:id -- staff see every site; a tenant the sites
 * where it has an active allocation, and 404 for the others. */
void
api_sites_get(struct req *r)
{
	int64_t id;
	json_t *site = NULL;

	if (validate_param_id_or_reply(r, "id", &id) != 0)
		return;
	if (db_sites_get(r->db, &r->session, id, &site) != 0)
		api_db_error(r);
	else if (site == NULL)
		reply_not_found(r, PROBLEM_SITE_NOT_FOUND, "site", id);
	else
		written_reply(r, 200, "site", NULL, site);
	json_decref(site);
}

/* Under the site's (and rack's) lock: the If-Match check, the change,
 * and a capacity that still holds what is placed there. */
static int
place_update_tx(struct db *db, void *arg)
{
	struct site_write *w = arg;
	const char *kind = w->rack_id ? "rack" : "site";
	struct db_room room;
	int64_t version;
	int rc;

	json_decref(w->out);
	w->out = NULL;
	if ((rc = db_sites_lock(db, w->id, w->rack_id, &version)) != 0) {
		if (rc > 0)
			reply_not_found(w->r, rc == 1 ? PROBLEM_SITE_NOT_FOUND :
			    PROBLEM_RACK_NOT_FOUND, rc == 1 ? "site" : "rack",
			    (long long)(rc == 1 ? w->id : w->rack_id));
		return rc < 0 ? -1 : 1;
	}
	if (validate_if_match_or_reply(w->r, kind, (long long)(w->rack_id ? w->rack_id : w->id),
	    version, true) != 0)
		return 1;
	rc = w->rack_id ? db_racks_update(db, w->id, w->rack_id, w->fields, &w->out) :
	    db_sites_update(db, w->id, w->fields, &w->out);
	if (rc != 0 || db_sites_room(db, w->id, w->rack_id, "{}", &room) != 0)
		return -1;
	return api_room_or_reply(w->r, &room) == 0 ? 0 : 1;
}

/* PATCH /api/v1/sites/:id -- needs If-Match with the ETag last read. */
void
api_sites_patch(struct req *r)
{
	struct site_write w = { r, 0, 0, NULL, NULL };

	if (validate_param_id_or_reply(r, "id", &w.id) != 0 ||
	    (w.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.fields, site_patch_fields,
	    NFIELDS(site_patch_fields), true) != 0 ||
	    api_transaction(r, place_update_tx, &w) != 0)
		goto out;
	written_reply(r, 200, "site", NULL, w.out);
out:
	json_decref(w.out);
	json_decref(w.fields);
}

/* The site of the path, for the racks and the utilisation: 404 unless
 * it exists. */
static int
site_param_or_reply(struct req *r, int64_t *id)
{
	json_t *site = NULL;
	int rc = -1;

	if (validate_param_id_or_reply(r, "id", id) != 0)
		return -1;
	if (db_sites_get(r->db, &r->session, *id, &site) != 0)
		api_db_error(r);
	else if (site == NULL)
		reply_not_found(r, PROBLEM_SITE_NOT_FOUND, "site", (long long)*id);
	else
		rc = 0;
	json_decref(site);
	return rc;
}

/* GET /api/v1/sites/:id/racks */
void
api_sites_racks_list(struct req *r)
{
	static const char *const known[] = { "limit", "cursor", NULL };
	json_t *rows = NULL;
	int64_t id, after;
	int limit;

	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &limit, &after) != 0 ||
	    site_param_or_reply(r, &id) != 0)
		return;
	if (db_racks_list(r->db, id, after, limit + 1, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, limit);
}

static int
rack_create_tx(struct db *db, void *arg)
{
	struct site_write *w = arg;

	json_decref(w->out);
	return db_racks_create(db, w->id, w->fields, &w->out);
}

/* POST /api/v1/sites/:id/racks */
void
api_sites_racks_create(struct req *r)
{
	struct site_write w = { r, 0, 0, NULL, NULL };
	char path[64];

	if (validate_param_id_or_reply(r, "id", &w.id) != 0 ||
	    (w.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.fields, rack_fields, NFIELDS(rack_fields), false) != 0 ||
	    api_transaction(r, rack_create_tx, &w) != 0)
		goto out;
	if (w.out == NULL) {
		reply_not_found(r, PROBLEM_SITE_NOT_FOUND, "site", w.id);
		goto out;
	}
	snprintf(path, sizeof(path), "/api/v1/sites/%lld/racks", (long long)w.id);
	written_reply(r, 201, "rack", path, w.out);
out:
	json_decref(w.out);
	json_decref(w.fields);
}

/* GET /api/v1/sites/:id/racks/:rack_id */
void
api_sites_rack_get(struct req *r)
{
	int64_t id, rack_id;
	json_t *rack = NULL;

	if (site_param_or_reply(r, &id) != 0 ||
	    validate_param_id_or_reply(r, "rack_id", &rack_id) != 0)
		return;
	if (db_racks_get(r->db, id, rack_id, &rack) != 0)
		api_db_error(r);
	else if (rack == NULL)
		reply_problem_with(r, PROBLEM_RACK_NOT_FOUND, json_pack("{s:I, s:I}", "site_id",
		    (json_int_t)id, "id", (json_int_t)rack_id), "site %lld has no rack %lld",
		    (long long)id, (long long)rack_id);
	else
		written_reply(r, 200, "rack", NULL, rack);
	json_decref(rack);
}

/* PATCH /api/v1/sites/:id/racks/:rack_id -- needs If-Match. */
void
api_sites_rack_patch(struct req *r)
{
	struct site_write w = { r, 0, 0, NULL, NULL };

	if (validate_param_id_or_reply(r, "id", &w.id) != 0 ||
	    validate_param_id_or_reply(r, "rack_id", &w.rack_id) != 0 ||
	    (w.fields = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.fields, rack_patch_fields,
	    NFIELDS(rack_patch_fields), true) != 0 ||
	    api_transaction(r, place_update_tx, &w) != 0)
		goto out;
	written_reply(r, 200, "rack", NULL, w.out);
out:
	json_decref(w.out);
	json_decref(w.fields);
}

/* GET /api/v1/sites/:id/utilization */
void
api_sites_utilization(struct req *r)
{
	int64_t id;
	json_t *out = NULL;

	if (validate_param_id_or_reply(r, "id", &id) != 0)
		return;
	if (db_sites_utilization(r->db, id, &out) != 0)
		api_db_error(r);
	else if (out == NULL)
		reply_not_found(r, PROBLEM_SITE_NOT_FOUND, "site", id);
	else
		reply_json(r, 200, out);
	json_decref(out);
}
