/* logcheck.h -- checking a Merkle log against its signed checkpoints
 * (docs/audit.md), the same way on the server (rows from the database)
 * and offline (an exported file). The caller gives every checkpoint,
 * then every leaf in order; the check recomputes each leaf's hash from
 * its canonical bytes, the roots at each checkpoint's size, and names
 * the first leaf that does not match. Pure: no I/O. */
#ifndef REGISTRY_LOGCHECK_H
#define REGISTRY_LOGCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "lib/merkle.h"
#include "lib/note.h"

#define LOGCHECK_MAX_KEYS 8

/* A checkpoint's text (C2SP tlog-checkpoint): origin, size, root. */
struct checkpoint {
	char origin[256];
	uint64_t size;
	unsigned char root[MERKLE_HASH];
};

/* Writes the checkpoint text "<origin>\n<size>\n<base64 root>\ntime <at>\n"
 * into out: its length, or -1 if out is too small. */
int checkpoint_format(const struct checkpoint *c, const char *at, char *out, size_t size);

/* Parses the text of a signed note into c: 0, or -1. */
int checkpoint_parse(const char *text, size_t len, struct checkpoint *c);

struct logcheck {
	const struct note_key *keys;
	size_t nkeys;
	const char *origin;
	struct checkpoint *cps;      /* verified, by size */
	size_t ncps, cap, next;
	size_t checked;              /* checkpoints reached by the leaves */
	bool latest_matches;
	struct merkle_range rows;    /* hashes recomputed from the events */
	uint64_t last_ok_size;       /* the largest checkpoint the rows matched */
	json_t *first;               /* the first mismatch, or NULL */
	json_t *bad_checkpoint;      /* a checkpoint that failed its signature */
};

/* keys (borrowed) verify the checkpoints; origin is the log's. */
void logcheck_init(struct logcheck *lc, const struct note_key *keys, size_t nkeys,
    const char *origin);
void logcheck_free(struct logcheck *lc);

/* A signed note of a checkpoint, said to be of size claimed: kept when its
 * signature and origin hold and its size is the one claimed. Give them
 * smallest first, before any leaf. */
void logcheck_checkpoint(struct logcheck *lc, const char *note, size_t len, uint64_t claimed);

/* The leaf at index (the next one expected), of event event_id: its
 * canonical bytes (NULL when the event is gone) and the hash kept for it
 * (NULL when none is). */
void logcheck_leaf(struct logcheck *lc, uint64_t index, int64_t event_id,
    const unsigned char *leaf, size_t len, const unsigned char *stored);

/* The first event not in the tree though older than its last leaf. */
void logcheck_skipped(struct logcheck *lc, int64_t event_id);

/* The report: {ok, tree_size, checkpoints_checked, latest_checkpoint,
 * first_mismatch} (docs/audit.md). A new reference. */
json_t *logcheck_report(struct logcheck *lc);

#endif
