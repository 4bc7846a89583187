/* api_committee.c -- /api/v1/calls/:id/committee: the opening committee
 * of a draft, each member's passphrase, and the opening key made when the
 * call is published (docs/sealed-bids.md).
 *
 * A member's passphrase is stretched with argon2id (crypto_pwhash) into
 * the seed of an X25519 wrapping key; the server keeps the salt and the
 * public half only, and forgets the passphrase when the request ends. At
 * publication the opening key's secret is split k-of-n and each share is
 * sealed to its member's wrapping key, then the secret is wiped: from
 * then on no one can open a proposal without k passphrases. */
#include "calls/api_calls.h"
#include "calls/calls.h"
#include "calls/db_proposals.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "lib/sealing.h"

static const struct field_spec member_fields[] = {
	{ "user_id", FIELD_INTEGER, true, 1, 0, NULL },
};

static const struct field_spec committee_fields[] = {
	{ "threshold", FIELD_INTEGER, true, 2, SEALING_MAX_SHARES, NULL },
	{ "members", FIELD_OBJECT_ARRAY, true, 2, SEALING_MAX_SHARES, NULL, member_fields,
	  NFIELDS(member_fields) },
};

static const struct field_spec passphrase_fields[] = {
	{ "passphrase", FIELD_STRING, true, 12, 1024, NULL },
};

const struct field_table api_committee_put_body = FIELD_TABLE(committee_fields);
const struct field_table api_committee_passphrase_body = FIELD_TABLE(passphrase_fields);

struct committee_write {
	struct req *r;
	int64_t id;
	json_t *body;            /* borrowed */
	json_t *users;           /* owned: the user ids */
	struct db_member_key key;
	char at[32];
};

/* 409 unless the call is a draft; 0 when it is. */
static int
draft_or_reply(struct req *r, int64_t id, const struct db_call_state *st)
{
	if (strcmp(st->status, "draft") == 0)
		return 0;
	reply_problem_with(r, PROBLEM_CALL_NOT_DRAFT, json_pack("{s:s}", "current_status",
	    st->status), "call %lld is %s: its committee was fixed at publication",
	    (long long)id, st->status);
	return 1;
}

static int
committee_tx(struct db *db, void *arg)
{
	struct committee_write *w = arg;
	struct db_call_state st;
	int64_t added = 0;
	int rc;

	if ((rc = calls_state_or_reply(w->r, db, w->id, w->at, true, &st)) != 0 ||
	    (rc = draft_or_reply(w->r, w->id, &st)) != 0)
		return rc;
	if (db_committee_replace(db, w->id, (int)json_integer_value(json_object_get(w->body,
	    "threshold")), w->users, &added) != 0)
		return -1;
	if ((size_t)added != json_array_size(w->users)) {
		reply_invalid_field(w->r, "members", "every member must be a different, active "
		    "ministry officer");
		return 1;
	}
	return 0;
}

static void
committee_reply(struct req *r, int64_t id)
{
	json_t *c = NULL;

	if (db_committee_get(r->db, id, &c) != 0)
		api_db_error(r);
	else
		reply_json_steal(r, 200, c);
}

/* PUT /api/v1/calls/:id/committee {threshold, members: [{user_id}]} */
void
api_committee_put(struct req *r)
{
	struct committee_write w = { .r = r };
	json_t *m;
	size_t i;

	if (calls_param_or_reply(r, &w.id) != 0 || (w.body = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.body, committee_fields, NFIELDS(committee_fields),
	    false) != 0)
		goto out;
	w.users = json_array();
	json_array_foreach(json_object_get(w.body, "members"), i, m)
		json_array_append(w.users, json_object_get(m, "user_id"));
	if (json_integer_value(json_object_get(w.body, "threshold")) >
	    (json_int_t)json_array_size(w.users)) {
		reply_invalid_field(r, "threshold", "cannot be more than the number of members");
		goto out;
	}
	clock_now(w.at);
	if (api_transaction(r, committee_tx, &w) == 0)
		committee_reply(r, w.id);
out:
	json_decref(w.users);
	json_decref(w.body);
}

/* GET /api/v1/calls/:id/committee -- ministry staff. */
void
api_committee_get(struct req *r)
{
	int64_t id;
	char at[32];
	struct db_call_state st;

	if (calls_param_or_reply(r, &id) != 0)
		return;
	if (calls_state_or_reply(r, r->db, id, clock_now(at), false, &st) == 0)
		committee_reply(r, id);
	else if (r->status == 0)
		api_db_error(r);
}

static int
passphrase_tx(struct db *db, void *arg)
{
	struct committee_write *w = arg;
	struct db_call_state st;
	bool found = false;
	int rc;

	if ((rc = calls_state_or_reply(w->r, db, w->id, w->at, true, &st)) != 0 ||
	    (rc = draft_or_reply(w->r, w->id, &st)) != 0)
		return rc;
	if (db_committee_set_key(db, w->id, w->r->session.user_id, &w->key, w->at, &found) != 0)
		return -1;
	if (!found) {
		reply_problem(w->r, PROBLEM_CALL_NOT_COMMITTEE_MEMBER, "you are not on the opening "
		    "committee of call %lld", (long long)w->id);
		return 1;
	}
	return 0;
}

