/* db_proposals.h -- the opening committee, the call's opening key and
 * its sealed shares, sealed proposals with their receipts, the frozen
 * set and the opening, in the database. Binary values travel as
 * lowercase hex text. Every deadline is judged by the caller. */
#ifndef REGISTRY_DB_PROPOSALS_H
#define REGISTRY_DB_PROPOSALS_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "db/db.h"

/* The committee: replaced as a whole on a draft. *added counts the
 * members that are active officers (the rest were not added). */
int db_committee_replace(struct db *db, int64_t call_id, int threshold, const json_t *users,
    int64_t *added);
/* {threshold, members: [{user, share_no, passphrase_set_at}]}. */
int db_committee_get(struct db *db, int64_t call_id, json_t **out);

/* A member's wrapping key (hex); *found false when user is no member. */
struct db_member_key {
	const char *salt;        /* hex */
	int64_t ops, mem;
	const char *public_key;  /* hex */
};
int db_committee_set_key(struct db *db, int64_t call_id, int64_t user_id,
    const struct db_member_key *k, const char *at, bool *found);

/* Members for the publication: rows {user_id, share_no, wrap_public_key}
 * (hex, or null when the passphrase is not set). */
int db_committee_members(struct db *db, int64_t call_id, json_t **rows);
int db_opening_key_add(struct db *db, int64_t call_id, const char *public_key_hex, int k,
    int n, const char *at);
int db_key_share_add(struct db *db, int64_t call_id, int64_t user_id, int share_no,
    const char *sealed_hex);

/* {public_key, threshold, members} (hex), or NULL: no opening key. */
int db_opening_key_get(struct db *db, int64_t call_id, json_t **out);
/* The member's share and wrapping key: {share_no, sealed_share, salt, ops,
 * mem, wrap_public_key} (hex), or NULL when user holds none. */
int db_key_share_get(struct db *db, int64_t call_id, int64_t user_id, json_t **out);

/* Proposals. Whether org may submit: guidelines_verdict() at `at`. */
int db_proposal_verdict(struct db *db, int64_t call_id, int64_t org, const char *at,
    char verdict[24]);
/* Locks the organisation's proposals of the call (an advisory lock for
 * the transaction), and reads its last version and whether it is a
 * withdrawal (version 0: none). */
int db_proposal_lock_org(struct db *db, int64_t call_id, int64_t org, int64_t *version,
    bool *withdrawn);
struct db_submission {
	int64_t call_id, org_id, user_id, version;
	const char *action;      /* submitted, withdrawn */
	const char *sha256;      /* hex, NULL for a withdrawal */
	int64_t size;
	const char *at;
	int64_t signing_key_id;  /* 0: unsigned */
	const char *signature;   /* hex, or NULL */
};
int db_proposal_add(struct db *db, const struct db_submission *s, int64_t *id);
int db_receipt_add(struct db *db, int64_t submission_id, const char *note,
    const char *sha256_hex);
/* The organisation's versions with their receipts, newest first. */
int db_proposals_own(struct db *db, int64_t call_id, int64_t org, json_t **rows);
/* {count, receipt_hashes} of the current set: hex, ascending. */
int db_proposals_public(struct db *db, int64_t call_id, json_t **out);
/* The checkpoint, or NULL before the freeze. */
int db_checkpoint_get(struct db *db, int64_t call_id, json_t **out);
int db_checkpoint_add(struct db *db, int64_t call_id, int64_t size, const char *root_hex,
    const char *note, const char *at);

/* The opening. Rows {id, organization_id, sha256 (hex), size}. */
int db_proposals_to_open(struct db *db, int64_t call_id, json_t **rows);
int db_opening_officer_add(struct db *db, int64_t call_id, int64_t user_id, const char *at);
int db_opening_result_add(struct db *db, int64_t submission_id, int64_t call_id,
    const char *result, int64_t size, const char *sha256_hex);
int db_call_opened(struct db *db, int64_t call_id, const char *at);
/* {opened_at, officers, results: [...]} with organisations named, or
 * NULL before the opening. */
int db_opening_get(struct db *db, int64_t call_id, json_t **out);
/* A submission of the call and whether it opened: {id, organization_id,
 * result}, or NULL. */
int db_opened_proposal(struct db *db, int64_t call_id, int64_t id, json_t **out);

#endif
