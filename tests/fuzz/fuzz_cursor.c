/* fuzz_cursor.c -- the query string: its parameters as the handlers get
 * them (lib/cursor.c and the core/validate.c query helpers).
 * Input: a query string "k=v&k=v", percent-decoded as core/http.c has
 * libmicrohttpd do it (lib/utf8.c), into the request's parameters (at most
 * REQ_MAX_QUERY, then the overflow flag), then every query helper a list
 * handler calls. Text that is not UTF-8 is refused earlier, in http.c;
 * here it goes through too, so the helpers are proved safe without it.
 * Oracles: a helper either succeeds or replies 400 with a JSON problem;
 * a page has 1 <= limit <= 500 and after >= 0; an accepted id prints back
 * as the text it came from; a cursor that decodes encodes back to one that
 * decodes to the same id; encode/decode round-trips any positive id. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/lib/cursor.c"
#include "../../server/lib/decimal.c"
#include "../../server/lib/text.c"
#include "../../server/lib/utf8.c"
#include "../../server/core/problem.c"
#include "../../server/core/reply.c"
#include "../../server/core/req.c"
#include "../../server/core/router.c"
#include "../../server/core/validate.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const known[] = { "limit", "cursor", "status", "program_id", "active",
	"q", NULL };
static const char *const statuses[] = { "draft", "submitted", "approved", NULL };

static void
parse_query(struct req *r, const char *q, size_t len)
{
	size_t at = 0;

	while (at < len) {
		size_t end = at, eq;
		char *pair;

		while (end < len && q[end] != '&')
			end++;
		pair = strndup(q + at, end - at);
		eq = strcspn(pair, "=");
		if (r->nquery == REQ_MAX_QUERY) {
			r->query_overflow = true;
			free(pair);
			break;
		}
		r->query[r->nquery].value = strdup(pair[eq] ? pair + eq + 1 : "");
		pair[eq] = '\0';
		r->query[r->nquery].key = pair;
		utf8_percent_decode(r->query[r->nquery].key, false);
		utf8_percent_decode(r->query[r->nquery].value, false);
		r->nquery++;
		at = end + 1;
	}
}

/* After a helper: 0 and no reply, or -1 and a 400 problem in JSON. */
static void
expect_ok_or_400(struct req *r, int rc)
{
	json_t *j;

	if (rc == 0) {
		if (r->status != 0 || r->reply_body != NULL)
			abort();
		return;
	}
	if (rc != -1 || r->status != 400 || r->reply_body == NULL)
		abort();
	if ((j = json_loads(r->reply_body, 0, NULL)) == NULL)
		abort();
	json_decref(j);
	reply_reset(r);
	r->status = 0;
}

static void
check_cursor_text(const char *text)
{
	int64_t id, again;
	char enc[CURSOR_MAX];

	if (cursor_decode(text, &id) != 0)
		return;
	if (id <= 0)
		abort();
	cursor_encode(id, enc);
	if (cursor_decode(enc, &again) != 0 || again != id)
		abort();
}

static void
check_id_text(const char *text)
{
	int64_t v;
	char back[32];

	if (validate_id(text, &v) != 0)
		return;
	snprintf(back, sizeof(back), "%" PRId64, v);
	if (v <= 0 || strcmp(back, text) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req r;
	int64_t v = 0, after, id;
	int limit;
	bool present;
	const char *s;
	size_t i;

	if (size > 4096)
		return 0;
	/* Any positive id round-trips through a cursor. */
	if (size >= 8) {
		char enc[CURSOR_MAX];

		memcpy(&v, data, 8);
		if (v > 0) {
			cursor_encode(v, enc);
			if (cursor_decode(enc, &id) != 0 || id != v)
				abort();
		}
	}

	memset(&r, 0, sizeof(r));
	r.reply_fd = -1;
	parse_query(&r, (const char *)data, size);
	for (i = 0; i < r.nquery; i++) {
		check_cursor_text(r.query[i].value);
		check_id_text(r.query[i].value);
	}
	expect_ok_or_400(&r, validate_query_known_or_reply(&r, known));
	expect_ok_or_400(&r, validate_page_or_reply(&r, &limit, &after));
	if (r.status == 0 && (limit < 1 || limit > 500 || after < 0))
		abort();
	expect_ok_or_400(&r, validate_query_id_or_reply(&r, "program_id", &id, &present));
	expect_ok_or_400(&r, validate_query_bool_or_reply(&r, "active", &s));
	expect_ok_or_400(&r, validate_query_enum_or_reply(&r, "status", statuses, &s));
	req_release(&r);
	return 0;
}
