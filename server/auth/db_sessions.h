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

/* Limits of failed sign-ins in 15 minutes (sql/0008_signin.sql). */
struct login_limits {
	int64_t pair;            /* per account and address */
	int64_t account;         /* per account: unknown addresses wait, known ones slow */
	int64_t address;         /* per address, for accounts not known there */
	int64_t slow_seconds;    /* between attempts from a known address */
};

/* A recorded attempt (id > 0), or why it must wait. */
struct login_attempt {
	int64_t id;
	int64_t retry_after;
	char reason[16];         /* pair, address, account, slow */
};

/* Records a sign-in attempt before its password is checked, or refuses
 * it, counting under a lock per account and per address. 0 or -1. */
int db_session_attempt_begin(struct db *db, const char *email, const char *addr,
    const struct login_limits *lim, struct login_attempt *a);
/* Inside a transaction: the password was right; the address becomes known. */
int db_session_attempt_succeeded(struct db *db, int64_t attempt_id, int64_t user_id);

/* The attempt was no failure, yet no sign-in either (a right password
 * still waiting for its second factor, a right code while signed in):
 * it alone is removed, the other failures stay counted. */
int db_session_attempt_forget(struct db *db, int64_t attempt_id);

/* Inside a transaction: a new session; *expires_at gets its end. */
int db_session_create(struct db *db, const char *hash_hex, int64_t user_id,
    unsigned hours, json_t **expires_at);
int db_session_revoke(struct db *db, const char *hash_hex);
int db_session_revoke_user(struct db *db, int64_t user_id);
int db_session_revoke_org(struct db *db, int64_t org_id);

#endif
