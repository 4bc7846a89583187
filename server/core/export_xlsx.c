/* export_xlsx.c -- a report as an XLSX workbook, through libxlsxwriter in
 * its constant-memory mode: each row goes to a temporary file as it is
 * written, and the zip is assembled at close. The workbook file is made in
 * a private folder (the upload folder: 0700, emptied at start) and
 * unlinked once open, so nothing is left behind whatever happens next.
 *
 * Numbers are numbers, money whole won under a ₩ format, dates real dates;
 * the row of column names is frozen and filtered; columns are as wide as
 * their longest cell, counting a Hangul or CJK character as two. A sheet
 * holds 1,048,576 rows: past that the rows go on in a new sheet. */
#include "core/export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include <xlsxwriter.h>

#define MAX_COLS 32
#define MAX_WIDTH 80.0
#define STR_MAX 32767            /* bytes in a cell: Excel's limit */

struct book {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *money, *date, *time, *integer;
	const struct export_report *rep;
	unsigned sheets;
	lxw_row_t row;           /* the next row of the sheet */
	lxw_row_t header_row;
	double width[MAX_COLS];
};

/* Columns a text takes on screen: Hangul, CJK and full-width forms two. */
static double
display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	double w = 0;
	unsigned cp;

	while (*p) {
		if (*p < 0x80) {
			cp = *p++;
		} else if ((*p & 0xe0) == 0xc0 && p[1]) {
			cp = (unsigned)(*p & 0x1f) << 6 | (p[1] & 0x3f);
			p += 2;
		} else if ((*p & 0xf0) == 0xe0 && p[1] && p[2]) {
			cp = (unsigned)(*p & 0x0f) << 12 | (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
			p += 3;
		} else {
			cp = 0x10000;
			p++;
			while ((*p & 0xc0) == 0x80)
				p++;
		}
		w += (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
		    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
		    (cp >= 0xff00 && cp <= 0xff60) || cp >= 0x10000 ? 2 : 1;
	}
	return w;
}

static void
widen(struct book *b, size_t col, double w)
{
	if (col < MAX_COLS && w > b->width[col])
		b->width[col] = w > MAX_WIDTH ? MAX_WIDTH : w;
}

static lxw_error
write_text(struct book *b, size_t col, const char *s, lxw_format *f)
{
	char cut[STR_MAX + 1];
	size_t n = strlen(s);

	if (n > STR_MAX) {       /* at a character's start, never inside one */
		n = STR_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		memcpy(cut, s, n);
		cut[n] = '\0';
		s = cut;
	}
	widen(b, col, display_width(s) + 2);
	return worksheet_write_string(b->ws, b->row, (lxw_col_t)col, s, f);
}

/* A date or time as PostgreSQL printed it ("2026-03-01", or with
 * "T12:34:56..." after it, Seoul's wall clock). */
static int
parse_time(const char *s, lxw_datetime *t)
{
	memset(t, 0, sizeof(*t));
	if (sscanf(s, "%4d-%2d-%2d", &t->year, &t->month, &t->day) != 3)
		return -1;
	if ((s[10] == 'T' || s[10] == ' ') &&
	    sscanf(s + 11, "%2d:%2d:%lf", &t->hour, &t->min, &t->sec) != 3)
		return -1;
	return 0;
}

static lxw_error
write_cell(struct book *b, size_t col, const char *s)
{
	enum export_type type = b->rep->columns[col].type;
	lxw_datetime t;
	char *end;
	double v;

	if (type == EXPORT_DATE || type == EXPORT_TIME) {
		if (parse_time(s, &t) != 0)
			return write_text(b, col, s, NULL);
		widen(b, col, type == EXPORT_DATE ? 12 : 21);
		return worksheet_write_datetime(b->ws, b->row, (lxw_col_t)col, &t,
		    type == EXPORT_DATE ? b->date : b->time);
	}
	if (type == EXPORT_INT || type == EXPORT_DECIMAL || type == EXPORT_MONEY) {
		v = strtod(s, &end);
		if (*s == '\0' || *end != '\0')
			return write_text(b, col, s, NULL);
		widen(b, col, (double)strlen(s) * 1.35 + 4);
		return worksheet_write_number(b->ws, b->row, (lxw_col_t)col, v,
		    type == EXPORT_MONEY ? b->money : type == EXPORT_INT ? b->integer : NULL);
	}
	return write_text(b, col, s, NULL);
}

/* A new sheet: the lines stating the report, a blank row, the column
 * names (bold, frozen below them). */
static int
sheet_start(struct book *b)
{
	const struct export_report *rep = b->rep;
	char name[32];
	size_t i;

	snprintf(name, sizeof(name), b->sheets == 0 ? "report" : "report (%u)", b->sheets + 1);
	if ((b->ws = workbook_add_worksheet(b->wb, name)) == NULL)
		return -1;
	b->sheets++;
	b->row = 0;
	for (i = 0; i < rep->npreamble; i++, b->row++)
		if (worksheet_write_string(b->ws, b->row, 0, rep->preamble[i][0], b->bold) ||
		    worksheet_write_string(b->ws, b->row, 1, rep->preamble[i][1], NULL))
			return -1;
	b->row++;
	b->header_row = b->row;
	for (i = 0; i < rep->ncols; i++) {
		widen(b, i, display_width(rep->columns[i].name) + 4);  /* room for the filter */
		if (worksheet_write_string(b->ws, b->row, (lxw_col_t)i, rep->columns[i].name,
		    b->bold))
			return -1;
	}
	b->row++;
	worksheet_freeze_panes(b->ws, b->row, 0);
	return 0;
}

/* The sheet is full or the rows ended: filter and widths. */
static int
sheet_end(struct book *b)
{
	lxw_row_t last = b->row > b->header_row + 1 ? b->row - 1 : b->header_row;
	size_t i;

	if (worksheet_autofilter(b->ws, b->header_row, 0, last, (lxw_col_t)(b->rep->ncols - 1)))
		return -1;
	for (i = 0; i < b->rep->ncols; i++)
		worksheet_set_column(b->ws, (lxw_col_t)i, (lxw_col_t)i, b->width[i], NULL);
	return 0;
}

static void
formats(struct book *b)
{
	b->bold = workbook_add_format(b->wb);
	format_set_bold(b->bold);
	b->money = workbook_add_format(b->wb);
	format_set_num_format(b->money, "\"\xe2\x82\xa9\"#,##0");    /* "₩"#,##0 */
	b->integer = workbook_add_format(b->wb);
	format_set_num_format(b->integer, "0");
	b->date = workbook_add_format(b->wb);
	format_set_num_format(b->date, "yyyy-mm-dd");
	b->time = workbook_add_format(b->wb);
	format_set_num_format(b->time, "yyyy-mm-dd hh:mm:ss");
}

/* Writes every row into the workbook. -1 with err set. */
static int
fill(struct book *b, struct db_rows *rows, uint64_t *nrows, char *err, size_t errlen)
{
	PGresult *row;
	size_t i;
	int rc;

	if (sheet_start(b) != 0)
		goto failed;
	while ((rc = db_rows_next(rows, &row)) == 1) {
		if (b->row == LXW_ROW_MAX && (sheet_end(b) != 0 || sheet_start(b) != 0)) {
			PQclear(row);
			goto failed;
		}
		for (i = 0; i < b->rep->ncols && i < (size_t)PQnfields(row); i++)
			if (!PQgetisnull(row, 0, (int)i) &&
			    write_cell(b, i, PQgetvalue(row, 0, (int)i)) != LXW_NO_ERROR) {
				PQclear(row);
				goto failed;
			}
		PQclear(row);
		b->row++;
		(*nrows)++;
	}
	if (rc < 0) {
		snprintf(err, errlen, "the rows could not be read");
		return -1;
	}
	if (sheet_end(b) != 0)
		goto failed;
	return 0;
failed:
	snprintf(err, errlen, "a cell could not be written");
	return -1;
}

/* Opens the finished file, unlinks it, and hashes it. */
static int
take_file(const char *path, int *fd, uint64_t *size, unsigned char sha256[32])
{
	crypto_hash_sha256_state st;
	unsigned char buf[65536];
	struct stat sb;
	ssize_t n;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	unlink(path);
	if (*fd < 0 || fstat(*fd, &sb) != 0)
		goto fail;
	crypto_hash_sha256_init(&st);
	while ((n = read(*fd, buf, sizeof(buf))) > 0)
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
	if (n < 0 || lseek(*fd, 0, SEEK_SET) != 0)
		goto fail;
	crypto_hash_sha256_final(&st, sha256);
	*size = (uint64_t)sb.st_size;
	return 0;
fail:
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	return -1;
}

int
export_xlsx_write(const struct export_report *rep, struct db_rows *rows, const char *dir,
    int *fd, uint64_t *size, uint64_t *nrows, unsigned char sha256[32], char *err,
    size_t errlen)
{
	lxw_workbook_options opts = { .constant_memory = LXW_TRUE, .use_zip64 = LXW_FALSE };
	struct book b = { .rep = rep };
	char path[512];
	lxw_error e;
	int tmp, rc = -1;

	*fd = -1;
	*nrows = 0;
	if (rep->ncols == 0 || rep->ncols > MAX_COLS) {
		snprintf(err, errlen, "%zu columns", rep->ncols);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/export-XXXXXX", dir);
	if ((tmp = mkstemp(path)) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	close(tmp);
	opts.tmpdir = (char *)(uintptr_t)dir;   /* libxlsxwriter does not write to it */
	if ((b.wb = workbook_new_opt(path, &opts)) == NULL) {
		snprintf(err, errlen, "the workbook could not be made");
		unlink(path);
		return -1;
	}
	formats(&b);
	rc = fill(&b, rows, nrows, err, errlen);
	e = workbook_close(b.wb);              /* frees it, whatever rc */
	if (rc == 0 && e != LXW_NO_ERROR) {
		snprintf(err, errlen, "closing the workbook: %s", lxw_strerror(e));
		rc = -1;
	}
	if (rc == 0 && take_file(path, fd, size, sha256) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	unlink(path);
	return rc;
}