/* PUT /api/v1/calls/:id/committee/passphrase {passphrase} -- the member
 * themself, on a draft. Only the salt and the derived public key stay. */
void
api_committee_passphrase(struct req *r)
{
	struct committee_write w = { .r = r };
	unsigned char salt[SEALING_SALT_BYTES], pk[SEALING_KEY_BYTES], sk[SEALING_KEY_BYTES];
	char salt_hex[2 * SEALING_SALT_BYTES + 1], pk_hex[2 * SEALING_KEY_BYTES + 1];
	const char *pass;

	if (calls_param_or_reply(r, &w.id) != 0 || (w.body = validate_body_or_reply(r)) == NULL)
		return;
	if (validate_fields_or_reply(r, w.body, passphrase_fields, NFIELDS(passphrase_fields),
	    false) != 0)
		goto out;
	pass = json_string_value(json_object_get(w.body, "passphrase"));
	randombytes_buf(salt, sizeof(salt));
	if (sealing_member_keypair(pass, strlen(pass), salt, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE, pk, sk) != 0) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "out of memory deriving the key");
		goto out;
	}
	sodium_memzero(sk, sizeof(sk));
	sealing_hex(salt, sizeof(salt), salt_hex);
	sealing_hex(pk, sizeof(pk), pk_hex);
	w.key = (struct db_member_key){ salt_hex, crypto_pwhash_OPSLIMIT_INTERACTIVE,
		crypto_pwhash_MEMLIMIT_INTERACTIVE, pk_hex };
	clock_now(w.at);
	if (api_transaction(r, passphrase_tx, &w) == 0)
		committee_reply(r, w.id);
out:
	/* jansson's string is wiped before the body goes. */
	if (json_is_string(json_object_get(w.body, "passphrase")))
		sodium_memzero((char *)(uintptr_t)json_string_value(json_object_get(w.body,
		    "passphrase")), json_string_length(json_object_get(w.body, "passphrase")));
	json_decref(w.body);
}

/* Seals each share to its member; the shares are wiped by the caller. */
static int
shares_store(struct req *r, struct db *db, int64_t id, const json_t *members,
    unsigned char shares[][SEALING_KEY_BYTES])
{
	unsigned char mpk[SEALING_KEY_BYTES], sealed[SEALING_SEALED_SHARE_BYTES];
	char hex[2 * SEALING_SEALED_SHARE_BYTES + 1];
	const json_t *m;
	size_t i;

	json_array_foreach(members, i, m) {
		if (sealing_unhex(json_string_value(json_object_get(m, "wrap_public_key")), mpk,
		    sizeof(mpk)) != 0 || sealing_wrap_share(shares[i], mpk, sealed) != 0) {
			reply_problem(r, PROBLEM_INTERNAL_ERROR, "a share could not be sealed");
			return 1;
		}
		sealing_hex(sealed, sizeof(sealed), hex);
		if (db_key_share_add(db, id, json_integer_value(json_object_get(m, "user_id")),
		    (int)json_integer_value(json_object_get(m, "share_no")), hex) != 0)
			return -1;
	}
	return 0;
}

/* At publication, inside its transaction: the opening key, when the call
 * has a committee whose members all set their passphrase. */
int
calls_opening_key_make(struct req *r, struct db *db, int64_t id, const char *at)
{
	unsigned char pk[SEALING_KEY_BYTES], sk[SEALING_KEY_BYTES];
	unsigned char shares[SEALING_MAX_SHARES][SEALING_KEY_BYTES];
	char pk_hex[2 * SEALING_KEY_BYTES + 1];
	json_t *members = NULL, *committee = NULL, *missing = json_array(), *m;
	int k, rc = -1;
	size_t i, n;

	if (db_committee_get(db, id, &committee) != 0 || db_committee_members(db, id, &members) != 0)
		goto out;
	rc = 0;
	if ((n = json_array_size(members)) == 0)
		goto out;        /* no committee: published without an opening key */
	json_array_foreach(members, i, m)
		if (json_is_null(json_object_get(m, "wrap_public_key")))
			json_array_append(missing, json_object_get(m, "user_id"));
	if (json_array_size(missing) > 0) {
		reply_problem_with(r, PROBLEM_CALL_COMMITTEE_INCOMPLETE, json_pack("{s:O}",
		    "missing", missing), "%zu of the %zu committee members have not set their "
		    "passphrase", json_array_size(missing), n);
		rc = 1;
		goto out;
	}
	k = (int)json_integer_value(json_object_get(committee, "threshold"));
	crypto_box_keypair(pk, sk);
	rc = sealing_split(sk, (unsigned)k, (unsigned)n, shares) == 0 ? 0 : -1;
	sodium_memzero(sk, sizeof(sk));
	if (rc != 0) {
		reply_problem(r, PROBLEM_INTERNAL_ERROR, "the opening key could not be split");
		rc = 1;
		goto out;
	}
	sealing_hex(pk, sizeof(pk), pk_hex);
	if ((rc = db_opening_key_add(db, id, pk_hex, k, (int)n, at)) == 0)
		rc = shares_store(r, db, id, members, shares);
	sodium_memzero(shares, sizeof(shares));
out:
	json_decref(missing);
	json_decref(members);
	json_decref(committee);
	return rc;
}
