/* addr.h -- client addresses behind trusted proxies. Pure: no I/O.
 *
 * With REGISTRY_TRUSTED_PROXIES set, a request whose peer is one of them
 * is taken to come from the right-most address of X-Forwarded-For that is
 * not a trusted proxy itself: every proxy appends the address it saw, so
 * entries left of the first untrusted one may be forged by the client. */
#ifndef REGISTRY_ADDR_H
#define REGISTRY_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#define ADDR_LIST_MAX 32
#define ADDR_TEXT_LEN 48         /* INET6_ADDRSTRLEN and a NUL */

struct addr_net {
	unsigned char a[16];     /* IPv4 as ::ffff:a.b.c.d */
	unsigned bits;           /* prefix length over the 128 bits */
};

struct addr_list {
	size_t n;
	struct addr_net e[ADDR_LIST_MAX];
};

/* Parses "10.0.0.1, 10.1.0.0/16 ::1" (commas or spaces). 0, or -1 with
 * the offending entry copied into bad. */
int addr_list_parse(const char *s, struct addr_list *l, char *bad, size_t badlen);

/* Whether the text address ip is in the list. */
bool addr_list_has(const struct addr_list *l, const char *ip);

/* The client address of a request from peer carrying X-Forwarded-For xff
 * (NULL if none, or several headers joined with commas), written to out
 * in canonical form. The peer itself unless it is trusted. */
void addr_client(const struct addr_list *trusted, const char *peer, const char *xff,
    char out[ADDR_TEXT_LEN]);

#endif
