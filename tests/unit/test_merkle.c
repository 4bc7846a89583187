/* The Merkle tree: roots match RFC 6962's reference vectors and a plain
 * recursive MTH; every inclusion and consistency proof of trees up to 70
 * leaves verifies; forged proofs (a hash short or too many, a changed
 * sibling, a wrong size or index, a leaf past the size) are refused. */
#include "unit.h"

#include <stdlib.h>

#include "../../server/lib/merkle.c"

#define N 70

/* Every complete node of a tree of N leaves, by level and index. */
static unsigned char nodes[8][N][MERKLE_HASH];
static unsigned char leaves[N][MERKLE_HASH];

static int
node_get(void *arg, int level, uint64_t index, unsigned char out[MERKLE_HASH])
{
	uint64_t size = *(const uint64_t *)arg;

	if (level >= 8 || ((index + 1) << level) > size)
		return -1;
	memcpy(out, nodes[level][index], MERKLE_HASH);
	return 0;
}

static void
build(void)
{
	unsigned char data[2];
	int l, i;

	for (i = 0; i < N; i++) {
		data[0] = (unsigned char)i;
		data[1] = 'x';
		merkle_leaf_hash(data, sizeof(data), leaves[i]);
		memcpy(nodes[0][i], leaves[i], MERKLE_HASH);
	}
	for (l = 1; l < 8; l++)
		for (i = 0; ((i + 1) << l) <= N; i++)
			merkle_node_hash(nodes[l - 1][2 * i], nodes[l - 1][2 * i + 1], nodes[l][i]);
}

/* MTH(D[lo:hi]) straight from RFC 6962 2.1. */
static void
mth(uint64_t lo, uint64_t hi, unsigned char out[MERKLE_HASH])
{
	unsigned char a[MERKLE_HASH], b[MERKLE_HASH];
	uint64_t k = 1;

	if (hi - lo == 1) {
		memcpy(out, leaves[lo], MERKLE_HASH);
		return;
	}
	while (k * 2 < hi - lo)
		k *= 2;
	mth(lo, lo + k, a);
	mth(lo + k, hi, b);
	merkle_node_hash(a, b, out);
}

static void
hex(const char *s, unsigned char out[MERKLE_HASH])
{
	CHECK(sodium_hex2bin(out, MERKLE_HASH, s, strlen(s), NULL, NULL, NULL) == 0);
}

/* The eight leaves and roots of the reference tests of RFC 6962's
 * implementations (certificate-transparency, Trillian). */
static void
test_reference_vectors(void)
{
	static const char *const data[] = {
		"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
		"606162636465666768696a6b6c6d6e6f",
	};
	static const char *const roots[] = {
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	};
	struct merkle_range r;
	unsigned char bin[16], h[MERKLE_HASH], root[MERKLE_HASH], want[MERKLE_HASH];
	size_t len, i;

	merkle_range_init(&r);
	merkle_range_root(&r, root);
	hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want);
	CHECK(memcmp(root, want, MERKLE_HASH) == 0);
	for (i = 0; i < 8; i++) {
		CHECK(sodium_hex2bin(bin, sizeof(bin), data[i], strlen(data[i]), NULL, &len,
		    NULL) == 0);
		merkle_leaf_hash(bin, len, h);
		merkle_range_push(&r, h);
		merkle_range_root(&r, root);
		hex(roots[i], want);
		CHECK(memcmp(root, want, MERKLE_HASH) == 0);
	}
}

static void
test_roots_agree(void)
{
	struct merkle_range r;
	unsigned char a[MERKLE_HASH], b[MERKLE_HASH], c[MERKLE_HASH];
	uint64_t size;

	merkle_range_init(&r);
	for (size = 1; size <= N; size++) {
		merkle_range_push(&r, leaves[size - 1]);
		merkle_range_root(&r, a);
		mth(0, size, b);
		CHECK(merkle_root(node_get, &size, size, c) == 0);
		CHECK(memcmp(a, b, MERKLE_HASH) == 0 && memcmp(a, c, MERKLE_HASH) == 0);
	}
}

