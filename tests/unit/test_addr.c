/* test_addr.c -- client addresses behind trusted proxies. */
#include "unit.h"

#include "../../server/lib/addr.c"

static struct addr_list proxies;

static const char *
client(const char *peer, const char *xff)
{
	static char out[ADDR_TEXT_LEN];

	addr_client(&proxies, peer, xff, out);
	return out;
}

static void
test_parse(void)
{
	struct addr_list l;
	char bad[64];

	CHECK(addr_list_parse(NULL, &l, bad, sizeof(bad)) == 0 && l.n == 0);
	CHECK(addr_list_parse("10.0.0.1, 10.1.0.0/16 ::1,fd00::/8", &l, bad, sizeof(bad)) == 0);
	CHECK(l.n == 4);
	CHECK(addr_list_has(&l, "10.0.0.1") && !addr_list_has(&l, "10.0.0.2"));
	CHECK(addr_list_has(&l, "10.1.200.3") && !addr_list_has(&l, "10.2.0.1"));
	CHECK(addr_list_has(&l, "::1") && addr_list_has(&l, "fd12::5"));
	CHECK(!addr_list_has(&l, "fe80::1") && !addr_list_has(&l, "garbage"));
	CHECK(addr_list_parse("10.0.0.1, proxy.example", &l, bad, sizeof(bad)) == -1);
	CHECK_STR(bad, "proxy.example");
	CHECK(addr_list_parse("10.0.0.0/33", &l, bad, sizeof(bad)) == -1);
	CHECK(addr_list_parse("10.0.0.0/", &l, bad, sizeof(bad)) == -1);
}

static void
test_untrusted_peer_ignores_the_header(void)
{
	addr_list_parse("127.0.0.1", &proxies, NULL, 0);
	CHECK_STR(client("192.0.2.7", "203.0.113.9"), "192.0.2.7");
	CHECK_STR(client("192.0.2.7", NULL), "192.0.2.7");
	CHECK_STR(client("::ffff:192.0.2.7", NULL), "192.0.2.7");
}

static void
test_right_most_untrusted_entry(void)
{
	addr_list_parse("127.0.0.1, 10.0.0.0/8", &proxies, NULL, 0);
	CHECK_STR(client("127.0.0.1", NULL), "127.0.0.1");
	CHECK_STR(client("127.0.0.1", "203.0.113.9"), "203.0.113.9");
	/* A client forging the left part gets its own address anyway. */
	CHECK_STR(client("127.0.0.1", "1.2.3.4, 203.0.113.9"), "203.0.113.9");
	CHECK_STR(client("127.0.0.1", "1.2.3.4, 203.0.113.9 , 10.0.0.5"), "203.0.113.9");
	CHECK_STR(client("127.0.0.1", "2001:db8::1"), "2001:db8::1");
	/* Only proxies: the left-most of them. */
	CHECK_STR(client("127.0.0.1", "10.2.2.2, 10.0.0.5"), "10.2.2.2");
	/* Garbage stops the walk at the hop that wrote it. */
	CHECK_STR(client("127.0.0.1", "203.0.113.9, evil"), "127.0.0.1");
	CHECK_STR(client("127.0.0.1", "evil, 10.0.0.5"), "10.0.0.5");
	CHECK_STR(client("127.0.0.1", ""), "127.0.0.1");
	CHECK_STR(client("127.0.0.1", ","), "127.0.0.1");
}

int
main(void)
{
	RUN(test_parse);
	RUN(test_untrusted_peer_ignores_the_header);
	RUN(test_right_most_untrusted_entry);
	return UNIT_DONE();
}
