/* db_proposals.c -- SQL of the opening committee, the opening key and
 * its shares, sealed proposals, receipts, the frozen set and the opening. */
#include "calls/db_proposals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEX(col) "encode(" col ", 'hex')"

const struct db_stmt db_proposals_stmts[] = {
	{ "committee_clear", "DELETE FROM call_committee WHERE call_id = $1", 1 },
	{ "committee_threshold", "UPDATE calls SET opening_threshold = $2, version = version + 1"
	  " WHERE id = $1", 2 },
	/* Members numbered 1..n in the order given; only active officers. */
	{ "committee_add",
	  "INSERT INTO call_committee (call_id, user_id, share_no)"
	  " SELECT $1, u.id, m.n FROM jsonb_array_elements_text($2::jsonb) WITH ORDINALITY"
	  "   AS m(id, n) JOIN users u ON u.id = m.id::bigint"
	  "  WHERE u.active AND 'officer' = ANY (u.roles)", 2 },
	{ "committee_get",
	  "SELECT json_build_object('threshold', c.opening_threshold, 'members',"
	  " coalesce((SELECT json_agg(json_build_object('user', json_build_object('id', u.id,"
	  "   'name', u.name, 'email', u.email), 'share_no', m.share_no,"
	  "   'passphrase_set_at', seoul_text(m.passphrase_set_at)) ORDER BY m.share_no)"
	  "   FROM call_committee m JOIN users u ON u.id = m.user_id WHERE m.call_id = c.id),"
	  "  '[]'))::text FROM calls c WHERE c.id = $1", 1 },
	{ "committee_set_key",
	  "UPDATE call_committee SET pwhash_salt = decode($3, 'hex'), pwhash_ops = $4,"
	  " pwhash_mem = $5, wrap_public_key = decode($6, 'hex'), passphrase_set_at = $7"
	  " WHERE call_id = $1 AND user_id = $2 RETURNING share_no", 7 },
	{ "committee_members",
	  "SELECT json_build_object('user_id', user_id, 'share_no', share_no,"
	  " 'wrap_public_key', " HEX("wrap_public_key") ")::text"
	  " FROM call_committee WHERE call_id = $1 ORDER BY share_no", 1 },
	{ "opening_key_add",
	  "INSERT INTO call_opening_keys (call_id, public_key, threshold, members, created_at)"
	  " VALUES ($1, decode($2, 'hex'), $3, $4, $5)", 5 },
	{ "key_share_add",
	  "INSERT INTO call_key_shares (call_id, user_id, share_no, sealed_share)"
	  " VALUES ($1, $2, $3, decode($4, 'hex'))", 4 },
	{ "opening_key_get",
	  "SELECT json_build_object('public_key', " HEX("public_key") ", 'threshold', threshold,"
	  " 'members', members)::text FROM call_opening_keys WHERE call_id = $1", 1 },
	{ "key_share_get",
	  "SELECT json_build_object('share_no', s.share_no, 'sealed_share', " HEX("s.sealed_share")
	  ", 'salt', " HEX("m.pwhash_salt") ", 'ops', m.pwhash_ops, 'mem', m.pwhash_mem,"
	  " 'wrap_public_key', " HEX("m.wrap_public_key") ")::text"
	  " FROM call_key_shares s JOIN call_committee m"
	  "   ON m.call_id = s.call_id AND m.user_id = s.user_id"
	  " WHERE s.call_id = $1 AND s.user_id = $2", 2 },
	{ "proposal_verdict",
	  "SELECT guidelines_verdict(c, $2, $3::timestamptz) FROM calls c WHERE c.id = $1", 3 },
	{ "proposal_lock_org",
	  "SELECT pg_advisory_xact_lock(hashtext('proposal'), hashtext($1::text || '/' || $2::text))", 2 },
	{ "proposal_last",
	  "SELECT version, action FROM proposal_submissions"
	  " WHERE call_id = $1 AND organization_id = $2 ORDER BY version DESC LIMIT 1", 2 },
	{ "proposal_add",
	  "INSERT INTO proposal_submissions (call_id, organization_id, version, action, sha256,"
	  " size, user_id, received_at, signing_key_id, signature) VALUES ($1, $2, $3, $4,"
	  " decode($5, 'hex'), $6, $7, $8, $9, decode($10, 'hex')) RETURNING id", 10 },
	{ "receipt_add",
	  "INSERT INTO proposal_receipts (submission_id, note, sha256)"
	  " VALUES ($1, $2, decode($3, 'hex'))", 3 },
	{ "proposals_own",
	  "SELECT json_build_object('id', s.id, 'version', s.version, 'action', s.action,"
	  " 'sha256', " HEX("s.sha256") ", 'size', s.size,"
	  " 'received_at', seoul_text(s.received_at), 'receipt', r.note,"
	  " 'signed_by', (SELECT k.key_id FROM organization_keys k WHERE k.id = s.signing_key_id),"
	  " 'receipt_sha256', " HEX("r.sha256") ", 'current', EXISTS (SELECT 1 FROM"
	  "   proposals_current p WHERE p.id = s.id))::text"
	  " FROM proposal_submissions s JOIN proposal_receipts r ON r.submission_id = s.id"
	  " WHERE s.call_id = $1 AND s.organization_id = $2 ORDER BY s.version DESC", 2 },
	{ "proposals_public",
	  "SELECT json_build_object('count', count(*), 'receipt_hashes',"
	  " coalesce(json_agg(" HEX("receipt_sha256") " ORDER BY receipt_sha256), '[]'))::text"
	  " FROM proposals_current WHERE call_id = $1", 1 },
	{ "checkpoint_get",
	  "SELECT json_build_object('size', size, 'root', " HEX("root") ", 'note', note,"
	  " 'frozen_at', seoul_text(frozen_at))::text FROM proposal_checkpoints WHERE call_id = $1", 1 },
	{ "checkpoint_add",
	  "INSERT INTO proposal_checkpoints (call_id, size, root, note, frozen_at)"
	  " VALUES ($1, $2, decode($3, 'hex'), $4, $5)", 5 },
	{ "proposals_to_open",
	  "SELECT json_build_object('id', id, 'organization_id', organization_id,"
	  " 'sha256', " HEX("sha256") ", 'size', size)::text"
	  " FROM proposals_current WHERE call_id = $1 ORDER BY id", 1 },
	{ "opening_officer_add",
	  "INSERT INTO call_opening_officers (call_id, user_id, given_at) VALUES ($1, $2, $3)", 3 },
	{ "opening_result_add",
	  "INSERT INTO proposal_opening_results (submission_id, call_id, result, plaintext_size,"
	  " plaintext_sha256) VALUES ($1, $2, $3, $4, decode($5, 'hex'))", 5 },
	{ "call_opened",
	  "UPDATE calls SET opened_at = $2, version = version + 1 WHERE id = $1", 2 },
	{ "opening_get",
	  "SELECT json_build_object('opened_at', seoul_text(c.opened_at),"
	  " 'officers', (SELECT json_agg(json_build_object('id', u.id, 'name', u.name,"
	  "   'given_at', seoul_text(o.given_at)) ORDER BY o.given_at, u.id)"
	  "   FROM call_opening_officers o JOIN users u ON u.id = o.user_id WHERE o.call_id = c.id),"
	  " 'proposals', coalesce((SELECT json_agg(json_build_object('id', s.id,"
	  "   'organization', json_build_object('id', g.id, 'name', g.name),"
	  "   'version', s.version, 'sha256', " HEX("s.sha256") ", 'size', s.size,"
	  "   'received_at', seoul_text(s.received_at), 'result', x.result,"
	  "   'plaintext_size', x.plaintext_size,"
	  "   'plaintext_sha256', " HEX("x.plaintext_sha256") ") ORDER BY s.id)"
	  "   FROM proposal_opening_results x JOIN proposal_submissions s ON s.id = x.submission_id"
	  "   JOIN organizations g ON g.id = s.organization_id WHERE x.call_id = c.id), '[]'))::text"
	  " FROM calls c WHERE c.id = $1 AND c.opened_at IS NOT NULL", 1 },
	{ "opened_proposal",
	  "SELECT json_build_object('id', s.id, 'organization_id', s.organization_id,"
	  " 'result', x.result)::text FROM proposal_submissions s"
	  " JOIN proposal_opening_results x ON x.submission_id = s.id"
	  " WHERE s.call_id = $1 AND s.id = $2", 2 },
	{ NULL, NULL, 0 }
};

