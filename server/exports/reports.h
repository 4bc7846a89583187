/* reports.h -- the reports as data: each one's statement, the query
 * parameters it takes (in the statement's order) and its columns (in the
 * statement's order, typed for the workbook). reports.c holds them. */
#ifndef REGISTRY_REPORTS_H
#define REGISTRY_REPORTS_H

#include <stddef.h>

#include "core/export.h"

enum param_kind {
	PARAM_ID,                /* a record's id */
	PARAM_DATE,              /* YYYY-MM-DD */
	PARAM_AS_OF,             /* a date, today in Seoul when not given */
	PARAM_ENUM,              /* one of values */
	PARAM_NAME,              /* a table's name */
};

struct report_param {
	const char *name;
	enum param_kind kind;
	const char *const *values;
};

struct report {
	const char *name;        /* the path's last segment, the file's name */
	const char *title;       /* stated above the columns */
	const char *stmt;        /* db_reports.c */
	const struct report_param *params;
	size_t nparams;
	const struct export_column *columns;
	size_t ncols;
};

extern const struct report report_purchase_orders, report_deliveries, report_assets,
    report_allocations, report_site_utilization, report_program_progress, report_call,
    report_audit_trail;

#endif
