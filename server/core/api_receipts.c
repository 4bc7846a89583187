/* api_receipts.c -- POST /api/v1/receipts/verify: whether a receipt (or a
 * checkpoint) was signed by this service's key, and what it says. Anyone
 * may ask; anyone may also check offline with GET /api/v1/keys. */
#include "core/api.h"

#include "keys.h"
#include "lib/receipt.h"

#include <string.h>

static const struct field_spec verify_fields[] = {
	{ "receipt", FIELD_STRING, true, 1, 8192, NULL },
};

const struct field_table api_receipts_verify_body = FIELD_TABLE(verify_fields);

void
api_receipts_verify(struct req *r)
{
	const struct note_key *key = keys_service();
	json_t *body;
	const char *note;

	if ((body = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, body, verify_fields, NFIELDS(verify_fields), false) == 0) {
		note = json_string_value(json_object_get(body, "receipt"));
		if (key == NULL)
			reply_problem(r, PROBLEM_INTERNAL_ERROR, "the signing key is not loaded");
		else
			reply_json_steal(r, 200, receipt_check(key, note, strlen(note)));
	}
	json_decref(body);
}
