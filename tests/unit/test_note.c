/* Signed notes: keys round-trip through their text forms, a signature
 * verifies, and any change to the text, the name or the key breaks it. */
#include "unit.h"

#include "../../server/lib/note.c"

static void
key(struct note_key *k, const char *name, unsigned char fill)
{
	unsigned char seed[crypto_sign_SEEDBYTES];

	memset(seed, fill, sizeof(seed));
	CHECK(note_key_from_seed(k, name, seed) == 0);
}

static void
test_names(void)
{
	CHECK(note_name_valid("gpu-registry"));
	CHECK(!note_name_valid(""));
	CHECK(!note_name_valid("a b"));
	CHECK(!note_name_valid("a+b"));
	CHECK(!note_name_valid("\xea\xb0\x80"));
}

static void
test_key_lines_round_trip(void)
{
	struct note_key k, priv, pub;
	char line[256];

	key(&k, "gpu-registry", 7);
	CHECK(note_key_format_private(&k, line, sizeof(line)) == 0);
	CHECK(strncmp(line, "PRIVATE+KEY+gpu-registry+", 25) == 0);
	CHECK(note_key_parse_private(&priv, line) == 0);
	CHECK(memcmp(priv.sk, k.sk, sizeof(k.sk)) == 0 && priv.hash == k.hash);
	CHECK(note_key_format_public(&k, line, sizeof(line)) == 0);
	CHECK(strncmp(line, "gpu-registry+", 13) == 0);
	CHECK(note_key_parse_public(&pub, line) == 0);
	CHECK(memcmp(pub.pk, k.pk, sizeof(k.pk)) == 0);
	/* A hash that does not match the name and key is refused. */
	line[13] = line[13] == '0' ? '1' : '0';
	CHECK(note_key_parse_public(&pub, line) != 0);
	CHECK(note_key_parse_public(&pub, "gpu-registry") != 0);
	CHECK(note_key_parse_private(&priv, "PRIVATE+KEY+x+00000000+AAAA") != 0);
}

static void
test_sign_and_verify(void)
{
	static const char text[] = "gpu-registry/audit\n42\nq4/2dCo=\n";
	struct note_key k, other, pub;
	char note[512], line[256];
	size_t text_len = 0;
	int n;

	key(&k, "gpu-registry", 7);
	key(&other, "gpu-registry", 8);
	CHECK(note_key_format_public(&k, line, sizeof(line)) == 0);
	CHECK(note_key_parse_public(&pub, line) == 0);
	memcpy(note, text, sizeof(text) - 1);
	note[sizeof(text) - 1] = '\n';
	n = note_sign_line(&k, text, sizeof(text) - 1, note + sizeof(text),
	    sizeof(note) - sizeof(text));
	CHECK(n > 0);
	CHECK(strncmp(note + sizeof(text), "\xe2\x80\x94 gpu-registry ", 16) == 0);
	CHECK(note_verify(&pub, note, sizeof(text) + (size_t)n, &text_len));
	CHECK(text_len == sizeof(text) - 1);
	CHECK(!note_verify(&other, note, sizeof(text) + (size_t)n, NULL));
	note[20] ^= 1;
	CHECK(!note_verify(&pub, note, sizeof(text) + (size_t)n, NULL));
	note[20] ^= 1;
	/* Text that does not end in a newline cannot be signed. */
	CHECK(note_sign_line(&k, "x", 1, line, sizeof(line)) == -1);
}

int
main(void)
{
	CHECK(sodium_init() >= 0);
	RUN(test_names);
	RUN(test_key_lines_round_trip);
	RUN(test_sign_and_verify);
	return UNIT_DONE();
}
