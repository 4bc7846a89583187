/* reports.c -- the reports' parameters and columns. Money columns are
 * whole won; amounts in an order's own currency are minor units (won, or
 * US cents) and say so in their names. */
#include "exports/reports.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define REPORT(id, name_, title_, stmt_, params_, columns_) \
	const struct report id = { .name = name_, .title = title_, .stmt = stmt_, \
	    .params = params_, .nparams = N(params_), .columns = columns_, .ncols = N(columns_) }

#define T EXPORT_TEXT
#define I EXPORT_INT
#define D EXPORT_DECIMAL
#define M EXPORT_MONEY
#define DAY EXPORT_DATE
#define AT EXPORT_TIME

static const char *const po_statuses[] = { "draft", "submitted", "approved", "ordered",
	"partially_delivered", "delivered", "closed", "cancelled", NULL };
static const char *const delivery_statuses[] = { "announced", "received", "inspected", NULL };
static const char *const unit_results[] = { "pending", "passed", "failed", NULL };
static const char *const asset_statuses[] = { "received", "in_stock", "allocated",
	"installed", "in_service", "rma", "retired", NULL };
static const char *const allocation_statuses[] = { "active", "ended", NULL };

#define PROGRAM { "program_id", PARAM_ID, NULL }
#define VENDOR { "vendor_id", PARAM_ID, NULL }
#define SITE { "site_id", PARAM_ID, NULL }
#define TENANT { "tenant_id", PARAM_ID, NULL }
#define FROM { "from", PARAM_DATE, NULL }
#define TO { "to", PARAM_DATE, NULL }

static const struct report_param po_params[] = {
	PROGRAM, VENDOR, { "status", PARAM_ENUM, po_statuses }, FROM, TO,
};
static const struct export_column po_columns[] = {
	{ "reference", T }, { "purchase_order_id", I }, { "program", T }, { "vendor", T },
	{ "status", T }, { "currency", T }, { "exchange_rate_krw_per_usd", D },
	{ "gpu_model", T }, { "quantity", I }, { "unit_price_minor_units", I },
	{ "line_amount_minor_units", I }, { "line_amount_krw", M }, { "order_total_krw", M },
	{ "created_at", AT }, { "submitted_at", AT }, { "approved_at", AT }, { "ordered_at", AT },
	{ "delivered_at", AT }, { "closed_at", AT }, { "cancelled_at", AT },
	{ "created_by", T }, { "approved_by", T }, { "override_reason", T },
	{ "cancel_reason", T },
};
REPORT(report_purchase_orders, "purchase-orders",
    "구매 발주 Purchase orders: lines, totals, status dates, approver",
    "report_purchase_orders", po_params, po_columns);

static const struct report_param delivery_params[] = {
	PROGRAM, VENDOR, { "status", PARAM_ENUM, delivery_statuses },
	{ "result", PARAM_ENUM, unit_results }, FROM, TO,
};
static const struct export_column delivery_columns[] = {
	{ "delivery_id", I }, { "delivery_reference", T }, { "purchase_order", T },
	{ "vendor", T }, { "delivery_status", T }, { "announced_at", AT },
	{ "received_at", AT }, { "received_by", T }, { "inspected_at", AT }, { "serial", T },
	{ "gpu_model", T }, { "result", T }, { "inspector", T }, { "unit_inspected_at", AT },
	{ "note", T }, { "asset_id", I },
};
REPORT(report_deliveries, "deliveries",
    "납품·검수 Deliveries and acceptance, per unit",
    "report_deliveries", delivery_params, delivery_columns);

