/* merkle.c -- RFC 6962 / RFC 9162 Merkle trees (see merkle.h). */
#include "lib/merkle.h"

#include <string.h>
#include <sodium.h>

void
merkle_leaf_hash(const unsigned char *data, size_t len, unsigned char out[MERKLE_HASH])
{
	crypto_hash_sha256_state st;
	const unsigned char prefix = 0x00;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, out);
}

void
merkle_node_hash(const unsigned char left[MERKLE_HASH], const unsigned char right[MERKLE_HASH],
    unsigned char out[MERKLE_HASH])
{
	crypto_hash_sha256_state st;
	const unsigned char prefix = 0x01;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	crypto_hash_sha256_update(&st, left, MERKLE_HASH);
	crypto_hash_sha256_update(&st, right, MERKLE_HASH);
	crypto_hash_sha256_final(&st, out);
}

void
merkle_range_init(struct merkle_range *r)
{
	memset(r, 0, sizeof(*r));
}

/* The new leaf merges with the equal-sized subtrees at the edge: one per
 * trailing one bit of the old size. */
void
merkle_range_push(struct merkle_range *r, const unsigned char leaf_hash[MERKLE_HASH])
{
	uint64_t s;

	memcpy(r->hash[r->n++], leaf_hash, MERKLE_HASH);
	for (s = r->size; s & 1; s >>= 1) {
		r->n--;
		merkle_node_hash(r->hash[r->n - 1], r->hash[r->n], r->hash[r->n - 1]);
	}
	r->size++;
}

void
merkle_range_root(const struct merkle_range *r, unsigned char out[MERKLE_HASH])
{
	int i;

	if (r->n == 0) {
		crypto_hash_sha256(out, (const unsigned char *)"", 0);
		return;
	}
	memcpy(out, r->hash[r->n - 1], MERKLE_HASH);
	for (i = r->n - 2; i >= 0; i--)
		merkle_node_hash(r->hash[i], out, out);
}

