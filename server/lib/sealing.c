/* sealing.c -- Shamir shares of the opening key, the members' wrapping
 * keys, and the Merkle tree head of the frozen receipts. */
#include "lib/sealing.h"

#include <stdlib.h>
#include <string.h>

#include <libgfshare.h>

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

static void
node_hash(unsigned char prefix, const unsigned char *a, const unsigned char *b,
    unsigned char out[32])
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	crypto_hash_sha256_update(&st, a, 32);
	if (b != NULL)
		crypto_hash_sha256_update(&st, b, 32);
	crypto_hash_sha256_final(&st, out);
}

int
sealing_merkle_root(const unsigned char (*leaves)[32], size_t n, unsigned char root[32])
{
	unsigned char (*level)[32];
	size_t i, width;

	if (n == 0) {
		crypto_hash_sha256(root, NULL, 0);
		return 0;
	}
	if ((level = malloc(n * 32)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		node_hash(0x00, leaves[i], NULL, level[i]);
	/* RFC 6962: the left subtree is the largest power of two below the
	 * width; pairing from the left and carrying an odd last node up
	 * unchanged gives the same head. */
	for (width = n; width > 1; width = (width + 1) / 2) {
		for (i = 0; i + 1 < width; i += 2)
			node_hash(0x01, level[i], level[i + 1], level[i / 2]);
		if (width % 2 == 1)
			memcpy(level[width / 2], level[width - 1], 32);
	}
	memcpy(root, level[0], 32);
	free(level);
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
