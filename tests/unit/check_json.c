/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: unit tests for lib/json.c, the JSON string escaper of the
 * access lines and of --explain --json.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "json.h"

/* Escapes src (len bytes) with plenty of room; returns a static buffer. */
static const char *
escaped(const char *src, size_t len)
{
	static char	 buf[1024];
	size_t		 written;

	ck_assert_uint_eq(tf_json_escape(buf, sizeof(buf), src, len,
	    &written), len);
	ck_assert_uint_eq(written, strlen(buf));
	return buf;
}

START_TEST(test_json_plain_ascii_unchanged)
{
	ck_assert_str_eq(escaped("example.com:443 TLSv1.3",  23),
	    "example.com:443 TLSv1.3");
	ck_assert_str_eq(escaped("", 0), "");
}
END_TEST

START_TEST(test_json_quote_and_backslash)
{
	ck_assert_str_eq(escaped("a\"b\\c", 5), "a\\\"b\\\\c");
}
END_TEST

/* Control bytes, DEL, a NUL inside and bytes >= 0x80 become \u00XX. */
START_TEST(test_json_control_and_high_bytes)
{
	static const char	 src[] = "\n\t\x01\x7f\x80\xe9\xff";

	ck_assert_str_eq(escaped(src, sizeof(src) - 1),
	    "\\u000a\\u0009\\u0001\\u007f\\u0080\\u00e9\\u00ff");
	ck_assert_str_eq(escaped("a\0b", 3), "a\\u0000b");
}
END_TEST

/* A full buffer cuts between escapes, never inside one. */
START_TEST(test_json_truncates_between_escapes)
{
	char	 buf[16];
	size_t	 used, written;

	memset(buf, 'x', sizeof(buf));
	/* "ab" (2) + "\u000a" (6) fit in 9 with the NUL; the next does not. */
	used = tf_json_escape(buf, 9, "ab\n\n", 4, &written);
	ck_assert_uint_eq(used, 3);
	ck_assert_uint_eq(written, 8);
	ck_assert_str_eq(buf, "ab\\u000a");
	used = tf_json_escape(buf, 8, "ab\n\n", 4, &written);
	ck_assert_uint_eq(used, 2);
	ck_assert_str_eq(buf, "ab");
	/* No room at all: nothing consumed, nothing written. */
	used = tf_json_escape(buf, 0, "ab", 2, &written);
	ck_assert_uint_eq(used, 0);
	ck_assert_uint_eq(written, 0);
	used = tf_json_escape(buf, 1, "ab", 2, NULL);
	ck_assert_uint_eq(used, 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

static Suite *
json_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("json");
	tc = tcase_create("escape");
	tcase_add_test(tc, test_json_plain_ascii_unchanged);
	tcase_add_test(tc, test_json_quote_and_backslash);
	tcase_add_test(tc, test_json_control_and_high_bytes);
	tcase_add_test(tc, test_json_truncates_between_escapes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(json_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
