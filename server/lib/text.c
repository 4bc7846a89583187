/* text.c -- see text.h. */
#include "lib/text.h"

#include <stdio.h>
#include <string.h>
#include <sodium.h>

bool
text_one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

void
text_join(const char *const *set, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (; *set && len + 1 < size; set++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", len ? ", " : "", *set);
}

void
text_bytea_hex(const unsigned char *bin, size_t len, char *out, size_t size)
{
	if (size < 2 * len + 3) {
		if (size > 0)
			out[0] = '\0';
		return;
	}
	out[0] = '\\';
	out[1] = 'x';
	sodium_bin2hex(out + 2, size - 2, bin, len);
}
