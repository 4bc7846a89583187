/* The RFC 4180 reader and writer behind CSV uploads and error reports. */
#include "unit.h"

#include "../../server/lib/csv.c"

static int
parse(struct csv *c, const char *text)
{
	return csv_parse(c, text, strlen(text));
}

static void
test_plain_records(void)
{
	struct csv c;

	CHECK(parse(&c, "serial,model\nSN1,H100\nSN2,A100\n") == 0);
	CHECK(c.nrecords == 3);
	CHECK_STR(csv_field(&c, 0, 0), "serial");
	CHECK_STR(csv_field(&c, 2, 1), "A100");
	CHECK(csv_field(&c, 2, 2) == NULL);
	CHECK(csv_field(&c, 3, 0) == NULL);
	CHECK(c.records[2].line == 3);
	csv_free(&c);
}

static void
test_quoted_fields(void)
{
	struct csv c;

	CHECK(parse(&c, "a,\"b,c\",\"say \"\"hi\"\"\",\"\"\r\n") == 0);
	CHECK(c.nrecords == 1);
	CHECK(c.records[0].nfields == 4);
	CHECK_STR(csv_field(&c, 0, 1), "b,c");
	CHECK_STR(csv_field(&c, 0, 2), "say \"hi\"");
	CHECK_STR(csv_field(&c, 0, 3), "");
	csv_free(&c);
}

/* A line break inside quotes is data, but it still counts as a line, so
 * the next record's line number is the one an editor shows. */
static void
test_line_numbers_follow_the_text(void)
{
	struct csv c;

	CHECK(parse(&c, "h1,h2\r\n\"two\nlines\",x\r\n\r\nlast,y") == 0);
	CHECK(c.nrecords == 4);
	CHECK_STR(csv_field(&c, 1, 0), "two\nlines");
	CHECK(c.records[1].line == 2);
	CHECK(csv_blank(&c, 2));
	CHECK(c.records[2].line == 4);
	CHECK(c.records[3].line == 5);
	CHECK_STR(csv_field(&c, 3, 1), "y");
	csv_free(&c);
}

static void
test_bom_cr_and_trailing_comma(void)
{
	struct csv c;

	CHECK(parse(&c, "\xEF\xBB\xBFserial,model\rA,\r") == 0);
	CHECK(c.nrecords == 2);
	CHECK_STR(csv_field(&c, 0, 0), "serial");
	CHECK(c.records[1].nfields == 2);
	CHECK_STR(csv_field(&c, 1, 1), "");
	CHECK(c.records[1].line == 2);
	csv_free(&c);
}

static void
test_empty_input(void)
{
	struct csv c;

	CHECK(parse(&c, "") == 0);
	CHECK(c.nrecords == 0);
	csv_free(&c);
}

static void
test_errors_name_the_line(void)
{
	struct csv c;

	CHECK(parse(&c, "a,b\nc,\"open\nstill open") == -1);
	CHECK(c.error_line == 2);
	CHECK(strstr(c.error, "not closed") != NULL);
	csv_free(&c);
	CHECK(parse(&c, "a,b\n\"x\"y,z\n") == -1);
	CHECK(c.error_line == 2);
	CHECK(strstr(c.error, "closing quote") != NULL);
	csv_free(&c);
	CHECK(parse(&c, "a,b\nc,d\nSN\"1,H100\n") == -1);
	CHECK(c.error_line == 3);
	CHECK(strstr(c.error, "unquoted") != NULL);
	csv_free(&c);
	CHECK(csv_parse(&c, "a,b\nc\0d\n", 8) == -1);
	CHECK(c.error_line == 2);
	CHECK(strstr(c.error, "NUL") != NULL);
	csv_free(&c);
}

static void
test_writer_quotes_what_needs_it(void)
{
	struct csv_out o = { 0 };
	const char *row[] = { "SN1", "a,b", "say \"hi\"", NULL, " pad", "two\nlines" };
	struct csv c;

	csv_out_row(&o, row, 6);
	CHECK(!o.failed);
	CHECK_STR(o.buf, "SN1,\"a,b\",\"say \"\"hi\"\"\",,\" pad\",\"two\nlines\"\r\n");
	/* What it writes, it reads back. */
	CHECK(csv_parse(&c, o.buf, o.len) == 0);
	CHECK(c.nrecords == 1 && c.records[0].nfields == 6);
	CHECK_STR(csv_field(&c, 0, 2), "say \"hi\"");
	CHECK_STR(csv_field(&c, 0, 5), "two\nlines");
	csv_free(&c);
	csv_out_free(&o);
}

/* Many rows: the buffers grow, and every field stays where it was put. */
static void
test_many_rows(void)
{
	struct csv_out o = { 0 };
	struct csv c;
	char serial[32];
	const char *row[2] = { serial, "H100" };
	size_t i;
	int ok = 1;

	for (i = 0; i < 5000; i++) {
		snprintf(serial, sizeof(serial), "SN-%05zu", i);
		csv_out_row(&o, row, 2);
	}
	CHECK(csv_parse(&c, o.buf, o.len) == 0);
	CHECK(c.nrecords == 5000);
	for (i = 0; i < c.nrecords; i++) {
		snprintf(serial, sizeof(serial), "SN-%05zu", i);
		ok &= strcmp(csv_field(&c, i, 0), serial) == 0 && c.records[i].line == i + 1;
	}
	CHECK(ok);
	csv_free(&c);
	csv_out_free(&o);
}

/* Cells a spreadsheet would run as formulas become text; the rest, and
 * every cell of a writer that does not ask for it, are written as given. */
static void
test_writer_neutralises_formulas(void)
{
	const char *row[] = { "=1+2", "+1", "-5", "@SUM(A1)", "\tx", "\rx", "a=b", "",
	    "=\"q\",x" };
	struct csv_out o = { 0 };
	struct csv_out plain = { 0 };

	o.neutralise = true;
	csv_out_row(&o, row, 9);
	CHECK_STR(o.buf, "\"'=1+2\",\"'+1\",\"'-5\",\"'@SUM(A1)\",\"'\tx\",\"'\rx\",a=b,,"
	    "\"'=\"\"q\"\",x\"\r\n");
	csv_out_row(&plain, row, 4);
	CHECK_STR(plain.buf, "=1+2,+1,-5,@SUM(A1)\r\n");
	csv_out_free(&o);
	csv_out_free(&plain);
}

int
main(void)
{
	RUN(test_plain_records);
	RUN(test_quoted_fields);
	RUN(test_line_numbers_follow_the_text);
	RUN(test_bom_cr_and_trailing_comma);
	RUN(test_empty_input);
	RUN(test_errors_name_the_line);
	RUN(test_writer_quotes_what_needs_it);
	RUN(test_many_rows);
	RUN(test_writer_neutralises_formulas);
	return UNIT_DONE();
}
