/* cursor.c -- keyset cursors: "v1.<id>" in base64url. */
#include "lib/cursor.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

void
cursor_encode(int64_t last_id, char out[CURSOR_MAX])
{
	char plain[32];
	int len = snprintf(plain, sizeof(plain), "v1.%" PRId64, last_id);

	sodium_bin2base64(out, CURSOR_MAX, (const unsigned char *)plain,
	    (size_t)len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int
cursor_decode(const char *text, int64_t *last_id)
{
	unsigned char plain[32];
	size_t len;
	char *end;
	long long v;

	if (strlen(text) >= CURSOR_MAX ||
	    sodium_base642bin(plain, sizeof(plain) - 1, text, strlen(text), NULL,
	    &len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	plain[len] = '\0';
	if (len < 4 || memcmp(plain, "v1.", 3) != 0 || plain[3] < '0' || plain[3] > '9')
		return -1;
	v = strtoll((const char *)plain + 3, &end, 10);
	if (*end != '\0' || v <= 0)
		return -1;
	*last_id = v;
	return 0;
}
