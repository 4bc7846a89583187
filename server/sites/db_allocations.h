/* db_allocations.h -- allocations of GPUs to tenants at sites, in the
 * database. Every read takes the caller's session: a tenant's reads are
 * filtered to its own organisation by the statement itself. */
#ifndef REGISTRY_DB_ALLOCATIONS_H
#define REGISTRY_DB_ALLOCATIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "db/db.h"
#include "db/scope.h"

struct alloc_filter {
	int64_t after;
	int limit;               /* rows to fetch: page size + 1 */
	const char *site_id;     /* text of an id, or NULL */
	const char *tenant_id;
	const char *status;      /* "active", "ended" or NULL */
};

/* The columns of a new allocation, as statement parameters. */
struct alloc_fields {
	struct db_param site_id;
	struct db_param rack_id; /* DB_NULL: no rack */
	struct db_param tenant_id;
	const char *purpose;
	const char *starts_on;
	const char *ends_on;     /* NULL: open-ended */
};

/* An allocation's state, read under its row lock. */
struct alloc_state {
	bool active;
	int64_t site_id;
	int64_t rack_id;         /* 0: none */
};

int db_allocations_list(struct db *db, const struct session *s, const struct alloc_filter *f,
    json_t **rows);
/* One allocation with its assets; NULL when there is none the session may
 * see (s NULL: no scope, for replies to the officer who wrote it). */
int db_allocations_get(struct db *db, const struct session *s, int64_t id, json_t **out);
/* A tenant's active allocations and its GPUs per site and model; NULL
 * when id is not a tenant organisation the session may see. */
int db_allocations_tenant(struct db *db, const struct session *s, int64_t id, json_t **out);

/* Inserts the allocation row; *id is its id. */
int db_allocations_insert(struct db *db, const struct alloc_fields *f, int64_t user_id,
    int64_t *id);

/* Locks up to count in-stock assets of a model, lowest ids first,
 * skipping those another transaction holds. *ids (malloc'd, caller frees)
 * is their id array text, *got how many. */
int db_allocations_pick(struct db *db, int64_t model_id, long long count, char **ids,
    long long *got);
/* How many assets of a model are in stock, and its name; *name is empty
 * when there is no such model. */
int db_allocations_stock(struct db *db, int64_t model_id, long long *count, char *name,
    size_t namelen);
/* Locks the assets of ids (in id order) and reports, as JSON, the ids
 * that name no asset ("missing") and those not in stock ("busy": id,
 * serial, status). */
int db_allocations_lock_assets(struct db *db, const char *ids, json_t **out);
/* Puts the assets of ids into allocation id: status allocated, at its
 * site, rack and tenant. */
int db_allocations_attach(struct db *db, int64_t id, const char *ids);

/* Locks allocation id; 0 with *st, 1 when there is none, -1 on error. */
int db_allocations_lock(struct db *db, int64_t id, struct alloc_state *st);
/* The ids among ids (JSON-free array text) that are not active assets of
 * allocation id, as a JSON array (empty when all are). */
int db_allocations_strangers(struct db *db, int64_t id, const char *ids, json_t **out);
/* Takes assets out of allocation id (ids NULL: all of them) with reason
 * "returned" or "ended": the placed ones go back to stock. */
int db_allocations_detach(struct db *db, int64_t id, const char *ids, const char *reason);
/* Marks allocation id ended by user_id. */
int db_allocations_close(struct db *db, int64_t id, int64_t user_id, const char *reason);
/* The array text of the allocation's assets that take a slot. */
int db_allocations_placed(struct db *db, int64_t id, char **ids);
/* Moves allocation id and its assets of ids (db_allocations_placed) to a
 * site (and rack, 0: none). */
int db_allocations_move(struct db *db, int64_t id, int64_t site_id, int64_t rack_id,
    const char *ids);

#endif
