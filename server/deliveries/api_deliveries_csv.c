/* api_deliveries_csv.c -- POST /api/v1/deliveries/:id/units: serial
 * numbers as a CSV upload (text/csv, header serial,model, one row a unit).
 *
 * The file is parsed here (csv.c) and goes to the database as one JSON
 * parameter; one statement checks every row and inserts all or none
 * (db_deliveries_add_units). A 422 lists every bad row by line, column
 * and reason; asked with Accept: text/csv it is the uploaded rows again
 * with an error column, for a person to fix and upload again. Units this
 * delivery already has are recognised, so uploading a file twice is
 * harmless. */
#include "deliveries/api_deliveries.h"
#include "deliveries/deliveries.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/csv.h"
#include "lib/utf8.h"

/* Enough for an upload of the programme's largest deliveries; a larger
 * file is split, so that one statement stays well inside its timeout. */
#define UPLOAD_MAX_ROWS 100000
#define TOO_MANY_ROWS "the file has more than 100,000 rows; upload it in parts"

/* Whether a header cell names column (spaces and case aside). */
static bool
cell_is(const char *cell, const char *column)
{
	size_t n;

	if (cell == NULL)
		return false;
	while (isspace((unsigned char)*cell))
		cell++;
	n = strlen(column);
	if (strncasecmp(cell, column, n) != 0)
		return false;
	for (cell += n; isspace((unsigned char)*cell); cell++)
		;
	return *cell == '\0';
}

/* The fields a row may have: 2 (serial,model), or 3 when the header has
 * the error column of an error report being uploaded again; -1 when the
 * first record is not the header. */
static int
header_fields(const struct csv *csv)
{
	size_t n = csv->nrecords ? csv->records[0].nfields : 0;

	if ((n != 2 && n != 3) || !cell_is(csv_field(csv, 0, 0), "serial") ||
	    !cell_is(csv_field(csv, 0, 1), "model") ||
	    (n == 3 && !cell_is(csv_field(csv, 0, 2), "error")))
		return -1;
	return (int)n;
}

static void
row_error_reply(struct req *r, size_t line, const char *message)
{
	reply_invalid(r, json_pack("[{s:I, s:n, s:n, s:s}]", "line", (json_int_t)line,
	    "column", "value", "message", message), message);
}

/* The most bytes row_json() writes for record rec: its numbers and keys,
 * and its serial and model quoted or its problem (under 160 bytes). */
static size_t
row_json_max(const struct csv *csv, size_t rec)
{
	const char *serial = csv_field(csv, rec, 0), *model = csv_field(csv, rec, 1);
	size_t text = UTF8_JSON_QUOTED_MAX(serial ? strlen(serial) : 0) +
	    UTF8_JSON_QUOTED_MAX(model ? strlen(model) : 0);

	return 96 + (text > 160 ? text : 160);
}

/* One data row as {n, line, serial, model}, or {n, line, problem} when its
 * shape is wrong, for the database to report with the others. Written at
 * w, which has row_json_max() bytes; returns the end. The text is written
 * directly, not through jansson: a tree of 100,000 rows took more time
 * and memory than the rest of the upload. */
static char *
row_json(char *w, const struct csv *csv, size_t rec, int width)
{
	size_t nf = csv->records[rec].nfields;
	char problem[128];

	w += sprintf(w, "{\"n\":%zu,\"line\":%zu,", rec, csv->records[rec].line);
	if (nf != 2 && (int)nf != width) {
		snprintf(problem, sizeof(problem), "has %zu field(s); a row is serial,model%s", nf,
		    width == 3 ? "[,error]" : "");
	} else if (!utf8_valid(csv_field(csv, rec, 0)) || !utf8_valid(csv_field(csv, rec, 1))) {
		/* The database takes only UTF-8: any other text is the row's problem. */
		snprintf(problem, sizeof(problem), "is not UTF-8 text; save the file as CSV UTF-8");
	} else {
		w += sprintf(w, "\"serial\":");
		w += utf8_json_quote(csv_field(csv, rec, 0), w);
		w += sprintf(w, ",\"model\":");
		w += utf8_json_quote(csv_field(csv, rec, 1), w);
		*w++ = '}';
		return w;
	}
	w += sprintf(w, "\"problem\":");
	w += utf8_json_quote(problem, w);
	*w++ = '}';
	return w;
}

