/* api_opening.c -- the opening: after the opening time, k members of the
 * committee each give their passphrase in their own session, within
 * REGISTRY_OPENING_WINDOW_SECONDS of the first. Each passphrase opens
 * that member's share, which waits in locked memory (sodium_malloc) of
 * this process, never in the database; when k are there the server puts
 * the opening key together, checks it against the call's public key,
 * decrypts every current proposal, checks each blob's hash against its
 * receipt, records the opening, and wipes the key and the shares.
 * Shares wait in one process: a restart, or the window running out,
 * forgets them, and the members give their passphrases again. */
#include "calls/api_calls.h"
#include "calls/calls.h"
#include "calls/db_proposals.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "core/clock.h"
#include "lib/sealing.h"

#define PENDING_CALLS 8

static const struct field_spec passphrase_fields[] = {
	{ "passphrase", FIELD_STRING, true, 1, 1024, NULL },
};

const struct field_table api_opening_passphrase_body = FIELD_TABLE(passphrase_fields);

/* The shares given for one call's opening so far. */
struct pending {
	int64_t call_id;         /* 0: a free slot */
	time_t first;
	unsigned count;
	int64_t users[SEALING_MAX_SHARES];
	char given_at[SEALING_MAX_SHARES][32];
	unsigned char numbers[SEALING_MAX_SHARES];
	unsigned char (*shares)[SEALING_KEY_BYTES];   /* sodium_malloc'd */
};

static struct pending pending[PENDING_CALLS];
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;

static void
pending_clear(struct pending *p)
{
	if (p->shares != NULL)
		sodium_free(p->shares);   /* wipes */
	memset(p, 0, sizeof(*p));
}

/* The slot of call_id, a fresh one when its window ran out or there was
 * none; NULL when every slot is taken. Called with the lock held. */
static struct pending *
pending_slot(int64_t call_id, time_t now)
{
	struct pending *free_slot = NULL;
	int i;

	for (i = 0; i < PENDING_CALLS; i++) {
		if (pending[i].call_id != 0 &&
		    now - pending[i].first > (time_t)config.opening_window_seconds)
			pending_clear(&pending[i]);
		if (pending[i].call_id == call_id)
			return &pending[i];
		if (pending[i].call_id == 0 && free_slot == NULL)
			free_slot = &pending[i];
	}
	if (free_slot == NULL)
		return NULL;
	free_slot->shares = sodium_malloc(SEALING_MAX_SHARES * SEALING_KEY_BYTES);
	if (free_slot->shares == NULL)
		return NULL;
	free_slot->call_id = call_id;
	free_slot->first = now;
	return free_slot;
}

struct opening {
	struct req *r;
	int64_t call_id;
	const char *passphrase;  /* borrowed from the body */
	char at[32];
	unsigned char share[SEALING_KEY_BYTES];
	int share_no;
	unsigned char public_key[SEALING_KEY_BYTES];
	unsigned threshold;
	struct pending taken;    /* the k shares, once they are all there */
	unsigned given;
	json_t *out;
};

