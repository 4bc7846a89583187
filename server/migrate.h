/* migrate.h -- schema migrations: sql/NNNN_name.sql, applied in order,
 * each in its own transaction, recorded with a SHA-256 checksum. */
#ifndef REGISTRY_MIGRATE_H
#define REGISTRY_MIGRATE_H

/* The advisory lock that serialises migrations and the serving role's
 * grants (serving.c) of one database. */
#define MIGRATE_LOCK_KEY "7274011"

/* Applies the pending migrations of dir. Two processes doing this at
 * once are serialised by an advisory lock. Returns the number applied,
 * or -1 with the reason printed (a changed applied file is named). */
int migrate_run(const char *conninfo, const char *dir);

/* How many migration files dir holds; -1 if it cannot be read. */
int migrate_count_files(const char *dir);

#endif
