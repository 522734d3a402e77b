/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: unit tests for lib/addrlimit.c, the per-client-address limits
 * (connections open at once, new connections per second; IPv6 by /64).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "addrlimit.h"

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
		ck_assert_int_eq(inet_pton(AF_INET6, text, &sin6->sin6_addr), 1);
		sin6->sin6_family = AF_INET6;
	}
	return ss;
}

static enum tf_addrlimit_verdict
admit(struct tf_addrlimit *t, const char *text, double now)
{
	struct sockaddr_storage	ss = addr(text);

	return tf_addrlimit_admit(t, (struct sockaddr *)&ss, now);
}

static void
release(struct tf_addrlimit *t, const char *text)
{
	struct sockaddr_storage	ss = addr(text);

	tf_addrlimit_release(t, (struct sockaddr *)&ss);
}

START_TEST(test_addrlimit_off_is_null)
{
	ck_assert_ptr_null(tf_addrlimit_new(0, 0));
	/* A NULL table admits everything. */
	ck_assert_int_eq(admit(NULL, "192.0.2.1", 0), TF_ADDRLIMIT_OK);
	ck_assert_uint_eq(tf_addrlimit_expire(NULL, 0), 0);
}
END_TEST

START_TEST(test_addrlimit_connections)
{
	struct tf_addrlimit	*t = tf_addrlimit_new(3, 0);
	int			 i;

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(admit(t, "192.0.2.1", 0), TF_ADDRLIMIT_OK);
	ck_assert_int_eq(admit(t, "192.0.2.1", 0), TF_ADDRLIMIT_TOO_MANY);
	/* Other addresses have their own count. */
	ck_assert_int_eq(admit(t, "192.0.2.2", 0), TF_ADDRLIMIT_OK);
	/* A refused one was not counted: one release makes room for one. */
	release(t, "192.0.2.1");
	ck_assert_int_eq(admit(t, "192.0.2.1", 0), TF_ADDRLIMIT_OK);
	ck_assert_int_eq(admit(t, "192.0.2.1", 0), TF_ADDRLIMIT_TOO_MANY);
	tf_addrlimit_free(t);
}
END_TEST

START_TEST(test_addrlimit_rate_burst_and_refill)
{
	struct tf_addrlimit	*t = tf_addrlimit_new(0, 10);
	int			 i, ok = 0;

	for (i = 0; i < 50; i++)
		ok += admit(t, "192.0.2.1", 100.0) == TF_ADDRLIMIT_OK;
	ck_assert_int_eq(ok, 10);
	ck_assert_int_eq(admit(t, "192.0.2.1", 100.0), TF_ADDRLIMIT_TOO_FAST);
	/* 0.5 s later: 5 more. */
	for (i = 0, ok = 0; i < 50; i++)
		ok += admit(t, "192.0.2.1", 100.5) == TF_ADDRLIMIT_OK;
	ck_assert_int_eq(ok, 5);
	/* Closing does not give tokens back: the rate counts new ones. */
	for (i = 0; i < 15; i++)
		release(t, "192.0.2.1");
	ck_assert_int_eq(admit(t, "192.0.2.1", 100.5), TF_ADDRLIMIT_TOO_FAST);
	tf_addrlimit_free(t);
}
END_TEST

START_TEST(test_addrlimit_ipv6_by_64)
{
	struct tf_addrlimit	*t = tf_addrlimit_new(2, 0);

	ck_assert_int_eq(admit(t, "2001:db8:1:2::1", 0), TF_ADDRLIMIT_OK);
	ck_assert_int_eq(admit(t, "2001:db8:1:2:ffff::9", 0), TF_ADDRLIMIT_OK);
	/* A third address in the same /64 shares its count. */
	ck_assert_int_eq(admit(t, "2001:db8:1:2:abcd::", 0),
	    TF_ADDRLIMIT_TOO_MANY);
	/* The next /64 does not. */
	ck_assert_int_eq(admit(t, "2001:db8:1:3::1", 0), TF_ADDRLIMIT_OK);
	tf_addrlimit_free(t);
}
END_TEST

