/* cursor.h -- opaque keyset-pagination cursors: the last id of a page,
 * versioned and base64url-encoded, so clients cannot depend on it. */
#ifndef REGISTRY_CURSOR_H
#define REGISTRY_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#define CURSOR_MAX 48

void cursor_encode(int64_t last_id, char out[CURSOR_MAX]);
/* 0 and *last_id, or -1 when text is not a cursor of ours. */
int cursor_decode(const char *text, int64_t *last_id);

#endif
