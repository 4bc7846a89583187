/* calls -- the call for the public-private AI computing centre: the call
 * and its timetable, companies that register themselves, the briefing,
 * letters of intent, and the guidelines for those who filed one.
 * Handlers may call core, db, auth, lib and their own db_*.c. */
#ifndef REGISTRY_CALLS_H
#define REGISTRY_CALLS_H

#include "core/req.h"
#include "core/validate.h"

/* The JSON bodies the handlers take, for the route table. */
extern const struct field_table api_calls_create_body;
extern const struct field_table api_calls_patch_body;
extern const struct field_table api_calls_cancel_body;
extern const struct field_table api_applicants_register_body;
extern const struct field_table api_applicants_suspend_body;
extern const struct field_table api_attendees_create_body;
extern const struct field_table api_letters_body;
extern const struct field_table api_letters_withdraw_body;
extern const struct field_table api_committee_put_body;
extern const struct field_table api_committee_passphrase_body;
extern const struct field_table api_opening_passphrase_body;
extern const struct field_table api_criteria_put_body;
extern const struct field_table api_evaluators_put_body;
extern const struct field_table api_declaration_put_body;
extern const struct field_table api_scores_put_body;
extern const struct field_table api_award_post_body;
extern const struct field_table api_org_keys_add_body;

void api_calls_list(struct req *r);
void api_calls_create(struct req *r);
void api_calls_get(struct req *r);
void api_calls_patch(struct req *r);
void api_calls_publish(struct req *r);
void api_calls_cancel(struct req *r);
void api_attendees_list(struct req *r);
void api_attendees_create(struct req *r);
void api_applicants_register(struct req *r);
void api_applicants_list(struct req *r);
void api_applicants_suspend(struct req *r);
void api_applicants_reinstate(struct req *r);
void api_letters_list(struct req *r);
void api_letters_create(struct req *r);
void api_letters_get(struct req *r);
void api_letters_amend(struct req *r);
void api_letters_withdraw(struct req *r);
void api_letters_versions(struct req *r);
void api_letters_pdf_put(struct req *r);
void api_letters_pdf_get(struct req *r);
void api_guidelines_get(struct req *r);
void api_guidelines_upload(struct req *r);
void api_guidelines_versions(struct req *r);
void api_guidelines_version_get(struct req *r);
void api_guidelines_downloads(struct req *r);
void api_committee_get(struct req *r);
void api_committee_put(struct req *r);
void api_committee_passphrase(struct req *r);
void api_proposals_submit(struct req *r);
void api_proposals_withdraw(struct req *r);
void api_proposals_own(struct req *r);
void api_proposals_public(struct req *r);
void api_proposals_checkpoint(struct req *r);
void api_opening_passphrase(struct req *r);
void api_opening_get(struct req *r);
void api_proposals_content(struct req *r);
void api_criteria_get(struct req *r);
void api_criteria_put(struct req *r);
void api_evaluators_get(struct req *r);
void api_evaluators_put(struct req *r);
void api_declaration_put(struct req *r);
void api_scores_put(struct req *r);
void api_evaluation_get(struct req *r);
void api_award_post(struct req *r);
void api_outcome_get(struct req *r);
void api_org_keys_list(struct req *r);
void api_org_keys_add(struct req *r);
void api_org_keys_revoke(struct req *r);

#endif
