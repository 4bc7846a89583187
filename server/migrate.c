/* migrate.c -- applying sql/ in order. Runs on its own connection: the
 * server's prepared statements need the schema this creates. */
#include "migrate.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#define MAX_FILES 1000

static int
is_migration(const char *name)
{
	size_t len = strlen(name);

	return len > 9 && strspn(name, "0123456789") == 4 && name[4] == '_' &&
	    strcmp(name + len - 4, ".sql") == 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The migration file names of dir, sorted; caller frees each and the array. */
static int
list_files(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names;
	int n = 0;

	*out = NULL;
	if (d == NULL)
		return -1;
	names = calloc(MAX_FILES, sizeof(*names));
	while (names && (e = readdir(d)) != NULL && n < MAX_FILES)
		if (is_migration(e->d_name))
			names[n++] = strdup(e->d_name);
	closedir(d);
	if (names == NULL)
		return -1;
	qsort(names, (size_t)n, sizeof(*names), by_name);
	*out = names;
	return n;
}

static void
free_files(char **names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
migrate_count_files(const char *dir)
{
	char **names;
	int n = list_files(dir, &names);

	if (n >= 0)
		free_files(names, n);
	return n;
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)size + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)size, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static int
exec_ok(PGconn *c, const char *sql, const char *what)
{
	PGresult *res = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(res);
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

	if (!ok)
		fprintf(stderr, "registry: migrate: %s: %s", what, PQerrorMessage(c));
	PQclear(res);
	return ok ? 0 : -1;
}

/* 1 applied now, 0 already applied with the same checksum, -1 error. */
static int
apply_one(PGconn *c, const char *dir, const char *name)
{
	char path[4096], sum[crypto_hash_sha256_BYTES * 2 + 1], version[5];
	unsigned char hash[crypto_hash_sha256_BYTES];
	const char *p[3];
	PGresult *res;
	size_t len = 0;
	char *sql;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((sql = read_file(path, &len)) == NULL) {
		fprintf(stderr, "registry: migrate: cannot read %s\n", path);
		return -1;
	}
	crypto_hash_sha256(hash, (const unsigned char *)sql, len);
	sodium_bin2hex(sum, sizeof(sum), hash, sizeof(hash));
	memcpy(version, name, 4);
	version[4] = '\0';
	p[0] = version;
	p[1] = name;
	p[2] = sum;
	res = PQexecParams(c, "SELECT checksum FROM schema_migrations WHERE version = $1::int",
	    1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "registry: migrate: %s", PQerrorMessage(c));
		goto out;
	}
	if (PQntuples(res) == 1) {
		rc = strcmp(PQgetvalue(res, 0, 0), sum) == 0 ? 0 : -1;
		if (rc != 0)
			fprintf(stderr, "registry: migrate: %s was changed after it was applied "
			    "(checksum %s, applied %s); add a new migration instead\n",
			    path, sum, PQgetvalue(res, 0, 0));
		goto out;
	}
	PQclear(res);
	res = NULL;
	if (exec_ok(c, "BEGIN; SELECT set_config('registry.channel', 'system', true)", name) != 0)
		goto out;
	if (exec_ok(c, sql, name) != 0) {
		exec_ok(c, "ROLLBACK", "rollback");
		goto out;
	}
	res = PQexecParams(c, "INSERT INTO schema_migrations (version, name, checksum)"
	    " VALUES ($1::int, $2, $3)", 3, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK || exec_ok(c, "COMMIT", name) != 0) {
		fprintf(stderr, "registry: migrate: recording %s: %s", name, PQerrorMessage(c));
		exec_ok(c, "ROLLBACK", "rollback");
		goto out;
	}
	printf("applied %s\n", name);
	rc = 1;
out:
	PQclear(res);
	free(sql);
	return rc;
}

int
migrate_run(const char *conninfo, const char *dir)
{
	PGconn *c = PQconnectdb(conninfo);
	char **names = NULL;
	int i, n = -1, applied = 0, rc;

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "registry: migrate: %s", PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	if (exec_ok(c, "SET client_min_messages = warning; SELECT pg_advisory_lock("
	    MIGRATE_LOCK_KEY ")", "lock") != 0 ||
	    exec_ok(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
	    " applied_at timestamptz NOT NULL DEFAULT now())", "schema_migrations") != 0)
		goto out;
	n = list_files(dir, &names);
	if (n < 0) {
		fprintf(stderr, "registry: migrate: cannot read the folder %s\n", dir);
		goto out;
	}
	for (i = 0; i < n; i++) {
		rc = apply_one(c, dir, names[i]);
		if (rc < 0) {
			applied = -1;
			break;
		}
		applied += rc;
	}
out:
	if (n < 0)
		applied = -1;
	free_files(names, n > 0 ? n : 0);
	PQfinish(c);                 /* also releases the advisory lock */
	return applied;
}
