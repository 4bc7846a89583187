/* Sealing: any k of n shares give the opening key back and fewer do not;
 * a share sealed to a member's passphrase key opens with that passphrase
 * only; the Merkle head follows RFC 6962 for odd widths. */
#include "unit.h"

#include "../../server/lib/merkle.c"
#include "../../server/lib/sealing.c"

static void
test_split_and_combine(void)
{
	unsigned char pk[32], sk[32], shares[5][32], pick[5][32], back[32];
	unsigned char numbers[5];

	crypto_box_keypair(pk, sk);
	CHECK(sealing_split(sk, 3, 5, shares) == 0);
	/* Shares 2, 4 and 5: the key again. */
	numbers[0] = 2, numbers[1] = 4, numbers[2] = 5;
	memcpy(pick[0], shares[1], 32);
	memcpy(pick[1], shares[3], 32);
	memcpy(pick[2], shares[4], 32);
	CHECK(sealing_combine(numbers, pick, 3, back) == 0);
	CHECK(memcmp(back, sk, 32) == 0);
	CHECK(sealing_secret_matches(back, pk));
	/* Two shares of a 3-of-5 split: not the key. */
	CHECK(sealing_combine(numbers, pick, 2, back) == 0);
	CHECK(!sealing_secret_matches(back, pk));
	/* A changed share: not the key. */
	pick[1][5] ^= 0x10;
	CHECK(sealing_combine(numbers, pick, 3, back) == 0);
	CHECK(!sealing_secret_matches(back, pk));
	CHECK(sealing_split(sk, 1, 3, shares) == -1);
	CHECK(sealing_split(sk, 4, 3, shares) == -1);
}

static void
test_member_wrap(void)
{
	unsigned char salt[SEALING_SALT_BYTES], mpk[32], msk[32], opk[32], osk[32];
	unsigned char share[32], sealed[SEALING_SEALED_SHARE_BYTES], back[32];
	const char *pass = "committee member passphrase";

	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(share, sizeof(share));
	CHECK(sealing_member_keypair(pass, strlen(pass), salt, crypto_pwhash_OPSLIMIT_MIN,
	    crypto_pwhash_MEMLIMIT_MIN, mpk, msk) == 0);
	CHECK(sealing_wrap_share(share, mpk, sealed) == 0);
	CHECK(sealing_unwrap_share(sealed, mpk, msk, back) == 0);
	CHECK(memcmp(back, share, 32) == 0);
	/* The same passphrase and salt give the same key; another does not open. */
	CHECK(sealing_member_keypair(pass, strlen(pass), salt, crypto_pwhash_OPSLIMIT_MIN,
	    crypto_pwhash_MEMLIMIT_MIN, opk, osk) == 0);
	CHECK(memcmp(opk, mpk, 32) == 0);
	CHECK(sealing_member_keypair("wrong passphrase!", 17, salt, crypto_pwhash_OPSLIMIT_MIN,
	    crypto_pwhash_MEMLIMIT_MIN, opk, osk) == 0);
	CHECK(sealing_unwrap_share(sealed, opk, osk, back) == -1);
}

static void
test_merkle(void)
{
	unsigned char leaves[3][32], root[32], l[3][32], a[32], b[32];
	unsigned char buf[65];
	char hex[65];
	int i;

	CHECK(sealing_merkle_root(leaves, 0, root) == 0);
	sealing_hex(root, 32, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	for (i = 0; i < 3; i++) {
		memset(leaves[i], i + 1, 32);
		buf[0] = 0;
		memcpy(buf + 1, leaves[i], 32);
		crypto_hash_sha256(l[i], buf, 33);
	}
	/* Three leaves: H(1 || H(1 || l0 || l1) || l2). */
	buf[0] = 1;
	memcpy(buf + 1, l[0], 32);
	memcpy(buf + 33, l[1], 32);
	crypto_hash_sha256(a, buf, 65);
	memcpy(buf + 1, a, 32);
	memcpy(buf + 33, l[2], 32);
	crypto_hash_sha256(b, buf, 65);
	CHECK(sealing_merkle_root(leaves, 3, root) == 0);
	CHECK(memcmp(root, b, 32) == 0);
	CHECK(sealing_unhex(hex, root, 32) == 0);
	CHECK(sealing_unhex("00", root, 32) == -1);
}

int
main(void)
{
	CHECK(sodium_init() >= 0);
	RUN(test_split_and_combine);
	RUN(test_member_wrap);
	RUN(test_merkle);
	return UNIT_DONE();
}
