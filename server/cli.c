/* cli.c -- subcommands that change data from the command line. Their
 * audit events carry the channel "cli" (or "system" at first start). */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "core/app.h"
#include "core/problem.h"
#include "core/validate.h"
#include "auth/auth.h"
#include "config.h"
#include "db/db.h"
#include "accounts/db_users.h"
#include "lib/receipt.h"

#define ADMIN_EMAIL "admin@localhost"
#define ADMIN_ORG "과학기술정보통신부"

static void
random_password(char out[33])
{
	unsigned char raw[18];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, 33, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Creates one user (and its organisation if kind is given) in one
 * transaction. Prints the problem and returns -1 on failure. */
static int
create_user(const char *conninfo, const struct audit_ctx *ctx, const char *email,
    const char *name, const char *org, const char *kind, const char *roles, const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	struct user_fields f = { .email = email, .name = name, .roles = roles };
	struct db *db = db_open(conninfo);
	json_t *user = NULL;
	int64_t id;
	int rc = -1;

	if (db == NULL)
		return -1;
	if (auth_password_hash(password, hash, sizeof(hash)) != 0 || db_begin(db, ctx) != 0)
		goto out;
	if (db_users_org_ensure(db, org, kind, &id) != 0)
		goto fail;
	if (id == 0) {
		fprintf(stderr, "registry: no organization is named %s (give --org-kind to "
		    "create it)\n", org);
		db_rollback(db);
		goto out;
	}
	f.organization_id = DB_INT(id);
	f.password_hash = hash;
	if (db_users_create(db, &f, &user) != 0 || db_commit(db) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "registry: %s (%s%s%s)\n", db->message, db->sqlstate,
	    db->constraint[0] ? ", " : "", db->constraint);
	db_rollback(db);
out:
	sodium_memzero(hash, sizeof(hash));
	json_decref(user);
	db_close(db);
	return rc;
}

int
cli_bootstrap_admin(void)
{
	struct audit_ctx ctx = { .channel = "system", .request_id = "first-start" };
	struct db *db = db_open(config.serve_database_url);
	char password[1025];
	int64_t n = -1;

	if (db == NULL)
		return -1;
	if (db_users_count(db, &n) != 0)
		fprintf(stderr, "registry: %s\n", db->message);
	db_close(db);
	if (n != 0)
		return n < 0 ? -1 : 0;
	if (config.admin_password != NULL &&
	    (strlen(config.admin_password) < 12 || strlen(config.admin_password) > 1024)) {
		fprintf(stderr, "registry: REGISTRY_ADMIN_PASSWORD needs 12 to 1024 characters\n");
		return -1;
	}
	if (config.admin_password != NULL)
		snprintf(password, sizeof(password), "%s", config.admin_password);
	else
		random_password(password);
	if (create_user(config.serve_database_url, &ctx, ADMIN_EMAIL, "Administrator", ADMIN_ORG,
	    "ministry", "{admin}", password) != 0)
		return -1;
	if (config.admin_password == NULL)
		printf("created %s with the password %s (shown once: keep it)\n",
		    ADMIN_EMAIL, password);
	else
		printf("created %s with the password from REGISTRY_ADMIN_PASSWORD\n", ADMIN_EMAIL);
	sodium_memzero(password, sizeof(password));
	return 0;
}

/* Why the API would refuse password as a new one (auth/password_list.c),
 * with the same list, or NULL. */
static const char *
common_password(const char *password)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/data/common-passwords.txt", config.root);
	if (auth_password_list_load(path) != 0)
		return "cannot be checked: the list of common passwords is missing";
	return auth_password_weakness(password);
}

static void
user_add_usage(void)
{
	fputs("usage: registry user add --email E --name N --org NAME [--org-kind KIND]\n"
	    "                         --role ROLE [--role ROLE ...]\n"
	    "The password comes from REGISTRY_USER_PASSWORD, or a random one is printed.\n"
	    "ROLE: admin officer vendor auditor tenant.\n"
	    "KIND (creates the organization if missing): ministry vendor institute\n"
	    "university company auditor.\n", stderr);
}

