/* api_org_keys.c -- /api/v1/organization-keys: an organisation's own
 * Ed25519 public keys, with which it may sign its proposals (a detached
 * signature over the sealed blob's SHA-256, checked in api_proposals.c).
 * Added and revoked by the organisation's own users; every change is in
 * the audit trail. A key's id is the SHA-256 of its 32 bytes (hex). */
#include "calls/api_calls.h"
#include "calls/calls.h"
#include "calls/db_org_keys.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "lib/sealing.h"

static const struct field_spec key_fields[] = {
	{ "public_key", FIELD_STRING, true, 1, 100, NULL },
	{ "label", FIELD_STRING, true, 1, 200, NULL },
};

const struct field_table api_org_keys_add_body = FIELD_TABLE(key_fields);

struct key_write {
	struct req *r;
	int64_t id;
	const char *label;
	char public_key[2 * crypto_sign_PUBLICKEYBYTES + 1];  /* hex */
	char at[32];
	json_t *out;
};

/* GET /api/v1/organization-keys -- the caller's organisation's keys. */
void
api_org_keys_list(struct req *r)
{
	json_t *rows = NULL;

	if (db_org_keys_list(r->db, r->session.org_id, &rows) != 0)
		api_db_error(r);
	else
		reply_json_steal(r, 200, json_pack("{s:o}", "items", rows));
}

/* The base64 public key as hex into w, or -1 after a 422. */
static int
public_key_or_reply(struct key_write *w, const char *b64)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	size_t len = 0;

	if (sodium_base642bin(pk, sizeof(pk), b64, strlen(b64), NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || len != sizeof(pk) ||
	    !crypto_core_ed25519_is_valid_point(pk)) {
		reply_problem_with(w->r, PROBLEM_ORG_KEY_INVALID, json_pack("{s:[{s:s, s:s}]}",
		    "errors", "field", "public_key", "message", "must be the base64 of an Ed25519 "
		    "public key (32 bytes)"), "public_key must be the base64 of an Ed25519 public key "
		    "(32 bytes)");
		return -1;
	}
	sealing_hex(pk, sizeof(pk), w->public_key);
	return 0;
}

static int
add_tx(struct db *db, void *arg)
{
	struct key_write *w = arg;

	return db_org_key_add(db, w->r->session.org_id, w->r->session.user_id, w->public_key,
	    w->label, w->at, &w->out);
}

/* POST /api/v1/organization-keys {public_key, label} */
void
api_org_keys_add(struct req *r)
{
	struct key_write w = { .r = r };
	json_t *body;

	if ((body = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, body, key_fields, NFIELDS(key_fields), false) == 0 &&
	    public_key_or_reply(&w, json_string_value(json_object_get(body, "public_key"))) == 0) {
		w.label = json_string_value(json_object_get(body, "label"));
		clock_now(w.at);
		if (api_transaction(r, add_tx, &w) == 0)
			reply_json(r, 201, w.out);
	}
	json_decref(w.out);
	json_decref(body);
}

static int
revoke_tx(struct db *db, void *arg)
{
	struct key_write *w = arg;
	bool was_revoked = false;

	if (db_org_key_revoke(db, w->r->session.org_id, w->id, w->r->session.user_id, w->at,
	    &w->out, &was_revoked) != 0)
		return -1;
	if (w->out == NULL) {
		reply_problem_with(w->r, PROBLEM_ORG_KEY_NOT_FOUND, json_pack("{s:I}", "id",
		    (json_int_t)w->id), "your organisation has no signing key %lld",
		    (long long)w->id);
		return 1;
	}
	if (was_revoked) {
		reply_problem_with(w->r, PROBLEM_ORG_KEY_REVOKED, json_pack("{s:O}", "revoked_at",
		    json_object_get(w->out, "revoked_at")), "key %lld is revoked already",
		    (long long)w->id);
		return 1;
	}
	return 0;
}

/* POST /api/v1/organization-keys/:id/revoke -- it signs nothing new;
 * what it signed before stays recorded. */
void
api_org_keys_revoke(struct req *r)
{
	struct key_write w = { .r = r };

	if (validate_param_id_or_reply(r, "id", &w.id) != 0)
		return;
	clock_now(w.at);
	if (api_transaction(r, revoke_tx, &w) == 0)
		reply_json(r, 200, w.out);
	json_decref(w.out);
}

/* Inside a submission's transaction: the detached signature (base64 of
 * 64 bytes, over the 32 bytes of the blob's SHA-256, hex in sha256_hex)
 * checked against the organisation's active keys. On a match its id and
 * key_id, and the signature as hex, go into *key; else 1 after a 422. */
int
calls_signature_or_reply(struct req *r, struct db *db, const char *signature,
    const char *sha256_hex, struct calls_signer *key)
{
	unsigned char sig[crypto_sign_BYTES], digest[32], pk[crypto_sign_PUBLICKEYBYTES];
	json_t *rows = NULL, *k;
	size_t len = 0, i;
	int rc = 1;

	if (sodium_base642bin(sig, sizeof(sig), signature, strlen(signature), NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || len != sizeof(sig) ||
	    sealing_unhex(sha256_hex, digest, sizeof(digest)) != 0) {
		reply_problem_with(r, PROBLEM_CALL_PROPOSAL_SIGNATURE_INVALID, json_pack("{s:i}",
		    "active_keys", 0), "Proposal-Signature must be the base64 of a 64-byte Ed25519 "
		    "signature");
		return 1;
	}
	if (db_org_keys_active(db, r->session.org_id, &rows) != 0)
		return -1;
	json_array_foreach(rows, i, k) {
		if (sealing_unhex(json_string_value(json_object_get(k, "public_key")), pk,
		    sizeof(pk)) != 0 || crypto_sign_verify_detached(sig, digest, sizeof(digest),
		    pk) != 0)
			continue;
		key->id = json_integer_value(json_object_get(k, "id"));
		snprintf(key->key_id, sizeof(key->key_id), "%s",
		    json_string_value(json_object_get(k, "key_id")));
		sealing_hex(sig, sizeof(sig), key->signature_hex);
		sodium_bin2base64(key->signature_b64, sizeof(key->signature_b64), sig, sizeof(sig),
		    sodium_base64_VARIANT_ORIGINAL);
		rc = 0;
		break;
	}
	if (rc != 0)
		reply_problem_with(r, PROBLEM_CALL_PROPOSAL_SIGNATURE_INVALID, json_pack("{s:I}",
		    "active_keys", (json_int_t)json_array_size(rows)), "no active signing key of your "
		    "organisation (%zu) verifies the signature over the proposal's SHA-256",
		    json_array_size(rows));
	json_decref(rows);
	return rc;
}
