/* main.c -- the registry binary: configuration, subcommands, start and
 * orderly stop of the server. */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <microhttpd.h>
#include <sodium.h>

#include "audit/audit.h"
#include "audit/tree.h"
#include "auth/auth.h"
#include "auth/totp.h"
#include "cli.h"
#include "config.h"
#include "core/http.h"
#include "log.h"
#include "keys.h"
#include "migrate.h"
#include "serving.h"

#ifndef REGISTRY_VERSION
#define REGISTRY_VERSION "0.1.0"
#endif

static void
usage(void)
{
	fputs("usage: registry COMMAND\n"
	    "  serve      apply pending migrations, then serve the API and static/\n"
	    "  migrate    apply pending migrations and exit\n"
	    "  user add   create a user (registry user add --help)\n"
	    "  audit      verify the audit log, export it, verify an export offline\n"
	    "             (registry audit --help)\n"
	    "  routes     print the route table (--json: with roles, flags and bodies)\n"
	    "  problems   print the problem codes (code, status, meaning)\n"
	    "  statement NAME  print the SQL of a prepared statement (for the benchmark)\n"
	    "  verify-receipt FILE --key VERIFIER_KEY\n"
	    "             check a signed receipt or checkpoint with the public key only\n"
	    "  verify-export FILE MANIFEST --public-key KEY\n"
	    "             check a downloaded export against its signed manifest\n"
	    "  version    print versions\n\n", stdout);
	config_usage();
}

/* Applies pending migrations as DATABASE_URL's role, then grants the
 * serving role; *serving (if given) gets its connection string. */