int
cli_user_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "name", required_argument, NULL, 'n' },
		{ "org", required_argument, NULL, 'o' },
		{ "org-kind", required_argument, NULL, 'k' },
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct audit_ctx ctx = { .channel = "cli", .request_id = "cli" };
	const char *email = NULL, *name = NULL, *org = NULL, *kind = NULL;
	const char *env = getenv("REGISTRY_USER_PASSWORD");
	char roles[64] = "{", password[1025];
	const char *why;
	size_t len = 1;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e': email = optarg; break;
		case 'n': name = optarg; break;
		case 'o': org = optarg; break;
		case 'k': kind = optarg; break;
		case 'r':
			if (roles_bit(optarg) == 0 || len + strlen(optarg) + 2 > sizeof(roles)) {
				fprintf(stderr, "registry: unknown role %s\n", optarg);
				return 2;
			}
			len += (size_t)snprintf(roles + len, sizeof(roles) - len, "%s%s",
			    len > 1 ? "," : "", optarg);
			break;
		default: user_add_usage(); return 2;
		}
	}
	if (email == NULL || name == NULL || org == NULL || len == 1) {
		user_add_usage();
		return 2;
	}
	snprintf(roles + len, sizeof(roles) - len, "}");
	if (env != NULL && (strlen(env) < 12 || strlen(env) > 1024)) {
		fprintf(stderr, "registry: REGISTRY_USER_PASSWORD needs 12 to 1024 characters\n");
		return 2;
	}
	if (env != NULL && (why = common_password(env)) != NULL) {
		fprintf(stderr, "registry: REGISTRY_USER_PASSWORD %s\n", why);
		return 2;
	}
	if (env != NULL)
		snprintf(password, sizeof(password), "%s", env);
	else
		random_password(password);
	if (create_user(config.database_url ? config.database_url : config.serve_database_url,
	    &ctx, email, name, org, kind, roles, password) != 0)
		return 1;
	if (env == NULL)
		printf("created %s with the password %s (shown once)\n", email, password);
	else
		printf("created %s\n", email);
	return 0;
}

int
cli_problems(void)
{
	const struct problem_def *const *all, *p;
	size_t i, n;

	all = problem_all(&n);
	for (i = 0; i < n; i++) {
		p = all[i];
		printf("%s\t%d\t%s\n", p->code, p->status, p->meaning);
	}
	return 0;
}

/* registry statement NAME: the SQL of one prepared statement, as the
 * server sends it, so that the benchmark can run exactly that. */
int
cli_statement(int argc, char **argv)
{
	const struct db_stmt *s;

	if (argc != 2) {
		fprintf(stderr, "usage: registry statement NAME\n");
		return 2;
	}
	if ((s = db_stmt_find(argv[1])) == NULL) {
		fprintf(stderr, "registry: no statement is named %s\n", argv[1]);
		return 1;
	}
	printf("%s\n", s->sql);
	return 0;
}

static const char *const field_types[] = {
	[FIELD_STRING] = "string", [FIELD_STRING_OR_NULL] = "string_or_null",
	[FIELD_INTEGER] = "integer", [FIELD_BOOLEAN] = "boolean",
	[FIELD_STRING_ARRAY] = "string_array", [FIELD_DATE] = "date",
	[FIELD_DATE_OR_NULL] = "date_or_null",
	[FIELD_DECIMAL] = "decimal", [FIELD_OBJECT_ARRAY] = "object_array",
};

/* A NULL-terminated list of names as a JSON array (new reference). */
static json_t *
names_json(const char *const *names)
{
	json_t *a = json_array();

	for (; names != NULL && *names != NULL; names++)
		json_array_append_new(a, json_string(*names));
	return a;
}

/* A field table as [{name, type, required, min_len, max_len, one_of,
 * items}] (new reference); nested object arrays recurse. */
