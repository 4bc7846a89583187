/* tree.c -- proofs, checkpoints, verification and export of the audit
 * log's Merkle tree (see tree.h and docs/audit.md). */
#include "audit/tree.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "audit/db_audit.h"
#include "config.h"
#include "keys.h"
#include "lib/logcheck.h"
#include "lib/merkle.h"

/* Leaves read per statement when verifying or exporting. */
#define BATCH 5000
/* A proof names at most 64 subtrees of at most 63 nodes each. */
#define NODES_MAX 4096

/* The nodes a computation needs, read in one round trip: it runs once to
 * collect the nodes it names (answered with zeros), then again with
 * their hashes. */
struct nodes {
	size_t n;
	bool fetched;
	int level[NODES_MAX];
	uint64_t index[NODES_MAX];
	unsigned char hash[NODES_MAX][MERKLE_HASH];
};

static int
node_get(void *arg, int level, uint64_t index, unsigned char out[MERKLE_HASH])
{
	struct nodes *s = arg;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->level[i] == level && s->index[i] == index) {
			memcpy(out, s->hash[i], MERKLE_HASH);
			return 0;
		}
	if (s->fetched || s->n == NODES_MAX)
		return -1;
	s->level[s->n] = level;
	s->index[s->n] = index;
	memset(s->hash[s->n], 0, MERKLE_HASH);
	memset(out, 0, MERKLE_HASH);
	s->n++;
	return 0;
}

enum job_kind { JOB_ROOT, JOB_INCLUSION, JOB_CONSISTENCY };

struct job {
	enum job_kind kind;
	uint64_t a, b;
	unsigned char hash[MERKLE_HASH];      /* the root, or the leaf's hash */
	unsigned char proof[MERKLE_PROOF_MAX][MERKLE_HASH];
	int n;
};

static int
job_run(struct job *j, struct nodes *s)
{
	switch (j->kind) {
	case JOB_ROOT:
		return merkle_root(node_get, s, j->b, j->hash);
	case JOB_INCLUSION:
		if (node_get(s, 0, j->a, j->hash) != 0)
			return -1;
		j->n = merkle_inclusion_proof(node_get, s, j->a, j->b, j->proof);
		break;
	case JOB_CONSISTENCY:
		j->n = merkle_consistency_proof(node_get, s, j->a, j->b, j->proof);
		break;
	}
	return j->n < 0 ? -1 : 0;
}

static int
job_compute(struct db *db, struct job *j)
{
	struct nodes *s = calloc(1, sizeof(*s));
	int rc = -1;

	if (s != NULL && job_run(j, s) == 0) {
		if (db_audit_nodes(db, s->level, s->index, s->n, s->hash) != 0)
			goto out;
		s->fetched = true;
		rc = job_run(j, s);
	}
	if (rc != 0) {
		snprintf(db->sqlstate, sizeof(db->sqlstate), "XX000");
		snprintf(db->message, sizeof(db->message), "the audit tree cannot give that");
	}
out:
	free(s);
	return rc;
}

static json_t *
b64(const unsigned char *bin, size_t len)
{
	char text[sodium_base64_ENCODED_LEN(MERKLE_HASH, sodium_base64_VARIANT_ORIGINAL)];

	sodium_bin2base64(text, sizeof(text), bin, len, sodium_base64_VARIANT_ORIGINAL);
	return json_string(text);
}

static json_t *
proof_json(const struct job *j)
{
	json_t *proof = json_array();
	int i;

	for (i = 0; i < j->n; i++)
		json_array_append_new(proof, b64(j->proof[i], MERKLE_HASH));
	return proof;
}

int
audit_tree_inclusion(struct db *db, uint64_t leaf, uint64_t size, json_t **out)
{
	struct job j = { .kind = JOB_INCLUSION, .a = leaf, .b = size };

	if (job_compute(db, &j) != 0)
		return -1;
	*out = json_pack("{s:I, s:I, s:o, s:o}", "leaf_index", (json_int_t)leaf,
	    "tree_size", (json_int_t)size, "leaf_hash", b64(j.hash, MERKLE_HASH),
	    "proof", proof_json(&j));
	return 0;
}

int
audit_tree_consistency(struct db *db, uint64_t from, uint64_t to, json_t **out)
{
	struct job j = { .kind = JOB_CONSISTENCY, .a = from, .b = to };

	if (job_compute(db, &j) != 0)
		return -1;
	*out = json_pack("{s:I, s:I, s:o}", "from", (json_int_t)from, "to", (json_int_t)to,
	    "proof", proof_json(&j));
	return 0;
}

int
audit_tree_checkpoint(struct db *db, uint64_t size)
{
	const struct note_key *key = keys_service();
	struct job j = { .kind = JOB_ROOT, .b = size };
	struct checkpoint c = { .size = size };
	char text[512], note[1024], at[32], key_id[9], root[2 * MERKLE_HASH + 1];
	struct tm tm;
	time_t now = time(NULL);
	int len;

	if (key == NULL || job_compute(db, &j) != 0)
		return -1;
	snprintf(c.origin, sizeof(c.origin), "%s", config.audit_origin);
	memcpy(c.root, j.hash, MERKLE_HASH);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	if ((len = checkpoint_format(&c, at, text, sizeof(text))) < 0 ||
	    keys_sign_note(text, (size_t)len, note, sizeof(note)) < 0)
		return -1;
	snprintf(key_id, sizeof(key_id), "%08" PRIx32, key->hash);
	sodium_bin2hex(root, sizeof(root), j.hash, MERKLE_HASH);
	return db_audit_checkpoint_add(db, (int64_t)size, root, key_id, at, note);
}

