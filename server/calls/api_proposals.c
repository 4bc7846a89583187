/* api_proposals.c -- /api/v1/calls/:id/proposals: sealed proposals.
 *
 * A company seals its proposal to the call's opening key before it leaves
 * (crypto_box_seal); the server streams the blob to disk, hashing it on
 * the way, keeps it for good in the proposal store as <id>.sealed, and
 * answers with a receipt signed by the service key: a signed note whose
 * text is one "field value" line each (docs/sealed-bids.md). A later
 * submission replaces the earlier one and a withdrawal withdraws it,
 * until the deadline; every version and receipt stays. Anyone may see how
 * many are in and their receipts' hashes, never whose is whose; at the
 * deadline the set is frozen under a signed Merkle tree head. */
#include "calls/api_calls.h"
#include "calls/calls.h"
#include "calls/db_proposals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/clock.h"
#include "keys.h"
#include "lib/sealing.h"

#define RECEIPT_MAX 2048

struct proposal_write {
	struct req *r;
	int64_t call_id;
	struct db_submission s;
	int64_t id;
	char receipt[RECEIPT_MAX];
	char receipt_sha[65];
	char at[32];
	struct calls_signer signer;  /* id 0: unsigned */
};

/* 409 unless proposals are taken now. */
static int
window_or_reply(struct req *r, const struct db_call_state *st)
{
	if (strcmp(st->status, "proposals_open") == 0)
		return 0;
	reply_problem_with(r, PROBLEM_CALL_PROPOSALS_NOT_OPEN, json_pack("{s:s, s:s, s:s}",
	    "opens_at", st->guidelines_release_at, "deadline", st->proposal_deadline,
	    "current_status", st->status), "proposals are taken from %s to %s (Asia/Seoul); "
	    "the call is %s", st->guidelines_release_at, st->proposal_deadline, st->status);
	return 1;
}

/* 403 unless the organisation's letter stood at the LOI deadline. */
static int
eligible_or_reply(struct req *r, struct db *db, int64_t call_id, const char *at)
{
	char verdict[24];

	if (db_proposal_verdict(db, call_id, r->session.org_id, at, verdict) != 0)
		return -1;
	if (strcmp(verdict, "ok") == 0)
		return 0;
	reply_problem_with(r, PROBLEM_CALL_PROPOSAL_NOT_ELIGIBLE, json_pack("{s:s}", "reason",
	    verdict), "your organisation may not submit a proposal to this call (%s): only "
	    "those whose letter of intent stood at the LOI deadline may", verdict);
	return 1;
}

/* The receipt's text, signed, into w->receipt, and its hash. */
static int
receipt_sign_or_reply(struct proposal_write *w)
{
	char text[1024], sizeline[512] = "";
	unsigned char sha[32];
	int n, len;

	if (w->s.sha256 != NULL)
		snprintf(sizeline, sizeof(sizeline), "sha256 %s\nsize %lld\n", w->s.sha256,
		    (long long)w->s.size);
	if (w->signer.id != 0)
		snprintf(sizeline + strlen(sizeline), sizeof(sizeline) - strlen(sizeline),
		    "signed-by %s\nsignature %s\n", w->signer.key_id, w->signer.signature_b64);
	n = snprintf(text, sizeof(text), "gpu-registry proposal receipt v1\ncall %lld\n"
	    "organization %lld\nsubmission %lld\nversion %lld\naction %s\n%sreceived %s\n",
	    (long long)w->call_id, (long long)w->s.org_id, (long long)w->id,
	    (long long)w->s.version, w->s.action, sizeline, w->at);
	if (n < 0 || (size_t)n >= sizeof(text) ||
	    (len = keys_sign_note(text, (size_t)n, w->receipt, sizeof(w->receipt))) < 0) {
		reply_problem(w->r, PROBLEM_INTERNAL_ERROR, "the receipt could not be signed");
		return 1;
	}
	crypto_hash_sha256(sha, (const unsigned char *)w->receipt, (size_t)len);
	sealing_hex(sha, sizeof(sha), w->receipt_sha);
	return 0;
}

/* A submission's signature by a key of the organisation, when it carries
 * one (Proposal-Signature) or the call requires it: 422 otherwise. */
static int
signature_or_reply(struct proposal_write *w, struct db *db, const struct db_call_state *st)
{
	int rc;

	if (w->r->proposal_signature == NULL) {
		if (!st->signatures_required)
			return 0;
		reply_problem(w->r, PROBLEM_CALL_PROPOSAL_SIGNATURE_REQUIRED, "call %lld takes only "
		    "proposals signed by a key of your organisation: send Proposal-Signature, the "
		    "base64 Ed25519 signature over the sealed proposal's SHA-256",
		    (long long)w->call_id);
		return 1;
	}
	if ((rc = calls_signature_or_reply(w->r, db, w->r->proposal_signature, w->s.sha256,
	    &w->signer)) != 0)
		return rc;
	w->s.signing_key_id = w->signer.id;
	w->s.signature = w->signer.signature_hex;
	return 0;
}

