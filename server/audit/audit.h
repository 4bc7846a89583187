/* audit -- the audit trail and its verifiable log. Handlers may call
 * core, db, auth, lib and their own db_*.c; the trail itself is written
 * by the database (the audit_row trigger, audit_log_event). */
#ifndef REGISTRY_AUDIT_H
#define REGISTRY_AUDIT_H

#include "core/req.h"

void api_audit_list(struct req *r);
void api_audit_checkpoints(struct req *r);
void api_audit_inclusion(struct req *r);
void api_audit_consistency(struct req *r);
void api_audit_verify(struct req *r);

/* registry audit verify | export | verify-offline (see cli_audit.c). */
int audit_cli(int argc, char **argv);

#endif
