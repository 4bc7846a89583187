/* db_stmts.h -- the statement tables of every resource, prepared by db.c
 * at each connect. A new resource adds its table here. */
#ifndef REGISTRY_DB_STMTS_H
#define REGISTRY_DB_STMTS_H

#include "db/db.h"

extern const struct db_stmt db_sessions_stmts[];
extern const struct db_stmt db_organizations_stmts[];
extern const struct db_stmt db_users_stmts[];
extern const struct db_stmt db_second_factor_stmts[];
extern const struct db_stmt db_audit_stmts[];
extern const struct db_stmt db_audit_log_stmts[];
extern const struct db_stmt db_health_stmts[];
extern const struct db_stmt db_idempotency_stmts[];
/* procurement */
extern const struct db_stmt db_programs_stmts[];
extern const struct db_stmt db_gpu_models_stmts[];
extern const struct db_stmt db_purchase_orders_stmts[];
/* deliveries and assets */
extern const struct db_stmt db_deliveries_stmts[];
extern const struct db_stmt db_assets_stmts[];
/* sites and allocations */
extern const struct db_stmt db_sites_stmts[];
extern const struct db_stmt db_allocations_stmts[];
/* calls */
extern const struct db_stmt db_calls_stmts[];
extern const struct db_stmt db_applicants_stmts[];
extern const struct db_stmt db_letters_stmts[];
extern const struct db_stmt db_guidelines_stmts[];
extern const struct db_stmt db_proposals_stmts[];
/* exports */
extern const struct db_stmt db_reports_stmts[];
extern const struct db_stmt db_exports_stmts[];
extern const struct db_stmt db_ocds_stmts[];
extern const struct db_stmt db_evaluation_stmts[];
extern const struct db_stmt db_award_stmts[];
extern const struct db_stmt db_org_keys_stmts[];

#define DB_STMT_TABLES \
	db_sessions_stmts, db_organizations_stmts, db_users_stmts, db_second_factor_stmts, \
	db_audit_stmts, db_audit_log_stmts, db_health_stmts, db_idempotency_stmts, \
	db_programs_stmts, db_gpu_models_stmts, db_purchase_orders_stmts \
	/* deliveries and assets */ \
	, db_deliveries_stmts, db_assets_stmts \
	/* sites and allocations */ \
	, db_sites_stmts, db_allocations_stmts \
	/* calls */ \
	, db_calls_stmts, db_applicants_stmts, db_letters_stmts, db_guidelines_stmts, \
	db_proposals_stmts, db_evaluation_stmts, db_award_stmts, db_org_keys_stmts \
	/* exports */ \
	, db_reports_stmts, db_exports_stmts, db_ocds_stmts

#endif
