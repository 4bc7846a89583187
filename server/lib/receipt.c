/* receipt.c -- a signed receipt verified and read into fields. */
#include "lib/receipt.h"

#include <stdio.h>
#include <string.h>

/* The text's lines after the title as {field: value}. */
static json_t *
fields_of(const char *text, size_t len, json_t **title)
{
	json_t *fields = json_object();
	const char *p = text, *end = text + len, *nl, *sp;
	char key[64];

	*title = NULL;
	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (*title == NULL) {
			*title = json_stringn(p, (size_t)(nl - p));
		} else if ((sp = memchr(p, ' ', (size_t)(nl - p))) != NULL &&
		    (size_t)(sp - p) < sizeof(key)) {
			snprintf(key, sizeof(key), "%.*s", (int)(sp - p), p);
			json_object_set_new(fields, key, json_stringn(sp + 1, (size_t)(nl - sp - 1)));
		}
		p = nl + 1;
	}
	return fields;
}

json_t *
receipt_check(const struct note_key *key, const char *note, size_t len)
{
	char id[9];
	size_t text_len = 0;
	json_t *out, *title;

	snprintf(id, sizeof(id), "%08x", key->hash);
	if (!note_verify(key, note, len, &text_len))
		return json_pack("{s:b, s:s}", "valid", 0, "key_id", id);
	out = json_pack("{s:b, s:s}", "valid", 1, "key_id", id);
	json_object_set_new(out, "fields", fields_of(note, text_len, &title));
	json_object_set_new(out, "title", title != NULL ? title : json_string(""));
	return out;
}
