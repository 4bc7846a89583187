/* listen.h -- the server's listening socket, accepted on by a thread of
 * its own that hands each connection to MHD (MHD_add_connection), which
 * spreads them evenly over its workers. Used by http.c only. */
#ifndef REGISTRY_LISTEN_H
#define REGISTRY_LISTEN_H

#include <sys/socket.h>
#include <microhttpd.h>

/* Binds and listens on sa; *port is the port bound (sa's, or the one the
 * kernel chose for port 0). 0 or -1 (logged). */
int listen_open(const struct sockaddr *sa, socklen_t len, unsigned *port);
/* Starts accepting for d. 0 or -1 (logged; the socket stays open). */
int listen_start(struct MHD_Daemon *d);
/* Stops accepting, waits for the thread, closes the socket. Before
 * MHD_stop_daemon(): no connection is added to a daemon that stopped. */
void listen_stop(void);
/* Closes the socket of a start that failed before listen_start(). */
void listen_close(void);

#endif
