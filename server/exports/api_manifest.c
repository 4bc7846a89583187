/* api_manifest.c -- GET /api/v1/exports/:id/manifest: what an export was
 * (report, parameters, rows, bytes, SHA-256, times, user) as a note
 * signed with the service's key (lib/manifest.h for the text). A streamed
 * file's hash is known only once its last byte was produced, so the
 * manifest is offered beside the file, from the export's record, and an
 * export whose client left half-way has none (409). */
#include "core/api.h"
#include "exports/exports.h"

#include <stdio.h>
#include <stdlib.h>

#include "exports/db_reports.h"
#include "keys.h"
#include "lib/manifest.h"

#define MANIFEST_MAX 4096

static const char *
member(const json_t *o, const char *name, char *buf, size_t size)
{
	const json_t *v = json_object_get(o, name);

	if (json_is_string(v))
		return json_string_value(v);
	snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	return buf;
}

/* The signed note of a completed export into out; -1 when it does not fit
 * or there is no key. */
static int
sign(const json_t *e, char *out, size_t size)
{
	char id[24], rows[24], bytes[24], user[400], text[MANIFEST_MAX];
	const char *fields[][2] = {
		{ "export", member(e, "id", id, sizeof(id)) },
		{ "report", json_string_value(json_object_get(e, "report")) },
		{ "format", json_string_value(json_object_get(e, "format")) },
		{ "file", json_string_value(json_object_get(e, "file")) },
		{ "parameters", json_string_value(json_object_get(e, "parameters")) },
		{ "rows", member(e, "rows", rows, sizeof(rows)) },
		{ "bytes", member(e, "bytes", bytes, sizeof(bytes)) },
		{ "sha256", json_string_value(json_object_get(e, "sha256")) },
		{ "started", json_string_value(json_object_get(e, "started")) },
		{ "completed", json_string_value(json_object_get(e, "completed")) },
		{ "user", user },
	};
	int n;

	snprintf(user, sizeof(user), "%" JSON_INTEGER_FORMAT " %s",
	    json_integer_value(json_object_get(e, "user_id")),
	    json_string_value(json_object_get(e, "user")));
	n = manifest_format(fields, sizeof(fields) / sizeof(fields[0]), text, sizeof(text));
	return n < 0 ? -1 : keys_sign_note(text, (size_t)n, out, size);
}

/* GET /api/v1/exports/:id/manifest */
void
api_exports_manifest(struct req *r)
{
	json_t *e = NULL;
	char *note;
	int64_t id;
	int n;

	if (validate_param_id_or_reply(r, "id", &id) != 0)
		return;
	if (db_exports_get(r->db, id, &e) != 0) {
		api_db_error(r);
		return;
	}
	if (e == NULL)
		reply_not_found(r, PROBLEM_EXPORT_NOT_FOUND, "export", (long long)id);
	else if (json_is_null(json_object_get(e, "completed")))
		reply_problem_with(r, PROBLEM_EXPORT_INCOMPLETE, json_pack("{s:I}", "id",
		    (json_int_t)id), "export %lld was not produced to its end", (long long)id);
	else if ((note = malloc(MANIFEST_MAX + 512)) == NULL ||
	    (n = sign(e, note, MANIFEST_MAX + 512)) < 0) {
		free(note);
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the manifest could not be signed");
	} else {
		reply_bytes(r, 200, "text/plain; charset=utf-8", note, (size_t)n);
	}
	json_decref(e);
}
