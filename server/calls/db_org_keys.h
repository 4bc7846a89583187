/* db_org_keys.h -- an organisation's Ed25519 public keys, which sign its
 * proposals, in the database. Keys travel as base64 text in JSON and as
 * lowercase hex into statements. */
#ifndef REGISTRY_DB_ORG_KEYS_H
#define REGISTRY_DB_ORG_KEYS_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "db/db.h"

/* The organisation's keys, newest first. */
int db_org_keys_list(struct db *db, int64_t org, json_t **rows);
/* Adds a key; *out is the new key. */
int db_org_key_add(struct db *db, int64_t org, int64_t user_id, const char *public_key_hex,
    const char *label, const char *at, json_t **out);
/* Revokes the organisation's key id: *out the key after, or NULL when it
 * is no key of org; *was_revoked whether it was revoked already. */
int db_org_key_revoke(struct db *db, int64_t org, int64_t id, int64_t user_id, const char *at,
    json_t **out, bool *was_revoked);
/* The organisation's active keys: [{id, key_id, public_key (hex)}]. */
int db_org_keys_active(struct db *db, int64_t org, json_t **rows);

#endif
