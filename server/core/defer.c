/* defer.c -- the pool behind req_defer_or_reply(). Its places (threads
 * plus queue) are counted from the moment a handler asks for one, so
 * that http.c can suspend the connection first and queue the work after:
 * the work can never finish, and resume the connection, before it was
 * suspended. */
#include "core/defer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/reply.h"
#include "core/req.h"
#include "log.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queued = PTHREAD_COND_INITIALIZER;
static pthread_cond_t drained = PTHREAD_COND_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static struct defer_job *head, *tail;
static unsigned taken;           /* places reserved, queued or running */
static unsigned capacity;
static bool stopping;
static pthread_t *threads;
static unsigned nthreads;
static unsigned started;          /* threads that have set their priority */

static void *
worker(void *unused)
{
	struct defer_job *job;
	void (*done)(void *);
	void *done_arg;

	(void)unused;
	/* A hash can wait for a request: nice 19 gives the request threads
	 * and PostgreSQL the CPU first when they need it. Not SCHED_IDLE:
	 * starved while it held a lock a request thread waits for (MHD's
	 * resume, the process's memory map for argon2id's 64 MiB), the hash
	 * thread held up whole workers; make bench measured a p99 of 759 ms
	 * during the sign-in flood against 25 ms without (docs/performance.md). */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), 19);
	pthread_mutex_lock(&lock);
	started++;
	pthread_cond_signal(&ready);
	for (;;) {
		while (head == NULL && !(stopping && taken == 0))
			pthread_cond_wait(&queued, &lock);
		if (head == NULL)
			break;
		job = head;
		head = job->next;
		if (head == NULL)
			tail = NULL;
		pthread_mutex_unlock(&lock);
		job->work(job->arg);
		done = job->done;
		done_arg = job->done_arg;
		pthread_mutex_lock(&lock);
		taken--;
		if (taken == 0)
			pthread_cond_broadcast(&drained);
		pthread_mutex_unlock(&lock);
		done(done_arg);          /* the job may be freed from here on */
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int
defer_start(unsigned n, unsigned queue)
{
	unsigned i;

	threads = calloc(n, sizeof(*threads));
	if (threads == NULL)
		return -1;
	capacity = n + queue;
	stopping = false;
	for (i = 0; i < n; i++) {
		if (pthread_create(&threads[i], NULL, worker, NULL) != 0) {
			log_warn("cannot start the hash pool\n");
			nthreads = i;
			defer_stop();
			return -1;
		}
	}
	nthreads = n;
	/* Each at its priority before the server listens. */
	pthread_mutex_lock(&lock);
	while (started < n)
		pthread_cond_wait(&ready, &lock);
	pthread_mutex_unlock(&lock);
	return 0;
}

void
defer_stop(void)
{
	unsigned i;

	pthread_mutex_lock(&lock);
	stopping = true;
	while (taken > 0)
		pthread_cond_wait(&drained, &lock);
	pthread_cond_broadcast(&queued);
	pthread_mutex_unlock(&lock);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	threads = NULL;
	nthreads = 0;
	started = 0;
}

bool
defer_reserve(void)
{
	bool ok;

	pthread_mutex_lock(&lock);
	ok = !stopping && taken < capacity;
	if (ok)
		taken++;
	pthread_mutex_unlock(&lock);
	return ok;
}

void
defer_release(void)
{
	pthread_mutex_lock(&lock);
	taken--;
	if (taken == 0)
		pthread_cond_broadcast(&drained);
	pthread_mutex_unlock(&lock);
}

void
defer_submit(struct defer_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&lock);
	if (tail != NULL)
		tail->next = job;
	else
		head = job;
	tail = job;
	pthread_cond_signal(&queued);
	pthread_mutex_unlock(&lock);
}

int
req_defer_or_reply(struct req *r, const struct problem_def *busy, void (*work)(void *arg),
    void (*then)(struct req *r, void *arg), void *arg)
{
	if (!defer_reserve()) {
		reply_problem(r, busy, "too many requests are waiting for the same work; "
		    "try again in a second");
		reply_header(r, "Retry-After", "1");
		return -1;
	}
	r->defer.work = work;
	r->defer.then = then;
	r->defer.arg = arg;
	return 0;
}

void
req_defer_cancel(struct req *r)
{
	if (r->defer.work == NULL)
		return;
	memset(&r->defer, 0, sizeof(r->defer));
	defer_release();
}