/* The caller's share, opened with the passphrase, into o->share. */
static int
share_or_reply(struct opening *o, struct db *db)
{
	unsigned char salt[SEALING_SALT_BYTES], stored[SEALING_KEY_BYTES], pk[SEALING_KEY_BYTES];
	unsigned char sk[SEALING_KEY_BYTES], sealed[SEALING_SEALED_SHARE_BYTES];
	json_t *s = NULL;
	int rc = 1;

	if (db_key_share_get(db, o->call_id, o->r->session.user_id, &s) != 0)
		return -1;
	if (s == NULL) {
		reply_problem(o->r, PROBLEM_CALL_NOT_COMMITTEE_MEMBER, "you hold no share of the "
		    "opening key of call %lld", (long long)o->call_id);
		return 1;
	}
	if (sealing_unhex(json_string_value(json_object_get(s, "salt")), salt, sizeof(salt)) ||
	    sealing_unhex(json_string_value(json_object_get(s, "wrap_public_key")), stored, 32) ||
	    sealing_unhex(json_string_value(json_object_get(s, "sealed_share")), sealed,
	    sizeof(sealed)) ||
	    sealing_member_keypair(o->passphrase, strlen(o->passphrase), salt,
	    (unsigned long long)json_integer_value(json_object_get(s, "ops")),
	    (size_t)json_integer_value(json_object_get(s, "mem")), pk, sk) != 0) {
		reply_problem(o->r, PROBLEM_INTERNAL_ERROR, "the share could not be read");
		goto out;
	}
	if (sodium_memcmp(pk, stored, sizeof(pk)) != 0 ||
	    sealing_unwrap_share(sealed, pk, sk, o->share) != 0) {
		reply_problem(o->r, PROBLEM_CALL_OPENING_WRONG_PASSPHRASE, "the passphrase does "
		    "not open your share of the opening key of call %lld", (long long)o->call_id);
		goto out;
	}
	o->share_no = (int)json_integer_value(json_object_get(s, "share_no"));
	rc = 0;
out:
	sodium_memzero(sk, sizeof(sk));
	json_decref(s);
	return rc;
}

/* Adds the share; when k are there moves them into o->taken. 0, or 1
 * after a 503 when no slot is free. */
static int
pending_add_or_reply(struct opening *o)
{
	struct pending *p;
	unsigned i;

	pthread_mutex_lock(&pending_lock);
	if ((p = pending_slot(o->call_id, time(NULL))) == NULL) {
		pthread_mutex_unlock(&pending_lock);
		reply_problem(o->r, PROBLEM_DB_UNAVAILABLE, "too many openings under way");
		return 1;
	}
	for (i = 0; i < p->count && p->users[i] != o->r->session.user_id; i++)
		;
	if (i == p->count)
		p->count++;
	p->users[i] = o->r->session.user_id;
	p->numbers[i] = (unsigned char)o->share_no;
	memcpy(p->shares[i], o->share, SEALING_KEY_BYTES);
	snprintf(p->given_at[i], sizeof(p->given_at[i]), "%s", o->at);
	o->given = p->count;
	if (p->count >= o->threshold) {
		o->taken = *p;           /* takes the shares' memory */
		p->shares = NULL;
		pending_clear(p);
	}
	pthread_mutex_unlock(&pending_lock);
	sodium_memzero(o->share, sizeof(o->share));
	return 0;
}

/* Reads dir/<id>.sealed whole; NULL when missing. *len its size. */
static unsigned char *
blob_read(int64_t id, size_t *len)
{
	char path[1024];
	struct stat st;
	char *buf = NULL;

	snprintf(path, sizeof(path), "%s/%lld.sealed", config.proposal_dir, (long long)id);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0)
		return NULL;
	*len = (size_t)st.st_size;
	if (stream_file_read(path, *len, &buf) != 0)
		return NULL;
	return (unsigned char *)buf;
}

/* Opens one proposal with the key pair; records what it found. */
static int
open_one(struct db *db, int64_t call_id, const json_t *p, const unsigned char *pk,
    const unsigned char *sk)
{
	int64_t id = json_integer_value(json_object_get(p, "id"));
	unsigned char *blob, *plain = NULL, sha[32];
	char hex[65], name[48];
	const char *result = "ok";
	size_t len = 0, plain_len = 0;
	int rc;

	if ((blob = blob_read(id, &len)) == NULL)
		return db_opening_result_add(db, id, call_id, "missing", 0, NULL);
	crypto_hash_sha256(sha, blob, len);
	sealing_hex(sha, sizeof(sha), hex);
	if (strcmp(hex, json_string_value(json_object_get(p, "sha256"))) != 0)
		result = "hash_mismatch";
	else if (len < crypto_box_SEALBYTES ||
	    (plain = malloc(len - crypto_box_SEALBYTES + 1)) == NULL ||
	    crypto_box_seal_open(plain, blob, len, pk, sk) != 0)
		result = "decrypt_failed";
	free(blob);
	if (strcmp(result, "ok") != 0) {
		free(plain);
		return db_opening_result_add(db, id, call_id, result, 0, NULL);
	}
	plain_len = len - crypto_box_SEALBYTES;
	crypto_hash_sha256(sha, plain, plain_len);
	sealing_hex(sha, sizeof(sha), hex);
	snprintf(name, sizeof(name), "%lld.opened", (long long)id);
	rc = stream_file_write(config.proposal_dir, name, plain, plain_len);
	sodium_memzero(plain, plain_len);
	free(plain);
	if (rc != 0)
		return -1;
	return db_opening_result_add(db, id, call_id, "ok", (int64_t)plain_len, hex);
}

