/* csv.c -- RFC 4180: fields separated by commas, records by line breaks;
 * a field with a comma, quote or line break is quoted, and a quote inside
 * it doubled. The reader unescapes into one buffer no larger than the
 * input (quotes and separators only ever shrink), so a 30,000-row upload
 * costs three allocations, not one per field. */
#include "lib/csv.h"

#include <stdlib.h>
#include <string.h>

static int
fail(struct csv *c, size_t line, const char *why)
{
	c->error_line = line;
	c->error = why;
	return -1;
}

static int
add_field(struct csv *c, char *start)
{
	char **grown;

	if (c->nfields == c->fields_cap) {
		c->fields_cap = c->fields_cap ? c->fields_cap * 2 : 64;
		grown = realloc(c->fields, c->fields_cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		c->fields = grown;
	}
	c->fields[c->nfields++] = start;
	return 0;
}

static int
add_record(struct csv *c, size_t line, size_t first)
{
	struct csv_record *grown;

	if (c->nrecords == c->records_cap) {
		c->records_cap = c->records_cap ? c->records_cap * 2 : 64;
		grown = realloc(c->records, c->records_cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		c->records = grown;
	}
	c->records[c->nrecords].line = line;
	c->records[c->nrecords].first = first;
	c->records[c->nrecords].nfields = c->nfields - first;
	c->nrecords++;
	return 0;
}

/* A quoted field from data[*i] (the opening quote) to past the closing
 * one; line breaks inside it count as lines. */
static int
quoted(struct csv *c, const char *data, size_t len, size_t *i, char **out, size_t *line)
{
	size_t start_line = *line, at = *i + 1;

	for (;;) {
		if (at >= len)
			return fail(c, start_line, "a quoted field is not closed");
		if (data[at] == '"') {
			if (at + 1 < len && data[at + 1] == '"') {
				*(*out)++ = '"';
				at += 2;
				continue;
			}
			at++;
			break;
		}
		if (data[at] == '\n' || (data[at] == '\r' && (at + 1 >= len || data[at + 1] != '\n')))
			(*line)++;
		*(*out)++ = data[at++];
	}
	if (at < len && data[at] != ',' && data[at] != '\r' && data[at] != '\n')
		return fail(c, *line, "a closing quote must end its field; double a quote "
		    "inside a quoted field");
	*i = at;
	return 0;
}

static int
unquoted(struct csv *c, const char *data, size_t len, size_t *i, char **out, size_t line)
{
	size_t at = *i;

	for (; at < len && data[at] != ',' && data[at] != '\r' && data[at] != '\n'; at++) {
		if (data[at] == '"')
			return fail(c, line, "a quote inside an unquoted field; quote the whole "
			    "field and double the quote");
		*(*out)++ = data[at];
	}
	*i = at;
	return 0;
}

/* One record from data[*i]; leaves *i past its line break. */
static int
record(struct csv *c, const char *data, size_t len, size_t *i, char **out, size_t *line)
{
	size_t first = c->nfields, start_line = *line;
	char *field;
	int rc;

	for (;;) {
		field = *out;
		if (*i < len && data[*i] == '"')
			rc = quoted(c, data, len, i, out, line);
		else
			rc = unquoted(c, data, len, i, out, *line);
		if (rc != 0)
			return -1;
		*(*out)++ = '\0';
		if (add_field(c, field) != 0)
			return fail(c, *line, "out of memory");
		if (*i >= len || data[*i] != ',')
			break;
		(*i)++;
	}
	if (*i < len) {          /* a line break: CRLF, LF or a lone CR */
		if (data[*i] == '\r' && *i + 1 < len && data[*i + 1] == '\n')
			(*i)++;
		(*i)++;
		(*line)++;
	}
	if (add_record(c, start_line, first) != 0)
		return fail(c, start_line, "out of memory");
	return 0;
}

int
csv_parse(struct csv *c, const char *data, size_t len)
{
	size_t i = 0, line = 1;
	char *out;
	const char *nul;

	memset(c, 0, sizeof(*c));
	if ((nul = memchr(data, '\0', len)) != NULL) {
		for (i = 0; data + i < nul; i++)
			line += data[i] == '\n';
		return fail(c, line, "the file has a NUL byte: it is not text");
	}
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	if ((c->text = malloc(len + 1)) == NULL)
		return fail(c, 1, "out of memory");
	out = c->text;
	while (i < len)
		if (record(c, data, len, &i, &out, &line) != 0)
			return -1;
	return 0;
}

const char *
csv_field(const struct csv *c, size_t rec, size_t i)
{
	if (rec >= c->nrecords || i >= c->records[rec].nfields)
		return NULL;
	return c->fields[c->records[rec].first + i];
}

bool
csv_blank(const struct csv *c, size_t rec)
{
	return c->records[rec].nfields == 1 && *csv_field(c, rec, 0) == '\0';
}

void
csv_free(struct csv *c)
{
	free(c->text);
	free(c->fields);
	free(c->records);
	memset(c, 0, sizeof(*c));
}

static void
put(struct csv_out *o, const char *s, size_t n)
{
	char *grown;
	size_t cap;

	if (o->failed)
		return;
	if (o->len + n + 1 > o->cap) {
		for (cap = o->cap ? o->cap : 4096; cap < o->len + n + 1; cap *= 2)
			;
		if ((grown = realloc(o->buf, cap)) == NULL) {
			o->failed = true;
			return;
		}
		o->buf = grown;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* "prefix s", with the quotes of s doubled. */
static void
put_quoted(struct csv_out *o, const char *prefix, const char *s)
{
	const char *q;

	put(o, "\"", 1);
	put(o, prefix, strlen(prefix));
	while ((q = strchr(s, '"')) != NULL) {
		put(o, s, (size_t)(q - s) + 1);
		put(o, "\"", 1);
		s = q + 1;
	}
	put(o, s, strlen(s));
	put(o, "\"", 1);
}

/* Quoted when it holds a separator, a quote or a line break, or starts or
 * ends with a space a spreadsheet would drop. A spreadsheet runs a cell
 * that begins like a formula: with neutralise, such a cell is written as
 * text behind an apostrophe (OWASP's advice on CSV injection). */
static void
put_field(struct csv_out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->neutralise && n > 0 && strchr("=+-@\t\r", s[0]) != NULL)
		put_quoted(o, "'", s);
	else if (n == 0 || (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' && s[n - 1] != ' '))
		put(o, s, n);
	else
		put_quoted(o, "", s);
}

void
csv_out_text(struct csv_out *o, const char *s, size_t n)
{
	put(o, s, n);
}

void
csv_out_row(struct csv_out *o, const char *const *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			put(o, ",", 1);
		put_field(o, fields[i] ? fields[i] : "");
	}
	put(o, "\r\n", 2);
}

void
csv_out_free(struct csv_out *o)
{
	free(o->buf);
	memset(o, 0, sizeof(*o));
}
