/* decimal.h -- decimal integers from text, checked: the whole text is
 * the number, and it fits. For ids in URLs and numbers from PostgreSQL. */
#ifndef REGISTRY_DECIMAL_H
#define REGISTRY_DECIMAL_H

#include <stdint.h>

/* 0 and *out, or -1 when s (may be NULL) is not one decimal int64. */
int decimal_int64(const char *s, int64_t *out);

#endif