/* Puts the key together from o->taken and opens every current proposal. */
static int
open_all(struct opening *o, struct db *db)
{
	unsigned char *sk = sodium_malloc(SEALING_KEY_BYTES);
	json_t *rows = NULL, *p, *checkpoint = NULL;
	size_t i;
	int rc = -1;

	if (sk == NULL)
		return -1;
	if (sealing_combine(o->taken.numbers, o->taken.shares, o->taken.count, sk) != 0 ||
	    !sealing_secret_matches(sk, o->public_key)) {
		reply_problem(o->r, PROBLEM_CALL_OPENING_FAILED, "the shares given do not make the "
		    "opening key of call %lld; nothing was decrypted", (long long)o->call_id);
		rc = 1;
		goto out;
	}
	/* The frozen set first, so that the opening is of what it names. */
	if ((rc = calls_checkpoint(o->r, db, o->call_id, o->at, &checkpoint)) != 0 ||
	    (rc = db_proposals_to_open(db, o->call_id, &rows)) != 0)
		goto out;
	json_array_foreach(rows, i, p)
		if ((rc = open_one(db, o->call_id, p, o->public_key, sk)) != 0)
			goto out;
	for (i = 0; i < o->taken.count && rc == 0; i++)
		rc = db_opening_officer_add(db, o->call_id, o->taken.users[i], o->taken.given_at[i]);
	if (rc == 0)
		rc = db_call_opened(db, o->call_id, o->at);
out:
	sodium_free(sk);
	json_decref(rows);
	json_decref(checkpoint);
	return rc;
}

static int
opening_tx(struct db *db, void *arg)
{
	struct opening *o = arg;
	struct db_call_state st;
	json_t *key = NULL;
	int rc;

	if ((rc = calls_state_or_reply(o->r, db, o->call_id, o->at, true, &st)) != 0)
		return rc;
	if (db_opening_key_get(db, o->call_id, &key) != 0)
		return -1;
	if (key == NULL) {
		reply_problem(o->r, PROBLEM_CALL_NOT_COMMITTEE_MEMBER, "call %lld has no opening "
		    "committee", (long long)o->call_id);
		return 1;
	}
	o->threshold = (unsigned)json_integer_value(json_object_get(key, "threshold"));
	rc = sealing_unhex(json_string_value(json_object_get(key, "public_key")), o->public_key,
	    sizeof(o->public_key));
	json_decref(key);
	if (rc != 0)
		return -1;
	if (!st.opening_due) {
		reply_problem_with(o->r, PROBLEM_CALL_OPENING_TOO_EARLY, json_pack("{s:s}",
		    "opening_at", st.opening_at), "the proposals of call %lld cannot be opened "
		    "before %s (Asia/Seoul)", (long long)o->call_id, st.opening_at);
		return 1;
	}
	if (strcmp(st.status, "proposals_closed") != 0) {
		reply_problem_with(o->r, PROBLEM_CALL_ALREADY_OPENED, json_pack("{s:s}",
		    "current_status", st.status), "call %lld is %s", (long long)o->call_id, st.status);
		return 1;
	}
	if ((rc = share_or_reply(o, db)) != 0 || (rc = pending_add_or_reply(o)) != 0)
		return rc;
	if (o->taken.shares == NULL)
		return 0;
	rc = open_all(o, db);
	pending_clear(&o->taken);
	return rc;
}

