/* problem.h -- the registry of problem codes (after Taler's TALER_EC_*).
 *
 * Every problem+json the service sends carries one of these as `code`:
 * stable, dotted, `<area>.<what>`, one meaning each. The code fixes the
 * HTTP status. Clients and the browser translate codes from their own
 * catalogues; the English `detail` is for a person reading a log. The
 * list is also in docs/openapi.yaml (Problem.code); a test holds the two
 * equal (`registry problems` prints this table).
 *
 * Each code is a constant object, PROBLEM_<NAME>, that decays to a
 * pointer: the reply functions take `const struct problem_def *`, so a bare
 * status (`reply_problem(r, 404, ...)`) does not compile.
 *
 * Add a code at the end of its area; never reuse or rename one. */
#ifndef REGISTRY_PROBLEM_H
#define REGISTRY_PROBLEM_H

#include <stddef.h>

/* X(ENUM, "code", status, "one-line meaning") */
#define PROBLEM_CODES(X) \
	X(REQUEST_NOT_FOUND, "request.not_found", 404, \
	    "no route serves this path") \
	X(REQUEST_METHOD_NOT_ALLOWED, "request.method_not_allowed", 405, \
	    "the path exists but not for this method; Allow lists the methods") \
	X(REQUEST_BODY_TOO_LARGE, "request.body_too_large", 413, \
	    "the body is larger than limit_bytes") \
	X(REQUEST_UNSUPPORTED_MEDIA_TYPE, "request.unsupported_media_type", 415, \
	    "the body's Content-Type is not the one this endpoint takes (expected)") \
	X(REQUEST_INVALID_JSON, "request.invalid_json", 400, \
	    "the body is not valid JSON (line, column)") \
	X(REQUEST_BODY_NOT_OBJECT, "request.body_not_object", 400, \
	    "the body is JSON but not an object") \
	X(REQUEST_INVALID_UTF8, "request.invalid_utf8", 400, \
	    "a text is not valid UTF-8, or a path or query holds NUL (part: path, query, " \
	    "header; none for the body)") \
	X(QUERY_INVALID, "query.invalid", 400, \
	    "a query parameter has a value it does not take " \
	    "(parameter; min and max when bounded)") \
	X(QUERY_UNKNOWN_PARAMETER, "query.unknown_parameter", 400, \
	    "this endpoint takes no query parameter of that name (parameter)") \
	X(QUERY_TOO_MANY, "query.too_many", 400, \
	    "more query parameters than any endpoint takes") \
	X(QUERY_INVALID_CURSOR, "query.invalid_cursor", 400, \
	    "the cursor is not one this server gave out") \
	X(QUERY_NOT_FOR_CSV, "query.not_for_csv", 400, \
	    "limit and cursor page the JSON list, not a CSV download (parameter)") \
	X(IF_MATCH_REQUIRED, "if_match.required", 428, \
	    "a change needs If-Match with the ETag last read") \
	X(IF_MATCH_STALE, "if_match.stale", 412, \
	    "the record changed since it was read (etag: the current one)") \
	X(VALIDATION_FAILED, "validation.failed", 422, \
	    "fields of the input are invalid; errors lists each with its field") \
	X(FILE_NOT_FOUND, "file.not_found", 404, \
	    "no such static file or document") \
	X(AUTH_SESSION_REQUIRED, "auth.session_required", 401, \
	    "no valid session or bearer token") \
	X(AUTH_ACCOUNT_GONE, "auth.account_gone", 401, \
	    "the user behind the session no longer exists") \
	X(AUTH_INVALID_CREDENTIALS, "auth.invalid_credentials", 401, \
	    "wrong email or password, or the account is deactivated") \
	X(AUTH_THROTTLED, "auth.throttled", 429, \
	    "too many failed sign-ins; retry_after_s seconds to wait") \
	X(AUTH_ORIGIN_MISMATCH, "auth.origin_mismatch", 403, \
	    "a browser write came without an Origin matching this server") \
	X(AUTH_FORBIDDEN_ROLE, "auth.forbidden_role", 403, \
	    "the caller's roles do not allow this method on this path") \
	X(AUTH_HASH_UNAVAILABLE, "auth.hash_unavailable", 503, \
	    "a password cannot be hashed now (memory); try again") \
	X(AUTH_BUSY, "auth.busy", 429, \
	    "too many sign-ins are being checked at once; retry after Retry-After") \
	X(AUTH_SECOND_FACTOR_REQUIRED, "auth.second_factor_required", 401, \
	    "the password is right and the account has a second factor: send totp or " \
	    "recovery_code with it") \
	X(AUTH_SECOND_FACTOR_INVALID, "auth.second_factor_invalid", 401, \
	    "the second factor's code is wrong, out of time or used already (a failed sign-in)") \
	X(AUTH_SECOND_FACTOR_ENROLMENT_REQUIRED, "auth.second_factor_enrolment_required", 403, \
	    "the caller's role requires a second factor: the session may only enrol one") \
	X(IDEMPOTENCY_KEY_INVALID, "idempotency.key_invalid", 400, \
	    "Idempotency-Key must be 1 to 200 characters (min_length, max_length)") \
	X(IDEMPOTENCY_KEY_REUSED, "idempotency.key_reused", 422, \
	    "this Idempotency-Key was used with another request") \
	X(IDEMPOTENCY_IN_FLIGHT, "idempotency.in_flight", 409, \
	    "a request with this Idempotency-Key is still running") \
	X(DB_UNAVAILABLE, "db.unavailable", 503, \
	    "the database is not answering; retry after Retry-After") \
	X(DB_READ_ONLY, "db.read_only", 503, \
	    "the database accepts no changes for now (read-only); reads go on; retry after Retry-After") \
	X(DB_CONFLICT, "db.conflict", 409, \
	    "the database refused a change that conflicts with another record") \
	X(DB_RULE_VIOLATED, "db.rule_violated", 422, \
	    "the database refused a value that breaks one of its rules") \
	X(INTERNAL_ERROR, "internal.error", 500, \
	    "the server failed; quote request_id") \
	X(SERVER_BUSY, "server.busy", 503, \
	    "the server is receiving too much at once; retry after Retry-After") \
	X(DOWNLOAD_BUSY, "download.busy", 503, \
	    "every download slot is busy; retry after Retry-After") \
	X(UPLOAD_UNAVAILABLE, "upload.unavailable", 503, \
	    "an upload cannot be stored or read back now; try again shortly") \
	X(RECORD_NOT_FOUND, "record.not_found", 404, \
	    "the path names an id no record has") \
	X(ORGANIZATION_NOT_FOUND, "organization.not_found", 404, \
	    "no organisation the caller may see has this id") \
	X(ORGANIZATION_NAME_TAKEN, "organization.name_taken", 409, \
	    "an organisation with this name exists") \
	X(USER_NOT_FOUND, "user.not_found", 404, \
	    "no user the caller may see has this id") \
	X(USER_EMAIL_TAKEN, "user.email_taken", 409, \
	    "a user with this email exists") \
	X(PROGRAM_NOT_FOUND, "program.not_found", 404, \
	    "no programme has this id") \
	X(PROGRAM_NAME_TAKEN, "program.name_taken", 409, \
	    "a programme with this name exists") \
	X(GPU_MODEL_NOT_FOUND, "gpu_model.not_found", 404, \
	    "no GPU model has this id") \
	X(GPU_MODEL_NAME_TAKEN, "gpu_model.name_taken", 409, \
	    "this model is in the catalogue already") \
	X(PO_NOT_FOUND, "po.not_found", 404, \
	    "no purchase order the caller may see has this id") \
	X(PO_NOT_DRAFT, "po.not_draft", 409, \
	    "only a draft order can be edited (current_status)") \
	X(PO_WRONG_STATUS, "po.wrong_status", 409, \
	    "the action is not allowed from the order's status (action, current_status, allowed)") \
	X(PO_SELF_APPROVAL, "po.self_approval", 403, \
	    "the officer who created an order may not approve it") \
	X(PO_OVERRIDE_FORBIDDEN, "po.override_forbidden", 403, \
	    "only an administrator may approve over the budget") \
	X(PO_BUDGET_EXCEEDED, "po.budget_exceeded", 409, \
	    "approving would exceed the programme's budget " \
	    "(order_krw, budget_krw, committed_krw, left_krw)") \
	X(PO_UNITS_DELIVERED, "po.units_delivered", 409, \
	    "units were delivered against the order: it cannot be cancelled (units)") \
	X(PAYMENT_WRONG_STATUS, "payment.wrong_status", 409, \
	    "an order in this status takes no payments (current_status)") \
	X(PAYMENT_OVER_ACCEPTED, "payment.over_accepted", 409, \
	    "the paid total would pass what was accepted (paid_krw, accepted_krw)") \
	X(PAYMENT_INVOICE_TAKEN, "payment.invoice_taken", 409, \
	    "this invoice is recorded against the order already") \
	X(DELIVERY_NOT_FOUND, "delivery.not_found", 404, \
	    "no delivery the caller may see has this id") \
	X(DELIVERY_PO_NOT_OPEN, "delivery.po_not_open", 409, \
	    "units arrive only while the order is ordered or partially_delivered " \
	    "(current_status)") \
	X(DELIVERY_WRONG_STATUS, "delivery.wrong_status", 409, \
	    "the action is not allowed in the delivery's status (current_status)") \
	X(DELIVERY_SERIAL_RACE, "delivery.serial_race", 409, \
	    "a serial was registered by another request at the same moment; send again") \
	X(ASSET_NOT_FOUND, "asset.not_found", 404, \
	    "no asset the caller may see has this id") \
	X(ASSET_SERIAL_TAKEN, "asset.serial_taken", 409, \
	    "an asset with this serial number exists") \
	X(ASSET_TRANSITION_REFUSED, "asset.transition_refused", 409, \
	    "the asset cannot move to that status from where it is") \
	X(SITE_NOT_FOUND, "site.not_found", 404, \
	    "no site the caller may see has this id") \
	X(SITE_NAME_TAKEN, "site.name_taken", 409, \
	    "a site with this name exists") \
	X(SITE_INACTIVE, "site.inactive", 409, \
	    "the site is not active: it takes no GPUs") \
	X(SITE_CAPACITY_BELOW_USE, "site.capacity_below_use", 409, \
	    "a capacity cannot go below what is installed (slots_used, power_used_w)") \
	X(RACK_NOT_FOUND, "rack.not_found", 404, \
	    "the site has no rack with this id") \
	X(RACK_NAME_TAKEN, "rack.name_taken", 409, \
	    "the site has a rack with this name") \
	X(ALLOCATION_NOT_FOUND, "allocation.not_found", 404, \
	    "no allocation the caller may see has this id") \
	X(ALLOCATION_NO_CAPACITY, "allocation.no_capacity", 409, \
	    "the site or rack lacks slots or power (place, slots_left, power_left_w, " \
	    "slots_needed, power_needed_w)") \
	X(ALLOCATION_NO_STOCK, "allocation.no_stock", 409, \
	    "not enough of the model in stock (available, requested)") \
	X(ALLOCATION_STOCK_BUSY, "allocation.stock_busy", 409, \
	    "assets in stock are being allocated by another request; retry (stock, busy)") \
	X(ALLOCATION_ASSET_UNAVAILABLE, "allocation.asset_unavailable", 409, \
	    "a named asset is not in stock") \
	X(ALLOCATION_ASSET_TAKEN, "allocation.asset_taken", 409, \
	    "an asset is in another active allocation already") \
	X(ALLOCATION_ENDED, "allocation.ended", 409, \
	    "the allocation has ended") \
	X(ALLOCATION_ALREADY_THERE, "allocation.already_there", 409, \
	    "the allocation is where the move would take it already") \
	X(CALL_NOT_FOUND, "call.not_found", 404, \
	    "no call the caller may see has this id (a draft is the ministry's)") \
	X(CALL_NOT_DRAFT, "call.not_draft", 409, \
	    "only a draft call can be changed or published (current_status)") \
	X(CALL_CLOSED, "call.closed", 409, \
	    "the call is cancelled or awarded already (current_status)") \
	X(CALL_CANCELLED, "call.cancelled", 409, \
	    "the call was cancelled: it takes no letters") \
	X(CALL_LOI_DEADLINE_PASSED, "call.loi_deadline_passed", 409, \
	    "the letter-of-intent deadline has passed by the server's clock (deadline, Seoul time)") \
	X(CALL_BRIEFING_STARTED, "call.briefing_started", 409, \
	    "registration for the briefing closed when it started (starts_at, Seoul time)") \
	X(CALL_BRIEFING_FULL, "call.briefing_full", 409, \
	    "the briefing's place is full (capacity)") \
	X(CALL_LETTER_NOT_FOUND, "call.letter_not_found", 404, \
	    "no letter of intent the caller may see has this id") \
	X(CALL_LETTER_EXISTS, "call.letter_exists", 409, \
	    "the organisation has a letter for this call; amend it (letter_id)") \
	X(CALL_LETTER_WITHDRAWN, "call.letter_withdrawn", 409, \
	    "the letter was withdrawn; file a new one") \
	X(CALL_PDF_EMPTY, "call.pdf_empty", 422, \
	    "the request carries no PDF") \
	X(CALL_PDF_TOO_LARGE, "call.pdf_too_large", 413, \
	    "the PDF is larger than the limit (limit_bytes)") \
	X(CALL_NOT_PDF, "call.not_pdf", 415, \
	    "the file is not a PDF by its content") \
	X(CALL_PDF_NOT_FOUND, "call.pdf_not_found", 404, \
	    "the letter has no PDF, or there is no such letter") \
	X(CALL_EXPORT_STAFF_ONLY, "call.export_staff_only", 403, \
	    "only ministry staff may export the letters") \
	X(CALL_GUIDELINES_NOT_RELEASED, "call.guidelines_not_released", 403, \
	    "the guidelines are not released yet (release_at, Seoul time)") \
	X(CALL_GUIDELINES_NO_LETTER, "call.guidelines_no_letter", 403, \
	    "the organisation filed no letter of intent by the deadline (loi_deadline)") \
	X(CALL_GUIDELINES_LETTER_WITHDRAWN, "call.guidelines_letter_withdrawn", 403, \
	    "the organisation's letter was withdrawn at the deadline (loi_deadline)") \
	X(CALL_GUIDELINES_LETTER_LATE, "call.guidelines_letter_late", 403, \
	    "the organisation's letter was filed after the deadline (loi_deadline)") \
	X(CALL_GUIDELINES_NOT_FOUND, "call.guidelines_not_found", 404, \
	    "no guidelines, or no such version, have been uploaded") \
	X(CALL_REGISTRATION_NUMBER_TAKEN, "call.registration_number_taken", 409, \
	    "this registration number is registered already (whose is not said)") \
	X(CALL_REGISTRATION_RATE_LIMITED, "call.registration_rate_limited", 429, \
	    "too many registrations from this address; retry_after_s seconds to wait") \
	X(CALL_APPLICANT_NOT_FOUND, "call.applicant_not_found", 404, \
	    "no organisation that registered itself has this id") \
	X(CALL_APPLICANT_STATE, "call.applicant_state", 409, \
	    "the company is already suspended, or already active (suspended)") \
	X(CALL_COMMITTEE_INCOMPLETE, "call.committee_incomplete", 409, \
	    "a committee member has not set a passphrase yet (missing: their user ids)") \
	X(CALL_NOT_COMMITTEE_MEMBER, "call.not_committee_member", 403, \
	    "the caller is not on the call's opening committee") \
	X(CALL_NO_OPENING_KEY, "call.no_opening_key", 409, \
	    "the call was published without an opening committee: it takes no sealed proposals") \
	X(CALL_PROPOSALS_NOT_OPEN, "call.proposals_not_open", 409, \
	    "proposals are taken from opens_at to deadline (Seoul time; current_status)") \
	X(CALL_PROPOSAL_NOT_ELIGIBLE, "call.proposal_not_eligible", 403, \
	    "only an organisation whose letter of intent stood at the LOI deadline may submit " \
	    "(reason: no_letter, late, withdrawn)") \
	X(CALL_PROPOSAL_EMPTY, "call.proposal_empty", 422, \
	    "the request carries no sealed proposal") \
	X(CALL_PROPOSAL_TOO_LARGE, "call.proposal_too_large", 413, \
	    "the sealed proposal is larger than the limit (limit_bytes)") \
	X(CALL_PROPOSAL_NONE, "call.proposal_none", 409, \
	    "the organisation has no current proposal to withdraw") \
	X(CALL_PROPOSALS_NOT_FROZEN, "call.proposals_not_frozen", 409, \
	    "the set of proposals is frozen at the deadline, not before (deadline)") \
	X(CALL_OPENING_TOO_EARLY, "call.opening_too_early", 409, \
	    "the proposals cannot be opened before the opening time (opening_at, Seoul time)") \
	X(CALL_OPENING_WRONG_PASSPHRASE, "call.opening_wrong_passphrase", 403, \
	    "the passphrase does not open the caller's share") \
	X(CALL_ALREADY_OPENED, "call.already_opened", 409, \
	    "the proposals of this call are opened already (opened_at)") \
	X(CALL_OPENING_FAILED, "call.opening_failed", 409, \
	    "the shares given do not make the call's opening key; nothing was decrypted") \
	X(CALL_NOT_OPENED, "call.not_opened", 409, \
	    "the proposals are not opened yet") \
	X(CALL_PROPOSAL_NOT_FOUND, "call.proposal_not_found", 404, \
	    "no proposal the caller may read has this id") \
	X(SECOND_FACTOR_ACTIVE, "second_factor.active", 409, \
	    "the second factor is active already; disable it first") \
	X(SECOND_FACTOR_NOT_STARTED, "second_factor.not_started", 409, \
	    "no enrolment waits for confirmation: start one first") \
	X(SECOND_FACTOR_NOT_ACTIVE, "second_factor.not_active", 409, \
	    "the account has no active second factor") \
	X(SECOND_FACTOR_CODE_INVALID, "second_factor.code_invalid", 422, \
	    "the code is wrong, out of time or used already (a failed sign-in)") \
	X(SECOND_FACTOR_PASSWORD_WRONG, "second_factor.password_wrong", 422, \
	    "the password given is not the account's (a failed sign-in)") \
	X(EXPORT_NOT_FOUND, "export.not_found", 404, \
	    "no export has this id") \
	X(EXPORT_INCOMPLETE, "export.incomplete", 409, \
	    "the export was not produced to its end (its client left, or it is still running): " \
	    "it has no manifest") \
	X(OCDS_NOT_PUBLISHED, "ocds.not_published", 404, \
	    "nothing of this programme or call is published as open data (an unknown id reads " \
	    "the same)") \
	X(CALL_CRITERIA_FROZEN, "call.criteria_frozen", 409, \
	    "the evaluation criteria were frozen at the proposal deadline (deadline, Seoul time)") \
	X(CALL_NO_CRITERIA, "call.no_criteria", 409, \
	    "the call has no evaluation criteria: nothing can be scored") \
	X(CALL_EVALUATORS_FIXED, "call.evaluators_fixed", 409, \
	    "evaluators are fixed once the first score is in, or the call is closed (current_status)") \
	X(CALL_NOT_EVALUATOR, "call.not_evaluator", 403, \
	    "the caller is not an evaluator of the call") \
	X(CALL_DECLARATION_MISSING, "call.declaration_missing", 409, \
	    "the evaluator has not declared their interests yet") \
	X(CALL_DECLARATION_FIXED, "call.declaration_fixed", 409, \
	    "a declaration of interests is fixed once its evaluator has scored") \
	X(CALL_EVALUATOR_CONFLICT, "call.evaluator_conflict", 403, \
	    "the evaluator declared a link to the bidder or a consortium member " \
	    "(registration_number, party: bidder or member)") \
	X(CALL_EVALUATION_CLOSED, "call.evaluation_closed", 409, \
	    "every evaluator has scored every proposal: the scores are final (current_status)") \
	X(CALL_EVALUATION_INCOMPLETE, "call.evaluation_incomplete", 409, \
	    "not every evaluator has scored every proposal (pairs_expected, pairs_done)") \
	X(CALL_AWARD_BY_CREATOR, "call.award_by_creator", 403, \
	    "the officer who created the call may not award it") \
	X(CALL_AWARD_NOT_FIRST, "call.award_not_first", 409, \
	    "only a proposal ranked first may be awarded (rank)") \
	X(CALL_NOT_AWARDED, "call.not_awarded", 409, \
	    "the call is not awarded yet (current_status)") \
	X(CALL_PROPOSAL_SIGNATURE_REQUIRED, "call.proposal_signature_required", 422, \
	    "the call takes only proposals signed by a key of the organisation (Proposal-Signature)") \
	X(CALL_PROPOSAL_SIGNATURE_INVALID, "call.proposal_signature_invalid", 422, \
	    "the signature is not 64 bytes of base64, or no active key of the organisation verifies it " \
	    "over the proposal's SHA-256 (active_keys)") \
	X(ORG_KEY_NOT_FOUND, "org_key.not_found", 404, \
	    "no signing key of the caller's organisation has this id") \
	X(ORG_KEY_TAKEN, "org_key.taken", 409, \
	    "this public key is registered already") \
	X(ORG_KEY_REVOKED, "org_key.revoked", 409, \
	    "the key is revoked already (revoked_at)") \
	X(ORG_KEY_INVALID, "org_key.invalid", 422, \
	    "the public key is not base64 of an Ed25519 public key (32 bytes, a valid point)") \
	X(AUDIT_SIZE_PAST_TREE, "audit.size_past_tree", 422, \
	    "the audit log's tree has fewer leaves than the size asked (tree_size)") \
	X(AUDIT_LEAF_PAST_SIZE, "audit.leaf_past_size", 422, \
	    "the leaf is not in a tree of that size: leaves are 0 to tree_size - 1") \
	X(AUDIT_RANGE_INVALID, "audit.range_invalid", 422, \
	    "a consistency proof goes from a smaller tree to a larger one")

struct problem_def {
	const char *code;        /* "po.budget_exceeded" */
	int status;
	const char *meaning;
};

#define PROBLEM_DECLARE(e, c, s, m) extern const struct problem_def PROBLEM_##e[1];
PROBLEM_CODES(PROBLEM_DECLARE)
#undef PROBLEM_DECLARE

/* Every code, in the order of the list; *n is their number. */
const struct problem_def *const *problem_all(size_t *n);

#endif
