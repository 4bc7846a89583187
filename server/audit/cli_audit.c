/* cli_audit.c -- registry audit verify | export | verify-offline: the
 * audit log checked from the database, written out, and checked from
 * such a file with nothing but public keys (docs/audit.md). */
#include "audit/audit.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "audit/tree.h"
#include "config.h"
#include "lib/logcheck.h"

static void
usage(void)
{
	fputs("usage: registry audit verify --public-key K [--public-key K2...]\n"
	    "       registry audit export [--out FILE]\n"
	    "       registry audit verify-offline --public-key K [FILE]\n"
	    "K is a verifier key (name+hash+base64), verifier_key of GET /api/v1/keys.\n"
	    "verify and verify-offline print a report and exit 1 when the log does not\n"
	    "match its signed checkpoints.\n", stderr);
}

struct options {
	struct note_key keys[LOGCHECK_MAX_KEYS];
	size_t nkeys;
	const char *out;
	const char *file;
};

static int
options_parse(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "public-key", required_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o') {
			o->out = optarg;
		} else if (c != 'k' || o->nkeys == LOGCHECK_MAX_KEYS ||
		    note_key_parse_public(&o->keys[o->nkeys++], optarg) != 0) {
			if (c == 'k')
				fprintf(stderr, "registry: %s is not a verifier key\n", optarg);
			return -1;
		}
	}
	o->file = optind < argc ? argv[optind] : NULL;
	return 0;
}

/* Prints the report; 0 when the log matched, else 1. Steals report. */
static int
report_print(json_t *report)
{
	int ok = json_is_true(json_object_get(report, "ok"));

	json_dumpf(report, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(report);
	return ok ? 0 : 1;
}

/* An export being read: its origin comes from its first line (and every
 * checkpoint must name the same). */
struct offline {
	struct logcheck lc;
	bool leaves_began;
	char origin[256];
};

/* One line of an export, into lc. -1 when it is not one. */
static int
offline_line(struct offline *f, const char *text)
{
	struct logcheck *lc = &f->lc;
	json_t *line = json_loads(text, JSON_REJECT_DUPLICATES, NULL), *v;
	struct checkpoint c = { .size = 0 };
	unsigned char *leaf = NULL;
	const char *s;
	size_t len = 0, cap;
	int rc = -1;

	if (!json_is_object(line))
		goto out;
	if ((v = json_object_get(line, "checkpoint")) != NULL && json_is_string(v) && f->origin[0] &&
	    !f->leaves_began) {
		/* The size it is filed under is its own: the signature is what
		 * makes it count. */
		s = json_string_value(v);
		(void)checkpoint_parse(s, strlen(s), &c);
		logcheck_checkpoint(lc, s, strlen(s), c.size);
		rc = 0;
	} else if (json_is_integer(v = json_object_get(line, "leaf_index"))) {
		f->leaves_began = true;
		s = json_string_value(json_object_get(line, "leaf"));
		cap = s != NULL ? strlen(s) : 0;
		if (s != NULL && ((leaf = malloc(cap + 1)) == NULL ||
		    sodium_base642bin(leaf, cap + 1, s, cap, NULL, &len, NULL,
		    sodium_base64_VARIANT_ORIGINAL) != 0))
			goto out;
		logcheck_leaf(lc, (uint64_t)json_integer_value(v),
		    json_integer_value(json_object_get(line, "event_id")), leaf, len, NULL);
		rc = 0;
	} else if (json_is_string(v = json_object_get(line, "format")) &&
	    strcmp(json_string_value(v), "registry-audit-log-v1") == 0 && !f->origin[0] &&
	    (s = json_string_value(json_object_get(line, "origin"))) != NULL && *s &&
	    strlen(s) < sizeof(f->origin)) {
		snprintf(f->origin, sizeof(f->origin), "%s", s);
		rc = 0;
	}
out:
	free(leaf);
	json_decref(line);
	return rc;
}

static int
verify_offline(const struct options *o)
{
	FILE *in = o->file == NULL || strcmp(o->file, "-") == 0 ? stdin : fopen(o->file, "r");
	struct offline f = { .leaves_began = false };
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc = 2;

	if (in == NULL) {
		perror(o->file);
		return 2;
	}
	logcheck_init(&f.lc, o->keys, o->nkeys, f.origin);
	while ((n = getline(&text, &cap, in)) > 0) {
		lineno++;
		if (offline_line(&f, text) != 0) {
			fprintf(stderr, "registry: line %ld is not a line of an audit log export\n",
			    lineno);
			goto out;
		}
	}
	rc = report_print(logcheck_report(&f.lc));
out:
	free(text);
	logcheck_free(&f.lc);
	if (in != stdin)
		fclose(in);
	return rc;
}

/* verify and export read the database as DATABASE_URL's role, or the
 * serving role's when only that is given. */
static int
with_database(const struct options *o, bool export)
{
	const char *conninfo = config.database_url ? config.database_url :
	    config.serve_database_url;
	struct db *db = db_open(conninfo);
	FILE *out = stdout;
	json_t *report = NULL;
	int rc = 2;

	if (db == NULL)
		return 2;
	if (export && o->out != NULL && (out = fopen(o->out, "w")) == NULL) {
		perror(o->out);
		goto out;
	}
	if (export ? audit_tree_export(db, out) != 0 :
	    audit_tree_verify(db, o->keys, o->nkeys, &report) != 0)
		fprintf(stderr, "registry: %s\n", db->message);
	else
		rc = export ? 0 : report_print(report);
out:
	if (out != stdout && out != NULL && fclose(out) != 0)
		rc = 2;
	db_close(db);
	return rc;
}

int
audit_cli(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	struct options o;

	if (options_parse(argc - 1, argv + 1, &o) != 0) {
		usage();
		return 2;
	}
	if (strcmp(cmd, "export") == 0)
		return with_database(&o, true);
	if ((strcmp(cmd, "verify") != 0 && strcmp(cmd, "verify-offline") != 0) || o.nkeys == 0) {
		usage();
		return 2;
	}
	return strcmp(cmd, "verify") == 0 ? with_database(&o, false) : verify_offline(&o);
}
