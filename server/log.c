/* log.c -- JSON lines on stderr, warnings rate-limited. */
#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

static pthread_mutex_t warn_lock = PTHREAD_MUTEX_INITIALIZER;
static time_t warn_second;
static unsigned warn_count;
static unsigned long warn_suppressed;

static void
emit(json_t *line)
{
	char at[32];
	struct timespec now;
	struct tm tm;
	char *text;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(at + strlen(at), sizeof(at) - strlen(at), ".%03ldZ", now.tv_nsec / 1000000);
	json_object_set_new(line, "time", json_string(at));
	/* Invalid UTF-8 would make jansson drop a string: ensure_ascii and
	 * the checks of the HTTP layer keep every line whole. */
	text = json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	if (text != NULL) {
		fprintf(stderr, "%s\n", text);
		free(text);
	}
	json_decref(line);
}

void
log_request(const char *method, const char *path, int status, double ms,
    const char *request_id, const char *client_addr, bool ended_early)
{
	json_t *line = json_pack("{s:s, s:s, s:s?, s:i, s:f, s:s, s:s}", "level", "info",
	    "method", method, "path", path, "status", status, "ms", ms, "request_id", request_id,
	    "client", client_addr);

	if (line == NULL)
		return;
	if (ended_early)
		json_object_set_new(line, "ended_early", json_true());
	emit(line);
}

void
log_vwarn(const char *fmt, va_list ap)
{
	char msg[512];
	unsigned long suppressed = 0;
	time_t now = time(NULL);
	size_t n;
	json_t *line;

	pthread_mutex_lock(&warn_lock);
	if (now != warn_second) {
		warn_second = now;
		warn_count = 0;
	}
	if (++warn_count > LOG_WARN_PER_SECOND) {
		warn_suppressed++;
		pthread_mutex_unlock(&warn_lock);
		return;
	}
	suppressed = warn_suppressed;
	warn_suppressed = 0;
	pthread_mutex_unlock(&warn_lock);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')     /* libpq and MHD end theirs so */
		msg[--n] = '\0';
	line = json_pack("{s:s, s:s}", "level", "warning", "message", msg);
	if (line == NULL)
		return;
	if (suppressed > 0)
		json_object_set_new(line, "suppressed_before", json_integer((json_int_t)suppressed));
	emit(line);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwarn(fmt, ap);
	va_end(ap);
}
