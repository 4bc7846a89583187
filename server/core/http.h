/* http.h -- the libmicrohttpd daemon: the one place that sees MHD. */
#ifndef REGISTRY_HTTP_H
#define REGISTRY_HTTP_H

/* Starts listening per config; prints "listening on http://..." to
 * stdout once ready. 0 or -1. */
int http_start(void);

/* Stops accepting, finishes requests under way, closes connections. */
void http_stop(void);

#endif
