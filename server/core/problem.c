/* problem.c -- the objects and the table behind problem.h. */
#include "core/problem.h"

#define PROBLEM_DEFINE(e, c, s, m) const struct problem_def PROBLEM_##e[1] = { { c, s, m } };
PROBLEM_CODES(PROBLEM_DEFINE)
#undef PROBLEM_DEFINE

#define PROBLEM_ENTRY(e, c, s, m) PROBLEM_##e,
static const struct problem_def *const registry[] = {
	PROBLEM_CODES(PROBLEM_ENTRY)
};
#undef PROBLEM_ENTRY

const struct problem_def *const *
problem_all(size_t *n)
{
	*n = sizeof(registry) / sizeof(registry[0]);
	return registry;
}
