/* api_po_actions.c -- the moves of a purchase order: submit, approve,
 * order, cancel, close. Each locks the order, checks that its status
 * allows the move, and writes the move in one transaction. */
#include "procurement/api_purchase_orders.h"
#include "procurement/procurement.h"

#include <string.h>

struct po_action {
	const char *name;
	const char *const from[5];   /* the statuses the move is allowed from */
};

static const struct po_action actions[] = {
	{ "submit", { "draft" } },
	{ "approve", { "submitted" } },
	{ "order", { "approved" } },
	{ "cancel", { "draft", "submitted", "approved", "ordered" } },
	{ "close", { "delivered" } },
};

static const struct field_spec approve_fields[] = {
	{ "exchange_rate", FIELD_DECIMAL, false, 0, 0, NULL },
	{ "override_reason", FIELD_STRING, false, 10, 4000, NULL },
};
static const struct field_spec cancel_fields[] = {
	{ "reason", FIELD_STRING, true, 1, 4000, NULL },
};

const struct field_table api_po_submit_body = { NULL, 0, NULL };
const struct field_table api_po_approve_body = FIELD_TABLE(approve_fields);
const struct field_table api_po_order_body = { NULL, 0, NULL };
const struct field_table api_po_cancel_body = FIELD_TABLE(cancel_fields);
const struct field_table api_po_close_body = { NULL, 0, NULL };

static const struct po_action *
action_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(actions[i].name, name) == 0)
			return &actions[i];
	return NULL;
}

/* 409 naming the statuses the move is allowed from. */
static int
status_or_reply(struct po_write *w, const struct po_action *a)
{
	char allowed[128] = "";
	size_t i, len = 0;
	json_t *from = json_array();

	for (i = 0; i < 5 && a->from[i]; i++) {
		if (strcmp(a->from[i], w->row.status) == 0) {
			json_decref(from);
			return 0;
		}
		len += (size_t)snprintf(allowed + len, sizeof(allowed) - len, "%s%s",
		    i ? ", " : "", a->from[i]);
		json_array_append_new(from, json_string(a->from[i]));
	}
	reply_problem_with(w->r, PROBLEM_PO_WRONG_STATUS, json_pack("{s:s, s:s, s:o}", "action",
	    a->name, "current_status", w->row.status, "allowed", from), "%s is allowed from: %s; "
	    "this order is %s", a->name, allowed, w->row.status);
	return 1;
}

/* The approval's checks: four eyes, the rate of a USD order, the budget
 * (an administrator may exceed it with a written reason, which is kept). */
static int
approve_checks(struct db *db, struct po_write *w, const char *rate, const char *override)
{
	int64_t order, committed, budget;
	bool usd = strcmp(w->row.currency, "USD") == 0;

	if (w->row.created_by == w->r->session.user_id) {
		reply_problem(w->r, PROBLEM_PO_SELF_APPROVAL,
		    "you created this order: another officer must approve it");
		return 1;
	}
	if (usd != (rate != NULL)) {
		reply_invalid(w->r, json_pack("[{s:s, s:s}]", "field", "exchange_rate", "message",
		    usd ? "a USD order needs the KRW per USD rate it is approved at" :
		    "a KRW order takes no exchange rate"), "exchange_rate");
		return 1;
	}
	if (override != NULL && !api_has_role(w->r, ROLE_ADMIN)) {
		reply_problem(w->r, PROBLEM_PO_OVERRIDE_FORBIDDEN,
		    "only an administrator may approve over the budget");
		return 1;
	}
	if (db_po_budget(db, w->id, rate, &order, &committed, &budget) != 0)
		return -1;
	if (committed + order > budget && override == NULL) {
		reply_problem_with(w->r, PROBLEM_PO_BUDGET_EXCEEDED,
		    json_pack("{s:I, s:I, s:I, s:I}",
		    "order_krw", (json_int_t)order, "budget_krw", (json_int_t)budget,
		    "committed_krw", (json_int_t)committed, "left_krw",
		    (json_int_t)(budget - committed)), "approving this order (%lld KRW) would "
		    "exceed the programme's budget: %lld KRW budget, %lld committed, %lld left; an "
		    "administrator may approve it with an override_reason", (long long)order,
		    (long long)budget, (long long)committed, (long long)(budget - committed));
		return 1;
	}
	return 0;
}

static int
action_tx(struct db *db, void *arg)
{
	struct po_write *w = arg;
	const struct po_action *a = action_of(w->action);
	const char *rate = json_string_value(json_object_get(w->fields, "exchange_rate"));
	const char *reason = json_string_value(json_object_get(w->fields,
	    strcmp(a->name, "cancel") == 0 ? "reason" : "override_reason"));
	int64_t units;
	int rc;

	if ((rc = po_lock_or_reply(db, w, false)) != 0 || (rc = status_or_reply(w, a)) != 0)
		return rc;
	if (strcmp(a->name, "approve") == 0 && (rc = approve_checks(db, w, rate, reason)) != 0)
		return rc;
	if (strcmp(a->name, "cancel") == 0) {
		if (db_po_units(db, w->id, &units) != 0)
			return -1;
		if (units > 0) {
			reply_problem_with(w->r, PROBLEM_PO_UNITS_DELIVERED, json_pack("{s:I}",
			    "units", (json_int_t)units), "%lld units were delivered against this "
			    "order: it cannot be cancelled", (long long)units);
			return 1;
		}
	}
	if (db_po_move(db, w->id, a->name, w->r->session.user_id, rate, reason) != 0)
		return -1;
	return po_read(db, w);
}

/* POST /api/v1/purchase-orders/:id/<action> */
static void
po_act(struct req *r, const char *action, const struct field_spec *spec, size_t nspec)
{
	struct po_write w = { .r = r, .action = action };

	if (validate_param_id_or_reply(r, "id", &w.id) != 0)
		return;
	/* The moves without fields may come with no body at all. */
	w.fields = r->body_len == 0 ? json_object() : validate_body_or_reply(r);
	if (w.fields == NULL)
		return;
	if (validate_fields_or_reply(r, w.fields, spec, nspec, false) == 0 &&
	    api_transaction(r, action_tx, &w) == 0)
		po_written_reply(r, 200, w.id, w.result);
	json_decref(w.result);
	json_decref(w.fields);
}

void
api_po_submit(struct req *r)
{
	po_act(r, "submit", NULL, 0);
}

void
api_po_approve(struct req *r)
{
	po_act(r, "approve", approve_fields, NFIELDS(approve_fields));
}

void
api_po_order(struct req *r)
{
	po_act(r, "order", NULL, 0);
}

void
api_po_cancel(struct req *r)
{
	po_act(r, "cancel", cancel_fields, NFIELDS(cancel_fields));
}

void
api_po_close(struct req *r)
{
	po_act(r, "close", NULL, 0);
}