/* The checks every write of a proposal makes, under the call's lock. */
static int
write_checks(struct proposal_write *w, struct db *db, bool *withdrawn)
{
	struct db_call_state st;
	json_t *key = NULL;
	int rc;

	if ((rc = calls_state_or_reply(w->r, db, w->call_id, w->at, false, &st)) != 0 ||
	    (rc = window_or_reply(w->r, &st)) != 0)
		return rc;
	if (db_opening_key_get(db, w->call_id, &key) != 0)
		return -1;
	if (key == NULL) {
		reply_problem(w->r, PROBLEM_CALL_NO_OPENING_KEY, "call %lld has no opening key: it "
		    "was published without an opening committee", (long long)w->call_id);
		return 1;
	}
	json_decref(key);
	if ((rc = eligible_or_reply(w->r, db, w->call_id, w->at)) != 0)
		return rc;
	if (w->s.sha256 != NULL && (rc = signature_or_reply(w, db, &st)) != 0)
		return rc;
	if (db_proposal_lock_org(db, w->call_id, w->r->session.org_id, &w->s.version,
	    withdrawn) != 0)
		return -1;
	return 0;
}

/* Records the version, keeps its blob, signs and records its receipt. */
static int
record_version(struct proposal_write *w, struct db *db)
{
	char name[48];
	int rc;

	w->s.version++;
	if (db_proposal_add(db, &w->s, &w->id) != 0)
		return -1;
	if (w->s.sha256 != NULL) {
		snprintf(name, sizeof(name), "%lld.sealed", (long long)w->id);
		if (stream_file_keep(w->r->upload.path, config.proposal_dir, name) != 0) {
			reply_problem(w->r, PROBLEM_INTERNAL_ERROR, "the proposal could not be stored");
			return 1;
		}
	}
	if ((rc = receipt_sign_or_reply(w)) != 0)
		return rc;
	return db_receipt_add(db, w->id, w->receipt, w->receipt_sha);
}

static int
submit_tx(struct db *db, void *arg)
{
	struct proposal_write *w = arg;
	bool withdrawn;
	int rc;

	if ((rc = write_checks(w, db, &withdrawn)) != 0)
		return rc;
	return record_version(w, db);
}

static int
withdraw_tx(struct db *db, void *arg)
{
	struct proposal_write *w = arg;
	bool withdrawn = false;
	int rc;

	if ((rc = write_checks(w, db, &withdrawn)) != 0)
		return rc;
	if (w->s.version == 0 || withdrawn) {
		reply_problem(w->r, PROBLEM_CALL_PROPOSAL_NONE, "your organisation has no current "
		    "proposal for call %lld", (long long)w->call_id);
		return 1;
	}
	return record_version(w, db);
}

static void
receipt_reply(struct req *r, const struct proposal_write *w)
{
	char location[96];
	json_t *out;

	snprintf(location, sizeof(location), "/api/v1/calls/%lld/proposals",
	    (long long)w->call_id);
	reply_header(r, "Location", location);
	out = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "submission_id", (json_int_t)w->id,
	    "version", (json_int_t)w->s.version, "action", w->s.action, "received_at", w->at,
	    "receipt", w->receipt, "receipt_sha256", w->receipt_sha);
	if (w->s.sha256 != NULL) {
		json_object_set_new(out, "sha256", json_string(w->s.sha256));
		json_object_set_new(out, "size", json_integer((json_int_t)w->s.size));
	}
	if (w->signer.id != 0)
		json_object_set_new(out, "signed_by", json_string(w->signer.key_id));
	reply_json_steal(r, 201, out);
}

static void
write_start(struct req *r, struct proposal_write *w, const char *action)
{
	w->r = r;
	w->s.call_id = w->call_id;
	w->s.org_id = r->session.org_id;
	w->s.user_id = r->session.user_id;
	w->s.action = action;
	w->s.at = clock_now(w->at);
}

/* POST /api/v1/calls/:id/proposals -- the sealed blob as the body. */
void
api_proposals_submit(struct req *r)
{
	struct proposal_write w = { 0 };

	if (calls_param_or_reply(r, &w.call_id) != 0)
		return;
	if (!r->upload.present || r->upload.size == 0) {
		reply_problem(r, PROBLEM_CALL_PROPOSAL_EMPTY, "send the sealed proposal as the "
		    "request body (Content-Type: application/octet-stream)");
		return;
	}
	if (r->upload.size > config.proposal_limit) {
		reply_problem_with(r, PROBLEM_CALL_PROPOSAL_TOO_LARGE, json_pack("{s:I}",
		    "limit_bytes", (json_int_t)config.proposal_limit), "the sealed proposal has "
		    "%llu bytes; at most %zu are taken", (unsigned long long)r->upload.size,
		    config.proposal_limit);
		return;
	}
	write_start(r, &w, "submitted");
	w.s.sha256 = r->upload.sha256;
	w.s.size = (int64_t)r->upload.size;
	if (api_transaction(r, submit_tx, &w) == 0)
		receipt_reply(r, &w);
}