static json_t *
fields_json(const struct field_spec *spec, size_t n)
{
	json_t *a = json_array(), *f;
	size_t i;

	for (i = 0; i < n; i++) {
		f = json_pack("{s:s, s:s, s:b, s:I, s:I}", "name", spec[i].name,
		    "type", field_types[spec[i].type], "required", spec[i].required,
		    "min_len", (json_int_t)spec[i].min_len, "max_len", (json_int_t)spec[i].max_len);
		if (spec[i].one_of != NULL)
			json_object_set_new(f, "one_of", names_json(spec[i].one_of));
		if (spec[i].items != NULL)
			json_object_set_new(f, "items", fields_json(spec[i].items, spec[i].nitems));
		json_array_append_new(a, f);
	}
	return a;
}

/* One route as JSON (new reference). */
static json_t *
route_json(const struct route *rt)
{
	static const struct {
		unsigned bit;
		const char *name;
	} flags[] = {
		{ ROUTE_PUBLIC, "public" }, { ROUTE_STREAM_BODY, "stream_body" },
		{ ROUTE_NO_DB, "no_db" }, { ROUTE_ENROL, "enrol" },
	};
	char path[256];
	json_t *roles = json_array(), *fl = json_array(), *body = json_null();
	unsigned bit;
	size_t i;

	for (bit = 1; bit != 0 && bit <= rt->roles; bit <<= 1)
		if ((rt->roles & bit) != 0 && roles_name(bit) != NULL)
			json_array_append_new(roles, json_string(roles_name(bit)));
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if ((rt->flags & flags[i].bit) != 0)
			json_array_append_new(fl, json_string(flags[i].name));
	if (rt->body != NULL)
		body = json_pack("{s:o, s:o}", "fields", fields_json(rt->body->fields, rt->body->n),
		    "by_hand", names_json(rt->body->by_hand));
	router_openapi_path(rt->pattern, path, sizeof(path));
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "method", rt->method, "path", path,
	    "pattern", rt->pattern, "roles", roles, "flags", fl, "body", body);
}

int
cli_routes(int argc, char **argv)
{
	char path[256];
	json_t *all;
	size_t i;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json") != 0)) {
		fputs("usage: registry routes [--json]\n", stderr);
		return 2;
	}
	if (argc == 1) {
		for (i = 0; i < app_nroutes; i++) {
			router_openapi_path(app_routes[i].pattern, path, sizeof(path));
			printf("%s %s\n", app_routes[i].method, path);
		}
		return 0;
	}
	all = json_array();
	for (i = 0; i < app_nroutes; i++)
		json_array_append_new(all, route_json(&app_routes[i]));
	if (json_dumpf(all, stdout, JSON_INDENT(1)) != 0) {
		json_decref(all);
		return 1;
	}
	json_decref(all);
	putchar('\n');
	return 0;
}

int
cli_verify_receipt(int argc, char **argv)
{
	struct note_key key;
	const char *file = NULL, *verifier = NULL;
	char *note = NULL, *text;
	FILE *f;
	long size;
	json_t *out;
	int i, valid;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			verifier = argv[++i];
		else if (file == NULL)
			file = argv[i];
	}
	if (file == NULL || verifier == NULL || sodium_init() < 0 ||
	    note_key_parse_public(&key, verifier) != 0) {
		fprintf(stderr, "usage: registry verify-receipt FILE --key VERIFIER_KEY\n"
		    "  VERIFIER_KEY: the verifier_key of GET /api/v1/keys\n");
		return 2;
	}
	if ((f = fopen(file, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (size = ftell(f)) < 0 || size > (1L << 20) || fseek(f, 0, SEEK_SET) != 0 ||
	    (note = malloc((size_t)size + 1)) == NULL ||
	    fread(note, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "registry: %s cannot be read\n", file);
		if (f != NULL)
			fclose(f);
		free(note);
		return 2;
	}
	fclose(f);
	out = receipt_check(&key, note, (size_t)size);
	valid = json_is_true(json_object_get(out, "valid"));
	text = json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS);
	printf("%s\n", text);
	free(text);
	json_decref(out);
	free(note);
	return valid ? 0 : 1;
}
