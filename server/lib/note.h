/* note.h -- signed notes: text signed with Ed25519 in the format of
 * Go's golang.org/x/mod/sumdb/note, the one transparency logs use for
 * checkpoints (C2SP tlog-checkpoint). A note is the text, a blank line,
 * then one line per signature:
 *
 *     — <name> <base64(key hash[4] || signature[64])>
 *
 * The key hash is the first four bytes of SHA-256(name "\n" 0x01 pk), so
 * a verifier picks the right key by name and hash. The same key signs
 * receipts, export manifests and audit checkpoints. Pure: no I/O. */
#ifndef REGISTRY_NOTE_H
#define REGISTRY_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#define NOTE_NAME_MAX 64

struct note_key {
	char name[NOTE_NAME_MAX + 1];
	uint32_t hash;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES]; /* zero in a verifier */
};

/* A key name: 1 to 64 printable ASCII characters, no space or '+'. */
bool note_name_valid(const char *name);

/* Fills key from a 32-byte seed; name must be valid. */
int note_key_from_seed(struct note_key *key, const char *name,
    const unsigned char seed[crypto_sign_SEEDBYTES]);

/* "PRIVATE+KEY+<name>+<hash>+<base64(0x01 seed)>", the private key file's
 * one line, and back. Parsing returns -1 on anything else. */
int note_key_format_private(const struct note_key *key, char *out, size_t size);
int note_key_parse_private(struct note_key *key, const char *line);

/* "<name>+<hash>+<base64(0x01 pk)>": what a verifier is given. Parsing
 * leaves sk zero. */
int note_key_format_public(const struct note_key *key, char *out, size_t size);
int note_key_parse_public(struct note_key *key, const char *line);

/* SHA-256 of the public key, lowercase hex (65 bytes with the NUL): the
 * fingerprint people compare by eye. */
void note_key_fingerprint(const struct note_key *key, char out[65]);

/* The signature line for text (which must end with "\n") into out,
 * newline included. Returns its length, or -1 if out is too small. */
int note_sign_line(const struct note_key *key, const char *text, size_t len, char *out,
    size_t size);

/* Whether note (text, blank line, signature lines) carries a valid
 * signature by key. On success *text_len is the length of the signed text. */
bool note_verify(const struct note_key *key, const char *note, size_t len, size_t *text_len);

/* Wipes the secret half. */
void note_key_wipe(struct note_key *key);

#endif
