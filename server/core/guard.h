/* guard.h -- no client may hold a connection it does not use: the time to
 * send a request's headers is bounded, and near the connection limit the
 * connections that wait longest without a request are closed, so that a
 * reserve is always free for a new client. Slow-header floods and idle
 * keep-alive crowds (slowloris) therefore cannot lock anyone out.
 *
 * http.c reports each connection's life; a thread of this file closes
 * (shutdown(2)) the ones to drop, and MHD then ends them as it would a
 * client's hang-up. No MHD here. */
#ifndef REGISTRY_GUARD_H
#define REGISTRY_GUARD_H

struct guard_conn;

/* Starts the watch: a new connection has header_timeout seconds to send
 * its first request's headers, a kept-alive one keepalive_timeout from the
 * end of its previous request to send the next one's (MHD's own idle
 * timeout restarts with every byte; these do not). At more than
 * max_conns - reserve connections, the oldest waiting ones close. 0 or -1. */
int guard_start(unsigned header_timeout, unsigned keepalive_timeout, unsigned max_conns,
    unsigned reserve);
void guard_stop(void);

/* A new connection on socket fd; NULL when out of memory (then it is not
 * watched). */
struct guard_conn *guard_open(int fd);
/* Its request's headers are in: it is busy until guard_idle(). */
void guard_busy(struct guard_conn *g);
/* Its request is complete: it waits for the next one's headers. */
void guard_idle(struct guard_conn *g);
/* It is closing: the socket must not be touched any more. Frees g. */
void guard_close(struct guard_conn *g);

#endif
