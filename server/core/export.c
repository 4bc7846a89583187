/* export.c -- the CSV reply producer: rows from db/rows.c, formatted a
 * batch at a time into one buffer that the HTTP layer drains, hashed on
 * the way; and the report reply that picks CSV or XLSX. */
#include "core/export.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sodium.h>

#include "config.h"
#include "core/reply.h"
#include "lib/csv.h"
#include "log.h"

#define BATCH_BYTES (32 * 1024)
#define MAX_COLS 32

struct csv_producer {
	struct db_rows *rows;    /* owned: closed on release */
	struct csv_out out;      /* formatted, not yet sent */
	size_t sent;             /* of out.len */
	size_t ncols;
	bool end;
	bool finished;           /* the end was recorded */
	uint64_t nrows, nbytes;
	crypto_hash_sha256_state sha;
	export_done_fn done;     /* NULL: nothing to record */
	int64_t id;
};

bool
export_wants_csv(const struct req *r)
{
	return r->accept != NULL && strncasecmp(r->accept, "text/csv", 8) == 0;
}

/* The rows have all been formatted: the report's end, with its hash. */
static void
finish(struct csv_producer *p)
{
	unsigned char sha[crypto_hash_sha256_BYTES];
	struct db *db = db_rows_db(p->rows);

	crypto_hash_sha256_final(&p->sha, sha);
	if (p->done != NULL && (db == NULL || p->done(db, p->id, p->nrows, p->nbytes, sha) != 0))
		log_warn("export %lld: its end could not be recorded", (long long)p->id);
}

/* Formats rows until a batch is ready or they end. -1 on an error. */
static int
fill(struct csv_producer *p)
{
	const char *cells[MAX_COLS];
	PGresult *row;
	size_t i;
	int rc;

	p->out.len = 0;
	p->sent = 0;
	while (!p->end && p->out.len < BATCH_BYTES) {
		rc = db_rows_next(p->rows, &row);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			p->end = true;
			break;
		}
		for (i = 0; i < p->ncols && i < (size_t)PQnfields(row); i++)
			cells[i] = PQgetisnull(row, 0, (int)i) ? NULL : PQgetvalue(row, 0, (int)i);
		csv_out_row(&p->out, cells, i);
		PQclear(row);
		p->nrows++;
	}
	if (p->out.failed)
		return -1;
	crypto_hash_sha256_update(&p->sha, (const unsigned char *)p->out.buf, p->out.len);
	p->nbytes += p->out.len;
	if (p->end && !p->finished) {
		p->finished = true;
		finish(p);
	}
	return 0;
}

static ssize_t
produce(void *cls, char *buf, size_t max)
{
	struct csv_producer *p = cls;
	size_t n;

	if (p->sent == p->out.len && fill(p) != 0)
		return -1;
	n = p->out.len - p->sent;
	if (n > max)
		n = max;
	memcpy(buf, p->out.buf + p->sent, n);
	p->sent += n;
	return (ssize_t)n;        /* 0 only once the rows have ended */
}

static void
release(void *cls)
{
	struct csv_producer *p = cls;

	db_rows_close(p->rows);
	csv_out_free(&p->out);
	free(p);
}

void
export_refused_reply(struct req *r, int rc)
{
	if (rc > 0)
		reply_problem(r, PROBLEM_DOWNLOAD_BUSY,
		    "every download slot is busy; try again shortly");
	else
		reply_problem(r, PROBLEM_DB_UNAVAILABLE,
		    "the database is not reachable; try again shortly");
	reply_header(r, "Retry-After", rc > 0 ? "10" : "5");
}

static void
attachment(struct req *r, const char *filename, const char *ext)
{
	char disposition[200];

	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s%s\"", filename, ext);
	reply_header(r, "Content-Disposition", disposition);
}

/* A CSV producer over rows, its first batch (the byte order mark and the
 * lines above the rows) formatted; NULL when out of memory (rows closed). */
static struct csv_producer *
csv_start(struct db_rows *rows, size_t ncols)
{
	struct csv_producer *p;

	if (ncols > MAX_COLS || (p = calloc(1, sizeof(*p))) == NULL) {
		db_rows_close(rows);
		return NULL;
	}
	p->rows = rows;
	p->ncols = ncols;
	p->out.neutralise = true;
	crypto_hash_sha256_init(&p->sha);
	csv_out_text(&p->out, "\xef\xbb\xbf", 3);         /* UTF-8 BOM, for Excel */
	return p;
}

static void
csv_go(struct req *r, struct csv_producer *p)
{
	struct reply_producer prod = { produce, release, p };

	crypto_hash_sha256_update(&p->sha, (const unsigned char *)p->out.buf, p->out.len);
	p->nbytes = p->out.len;
	reply_stream(r, 200, "text/csv; charset=utf-8", &prod);
}

void
export_csv_reply(struct req *r, const char *filename, const char *const *header,
    size_t ncols, struct db_rows *rows)
{
	struct csv_producer *p = csv_start(rows, ncols);

	if (p == NULL) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the download could not be prepared");
		return;
	}
	csv_out_row(&p->out, header, ncols);
	csv_go(r, p);
	attachment(r, filename, "");
}

static void
csv_report(struct req *r, const struct export_report *rep, struct db_rows *rows)
{
	const char *names[MAX_COLS];
	struct csv_producer *p = csv_start(rows, rep->ncols);
	size_t i;

	if (p == NULL) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the download could not be prepared");
		return;
	}
	for (i = 0; i < rep->npreamble; i++)
		csv_out_row(&p->out, rep->preamble[i], 2);
	csv_out_text(&p->out, "\r\n", 2);
	for (i = 0; i < rep->ncols; i++)
		names[i] = rep->columns[i].name;
	csv_out_row(&p->out, names, rep->ncols);
	p->done = rep->done;
	p->id = rep->id;
	csv_go(r, p);
	attachment(r, rep->filename, ".csv");
}

static void
xlsx_report(struct req *r, const struct export_report *rep, struct db_rows *rows)
{
	unsigned char sha[crypto_hash_sha256_BYTES];
	uint64_t size, nrows;
	char err[256];
	int fd;

	if (export_xlsx_write(rep, rows, config.upload_dir, &fd, &size, &nrows, sha, err,
	    sizeof(err)) != 0) {
		db_rows_close(rows);
		log_warn("export %lld: %s", (long long)rep->id, err);
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the workbook could not be written");
		return;
	}
	db_rows_close(rows);
	if (rep->done != NULL && rep->done(r->db, rep->id, nrows, size, sha) != 0)
		log_warn("export %lld: its end could not be recorded", (long long)rep->id);
	reply_file(r, fd, (size_t)size,
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	attachment(r, rep->filename, ".xlsx");
}

void
export_report_reply(struct req *r, const struct export_report *rep, struct db_rows *rows)
{
	if (rep->format == EXPORT_XLSX)
		xlsx_report(r, rep, rows);
	else
		csv_report(r, rep, rows);
}