/* The rows for db_deliveries_add_units as a JSON array, or NULL after a
 * 422: a file that is not CSV, lacks the header, has no rows or too many.
 * Sized first, then written in one buffer. */
static char *
upload_rows_or_reply(struct req *r, const struct csv *csv)
{
	int width = header_fields(csv);
	size_t rec, rows = 0, size = 3;
	char *text, *w;

	if (width < 0) {
		row_error_reply(r, 1, "the first line must be the header serial,model");
		return NULL;
	}
	for (rec = 1; rec < csv->nrecords; rec++) {
		if (csv_blank(csv, rec))
			continue;
		if (rows++ == UPLOAD_MAX_ROWS) {
			row_error_reply(r, csv->records[rec].line, TOO_MANY_ROWS);
			return NULL;
		}
		size += row_json_max(csv, rec) + 1;     /* and its comma */
	}
	if (rows == 0) {
		row_error_reply(r, 2, "the file has no units: give one row serial,model for each");
		return NULL;
	}
	if ((text = malloc(size)) == NULL) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "cannot encode the rows");
		return NULL;
	}
	w = text;
	*w++ = '[';
	for (rec = 1; rec < csv->nrecords; rec++) {
		if (csv_blank(csv, rec))
			continue;
		if (w > text + 1)
			*w++ = ',';
		w = row_json(w, csv, rec, width);
	}
	*w++ = ']';
	*w = '\0';
	return text;
}

/* The messages of the errors on line, "column message; ...", moving *k
 * past them (errors come in line order). */
static void
line_errors(json_t *errors, size_t *k, size_t line, char *out, size_t outlen)
{
	size_t len = 0;
	json_t *e;

	out[0] = '\0';
	for (; (e = json_array_get(errors, *k)) != NULL; (*k)++) {
		const char *col = json_string_value(json_object_get(e, "column"));

		if ((size_t)json_integer_value(json_object_get(e, "line")) != line)
			break;
		if (len + 1 < outlen)
			len += (size_t)snprintf(out + len, outlen - len, "%s%s%s%s", len ? "; " : "",
			    col ? col : "", col ? " " : "",
			    json_string_value(json_object_get(e, "message")));
	}
}

/* The uploaded rows with an error column (empty for good rows): what a
 * person fixes and uploads again. */
static void
error_report_reply(struct req *r, const struct csv *csv, json_t *errors, int64_t id)
{
	static const char *const head[] = { "serial", "model", "error" };
	struct csv_out o = { 0 };
	char message[1024], disposition[96];
	const char *row[3];
	size_t rec, k = 0;

	csv_out_row(&o, head, 3);
	for (rec = 1; rec < csv->nrecords; rec++) {
		if (csv_blank(csv, rec))
			continue;
		line_errors(errors, &k, csv->records[rec].line, message, sizeof(message));
		row[0] = csv_field(csv, rec, 0);
		row[1] = csv_field(csv, rec, 1);
		row[2] = message;
		csv_out_row(&o, row, 3);
	}
	if (o.failed) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "cannot build the error report");
	} else {
		reply_text(r, 422, "text/csv; charset=utf-8", o.buf);
		snprintf(disposition, sizeof(disposition),
		    "attachment; filename=\"delivery-%lld-errors.csv\"", (long long)id);
		reply_header(r, "Content-Disposition", disposition);
	}
	csv_out_free(&o);
}

static bool
wants_csv(const struct req *r)
{
	return r->accept != NULL && strcasestr(r->accept, "text/csv") != NULL;
}

