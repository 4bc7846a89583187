/* manifest.h -- the text of an export's manifest, which the service signs
 * as a note (lib/note.h): a first line naming the format, then one
 * "key: value" a line, in this order:
 *
 *     gpu-registry export manifest v1
 *     export: 42
 *     report: assets
 *     format: csv
 *     file: assets-42.csv
 *     parameters: program_id=3&as_of=2026-12-01
 *     rows: 1234
 *     bytes: 567890
 *     sha256: <64 hex digits>
 *     started: 2026-12-01T10:50:44+09:00
 *     completed: 2026-12-01T10:50:45+09:00
 *     user: 7 Name <email>
 *
 * Pure: no I/O (unit-tested in tests/unit/test_manifest.c). */
#ifndef REGISTRY_MANIFEST_H
#define REGISTRY_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#define MANIFEST_FIRST_LINE "gpu-registry export manifest v1"

/* Writes the first line and n "key: value" lines into out (a value's
 * control characters become spaces, so that each stays one line).
 * Returns the length, or -1 if out is too small. */
int manifest_format(const char *const (*fields)[2], size_t n, char *out, size_t size);

/* Reads the file's size and SHA-256 (lowercase hex) from a manifest's
 * text. 0, or -1 when it is not a manifest or lacks them. */
int manifest_parse(const char *text, size_t len, uint64_t *bytes, char sha256[65]);

#endif
