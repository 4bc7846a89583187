/* api_keys.c -- GET /api/v1/keys: the public half of the service's
 * signing key, so anyone can check a receipt, a manifest or a checkpoint
 * offline. */
#include "core/api.h"

#include "keys.h"

void
api_keys(struct req *r)
{
	const struct note_key *key = keys_service();
	char verifier[256], fingerprint[65], id[9];
	char pk[sodium_base64_ENCODED_LEN(crypto_sign_PUBLICKEYBYTES,
	    sodium_base64_VARIANT_ORIGINAL)];

	if (key == NULL || note_key_format_public(key, verifier, sizeof(verifier)) != 0) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the signing key is not loaded");
		return;
	}
	note_key_fingerprint(key, fingerprint);
	snprintf(id, sizeof(id), "%08x", key->hash);
	sodium_bin2base64(pk, sizeof(pk), key->pk, sizeof(key->pk),
	    sodium_base64_VARIANT_ORIGINAL);
	reply_json_steal(r, 200, json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:s}}",
	    "signing_key",
	    "name", key->name,
	    "algorithm", "Ed25519",
	    "public_key", pk,
	    "key_id", id,
	    "verifier_key", verifier,
	    "fingerprint", fingerprint));
	reply_header(r, "Cache-Control", "public, max-age=300");
}