/* POST /api/v1/calls/:id/proposals/withdraw */
void
api_proposals_withdraw(struct req *r)
{
	struct proposal_write w = { 0 };

	if (calls_param_or_reply(r, &w.call_id) != 0)
		return;
	write_start(r, &w, "withdrawn");
	if (api_transaction(r, withdraw_tx, &w) == 0)
		receipt_reply(r, &w);
}

/* GET /api/v1/calls/:id/proposals -- the company's own versions. */
void
api_proposals_own(struct req *r)
{
	int64_t id;
	json_t *rows = NULL;

	if (calls_param_or_reply(r, &id) != 0)
		return;
	if (db_proposals_own(r->db, id, r->session.org_id, &rows) != 0)
		api_db_error(r);
	else
		reply_json_steal(r, 200, json_pack("{s:o}", "items", rows));
}

/* Inside a transaction with the call locked for update, after the
 * deadline: the checkpoint, made (signed and recorded) the first time.
 * *out is new. A transaction function's codes. */
int
calls_checkpoint(struct req *r, struct db *db, int64_t call_id, const char *at, json_t **out)
{
	unsigned char (*leaves)[32] = NULL, root[32];
	char text[256], note[1024], root_hex[65];
	char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
	json_t *set = NULL, *h;
	size_t i, n;
	int rc = -1, len;

	if (db_checkpoint_get(db, call_id, out) != 0 || *out != NULL)
		return *out != NULL ? 0 : -1;
	if (db_proposals_public(db, call_id, &set) != 0)
		return -1;
	n = json_array_size(json_object_get(set, "receipt_hashes"));
	if ((leaves = malloc(n ? n * 32 : 1)) == NULL)
		goto fail;
	json_array_foreach(json_object_get(set, "receipt_hashes"), i, h)
		if (sealing_unhex(json_string_value(h), leaves[i], 32) != 0)
			goto fail;
	if (sealing_merkle_root((const unsigned char (*)[32])leaves, n, root) != 0)
		goto fail;
	sodium_bin2base64(b64, sizeof(b64), root, 32, sodium_base64_VARIANT_ORIGINAL);
	snprintf(text, sizeof(text), "%s/calls/%lld/proposals\n%zu\n%s\n",
	    keys_service()->name, (long long)call_id, n, b64);
	if ((len = keys_sign_note(text, strlen(text), note, sizeof(note))) < 0)
		goto fail;
	sealing_hex(root, 32, root_hex);
	rc = db_checkpoint_add(db, call_id, (int64_t)n, root_hex, note, at);
	if (rc == 0)
		rc = db_checkpoint_get(db, call_id, out);
	goto out;
fail:
	reply_problem(r, PROBLEM_INTERNAL_ERROR, "the checkpoint could not be made");
	rc = 1;
out:
	free(leaves);
	json_decref(set);
	return rc;
}

struct public_read {
	struct req *r;
	int64_t call_id;
	char at[32];
	json_t *out;
};

static int
checkpoint_tx(struct db *db, void *arg)
{
	struct public_read *p = arg;
	struct db_call_state st;
	int rc;

	if ((rc = calls_state_or_reply(p->r, db, p->call_id, p->at, true, &st)) != 0)
		return rc;
	if (strcmp(st.status, "published") == 0 || strncmp(st.status, "loi_", 4) == 0 ||
	    strcmp(st.status, "proposals_open") == 0 || strcmp(st.status, "cancelled") == 0) {
		reply_problem_with(p->r, PROBLEM_CALL_PROPOSALS_NOT_FROZEN, json_pack("{s:s}",
		    "deadline", st.proposal_deadline), "the set of proposals is frozen at the "
		    "deadline, %s (Asia/Seoul)", st.proposal_deadline);
		return 1;
	}
	return calls_checkpoint(p->r, db, p->call_id, p->at, &p->out);
}

/* GET /api/v1/calls/:id/proposals/receipts -- public: how many, and the
 * hashes of the current receipts, ascending. */
void
api_proposals_public(struct req *r)
{
	struct public_read p = { .r = r };
	struct db_call_state st;

	if (calls_param_or_reply(r, &p.call_id) != 0)
		return;
	if (calls_state_or_reply(r, r->db, p.call_id, clock_now(p.at), false, &st) != 0)
		return;
	if (db_proposals_public(r->db, p.call_id, &p.out) != 0)
		api_db_error(r);
	else
		reply_json_steal(r, 200, p.out);
}

/* GET /api/v1/calls/:id/proposals/checkpoint -- public, after the
 * deadline: the signed tree head over the frozen set, with the set. */
void
api_proposals_checkpoint(struct req *r)
{
	struct public_read p = { .r = r };
	json_t *set = NULL;

	if (calls_param_or_reply(r, &p.call_id) != 0)
		return;
	clock_now(p.at);
	if (api_transaction(r, checkpoint_tx, &p) != 0)
		return;
	if (db_proposals_public(r->db, p.call_id, &set) != 0) {
		api_db_error(r);
	} else {
		json_object_set(p.out, "receipt_hashes", json_object_get(set, "receipt_hashes"));
		reply_json(r, 200, p.out);
	}
	json_decref(set);
	json_decref(p.out);
}
