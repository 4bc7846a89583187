/* api_health.c -- /healthz, /readyz and the OpenAPI document. */
#include "core/api.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "db/db_health.h"
#include "migrate.h"

/* GET /healthz -- the process is up; touches nothing else. */
void
api_healthz(struct req *r)
{
	reply_json_steal(r, 200, json_pack("{s:s}", "status", "ok"));
}

/* GET /readyz -- the database answers and every migration is applied. */
void
api_readyz(struct req *r)
{
	char dir[4096];
	int64_t applied = 0;
	int files, rc = -1;
	bool ready;

	snprintf(dir, sizeof(dir), "%s/sql", config.root);
	files = migrate_count_files(dir);
	r->db = db_thread();
	if (r->db != NULL)
		rc = db_health_migrations(r->db, &applied);
	ready = rc == 0 && files >= 0 && applied == files;
	/* Without the database nothing is known of the migrations: null, not
	 * a count that would read as every file pending. */
	reply_json_steal(r, ready ? 200 : 503, json_pack("{s:s, s:s, s:{s:o, s:o}}",
	    "status", ready ? "ready" : "not ready",
	    "database", rc == 0 ? "ok" : "unreachable",
	    "migrations", "applied", rc == 0 ? json_integer(applied) : json_null(),
	    "pending", rc == 0 ? json_integer(files > applied ? files - applied : 0) : json_null()));
	if (!ready)
		reply_header(r, "Retry-After", "5");
}

/* GET /api/v1/openapi.yaml -- docs/openapi.yaml as it is on disk. */
void
api_openapi(struct req *r)
{
	char path[4096];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/docs/openapi.yaml", config.root);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		reply_problem(r, PROBLEM_FILE_NOT_FOUND, "the OpenAPI document is not installed");
		return;
	}
	reply_file(r, fd, (size_t)st.st_size, "application/yaml; charset=utf-8");
}
