/* receipt.h -- reading a signed receipt (or any signed note whose text is
 * a title line then one "field value" line each): verify the signature
 * with the service's public key, and give its fields. Pure: no I/O. */
#ifndef REGISTRY_RECEIPT_H
#define REGISTRY_RECEIPT_H

#include <stddef.h>
#include <jansson.h>

#include "lib/note.h"

/* Verifies note with key. Returns a new object {valid, key_id, title,
 * fields: {field: value}}; title and fields only when valid. */
json_t *receipt_check(const struct note_key *key, const char *note, size_t len);

#endif
