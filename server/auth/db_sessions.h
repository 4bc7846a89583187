/* db_sessions.h -- sessions and failed sign-ins. */
#ifndef REGISTRY_DB_SESSIONS_H
#define REGISTRY_DB_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "lib/roles.h"

/* The account behind an email, for sign-in. */
struct login_account {
	int64_t user_id;
	int64_t org_id;
	char roles[64];
	char password_hash[160];
	bool active;             /* the user and its organisation */
};

/* 1 found (into *s), 0 no valid session, -1 error. hash_hex is "\\x..". */
int db_session_lookup(struct db *db, const char *hash_hex, struct session *s);

/* 1 found, 0 no such email, -1 error. */
int db_session_account(struct db *db, const char *email, struct login_account *a);

/* Failed sign-ins in the last 15 minutes for the email and for the
 * address, and the seconds until the oldest of them ages out. */
int db_session_failures(struct db *db, const char *email, const char *addr,
    int64_t *by_email, int64_t *by_addr, int64_t *retry_after);
int db_session_failure_add(struct db *db, const char *email, const char *addr);

/* Inside a transaction: a new session; *expires_at gets its end. */
int db_session_create(struct db *db, const char *hash_hex, int64_t user_id,
    unsigned hours, json_t **expires_at);
int db_session_revoke(struct db *db, const char *hash_hex);
int db_session_revoke_user(struct db *db, int64_t user_id);
int db_session_revoke_org(struct db *db, int64_t org_id);

#endif
