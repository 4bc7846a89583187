/* export.c -- the CSV reply producer: rows from db/rows.c, formatted a
 * batch at a time into one buffer that the HTTP layer drains. */
#include "core/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/reply.h"
#include "lib/csv.h"

#define BATCH_BYTES (32 * 1024)
#define MAX_COLS 32

struct csv_producer {
	struct db_rows *rows;    /* owned: closed on release */
	struct csv_out out;      /* formatted, not yet sent */
	size_t sent;             /* of out.len */
	size_t ncols;
	bool end;
};

bool
export_wants_csv(const struct req *r)
{
	return r->accept != NULL && strncasecmp(r->accept, "text/csv", 8) == 0;
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
	}
	return p->out.failed ? -1 : 0;
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

void
export_csv_reply(struct req *r, const char *filename, const char *const *header,
    size_t ncols, struct db_rows *rows)
{
	struct reply_producer prod = { produce, release, NULL };
	struct csv_producer *p;
	char disposition[160];

	if (ncols > MAX_COLS || (p = calloc(1, sizeof(*p))) == NULL) {
		db_rows_close(rows);
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the download could not be prepared");
		return;
	}
	p->rows = rows;
	p->ncols = ncols;
	p->out.neutralise = true;
	csv_out_text(&p->out, "\xef\xbb\xbf", 3);         /* UTF-8 BOM, for Excel */
	csv_out_row(&p->out, header, ncols);
	prod.cls = p;
	reply_stream(r, 200, "text/csv; charset=utf-8", &prod);
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"", filename);
	reply_header(r, "Content-Disposition", disposition);
}
