/* config.h -- the service's configuration: one struct, filled once from
 * the environment at start, read-only afterwards. */
#ifndef REGISTRY_CONFIG_H
#define REGISTRY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/addr.h"

struct config {
	const char *bind;            /* REGISTRY_BIND, default 127.0.0.1 */
	unsigned port;               /* PORT, default 8080; 0 = kernel picks */
	const char *database_url;    /* DATABASE_URL: an owner's, to migrate (conninfo or URI) */
	const char *serve_database_url; /* REGISTRY_SERVE_DATABASE_URL, else NULL;
	                              * main.c sets the one it serves with */
	const char *root;            /* REGISTRY_ROOT: where sql/, static/, docs/ are */
	unsigned threads;            /* REGISTRY_THREADS, default 2 x cores */
	size_t body_limit;           /* REGISTRY_BODY_LIMIT bytes, default 1 MiB */
	size_t upload_limit;         /* REGISTRY_UPLOAD_LIMIT bytes, default 64 MiB */
	const char *upload_dir;      /* REGISTRY_UPLOAD_DIR, default <root>/var/uploads */
	const char *proposal_dir;    /* REGISTRY_PROPOSAL_DIR: sealed proposals, kept for good,
	                              * default <root>/var/proposals */
	size_t proposal_limit;       /* REGISTRY_PROPOSAL_LIMIT bytes, default 50 MiB */
	unsigned opening_window_seconds; /* REGISTRY_OPENING_WINDOW_SECONDS: the k passphrases
	                              * of an opening must come within it, default 900 */
	size_t body_memory_limit;    /* REGISTRY_BODY_MEMORY_LIMIT: bodies in memory, all
	                              * requests together, default 64 MiB */
	unsigned body_min_rate;      /* REGISTRY_BODY_MIN_RATE bytes/s, default 1024 */
	unsigned body_grace_seconds; /* REGISTRY_BODY_GRACE_SECONDS before the rate counts, 10 */
	unsigned connection_timeout; /* REGISTRY_CONNECTION_TIMEOUT seconds idle, default 30 */
	unsigned export_connections; /* REGISTRY_EXPORT_CONNECTIONS, default 4 */
	unsigned shutdown_grace_seconds; /* REGISTRY_SHUTDOWN_GRACE_SECONDS, default 30 */
	unsigned header_timeout;     /* REGISTRY_HEADER_TIMEOUT seconds for a request's headers, 10 */
	unsigned max_connections;    /* REGISTRY_MAX_CONNECTIONS, default 1000 */
	unsigned session_hours;      /* REGISTRY_SESSION_HOURS, default 12 */
	unsigned session_cache_seconds; /* REGISTRY_SESSION_CACHE_SECONDS, default 10 */
	unsigned statement_timeout_ms;  /* REGISTRY_STATEMENT_TIMEOUT_MS, default 15000 */
	unsigned login_max_failures;    /* REGISTRY_LOGIN_MAX_FAILURES, default 5 per account
	                                 * and address in 15 min */
	unsigned login_account_failures; /* REGISTRY_LOGIN_ACCOUNT_FAILURES, default 20 */
	unsigned login_address_failures; /* REGISTRY_LOGIN_ADDRESS_FAILURES, default 100 */
	struct addr_list trusted_proxies; /* REGISTRY_TRUSTED_PROXIES, default none */
	unsigned hash_threads;       /* REGISTRY_HASH_THREADS, default 1 */
	unsigned hash_queue;         /* REGISTRY_HASH_QUEUE, default 16 */
	unsigned registrations_per_hour; /* REGISTRY_REGISTRATIONS_PER_HOUR per address, 10 */
	const char *totp_key_file;   /* REGISTRY_TOTP_KEY_FILE: seals second-factor secrets,
	                              * default <root>/var/totp.key, made when missing */
	unsigned audit_sequence_ms;  /* REGISTRY_AUDIT_SEQUENCE_MS: events to leaves, 500 */
	unsigned audit_checkpoint_ms; /* REGISTRY_AUDIT_CHECKPOINT_MS: signed checkpoints
	                              * while events arrive, 30000 (at most 60000) */
	const char *audit_origin;    /* REGISTRY_AUDIT_ORIGIN: the log's name in checkpoints */
	const char *test_clock_file; /* REGISTRY_TEST_CLOCK_FILE: tests only; see core/clock.h */
	bool migrate_on_start;       /* REGISTRY_MIGRATE_ON_START, default true */
	const char *admin_password;  /* REGISTRY_ADMIN_PASSWORD, first start only */
	const char *run_as;          /* REGISTRY_USER: started as root, serve as this user */
	const char *signing_key_file; /* REGISTRY_SIGNING_KEY_FILE, default <root>/var/signing.key */
	const char *signing_key_name; /* REGISTRY_SIGNING_KEY_NAME: the key's name when it is
	                               * made, default "gpu-registry" */
	const char *ocds_prefix;     /* REGISTRY_OCDS_PREFIX: "ocds-" and six characters, the
	                              * registered prefix of every ocid [ocds-krgpu1] */
	const char *public_url;      /* REGISTRY_PUBLIC_URL: where the service is reached, for
	                              * the OCDS package's uri [http://localhost:8080] */
	const char *ocds_publisher;  /* REGISTRY_OCDS_PUBLISHER: the package's publisher */
	unsigned open_data_cache_seconds; /* REGISTRY_OPEN_DATA_CACHE_SECONDS, default 60 */
	const char *signing_previous_keys; /* REGISTRY_SIGNING_PREVIOUS_KEYS: verifier keys
	                               * that signed before, comma separated */
};

/* A lookup function, so tests can feed a fake environment. */
typedef char *(*config_getenv_fn)(const char *name);

/* Fills c from the environment. On a bad value writes a message naming
 * the variable into err and returns -1. */
int config_load(struct config *c, config_getenv_fn get, char *err, size_t errlen);

/* Prints every variable with its default, for `registry --help`. */
void config_usage(void);

extern struct config config;

#endif
