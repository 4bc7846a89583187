/* http.h -- the libmicrohttpd daemon: the one place that sees MHD. */
#ifndef REGISTRY_HTTP_H
#define REGISTRY_HTTP_H

/* Starts listening per config; prints "listening on http://..." to
 * stdout once ready. 0 or -1. */
int http_start(void);

/* Stops accepting, waits up to grace_seconds for the requests under way
 * to finish and their replies to go out, then closes every connection. */
void http_stop(unsigned grace_seconds);

#endif