int
db_committee_replace(struct db *db, int64_t call_id, int threshold, const json_t *users,
    int64_t *added)
{
	char *ids = json_dumps(users, JSON_COMPACT);
	PGresult *res;
	int rc = -1;

	if (ids == NULL)
		return -1;
	if (db_run_by_id(db, "committee_clear", call_id) != 0 ||
	    db_run(db, "committee_threshold", DB_PARAMS(DB_INT(call_id), DB_INT(threshold))) != 0)
		goto out;
	if ((res = db_exec(db, "committee_add", DB_PARAMS(DB_INT(call_id), DB_STR(ids)))) == NULL)
		goto out;
	*added = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	rc = 0;
out:
	free(ids);
	return rc;
}

int
db_committee_get(struct db *db, int64_t call_id, json_t **out)
{
	return db_json_one_by_id(db, "committee_get", call_id, out);
}

int
db_committee_set_key(struct db *db, int64_t call_id, int64_t user_id,
    const struct db_member_key *k, const char *at, bool *found)
{
	PGresult *res = db_exec(db, "committee_set_key", DB_PARAMS(DB_INT(call_id),
	    DB_INT(user_id), DB_STR(k->salt), DB_INT(k->ops), DB_INT(k->mem),
	    DB_STR(k->public_key), DB_STR(at)));

	if (res == NULL)
		return -1;
	*found = PQntuples(res) == 1;
	PQclear(res);
	return 0;
}

