/* csv.h -- a small RFC 4180 reader and writer for uploads and their error
 * reports. No I/O: unit-tested on its own (tests/unit/test_csv.c). */
#ifndef REGISTRY_CSV_H
#define REGISTRY_CSV_H

#include <stdbool.h>
#include <stddef.h>

/* One record: its fields are csv.fields[first .. first + nfields). */
struct csv_record {
	size_t line;             /* the physical line it starts on, from 1 */
	size_t first;
	size_t nfields;
};

struct csv {
	char *text;              /* the unescaped fields, each NUL-terminated; owned */
	char **fields;           /* pointers into text; owned */
	size_t nfields, fields_cap;
	struct csv_record *records;  /* owned */
	size_t nrecords, records_cap;
	size_t error_line;       /* where csv_parse stopped, when it failed */
	const char *error;       /* why, a static message */
};

/* Parses data (len bytes, NUL bytes refused). A leading UTF-8 byte order
 * mark is skipped; CRLF, LF and a lone CR end a line; a final line break
 * makes no empty record. 0, or -1 with error and error_line set. Free c
 * with csv_free() either way. */
int csv_parse(struct csv *c, const char *data, size_t len);

/* Field i of record rec, or NULL beyond its fields. */
const char *csv_field(const struct csv *c, size_t rec, size_t i);

/* Whether a record is a blank line (one empty field). */
bool csv_blank(const struct csv *c, size_t rec);

void csv_free(struct csv *c);

/* A CSV text being written; failed after an allocation failure. */
struct csv_out {
	char *buf;               /* NUL-terminated; owned */
	size_t len, cap;
	bool failed;
	bool neutralise;         /* cells beginning = + - @ tab CR become text */
};

/* Appends one record of n fields (NULL writes an empty field), quoting
 * where RFC 4180 needs it, ending with CRLF. */
void csv_out_row(struct csv_out *o, const char *const *fields, size_t n);

/* Appends raw text (a byte order mark). */
void csv_out_text(struct csv_out *o, const char *s, size_t n);

void csv_out_free(struct csv_out *o);

#endif