START_TEST(test_addrlimit_v4_mapped_is_ipv4)
{
	struct tf_addrlimit	*t = tf_addrlimit_new(1, 0);

	ck_assert_int_eq(admit(t, "::ffff:192.0.2.1", 0), TF_ADDRLIMIT_OK);
	/* The same client seen on an IPv4 listener. */
	ck_assert_int_eq(admit(t, "192.0.2.1", 0), TF_ADDRLIMIT_TOO_MANY);
	/* Other IPv4 clients of a dual-stack listener are not in one /64. */
	ck_assert_int_eq(admit(t, "::ffff:192.0.2.2", 0), TF_ADDRLIMIT_OK);
	tf_addrlimit_free(t);
}
END_TEST

START_TEST(test_addrlimit_unix_not_limited)
{
	struct tf_addrlimit	*t = tf_addrlimit_new(1, 1);
	struct sockaddr_un	 sun;
	int			 i;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(tf_addrlimit_admit(t,
		    (struct sockaddr *)&sun, 0), TF_ADDRLIMIT_OK);
	ck_assert_uint_eq(tf_addrlimit_expire(t, 0), 0);
	tf_addrlimit_free(t);
}
END_TEST

START_TEST(test_addrlimit_expire_forgets_idle)
{
	struct tf_addrlimit	*t = tf_addrlimit_new(5, 10);

	ck_assert_int_eq(admit(t, "192.0.2.1", 0), TF_ADDRLIMIT_OK);
	ck_assert_int_eq(admit(t, "192.0.2.2", 0), TF_ADDRLIMIT_OK);
	release(t, "192.0.2.2");
	/* .2 has nothing open but its bucket is not full yet. */
	ck_assert_uint_eq(tf_addrlimit_expire(t, 0.05), 2);
	ck_assert_uint_eq(tf_addrlimit_expire(t, 1.0), 1);
	release(t, "192.0.2.1");
	ck_assert_uint_eq(tf_addrlimit_expire(t, 2.0), 0);
	tf_addrlimit_free(t);
}
END_TEST

/* Many addresses: the table grows and every count stays its own. */
START_TEST(test_addrlimit_many_addresses)
{
	struct tf_addrlimit	*t = tf_addrlimit_new(1, 0);
	char			 text[64];
	int			 i;

	for (i = 0; i < 20000; i++) {
		snprintf(text, sizeof(text), "10.%d.%d.%d", i >> 16,
		    (i >> 8) & 255, i & 255);
		ck_assert_int_eq(admit(t, text, 0), TF_ADDRLIMIT_OK);
	}
	for (i = 0; i < 20000; i += 997) {
		snprintf(text, sizeof(text), "10.%d.%d.%d", i >> 16,
		    (i >> 8) & 255, i & 255);
		ck_assert_int_eq(admit(t, text, 0), TF_ADDRLIMIT_TOO_MANY);
	}
	ck_assert_uint_eq(tf_addrlimit_expire(t, 1), 20000);
	tf_addrlimit_free(t);
}
END_TEST

static Suite *
addrlimit_suite(void)
{
	Suite	*s = suite_create("addrlimit");
	TCase	*tc = tcase_create("limits");

	tcase_add_test(tc, test_addrlimit_off_is_null);
	tcase_add_test(tc, test_addrlimit_connections);
	tcase_add_test(tc, test_addrlimit_rate_burst_and_refill);
	tcase_add_test(tc, test_addrlimit_ipv6_by_64);
	tcase_add_test(tc, test_addrlimit_v4_mapped_is_ipv4);
	tcase_add_test(tc, test_addrlimit_unix_not_limited);
	tcase_add_test(tc, test_addrlimit_expire_forgets_idle);
	tcase_add_test(tc, test_addrlimit_many_addresses);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(addrlimit_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
