/* api_ocds.c -- the open data, without sign-in, as transparency portals
 * publish it: GET /api/v1/exports/ocds (an OCDS 1.1 release package, for
 * a programme, a call, or everything) and GET /api/v1/public/progress
 * (each programme against its targets). Both are cached: the reply of a
 * query is kept REGISTRY_OPEN_DATA_CACHE_SECONDS (60) in this process and
 * marked public for as long, so a crowd costs one statement a minute. */
#include "core/api.h"
#include "exports/exports.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "exports/db_ocds.h"

#define CACHE_SLOTS 32

struct cached {
	char key[64];
	char *body;              /* owned */
	time_t until;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cached cache[CACHE_SLOTS];

/* Replies from the cache when key is fresh there. */
static bool
cache_reply(struct req *r, const char *key)
{
	time_t now = time(NULL);
	char *body = NULL;
	size_t i;

	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < CACHE_SLOTS; i++)
		if (cache[i].body != NULL && cache[i].until > now && strcmp(cache[i].key, key) == 0) {
			body = strdup(cache[i].body);
			break;
		}
	pthread_mutex_unlock(&cache_lock);
	if (body == NULL)
		return false;
	reply_bytes(r, 200, "application/json", body, strlen(body));
	return true;
}

/* Keeps body (borrowed) under key: in key's slot (two requests may have
 * missed it together), else in the slot that expires first. */
static void
cache_keep(const char *key, const char *body)
{
	char *copy = strdup(body);
	size_t i, slot = 0;

	if (copy == NULL)
		return;
	pthread_mutex_lock(&cache_lock);
	for (i = 1; i < CACHE_SLOTS; i++)
		if (cache[i].until < cache[slot].until)
			slot = i;
	for (i = 0; i < CACHE_SLOTS; i++)
		if (cache[i].body != NULL && strcmp(cache[i].key, key) == 0)
			slot = i;
	free(cache[slot].body);
	snprintf(cache[slot].key, sizeof(cache[slot].key), "%s", key);
	cache[slot].body = copy;
	cache[slot].until = time(NULL) + (time_t)config.open_data_cache_seconds;
	pthread_mutex_unlock(&cache_lock);
}

/* Replies with out (stolen) and keeps its text under key. */
static void
cached_json_reply(struct req *r, const char *key, json_t *out)
{
	char *body = json_dumps(out, JSON_COMPACT);

	json_decref(out);
	if (body == NULL) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the reply could not be written");
		return;
	}
	cache_keep(key, body);
	reply_bytes(r, 200, "application/json", body, strlen(body));
}

static void
public_headers(struct req *r)
{
	char v[48];

	snprintf(v, sizeof(v), "public, max-age=%u", config.open_data_cache_seconds);
	reply_header(r, "Cache-Control", v);
}

/* GET /api/v1/exports/ocds */
void
api_exports_ocds(struct req *r)
{
	static const char *const known[] = { "program_id", "call_id", NULL };
	const char *program = req_query(r, "program_id"), *call = req_query(r, "call_id");
	char key[64], uri[512];
	json_t *package = NULL;
	int64_t id;
	bool present;

	if (validate_query_known_or_reply(r, known) != 0 ||
	    validate_query_id_or_reply(r, "program_id", &id, &present) != 0 ||
	    validate_query_id_or_reply(r, "call_id", &id, &present) != 0)
		return;
	snprintf(key, sizeof(key), "ocds p=%s c=%s", program ? program : "", call ? call : "");
	if (cache_reply(r, key)) {
		public_headers(r);
		return;
	}
	snprintf(uri, sizeof(uri), "%s/api/v1/exports/ocds%s%s%s%s%s", config.public_url,
	    program || call ? "?" : "", program ? "program_id=" : "", program ? program : "",
	    program && call ? "&call_id=" : call ? "call_id=" : "", call ? call : "");
	if (db_ocds_package(r->db, program, call, config.ocds_prefix, uri, config.ocds_publisher,
	    &package) != 0) {
		api_db_error(r);
		return;
	}
	if ((program || call) && json_array_size(json_object_get(package, "releases")) == 0) {
		json_decref(package);
		reply_problem(r, PROBLEM_OCDS_NOT_PUBLISHED, "nothing of this %s is published",
		    program ? "programme" : "call");
		return;
	}
	cached_json_reply(r, key, package);
	public_headers(r);
}

/* GET /api/v1/public/progress */
void
api_public_progress(struct req *r)
{
	static const char *const known[] = { NULL };
	json_t *programs = NULL;

	if (validate_query_known_or_reply(r, known) != 0)
		return;
	if (cache_reply(r, "progress")) {
		public_headers(r);
		return;
	}
	if (db_ocds_progress(r->db, &programs) != 0) {
		api_db_error(r);
		return;
	}
	cached_json_reply(r, "progress", json_pack("{s:o}", "programs", programs));
	public_headers(r);
}
