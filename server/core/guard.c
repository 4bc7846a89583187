/* guard.c -- the connection watch: a list under one mutex, and a thread
 * that checks it twice a second, or at once when the count nears the
 * limit. The mutex is held while a socket is shut down, and guard_close()
 * takes it before MHD closes the socket, so a descriptor is never shut
 * down after it was reused. */
#include "core/guard.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"

struct guard_conn {
	int fd;
	bool busy;               /* between headers and the end of a request */
	bool doomed;             /* shut down; MHD will report it closed */
	bool served;             /* has had a request: waits as a keep-alive */
	struct timespec since;   /* opened, or idle since */
	struct guard_conn *prev, *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_t thread;
static bool running;
static struct guard_conn *head;   /* oldest first: new ones go at the tail */
static struct guard_conn *tail;
static unsigned live;             /* connections not doomed */
static unsigned header_timeout_, keepalive_timeout_, high_water;

static void
unlink_conn(struct guard_conn *g)
{
	if (g->prev != NULL)
		g->prev->next = g->next;
	else
		head = g->next;
	if (g->next != NULL)
		g->next->prev = g->prev;
	else
		tail = g->prev;
	g->prev = g->next = NULL;
}

static void
append(struct guard_conn *g)
{
	g->prev = tail;
	if (tail != NULL)
		tail->next = g;
	else
		head = g;
	tail = g;
}

static double
age(const struct guard_conn *g, const struct timespec *now)
{
	return (double)(now->tv_sec - g->since.tv_sec) +
	    (double)(now->tv_nsec - g->since.tv_nsec) / 1e9;
}

static void
doom(struct guard_conn *g)
{
	shutdown(g->fd, SHUT_RDWR);
	g->doomed = true;
	live--;
}

/* Under the lock: drops connections past their header time, then, while
 * over the high-water mark, the oldest waiting ones. */
static void
sweep(void)
{
	struct timespec now;
	struct guard_conn *g;
	unsigned slow = 0, crowded = 0;

	clock_gettime(CLOCK_MONOTONIC, &now);
	for (g = head; g != NULL; g = g->next) {
		if (g->busy || g->doomed)
			continue;
		if (age(g, &now) > (g->served ? keepalive_timeout_ : header_timeout_)) {
			doom(g);
			slow++;
		}
	}
	/* Oldest first: a connection goes to the tail when it opens and each
	 * time it starts to wait again, so the list is in order of waiting. */
	for (g = head; g != NULL && live > high_water; g = g->next)
		if (!g->busy && !g->doomed) {
			doom(g);
			crowded++;
		}
	if (slow + crowded > 0)
		log_warn("closed %u connections slow to send a request and %u waiting near the "
		    "limit of connections", slow, crowded);
}

static void *
watch(void *arg)
{
	struct timespec until;

	(void)arg;
	pthread_mutex_lock(&lock);
	while (running) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 500 * 1000 * 1000;
		if (until.tv_nsec >= 1000 * 1000 * 1000) {
			until.tv_sec++;
			until.tv_nsec -= 1000 * 1000 * 1000;
		}
		pthread_cond_timedwait(&wake, &lock, &until);
		if (running)
			sweep();
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int
guard_start(unsigned header_timeout, unsigned keepalive_timeout, unsigned max_conns,
    unsigned reserve)
{
	header_timeout_ = header_timeout;
	keepalive_timeout_ = keepalive_timeout;
	high_water = max_conns > reserve ? max_conns - reserve : 1;
	running = true;
	if (pthread_create(&thread, NULL, watch, NULL) != 0) {
		running = false;
		return -1;
	}
	return 0;
}

void
guard_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	running = false;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
}

struct guard_conn *
guard_open(int fd)
{
	struct guard_conn *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	g->fd = fd;
	clock_gettime(CLOCK_MONOTONIC, &g->since);
	pthread_mutex_lock(&lock);
	append(g);
	if (++live > high_water)
		pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	return g;
}

void
guard_busy(struct guard_conn *g)
{
	pthread_mutex_lock(&lock);
	g->busy = true;
	pthread_mutex_unlock(&lock);
}

void
guard_idle(struct guard_conn *g)
{
	pthread_mutex_lock(&lock);
	g->busy = false;
	g->served = true;
	clock_gettime(CLOCK_MONOTONIC, &g->since);
	unlink_conn(g);
	append(g);
	pthread_mutex_unlock(&lock);
}

void
guard_close(struct guard_conn *g)
{
	pthread_mutex_lock(&lock);
	unlink_conn(g);
	if (!g->doomed)
		live--;
	pthread_mutex_unlock(&lock);
	free(g);
}
