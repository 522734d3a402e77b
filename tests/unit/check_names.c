/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * Unit tests of lib/names.c: which names and patterns are taken, RFC 6125
 * wildcard matching, case and trailing dots, duplicates, and a table big
 * enough to grow several times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "names.h"

START_TEST(test_names_valid)
{
	static const char *const good[] = {
		"example.com", "a.example.com.", "*.example.com", "x_y.test",
		"localhost", "A-1.B-2.example", "xn--bcher-kva.example",
	};
	static const struct {
		const char	*name;
		const char	*why;
	} bad[] = {
		{ "", "empty name" },
		{ ".", "empty name" },
		{ "a..example.com", "empty label" },
		{ ".example.com", "empty label" },
		{ "*.com", "a wildcard needs two labels" },
		{ "f*.example.com", "a wildcard must be the whole" },
		{ "a.*.example.com", "a wildcard must be the whole" },
		{ "*", "a wildcard must be the whole" },
		{ "-a.example.com", "label starts or ends with '-'" },
		{ "a-.example.com", "label starts or ends with '-'" },
		{ "a b.example.com", "not a DNS name" },
		{ "a\xc3\xa9.example.com", "not a DNS name" },
		{ "127.0.0.1:443", "not a DNS name" },
	};
	const char	*why;
	char		 longlabel[80], longname[300];
	size_t		 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(tf_names_valid(good[i], &why), "%s: %s", good[i],
		    why);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		ck_assert_msg(!tf_names_valid(bad[i].name, &why), "%s taken",
		    bad[i].name);
		ck_assert_msg(strncmp(why, bad[i].why, strlen(bad[i].why)) == 0,
		    "%s: %s", bad[i].name, why);
	}
	memset(longlabel, 'a', 64);
	strcpy(longlabel + 64, ".example");
	ck_assert(!tf_names_valid(longlabel, &why));
	ck_assert_str_eq(why, "label longer than 63 bytes");
	/* 63 bytes: fine. */
	ck_assert_msg(tf_names_valid(longlabel + 1, &why), "%s", why);
	for (i = 0; i < 254; i += 2)
		memcpy(longname + i, "a.", 2);
	longname[253] = '\0';		/* 253 bytes, ends in "a" */
	longname[252] = 'a';
	ck_assert_msg(tf_names_valid(longname, &why), "%s", why);
	strcat(longname, "b");
	ck_assert(!tf_names_valid(longname, &why));
	ck_assert_str_eq(why, "longer than 253 bytes");
}
END_TEST

START_TEST(test_names_match)
{
	struct tf_names	*t = tf_names_new();
	size_t		 v = 99;

	ck_assert_int_eq(tf_names_add(t, "a.example.com", 1, NULL), 0);
	ck_assert_int_eq(tf_names_add(t, "*.example.com", 2, NULL), 0);
	ck_assert_int_eq(tf_names_add(t, "*.b.example.com", 3, NULL), 0);
	ck_assert_int_eq(tf_names_add(t, "Mixed.Example.ORG.", 4, NULL), 0);
	ck_assert_uint_eq(tf_names_count(t), 4);

	/* Exact before the wildcard; case and a trailing dot ignored. */
	ck_assert(tf_names_find(t, "a.example.com", &v) && v == 1);
	ck_assert(tf_names_find(t, "A.EXAMPLE.COM.", &v) && v == 1);
	ck_assert(tf_names_find(t, "mixed.example.org", &v) && v == 4);
	/* One label, and only one. */
	ck_assert(tf_names_find(t, "c.example.com", &v) && v == 2);
	ck_assert(tf_names_find(t, "x.b.example.com", &v) && v == 3);
	ck_assert(tf_names_find(t, "b.example.com", &v) && v == 2);
	v = 99;
	ck_assert(!tf_names_find(t, "example.com", &v));
	ck_assert(!tf_names_find(t, "x.y.example.com", &v));
	ck_assert(!tf_names_find(t, ".example.com", &v));
	ck_assert(!tf_names_find(t, "a..example.com", &v));
	/* A client cannot name the pattern itself. */
	ck_assert(!tf_names_find(t, "*.example.com", &v));
	ck_assert(!tf_names_find(t, "", &v));
	ck_assert(!tf_names_find(t, "a.example.com\xff", &v));
	ck_assert_uint_eq(v, 99);
	tf_names_free(t);
}
END_TEST

START_TEST(test_names_duplicates)
{
	struct tf_names	*t = tf_names_new();
	size_t		 first = 0;

	ck_assert_int_eq(tf_names_add(t, "a.example.com", 7, NULL), 0);
	ck_assert_int_eq(tf_names_add(t, "A.Example.Com.", 8, &first), 1);
	ck_assert_uint_eq(first, 7);
	ck_assert_int_eq(tf_names_add(t, "*.example.com", 9, NULL), 0);
	ck_assert_int_eq(tf_names_add(t, "*.EXAMPLE.com", 10, &first), 1);
	ck_assert_uint_eq(first, 9);
	ck_assert_int_eq(tf_names_add(t, "f*.example.com", 11, NULL), -1);
	ck_assert_uint_eq(tf_names_count(t), 2);
	tf_names_free(t);
}
END_TEST

/* Thousands of names: the table grows and every one is still found. */
START_TEST(test_names_many)
{
	struct tf_names	*t = tf_names_new();
	char		 name[64];
	size_t		 i, v;

	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "host%zu.example.net", i);
		ck_assert_int_eq(tf_names_add(t, name, i, NULL), 0);
	}
	ck_assert_uint_eq(tf_names_count(t), 5000);
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "HOST%zu.example.net", i);
		ck_assert(tf_names_find(t, name, &v));
		ck_assert_uint_eq(v, i);
	}
	ck_assert(!tf_names_find(t, "host5000.example.net", &v));
	tf_names_free(t);
	ck_assert(!tf_names_find(NULL, "a.example", &v));
	tf_names_free(NULL);
}
END_TEST

static Suite *
names_suite(void)
{
	Suite	*s = suite_create("names");
	TCase	*tc = tcase_create("names");

	tcase_add_test(tc, test_names_valid);
	tcase_add_test(tc, test_names_match);
	tcase_add_test(tc, test_names_duplicates);
	tcase_add_test(tc, test_names_many);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(names_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
