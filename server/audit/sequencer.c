/* sequencer.c -- the thread that turns audit events into leaves of the
 * Merkle tree and signs checkpoints (see tree.h, docs/audit.md). Its
 * state is its own: a connection, and a flag and condition variable to
 * stop it. */
#include "audit/tree.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "audit/db_audit.h"
#include "config.h"
#include "log.h"

/* Events appended per statement; more wait for the next round. */
#define SEQUENCE_BATCH 10000
/* Rounds of 100 ms the last events may wait for at shutdown. */
#define DRAIN_ROUNDS 50

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static bool running, stopping;
static const char *conninfo;

/* Appends what is due, and signs a checkpoint when the tree grew and the
 * last one is at least min_age_ms old (0: whatever its age). A lost
 * connection is dropped and opened again on the next round. */
static void
round_once(struct db **db, int64_t min_age_ms)
{
	int64_t size = 0, before, signed_size, age;

	if (*db == NULL && (*db = db_open_audit(conninfo)) == NULL)
		return;
	do {
		before = size;
		if (db_audit_sequence(*db, SEQUENCE_BATCH, &size) != 0)
			goto fail;
	} while (size - before == SEQUENCE_BATCH);
	if (db_audit_checkpoint_latest(*db, &signed_size, &age) != 0)
		goto fail;
	if (size > signed_size && (signed_size == 0 || age >= min_age_ms) &&
	    audit_tree_checkpoint(*db, (uint64_t)size) != 0)
		goto fail;
	return;
fail:
	log_warn("audit sequencer: %s", (*db)->message);
	if (db_error_is_connection(*db)) {
		db_close(*db);
		*db = NULL;
	}
}

/* The last round, after the last request. Its horizon is the cluster's:
 * a transaction of another database still open holds our last events
 * back, so they get a few seconds to become due before the process ends. */
static void
drain(struct db **db)
{
	const struct timespec pause = { 0, 100 * 1000000L };
	int64_t pending = 1;

	for (int i = 0; i < DRAIN_ROUNDS && pending; i++) {
		if (i > 0)
			nanosleep(&pause, NULL);
		round_once(db, 0);
		if (*db == NULL || db_audit_pending(*db, &pending) != 0)
			return;
	}
	if (pending)
		log_warn("audit sequencer: events are still held back by open transactions; "
		    "the next start appends them");
}

static void *
run(void *arg)
{
	struct db *db = NULL;
	struct timespec until;

	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += config.audit_sequence_ms / 1000;
		until.tv_nsec += (long)(config.audit_sequence_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&wake, &lock, &until) != ETIMEDOUT)
			continue;
		pthread_mutex_unlock(&lock);
		round_once(&db, config.audit_checkpoint_ms);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	drain(&db);
	if (db != NULL)
		db_close(db);
	return NULL;
}

int
audit_sequencer_start(const char *info)
{
	conninfo = info;
	stopping = false;
	if (pthread_create(&thread, NULL, run, NULL) != 0) {
		log_warn("audit sequencer: cannot start its thread");
		return -1;
	}
	running = true;
	return 0;
}

void
audit_sequencer_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	running = false;
}
