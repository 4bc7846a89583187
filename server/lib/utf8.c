/* utf8.c -- UTF-8 validity and percent-decoding. */
#include "lib/utf8.h"

#include <string.h>

/* The length of the UTF-8 character at p, or 0 when it is not one. */
static size_t
char_len(const unsigned char *p)
{
	unsigned c = *p, min, n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		min = 0x80;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		min = 0x800;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		min = 0x10000;
		c &= 0x07;
	} else {
		return 0;
	}
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n + 1;
}

/* The code point of the valid n-byte character at p. */
static unsigned
code_point(const unsigned char *p, size_t n)
{
	static const unsigned lead_mask[] = { 0x7f, 0x1f, 0x0f, 0x07 };
	unsigned c = p[0] & lead_mask[n - 1];
	size_t i;

	for (i = 1; i < n; i++)
		c = (c << 6) | (p[i] & 0x3f);
	return c;
}

bool
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	for (; *p; p += n)
		if ((n = char_len(p)) == 0)
			return false;
	return true;
}

void
utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t n;

	while (*p) {
		if ((n = char_len(p)) == 0)
			*p++ = '?';
		else
			p += n;
	}
}

static int
hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
utf8_percent_decode(char *s, bool plus_is_space)
{
	char *w = s;
	const char *r = s;
	int hi, lo;

	while (*r) {
		if (*r == '%' && (hi = hex(r[1])) >= 0 && (lo = hex(r[2])) >= 0) {
			if (hi == 0 && lo == 0) {
				*w++ = (char)0xc0;    /* an encoded NUL: see utf8.h */
				*w++ = (char)0x80;
			} else {
				*w++ = (char)(hi << 4 | lo);
			}
			r += 3;
		} else {
			*w++ = plus_is_space && *r == '+' ? ' ' : *r;
			r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

static char *
put_u(char *w, unsigned u)
{
	static const char digits[] = "0123456789abcdef";

	*w++ = '\\';
	*w++ = 'u';
	*w++ = digits[(u >> 12) & 0xf];
	*w++ = digits[(u >> 8) & 0xf];
	*w++ = digits[(u >> 4) & 0xf];
	*w++ = digits[u & 0xf];
	return w;
}

size_t
utf8_json_quote(const char *s, char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	char *w = out;
	unsigned c;
	size_t n;

	*w++ = '"';
	while (*p) {
		if (*p == '"' || *p == '\\') {
			*w++ = '\\';
			*w++ = (char)*p++;
		} else if (*p >= 0x20 && *p < 0x7f) {
			*w++ = (char)*p++;
		} else if (*p < 0x80) {           /* a control character, or DEL */
			w = put_u(w, *p++);
		} else if ((n = char_len(p)) == 0) {
			w = put_u(w, 0xfffd);
			p++;
		} else {
			c = code_point(p, n);
			if (c > 0xffff) {
				c -= 0x10000;
				w = put_u(w, 0xd800 | (c >> 10));
				c = 0xdc00 | (c & 0x3ff);
			}
			w = put_u(w, c);
			p += n;
		}
	}
	*w++ = '"';
	*w = '\0';
	return (size_t)(w - out);
}
