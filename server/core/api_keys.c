/* api_keys.c -- GET /api/v1/keys: the public half of the service's
 * signing key, so anyone can check a receipt, a manifest or a checkpoint
 * offline. */
#include "core/api.h"

#include "keys.h"

/* A key as GET /api/v1/keys shows it. */
static json_t *
key_json(const struct note_key *key)
{
	char verifier[256], fingerprint[65], id[9];
	char pk[sodium_base64_ENCODED_LEN(crypto_sign_PUBLICKEYBYTES,
	    sodium_base64_VARIANT_ORIGINAL)];

	if (note_key_format_public(key, verifier, sizeof(verifier)) != 0)
		return NULL;
	note_key_fingerprint(key, fingerprint);
	snprintf(id, sizeof(id), "%08x", key->hash);
	sodium_bin2base64(pk, sizeof(pk), key->pk, sizeof(key->pk),
	    sodium_base64_VARIANT_ORIGINAL);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "name", key->name,
	    "algorithm", "Ed25519",
	    "public_key", pk,
	    "key_id", id,
	    "verifier_key", verifier,
	    "fingerprint", fingerprint);
}

/* The service's key, and the keys that signed before it (rotation). */
void
api_keys(struct req *r)
{
	const struct note_key *key = keys_service(), *old;
	json_t *current = key != NULL ? key_json(key) : NULL, *previous = json_array();
	size_t n, i;

	if (current == NULL) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the signing key is not loaded");
		json_decref(previous);
		return;
	}
	old = keys_previous(&n);
	for (i = 0; i < n; i++)
		json_array_append_new(previous, key_json(&old[i]));
	reply_json_steal(r, 200, json_pack("{s:o, s:o}", "signing_key", current,
	    "previous_keys", previous));
	reply_header(r, "Cache-Control", "public, max-age=300");
}
