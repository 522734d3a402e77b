/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: unit tests for lib/errs.c, the "file:line: message" list that
 * lib/ hands back to the daemon.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "errs.h"

START_TEST(test_errs_init_is_empty)
{
	struct tf_errs	errs;

	tf_errs_init(&errs);
	ck_assert_uint_eq(tf_errs_count(&errs), 0);
	ck_assert_ptr_null(tf_errs_get(&errs, 0));
	tf_errs_free(&errs);
}
END_TEST

START_TEST(test_errs_add_formats_file_and_line)
{
	struct tf_errs	errs;

	tf_errs_init(&errs);
	ck_assert_int_eq(tf_errs_add(&errs, "a.conf", 12, "bad %s %d", "x",
	    7), -1);
	ck_assert_uint_eq(tf_errs_count(&errs), 1);
	ck_assert_str_eq(tf_errs_get(&errs, 0), "a.conf:12: bad x 7");
	tf_errs_free(&errs);
}
END_TEST

START_TEST(test_errs_add_null_file_reads_string)
{
	struct tf_errs	errs;

	tf_errs_init(&errs);
	tf_errs_add(&errs, NULL, 3, "oops");
	ck_assert_str_eq(tf_errs_get(&errs, 0), "<string>:3: oops");
	tf_errs_free(&errs);
}
END_TEST

START_TEST(test_errs_add_line_zero_omits_line)
{
	struct tf_errs	errs;

	tf_errs_init(&errs);
	tf_errs_add(&errs, "b.conf", 0, "no listeners configured");
	tf_errs_add(&errs, NULL, 0, "empty");
	ck_assert_str_eq(tf_errs_get(&errs, 0),
	    "b.conf: no listeners configured");
	ck_assert_str_eq(tf_errs_get(&errs, 1), "<string>: empty");
	tf_errs_free(&errs);
}
END_TEST

START_TEST(test_errs_addx_has_no_location)
{
	struct tf_errs	errs;

	tf_errs_init(&errs);
	ck_assert_int_eq(tf_errs_addx(&errs, "plain %d", 1), -1);
	ck_assert_str_eq(tf_errs_get(&errs, 0), "plain 1");
	tf_errs_free(&errs);
}
END_TEST

START_TEST(test_errs_keeps_order_when_growing)
{
	struct tf_errs	errs;
	char		want[32];
	size_t		i;

	tf_errs_init(&errs);
	for (i = 0; i < 100; i++)
		tf_errs_add(&errs, "f", (int)i + 1, "msg %zu", i);
	ck_assert_uint_eq(tf_errs_count(&errs), 100);
	for (i = 0; i < 100; i++) {
		snprintf(want, sizeof(want), "f:%zu: msg %zu", i + 1, i);
		ck_assert_str_eq(tf_errs_get(&errs, i), want);
	}
	ck_assert_ptr_null(tf_errs_get(&errs, 100));
	tf_errs_free(&errs);
}
END_TEST

START_TEST(test_errs_free_resets_for_reuse)
{
	struct tf_errs	errs;

	tf_errs_init(&errs);
	tf_errs_add(&errs, "f", 1, "one");
	tf_errs_free(&errs);
	ck_assert_uint_eq(tf_errs_count(&errs), 0);
	tf_errs_add(&errs, "g", 2, "two");
	ck_assert_str_eq(tf_errs_get(&errs, 0), "g:2: two");
	tf_errs_free(&errs);
	tf_errs_free(&errs);
}
END_TEST

START_TEST(test_errs_long_message_is_kept_whole)
{
	struct tf_errs	 errs;
	char		*big;

	big = malloc(10001);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 10000);
	big[10000] = '\0';
	tf_errs_init(&errs);
	tf_errs_add(&errs, "f", 9, "%s", big);
	ck_assert_uint_eq(strlen(tf_errs_get(&errs, 0)), strlen("f:9: ") +
	    10000);
	tf_errs_free(&errs);
	free(big);
}
END_TEST

static Suite *
errs_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("errs");
	tc = tcase_create("format");
	tcase_add_test(tc, test_errs_add_formats_file_and_line);
	tcase_add_test(tc, test_errs_add_null_file_reads_string);
	tcase_add_test(tc, test_errs_add_line_zero_omits_line);
	tcase_add_test(tc, test_errs_addx_has_no_location);
	tcase_add_test(tc, test_errs_long_message_is_kept_whole);
	suite_add_tcase(s, tc);
	tc = tcase_create("list");
	tcase_add_test(tc, test_errs_init_is_empty);
	tcase_add_test(tc, test_errs_keeps_order_when_growing);
	tcase_add_test(tc, test_errs_free_resets_for_reuse);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(errs_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
