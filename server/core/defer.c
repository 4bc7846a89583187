/* defer.c -- the pool behind req_defer_or_reply(). Its places (threads
 * plus queue) are counted from the moment a handler asks for one, so
 * that http.c can suspend the connection first and queue the work after:
 * the work can never finish, and resume the connection, before it was
 * suspended. */
#include "core/defer.h"

#include <pthread.h>
#include <sched.h>
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
static struct defer_job *head, *tail;
static unsigned taken;           /* places reserved, queued or running */
static unsigned capacity;
static bool stopping;
static pthread_t *threads;
static unsigned nthreads;

static void *
worker(void *unused)
{
	struct defer_job *job;
	void (*done)(void *);
	void *done_arg;

	(void)unused;
	/* Where SCHED_IDLE was refused (defer_start()): nice 19. */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), 19);
	pthread_mutex_lock(&lock);
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
		/* A hash can wait for a request. SCHED_IDLE runs it only on a
		 * core nothing else wants, and a waking request thread or
		 * PostgreSQL backend takes the core from it at once; nice 19
		 * alone would let it finish its time slice. Set here, before
		 * the server listens (thread attributes cannot carry it). */
		(void)pthread_setschedparam(threads[i], SCHED_IDLE, &(struct sched_param){ 0 });
	}
	nthreads = n;
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
