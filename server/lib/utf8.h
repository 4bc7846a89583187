/* utf8.h -- UTF-8 validity (RFC 3629: no overlong forms, no surrogates,
 * nothing past U+10FFFF) and MHD-independent percent-decoding. Pure. */
#ifndef REGISTRY_LIB_UTF8_H
#define REGISTRY_LIB_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the NUL-terminated s is valid UTF-8. */
bool utf8_valid(const char *s);

/* Replaces each byte of s that is not part of valid UTF-8 with '?', in
 * place: text quoting input (a parser's message, a message cut short)
 * can then go into JSON. */
void utf8_scrub(char *s);

/* Decodes %XX and (when plus_is_space) '+' in place; returns the new
 * length. A decoded NUL is written as the overlong C0 80, which no valid
 * UTF-8 holds: a later utf8_valid() refuses it, instead of the NUL
 * silently cutting the text. */
size_t utf8_percent_decode(char *s, bool plus_is_space);

/* The most bytes utf8_json_quote() writes for a string of len bytes. */
#define UTF8_JSON_QUOTED_MAX(len) (6 * (len) + 3)

/* s as a JSON string, quotes included, in ASCII only (what jansson's
 * JSON_ENSURE_ASCII writes): '"', '\\' and control characters escaped,
 * everything past U+007F as \uXXXX (a surrogate pair past U+FFFF), and a
 * byte that is not valid UTF-8 as \ufffd. out needs
 * UTF8_JSON_QUOTED_MAX(strlen(s)) bytes; returns the length written,
 * without the NUL it ends with. */
size_t utf8_json_quote(const char *s, char *out);

#endif