/* POST /api/v1/calls/:id/opening {passphrase} -- a committee member. 202
 * while fewer than k have given theirs; 200 with the opening at the k-th. */
void
api_opening_passphrase(struct req *r)
{
	struct opening o = { .r = r };
	json_t *body, *opening = NULL;

	if (calls_param_or_reply(r, &o.call_id) != 0 || (body = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, body, passphrase_fields, NFIELDS(passphrase_fields),
	    false) != 0)
		goto out;
	o.passphrase = json_string_value(json_object_get(body, "passphrase"));
	clock_now(o.at);
	if (api_transaction(r, opening_tx, &o) != 0)
		goto out;
	if (o.given < o.threshold) {
		reply_json_steal(r, 202, json_pack("{s:b, s:I, s:I}", "opened", 0, "given",
		    (json_int_t)o.given, "threshold", (json_int_t)o.threshold));
	} else if (db_opening_get(r->db, o.call_id, &opening) != 0) {
		api_db_error(r);
	} else {
		json_object_set_new(opening, "opened", json_true());
		reply_json_steal(r, 200, opening);
	}
out:
	sodium_memzero((char *)(uintptr_t)json_string_value(json_object_get(body, "passphrase")),
	    json_string_length(json_object_get(body, "passphrase")));
	json_decref(body);
}

/* GET /api/v1/calls/:id/opening -- ministry staff: what the opening
 * found, or how many shares wait. */
void
api_opening_get(struct req *r)
{
	int64_t id;
	json_t *opening = NULL;
	unsigned given = 0;
	int i;

	if (calls_param_or_reply(r, &id) != 0)
		return;
	if (db_opening_get(r->db, id, &opening) != 0) {
		api_db_error(r);
		return;
	}
	if (opening != NULL) {
		json_object_set_new(opening, "opened", json_true());
		reply_json_steal(r, 200, opening);
		return;
	}
	pthread_mutex_lock(&pending_lock);
	for (i = 0; i < PENDING_CALLS; i++)
		if (pending[i].call_id == id &&
		    time(NULL) - pending[i].first <= (time_t)config.opening_window_seconds)
			given = pending[i].count;
	pthread_mutex_unlock(&pending_lock);
	reply_json_steal(r, 200, json_pack("{s:b, s:I}", "opened", 0, "given", (json_int_t)given));
}

/* GET /api/v1/calls/:id/proposals/:submission_id/content -- after the
 * opening: the decrypted proposal, to ministry staff and to the company
 * that sent it. */
void
api_proposals_content(struct req *r)
{
	int64_t call_id, id;
	json_t *p = NULL;
	char path[1024];
	struct stat st;
	int fd;

	if (calls_param_or_reply(r, &call_id) != 0 ||
	    validate_param_id_or_reply(r, "submission_id", &id) != 0)
		return;
	if (db_opened_proposal(r->db, call_id, id, &p) != 0) {
		api_db_error(r);
		return;
	}
	if (p == NULL || (!calls_staff(r) &&
	    json_integer_value(json_object_get(p, "organization_id")) != r->session.org_id) ||
	    strcmp(json_string_value(json_object_get(p, "result")), "ok") != 0) {
		reply_problem(r, PROBLEM_CALL_PROPOSAL_NOT_FOUND, "no opened proposal %lld in call "
		    "%lld that you may read", (long long)id, (long long)call_id);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%lld.opened", config.proposal_dir, (long long)id);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the opened proposal could not be read");
		goto out;
	}
	reply_file(r, fd, (size_t)st.st_size, "application/octet-stream");
out:
	json_decref(p);
}
