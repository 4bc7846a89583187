/* serving.c -- the database role the server serves as. The owner's
 * connection (DATABASE_URL) migrates; the workers connect as a role that
 * owns nothing, so a bug or an injected statement cannot switch the audit
 * trail off (docs/ARCHITECTURE.md, "Database roles"). */
#include "serving.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "migrate.h"

#define ROLE_MAX 64                  /* NAMEDATALEN */
#define PASSWORD_LEN 44              /* 32 bytes in base64url, with its NUL */

static int
exec_ok(PGconn *c, const char *sql, int n, const char *const *params, const char *what)
{
	PGresult *res = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

	if (!ok)
		fprintf(stderr, "registry: serving role: %s: %s", what, PQerrorMessage(c));
	PQclear(res);
	return ok ? 0 : -1;
}

/* The first value of a one-row query into out; -1 printed on failure. */
static int
query_text(PGconn *c, const char *sql, int n, const char *const *params,
    char *out, size_t outlen, const char *what)
{
	PGresult *res = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	int rc = -1;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		fprintf(stderr, "registry: serving role: %s: %s", what, PQerrorMessage(c));
	else
		rc = snprintf(out, outlen, "%s", PQgetvalue(res, 0, 0)) < (int)outlen ? 0 : -1;
	PQclear(res);
	return rc;
}

static PGconn *
connect_or_print(const char *conninfo, const char *what)
{
	PGconn *c = PQconnectdb(conninfo);

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "registry: %s: %s", what, PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* The role of serve_url, or the database's own "<database>_serve". */
static int
role_name(PGconn *owner, const char *serve_url, char role[ROLE_MAX])
{
	PGconn *c;
	int rc;

	if (serve_url == NULL) {
		if (query_text(owner, "SELECT CASE WHEN octet_length(current_database()) <= 57"
		    " THEN current_database() || '_serve' ELSE '' END", 0, NULL,
		    role, ROLE_MAX, "naming it") != 0)
			return -1;
		if (role[0] == '\0') {
			fprintf(stderr, "registry: the database's name is too long for a serving "
			    "role: give REGISTRY_SERVE_DATABASE_URL\n");
			return -1;
		}
		return 0;
	}
	if ((c = connect_or_print(serve_url, "REGISTRY_SERVE_DATABASE_URL")) == NULL)
		return -1;
	rc = query_text(c, "SELECT current_user", 0, NULL, role, ROLE_MAX, "current_user");
	PQfinish(c);
	return rc;
}

/* The serving role's password, derived from the owner's, so that every
 * process given the same DATABASE_URL arrives at the same one and none
 * needs to be stored. Empty when the owner signed in without one. */
static void
derive_password(const char *pass, const char *role, char out[PASSWORD_LEN])
{
	static const char ctx[] = "registry serving role v1";
	unsigned char h[32];
	crypto_generichash_state st;

	out[0] = '\0';
	if (pass == NULL || *pass == '\0')
		return;
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)ctx, sizeof(ctx));
	crypto_generichash_update(&st, (const unsigned char *)role, strlen(role) + 1);
	crypto_generichash_update(&st, (const unsigned char *)pass, strlen(pass));
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2base64(out, PASSWORD_LEN, h, sizeof(h), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(h, sizeof(h));
}

/* Creates the role when missing and sets its password (sent hashed). */
static int
ensure_role(PGconn *c, const char *role, const char *password)
{
	const char *p[1] = { role };
	char exists[8], *id = NULL, *lit = NULL, *verifier = NULL, sql[512];
	int rc = -1;

	if (query_text(c, "SELECT count(*) FROM pg_roles WHERE rolname = $1", 1, p,
	    exists, sizeof(exists), "looking it up") != 0)
		return -1;
	if ((id = PQescapeIdentifier(c, role, strlen(role))) == NULL)
		goto out;
	snprintf(sql, sizeof(sql), "CREATE ROLE %s LOGIN NOINHERIT", id);
	if (strcmp(exists, "0") == 0 && exec_ok(c, sql, 0, NULL, "creating it") != 0)
		goto hint;
	if (*password != '\0') {
		if ((verifier = PQencryptPasswordConn(c, password, role, NULL)) == NULL ||
		    (lit = PQescapeLiteral(c, verifier, strlen(verifier))) == NULL)
			goto out;
		snprintf(sql, sizeof(sql), "ALTER ROLE %s PASSWORD %s", id, lit);
		if (exec_ok(c, sql, 0, NULL, "setting its password") != 0)
			goto hint;
	}
	rc = 0;
	goto out;
hint:
	fprintf(stderr, "registry: DATABASE_URL's role may not manage the role %s: create it "
	    "(LOGIN, no other attribute), or give REGISTRY_SERVE_DATABASE_URL\n", role);
out:
	PQfreemem(id);
	PQfreemem(lit);
	PQfreemem(verifier);
	return rc;
}

