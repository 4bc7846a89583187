/* brn.h -- Korea's business registration number (사업자등록번호): ten
 * digits, the last a check digit over the first nine. Pure code. */
#ifndef REGISTRY_LIB_BRN_H
#define REGISTRY_LIB_BRN_H

#include <stdbool.h>

/* Whether s is a valid number, written as ten digits or 3-2-5 with
 * hyphens; out receives the ten digits. */
bool brn_valid(const char *s, char out[11]);

#endif
