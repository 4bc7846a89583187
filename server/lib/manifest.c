/* manifest.c -- an export manifest's text, written and read. */
#include "lib/manifest.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
append(char *out, size_t size, size_t *len, const char *s, bool clean)
{
	for (; *s; s++) {
		if (*len + 1 >= size)
			return -1;
		out[(*len)++] = clean && (unsigned char)*s < 0x20 ? ' ' : *s;
	}
	out[*len] = '\0';
	return 0;
}

int
manifest_format(const char *const (*fields)[2], size_t n, char *out, size_t size)
{
	size_t i, len = 0;

	if (size == 0 || append(out, size, &len, MANIFEST_FIRST_LINE "\n", false) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (append(out, size, &len, fields[i][0], true) != 0 ||
		    append(out, size, &len, ": ", false) != 0 ||
		    append(out, size, &len, fields[i][1] != NULL ? fields[i][1] : "", true) != 0 ||
		    append(out, size, &len, "\n", false) != 0)
			return -1;
	return (int)len;
}

/* The value of "\n<key>: " up to the end of its line, into out. */
static int
value(const char *text, size_t len, const char *key, char *out, size_t size)
{
	char needle[32];
	const char *p, *end = text + len;
	size_t k, n;

	k = (size_t)snprintf(needle, sizeof(needle), "\n%s: ", key);
	for (p = text; p + k <= end; p++) {
		if (memcmp(p, needle, k) != 0)
			continue;
		p += k;
		for (n = 0; p + n < end && p[n] != '\n'; n++)
			;
		if (n == 0 || n >= size)
			return -1;
		memcpy(out, p, n);
		out[n] = '\0';
		return 0;
	}
	return -1;
}

int
manifest_parse(const char *text, size_t len, uint64_t *bytes, char sha256[65])
{
	size_t first = strlen(MANIFEST_FIRST_LINE);
	char size[24], *end;

	if (len <= first || memcmp(text, MANIFEST_FIRST_LINE "\n", first + 1) != 0)
		return -1;
	if (value(text, len, "bytes", size, sizeof(size)) != 0 ||
	    value(text, len, "sha256", sha256, 65) != 0 || strlen(sha256) != 64 ||
	    strspn(sha256, "0123456789abcdef") != 64)
		return -1;
	*bytes = strtoull(size, &end, 10);
	return *end == '\0' && size[0] >= '0' && size[0] <= '9' ? 0 : -1;
}
