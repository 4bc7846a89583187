/* sealing.h -- the cryptography of sealed proposals, without I/O:
 *
 * - the opening key: a crypto_box key pair per call; its 32-byte secret
 *   is split k-of-n with Shamir's scheme over GF(2^8) (libgfshare), and
 *   put together again from any k shares;
 * - a committee member's wrapping key: an X25519 key pair whose seed is
 *   crypto_pwhash (argon2id) of the member's passphrase and a salt; a
 *   share is sealed to its public half (crypto_box_seal), so it can be
 *   wrapped at publication without the passphrase, and unwrapped only
 *   with it;
 * - the Merkle tree head of RFC 6962 over a list of 32-byte hashes, for
 *   the set of receipts frozen at the deadline.
 * Secrets are wiped (sodium_memzero) by every function that made them. */
#ifndef REGISTRY_SEALING_H
#define REGISTRY_SEALING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#define SEALING_KEY_BYTES 32          /* a secret, a share, a public key */
#define SEALING_SALT_BYTES crypto_pwhash_SALTBYTES
#define SEALING_SEALED_SHARE_BYTES (SEALING_KEY_BYTES + crypto_box_SEALBYTES)
#define SEALING_MAX_SHARES 20

/* Splits secret into n shares numbered 1..n (shares[i] is number i + 1),
 * any k of which give it back. 2 <= k <= n <= SEALING_MAX_SHARES. 0 or -1. */
int sealing_split(const unsigned char secret[SEALING_KEY_BYTES], unsigned k, unsigned n,
    unsigned char shares[][SEALING_KEY_BYTES]);

/* The secret from count shares with their numbers. Fewer than the
 * threshold give a wrong secret, not an error: check it against the
 * public key (sealing_secret_matches). 0 or -1. */
int sealing_combine(const unsigned char *numbers, unsigned char shares[][SEALING_KEY_BYTES],
    unsigned count, unsigned char secret[SEALING_KEY_BYTES]);

/* Whether secret is the crypto_box secret key of public_key. */
bool sealing_secret_matches(const unsigned char secret[SEALING_KEY_BYTES],
    const unsigned char public_key[SEALING_KEY_BYTES]);

/* The member's wrapping key pair from passphrase and salt, with the
 * argon2id limits given. 0, or -1 (out of memory). */
int sealing_member_keypair(const char *passphrase, size_t len,
    const unsigned char salt[SEALING_SALT_BYTES], unsigned long long ops, size_t mem,
    unsigned char pk[SEALING_KEY_BYTES], unsigned char sk[SEALING_KEY_BYTES]);

/* A share sealed to a member's wrapping key, and opened with its key
 * pair (-1 when the pair is not the one it was sealed to). */
int sealing_wrap_share(const unsigned char share[SEALING_KEY_BYTES],
    const unsigned char member_pk[SEALING_KEY_BYTES],
    unsigned char out[SEALING_SEALED_SHARE_BYTES]);
int sealing_unwrap_share(const unsigned char in[SEALING_SEALED_SHARE_BYTES],
    const unsigned char member_pk[SEALING_KEY_BYTES],
    const unsigned char member_sk[SEALING_KEY_BYTES], unsigned char share[SEALING_KEY_BYTES]);

/* The RFC 6962 tree head over n leaves (each a 32-byte hash, hashed as
 * SHA-256(0x00 || leaf); nodes SHA-256(0x01 || left || right); the empty
 * tree is SHA-256 of nothing). 0 or -1 (out of memory). */
int sealing_merkle_root(const unsigned char (*leaves)[32], size_t n, unsigned char root[32]);

/* Hex of len bytes into out (2 * len + 1), and back: hex must be exactly
 * 2 * len lowercase or uppercase digits. */
void sealing_hex(const unsigned char *bin, size_t len, char *out);
int sealing_unhex(const char *hex, unsigned char *bin, size_t len);

#endif