/* Reads a column of hex into bin; false when it is not len bytes. */
static bool
hex_col(const PGresult *res, int row, int col, unsigned char *bin, size_t len)
{
	size_t got;

	return !PQgetisnull(res, row, col) && sodium_hex2bin(bin, len, PQgetvalue(res, row, col),
	    (size_t)PQgetlength(res, row, col), NULL, &got, NULL) == 0 && got == len;
}

/* Gives every leaf, in order, to each(arg, index, event_id, leaf bytes or
 * NULL, len, stored hash or NULL). 0 or -1. */
static int
leaves_each(struct db *db, void (*each)(void *, uint64_t, int64_t, const unsigned char *,
    size_t, const unsigned char *), void *arg)
{
	unsigned char stored[MERKLE_HASH], *leaf = NULL, *grown;
	PGresult *res = NULL;
	int64_t from = 0;
	size_t cap = 0, len;
	int i, n;

	do {
		if (db_audit_verify_leaves(db, from, BATCH, &res) != 0)
			goto fail;
		n = PQntuples(res);
		for (i = 0; i < n; i++) {
			len = (size_t)PQgetlength(res, i, 3) / 2;
			if (len > cap) {
				if ((grown = realloc(leaf, len)) == NULL)
					goto fail;
				leaf = grown;
				cap = len;
			}
			each(arg, strtoull(PQgetvalue(res, i, 0), NULL, 10),
			    strtoll(PQgetvalue(res, i, 1), NULL, 10),
			    hex_col(res, i, 3, leaf, len) ? leaf : NULL, len,
			    hex_col(res, i, 2, stored, MERKLE_HASH) ? stored : NULL);
			from = strtoll(PQgetvalue(res, i, 0), NULL, 10) + 1;
		}
		PQclear(res);
		res = NULL;
	} while (n == BATCH);
	free(leaf);
	return 0;
fail:
	PQclear(res);
	free(leaf);
	return -1;
}

static void
verify_leaf(void *arg, uint64_t index, int64_t event_id, const unsigned char *leaf, size_t len,
    const unsigned char *stored)
{
	logcheck_leaf(arg, index, event_id, leaf, len, stored);
}

int
audit_tree_verify(struct db *db, const struct note_key *keys, size_t nkeys, json_t **report)
{
	struct logcheck lc;
	PGresult *cps = NULL;
	int64_t skipped = 0;
	int i, rc = -1;

	logcheck_init(&lc, keys, nkeys, config.audit_origin);
	if (db_audit_verify_begin(db) != 0)
		goto out;
	if (db_audit_verify_checkpoints(db, &cps) != 0)
		goto end;
	for (i = 0; i < PQntuples(cps); i++)
		logcheck_checkpoint(&lc, PQgetvalue(cps, i, 1), (size_t)PQgetlength(cps, i, 1),
		    strtoull(PQgetvalue(cps, i, 0), NULL, 10));
	if (leaves_each(db, verify_leaf, &lc) != 0 || db_audit_verify_skipped(db, &skipped) != 0)
		goto end;
	if (skipped > 0)
		logcheck_skipped(&lc, skipped);
	*report = logcheck_report(&lc);
	rc = 0;
end:
	db_audit_verify_end(db);
out:
	PQclear(cps);
	logcheck_free(&lc);
	return rc;
}

static void
export_leaf(void *arg, uint64_t index, int64_t event_id, const unsigned char *leaf, size_t len,
    const unsigned char *stored)
{
	json_t *line = json_pack("{s:I, s:I}", "leaf_index", (json_int_t)index, "event_id",
	    (json_int_t)event_id);
	char *text = malloc(sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL));

	(void)stored;
	if (leaf != NULL && text != NULL) {
		sodium_bin2base64(text, sodium_base64_ENCODED_LEN(len,
		    sodium_base64_VARIANT_ORIGINAL), leaf, len, sodium_base64_VARIANT_ORIGINAL);
		json_object_set_new(line, "leaf", json_string(text));
	} else {
		json_object_set_new(line, "leaf", json_null());
	}
	json_dumpf(line, arg, JSON_COMPACT);
	fputc('\n', arg);
	json_decref(line);
	free(text);
}

int
audit_tree_export(struct db *db, FILE *out)
{
	PGresult *cps = NULL;
	json_t *line;
	int i, rc = -1;

	if (db_audit_verify_begin(db) != 0)
		return -1;
	if (db_audit_verify_checkpoints(db, &cps) != 0)
		goto end;
	line = json_pack("{s:s, s:s}", "format", "registry-audit-log-v1", "origin",
	    config.audit_origin);
	json_dumpf(line, out, JSON_COMPACT);
	fputc('\n', out);
	json_decref(line);
	for (i = 0; i < PQntuples(cps); i++) {
		line = json_pack("{s:s}", "checkpoint", PQgetvalue(cps, i, 1));
		json_dumpf(line, out, JSON_COMPACT);
		fputc('\n', out);
		json_decref(line);
	}
	rc = leaves_each(db, export_leaf, out);
end:
	db_audit_verify_end(db);
	PQclear(cps);
	return rc;
}
