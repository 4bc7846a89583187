/* text.h -- small string helpers shared across the layers: membership in
 * a NULL-terminated set, a set joined for a message, bytes as a bytea hex
 * literal. Pure: no I/O. */
#ifndef REGISTRY_TEXT_H
#define REGISTRY_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Whether s equals one of the strings of set (NULL-terminated). */
bool text_one_of(const char *s, const char *const *set);

/* The strings of set as "a, b, c" into out (truncated to fit). */
void text_join(const char *const *set, char *out, size_t size);

/* len bytes as "\\x0a1b..." for a bytea parameter; out needs 2 * len + 3
 * bytes. */
void text_bytea_hex(const unsigned char *bin, size_t len, char *out, size_t size);

#endif
