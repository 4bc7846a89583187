/* cli.h -- the command-line subcommands besides serve. */
#ifndef REGISTRY_CLI_H
#define REGISTRY_CLI_H

/* registry user add --email E --name N --org NAME [--org-kind K] --role R... */
int cli_user_add(int argc, char **argv);

/* registry routes: the route table, one "METHOD /path/{param}" a line;
 * with --json, an array of {method, path, pattern, roles, flags, body},
 * body being the JSON body's fields (or null) as the handler checks them. */
int cli_routes(int argc, char **argv);

/* registry problems: the problem codes, one "code<TAB>status<TAB>meaning"
 * a line. */
int cli_problems(void);

/* registry statement NAME: prints that prepared statement's SQL. */
int cli_statement(int argc, char **argv);
/* registry verify-receipt FILE --key VERIFIER_KEY: checks a receipt (or a
 * checkpoint) with only the service's public key, as GET /api/v1/keys
 * gives it (verifier_key); prints {valid, key_id, title, fields} and
 * exits 0 when valid, 1 when not, 2 on a usage error. */
int cli_verify_receipt(int argc, char **argv);
/* registry verify-export FILE MANIFEST [--public-key KEY | --public-key-file
 * PATH]: whether FILE is the export its signed manifest describes, checked
 * with only the service's public key (verify_export.c). 0 yes, 1 no, 2 on
 * an error. */
int cli_verify_export(int argc, char **argv);

/* On first start: the ministry organisation and admin@localhost, with
 * REGISTRY_ADMIN_PASSWORD or a random password printed once. */
int cli_bootstrap_admin(void);

#endif
