/* config.c -- the environment, read once. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct config config;

/* Reads an unsigned number within [min, max], or the default. */
static int
number(config_getenv_fn get, const char *name, unsigned long def,
    unsigned long min, unsigned long max, unsigned long *out, char *err, size_t errlen)
{
	const char *s = get(name);
	char *end;
	unsigned long v;

	if (s == NULL || *s == '\0') {
		*out = def;
		return 0;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || *s == '-' || v < min || v > max) {
		snprintf(err, errlen, "%s=%s: expected a whole number from %lu to %lu",
		    name, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static const char *
text(config_getenv_fn get, const char *name, const char *def)
{
	const char *s = get(name);

	return s != NULL && *s != '\0' ? s : def;
}

int
config_load(struct config *c, config_getenv_fn get, char *err, size_t errlen)
{
	unsigned long port, threads, body, upload, hours, cache, timeout, failures;
	unsigned long body_mem, min_rate, grace, idle, exports, drain, headers, conns;
	unsigned long account_failures, address_failures, hash_threads, hash_queue;
	char bad[64];
	unsigned long registrations, proposal_limit, window, open_cache, sequence_ms, checkpoint_ms;
	static char upload_dir[4096], signing_key_file[4096], proposal_dir[4096];
	static char totp_key_file[4096];
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	const char *migrate;

	if (cores < 1)
		cores = 1;
	if (number(get, "PORT", 8080, 0, 65535, &port, err, errlen) != 0 ||
	    number(get, "REGISTRY_THREADS", (unsigned long)cores * 2, 1, 256,
	    &threads, err, errlen) != 0 ||
	    number(get, "REGISTRY_BODY_LIMIT", 1048576, 1024, 256UL << 20,
	    &body, err, errlen) != 0 ||
	    number(get, "REGISTRY_UPLOAD_LIMIT", 64UL << 20, 1024, 4096UL << 20,
	    &upload, err, errlen) != 0 ||
	    number(get, "REGISTRY_BODY_MEMORY_LIMIT", 64UL << 20, 1UL << 20, 16384UL << 20,
	    &body_mem, err, errlen) != 0 ||
	    number(get, "REGISTRY_BODY_MIN_RATE", 1024, 0, 1UL << 30, &min_rate, err, errlen) != 0 ||
	    number(get, "REGISTRY_BODY_GRACE_SECONDS", 10, 1, 3600, &grace, err, errlen) != 0 ||
	    number(get, "REGISTRY_CONNECTION_TIMEOUT", 30, 1, 3600, &idle, err, errlen) != 0 ||
	    number(get, "REGISTRY_EXPORT_CONNECTIONS", 4, 1, 64, &exports, err, errlen) != 0 ||
	    number(get, "REGISTRY_SHUTDOWN_GRACE_SECONDS", 30, 0, 3600, &drain, err, errlen) != 0 ||
	    number(get, "REGISTRY_HEADER_TIMEOUT", 10, 1, 600, &headers, err, errlen) != 0 ||
	    number(get, "REGISTRY_MAX_CONNECTIONS", 1000, 10, 100000, &conns, err, errlen) != 0 ||
	    number(get, "REGISTRY_SESSION_HOURS", 12, 1, 24 * 30, &hours, err, errlen) != 0 ||
	    number(get, "REGISTRY_SESSION_CACHE_SECONDS", 10, 0, 300, &cache, err, errlen) != 0 ||
	    number(get, "REGISTRY_STATEMENT_TIMEOUT_MS", 15000, 100, 3600000,
	    &timeout, err, errlen) != 0 ||
	    number(get, "REGISTRY_LOGIN_MAX_FAILURES", 5, 1, 1000, &failures, err, errlen) != 0 ||
	    number(get, "REGISTRY_LOGIN_ACCOUNT_FAILURES", 20, 1, 100000,
	    &account_failures, err, errlen) != 0 ||
	    number(get, "REGISTRY_LOGIN_ADDRESS_FAILURES", 100, 1, 1000000,
	    &address_failures, err, errlen) != 0 ||
	    number(get, "REGISTRY_HASH_THREADS", 1, 1, 64, &hash_threads, err, errlen) != 0 ||
	    number(get, "REGISTRY_HASH_QUEUE", 16, 0, 10000, &hash_queue, err, errlen) != 0 ||
	    number(get, "REGISTRY_REGISTRATIONS_PER_HOUR", 10, 1, 100000,
	    &registrations, err, errlen) != 0 ||
	    number(get, "REGISTRY_PROPOSAL_LIMIT", 50UL << 20, 1024, 4096UL << 20,
	    &proposal_limit, err, errlen) != 0 ||
	    number(get, "REGISTRY_OPENING_WINDOW_SECONDS", 900, 10, 86400, &window, err,
	    errlen) != 0 ||
	    number(get, "REGISTRY_OPEN_DATA_CACHE_SECONDS", 60, 0, 86400,
	    &open_cache, err, errlen) != 0 ||
	    number(get, "REGISTRY_AUDIT_SEQUENCE_MS", 500, 10, 60000,
	    &sequence_ms, err, errlen) != 0 ||
	    number(get, "REGISTRY_AUDIT_CHECKPOINT_MS", 30000, 10, 60000,
	    &checkpoint_ms, err, errlen) != 0)
		return -1;
	if (addr_list_parse(get("REGISTRY_TRUSTED_PROXIES"), &c->trusted_proxies,
	    bad, sizeof(bad)) != 0) {
		snprintf(err, errlen, "REGISTRY_TRUSTED_PROXIES: %s is not an IP address or "
		    "address/prefix (at most %d, separated by commas)", bad, ADDR_LIST_MAX);
		return -1;
	}

	migrate = text(get, "REGISTRY_MIGRATE_ON_START", "true");
	if (strcmp(migrate, "true") != 0 && strcmp(migrate, "false") != 0) {
		snprintf(err, errlen, "REGISTRY_MIGRATE_ON_START=%s: expected true or false", migrate);
		return -1;
	}

	c->bind = text(get, "REGISTRY_BIND", "127.0.0.1");
	c->port = (unsigned)port;
	c->database_url = text(get, "DATABASE_URL", NULL);
	c->serve_database_url = text(get, "REGISTRY_SERVE_DATABASE_URL", NULL);
	c->root = text(get, "REGISTRY_ROOT", ".");
	c->upload_dir = text(get, "REGISTRY_UPLOAD_DIR", NULL);
	if (c->upload_dir == NULL) {
		snprintf(upload_dir, sizeof(upload_dir), "%s/var/uploads", c->root);
		c->upload_dir = upload_dir;
	}
	c->proposal_dir = text(get, "REGISTRY_PROPOSAL_DIR", NULL);
	if (c->proposal_dir == NULL) {
		snprintf(proposal_dir, sizeof(proposal_dir), "%s/var/proposals", c->root);
		c->proposal_dir = proposal_dir;
	}
	c->proposal_limit = proposal_limit;
	c->opening_window_seconds = (unsigned)window;
	c->totp_key_file = text(get, "REGISTRY_TOTP_KEY_FILE", NULL);
	if (c->totp_key_file == NULL) {
		snprintf(totp_key_file, sizeof(totp_key_file), "%s/var/totp.key", c->root);
		c->totp_key_file = totp_key_file;
	}
	c->threads = (unsigned)threads;
	c->body_limit = body;
	c->upload_limit = upload;
	c->body_memory_limit = body_mem;
	c->body_min_rate = (unsigned)min_rate;
	c->body_grace_seconds = (unsigned)grace;
	c->connection_timeout = (unsigned)idle;
	c->export_connections = (unsigned)exports;
	c->shutdown_grace_seconds = (unsigned)drain;
	c->header_timeout = (unsigned)headers;
	c->max_connections = (unsigned)conns;
	c->session_hours = (unsigned)hours;
	c->session_cache_seconds = (unsigned)cache;
	c->statement_timeout_ms = (unsigned)timeout;
	c->login_max_failures = (unsigned)failures;
	c->login_account_failures = (unsigned)account_failures;
	c->login_address_failures = (unsigned)address_failures;
	c->hash_threads = (unsigned)hash_threads;
	c->hash_queue = (unsigned)hash_queue;
	c->registrations_per_hour = (unsigned)registrations;
	c->open_data_cache_seconds = (unsigned)open_cache;
	c->audit_sequence_ms = (unsigned)sequence_ms;
	c->audit_checkpoint_ms = (unsigned)checkpoint_ms;
	c->audit_origin = text(get, "REGISTRY_AUDIT_ORIGIN", "gpu-registry/audit");
	c->test_clock_file = text(get, "REGISTRY_TEST_CLOCK_FILE", NULL);
	c->migrate_on_start = strcmp(migrate, "true") == 0;
	c->admin_password = text(get, "REGISTRY_ADMIN_PASSWORD", NULL);
	c->run_as = text(get, "REGISTRY_USER", NULL);
	c->signing_key_file = text(get, "REGISTRY_SIGNING_KEY_FILE", NULL);
	if (c->signing_key_file == NULL) {
		snprintf(signing_key_file, sizeof(signing_key_file), "%s/var/signing.key", c->root);
		c->signing_key_file = signing_key_file;
	}
	c->signing_key_name = text(get, "REGISTRY_SIGNING_KEY_NAME", "gpu-registry");
	c->ocds_prefix = text(get, "REGISTRY_OCDS_PREFIX", "ocds-krgpu1");
	if (strlen(c->ocds_prefix) != 11 || strncmp(c->ocds_prefix, "ocds-", 5) != 0 ||
	    strspn(c->ocds_prefix + 5, "abcdefghijklmnopqrstuvwxyz0123456789") != 6) {
		snprintf(err, errlen, "REGISTRY_OCDS_PREFIX=%s: expected ocds- and six lower-case "
		    "letters or digits (the prefix registered with the Open Contracting "
		    "Partnership)", c->ocds_prefix);
		return -1;
	}
	c->public_url = text(get, "REGISTRY_PUBLIC_URL", "http://localhost:8080");
	if (strncmp(c->public_url, "http://", 7) != 0 && strncmp(c->public_url, "https://", 8) != 0) {
		snprintf(err, errlen, "REGISTRY_PUBLIC_URL=%s: expected an http or https URL",
		    c->public_url);
		return -1;
	}
	c->ocds_publisher = text(get, "REGISTRY_OCDS_PUBLISHER",
	    "과학기술정보통신부 (Ministry of Science and ICT)");
	c->signing_previous_keys = text(get, "REGISTRY_SIGNING_PREVIOUS_KEYS", NULL);
	if (c->database_url == NULL && c->serve_database_url == NULL) {
		snprintf(err, errlen, "DATABASE_URL is not set (make run sets it for the "
		    "project's own cluster)");
		return -1;
	}
	return 0;
}

void
config_usage(void)
{
	fputs(
	    "Environment (defaults in brackets):\n"
	    "  DATABASE_URL                    libpq conninfo or postgresql:// URI of a role\n"
	    "                                  that owns the schema: migrates, and makes the\n"
	    "                                  serving role <database>_serve\n"
	    "  REGISTRY_SERVE_DATABASE_URL     serve as this role instead; alone, with\n"
	    "                                  REGISTRY_MIGRATE_ON_START=false, the server\n"
	    "                                  never holds the owner's credentials\n"
	    "  PORT                            TCP port [8080]; 0 lets the kernel choose\n"
	    "  REGISTRY_BIND                   address to listen on [127.0.0.1]\n"
	    "  REGISTRY_ROOT                   folder holding sql/, static/, docs/ [.]\n"
	    "  REGISTRY_THREADS                worker threads, each with one database\n"
	    "                                  connection [2 x cores]\n"
	    "  REGISTRY_BODY_LIMIT             largest request body in bytes [1048576]\n"
	    "  REGISTRY_UPLOAD_LIMIT           largest streamed upload (CSV files) in\n"
	    "                                  bytes [67108864]\n"
	    "  REGISTRY_UPLOAD_DIR             folder for uploads in flight, made 0700\n"
	    "                                  [REGISTRY_ROOT/var/uploads]\n"
	    "  REGISTRY_PROPOSAL_DIR           sealed proposals, kept for good, made 0700\n"
	    "                                  [REGISTRY_ROOT/var/proposals]\n"
	    "  REGISTRY_PROPOSAL_LIMIT         largest sealed proposal in bytes [52428800]\n"
	    "  REGISTRY_OPENING_WINDOW_SECONDS the k passphrases of an opening must all be\n"
	    "                                  given within it [900]\n"
	    "  REGISTRY_SIGNING_KEY_FILE       the service's Ed25519 key (receipts, manifests,\n"
	    "                                  checkpoints); made 0600 when missing\n"
	    "                                  [REGISTRY_ROOT/var/signing.key]\n"
	    "  REGISTRY_SIGNING_KEY_NAME       the name a new key is given [gpu-registry]\n"
	    "  REGISTRY_OCDS_PREFIX            the registered ocid prefix of the open data,\n"
	    "                                  ocds- and six characters [ocds-krgpu1]\n"
	    "  REGISTRY_PUBLIC_URL             where the service is reached, for the OCDS\n"
	    "                                  package's uri [http://localhost:8080]\n"
	    "  REGISTRY_OCDS_PUBLISHER         the OCDS package's publisher\n"
	    "                                  [과학기술정보통신부 (Ministry of Science and ICT)]\n"
	    "  REGISTRY_OPEN_DATA_CACHE_SECONDS  how long the open data (OCDS, public progress)\n"
	    "                                  is served from memory and cached by clients [60]\n"
	    "  REGISTRY_BODY_MEMORY_LIMIT      bytes of bodies held in memory by all\n"
	    "                                  requests together; past it 503 [67108864]\n"
	    "  REGISTRY_BODY_MIN_RATE          slowest body accepted, bytes/s [1024]\n"
	    "  REGISTRY_BODY_GRACE_SECONDS     time before the rate counts [10]\n"
	    "  REGISTRY_CONNECTION_TIMEOUT     seconds a connection may stay silent [30]\n"
	    "  REGISTRY_EXPORT_CONNECTIONS     database connections for downloads in\n"
	    "                                  flight; past them 503 [4]\n"
	    "  REGISTRY_SHUTDOWN_GRACE_SECONDS on SIGTERM, how long requests under way may\n"
	    "                                  take to finish before connections close [30]\n"
	    "  REGISTRY_HEADER_TIMEOUT         seconds a connection may take to send a\n"
	    "                                  request's headers, or wait for its next [10]\n"
	    "  REGISTRY_MAX_CONNECTIONS        open connections; the tenth kept free by\n"
	    "                                  closing those waiting longest [1000]\n"
	    "  REGISTRY_SESSION_HOURS          session lifetime [12]\n"
	    "  REGISTRY_SESSION_CACHE_SECONDS  how long a checked session is trusted\n"
	    "                                  without asking the database [10]\n"
	    "  REGISTRY_STATEMENT_TIMEOUT_MS   per-statement limit [15000]\n"
	    "  REGISTRY_LOGIN_MAX_FAILURES     failed sign-ins per account and address in\n"
	    "                                  15 minutes before that pair waits [5]\n"
	    "  REGISTRY_LOGIN_ACCOUNT_FAILURES failed sign-ins per account in 15 minutes\n"
	    "                                  before addresses it never signed in from\n"
	    "                                  wait and known ones are slowed [20]\n"
	    "  REGISTRY_LOGIN_ADDRESS_FAILURES failed sign-ins per address in 15 minutes\n"
	    "                                  before it waits [100]\n"
	    "  REGISTRY_TRUSTED_PROXIES        proxies whose X-Forwarded-For is believed:\n"
	    "                                  addresses or address/prefix, comma\n"
	    "                                  separated [none]\n"
	    "  REGISTRY_HASH_THREADS           threads hashing passwords, apart from the\n"
	    "                                  request threads (64 MiB each) [1]\n"
	    "  REGISTRY_HASH_QUEUE             sign-ins waiting for them; past it 429 [16]\n"
	    "  REGISTRY_REGISTRATIONS_PER_HOUR companies that may register from one\n"
	    "                                  address in an hour [10]\n"
	    "  REGISTRY_TOTP_KEY_FILE          the key sealing second-factor secrets in the\n"
	    "                                  database: 64 hex digits, mode 0600; made\n"
	    "                                  when missing; keep it out of database\n"
	    "                                  backups [REGISTRY_ROOT/var/totp.key]\n"
	    "  REGISTRY_AUDIT_SEQUENCE_MS      how often new audit events become leaves of\n"
	    "                                  the audit log's Merkle tree [500]\n"
	    "  REGISTRY_AUDIT_CHECKPOINT_MS    how often a checkpoint of the tree is signed\n"
	    "                                  while events arrive; at most a minute [30000]\n"
	    "  REGISTRY_SIGNING_PREVIOUS_KEYS  after a key rotation, the keys that signed\n"
	    "                                  before (verifier keys, comma separated):\n"
	    "                                  listed and trusted for old checkpoints [none]\n"
	    "  REGISTRY_AUDIT_ORIGIN           the audit log's name, first line of every\n"
	    "                                  checkpoint; never changes [gpu-registry/audit]\n"
	    "  REGISTRY_TEST_CLOCK_FILE        tests only: a file holding Unix seconds\n"
	    "                                  that the deadlines of calls are judged by\n"
	    "                                  [unset: the real clock]\n"
	    "  REGISTRY_MIGRATE_ON_START       apply pending migrations at start [true]\n"
	    "  REGISTRY_ADMIN_PASSWORD         password of admin@localhost, created at\n"
	    "                                  first start [random, printed once]\n"
	    "  REGISTRY_USER                   started as root, migrate, then serve as this\n"
	    "                                  system user (make run: registry-http)\n",
	    stdout);
}
