/* decimal.c -- decimal integers from text, checked. */
#include "lib/decimal.h"

#include <errno.h>
#include <stdlib.h>

int
decimal_int64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}