static int
csv_type_or_reply(struct req *r)
{
	const char *ct = r->content_type;

	if (ct != NULL && strncasecmp(ct, "text/csv", 8) == 0 &&
	    (ct[8] == '\0' || ct[8] == ';' || ct[8] == ' '))
		return 0;
	reply_problem_with(r, PROBLEM_REQUEST_UNSUPPORTED_MEDIA_TYPE, json_pack("{s:s}",
	    "expected", "text/csv"), "send the file as text/csv (Content-Type was %s)",
	    ct ? ct : "missing");
	return -1;
}

/* The uploaded file's text, after counting its lines on disk: a file of
 * more rows than one upload takes is refused without being read in. */
static char *
upload_text_or_reply(struct req *r)
{
	uint64_t lines;
	char *text;

	if (stream_file_lines(r->upload.path, UPLOAD_MAX_ROWS + 2, &lines) != 0) {
		reply_problem(r, PROBLEM_UPLOAD_UNAVAILABLE,
		    "the upload could not be read back; try again shortly");
		return NULL;
	}
	if (lines > UPLOAD_MAX_ROWS + 1) {
		/* Serials and models hold no line breaks: lines are rows. */
		row_error_reply(r, UPLOAD_MAX_ROWS + 2, TOO_MANY_ROWS);
		return NULL;
	}
	if (stream_file_read(r->upload.path, r->upload.size, &text) != 0) {
		reply_problem(r, PROBLEM_UPLOAD_UNAVAILABLE,
		    "the upload could not be read back; try again shortly");
		return NULL;
	}
	return text;
}

static void
counts_reply(struct req *r, const struct dlv_work *w)
{
	json_int_t received = json_integer_value(json_object_get(w->result, "received"));
	if (w->write && received > 0) {
		reply_location(r, "/api/v1/deliveries/%lld/units", (long long)w->id);
	}
	reply_json_steal(r, w->write && received > 0 ? 201 : 200,
	    json_pack("{s:I, s:b, s:I, s:O, s:O, s:{s:I, s:s}}", "delivery_id", (json_int_t)w->id,
	    "dry_run", !w->write, "received", received,
	    "already_registered", json_object_get(w->result, "already_registered"),
	    "total_rows", json_object_get(w->result, "total_rows"),
	    "file", "bytes", (json_int_t)r->upload.size, "sha256", r->upload.sha256));
}

/* POST /api/v1/deliveries/:id/units[?dry_run=true] */
void
api_deliveries_upload(struct req *r)
{
	static const char *const known[] = { "dry_run", NULL };
	struct dlv_work w = { 0 };
	struct csv csv = { 0 };
	const char *dry;
	char *text = NULL;

	if (validate_param_id_or_reply(r, "id", &w.id) != 0 ||
	    validate_query_known_or_reply(r, known) != 0 ||
	    validate_query_bool_or_reply(r, "dry_run", &dry) != 0 || csv_type_or_reply(r) != 0)
		return;
	if ((text = upload_text_or_reply(r)) == NULL)
		goto out;
	if (csv_parse(&csv, text, r->upload.size) != 0) {
		row_error_reply(r, csv.error_line, csv.error);
		goto out;
	}
	if ((w.rows = upload_rows_or_reply(r, &csv)) == NULL)
		goto out;
	w.write = !(dry && strcmp(dry, "true") == 0);
	w.vendor = dlv_vendor_of(r);
	w.user_id = r->session.user_id;
	if (api_transaction(r, dlv_upload_tx, &w) < 0)
		goto out;
	if (w.refused == 422 && wants_csv(r))
		error_report_reply(r, &csv, json_object_get(w.result, "errors"), w.id);
	else if (w.refused)
		dlv_refusal_reply(r, &w);
	else
		counts_reply(r, &w);
out:
	free(text);
	csv_free(&csv);
	dlv_work_free(&w);
}
