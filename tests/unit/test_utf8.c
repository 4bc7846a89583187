/* test_utf8.c -- UTF-8 validity and percent-decoding. */
#include "unit.h"

#include "../../server/lib/utf8.c"

static void
test_valid_text(void)
{
	CHECK(utf8_valid(""));
	CHECK(utf8_valid("plain ascii"));
	CHECK(utf8_valid("\xec\x84\x9c\xec\x9a\xb8"));          /* 서울 */
	CHECK(utf8_valid("\xf0\x9f\x98\x80"));                  /* U+1F600 */
	CHECK(utf8_valid("\xf4\x8f\xbf\xbf"));                  /* U+10FFFF */
}

static void
test_invalid_text(void)
{
	CHECK(!utf8_valid("\xff"));
	CHECK(!utf8_valid("\xc0\x80"));                         /* overlong NUL */
	CHECK(!utf8_valid("\xe0\x80\xaf"));                     /* overlong / */
	CHECK(!utf8_valid("\xed\xa0\x80"));                     /* a surrogate */
	CHECK(!utf8_valid("\xf4\x90\x80\x80"));                 /* past U+10FFFF */
	CHECK(!utf8_valid("\xec\x84"));                         /* cut short */
	CHECK(!utf8_valid("a\x80"));                            /* a lone continuation */
}

static void
test_percent_decoding(void)
{
	char a[] = "/a%20b%2Fc%zz%4";
	char b[] = "x%00y";
	char c[] = "a+b";

	CHECK(utf8_percent_decode(a, false) == strlen("/a b/c%zz%4"));
	CHECK_STR(a, "/a b/c%zz%4");
	utf8_percent_decode(b, false);
	CHECK(strlen(b) == 4 && !utf8_valid(b));                /* the NUL did not cut it */
	utf8_percent_decode(c, true);
	CHECK_STR(c, "a b");
}

/* What the request log writes: ASCII only, every string one JSON string. */
static void
test_json_quote(void)
{
	char out[UTF8_JSON_QUOTED_MAX(32)];

	CHECK(utf8_json_quote("/api/v1/assets/7", out) == strlen("\"/api/v1/assets/7\""));
	CHECK_STR(out, "\"/api/v1/assets/7\"");
	utf8_json_quote("a\"b\\c\n{\r\x01", out);
	CHECK_STR(out, "\"a\\\"b\\\\c\\u000a{\\u000d\\u0001\"");
	utf8_json_quote("\xec\x84\x9c", out);                 /* 서 */
	CHECK_STR(out, "\"\\uc11c\"");
	utf8_json_quote("\xf0\x9f\x98\x80", out);             /* U+1F600: a pair */
	CHECK_STR(out, "\"\\ud83d\\ude00\"");
	utf8_json_quote("x\xff\xc0\x80", out);                 /* not UTF-8 */
	CHECK_STR(out, "\"x\\ufffd\\ufffd\\ufffd\"");
	utf8_json_quote("\x01\x01\x01\x01\x01", out);          /* the most it can grow */
	CHECK(strlen(out) == UTF8_JSON_QUOTED_MAX(5) - 1);
}

int
main(void)
{
	RUN(test_valid_text);
	RUN(test_invalid_text);
	RUN(test_percent_decoding);
	RUN(test_json_quote);
	return UNIT_DONE();
}
