/* accounts -- organisations, users, sign-in and sign-out.
 * Handlers here may call core, db, auth and lib, and their own db_*.c. */
#ifndef REGISTRY_ACCOUNTS_H
#define REGISTRY_ACCOUNTS_H

#include "core/req.h"

struct field_table;

void api_auth_login(struct req *r);
void api_auth_logout(struct req *r);
void api_me(struct req *r);
void api_organizations_list(struct req *r);
void api_organizations_create(struct req *r);
void api_organizations_get(struct req *r);
void api_organizations_patch(struct req *r);
void api_users_list(struct req *r);
void api_officers_list(struct req *r);
void api_users_create(struct req *r);
void api_users_get(struct req *r);
void api_users_patch(struct req *r);
void api_sf_get(struct req *r);
void api_sf_start(struct req *r);
void api_sf_confirm(struct req *r);
void api_sf_disable(struct req *r);
void api_sf_recovery_codes(struct req *r);
void api_sf_reset(struct req *r);
void api_sf_policy_get(struct req *r);
void api_sf_policy_put(struct req *r);

/* The JSON body of each handler that takes one (core/validate.h), for
 * the route table. */
extern const struct field_table api_auth_login_body;
extern const struct field_table api_organizations_create_body;
extern const struct field_table api_organizations_patch_body;
extern const struct field_table api_users_create_body;
extern const struct field_table api_users_patch_body;
extern const struct field_table api_sf_confirm_body;
extern const struct field_table api_sf_disable_body;
extern const struct field_table api_sf_recovery_codes_body;
extern const struct field_table api_sf_policy_put_body;

#endif
