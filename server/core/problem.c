/* problem.c -- the table behind problem.h. */
#include "core/problem.h"

#define PROBLEM_ENTRY(e, c, s, m) { c, s, m },
static const struct problem_def registry[PROBLEM_NCODES] = {
	PROBLEM_CODES(PROBLEM_ENTRY)
};
#undef PROBLEM_ENTRY

const struct problem_def *
problem_def(enum problem_code code)
{
	if ((unsigned)code >= PROBLEM_NCODES)
		code = PROBLEM_INTERNAL_ERROR;
	return &registry[code];
}
