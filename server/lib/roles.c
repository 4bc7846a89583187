/* roles.c -- role names and bits. */
#include "lib/roles.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	unsigned bit;
} role_names[] = {
	{ "admin", ROLE_ADMIN }, { "officer", ROLE_OFFICER }, { "vendor", ROLE_VENDOR },
	{ "auditor", ROLE_AUDITOR }, { "tenant", ROLE_TENANT },
};

unsigned
roles_bit(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcmp(role_names[i].name, name) == 0)
			return role_names[i].bit;
	return 0;
}

const char *
roles_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (role_names[i].bit == bit)
			return role_names[i].name;
	return NULL;
}

unsigned
roles_parse(const char *pg_array)
{
	char buf[64], *tok, *save = NULL;
	unsigned bits = 0;

	snprintf(buf, sizeof(buf), "%s", pg_array);
	for (tok = strtok_r(buf, "{},", &save); tok; tok = strtok_r(NULL, "{},", &save))
		bits |= roles_bit(tok);
	return bits;
}