/* The largest power of two below n (n > 1). */
static uint64_t
split(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

static int
log2_exact(uint64_t n)
{
	int l = 0;

	while ((UINT64_C(1) << l) < n)
		l++;
	return (UINT64_C(1) << l) == n ? l : -1;
}

/* MTH(D[lo:hi]) for a range of RFC 6962's recursion: lo is a multiple of
 * a power of two at least hi - lo, so the left parts are complete nodes. */
static int
subtree(merkle_node_fn node, void *arg, uint64_t lo, uint64_t hi, unsigned char out[MERKLE_HASH])
{
	unsigned char left[MERKLE_HASH], right[MERKLE_HASH];
	int level = log2_exact(hi - lo);
	uint64_t k;

	if (level >= 0)
		return node(arg, level, lo >> level, out);
	k = split(hi - lo);
	if (subtree(node, arg, lo, lo + k, left) != 0 || subtree(node, arg, lo + k, hi, right) != 0)
		return -1;
	merkle_node_hash(left, right, out);
	return 0;
}

int
merkle_root(merkle_node_fn node, void *arg, uint64_t size, unsigned char out[MERKLE_HASH])
{
	return size == 0 ? -1 : subtree(node, arg, 0, size, out);
}

/* PATH(m, D[lo:hi]), m absolute, appended at *n from the leaf up. */
static int
path(merkle_node_fn node, void *arg, uint64_t m, uint64_t lo, uint64_t hi,
    unsigned char proof[MERKLE_PROOF_MAX][MERKLE_HASH], int *n)
{
	uint64_t k;

	if (hi - lo <= 1)
		return 0;
	k = split(hi - lo);
	if (m < lo + k) {
		if (path(node, arg, m, lo, lo + k, proof, n) != 0)
			return -1;
		return subtree(node, arg, lo + k, hi, proof[(*n)++]);
	}
	if (path(node, arg, m, lo + k, hi, proof, n) != 0)
		return -1;
	return subtree(node, arg, lo, lo + k, proof[(*n)++]);
}

int
merkle_inclusion_proof(merkle_node_fn node, void *arg, uint64_t leaf, uint64_t size,
    unsigned char proof[MERKLE_PROOF_MAX][MERKLE_HASH])
{
	int n = 0;

	if (leaf >= size || path(node, arg, leaf, 0, size, proof, &n) != 0)
		return -1;
	return n;
}

/* SUBPROOF(m, D[lo:hi], b) of RFC 6962 2.1.2, m counted from lo. */
static int
subproof(merkle_node_fn node, void *arg, uint64_t m, uint64_t lo, uint64_t hi, bool whole,
    unsigned char proof[MERKLE_PROOF_MAX][MERKLE_HASH], int *n)
{
	uint64_t k;

	if (m == hi - lo)
		return whole ? 0 : subtree(node, arg, lo, hi, proof[(*n)++]);
	k = split(hi - lo);
	if (m <= k) {
		if (subproof(node, arg, m, lo, lo + k, whole, proof, n) != 0)
			return -1;
		return subtree(node, arg, lo + k, hi, proof[(*n)++]);
	}
	if (subproof(node, arg, m - k, lo + k, hi, false, proof, n) != 0)
		return -1;
	return subtree(node, arg, lo, lo + k, proof[(*n)++]);
}

int
merkle_consistency_proof(merkle_node_fn node, void *arg, uint64_t from, uint64_t to,
    unsigned char proof[MERKLE_PROOF_MAX][MERKLE_HASH])
{
	int n = 0;

	if (from == 0 || from > to || subproof(node, arg, from, 0, to, true, proof, &n) != 0)
		return -1;
	return n;
}

/* One level of RFC 9162's verifiers, fn and sn being the node's index
 * and the last index at this level: whether the proof's next hash is a
 * left sibling. A node on the right edge with no sibling at some levels
 * skips them. */
static bool
sibling_is_left(uint64_t *fn, uint64_t *sn)
{
	bool left = (*fn & 1) || *fn == *sn;

	while (left && !(*fn & 1) && *fn != 0) {
		*fn >>= 1;
		*sn >>= 1;
	}
	*fn >>= 1;
	*sn >>= 1;
	return left;
}

bool
merkle_verify_inclusion(uint64_t leaf, uint64_t size, const unsigned char leaf_hash[MERKLE_HASH],
    const unsigned char (*proof)[MERKLE_HASH], size_t n, const unsigned char root[MERKLE_HASH])
{
	unsigned char r[MERKLE_HASH];
	uint64_t fn = leaf, sn;
	size_t i;

	if (leaf >= size)
		return false;
	sn = size - 1;
	memcpy(r, leaf_hash, MERKLE_HASH);
	for (i = 0; i < n; i++) {
		if (sn == 0)
			return false;
		if (sibling_is_left(&fn, &sn))
			merkle_node_hash(proof[i], r, r);
		else
			merkle_node_hash(r, proof[i], r);
	}
	return sn == 0 && sodium_memcmp(r, root, MERKLE_HASH) == 0;
}

bool
merkle_verify_consistency(uint64_t from, uint64_t to, const unsigned char root1[MERKLE_HASH],
    const unsigned char root2[MERKLE_HASH], const unsigned char (*proof)[MERKLE_HASH], size_t n)
{
	unsigned char fr[MERKLE_HASH], sr[MERKLE_HASH];
	uint64_t fn, sn;
	size_t i = 0;

	if (from == 0 || from > to)
		return false;
	if (from == to)
		return n == 0 && sodium_memcmp(root1, root2, MERKLE_HASH) == 0;
	if (n == 0)
		return false;
	fn = from - 1;
	sn = to - 1;
	/* A first tree that is a complete subtree is the proof's first hash. */
	memcpy(fr, log2_exact(from) >= 0 ? root1 : proof[i++], MERKLE_HASH);
	memcpy(sr, fr, MERKLE_HASH);
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < n; i++) {
		if (sn == 0)
			return false;
		if (sibling_is_left(&fn, &sn)) {
			merkle_node_hash(proof[i], fr, fr);
			merkle_node_hash(proof[i], sr, sr);
		} else {
			merkle_node_hash(sr, proof[i], sr);
		}
	}
	return sn == 0 && sodium_memcmp(fr, root1, MERKLE_HASH) == 0 &&
	    sodium_memcmp(sr, root2, MERKLE_HASH) == 0;
}
