/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: unit tests for lib/cidr.c, address prefixes
 * (listeners[].accept_proxy_from).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "cidr.h"

static struct sockaddr_storage
addr(const char *text)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, text, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
	} else {
		ck_assert_int_eq(inet_pton(AF_INET6, text, &sin6->sin6_addr),
		    1);
		sin6->sin6_family = AF_INET6;
	}
	return ss;
}

static bool
match(const struct tf_cidr *list, size_t n, const char *text)
{
	struct sockaddr_storage	ss = addr(text);

	return tf_cidr_match(list, n, (struct sockaddr *)&ss);
}

static struct tf_cidr
parse_ok(const char *text)
{
	struct tf_cidr	c;
	char		err[128];

	ck_assert_msg(tf_cidr_parse(text, &c, err, sizeof(err)) == 0,
	    "%s: %s", text, err);
	return c;
}

START_TEST(test_cidr_parse)
{
	struct tf_cidr	c;

	c = parse_ok("10.0.0.0/8");
	ck_assert_int_eq(c.family, AF_INET);
	ck_assert_uint_eq(c.prefix, 8);
	c = parse_ok("192.0.2.7");
	ck_assert_uint_eq(c.prefix, 32);
	c = parse_ok("::1/128");
	ck_assert_int_eq(c.family, AF_INET6);
	ck_assert_uint_eq(c.prefix, 128);
	c = parse_ok("2001:db8::/32");
	ck_assert_uint_eq(c.prefix, 32);
	c = parse_ok("0.0.0.0/0");
	ck_assert_uint_eq(c.prefix, 0);
	c = parse_ok("::/0");
	ck_assert_uint_eq(c.prefix, 0);
}
END_TEST

static const struct {
	const char	*text;
	const char	*error;
} cidr_refusals[] = {
	{ "10.0.0.1/8", "has host bits set" },
	{ "2001:db8::1/64", "has host bits set" },
	{ "10.0.0.0/33", "prefix length must be 0 to 32" },
	{ "::/129", "prefix length must be 0 to 128" },
	{ "10.0.0.0/", "prefix length must be 0 to 32" },
	{ "10.0.0.0/08", "prefix length must be 0 to 32" },
	{ "10.0.0.0/x", "prefix length must be 0 to 32" },
	{ "10.0.0/8", "not an IPv4 or IPv6 address" },
	{ "example.com/8", "not an IPv4 or IPv6 address" },
	{ "/8", "not an IPv4 or IPv6 address" },
	{ "", "not an IPv4 or IPv6 address" },
};

START_TEST(test_cidr_refusals)
{
	struct tf_cidr	c;
	char		err[128];

	ck_assert_int_eq(tf_cidr_parse(cidr_refusals[_i].text, &c, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, cidr_refusals[_i].error);
}
END_TEST

START_TEST(test_cidr_match)
{
	struct tf_cidr		list[3];
	struct sockaddr_un	un = { .sun_family = AF_UNIX };

	list[0] = parse_ok("10.0.0.0/8");
	list[1] = parse_ok("192.0.2.128/25");
	list[2] = parse_ok("2001:db8::/32");
	ck_assert(match(list, 3, "10.255.1.2"));
	ck_assert(!match(list, 3, "11.0.0.1"));
	ck_assert(match(list, 3, "192.0.2.200"));
	ck_assert(!match(list, 3, "192.0.2.127"));
	ck_assert(match(list, 3, "2001:db8:ffff::1"));
	ck_assert(!match(list, 3, "2001:db9::1"));
	/* An IPv4 peer of a dual-stack listener matches IPv4 prefixes. */
	ck_assert(match(list, 3, "::ffff:10.1.1.1"));
	ck_assert(!match(list, 3, "::ffff:11.1.1.1"));
	ck_assert(!match(list, 0, "10.0.0.1"));
	ck_assert(!tf_cidr_match(list, 3, (struct sockaddr *)&un));
	list[0] = parse_ok("0.0.0.0/0");
	ck_assert(match(list, 1, "203.0.113.9"));
	ck_assert(!match(list, 1, "::1"));
	list[0] = parse_ok("::1");
	ck_assert(match(list, 1, "::1"));
	ck_assert(!match(list, 1, "::2"));
}
END_TEST

static Suite *
cidr_suite(void)
{
	Suite	*s = suite_create("cidr");
	TCase	*tc = tcase_create("prefixes");

	tcase_add_test(tc, test_cidr_parse);
	tcase_add_loop_test(tc, test_cidr_refusals, 0,
	    (int)(sizeof(cidr_refusals) / sizeof(cidr_refusals[0])));
	tcase_add_test(tc, test_cidr_match);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(cidr_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
