/* db_sites.h -- data-centre sites and their racks in the database, and
 * the room they have left for GPUs. */
#ifndef REGISTRY_DB_SITES_H
#define REGISTRY_DB_SITES_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "db/db.h"
#include "db/scope.h"

struct site_filter {
	int64_t after;
	int limit;               /* rows to fetch: page size + 1 */
	const char *region;      /* exact region, or NULL */
	const char *operator_id; /* text of an id, or NULL */
	const char *active;      /* "true", "false" or NULL */
	const char *q;           /* substring of the name, or NULL */
};

/* What a site, and a rack in it, hold and can hold. The used figures
 * leave out the assets about to be placed (db_sites_room), so that a move
 * inside one site does not count its own GPUs twice. */
struct db_room {
	char site_name[808];     /* 200 characters of UTF-8, at most */
	bool site_active;
	long long site_slots, site_slots_used, site_watts, site_watts_used;
	bool has_rack;
	char rack_name[408];
	long long rack_slots, rack_slots_used, rack_watts, rack_watts_used;
	long long slots_needed, watts_needed;
};



int db_sites_list(struct db *db, const struct site_filter *f, json_t **rows);
/* *site is NULL when there is none, or the session may not see it (a
 * tenant sees the sites where it has an active allocation). */
int db_sites_get(struct db *db, const struct session *s, int64_t id, json_t **site);
/* Borrows fields (validated by the handler). */
int db_sites_create(struct db *db, const json_t *fields, json_t **site);
int db_sites_update(struct db *db, int64_t id, const json_t *fields, json_t **site);

/* Locks the site, and the rack when rack_id is not 0, until the
 * transaction ends; *version (may be NULL) is that of the rack when one
 * is named, else the site's. Returns 0, 1 when there is no such site, 2
 * when the rack is not in it, -1 on error. */
int db_sites_lock(struct db *db, int64_t site_id, int64_t rack_id, int64_t *version);

/* The room of a site (and rack, when not 0) for the assets of ids, a
 * PostgreSQL array text ("{1,2}"). Call it after db_sites_lock, in a
 * statement of its own: only then does it see every committed placement. */
int db_sites_room(struct db *db, int64_t site_id, int64_t rack_id, const char *ids,
    struct db_room *room);

/* Slots and power used and free, per rack, model and tenant; NULL when
 * there is no such site. */
int db_sites_utilization(struct db *db, int64_t id, json_t **out);

int db_racks_list(struct db *db, int64_t site_id, int64_t after, int limit, json_t **rows);
/* *rack is NULL when there is no such site. */
int db_racks_create(struct db *db, int64_t site_id, const json_t *fields, json_t **rack);
/* *rack is NULL when the site has no such rack. */
int db_racks_get(struct db *db, int64_t site_id, int64_t rack_id, json_t **rack);
int db_racks_update(struct db *db, int64_t site_id, int64_t rack_id, const json_t *fields,
    json_t **rack);

#endif
