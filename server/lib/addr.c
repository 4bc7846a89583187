/* addr.c -- client addresses behind trusted proxies. */
#include "lib/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses one address into 16 bytes (IPv4 mapped); false if it is none. */
static bool
parse_ip(const char *s, unsigned char a[16], bool *v4)
{
	struct in_addr in4;

	if (inet_pton(AF_INET6, s, a) == 1) {
		*v4 = false;
		return true;
	}
	if (inet_pton(AF_INET, s, &in4) != 1)
		return false;
	memset(a, 0, 10);
	a[10] = 0xff;
	a[11] = 0xff;
	memcpy(a + 12, &in4, 4);
	*v4 = true;
	return true;
}

static bool
parse_net(const char *s, struct addr_net *n)
{
	char ip[ADDR_TEXT_LEN];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long bits;
	char *end;
	bool v4;

	if (len == 0 || len >= sizeof(ip))
		return false;
	memcpy(ip, s, len);
	ip[len] = '\0';
	if (!parse_ip(ip, n->a, &v4))
		return false;
	n->bits = 128;
	if (slash == NULL)
		return true;
	bits = strtoul(slash + 1, &end, 10);
	if (slash[1] == '\0' || *end != '\0' || bits > (v4 ? 32u : 128u))
		return false;
	n->bits = (unsigned)bits + (v4 ? 96u : 0u);
	return true;
}

int
addr_list_parse(const char *s, struct addr_list *l, char *bad, size_t badlen)
{
	char entry[64];
	size_t len;

	l->n = 0;
	while (s != NULL && *s) {
		s += strspn(s, ", \t");
		len = strcspn(s, ", \t");
		if (len == 0)
			break;
		snprintf(entry, sizeof(entry), "%.*s", (int)len, s);
		if (len >= sizeof(entry) || l->n == ADDR_LIST_MAX || !parse_net(entry, &l->e[l->n])) {
			snprintf(bad, badlen, "%s", entry);
			return -1;
		}
		l->n++;
		s += len;
	}
	return 0;
}

static bool
in_net(const struct addr_net *n, const unsigned char a[16])
{
	unsigned full = n->bits / 8, rest = n->bits % 8;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));

	if (memcmp(n->a, a, full) != 0)
		return false;
	return rest == 0 || ((n->a[full] ^ a[full]) & mask) == 0;
}

static bool
has(const struct addr_list *l, const unsigned char a[16])
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (in_net(&l->e[i], a))
			return true;
	return false;
}

bool
addr_list_has(const struct addr_list *l, const char *ip)
{
	unsigned char a[16];
	bool v4;

	return parse_ip(ip, a, &v4) && has(l, a);
}

/* Writes a in canonical text: dotted quad for IPv4 (mapped or not). */
static void
canonical(const unsigned char a[16], bool v4, char out[ADDR_TEXT_LEN])
{
	static const unsigned char mapped[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };

	if (v4 || memcmp(a, mapped, 12) == 0)
		inet_ntop(AF_INET, a + 12, out, ADDR_TEXT_LEN);
	else
		inet_ntop(AF_INET6, a, out, ADDR_TEXT_LEN);
}

/* The entry of xff that ends at end (exclusive), trimmed, into buf. */
static const char *
entry_before(const char *xff, const char *end, char *buf, size_t buflen, const char **start)
{
	const char *b = end, *e = end;
	size_t len;

	while (b > xff && b[-1] != ',')
		b--;
	*start = b;
	while (b < e && (*b == ' ' || *b == '\t'))
		b++;
	while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	len = (size_t)(e - b);
	if (len >= buflen)
		len = 0;
	memcpy(buf, b, len);
	buf[len] = '\0';
	return buf;
}

void
addr_client(const struct addr_list *trusted, const char *peer, const char *xff,
    char out[ADDR_TEXT_LEN])
{
	unsigned char a[16];
	char entry[ADDR_TEXT_LEN];
	const char *end, *start;
	bool v4;

	out[0] = '\0';
	if (peer == NULL || !parse_ip(peer, a, &v4))
		return;
	canonical(a, v4, out);
	if (xff == NULL || !has(trusted, a))
		return;
	/* Right to left: each trusted hop vouches for the entry before it.
	 * A malformed entry ends the walk at the hop that wrote it. */
	for (end = xff + strlen(xff); end > xff; end = start - 1) {
		entry_before(xff, end, entry, sizeof(entry), &start);
		if (!parse_ip(entry, a, &v4))
			return;
		canonical(a, v4, out);
		if (!has(trusted, a) || start == xff)
			return;
	}
}
