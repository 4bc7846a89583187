/* clock.h -- the server's clock, which decides every deadline of a call.
 *
 * Real time, to the second. Only when REGISTRY_TEST_CLOCK_FILE is set in
 * the server's environment (the API tests do; a deployment never does)
 * the clock reads that file at each call: Unix seconds, or an empty file
 * for real time. No request can reach it: it is neither a header, nor a
 * parameter, nor a record. */
#ifndef REGISTRY_CLOCK_H
#define REGISTRY_CLOCK_H

#include <time.h>

/* The time now, as "YYYY-MM-DDTHH:MM:SSZ" in out, for a statement
 * parameter; returns out. */
const char *clock_now(char out[32]);

/* The same time as Unix seconds (second factors count time steps in it). */
time_t clock_time(void);

/* Today in Seoul (UTC+9, no summer time) by the real clock, as
 * "YYYY-MM-DD" in out; returns out. */
const char *clock_seoul_today(char out[11]);

#endif
