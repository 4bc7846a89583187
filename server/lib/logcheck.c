/* logcheck.c -- a Merkle log against its signed checkpoints (see
 * logcheck.h). */
#include "lib/logcheck.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

int
checkpoint_format(const struct checkpoint *c, const char *at, char *out, size_t size)
{
	char root[sodium_base64_ENCODED_LEN(MERKLE_HASH, sodium_base64_VARIANT_ORIGINAL)];
	int n;

	sodium_bin2base64(root, sizeof(root), c->root, MERKLE_HASH, sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(out, size, "%s\n%" PRIu64 "\n%s\ntime %s\n", c->origin, c->size, root, at);
	return n < 0 || (size_t)n >= size ? -1 : n;
}

/* The next line of text from *at, without its newline, into out. */
static int
line(const char *text, size_t len, size_t *at, char *out, size_t size)
{
	const char *nl = memchr(text + *at, '\n', len - *at);
	size_t n;

	if (*at >= len || nl == NULL)
		return -1;
	n = (size_t)(nl - (text + *at));
	if (n == 0 || n >= size)
		return -1;
	memcpy(out, text + *at, n);
	out[n] = '\0';
	*at += n + 1;
	return 0;
}

int
checkpoint_parse(const char *text, size_t len, struct checkpoint *c)
{
	char size[24], root[64], *end;
	size_t at = 0, bin_len;

	memset(c, 0, sizeof(*c));
	if (line(text, len, &at, c->origin, sizeof(c->origin)) != 0 ||
	    line(text, len, &at, size, sizeof(size)) != 0 ||
	    line(text, len, &at, root, sizeof(root)) != 0)
		return -1;
	if (size[0] < '0' || size[0] > '9' || (size[0] == '0' && size[1] != '\0'))
		return -1;
	c->size = strtoull(size, &end, 10);
	if (*end != '\0' || sodium_base642bin(c->root, MERKLE_HASH, root, strlen(root), NULL,
	    &bin_len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || bin_len != MERKLE_HASH)
		return -1;
	return 0;
}

void
logcheck_init(struct logcheck *lc, const struct note_key *keys, size_t nkeys, const char *origin)
{
	memset(lc, 0, sizeof(*lc));
	lc->keys = keys;
	lc->nkeys = nkeys;
	lc->origin = origin;
	merkle_range_init(&lc->rows);
}

void
logcheck_free(struct logcheck *lc)
{
	free(lc->cps);
	json_decref(lc->first);
	json_decref(lc->bad_checkpoint);
	memset(lc, 0, sizeof(*lc));
}

/* Records the first mismatch only; later ones follow from it. */
static void
mismatch(struct logcheck *lc, const char *kind, uint64_t leaf, int64_t event_id,
    const char *detail)
{
	if (lc->first != NULL)
		return;
	lc->first = json_pack("{s:s, s:I, s:s}", "kind", kind, "leaf_index", (json_int_t)leaf,
	    "detail", detail);
	json_object_set_new(lc->first, "event_id", event_id > 0 ?
	    json_integer(event_id) : json_null());
}

void
logcheck_checkpoint(struct logcheck *lc, const char *note, size_t len, uint64_t claimed)
{
	struct checkpoint c, *grown;
	size_t i, text_len = 0;
	const char *why = NULL;

	for (i = 0; i < lc->nkeys; i++)
		if (note_verify(&lc->keys[i], note, len, &text_len))
			break;
	if (i == lc->nkeys)
		why = "its signature is not by any key given";
	else if (checkpoint_parse(note, text_len, &c) != 0)
		why = "its text is not a checkpoint";
	else if (strcmp(c.origin, lc->origin) != 0)
		why = "it is a checkpoint of another log";
	else if (c.size != claimed || (lc->ncps > 0 && c.size <= lc->cps[lc->ncps - 1].size))
		why = "its size is not the one it is filed under";
	if (why != NULL) {
		if (lc->bad_checkpoint == NULL)
			lc->bad_checkpoint = json_pack("{s:s, s:n, s:n, s:I, s:s}", "kind",
			    "checkpoint_invalid", "leaf_index", "event_id", "checkpoint_size",
			    (json_int_t)claimed, "detail", why);
		return;
	}
	if (lc->ncps == lc->cap) {
		lc->cap = lc->cap ? lc->cap * 2 : 64;
		if ((grown = realloc(lc->cps, lc->cap * sizeof(*grown))) == NULL) {
			lc->cap = lc->ncps;
			return;
		}
		lc->cps = grown;
	}
	lc->cps[lc->ncps++] = c;
}

/* The leaves reached the size of the next checkpoint(s): their root must
 * be the one it signed. */
static void
reach_checkpoints(struct logcheck *lc)
{
	unsigned char root[MERKLE_HASH];
	char detail[160];
	bool same;

	while (lc->next < lc->ncps && lc->cps[lc->next].size == lc->rows.size) {
		merkle_range_root(&lc->rows, root);
		same = sodium_memcmp(root, lc->cps[lc->next].root, MERKLE_HASH) == 0;
		if (same) {
			lc->last_ok_size = lc->rows.size;
		} else {
			snprintf(detail, sizeof(detail), "the events from leaf %" PRIu64 " to %" PRIu64
			    " do not give the root the checkpoint of size %" PRIu64 " signed",
			    lc->last_ok_size, lc->rows.size - 1, lc->rows.size);
			mismatch(lc, "root_mismatch", lc->last_ok_size, 0, detail);
		}
		lc->checked++;
		lc->latest_matches = same;
		lc->next++;
	}
}

void
logcheck_leaf(struct logcheck *lc, uint64_t index, int64_t event_id, const unsigned char *leaf,
    size_t len, const unsigned char *stored)
{
	unsigned char hash[MERKLE_HASH] = { 0 };
	char detail[160];

	if (index != lc->rows.size) {
		snprintf(detail, sizeof(detail), "leaf %" PRIu64 " is missing: the next one kept is %"
		    PRIu64, lc->rows.size, index);
		mismatch(lc, "leaf_missing", lc->rows.size, 0, detail);
	}
	if (leaf == NULL) {
		snprintf(detail, sizeof(detail), "event %" PRId64 " of leaf %" PRIu64 " is gone",
		    event_id, lc->rows.size);
		mismatch(lc, "event_missing", lc->rows.size, event_id, detail);
	} else {
		merkle_leaf_hash(leaf, len, hash);
		if (stored != NULL && sodium_memcmp(hash, stored, MERKLE_HASH) != 0) {
			snprintf(detail, sizeof(detail), "event %" PRId64 " of leaf %" PRIu64
			    " is not the event that was logged", event_id, lc->rows.size);
			mismatch(lc, "event_changed", lc->rows.size, event_id, detail);
		}
	}
	merkle_range_push(&lc->rows, hash);
	reach_checkpoints(lc);
}

void
logcheck_skipped(struct logcheck *lc, int64_t event_id)
{
	char detail[160];

	if (lc->first != NULL)
		return;
	snprintf(detail, sizeof(detail), "event %" PRId64 " is older than the last leaf but "
	    "in no leaf", event_id);
	mismatch(lc, "event_not_in_tree", lc->rows.size, event_id, detail);
	json_object_set_new(lc->first, "leaf_index", json_null());
}

/* The smallest checkpoint covering leaf, or NULL. */
static const struct checkpoint *
covering(const struct logcheck *lc, json_int_t leaf)
{
	size_t i;

	for (i = 0; i < lc->ncps; i++)
		if ((json_int_t)lc->cps[i].size > leaf)
			return &lc->cps[i];
	return NULL;
}

json_t *
logcheck_report(struct logcheck *lc)
{
	char root[sodium_base64_ENCODED_LEN(MERKLE_HASH, sodium_base64_VARIANT_ORIGINAL)];
	const struct checkpoint *last = lc->ncps ? &lc->cps[lc->ncps - 1] : NULL, *c;
	json_t *first, *latest = json_null(), *leaf;
	char detail[160];

	if (last != NULL && last->size > lc->rows.size) {
		snprintf(detail, sizeof(detail), "the checkpoint of size %" PRIu64 " signed more "
		    "leaves than the %" PRIu64 " there are", last->size, lc->rows.size);
		mismatch(lc, "truncated", lc->rows.size, 0, detail);
		lc->latest_matches = false;
	}
	first = lc->first != NULL ? lc->first : lc->bad_checkpoint;
	leaf = first != NULL ? json_object_get(first, "leaf_index") : NULL;
	if (first != NULL && json_object_get(first, "checkpoint_size") == NULL)
		json_object_set_new(first, "checkpoint_size", json_is_integer(leaf) &&
		    (c = covering(lc, json_integer_value(leaf))) != NULL ?
		    json_integer((json_int_t)c->size) : json_null());
	if (last != NULL) {
		sodium_bin2base64(root, sizeof(root), last->root, MERKLE_HASH,
		    sodium_base64_VARIANT_ORIGINAL);
		latest = json_pack("{s:I, s:s, s:b}", "tree_size", (json_int_t)last->size,
		    "root_hash", root, "matches", lc->latest_matches);
	}
	return json_pack("{s:b, s:I, s:I, s:o, s:O}", "ok", first == NULL,
	    "tree_size", (json_int_t)lc->rows.size, "checkpoints_checked", (json_int_t)lc->checked,
	    "latest_checkpoint", latest, "first_mismatch", first != NULL ? first : json_null());
}
