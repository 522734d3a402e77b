/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: unit tests for lib/filestamp.c, telling whether a file
 * changed the ways renewal tools change them.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "filestamp.h"

static char	dir[PATH_MAX];

static void
put(const char *name, const char *text)
{
	FILE	*f;

	ck_assert_ptr_nonnull(f = fopen(name, "w"));
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static void
setup(void)
{
	strcpy(dir, "/tmp/check_filestamp.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chdir(dir), 0);
}

static void
teardown(void)
{
	const char *const	names[] = { "a", "b", "link", "new", "d/x", "d" };
	size_t			i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)remove(names[i]);
	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}

START_TEST(test_filestamp_unchanged)
{
	struct tf_filestamp	a, b;

	put("a", "one");
	tf_filestamp_take("a", &a);
	tf_filestamp_take("a", &b);
	ck_assert(a.exists);
	ck_assert_int_eq(a.size, 3);
	ck_assert(tf_filestamp_equal(&a, &b));
}
END_TEST

START_TEST(test_filestamp_missing)
{
	struct tf_filestamp	a, b;

	tf_filestamp_take("a", &a);
	tf_filestamp_take("a", &b);
	ck_assert(!a.exists);
	ck_assert(tf_filestamp_equal(&a, &b));
	put("a", "");
	tf_filestamp_take("a", &b);
	ck_assert(!tf_filestamp_equal(&a, &b));
}
END_TEST

/* Same size, same second: the new inode (rename over) still shows. */
START_TEST(test_filestamp_renamed_over)
{
	struct tf_filestamp	a, b;

	put("a", "one");
	tf_filestamp_take("a", &a);
	put("new", "two");
	ck_assert_int_eq(rename("new", "a"), 0);
	tf_filestamp_take("a", &b);
	ck_assert(!tf_filestamp_equal(&a, &b));
}
END_TEST

START_TEST(test_filestamp_written_in_place)
{
	struct tf_filestamp	a, b;

	put("a", "one");
	tf_filestamp_take("a", &a);
	put("a", "one, longer");
	tf_filestamp_take("a", &b);
	ck_assert_uint_eq(a.ino, b.ino);
	ck_assert(!tf_filestamp_equal(&a, &b));
}
END_TEST

/* certbot: live/x.pem is a link swapped to a new archive file. */
START_TEST(test_filestamp_follows_links)
{
	struct tf_filestamp	a, b, c;

	put("a", "one");
	put("b", "two");
	ck_assert_int_eq(symlink("a", "link"), 0);
	tf_filestamp_take("link", &a);
	tf_filestamp_take("link", &b);
	ck_assert(tf_filestamp_equal(&a, &b));
	ck_assert_int_eq(symlink("b", "new"), 0);
	ck_assert_int_eq(rename("new", "link"), 0);
	tf_filestamp_take("link", &c);
	ck_assert(!tf_filestamp_equal(&a, &c));
}
END_TEST

/* capath: a hashed link added to the directory. */
START_TEST(test_filestamp_directory)
{
	struct tf_filestamp	a, b;

	ck_assert_int_eq(mkdir("d", 0700), 0);
	tf_filestamp_take("d", &a);
	usleep(10000);
	put("d/x", "x");
	tf_filestamp_take("d", &b);
	ck_assert(!tf_filestamp_equal(&a, &b));
}
END_TEST

static Suite *
filestamp_suite(void)
{
	Suite	*s = suite_create("filestamp");
	TCase	*tc = tcase_create("changes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_filestamp_unchanged);
	tcase_add_test(tc, test_filestamp_missing);
	tcase_add_test(tc, test_filestamp_renamed_over);
	tcase_add_test(tc, test_filestamp_written_in_place);
	tcase_add_test(tc, test_filestamp_follows_links);
	tcase_add_test(tc, test_filestamp_directory);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(filestamp_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
