/* db_audit.h -- reading the audit trail and its Merkle tree, appending
 * leaves (through the SQL function audit_sequence) and checkpoints.
 * Writing events is the database's job (the audit_row trigger and
 * audit_log_event, sql/0001 and sql/0014). */
#ifndef REGISTRY_DB_AUDIT_H
#define REGISTRY_DB_AUDIT_H

#include <stdint.h>
#include <jansson.h>

#include "db/db.h"
#include "lib/merkle.h"

struct audit_filter {
	int64_t before;          /* newest first: ids below this; 0 = from the top */
	int limit;               /* page size + 1 */
	const char *table;
	const char *record_id;
	const char *actor_user_id;
	const char *actor_org_id;
	const char *action;
	const char *since;       /* at >= since */
	const char *until;       /* at < until */
};

int db_audit_list(struct db *db, const struct audit_filter *f, json_t **rows);

/* Appends the events that are due to the tree, at most max of them;
 * *size is the tree's size after. */
int db_audit_sequence(struct db *db, int max, int64_t *size);
/* *pending = 1 while committed events have no leaf yet, else 0. */
int db_audit_pending(struct db *db, int64_t *pending);

/* The number of leaves. */
int db_audit_tree_size(struct db *db, int64_t *size);

/* Fills hash[i] with node (level[i], index[i]) for i < n: 0, or -1 (with
 * db->sqlstate XX000 when one is missing). */
int db_audit_nodes(struct db *db, const int *level, const uint64_t *index, size_t n,
    unsigned char (*hash)[MERKLE_HASH]);

/* The newest checkpoint's size (0 if none) and its age in milliseconds. */
int db_audit_checkpoint_latest(struct db *db, int64_t *size, int64_t *age_ms);

/* Keeps a signed checkpoint; a size already signed is left as it is. */
int db_audit_checkpoint_add(struct db *db, int64_t size, const char *root_hex,
    const char *key_id, const char *at, const char *note);

/* Checkpoints, largest first, below the size before (0: from the top). */
int db_audit_checkpoints(struct db *db, int64_t before, int limit, json_t **rows);

/* Verification reads one snapshot: begin, read, end. */
int db_audit_verify_begin(struct db *db);
void db_audit_verify_end(struct db *db);

/* Every checkpoint, smallest first: tree_size and note of each. */
int db_audit_verify_checkpoints(struct db *db, PGresult **res);

/* Leaves from index from on, at most limit: idx, event_id, the stored
 * hash (hex) and the event's canonical bytes recomputed from its row
 * (hex, NULL when the event is gone). */
int db_audit_verify_leaves(struct db *db, int64_t from, int limit, PGresult **res);

/* The first event that is not in the tree although every event around it
 * is (an event older than the last leaf): its id, or 0. */
int db_audit_verify_skipped(struct db *db, int64_t *event_id);

#endif
