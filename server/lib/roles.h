/* roles.h -- who is calling: the role bits and the session a request
 * carries into the data layer. Pure data, no I/O: core, auth and every
 * db_<resource>.c may include it. */
#ifndef REGISTRY_LIB_ROLES_H
#define REGISTRY_LIB_ROLES_H

#include <stdbool.h>
#include <stdint.h>

#define ROLE_ADMIN   0x01u
#define ROLE_OFFICER 0x02u
#define ROLE_VENDOR  0x04u
#define ROLE_AUDITOR 0x08u
#define ROLE_TENANT  0x10u
/* The ministry's people, who see every organisation's records. */
#define ROLE_STAFF   (ROLE_ADMIN | ROLE_OFFICER | ROLE_AUDITOR)

/* Filled by auth from the session, for the handler, the role checks, the
 * data layer's scoping and the audit context. */
struct session {
	int64_t id;
	int64_t user_id;
	int64_t org_id;
	unsigned roles;          /* ROLE_* bits */
	char roles_text[64];     /* "{admin,officer}", as PostgreSQL spells it */
	bool via_cookie;         /* browser channel: writes need the Origin check */
	/* A role of the user requires a second factor the user has not
	 * enrolled: the session reaches only the routes flagged ROUTE_ENROL. */
	bool enrol_only;
};

/* Role name -> bit; 0 for an unknown name. */
unsigned roles_bit(const char *name);

/* The name of one role bit; NULL for a bit that names no role. */
const char *roles_name(unsigned bit);

/* Parses "{admin,officer}" into bits; unknown names are ignored. */
unsigned roles_parse(const char *pg_array);

#endif
