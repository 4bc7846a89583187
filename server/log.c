/* log.c -- JSON lines on stderr, warnings rate-limited. */
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "lib/utf8.h"

static pthread_mutex_t warn_lock = PTHREAD_MUTEX_INITIALIZER;
static time_t warn_second;
static unsigned warn_count;
static unsigned long warn_suppressed;

/* The time as 2026-01-02T03:04:05.678Z into out (25 bytes). gmtime and
 * strftime run once a second per thread, not once a line. */
static void
time_text(char out[25])
{
	static _Thread_local time_t second = -1;
	static _Thread_local char date[21];  /* up to the seconds */
	struct timespec now;
	struct tm tm;
	unsigned ms;

	clock_gettime(CLOCK_REALTIME, &now);
	if (now.tv_sec != second) {
		gmtime_r(&now.tv_sec, &tm);
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
		second = now.tv_sec;
	}
	ms = (unsigned)(now.tv_nsec / 1000000) % 1000;
	memcpy(out, date, 19);
	out[19] = '.';
	out[20] = (char)('0' + ms / 100);
	out[21] = (char)('0' + ms / 10 % 10);
	out[22] = (char)('0' + ms % 10);
	out[23] = 'Z';
	out[24] = '\0';
}

static void
emit(json_t *line)
{
	char at[25];
	char *text;

	time_text(at);
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

/* Writes all of line, as one write(2) when the system allows: stderr is
 * unbuffered, so lines of different threads never interleave. */
static void
write_line(const char *line, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(STDERR_FILENO, line, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		line += n;
		len -= (size_t)n;
	}
}

static char *
put(char *w, const char *s)
{
	size_t n = strlen(s);

	memcpy(w, s, n);
	return w + n;
}

/* n in decimal, at least min_digits of it (zeros in front). */
static char *
put_number(char *w, long long n, int min_digits)
{
	char digits[24];
	int i = 0;

	if (n < 0) {
		*w++ = '-';
		n = -n;
	}
	do {
		digits[i++] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0 || i < min_digits);
	while (i > 0)
		*w++ = digits[--i];
	return w;
}

/* A request's line is written by hand, not through jansson: it is the
 * one line every request writes, and building and dumping a JSON object
 * for it cost more than the rest of a small GET's own work. The strings
 * are quoted as jansson's JSON_ENSURE_ASCII would (lib/utf8.c), so that
 * nothing a client sends can end the line or forge another. */
void
log_request(const char *method, const char *path, int status, double ms,
    const char *request_id, const char *client_addr, bool ended_early)
{
	size_t mlen = strlen(method), plen = path ? strlen(path) : 0;
	size_t need = UTF8_JSON_QUOTED_MAX(mlen) + UTF8_JSON_QUOTED_MAX(plen) +
	    UTF8_JSON_QUOTED_MAX(strlen(request_id)) + UTF8_JSON_QUOTED_MAX(strlen(client_addr)) +
	    192;
	long long us;
	char stack[2048], at[25], *line = need <= sizeof(stack) ? stack : malloc(need), *w;

	if (line == NULL)
		return;
	/* Whole microseconds, printed as integers: glibc's floating-point
	 * printing was a tenth of the line's cost. Clamped, so that the
	 * number's text stays short whatever the clock did. */
	us = ms >= 0 && ms < 1e12 ? (long long)(ms * 1000 + 0.5) : ms < 0 ? 0 : (long long)1e15;
	time_text(at);
	w = put(line, "{\"level\":\"info\",\"method\":");
	w += utf8_json_quote(method, w);
	w = put(w, ",\"path\":");
	w = path ? w + utf8_json_quote(path, w) : put(w, "null");
	w = put(w, ",\"status\":");
	w = put_number(w, status, 1);
	w = put(w, ",\"ms\":");
	w = put_number(w, us / 1000, 1);
	*w++ = '.';
	w = put_number(w, us % 1000, 3);
	w = put(w, ",\"request_id\":");
	w += utf8_json_quote(request_id, w);
	w = put(w, ",\"client\":");
	w += utf8_json_quote(client_addr, w);
	if (ended_early)
		w = put(w, ",\"ended_early\":true");
	w = put(w, ",\"time\":\"");
	w = put(w, at);
	w = put(w, "\"}\n");
	write_line(line, (size_t)(w - line));
	if (line != stack)
		free(line);
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
