/* audit -- reading the audit trail. Handlers may call core, db, auth, lib
 * and their own db_*.c; the trail itself is written by the database. */
#ifndef REGISTRY_AUDIT_H
#define REGISTRY_AUDIT_H

#include "core/req.h"

void api_audit_list(struct req *r);

#endif
