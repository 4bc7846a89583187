/* listen.c -- the listening socket and the one thread that accepts on it.
 *
 * MHD's workers each watch a shared listening socket and accept in runs of
 * up to ten, so whichever worker wakes first takes most of a burst of new
 * connections: 64 keep-alive clients were seen spread 22/19/22/1 over four
 * workers, one worker idle while three queued their requests. Every
 * connection is therefore accepted here and handed to MHD_add_connection(),
 * which gives it to the worker its socket number picks (the number modulo
 * the workers), so that the workers carry the same share whatever the
 * timing of the connects. */
#include "core/listen.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int listener = -1;
static pthread_t thread;
static atomic_bool stopping;
static struct MHD_Daemon *daemon_;

static void *
accept_loop(void *unused)
{
	struct sockaddr_storage addr;
	socklen_t len;
	int fd;

	(void)unused;
	for (;;) {
		len = sizeof(addr);
		fd = accept4(listener, (struct sockaddr *)&addr, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (atomic_load(&stopping)) {
			if (fd >= 0)
				close(fd);
			break;
		}
		if (fd < 0) {
			/* Out of descriptors: the connection waits in the backlog
			 * until one is free, rather than the loop spinning. */
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
			continue;
		}
		/* Refused (every worker at its limit, or the address at its
		 * own): MHD has closed the socket and logged why. */
		(void)MHD_add_connection(daemon_, fd, (const struct sockaddr *)&addr, len);
	}
	return NULL;
}

int
listen_open(const struct sockaddr *sa, socklen_t len, unsigned *port)
{
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	int one = 1;

	listener = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listener < 0)
		goto fail;
	/* An IPv6 address serves IPv6 only, as MHD's own socket did. */
	if (setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (sa->sa_family == AF_INET6 &&
	    setsockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0) ||
	    bind(listener, sa, len) != 0 || listen(listener, SOMAXCONN) != 0 ||
	    getsockname(listener, (struct sockaddr *)&bound, &blen) != 0)
		goto fail;
	*port = ntohs(bound.ss_family == AF_INET6 ?
	    ((const struct sockaddr_in6 *)&bound)->sin6_port :
	    ((const struct sockaddr_in *)&bound)->sin_port);
	return 0;
fail:
	log_warn("cannot listen: %s\n", strerror(errno));
	if (listener >= 0)
		close(listener);
	listener = -1;
	return -1;
}

int
listen_start(struct MHD_Daemon *d)
{
	daemon_ = d;
	atomic_store(&stopping, false);
	if (pthread_create(&thread, NULL, accept_loop, NULL) != 0) {
		log_warn("cannot start the accepting thread\n");
		return -1;
	}
	return 0;
}

void
listen_stop(void)
{
	if (listener < 0)
		return;
	atomic_store(&stopping, true);
	/* Wakes the blocked accept(2), which then fails. */
	shutdown(listener, SHUT_RDWR);
	pthread_join(thread, NULL);
	listen_close();
}

void
listen_close(void)
{
	if (listener >= 0)
		close(listener);
	listener = -1;
}
