/* db_calls.h -- calls for proposals, their timetable and status, and the
 * briefing's attendees, in the database. Every function that judges a
 * deadline takes the server's clock as `at` (core/clock.h's text). */
#ifndef REGISTRY_DB_CALLS_H
#define REGISTRY_DB_CALLS_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "db/db.h"
#include "lib/roles.h"

/* A call as its writers need it, read under a row lock. Times are Seoul
 * text ("2026-03-02T14:00:00+09:00"). */
struct db_call_state {
	int64_t version;
	char status[24];
	char briefing_at[32];
	char loi_deadline[32];
	char guidelines_release_at[32];
	char proposal_deadline[32];
	char opening_at[32];
	bool opening_due;        /* the clock is at or past opening_at */
	int64_t briefing_capacity;
	int64_t attendees;       /* registered for the briefing, counted after the lock */
	int64_t created_by;      /* the officer who created the call */
	bool signatures_required;  /* submissions must be signed by an organisation key */
};

struct call_filter {
	const char *at;
	bool drafts;             /* ministry staff see drafts too */
	const char *status;      /* or NULL */
	int64_t after;
	int limit;               /* page size + 1 */
};

int db_calls_list(struct db *db, const struct call_filter *f, json_t **rows);
/* *call is NULL when there is none, or it is a draft and !drafts. */
int db_calls_get(struct db *db, int64_t id, const char *at, bool drafts, json_t **call);
/* Borrows fields (validated). *id is the new call's. */
int db_calls_create(struct db *db, const json_t *fields, int64_t org_id, int64_t user_id,
    int64_t *id);
int db_calls_update(struct db *db, int64_t id, const json_t *fields);
int db_calls_publish(struct db *db, int64_t id, const char *at);
int db_calls_cancel(struct db *db, int64_t id, const char *at, const char *reason);

/* Locks the call (exclusive when `exclusive`, else shared) and reads its
 * state at `at`. 0, 1 when there is no such call or it is a draft and
 * !drafts, -1 on error. */
int db_calls_lock(struct db *db, int64_t id, const char *at, bool exclusive, bool drafts,
    struct db_call_state *st);

/* Briefing attendees. org 0: every organisation's. */
int db_attendees_add(struct db *db, int64_t call_id, const struct session *s, const char *at,
    const json_t *fields, json_t **out);
int db_attendees_list(struct db *db, int64_t call_id, int64_t org, int64_t after, int limit,
    json_t **rows);

#endif
