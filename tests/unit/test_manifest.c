/* An export manifest's text: written one field a line, read back. */
#include "unit.h"

#include "../../server/lib/manifest.c"

#define SHA "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static void
test_written_and_read(void)
{
	const char *const fields[][2] = {
		{ "export", "42" }, { "report", "assets" }, { "bytes", "1234" },
		{ "sha256", SHA }, { "user", "7 Kim\nEvil <kim@x.example>" },
	};
	char out[512], sha[65];
	uint64_t bytes = 0;
	int n = manifest_format(fields, 5, out, sizeof(out));

	CHECK(n > 0);
	CHECK_STR(out, "gpu-registry export manifest v1\nexport: 42\nreport: assets\n"
	    "bytes: 1234\nsha256: " SHA "\nuser: 7 Kim Evil <kim@x.example>\n");
	CHECK(manifest_parse(out, (size_t)n, &bytes, sha) == 0);
	CHECK(bytes == 1234);
	CHECK_STR(sha, SHA);
	CHECK(manifest_format(fields, 5, out, 40) == -1);
}

static void
test_refused(void)
{
	char sha[65];
	uint64_t bytes;
	const char *wrong_first = "some other note\nbytes: 1\nsha256: " SHA "\n";
	const char *no_hash = MANIFEST_FIRST_LINE "\nbytes: 1\n";
	const char *short_hash = MANIFEST_FIRST_LINE "\nbytes: 1\nsha256: abc\n";
	const char *upper = MANIFEST_FIRST_LINE "\nbytes: 1\nsha256: " "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\n";
	const char *bad_size = MANIFEST_FIRST_LINE "\nbytes: -1\nsha256: " SHA "\n";

	CHECK(manifest_parse(wrong_first, strlen(wrong_first), &bytes, sha) == -1);
	CHECK(manifest_parse(no_hash, strlen(no_hash), &bytes, sha) == -1);
	CHECK(manifest_parse(short_hash, strlen(short_hash), &bytes, sha) == -1);
	CHECK(manifest_parse(upper, strlen(upper), &bytes, sha) == -1);
	CHECK(manifest_parse(bad_size, strlen(bad_size), &bytes, sha) == -1);
}

int
main(void)
{
	RUN(test_written_and_read);
	RUN(test_refused);
	return UNIT_DONE();
}