static const struct report_param asset_params[] = {
	PROGRAM, VENDOR, SITE, TENANT, { "status", PARAM_ENUM, asset_statuses },
	{ "as_of", PARAM_AS_OF, NULL },
};
static const struct export_column asset_columns[] = {
	{ "asset_id", I }, { "serial", T }, { "manufacturer", T }, { "model", T },
	{ "status", T }, { "program", T }, { "vendor", T }, { "purchase_order", T },
	{ "site", T }, { "tenant", T }, { "accepted_on", DAY }, { "warranty_ends_on", DAY },
	{ "cost_krw", M }, { "depreciation_months", I }, { "book_value_krw", M },
	{ "as_of", DAY },
};
REPORT(report_assets, "assets",
    "자산 대장 Asset register: warranty and straight-line book value",
    "report_assets", asset_params, asset_columns);

static const struct report_param allocation_params[] = {
	SITE, TENANT, { "status", PARAM_ENUM, allocation_statuses }, FROM, TO,
};
static const struct export_column allocation_columns[] = {
	{ "site", T }, { "region", T }, { "rack", T }, { "tenant", T }, { "tenant_kind", T },
	{ "allocation_id", I }, { "purpose", T }, { "starts_on", DAY }, { "ends_on", DAY },
	{ "status", T }, { "gpus_held", I }, { "gpus_ever", I }, { "power_watts", I },
	{ "created_at", AT }, { "ended_at", AT }, { "end_reason", T },
};
REPORT(report_allocations, "allocations",
    "배분 Allocations by site and tenant",
    "report_allocations", allocation_params, allocation_columns);

static const struct report_param utilization_params[] = { SITE };
static const struct export_column utilization_columns[] = {
	{ "site_id", I }, { "site", T }, { "region", T }, { "operator", T }, { "active", T },
	{ "slot_capacity", I }, { "slots_used", I }, { "slots_free", I },
	{ "slots_used_percent", D }, { "power_capacity_kw", I }, { "power_used_kw", D },
	{ "power_used_percent", D }, { "gpus_in_service", I }, { "tenants", I },
};
REPORT(report_site_utilization, "site-utilization",
    "사이트 활용률 Site utilisation",
    "report_site_utilization", utilization_params, utilization_columns);

static const struct report_param progress_params[] = { PROGRAM };
static const struct export_column progress_columns[] = {
	{ "program_id", I }, { "program", T }, { "starts_on", DAY }, { "ends_on", DAY },
	{ "budget_krw", M }, { "committed_krw", M }, { "paid_krw", M }, { "remaining_krw", M },
	{ "milestone_due_on", DAY }, { "milestone", T }, { "gpu_target", I },
	{ "gpus_ordered_by_due", I }, { "gpus_accepted_by_due", I }, { "shortfall", I },
	{ "gpus_in_service_now", I },
};
REPORT(report_program_progress, "program-progress",
    "사업 진척 Programme progress against milestones and budget",
    "report_program_progress", progress_params, progress_columns);

static const struct report_param call_params[] = { { "call_id", PARAM_ID, NULL } };
static const struct export_column call_columns[] = {
	{ "call_id", I }, { "call_title", T }, { "section", T }, { "reference", T },
	{ "organization", T }, { "person", T }, { "detail", T }, { "consortium_members", T },
	{ "at", AT }, { "record_id", I },
};
REPORT(report_call, "call",
    "공모 The call: letters of intent, briefing attendees, guideline downloads",
    "report_call", call_params, call_columns);

static const struct report_param audit_params[] = {
	FROM, TO, { "table", PARAM_NAME, NULL }, { "actor_user_id", PARAM_ID, NULL },
};
static const struct export_column audit_columns[] = {
	{ "event_id", I }, { "leaf_index", I }, { "at", AT }, { "actor_user_id", I },
	{ "actor_email", T },
	{ "actor_org_id", I }, { "actor_roles", T }, { "channel", T }, { "request_id", T },
	{ "client_addr", T }, { "table_name", T }, { "record_id", T }, { "action", T },
	{ "before", T }, { "after", T },
};
REPORT(report_audit_trail, "audit-trail",
    "감사 추적 Audit trail",
    "report_audit_trail", audit_params, audit_columns);
