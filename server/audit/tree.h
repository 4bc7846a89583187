/* tree.h -- the audit log's Merkle tree as kept in the database: proofs,
 * signed checkpoints, verification of the rows against every checkpoint,
 * and the sequencer thread that turns events into leaves. */
#ifndef REGISTRY_AUDIT_TREE_H
#define REGISTRY_AUDIT_TREE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "db/db.h"
#include "lib/note.h"

/* {leaf_index, tree_size, leaf_hash, proof} for leaf < size <= the tree's
 * size, and {from, to, proof} for 0 < from <= to <= the tree's size;
 * hashes base64. 0 or -1 (a database error). */
int audit_tree_inclusion(struct db *db, uint64_t leaf, uint64_t size, json_t **out);
int audit_tree_consistency(struct db *db, uint64_t from, uint64_t to, json_t **out);

/* Signs and keeps a checkpoint of the first size leaves. 0 or -1. */
int audit_tree_checkpoint(struct db *db, uint64_t size);

/* Recomputes every leaf from its event's row and compares the tree with
 * every signed checkpoint (keys verify them): the report of
 * lib/logcheck.h. 0 or -1 (a database error). */
int audit_tree_verify(struct db *db, const struct note_key *keys, size_t nkeys,
    json_t **report);

/* Writes the export (JSON lines: a header, every checkpoint, every leaf
 * with its event) to out. 0 or -1. */
int audit_tree_export(struct db *db, FILE *out);

/* The sequencer: a thread of its own, with its own connection, appends
 * the events that are due every REGISTRY_AUDIT_SEQUENCE_MS and signs a
 * checkpoint when the tree grew and the last one is older than
 * REGISTRY_AUDIT_CHECKPOINT_MS. Stopping sequences and signs once more. */
int audit_sequencer_start(const char *conninfo);
void audit_sequencer_stop(void);

#endif
