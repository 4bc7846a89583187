/* Checking a log against signed checkpoints: checkpoint texts round-trip;
 * an untouched log matches; each kind of damage is named at the right
 * leaf; a checkpoint signed by another key, of another log or filed
 * under another size does not count. */
#include "unit.h"

#include "../../server/lib/merkle.c"
#include "../../server/lib/note.c"
#include "../../server/lib/logcheck.c"

#define LEAVES 12

static struct note_key key, other;
static unsigned char data[LEAVES][8];
static unsigned char hashes[LEAVES][MERKLE_HASH];

/* A signed checkpoint of the first size leaves, by k, of origin. */
static void
signed_checkpoint(const struct note_key *k, const char *origin, uint64_t size, char *note,
    size_t cap)
{
	struct checkpoint c = { .size = size };
	struct merkle_range r;
	uint64_t i;
	int n;

	merkle_range_init(&r);
	for (i = 0; i < size; i++)
		merkle_range_push(&r, hashes[i]);
	merkle_range_root(&r, c.root);
	snprintf(c.origin, sizeof(c.origin), "%s", origin);
	n = checkpoint_format(&c, "2026-03-04T02:00:00Z", note, cap);
	CHECK(n > 0);
	note[n] = '\n';
	CHECK(note_sign_line(k, note, (size_t)n, note + n + 1, cap - (size_t)n - 1) > 0);
}

static void
setup(void)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	int i;

	memset(seed, 1, sizeof(seed));
	CHECK(note_key_from_seed(&key, "gpu-registry", seed) == 0);
	memset(seed, 2, sizeof(seed));
	CHECK(note_key_from_seed(&other, "gpu-registry", seed) == 0);
	for (i = 0; i < LEAVES; i++) {
		memset(data[i], 'a' + i, sizeof(data[i]));
		merkle_leaf_hash(data[i], sizeof(data[i]), hashes[i]);
	}
}

/* A check of checkpoints 4 and 10 over the leaves, where skip leaves one
 * out, gone drops one's bytes, changed alters one's bytes (-1: none), and
 * only the first count leaves are given. */
static json_t *
run(int skip, int gone, int changed, int count)
{
	struct logcheck lc;
	char note[512];
	unsigned char bytes[8];
	json_t *report;
	int i;

	logcheck_init(&lc, &key, 1, "gpu-registry/audit");
	signed_checkpoint(&key, "gpu-registry/audit", 4, note, sizeof(note));
	logcheck_checkpoint(&lc, note, strlen(note), 4);
	signed_checkpoint(&key, "gpu-registry/audit", 10, note, sizeof(note));
	logcheck_checkpoint(&lc, note, strlen(note), 10);
	for (i = 0; i < count; i++) {
		if (i == skip)
			continue;
		memcpy(bytes, data[i], sizeof(bytes));
		if (i == changed)
			bytes[3] ^= 1;
		logcheck_leaf(&lc, (uint64_t)i, i + 1, i == gone ? NULL : bytes, sizeof(bytes),
		    hashes[i]);
	}
	report = logcheck_report(&lc);
	logcheck_free(&lc);
	return report;
}

static const char *
kind(const json_t *report)
{
	return json_string_value(json_object_get(json_object_get(report, "first_mismatch"),
	    "kind"));
}

static json_int_t
member(const json_t *report, const char *name)
{
	return json_integer_value(json_object_get(json_object_get(report, "first_mismatch"),
	    name));
}

static void
test_checkpoint_text(void)
{
	struct checkpoint c = { .size = 1234 }, back;
	char text[256];
	int n;

	snprintf(c.origin, sizeof(c.origin), "gpu-registry/audit");
	memset(c.root, 7, sizeof(c.root));
	n = checkpoint_format(&c, "2026-03-04T02:00:00Z", text, sizeof(text));
	CHECK_STR(text, "gpu-registry/audit\n1234\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"
	    "time 2026-03-04T02:00:00Z\n");
	CHECK(checkpoint_parse(text, (size_t)n, &back) == 0);
	CHECK(back.size == 1234 && memcmp(back.root, c.root, MERKLE_HASH) == 0);
	CHECK_STR(back.origin, "gpu-registry/audit");
	CHECK(checkpoint_parse("o\n01\nBwc=\n", 10, &back) == -1);
	CHECK(checkpoint_parse("o\n12\n", 5, &back) == -1);
	CHECK(checkpoint_parse("o\n12x\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n", 49, &back) == -1);
}

static void
test_untouched(void)
{
	json_t *r = run(-1, -1, -1, LEAVES);

	CHECK(json_is_true(json_object_get(r, "ok")));
	CHECK(json_integer_value(json_object_get(r, "tree_size")) == LEAVES);
	CHECK(json_integer_value(json_object_get(r, "checkpoints_checked")) == 2);
	CHECK(json_is_true(json_object_get(json_object_get(r, "latest_checkpoint"), "matches")));
	CHECK(json_is_null(json_object_get(r, "first_mismatch")));
	json_decref(r);
}

static void
test_damage_named(void)
{
	json_t *r;

	r = run(-1, -1, 6, LEAVES);
	CHECK_STR(kind(r), "event_changed");
	CHECK(member(r, "leaf_index") == 6 && member(r, "event_id") == 7);
	CHECK(member(r, "checkpoint_size") == 10);
	CHECK(!json_is_true(json_object_get(json_object_get(r, "latest_checkpoint"), "matches")));
	json_decref(r);
	r = run(-1, 2, -1, LEAVES);
	CHECK_STR(kind(r), "event_missing");
	CHECK(member(r, "leaf_index") == 2 && member(r, "checkpoint_size") == 4);
	json_decref(r);
	r = run(5, -1, -1, LEAVES);
	CHECK_STR(kind(r), "leaf_missing");
	CHECK(member(r, "leaf_index") == 5);
	json_decref(r);
	r = run(-1, -1, -1, 8);
	CHECK_STR(kind(r), "truncated");
	CHECK(member(r, "leaf_index") == 8 && member(r, "checkpoint_size") == 10);
	json_decref(r);
}

static void
test_bad_checkpoints(void)
{
	struct logcheck lc;
	char note[512];
	json_t *r;

	logcheck_init(&lc, &key, 1, "gpu-registry/audit");
	signed_checkpoint(&other, "gpu-registry/audit", 4, note, sizeof(note));
	logcheck_checkpoint(&lc, note, strlen(note), 4);
	signed_checkpoint(&key, "another/log", 4, note, sizeof(note));
	logcheck_checkpoint(&lc, note, strlen(note), 4);
	signed_checkpoint(&key, "gpu-registry/audit", 4, note, sizeof(note));
	logcheck_checkpoint(&lc, note, strlen(note), 5);
	CHECK(lc.ncps == 0);
	r = logcheck_report(&lc);
	CHECK_STR(kind(r), "checkpoint_invalid");
	CHECK(member(r, "checkpoint_size") == 4);
	CHECK(json_is_false(json_object_get(r, "ok")));
	json_decref(r);
	logcheck_free(&lc);
}

int
main(void)
{
	CHECK(sodium_init() >= 0);
	setup();
	RUN(test_checkpoint_text);
	RUN(test_untouched);
	RUN(test_damage_named);
	RUN(test_bad_checkpoints);
	return UNIT_DONE();
}
