/* defer.h -- work that must not run on a request thread: a small pool of
 * threads with a bounded queue (password hashes: about 170 ms of CPU and
 * 64 MiB each). A handler hands work over with req_defer_or_reply();
 * http.c suspends the request's connection, so its worker thread serves
 * others meanwhile, and resumes it when the work is done; the handler's
 * continuation then runs on the request's own thread, with its database
 * connection. No MHD here: http.c alone names it. */
#ifndef REGISTRY_DEFER_H
#define REGISTRY_DEFER_H

#include <stdbool.h>

struct req;

/* One piece of work in the pool. Owned by its request (http.c). */
struct defer_job {
	void (*work)(void *arg);     /* runs on a pool thread: no request, no database */
	void *arg;
	void (*done)(void *done_arg);    /* then, on the same pool thread */
	void *done_arg;
	struct defer_job *next;
};

/* Starts threads (at a low CPU priority, so that requests go first) and
 * allows threads + queue pieces of work at once. 0 or -1. */
int defer_start(unsigned threads, unsigned queue);
/* Refuses new work, waits for what was taken, joins the threads. */
void defer_stop(void);

/* Takes a place for one piece of work; false when all are taken. */
bool defer_reserve(void);
/* Gives back a place that was not used. */
void defer_release(void);
/* Queues job in a place taken with defer_reserve(). Borrows job until
 * job->done has been called. */
void defer_submit(struct defer_job *job);

/* For handlers: asks for work(arg) to run in the pool and then(r, arg)
 * on the request's thread; the handler returns without a reply, and
 * then() must reply. When the pool is full, replies busy (a 429 code)
 * with Retry-After: 1 and returns -1 (arg stays the caller's). */
struct problem_def;
int req_defer_or_reply(struct req *r, const struct problem_def *busy,
    void (*work)(void *arg), void (*then)(struct req *r, void *arg), void *arg);

/* Takes back what req_defer_or_reply() asked for, before the handler
 * returns (it refused after all): arg is the caller's again. */
void req_defer_cancel(struct req *r);

#endif