static void
test_inclusion(void)
{
	unsigned char proof[MERKLE_PROOF_MAX][MERKLE_HASH], root[MERKLE_HASH],
	    other[MERKLE_HASH];
	uint64_t size, leaf, bad;
	int n, i;

	for (size = 1; size <= N; size++) {
		mth(0, size, root);
		for (leaf = 0; leaf < size; leaf++) {
			n = merkle_inclusion_proof(node_get, &size, leaf, size, proof);
			CHECK(n >= 0);
			CHECK(merkle_verify_inclusion(leaf, size, leaves[leaf],
			    (const unsigned char (*)[MERKLE_HASH])proof, (size_t)n, root));
			/* Wrong length: one hash short, one too many. */
			if (n > 0)
				CHECK(!merkle_verify_inclusion(leaf, size, leaves[leaf],
				    (const unsigned char (*)[MERKLE_HASH])proof, (size_t)n - 1, root));
			memcpy(proof[n], root, MERKLE_HASH);
			CHECK(!merkle_verify_inclusion(leaf, size, leaves[leaf],
			    (const unsigned char (*)[MERKLE_HASH])proof, (size_t)n + 1, root));
			/* Wrong sibling, at every place. */
			for (i = 0; i < n; i++) {
				proof[i][i % MERKLE_HASH] ^= 1;
				CHECK(!merkle_verify_inclusion(leaf, size, leaves[leaf],
				    (const unsigned char (*)[MERKLE_HASH])proof, (size_t)n, root));
				proof[i][i % MERKLE_HASH] ^= 1;
			}
			/* Wrong size: the proof against the root of a tree one
			 * smaller or larger. Wrong index, another leaf. */
			for (bad = size - 1; bad <= size + 1 && bad <= N; bad += 2)
				if (bad > leaf) {
					mth(0, bad, other);
					CHECK(!merkle_verify_inclusion(leaf, bad, leaves[leaf],
					    (const unsigned char (*)[MERKLE_HASH])proof, (size_t)n, other));
				}
			if (size > 1)
				CHECK(!merkle_verify_inclusion((leaf + 1) % size, size, leaves[leaf],
				    (const unsigned char (*)[MERKLE_HASH])proof, (size_t)n, root));
			CHECK(!merkle_verify_inclusion(leaf, size, leaves[(leaf + 1) % N],
			    (const unsigned char (*)[MERKLE_HASH])proof, (size_t)n, root));
		}
		/* A leaf past the size has no proof, and none verifies. */
		CHECK(merkle_inclusion_proof(node_get, &size, size, size, proof) == -1);
		CHECK(!merkle_verify_inclusion(size, size, leaves[0],
		    (const unsigned char (*)[MERKLE_HASH])proof, 0, root));
	}
}

static void
test_consistency(void)
{
	unsigned char proof[MERKLE_PROOF_MAX][MERKLE_HASH], r1[MERKLE_HASH], r2[MERKLE_HASH],
	    other[MERKLE_HASH];
	uint64_t from, to;
	int n, i;

	for (to = 1; to <= N; to++) {
		mth(0, to, r2);
		for (from = 1; from <= to; from++) {
			mth(0, from, r1);
			n = merkle_consistency_proof(node_get, &to, from, to, proof);
			CHECK(n >= 0);
			CHECK(merkle_verify_consistency(from, to, r1, r2,
			    (const unsigned char (*)[MERKLE_HASH])proof, (size_t)n));
			if (from == to)
				continue;
			CHECK(!merkle_verify_consistency(from, to, r1, r2,
			    (const unsigned char (*)[MERKLE_HASH])proof, (size_t)n - 1));
			memcpy(proof[n], r1, MERKLE_HASH);
			CHECK(!merkle_verify_consistency(from, to, r1, r2,
			    (const unsigned char (*)[MERKLE_HASH])proof, (size_t)n + 1));
			for (i = 0; i < n; i++) {
				proof[i][0] ^= 0x80;
				CHECK(!merkle_verify_consistency(from, to, r1, r2,
				    (const unsigned char (*)[MERKLE_HASH])proof, (size_t)n));
				proof[i][0] ^= 0x80;
			}
			/* Wrong sizes (with those trees' roots), or roots swapped. */
			if (from > 1) {
				mth(0, from - 1, other);
				CHECK(!merkle_verify_consistency(from - 1, to, other, r2,
				    (const unsigned char (*)[MERKLE_HASH])proof, (size_t)n));
			}
			if (to < N) {
				mth(0, to + 1, other);
				CHECK(!merkle_verify_consistency(from, to + 1, r1, other,
				    (const unsigned char (*)[MERKLE_HASH])proof, (size_t)n));
			}
			CHECK(!merkle_verify_consistency(from, to, r2, r1,
			    (const unsigned char (*)[MERKLE_HASH])proof, (size_t)n));
		}
		CHECK(merkle_consistency_proof(node_get, &to, 0, to, proof) == -1);
		CHECK(merkle_consistency_proof(node_get, &to, to + 1, to, proof) == -1);
	}
}

int
main(void)
{
	CHECK(sodium_init() >= 0);
	build();
	RUN(test_reference_vectors);
	RUN(test_roots_agree);
	RUN(test_inclusion);
	RUN(test_consistency);
	return UNIT_DONE();
}