/* Appends key='value' to buf (libpq's quoting: \ and ' escaped). */
static int
append_option(char **buf, size_t *len, const char *key, const char *val)
{
	size_t need = strlen(key) + 2 * strlen(val) + 5;
	char *b = realloc(*buf, *len + need), *p;

	if (b == NULL)
		return -1;
	*buf = b;
	p = b + *len;
	p += sprintf(p, "%s%s='", *len ? " " : "", key);
	for (; *val; val++) {
		if (*val == '\\' || *val == '\'')
			*p++ = '\\';
		*p++ = *val;
	}
	*p++ = '\'';
	*p = '\0';
	*len = (size_t)(p - b);
	return 0;
}

/* owner_url with user and password replaced. */
static char *
with_user(const char *owner_url, const char *role, const char *password)
{
	PQconninfoOption *opts = PQconninfoParse(owner_url, NULL), *o;
	char *buf = NULL;
	size_t len = 0;
	int rc = 0;

	if (opts == NULL) {
		fprintf(stderr, "registry: DATABASE_URL cannot be parsed\n");
		return NULL;
	}
	for (o = opts; o->keyword != NULL && rc == 0; o++)
		if (o->val != NULL && strcmp(o->keyword, "user") != 0 &&
		    strcmp(o->keyword, "password") != 0)
			rc = append_option(&buf, &len, o->keyword, o->val);
	if (rc == 0)
		rc = append_option(&buf, &len, "user", role);
	if (rc == 0 && *password != '\0')
		rc = append_option(&buf, &len, "password", password);
	PQconninfoFree(opts);
	if (rc != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Under the migration lock, so that two servers starting on one database
 * do not update the role at once. */
static int
setup_role(PGconn *c, const char *role, const char *password, bool create)
{
	const char *p[1] = { role };

	if (exec_ok(c, "BEGIN", 0, NULL, "begin") != 0)
		return -1;
	if (exec_ok(c, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")", 0, NULL,
	    "lock") != 0 || (create && ensure_role(c, role, password) != 0) ||
	    exec_ok(c, "SELECT registry_grant_serving($1)", 1, p, "granting") != 0 ||
	    exec_ok(c, "COMMIT", 0, NULL, "commit") != 0) {
		exec_ok(c, "ROLLBACK", 0, NULL, "rollback");
		return -1;
	}
	return 0;
}

char *
serving_conninfo(const char *owner_url, const char *serve_url, bool setup)
{
	char role[ROLE_MAX], password[PASSWORD_LEN] = "";
	PGconn *owner;
	char *out = NULL;

	if (serve_url != NULL && !setup)
		return strdup(serve_url);
	if (owner_url == NULL) {
		fprintf(stderr, "registry: DATABASE_URL is not set\n");
		return NULL;
	}
	if ((owner = connect_or_print(owner_url, "database")) == NULL)
		return NULL;
	if (role_name(owner, serve_url, role) != 0)
		goto out;
	if (serve_url == NULL)
		derive_password(PQpass(owner), role, password);
	if (setup && setup_role(owner, role, password, serve_url == NULL) != 0)
		goto out;
	out = serve_url != NULL ? strdup(serve_url) : with_user(owner_url, role, password);
out:
	sodium_memzero(password, sizeof(password));
	PQfinish(owner);
	return out;
}

int
serving_check(const char *conninfo)
{
	PGconn *c = connect_or_print(conninfo, "database (serving role)");
	char problem[256];
	int rc = -1;

	if (c == NULL)
		return -1;
	if (query_text(c, "SELECT registry_serving_role_problem(current_user)", 0, NULL,
	    problem, sizeof(problem), "checking it") != 0)
		goto out;
	if (problem[0] != '\0') {
		fprintf(stderr, "registry: refusing to serve: %s (docs/ARCHITECTURE.md, "
		    "\"Database roles\")\n", problem);
		goto out;
	}
	rc = 0;
out:
	PQfinish(c);
	return rc;
}
