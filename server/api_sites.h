/* api_sites.h -- what the site handlers (api_sites.c) share with the
 * allocation handlers (api_allocations.c): the capacity verdict and
 * ceilings on whole-number fields. */
#ifndef REGISTRY_API_SITES_H
#define REGISTRY_API_SITES_H

#include "api.h"
#include "db_sites.h"

/* A ceiling on an integer member of a request body; tables end with a
 * {NULL} entry. */
struct api_int_limit {
	const char *field;
	long long max;
};

/* 422 listing errors ({field, message}) unless there are none; steals
 * errors. */
int api_errors_or_reply(struct req *r, json_t *errors);

/* 422 naming every integer member of body above its ceiling. */
int api_limits_or_reply(struct req *r, const json_t *body, const struct api_int_limit *lim);

/* 409 saying how much is left when the assets counted in room do not fit
 * the site or its rack (slots, or watts against the kW budget), or when
 * a lowered capacity is below what is placed there; 0 when all fits. */
int api_room_or_reply(struct req *r, const struct db_room *room);

#endif
