/* password_list.c -- passwords nobody may choose: the most common ones
 * (data/common-passwords.txt, lowercase, one a line; written by
 * scripts/gen-common-passwords.py), and those made only of spaces.
 * Loaded once at start; read-only afterwards, so threads share it freely. */
#include "auth/auth.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

static char *list_text;          /* the file, its newlines made NULs */
static char **list;              /* sorted pointers into list_text */
static size_t list_n;

static int
by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the whole file into list_text. */
static int
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	long size;
	int rc = -1;

	if (f == NULL)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	if ((list_text = malloc((size_t)size + 1)) == NULL)
		goto out;
	if (fread(list_text, 1, (size_t)size, f) != (size_t)size)
		goto out;
	list_text[size] = '\0';
	rc = 0;
out:
	fclose(f);
	return rc;
}

int
auth_password_list_load(const char *path)
{
	size_t n = 0, cap = 0;
	char *p, *line, **grown;

	if (slurp(path) != 0) {
		log_warn("common passwords %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (p = list_text; (line = strsep(&p, "\n")) != NULL;) {
		line[strcspn(line, "\r")] = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((grown = realloc(list, cap * sizeof(*list))) == NULL)
				return -1;
			list = grown;
		}
		list[n++] = line;
	}
	qsort(list, n, sizeof(*list), by_text);
	list_n = n;
	return 0;
}

/* Whether s holds nothing but spaces: ASCII white space, no-break space
 * (U+00A0) and the ideographic space (U+3000) of Korean input methods. */
static bool
only_spaces(const char *s)
{
	while (*s) {
		if (isspace((unsigned char)*s))
			s++;
		else if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0)
			s += 2;
		else if ((unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 &&
		    (unsigned char)s[2] == 0x80)
			s += 3;
		else
			return false;
	}
	return true;
}

const char *
auth_password_weakness(const char *password)
{
	char lower[1025], *key = lower;
	size_t i;

	if (only_spaces(password))
		return "must not be only spaces";
	for (i = 0; password[i] && i < sizeof(lower) - 1; i++)
		lower[i] = (char)tolower((unsigned char)password[i]);
	lower[i] = '\0';
	if (list_n > 0 && bsearch(&key, list, list_n, sizeof(*list), by_text) != NULL)
		return "is one of the most common passwords, which are tried first; choose another";
	return NULL;
}
