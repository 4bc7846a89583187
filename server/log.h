/* log.h -- the service's log: one JSON object per line on stderr, so that
 * nothing a client sends (a path with %0a, say) can forge a line, and a
 * flood of one warning cannot fill the disk. Any layer may use it. */
#ifndef REGISTRY_LOG_H
#define REGISTRY_LOG_H

#include <stdarg.h>
#include <stdbool.h>

/* One line for a finished request. */
void log_request(const char *method, const char *path, int status, double ms,
    const char *request_id, const char *client_addr, bool ended_early);

/* A warning; at most LOG_WARN_PER_SECOND lines a second, the rest counted
 * and reported as suppressed on the next line that goes out. */
#define LOG_WARN_PER_SECOND 20
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vwarn(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