static int
migrate(char **serving)
{
	char dir[4096], *conninfo;
	int n;

	if (config.database_url == NULL) {
		fprintf(stderr, "registry: migrating needs DATABASE_URL, a role owning the "
		    "schema\n");
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/sql", config.root);
	n = migrate_run(config.database_url, dir);
	if (n < 0)
		return -1;
	printf("migrations: %d applied now\n", n);
	conninfo = serving_conninfo(config.database_url, config.serve_database_url, true);
	if (conninfo == NULL)
		return -1;
	if (serving != NULL)
		*serving = conninfo;
	else
		free(conninfo);
	return 0;
}

/* Whether dir holds nothing. */
static bool
dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	const struct dirent *e;
	bool empty = d != NULL;

	while (empty && (e = readdir(d)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	if (d != NULL)
		closedir(d);
	return empty;
}

/* A folder of the service (uploads, proposals) becomes the service
 * user's: made if missing, handed over if empty; a full folder of someone
 * else's is left alone. */
static int
dir_give(const char *dir, const char *name, const struct passwd *pw)
{
	struct stat st;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		goto fail;
	if (lstat(dir, &st) != 0)
		goto fail;
	if (S_ISDIR(st.st_mode) && st.st_uid == pw->pw_uid)
		return 0;
	if (!S_ISDIR(st.st_mode) || !dir_empty(dir)) {
		fprintf(stderr, "registry: %s=%s is not an empty folder or %s's\n", name, dir,
		    pw->pw_name);
		return -1;
	}
	if (chown(dir, pw->pw_uid, pw->pw_gid) == 0)
		return 0;
fail:
	fprintf(stderr, "registry: %s %s: %s\n", name, dir, strerror(errno));
	return -1;
}

/* Started as root with REGISTRY_USER, becomes that user for good, before
 * the HTTP threads start and the workers connect: neither the service nor
 * its database connections run as root. Ports below 1024 are therefore
 * out of reach. */
static int
drop_root(void)
{
	const struct passwd *pw;

	if (config.run_as == NULL)
		return 0;
	if (geteuid() != 0) {
		fprintf(stderr, "registry: REGISTRY_USER needs a start as root\n");
		return -1;
	}
	if ((pw = getpwnam(config.run_as)) == NULL || pw->pw_uid == 0) {
		fprintf(stderr, "registry: REGISTRY_USER=%s: no such unprivileged user\n",
		    config.run_as);
		return -1;
	}
	if (dir_give(config.upload_dir, "REGISTRY_UPLOAD_DIR", pw) != 0 ||
	    dir_give(config.proposal_dir, "REGISTRY_PROPOSAL_DIR", pw) != 0)
		return -1;
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0 || setuid(0) == 0) {
		perror("registry: dropping root");
		return -1;
	}
	if (access(config.root, R_OK | X_OK) != 0) {
		fprintf(stderr, "registry: %s cannot read REGISTRY_ROOT=%s (static/, docs/, sql/)\n",
		    pw->pw_name, config.root);
		return -1;
	}
	return 0;
}

/* The key sealing second-factor secrets (auth/totp.h), read like the
 * signing key: made when missing, refused when others can read it. */
static int
totp_key_load(void)
{
	char line[80];
	int rc = keys_file_load(config.totp_key_file, "TOTP key", auth_totp_key_new, NULL, line,
	    sizeof(line));

	if (rc == 0 && (rc = auth_totp_key_set(line)) != 0)
		fprintf(stderr, "registry: TOTP key %s: expected 64 hex digits\n",
		    config.totp_key_file);
	sodium_memzero(line, sizeof(line));
	return rc;
}

/* Serves until SIGINT or SIGTERM, then lets requests under way finish.
 * Every connection of the workers and of the first start is the serving
 * role's; the owner's is used for migrating only. */
static int
serve(void)
{
	static char *serving;
	sigset_t set;
	char path[4096];
	int sig;

	/* Only the API takes new passwords: migrate and the CLI do without. */
	snprintf(path, sizeof(path), "%s/data/common-passwords.txt", config.root);
	if (auth_password_list_load(path) != 0)
		return 1;
	if (config.migrate_on_start ? migrate(&serving) != 0 :
	    (serving = serving_conninfo(config.database_url, config.serve_database_url,
	    false)) == NULL)
		return 1;
	if (serving_check(serving) != 0)
		return 1;
	config.serve_database_url = serving;
	/* The key is read while still root, so its file can stay root's. */
	if (cli_bootstrap_admin() != 0 ||
	    keys_load(config.signing_key_file, config.signing_key_name) != 0 ||
	    totp_key_load() != 0 || keys_load_previous(config.signing_previous_keys) != 0 ||
	    drop_root() != 0)
		return 1;
	/* Blocked before MHD starts its threads, so they inherit the mask and
	 * only sigwait() below sees these signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (http_start() != 0 || audit_sequencer_start(config.serve_database_url) != 0)
		return 1;
	sigwait(&set, &sig);
	log_warn("%s: no new connections; finishing the requests under way",
	    sig == SIGINT ? "SIGINT" : "SIGTERM");
	http_stop(config.shutdown_grace_seconds);
	/* After the last request: its events get their leaves and a checkpoint. */
	audit_sequencer_stop();
	keys_forget();
	return 0;
}

int
main(int argc, char **argv)
{
	char err[256];
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		usage();
		return 0;
	}
	if (strcmp(cmd, "version") == 0) {
		printf("registry %s (libmicrohttpd %s, libpq %d, jansson %s, libsodium %s)\n",
		    REGISTRY_VERSION, MHD_get_version(), PQlibVersion(), jansson_version_str(),
		    sodium_version_string());
		return 0;
	}
	if (strcmp(cmd, "routes") == 0)
		return cli_routes(argc - 1, argv + 1);
	if (strcmp(cmd, "problems") == 0)
		return cli_problems();
	if (strcmp(cmd, "statement") == 0)
		return cli_statement(argc - 1, argv + 1);
	if (strcmp(cmd, "verify-receipt") == 0)
		return cli_verify_receipt(argc - 1, argv + 1);
	if (strcmp(cmd, "verify-export") == 0)
		return cli_verify_export(argc - 1, argv + 1);
	/* An auditor's machine has no database: the file and keys suffice. */
	if (strcmp(cmd, "audit") == 0 && argc > 2 && strcmp(argv[2], "verify-offline") == 0)
		return sodium_init() < 0 ? 1 : audit_cli(argc - 1, argv + 1);
	if (strcmp(cmd, "serve") != 0 && strcmp(cmd, "migrate") != 0 && strcmp(cmd, "user") != 0 &&
	    strcmp(cmd, "audit") != 0) {
		usage();
		return 2;
	}
	if (config_load(&config, getenv, err, sizeof(err)) != 0) {
		fprintf(stderr, "registry: %s\n", err);
		return 2;
	}
	if (auth_init() != 0) {
		fprintf(stderr, "registry: libsodium failed to start\n");
		return 1;
	}
	if (strcmp(cmd, "migrate") == 0)
		return migrate(NULL) == 0 ? 0 : 1;
	if (strcmp(cmd, "audit") == 0)
		return audit_cli(argc - 1, argv + 1);
	if (strcmp(cmd, "user") == 0) {
		if (argc < 3 || strcmp(argv[2], "add") != 0) {
			usage();
			return 2;
		}
		return cli_user_add(argc - 2, argv + 2);
	}
	return serve();
}
