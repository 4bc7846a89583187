/* sealing.c -- Shamir shares of the opening key, the members' wrapping
 * keys, and the Merkle tree head of the frozen receipts. */
#include "lib/sealing.h"

#include <stdlib.h>
#include <string.h>

#include <libgfshare.h>

#include "lib/merkle.h"

/* libgfshare draws the random coefficients through this hook. */
static void
sealing_random(unsigned char *buf, unsigned int len)
{
	randombytes_buf(buf, len);
}

int
sealing_split(const unsigned char secret[SEALING_KEY_BYTES], unsigned k, unsigned n,
    unsigned char shares[][SEALING_KEY_BYTES])
{
	unsigned char numbers[SEALING_MAX_SHARES], copy[SEALING_KEY_BYTES];
	gfshare_ctx *ctx;
	unsigned i;

	if (k < 2 || k > n || n > SEALING_MAX_SHARES)
		return -1;
	gfshare_fill_rand = sealing_random;
	for (i = 0; i < n; i++)
		numbers[i] = (unsigned char)(i + 1);
	if ((ctx = gfshare_ctx_init_enc(numbers, n, (unsigned char)k, SEALING_KEY_BYTES)) == NULL)
		return -1;
	memcpy(copy, secret, sizeof(copy));
	gfshare_ctx_enc_setsecret(ctx, copy);
	sodium_memzero(copy, sizeof(copy));
	for (i = 0; i < n; i++)
		gfshare_ctx_enc_getshare(ctx, (unsigned char)i, shares[i]);
	gfshare_ctx_free(ctx);       /* wipes its buffers */
	return 0;
}

int
sealing_combine(const unsigned char *numbers, unsigned char shares[][SEALING_KEY_BYTES],
    unsigned count, unsigned char secret[SEALING_KEY_BYTES])
{
	unsigned char nrs[SEALING_MAX_SHARES];
	gfshare_ctx *ctx;
	unsigned i;

	if (count < 1 || count > SEALING_MAX_SHARES)
		return -1;
	memcpy(nrs, numbers, count);
	if ((ctx = gfshare_ctx_init_dec(nrs, count, SEALING_KEY_BYTES)) == NULL)
		return -1;
	for (i = 0; i < count; i++)
		gfshare_ctx_dec_giveshare(ctx, (unsigned char)i, shares[i]);
	gfshare_ctx_dec_extract(ctx, secret);
	gfshare_ctx_free(ctx);
	return 0;
}

bool
sealing_secret_matches(const unsigned char secret[SEALING_KEY_BYTES],
    const unsigned char public_key[SEALING_KEY_BYTES])
{
	unsigned char pk[SEALING_KEY_BYTES];

	if (crypto_scalarmult_base(pk, secret) != 0)
		return false;
	return sodium_memcmp(pk, public_key, sizeof(pk)) == 0;
}

int
sealing_member_keypair(const char *passphrase, size_t len,
    const unsigned char salt[SEALING_SALT_BYTES], unsigned long long ops, size_t mem,
    unsigned char pk[SEALING_KEY_BYTES], unsigned char sk[SEALING_KEY_BYTES])
{
	unsigned char seed[crypto_box_SEEDBYTES];
	int rc;

	if (crypto_pwhash(seed, sizeof(seed), passphrase, len, salt, ops, mem,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -1;
	rc = crypto_box_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
	return rc == 0 ? 0 : -1;
}

int
sealing_wrap_share(const unsigned char share[SEALING_KEY_BYTES],
    const unsigned char member_pk[SEALING_KEY_BYTES],
    unsigned char out[SEALING_SEALED_SHARE_BYTES])
{
	return crypto_box_seal(out, share, SEALING_KEY_BYTES, member_pk) == 0 ? 0 : -1;
}

int
sealing_unwrap_share(const unsigned char in[SEALING_SEALED_SHARE_BYTES],
    const unsigned char member_pk[SEALING_KEY_BYTES],
    const unsigned char member_sk[SEALING_KEY_BYTES], unsigned char share[SEALING_KEY_BYTES])
{
	return crypto_box_seal_open(share, in, SEALING_SEALED_SHARE_BYTES, member_pk,
	    member_sk) == 0 ? 0 : -1;
}

int
sealing_merkle_root(const unsigned char (*leaves)[32], size_t n, unsigned char root[32])
{
	struct merkle_range range;
	unsigned char leaf[MERKLE_HASH];
	size_t i;

	/* The frozen set is an RFC 6962 tree, as the audit log is. */
	merkle_range_init(&range);
	for (i = 0; i < n; i++) {
		merkle_leaf_hash(leaves[i], 32, leaf);
		merkle_range_push(&range, leaf);
	}
	merkle_range_root(&range, root);
	return 0;
}

void
sealing_hex(const unsigned char *bin, size_t len, char *out)
{
	sodium_bin2hex(out, 2 * len + 1, bin, len);
}

int
sealing_unhex(const char *hex, unsigned char *bin, size_t len)
{
	size_t got = 0;
	const char *end = NULL;

	if (strlen(hex) != 2 * len ||
	    sodium_hex2bin(bin, len, hex, 2 * len, NULL, &got, &end) != 0 || got != len)
		return -1;
	return 0;
}
