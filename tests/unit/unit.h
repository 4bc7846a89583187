/* unit.h -- a small test harness: a test is a function, it fails when
 * any CHECK in it fails; main() ends with "N passed, N failed". Test files
 * include the .c files they test (h2o's way), so statics are reachable. */
#ifndef REGISTRY_UNIT_H
#define REGISTRY_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed, unit_current_failed;

#define CHECK(cond) do {                                                        \
	if (!(cond)) {                                                          \
		unit_current_failed = 1;                                        \
		fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
	}                                                                       \
} while (0)

#define CHECK_STR(a, b) do {                                                    \
	const char *a_ = (a), *b_ = (b);                                        \
	if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {                  \
		unit_current_failed = 1;                                        \
		fprintf(stderr, "  %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
		    a_ ? a_ : "(null)", b_ ? b_ : "(null)");                    \
	}                                                                       \
} while (0)

#define RUN(fn) do {                                                            \
	unit_current_failed = 0;                                                \
	fn();                                                                   \
	if (unit_current_failed) {                                              \
		unit_failed++;                                                  \
		printf("not ok - %s\n", #fn);                                   \
	} else {                                                                \
		unit_passed++;                                                  \
		printf("ok - %s\n", #fn);                                       \
	}                                                                       \
} while (0)

#define UNIT_DONE() (printf("%d passed, %d failed\n", unit_passed, unit_failed), \
	unit_failed ? 1 : 0)

#endif
