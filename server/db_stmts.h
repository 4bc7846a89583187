/* db_stmts.h -- the statement tables of every resource, prepared by db.c
 * at each connect. A new resource adds its table here. */
#ifndef REGISTRY_DB_STMTS_H
#define REGISTRY_DB_STMTS_H

#include "db.h"

extern const struct db_stmt db_sessions_stmts[];
extern const struct db_stmt db_organizations_stmts[];
extern const struct db_stmt db_users_stmts[];
extern const struct db_stmt db_audit_stmts[];
extern const struct db_stmt db_health_stmts[];

#define DB_STMT_TABLES \
	db_sessions_stmts, db_organizations_stmts, db_users_stmts, \
	db_audit_stmts, db_health_stmts

#endif
