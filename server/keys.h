/* keys.h -- the service's Ed25519 signing key: read once at start from
 * REGISTRY_SIGNING_KEY_FILE (made, 0600, when missing), before root is
 * dropped, and held in memory only. It signs receipts, export manifests
 * and audit checkpoints as signed notes (lib/note.h); its public half is
 * served at GET /api/v1/keys. Never written to the database. */
#ifndef REGISTRY_KEYS_H
#define REGISTRY_KEYS_H

#include <stddef.h>

#include "lib/note.h"

/* Reads the key file, or makes it when missing. A file readable by group
 * or others is refused, as ssh refuses such a key. Returns 0, or -1 with
 * a message on stderr. */
int keys_load(const char *path, const char *name);

/* A secret file of the service, by the same rules: read into line (at
 * most size - 1 bytes, NUL-terminated), after make(line, size, arg) wrote
 * a new secret into line and it was put in place (0600), when the file
 * was missing. what names it in messages. 0, or -1 with a message on
 * stderr (line wiped). */
int keys_file_load(const char *path, const char *what,
    int (*make)(char *line, size_t size, void *arg), void *arg, char *line, size_t size);

/* The service's key: valid after keys_load() succeeded, NULL before. */
const struct note_key *keys_service(void);

/* Signs text (ending with "\n") and writes text, a blank line and the
 * signature line into out: a whole signed note. Returns its length, or -1
 * if out is too small or no key is loaded. */
int keys_sign_note(const char *text, size_t len, char *out, size_t size);

/* Rotation: the public keys that signed before this one, as verifier
 * keys (name+hash+base64) separated by commas, from
 * REGISTRY_SIGNING_PREVIOUS_KEYS. They verify old checkpoints and stay
 * listed at GET /api/v1/keys. 0, or -1 with a message on stderr. */
#define KEYS_PREVIOUS_MAX 7
int keys_load_previous(const char *list);

/* The previous keys; *n gets their number. */
const struct note_key *keys_previous(size_t *n);

/* Every key that may have signed (the service's, then the previous
 * ones) copied into out, at most max: their number. */
size_t keys_verifiers(struct note_key *out, size_t max);

/* Wipes the secret key from memory, at exit. */
void keys_forget(void);

#endif
