/* db_audit.c -- SQL of the audit trail and of its Merkle tree. */
#include "audit/db_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "db/db_stmts.h"

/* An event as the API shows it: its columns, its leaf index (NULL until
 * sequenced) and its canonical bytes as base64 (docs/audit.md). */
#define EVENT_JSON \
	"json_build_object('id', e.id, 'at', e.at, 'actor_user_id', e.actor_user_id," \
	"       'actor_org_id', e.actor_org_id, 'actor_roles', e.actor_roles," \
	"       'channel', e.channel, 'request_id', e.request_id," \
	"       'client_addr', host(e.client_addr), 'table_name', e.table_name," \
	"       'record_id', e.record_id, 'action', e.action, 'before', e.before," \
	"       'after', e.after, 'leaf_index', t.idx," \
	"       'leaf', translate(encode(audit_event_leaf(e), 'base64'), E'\\n', ''))::text"

const struct db_stmt db_audit_stmts[] = {
	{ "audit_list",
	  "SELECT " EVENT_JSON
	  "  FROM audit_events e LEFT JOIN audit_tree t ON t.event_id = e.id"
	  " WHERE ($1::bigint = 0 OR e.id < $1::bigint)"
	  "   AND ($3::text IS NULL OR e.table_name = $3)"
	  "   AND ($4::text IS NULL OR e.record_id = $4)"
	  "   AND ($5::bigint IS NULL OR e.actor_user_id = $5::bigint)"
	  "   AND ($6::bigint IS NULL OR e.actor_org_id = $6::bigint)"
	  "   AND ($7::text IS NULL OR e.action = $7)"
	  "   AND ($8::timestamptz IS NULL OR e.at >= $8::timestamptz)"
	  "   AND ($9::timestamptz IS NULL OR e.at < $9::timestamptz)"
	  " ORDER BY e.id DESC LIMIT $2", 9 },
	/* Appending twice appends what is due once: safe to send again. */
	{ "audit_sequence", "SELECT audit_sequence($1::int)", 1, true },
	/* 1 while a committed event waits past the last leaf: leaves go in
	 * (tx, id) order, so anything after the last one is still due. */
	{ "audit_pending",
	  "WITH last AS (SELECT e.tx, e.id FROM audit_tree t JOIN audit_events e ON e.id = t.event_id"
	  "               WHERE t.level = 0 ORDER BY t.idx DESC LIMIT 1)"
	  " SELECT EXISTS (SELECT 1 FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM last)"
	  "                   OR (e.tx, e.id) > (SELECT l.tx, l.id FROM last l))::int", 0 },
	{ "audit_tree_size",
	  "SELECT coalesce(max(idx) + 1, 0) FROM audit_tree WHERE level = 0", 0 },
	{ "audit_nodes",
	  "SELECT n.level, n.idx, encode(t.hash, 'hex') AS hash"
	  "  FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY AS n(level, idx, i)"
	  "  LEFT JOIN audit_tree t ON t.level = n.level AND t.idx = n.idx"
	  " ORDER BY n.i", 2 },
	{ "audit_checkpoint_latest",
	  "SELECT tree_size,"
	  "       (extract(epoch FROM clock_timestamp() - signed_at) * 1000)::bigint AS age_ms"
	  "  FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1", 0 },
	{ "audit_checkpoint_add",
	  "INSERT INTO audit_checkpoints (tree_size, root_hash, key_id, signed_at, note)"
	  " VALUES ($1, decode($2, 'hex'), $3, $4::timestamptz, $5)"
	  " ON CONFLICT (tree_size) DO NOTHING", 5 },
	{ "audit_checkpoints",
	  "SELECT json_build_object('tree_size', tree_size,"
	  "       'root_hash', encode(root_hash, 'base64'), 'signed_at', signed_at,"
	  "       'key_id', key_id, 'note', note)::text"
	  "  FROM audit_checkpoints"
	  " WHERE $1::bigint = 0 OR tree_size < $1::bigint"
	  " ORDER BY tree_size DESC LIMIT $2", 2 },
	{ "audit_verify_begin", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, true },
	{ "audit_verify_checkpoints",
	  "SELECT tree_size, note FROM audit_checkpoints ORDER BY tree_size", 0 },
	{ "audit_verify_leaves",
	  "SELECT t.idx, t.event_id, encode(t.hash, 'hex') AS stored,"
	  "       CASE WHEN e.id IS NOT NULL THEN encode(audit_event_leaf(e), 'hex') END AS leaf"
	  "  FROM audit_tree t LEFT JOIN audit_events e ON e.id = t.event_id"
	  " WHERE t.level = 0 AND t.idx >= $1"
	  " ORDER BY t.idx LIMIT $2", 2 },
	{ "audit_verify_skipped",
	  "SELECT e.id FROM audit_events e,"
	  "       (SELECT e2.tx, e2.id FROM audit_tree t JOIN audit_events e2 ON e2.id = t.event_id"
	  "         WHERE t.level = 0 ORDER BY t.idx DESC LIMIT 1) AS last"
	  " WHERE (e.tx, e.id) < (last.tx, last.id)"
	  "   AND NOT EXISTS (SELECT 1 FROM audit_tree t WHERE t.event_id = e.id)"
	  " ORDER BY e.id LIMIT 1", 0 },
	{ NULL, NULL, 0 }
};