int
db_committee_members(struct db *db, int64_t call_id, json_t **rows)
{
	return db_json_rows_by_id(db, "committee_members", call_id, rows);
}

int
db_opening_key_add(struct db *db, int64_t call_id, const char *public_key_hex, int k, int n,
    const char *at)
{
	return db_run(db, "opening_key_add", DB_PARAMS(DB_INT(call_id), DB_STR(public_key_hex),
	    DB_INT(k), DB_INT(n), DB_STR(at)));
}

int
db_key_share_add(struct db *db, int64_t call_id, int64_t user_id, int share_no,
    const char *sealed_hex)
{
	return db_run(db, "key_share_add", DB_PARAMS(DB_INT(call_id), DB_INT(user_id),
	    DB_INT(share_no), DB_STR(sealed_hex)));
}

int
db_opening_key_get(struct db *db, int64_t call_id, json_t **out)
{
	return db_json_one_by_id(db, "opening_key_get", call_id, out);
}

int
db_key_share_get(struct db *db, int64_t call_id, int64_t user_id, json_t **out)
{
	return db_json_one(db, "key_share_get", DB_PARAMS(DB_INT(call_id), DB_INT(user_id)), out);
}

int
db_proposal_verdict(struct db *db, int64_t call_id, int64_t org, const char *at,
    char verdict[24])
{
	PGresult *res = db_exec(db, "proposal_verdict", DB_PARAMS(DB_INT(call_id), DB_INT(org),
	    DB_STR(at)));

	if (res == NULL)
		return -1;
	snprintf(verdict, 24, "%s", PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return 0;
}

int
db_proposal_lock_org(struct db *db, int64_t call_id, int64_t org, int64_t *version,
    bool *withdrawn)
{
	PGresult *res;
	char action[16] = "";
	int rc = 0;

	if (db_run(db, "proposal_lock_org", DB_PARAMS(DB_INT(call_id), DB_INT(org))) != 0 ||
	    (res = db_exec(db, "proposal_last", DB_PARAMS(DB_INT(call_id), DB_INT(org)))) == NULL)
		return -1;
	*version = 0;
	if (PQntuples(res) == 1)
		rc = db_row(db, res, 0, DB_COLS(DB_COL_INT("version", version),
		    DB_COL_TEXT("action", action)));
	*withdrawn = strcmp(action, "withdrawn") == 0;
	PQclear(res);
	return rc;
}

int
db_proposal_add(struct db *db, const struct db_submission *s, int64_t *id)
{
	return db_one_int(db, "proposal_add", DB_PARAMS(DB_INT(s->call_id), DB_INT(s->org_id),
	    DB_INT(s->version), DB_STR(s->action), DB_STR(s->sha256),
	    DB_OPT_INT(s->sha256 != NULL, s->size), DB_INT(s->user_id), DB_STR(s->at),
	    DB_OPT_INT(s->signing_key_id != 0, s->signing_key_id), DB_STR(s->signature)), id);
}

int
db_receipt_add(struct db *db, int64_t submission_id, const char *note, const char *sha256_hex)
{
	return db_run(db, "receipt_add", DB_PARAMS(DB_INT(submission_id), DB_STR(note),
	    DB_STR(sha256_hex)));
}

int
db_proposals_own(struct db *db, int64_t call_id, int64_t org, json_t **rows)
{
	return db_json_rows(db, "proposals_own", DB_PARAMS(DB_INT(call_id), DB_INT(org)), rows);
}

int
db_proposals_public(struct db *db, int64_t call_id, json_t **out)
{
	return db_json_one_by_id(db, "proposals_public", call_id, out);
}

int
db_checkpoint_get(struct db *db, int64_t call_id, json_t **out)
{
	return db_json_one_by_id(db, "checkpoint_get", call_id, out);
}

int
db_checkpoint_add(struct db *db, int64_t call_id, int64_t size, const char *root_hex,
    const char *note, const char *at)
{
	return db_run(db, "checkpoint_add", DB_PARAMS(DB_INT(call_id), DB_INT(size),
	    DB_STR(root_hex), DB_STR(note), DB_STR(at)));
}

int
db_proposals_to_open(struct db *db, int64_t call_id, json_t **rows)
{
	return db_json_rows_by_id(db, "proposals_to_open", call_id, rows);
}

int
db_opening_officer_add(struct db *db, int64_t call_id, int64_t user_id, const char *at)
{
	return db_run(db, "opening_officer_add", DB_PARAMS(DB_INT(call_id), DB_INT(user_id),
	    DB_STR(at)));
}

int
db_opening_result_add(struct db *db, int64_t submission_id, int64_t call_id,
    const char *result, int64_t size, const char *sha256_hex)
{
	return db_run(db, "opening_result_add", DB_PARAMS(DB_INT(submission_id),
	    DB_INT(call_id), DB_STR(result), DB_OPT_INT(sha256_hex != NULL, size),
	    DB_STR(sha256_hex)));
}

int
db_call_opened(struct db *db, int64_t call_id, const char *at)
{
	return db_run(db, "call_opened", DB_PARAMS(DB_INT(call_id), DB_STR(at)));
}

int
db_opening_get(struct db *db, int64_t call_id, json_t **out)
{
	return db_json_one_by_id(db, "opening_get", call_id, out);
}

int
db_opened_proposal(struct db *db, int64_t call_id, int64_t id, json_t **out)
{
	return db_json_one(db, "opened_proposal", DB_PARAMS(DB_INT(call_id), DB_INT(id)), out);
}
