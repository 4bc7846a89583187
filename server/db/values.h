/* values.h -- typed statement values, after GNU Taler's query_param and
 * result_spec tables. A call site declares each parameter by type
 * (DB_INT(id), DB_STR(name), ...); the exec call formats them into text
 * it owns, so no caller sizes a buffer. Result columns are read by name
 * into typed fields with checked parsing (db_row in db.h). Pure: nothing
 * here talks to a server. */
#ifndef REGISTRY_DB_VALUES_H
#define REGISTRY_DB_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <libpq-fe.h>

enum db_param_type {
	DB_PARAM_NULL = 0,       /* SQL NULL; a zeroed struct db_param is one */
	DB_PARAM_INT,
	DB_PARAM_STR,            /* text as given; a NULL pointer is SQL NULL */
	DB_PARAM_BOOL,
};

/* One statement parameter. Borrows v.s: it must outlive the exec call. */
struct db_param {
	enum db_param_type type;
	union {
		int64_t i;
		const char *s;
		bool b;
	} v;
};

#define DB_NULL       ((struct db_param){ DB_PARAM_NULL, { .i = 0 } })
#define DB_INT(x)     ((struct db_param){ DB_PARAM_INT, { .i = (x) } })
#define DB_STR(x)     ((struct db_param){ DB_PARAM_STR, { .s = (x) } })
#define DB_BOOL(x)    ((struct db_param){ DB_PARAM_BOOL, { .b = (x) } })
/* An integer that may be absent: SQL NULL unless present. */
#define DB_OPT_INT(present, x) ((present) ? DB_INT(x) : DB_NULL)

/* Members of a validated JSON object; SQL NULL when the member is absent
 * (or not of the type). Borrow obj. */
#define DB_JSON_STR(obj, name)  db_param_json_str((obj), (name))
#define DB_JSON_INT(obj, name)  db_param_json_int((obj), (name))
#define DB_JSON_BOOL(obj, name) db_param_json_bool((obj), (name))
/* true when the member is there (even as null), else false. */
#define DB_JSON_HAS(obj, name)  DB_BOOL(json_object_get((obj), (name)) != NULL)

struct db_param db_param_json_str(const json_t *obj, const char *name);
struct db_param db_param_json_int(const json_t *obj, const char *name);
struct db_param db_param_json_bool(const json_t *obj, const char *name);

/* The two arguments (array, count) the exec calls take, from a list of
 * parameters: db_run(db, "po_cancel", DB_PARAMS(DB_INT(id), DB_STR(why))).
 * The array lives until the end of the enclosing block. */
#define DB_PARAMS(...) \
	((const struct db_param[]){ __VA_ARGS__ }), \
	(sizeof((const struct db_param[]){ __VA_ARGS__ }) / sizeof(struct db_param))
#define DB_NO_PARAMS NULL, 0

#define DB_MAX_PARAMS 16
#define DB_INT_TEXT 21           /* "-9223372036854775808" and its NUL */

/* Parameters as libpq takes them: values[i] points into ints or at a
 * caller's string, or is NULL. */
struct db_params_text {
	const char *values[DB_MAX_PARAMS];
	char ints[DB_MAX_PARAMS][DB_INT_TEXT];
};

/* Formats p[0..n) into *t; -1 when n exceeds DB_MAX_PARAMS or a type is
 * unknown. t borrows the strings of p. */
int db_params_text(const struct db_param *p, size_t n, struct db_params_text *t);

enum db_col_type {
	DB_COL_TYPE_INT,         /* into an integer of 4 or 8 bytes */
	DB_COL_TYPE_BOOL,        /* into a bool */
	DB_COL_TYPE_TEXT,        /* copied into a char array; too long is an error */
	DB_COL_TYPE_DUP,         /* a new string (caller frees), NULL for SQL NULL */
};

/* One result column to read, by name. A NULL reads as 0, false or ""
 * (what PQgetvalue gives), or NULL for DB_COL_DUP; present, when not
 * NULL, says whether the value was there. */
struct db_col {
	enum db_col_type type;
	const char *name;
	void *out;
	size_t size;
	bool *present;
};

static inline void *db_col_bool_ptr(bool *p) { return p; }
static inline void *db_col_dup_ptr(char **p) { return p; }
static inline void *db_col_chars(char *p) { return p; }

/* p: an int, int64_t or long long; buf: a char array (not a pointer). */
#define DB_COL_INT(name, p)      { DB_COL_TYPE_INT, (name), (p), sizeof(*(p)), NULL }
#define DB_COL_OPT_INT(name, p, present) \
	{ DB_COL_TYPE_INT, (name), (p), sizeof(*(p)), (present) }
#define DB_COL_BOOL(name, p)     { DB_COL_TYPE_BOOL, (name), db_col_bool_ptr(p), 0, NULL }
#define DB_COL_TEXT(name, buf)   { DB_COL_TYPE_TEXT, (name), db_col_chars(buf), sizeof(buf), NULL }
#define DB_COL_DUP(name, p)      { DB_COL_TYPE_DUP, (name), db_col_dup_ptr(p), 0, NULL }

#define DB_COLS(...) \
	((const struct db_col[]){ __VA_ARGS__ }), \
	(sizeof((const struct db_col[]){ __VA_ARGS__ }) / sizeof(struct db_col))

/* Reads row of res into the columns' fields. On a missing column or a
 * value that does not fit, returns -1 with err set, and no string of a
 * DB_COL_DUP is left allocated. */
int db_cols_read(const PGresult *res, int row, const struct db_col *cols, size_t n,
    char *err, size_t errlen);

#endif
