/* api_audit.c -- the trail (/api/v1/audit/events, also at its first
 * address /api/v1/audit-events), newest first, each event with its leaf
 * index; the signed checkpoints; proofs; verification. */
#include "core/api.h"
#include "audit/audit.h"

#include "audit/db_audit.h"
#include "audit/tree.h"
#include "keys.h"
#include "lib/cursor.h"

/* GET /api/v1/audit/events and /api/v1/audit-events */
void
api_audit_list(struct req *r)
{
	static const char *const known[] = {
		"table", "record_id", "actor_user_id", "actor_org_id", "action", "since", "until",
		"limit", "cursor", NULL
	};
	struct audit_filter f = { 0 };
	json_t *rows = NULL;
	int64_t id;
	bool has;

	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_page_or_reply(r, &f.limit, &f.before) != 0 ||
	    validate_query_id_or_reply(r, "actor_user_id", &id, &has) != 0 ||
	    validate_query_id_or_reply(r, "actor_org_id", &id, &has) != 0 ||
	    validate_query_time_or_reply(r, "since", &f.since) != 0 ||
	    validate_query_time_or_reply(r, "until", &f.until) != 0)
		return;
	f.table = req_query(r, "table");
	f.record_id = req_query(r, "record_id");
	f.actor_user_id = req_query(r, "actor_user_id");
	f.actor_org_id = req_query(r, "actor_org_id");
	f.action = req_query(r, "action");
	f.limit++;
	if (db_audit_list(r->db, &f, &rows) != 0)
		api_db_error(r);
	else
		api_page_reply(r, rows, f.limit - 1);
}

/* GET /api/v1/audit/checkpoints -- the latest, and the history largest
 * first, paged by tree size. */
void
api_audit_checkpoints(struct req *r)
{
	json_t *rows = NULL, *latest = NULL, *page;
	char next[CURSOR_MAX];
	int64_t before;
	int limit;

	if (validate_query_known_or_reply(r, (const char *const[]){ "limit", "cursor", NULL }) != 0 ||
	    validate_page_or_reply(r, &limit, &before) != 0)
		return;
	if (db_audit_checkpoints(r->db, 0, 1, &latest) != 0 ||
	    db_audit_checkpoints(r->db, before, limit + 1, &rows) != 0) {
		api_db_error(r);
		goto out;
	}
	page = json_pack("{s:O, s:O, s:n}", "latest", json_array_size(latest) ?
	    json_array_get(latest, 0) : json_null(), "items", rows, "next");
	if (json_array_size(rows) > (size_t)limit) {
		json_array_remove(rows, (size_t)limit);
		cursor_encode(json_integer_value(json_object_get(json_array_get(rows,
		    (size_t)limit - 1), "tree_size")), next);
		json_object_set_new(page, "next", json_string(next));
	}
	reply_json_steal(r, 200, page);
out:
	json_decref(rows);
	json_decref(latest);
}

/* Reads the two numbers a proof is asked for (a from 0 or 1, b from 1)
 * and checks that the tree has b leaves: 0, or -1 having replied. */
static int
proof_query_or_reply(struct req *r, const char *name_a, int64_t min_a, const char *name_b,
    int64_t *a, int64_t *b)
{
	int64_t tree;

	if (validate_query_known_or_reply(r, (const char *const[]){ name_a, name_b, NULL }) != 0 ||
	    validate_query_number_or_reply(r, name_a, min_a, INT64_MAX, a) != 0 ||
	    validate_query_number_or_reply(r, name_b, 1, INT64_MAX, b) != 0)
		return -1;
	if (db_audit_tree_size(r->db, &tree) != 0) {
		api_db_error(r);
		return -1;
	}
	if (*b <= tree)
		return 0;
	reply_problem_with(r, PROBLEM_AUDIT_SIZE_PAST_TREE, json_pack("{s:I}", "tree_size",
	    (json_int_t)tree), "the tree has %lld leaves", (long long)tree);
	return -1;
}

/* Makes a proof with prove(db, a, b) and replies with it, or with the
 * error that kept it from being made. */
static void
proof_reply(struct req *r, int (*prove)(struct db *, uint64_t, uint64_t, json_t **),
    int64_t a, int64_t b)
{
	json_t *proof = NULL;

	if (prove(r->db, (uint64_t)a, (uint64_t)b, &proof) != 0)
		api_db_error(r);
	else
		reply_json_steal(r, 200, proof);
}

/* GET /api/v1/audit/proof/inclusion?leaf=N&size=M */
void
api_audit_inclusion(struct req *r)
{
	int64_t leaf, size;

	if (proof_query_or_reply(r, "leaf", 0, "size", &leaf, &size) != 0)
		return;
	if (leaf >= size)
		reply_problem_with(r, PROBLEM_AUDIT_LEAF_PAST_SIZE, json_pack("{s:I}", "tree_size",
		    (json_int_t)size), "a tree of %lld leaves has leaves 0 to %lld", (long long)size,
		    (long long)size - 1);
	else
		proof_reply(r, audit_tree_inclusion, leaf, size);
}

/* GET /api/v1/audit/proof/consistency?from=M&to=N */
void
api_audit_consistency(struct req *r)
{
	int64_t from, to;

	if (proof_query_or_reply(r, "from", 1, "to", &from, &to) != 0)
		return;
	if (from > to)
		reply_problem(r, PROBLEM_AUDIT_RANGE_INVALID, "from must not be larger than to");
	else
		proof_reply(r, audit_tree_consistency, from, to);
}

/* GET /api/v1/audit/verify -- the rows against every signed checkpoint,
 * by the service's key or one it rotated from. */
void
api_audit_verify(struct req *r)
{
	struct note_key keys[KEYS_PREVIOUS_MAX + 1];
	size_t n = keys_verifiers(keys, KEYS_PREVIOUS_MAX + 1);
	json_t *report = NULL;

	if (validate_query_known_or_reply(r, (const char *const[]){ NULL }) != 0)
		return;
	if (n == 0)
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the signing key is not loaded");
	else if (audit_tree_verify(r->db, keys, n, &report) != 0)
		api_db_error(r);
	else
		reply_json_steal(r, 200, report);
}
