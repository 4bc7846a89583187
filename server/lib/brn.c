/* brn.c -- the check digit of a business registration number: weights
 * 1 3 7 1 3 7 1 3 5 over the first nine digits, plus the tens of nine's
 * product with 5; the tenth digit makes the sum a multiple of ten. */
#include "lib/brn.h"

#include <string.h>

bool
brn_valid(const char *s, char out[11])
{
	static const int weight[9] = { 1, 3, 7, 1, 3, 7, 1, 3, 5 };
	size_t i, n = 0, len = strlen(s);
	int sum = 0;

	if (len != 10 && !(len == 12 && s[3] == '-' && s[6] == '-'))
		return false;
	for (i = 0; i < len; i++) {
		if (len == 12 && (i == 3 || i == 6))
			continue;
		if (s[i] < '0' || s[i] > '9')
			return false;
		out[n++] = s[i];
	}
	out[n] = '\0';
	for (i = 0; i < 9; i++)
		sum += (out[i] - '0') * weight[i];
	sum += (out[8] - '0') * 5 / 10;
	return (10 - sum % 10) % 10 == out[9] - '0';
}
