/* api_reports.c -- GET /api/v1/exports/<report>: the reports for
 * auditors, as CSV (the default, or Accept: text/csv, or format=csv) or
 * XLSX (format=xlsx, or Accept naming the spreadsheet type).
 *
 * Each report is a table below: its statement (db_reports.c), the query
 * parameters it takes in the statement's order, and its columns. A
 * download is recorded in `exports` before its first byte (the audit
 * event of the export) and completed with its SHA-256 after its last;
 * X-Export-Id and a Link header name its manifest. */
#include "core/api.h"
#include "exports/exports.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/export.h"
#include "db/rows.h"
#include "exports/db_reports.h"
#include "exports/reports.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define MAX_PARAMS 8

/* A table's name in the trail: lower case letters, digits and _. */
static int
name_or_reply(struct req *r, const char *name, const char *v)
{
	size_t n = strlen(v);

	if (n >= 1 && n <= 63 && strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_") == n)
		return 0;
	reply_problem_with(r, PROBLEM_QUERY_INVALID, json_pack("{s:s}", "parameter", name),
	    "query parameter %s must be a table's name", name);
	return -1;
}

/* Checks one parameter by its kind; *v is its value, or NULL. */
static int
param_or_reply(struct req *r, const struct report_param *p, const char **v, char today[11])
{
	int64_t id;
	bool present;

	*v = req_query(r, p->name);
	switch (p->kind) {
	case PARAM_ID:
		return validate_query_id_or_reply(r, p->name, &id, &present);
	case PARAM_ENUM:
		return validate_query_enum_or_reply(r, p->name, p->values, v);
	case PARAM_NAME:
		return *v == NULL ? 0 : name_or_reply(r, p->name, *v);
	case PARAM_DATE:
		return validate_query_date_or_reply(r, p->name, v);
	case PARAM_AS_OF:
		if (validate_query_date_or_reply(r, p->name, v) != 0)
			return -1;
		if (*v == NULL)
			*v = clock_seoul_today(today);
		return 0;
	}
	return 0;
}

/* The format asked for: format=, else Accept, else CSV. */
static int
format_or_reply(struct req *r, enum export_format *f)
{
	static const char *const formats[] = { "csv", "xlsx", NULL };
	const char *v;

	if (validate_query_enum_or_reply(r, "format", formats, &v) != 0)
		return -1;
	if (v != NULL)
		*f = strcmp(v, "xlsx") == 0 ? EXPORT_XLSX : EXPORT_CSV;
	else
		*f = r->accept != NULL && strstr(r->accept, XLSX_TYPE) != NULL ?
		    EXPORT_XLSX : EXPORT_CSV;
	return 0;
}

struct request {
	const struct report *rep;
	const char *values[MAX_PARAMS];
	char today[11];
	char parameters[512];    /* "name=value&..." of those given */
	enum export_format format;
};

/* Every parameter checked, from <= to, and the parameters' text. */
static int
request_or_reply(struct req *r, struct request *q)
{
	const char *known[MAX_PARAMS + 2];
	const char *from = NULL, *to = NULL;
	size_t i, len = 0;

	for (i = 0; i < q->rep->nparams; i++)
		known[i] = q->rep->params[i].name;
	known[i++] = "format";
	known[i] = NULL;
	if (validate_query_known_or_reply(r, known) != 0 || format_or_reply(r, &q->format) != 0)
		return -1;
	for (i = 0; i < q->rep->nparams; i++) {
		if (param_or_reply(r, &q->rep->params[i], &q->values[i], q->today) != 0)
			return -1;
		if (q->values[i] == NULL)
			continue;
		if (strcmp(q->rep->params[i].name, "from") == 0)
			from = q->values[i];
		if (strcmp(q->rep->params[i].name, "to") == 0)
			to = q->values[i];
		len += (size_t)snprintf(q->parameters + len, sizeof(q->parameters) - len, "%s%s=%s",
		    len ? "&" : "", q->rep->params[i].name, q->values[i]);
	}
	if (from != NULL && to != NULL && strcmp(from, to) > 0) {
		reply_problem_with(r, PROBLEM_QUERY_INVALID, json_pack("{s:s}", "parameter", "to"),
		    "the period ends (to %s) before it starts (from %s)", to, from);
		return -1;
	}
	return 0;
}

struct start {
	const struct request *q;
	int64_t user_id;
	json_t *row;             /* owned by the handler */
};

static int
start_export(struct db *db, void *arg)
{
	struct start *s = arg;

	return db_exports_start(db, s->user_id, s->q->rep->name,
	    s->q->format == EXPORT_XLSX ? "xlsx" : "csv", s->q->parameters, &s->row);
}

static void
report_reply(struct req *r, const struct report *rep)
{
	struct request q = { .rep = rep };
	struct start s = { .q = &q, .user_id = r->session.user_id };
	struct export_report out = { .columns = rep->columns, .ncols = rep->ncols,
	    .done = db_exports_complete };
	struct db_param params[MAX_PARAMS];
	struct db_rows *rows;
	char file[64], link[96], id[24], err[256];
	size_t i;
	int rc;

	if (request_or_reply(r, &q) != 0)
		return;
	for (i = 0; i < rep->nparams; i++)
		params[i] = DB_STR(q.values[i]);
	/* Recorded first, so that the audit trail's own export holds its
	 * event; one refused as busy below stays without an end. */
	if (api_transaction(r, start_export, &s) != 0) {
		json_decref(s.row);
		return;
	}
	if ((rc = db_rows_open(rep->stmt, params, rep->nparams, &rows, err, sizeof(err))) != 0) {
		export_refused_reply(r, rc);
		json_decref(s.row);
		return;
	}
	out.id = json_integer_value(json_object_get(s.row, "id"));
	snprintf(id, sizeof(id), "%lld", (long long)out.id);
	snprintf(file, sizeof(file), "%s-%s", rep->name, id);
	snprintf(link, sizeof(link), "</api/v1/exports/%s/manifest>; rel=\"describedby\"", id);
	out.format = q.format;
	out.filename = file;
	out.npreamble = 5;
	out.preamble[0][0] = "보고서 report";
	out.preamble[0][1] = rep->title;
	out.preamble[1][0] = "조건 parameters";
	out.preamble[1][1] = q.parameters[0] ? q.parameters : "(none)";
	out.preamble[2][0] = "추출 시각 extracted at (Asia/Seoul)";
	out.preamble[2][1] = json_string_value(json_object_get(s.row, "started"));
	out.preamble[3][0] = "사용자 user";
	out.preamble[3][1] = json_string_value(json_object_get(s.row, "user"));
	out.preamble[4][0] = "내보내기 export";
	out.preamble[4][1] = id;
	export_report_reply(r, &out, rows);
	reply_header(r, "X-Export-Id", id);
	reply_header(r, "Link", link);
	json_decref(s.row);
}

void api_exports_purchase_orders(struct req *r) { report_reply(r, &report_purchase_orders); }
void api_exports_deliveries(struct req *r) { report_reply(r, &report_deliveries); }
void api_exports_assets(struct req *r) { report_reply(r, &report_assets); }
void api_exports_allocations(struct req *r) { report_reply(r, &report_allocations); }
void api_exports_site_utilization(struct req *r) { report_reply(r, &report_site_utilization); }
void api_exports_program_progress(struct req *r) { report_reply(r, &report_program_progress); }
void api_exports_call(struct req *r) { report_reply(r, &report_call); }
void api_exports_audit_trail(struct req *r) { report_reply(r, &report_audit_trail); }
