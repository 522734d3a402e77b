/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: unit tests for lib/addr.c, addresses as written in the
 * configuration: parse, the reasons it refuses, and formatting back.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "addr.h"

/* Text that parses, and how it formats back. */
static const struct {
	const char	*text;
	const char	*formatted;
} good[] = {
	{ "127.0.0.1:8080",		"127.0.0.1:8080" },
	{ "0.0.0.0:443",		"0.0.0.0:443" },
	{ "*:443",			"0.0.0.0:443" },
	{ "1.2.3.4:5",			"1.2.3.4:5" },
	{ "10.0.0.1:65535",		"10.0.0.1:65535" },
	{ "[::1]:5",			"[::1]:5" },
	{ "[::]:443",			"[::]:443" },
	{ "[2001:db8::1]:8443",		"[2001:db8::1]:8443" },
	{ "[::ffff:1.2.3.4]:80",	"[::ffff:1.2.3.4]:80" },
	{ "unix:/run/app.sock",		"unix:/run/app.sock" },
	{ "unix:relative.sock",		"unix:relative.sock" },
};

/* Text that does not parse, and the reason given. */
static const struct {
	const char	*text;
	const char	*err;
} bad[] = {
	{ "127.0.0.1",		"missing port" },
	{ "127.0.0.1:",		"missing port" },
	{ "[::1]",		"missing port" },
	{ "[::1]:",		"missing port" },
	{ "localhost",		"missing port" },
	{ "127.0.0.1:http",	"invalid port \"http\"" },
	{ "127.0.0.1:65536",	"invalid port \"65536\"" },
	{ "127.0.0.1:-1",	"invalid port \"-1\"" },
	{ "127.0.0.1: 80",	"invalid port \" 80\"" },
	{ "127.0.0.1:123456",	"invalid port \"123456\"" },
	{ "127.0.0.1:0",	"port 0 is not allowed" },
	{ ":80",		"missing host" },
	{ "[]:80",		"missing host" },
	{ "::1:80",		"write IPv6 addresses as \"[address]:port\"" },
	{ "[::1:80",		"missing \"]\" after IPv6 address" },
	{ "[::1]80",		"expected \":port\" after \"]\"" },
	{ "[1.2.3.4]:80",	"invalid IPv6 address \"1.2.3.4\"" },
	{ "[nonsense]:80",	"invalid IPv6 address \"nonsense\"" },
	{ "unix:",		"missing unix socket path" },
};

START_TEST(test_addr_parse_good)
{
	struct tf_addr	addr;
	char		err[256], buf[TF_ADDR_STRLEN];

	err[0] = '\0';
	ck_assert_msg(tf_addr_parse(good[_i].text, false, &addr, err,
	    sizeof(err)) == 0, "%s: %s", good[_i].text, err);
	ck_assert_str_eq(tf_addr_format(&addr, buf, sizeof(buf)),
	    good[_i].formatted);
}
END_TEST

START_TEST(test_addr_parse_bad)
{
	struct tf_addr	addr;
	char		err[256];

	err[0] = '\0';
	ck_assert_msg(tf_addr_parse(bad[_i].text, false, &addr, err,
	    sizeof(err)) == -1, "%s parsed", bad[_i].text);
	ck_assert_str_eq(err, bad[_i].err);
}
END_TEST

