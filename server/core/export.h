/* export.h -- downloads produced from database rows: CSV for spreadsheets
 * (UTF-8 with a byte order mark, RFC 4180, formula cells neutralised),
 * streamed as the client reads, and XLSX (libxlsxwriter's constant-memory
 * mode, written to a private temporary file, then sent). Memory stays flat
 * whatever the row count. A report states itself above its columns
 * (name, parameters, time, user) and is hashed on its way out, so that
 * its end can be recorded with its SHA-256 for a signed manifest. */
#ifndef REGISTRY_EXPORT_H
#define REGISTRY_EXPORT_H

#include <stddef.h>

#include "core/req.h"
#include "db/rows.h"

/* Whether the client asked for CSV (Accept: text/csv). */
bool export_wants_csv(const struct req *r);

/* Replies 200 with rows as CSV under header (ncols columns, one per
 * column of the statement), as an attachment named filename. Steals rows:
 * they are read as the client reads, and closed when it is done or gone. */
void export_csv_reply(struct req *r, const char *filename, const char *const *header,
    size_t ncols, struct db_rows *rows);

/* How a column's text (as PostgreSQL prints it) goes into a workbook:
 * money is whole won under a ₩ format, dates and times are real dates
 * ("YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS" in Seoul), integers numbers. CSV
 * writes every column as its text. */
enum export_type { EXPORT_TEXT, EXPORT_INT, EXPORT_DECIMAL, EXPORT_MONEY, EXPORT_DATE,
	EXPORT_TIME };

struct export_column {
	const char *name;
	enum export_type type;
};

enum export_format { EXPORT_CSV, EXPORT_XLSX };

#define EXPORT_PREAMBLE_MAX 8

/* Called once the last byte of a report has been produced, on a database
 * connection free for one statement (the download's own for CSV, the
 * request's for XLSX). Not called when the client left half-way. */
typedef int (*export_done_fn)(struct db *db, int64_t id, uint64_t rows, uint64_t bytes,
    const unsigned char sha256[32]);

struct export_report {
	enum export_format format;
	const char *filename;    /* without its extension: "assets-2026-01-01" */
	const struct export_column *columns;
	size_t ncols;
	/* Label and value of each line stated above the columns (copied). */
	const char *preamble[EXPORT_PREAMBLE_MAX][2];
	size_t npreamble;
	export_done_fn done;     /* NULL: nothing recorded */
	int64_t id;              /* passed to done */
};

/* Replies 200 with the report's rows (one per row of the statement, the
 * columns in order). Steals rows. XLSX is written whole before it is
 * sent (libxlsxwriter completes the zip at close), holding this request
 * thread for the time it takes; CSV is produced as the client reads. */
void export_report_reply(struct req *r, const struct export_report *rep, struct db_rows *rows);

/* XLSX: writes rows into a new workbook in dir and returns its open file
 * descriptor (the file already unlinked), its size and SHA-256, and the
 * row count. 0, or -1 with a message in err. Closes nothing: the caller
 * owns rows. (export_xlsx.c) */
int export_xlsx_write(const struct export_report *rep, struct db_rows *rows, const char *dir,
    int *fd, uint64_t *size, uint64_t *nrows, unsigned char sha256[32], char *err,
    size_t errlen);

/* The refusal when db_rows_open() (rc 1: busy, -1: failed) gave no rows. */
void export_refused_reply(struct req *r, int rc);

#endif