int
db_audit_list(struct db *db, const struct audit_filter *f, json_t **rows)
{
	return db_json_rows(db, "audit_list", DB_PARAMS(DB_INT(f->before), DB_INT(f->limit),
	    DB_STR(f->table), DB_STR(f->record_id), DB_STR(f->actor_user_id),
	    DB_STR(f->actor_org_id), DB_STR(f->action), DB_STR(f->since), DB_STR(f->until)), rows);
}

int
db_audit_sequence(struct db *db, int max, int64_t *size)
{
	return db_one_int(db, "audit_sequence", DB_PARAMS(DB_INT(max)), size);
}

int
db_audit_pending(struct db *db, int64_t *pending)
{
	return db_one_int(db, "audit_pending", DB_NO_PARAMS, pending);
}

int
db_audit_tree_size(struct db *db, int64_t *size)
{
	return db_one_int(db, "audit_tree_size", DB_NO_PARAMS, size);
}

/* "{a,b,c}": an array literal of n numbers, NULL when out of memory. */
static char *
array_text(const int *level, const uint64_t *index, size_t n)
{
	char *s = malloc(n * 21 + 3);
	size_t i, len = 0;

	if (s == NULL)
		return NULL;
	s[len++] = '{';
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(s + len, "%s%llu", i ? "," : "", level != NULL ?
		    (unsigned long long)level[i] : (unsigned long long)index[i]);
	s[len++] = '}';
	s[len] = '\0';
	return s;
}

int
db_audit_nodes(struct db *db, const int *level, const uint64_t *index, size_t n,
    unsigned char (*hash)[MERKLE_HASH])
{
	char *levels = array_text(level, NULL, n), *indexes = array_text(NULL, index, n);
	PGresult *res = NULL;
	int rc = -1, i;

	if (levels == NULL || indexes == NULL ||
	    (res = db_exec(db, "audit_nodes", DB_PARAMS(DB_STR(levels), DB_STR(indexes)))) == NULL)
		goto out;
	for (i = 0; i < PQntuples(res); i++)
		if (sodium_hex2bin(hash[i], MERKLE_HASH, PQgetvalue(res, i, 2),
		    (size_t)PQgetlength(res, i, 2), NULL, NULL, NULL) != 0 ||
		    PQgetlength(res, i, 2) != 2 * MERKLE_HASH) {
			snprintf(db->sqlstate, sizeof(db->sqlstate), "XX000");
			snprintf(db->message, sizeof(db->message), "node %s of level %s is missing",
			    PQgetvalue(res, i, 1), PQgetvalue(res, i, 0));
			goto out;
		}
	rc = (size_t)PQntuples(res) == n ? 0 : -1;
out:
	PQclear(res);
	free(levels);
	free(indexes);
	return rc;
}

int
db_audit_checkpoint_latest(struct db *db, int64_t *size, int64_t *age_ms)
{
	PGresult *res = db_exec(db, "audit_checkpoint_latest", DB_NO_PARAMS);
	int rc = 0;

	*size = 0;
	*age_ms = 0;
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1)
		rc = db_row(db, res, 0, DB_COLS(DB_COL_INT("tree_size", size),
		    DB_COL_INT("age_ms", age_ms)));
	PQclear(res);
	return rc;
}

int
db_audit_checkpoint_add(struct db *db, int64_t size, const char *root_hex, const char *key_id,
    const char *at, const char *note)
{
	return db_run(db, "audit_checkpoint_add", DB_PARAMS(DB_INT(size), DB_STR(root_hex),
	    DB_STR(key_id), DB_STR(at), DB_STR(note)));
}

int
db_audit_checkpoints(struct db *db, int64_t before, int limit, json_t **rows)
{
	return db_json_rows(db, "audit_checkpoints", DB_PARAMS(DB_INT(before), DB_INT(limit)),
	    rows);
}

int
db_audit_verify_begin(struct db *db)
{
	if (db_run(db, "audit_verify_begin", DB_NO_PARAMS) != 0)
		return -1;
	db->in_tx = true;
	return 0;
}

void
db_audit_verify_end(struct db *db)
{
	db_rollback(db);
}

int
db_audit_verify_checkpoints(struct db *db, PGresult **res)
{
	*res = db_exec(db, "audit_verify_checkpoints", DB_NO_PARAMS);
	return *res != NULL ? 0 : -1;
}

int
db_audit_verify_leaves(struct db *db, int64_t from, int limit, PGresult **res)
{
	*res = db_exec(db, "audit_verify_leaves", DB_PARAMS(DB_INT(from), DB_INT(limit)));
	return *res != NULL ? 0 : -1;
}

int
db_audit_verify_skipped(struct db *db, int64_t *event_id)
{
	return db_one_int(db, "audit_verify_skipped", DB_NO_PARAMS, event_id);
}
