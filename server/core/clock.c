/* clock.c -- the time by which deadlines are judged. */
#include "core/clock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "config.h"

/* The test clock's time, or -1 for real time. */
static time_t
test_time(void)
{
	char buf[32];
	FILE *f;
	char *end;
	long long v;
	size_t n;

	if (config.test_clock_file == NULL || (f = fopen(config.test_clock_file, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (end == buf || errno != 0 || v < 0)
		return -1;
	return (time_t)v;
}

time_t
clock_time(void)
{
	time_t t = test_time();

	return t < 0 ? time(NULL) : t;
}

const char *
clock_now(char out[32])
{
	time_t t = clock_time();
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return out;
}

const char *
clock_seoul_today(char out[11])
{
	time_t t = time(NULL) + 9 * 3600;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
	return out;
}
