/* api_deliveries.h -- what the delivery handlers share: api_deliveries.c
 * (JSON) and api_deliveries_csv.c (the CSV upload). One write is one
 * struct dlv_work, filled by the handler, run by a transaction function,
 * answered from what that function found. */
#ifndef REGISTRY_API_DELIVERIES_H
#define REGISTRY_API_DELIVERIES_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "core/api.h"

struct dlv_work {
	/* What to do. */
	int64_t id;              /* the delivery; 0 until a new one exists */
	int64_t po_id;
	int64_t vendor;          /* a vendor's organisation, which it is limited to; 0 = staff */
	int64_t user_id;
	const char *status;      /* of a new delivery: announced or received */
	const char *reference;   /* borrowed from the body */
	const char *note;
	char *rows;              /* the units as a JSON array text; owned */
	bool write;              /* false: check only (dry run) */

	/* What the transaction found; reset at its start, because a
	 * serialization failure runs it again. */
	int refused;             /* 0, or the HTTP status of a refusal */
	const struct problem_def *code; /* its code (404, 409) */
	json_t *fields;          /* its members (id, status); owned */
	char detail[256];        /* its detail (404, 409) */
	json_t *result;          /* what the units or inspection statement said; owned */
	json_t *delivery;        /* the delivery afterwards; owned */
};

/* The caller's organisation when it may see only its own POs, else 0. */
int64_t dlv_vendor_of(const struct req *r);

/* The transaction of an upload: units added to w->id, all or none. */
int dlv_upload_tx(struct db *db, void *arg);

/* Replies a refusal: the 422 of w->result's errors, or w->detail. */
void dlv_refusal_reply(struct req *r, struct dlv_work *w);

void dlv_work_free(struct dlv_work *w);

#endif