START_TEST(test_addr_parse_port_zero_when_allowed)
{
	struct tf_addr	addr;
	char		err[256], buf[TF_ADDR_STRLEN];

	ck_assert_int_eq(tf_addr_parse("127.0.0.1:0", true, &addr, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(tf_addr_format(&addr, buf, sizeof(buf)),
	    "127.0.0.1:0");
}
END_TEST

START_TEST(test_addr_parse_sets_family_and_port)
{
	struct tf_addr		 addr;
	struct sockaddr_in	*sin;
	struct sockaddr_in6	*sin6;
	char			 err[256];

	ck_assert_int_eq(tf_addr_parse("192.0.2.7:8443", false, &addr, err,
	    sizeof(err)), 0);
	sin = (struct sockaddr_in *)&addr.ss;
	ck_assert_int_eq(sin->sin_family, AF_INET);
	ck_assert_uint_eq(addr.len, sizeof(*sin));
	ck_assert_uint_eq(ntohs(sin->sin_port), 8443);
	ck_assert_uint_eq(ntohl(sin->sin_addr.s_addr), 0xc0000207);
	ck_assert(!tf_addr_is_unix(&addr));

	ck_assert_int_eq(tf_addr_parse("[::1]:443", false, &addr, err,
	    sizeof(err)), 0);
	sin6 = (struct sockaddr_in6 *)&addr.ss;
	ck_assert_int_eq(sin6->sin6_family, AF_INET6);
	ck_assert_uint_eq(addr.len, sizeof(*sin6));
	ck_assert_uint_eq(ntohs(sin6->sin6_port), 443);
	ck_assert(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
}
END_TEST

START_TEST(test_addr_parse_resolves_names)
{
	struct tf_addr	addr;
	char		err[256], buf[TF_ADDR_STRLEN];

	ck_assert_msg(tf_addr_parse("localhost:8080", false, &addr, err,
	    sizeof(err)) == 0, "%s", err);
	tf_addr_format(&addr, buf, sizeof(buf));
	ck_assert_msg(strcmp(buf, "127.0.0.1:8080") == 0 ||
	    strcmp(buf, "[::1]:8080") == 0, "localhost is %s", buf);
}
END_TEST

START_TEST(test_addr_parse_unresolvable_name)
{
	struct tf_addr	addr;
	const char	*want = "cannot resolve host \"no-such-host.invalid\": ";
	char		err[256];

	ck_assert_int_eq(tf_addr_parse("no-such-host.invalid:80", false, &addr,
	    err, sizeof(err)), -1);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
	ck_assert_uint_gt(strlen(err), strlen(want));
}
END_TEST

START_TEST(test_addr_unix_path_length_limit)
{
	struct sockaddr_un	 sun;
	struct tf_addr		 addr;
	char			 text[sizeof(sun.sun_path) + 16];
	char			 err[256], buf[TF_ADDR_STRLEN];
	size_t			 max = sizeof(sun.sun_path) - 1;

	/* The longest path that fits, with its NUL. */
	memcpy(text, "unix:/", 6);
	memset(text + 6, 'a', max - 1);
	text[5 + max] = '\0';
	ck_assert_msg(tf_addr_parse(text, false, &addr, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert(tf_addr_is_unix(&addr));
	ck_assert_str_eq(tf_addr_format(&addr, buf, sizeof(buf)), text);

	/* One more does not. */
	text[5 + max] = 'a';
	text[6 + max] = '\0';
	ck_assert_int_eq(tf_addr_parse(text, false, &addr, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "unix socket path too long");
}
END_TEST

START_TEST(test_addr_error_truncated_to_buffer)
{
	struct tf_addr	addr;
	char		err[8];

	ck_assert_int_eq(tf_addr_parse("127.0.0.1:99999", false, &addr, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "invalid");
}
END_TEST

START_TEST(test_addr_format_sa_from_accept)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
	struct sockaddr_un	sun;
	char			buf[TF_ADDR_STRLEN];

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(40000);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	ck_assert_str_eq(tf_addr_format_sa((struct sockaddr *)&sin,
	    sizeof(sin), buf, sizeof(buf)), "127.0.0.1:40000");

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(1);
	sin6.sin6_addr = in6addr_loopback;
	ck_assert_str_eq(tf_addr_format_sa((struct sockaddr *)&sin6,
	    sizeof(sin6), buf, sizeof(buf)), "[::1]:1");

	/* An unnamed unix peer, as accept(2) returns it. */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert_str_eq(tf_addr_format_sa((struct sockaddr *)&sun,
	    sizeof(sa_family_t), buf, sizeof(buf)), "unix:");
}
END_TEST

START_TEST(test_addr_format_truncates)
{
	struct tf_addr	addr;
	char		err[256], buf[6];

	ck_assert_int_eq(tf_addr_parse("127.0.0.1:80", false, &addr, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(tf_addr_format(&addr, buf, sizeof(buf)), "127.0");
}
END_TEST

static Suite *
addr_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("addr");
	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_addr_parse_good, 0,
	    (int)(sizeof(good) / sizeof(good[0])));
	tcase_add_test(tc, test_addr_parse_port_zero_when_allowed);
	tcase_add_test(tc, test_addr_parse_sets_family_and_port);
	tcase_add_test(tc, test_addr_unix_path_length_limit);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_addr_parse_bad, 0,
	    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_addr_error_truncated_to_buffer);
	suite_add_tcase(s, tc);
	tc = tcase_create("resolve");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_addr_parse_resolves_names);
	tcase_add_test(tc, test_addr_parse_unresolvable_name);
	suite_add_tcase(s, tc);
	tc = tcase_create("format");
	tcase_add_test(tc, test_addr_format_sa_from_accept);
	tcase_add_test(tc, test_addr_format_truncates);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(addr_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
