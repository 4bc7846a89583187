/* fuzz_csv.c -- the serial-number CSV: csv_parse() on any bytes, and the
 * writer behind error reports and exports.
 * Oracles: a parse that succeeds gives records whose lines only go up and
 * whose fields lie in the text buffer; writing the records back (plain,
 * under a header row, as the error report does) and parsing again gives
 * the same fields;
 * writing them neutralised (BOM first, as the export does) and parsing
 * again gives each field, or "'" and the field when it begins like a
 * formula, and no cell a spreadsheet would run. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/lib/csv.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
formula(const char *s)
{
	return s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
}

/* Writes every record of c after what the report or the export puts
 * first: a header row, or a byte order mark. */
static void
write_all(const struct csv *c, struct csv_out *o, bool neutralise)
{
	static const char *const head[] = { "serial", "model", "error" };
	size_t rec;

	memset(o, 0, sizeof(*o));
	o->neutralise = neutralise;
	if (neutralise)
		csv_out_text(o, "\xef\xbb\xbf", 3);
	else
		csv_out_row(o, head, 3);
	for (rec = 0; rec < c->nrecords; rec++)
		csv_out_row(o, (const char *const *)c->fields + c->records[rec].first,
		    c->records[rec].nfields);
	if (o->failed)
		abort();
}

/* Compares the records of a with those of b from its record skip on. */
static void
same_records(const struct csv *a, const struct csv *b, size_t skip, bool neutralised)
{
	size_t rec, i;

	if (a->nrecords + skip != b->nrecords)
		abort();
	for (rec = 0; rec < a->nrecords; rec++) {
		if (a->records[rec].nfields != b->records[rec + skip].nfields)
			abort();
		for (i = 0; i < a->records[rec].nfields; i++) {
			const char *x = csv_field(a, rec, i), *y = csv_field(b, rec + skip, i);

			if (neutralised && formula(x)) {
				if (y[0] != '\'' || strcmp(x, y + 1) != 0)
					abort();
			} else if (strcmp(x, y) != 0) {
				abort();
			}
			if (neutralised && formula(y))
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv c, again;
	struct csv_out o;
	size_t rec, i, lines = 1;

	if (csv_parse(&c, (const char *)data, size) != 0) {
		if (c.error == NULL || c.error_line < 1)
			abort();
		csv_free(&c);
		return 0;
	}
	for (i = 0; i < size; i++)
		lines += data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));
	for (rec = 0; rec < c.nrecords; rec++) {
		if (c.records[rec].nfields == 0 || c.records[rec].line > lines ||
		    (rec > 0 && c.records[rec].line <= c.records[rec - 1].line))
			abort();
		for (i = 0; i < c.records[rec].nfields; i++) {
			const char *f = csv_field(&c, rec, i);

			if (f < c.text || f + strlen(f) > c.text + size)
				abort();
		}
		(void)csv_blank(&c, rec);
	}

	write_all(&c, &o, false);
	if (csv_parse(&again, o.buf, o.len) != 0)
		abort();
	same_records(&c, &again, 1, false);
	csv_free(&again);
	csv_out_free(&o);

	write_all(&c, &o, true);
	if (csv_parse(&again, o.buf, o.len) != 0)
		abort();
	same_records(&c, &again, 0, true);
	csv_free(&again);
	csv_out_free(&o);
	csv_free(&c);
	return 0;
}
