/* api_sites.h -- what the site handlers (api_sites.c) share with the
 * allocation handlers (api_allocations.c): the capacity verdict. */
#ifndef REGISTRY_API_SITES_H
#define REGISTRY_API_SITES_H

#include "core/api.h"
#include "sites/db_sites.h"

/* 409 saying how much is left when the assets counted in room do not fit
 * the site or its rack (slots, or watts against the kW budget), or when
 * a lowered capacity is below what is placed there; 0 when all fits. */
int api_room_or_reply(struct req *r, const struct db_room *room);

#endif
