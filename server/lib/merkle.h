/* merkle.h -- the Merkle tree of RFC 6962 (section 2.1) and RFC 9162:
 * SHA-256, leaves hashed as H(0x00 || data), inner nodes as
 * H(0x01 || left || right); the root of n leaves splits them at the
 * largest power of two below n. Proofs are made from the hashes of
 * complete subtrees ("nodes": level L, index i covers leaves
 * [i * 2^L, (i + 1) * 2^L)), which the caller reads from wherever it
 * keeps them; verification needs nothing but the proof. Pure: no I/O. */
#ifndef REGISTRY_MERKLE_H
#define REGISTRY_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH 32
/* A proof of a tree of at most 2^63 leaves has at most 64 hashes. */
#define MERKLE_PROOF_MAX 64

void merkle_leaf_hash(const unsigned char *data, size_t len, unsigned char out[MERKLE_HASH]);
void merkle_node_hash(const unsigned char left[MERKLE_HASH],
    const unsigned char right[MERKLE_HASH], unsigned char out[MERKLE_HASH]);

/* The complete subtrees of the leaves pushed so far, largest first: the
 * tree's right edge, enough to give its root and take the next leaf. */
struct merkle_range {
	uint64_t size;
	int n;
	unsigned char hash[64][MERKLE_HASH];
};

void merkle_range_init(struct merkle_range *r);
void merkle_range_push(struct merkle_range *r, const unsigned char leaf_hash[MERKLE_HASH]);
/* The root of the leaves pushed; of none, SHA-256 of nothing. */
void merkle_range_root(const struct merkle_range *r, unsigned char out[MERKLE_HASH]);

/* Gives the hash of node (level, index), which must be complete: 0, or
 * -1 when it cannot. */
typedef int (*merkle_node_fn)(void *arg, int level, uint64_t index,
    unsigned char out[MERKLE_HASH]);

/* The root of the first size leaves. 0 or -1 (size 0 or a node missing). */
int merkle_root(merkle_node_fn node, void *arg, uint64_t size, unsigned char out[MERKLE_HASH]);

/* RFC 9162 2.1.3.1 and 2.1.4.1: the audit path of leaf in the tree of
 * size leaves (leaf < size), and the consistency proof between the trees
 * of from and to leaves (0 < from <= to), hashes from the leaves up.
 * Returns the number of hashes written to proof, or -1. */
int merkle_inclusion_proof(merkle_node_fn node, void *arg, uint64_t leaf, uint64_t size,
    unsigned char proof[MERKLE_PROOF_MAX][MERKLE_HASH]);
int merkle_consistency_proof(merkle_node_fn node, void *arg, uint64_t from, uint64_t to,
    unsigned char proof[MERKLE_PROOF_MAX][MERKLE_HASH]);

/* RFC 9162 2.1.3.2 and 2.1.4.2: whether the proof takes leaf_hash at
 * leaf to root in a tree of size leaves, and whether it shows that the
 * tree of to leaves with root2 extends the tree of from leaves with
 * root1. Any other length, order, hash or size fails. */
bool merkle_verify_inclusion(uint64_t leaf, uint64_t size,
    const unsigned char leaf_hash[MERKLE_HASH], const unsigned char (*proof)[MERKLE_HASH],
    size_t n, const unsigned char root[MERKLE_HASH]);
bool merkle_verify_consistency(uint64_t from, uint64_t to,
    const unsigned char root1[MERKLE_HASH], const unsigned char root2[MERKLE_HASH],
    const unsigned char (*proof)[MERKLE_HASH], size_t n);

#endif
