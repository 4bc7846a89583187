/* Korea's business registration number and its check digit. */
#include "unit.h"

#include "../../server/lib/brn.c"

static void
test_valid_numbers(void)
{
	char out[11];

	CHECK(brn_valid("124-81-00998", out));
	CHECK_STR(out, "1248100998");
	CHECK(brn_valid("1248100998", out));
	CHECK(brn_valid("220-81-62517", out));
}

static void
test_wrong_check_digit_and_shapes(void)
{
	char out[11];

	CHECK(!brn_valid("124-81-00997", out));
	CHECK(!brn_valid("1248100999", out));
	CHECK(!brn_valid("124810099", out));
	CHECK(!brn_valid("12-481-00998", out));
	CHECK(!brn_valid("124-81-0099a", out));
	CHECK(!brn_valid("", out));
	CHECK(!brn_valid("124 81 00998", out));
}

int
main(void)
{
	RUN(test_valid_numbers);
	RUN(test_wrong_check_digit_and_shapes);
	return UNIT_DONE();
}
