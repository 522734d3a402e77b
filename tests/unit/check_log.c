/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * Unit tests for lib/log.c: recognizing stderr as the journal's stream,
 * and the "<N>" priority prefix that lines get on it.
 */
#include <sys/stat.h>

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Point stderr at a fresh temporary file; its "dev:ino" into id. */
static FILE *
stderr_to_file(char *id, size_t size)
{
	FILE		*f = tmpfile();
	struct stat	 st;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ne(dup2(fileno(f), STDERR_FILENO), -1);
	ck_assert_int_eq(fstat(STDERR_FILENO, &st), 0);
	snprintf(id, size, "%ju:%ju", (uintmax_t)st.st_dev,
	    (uintmax_t)st.st_ino);
	return f;
}

static const char *
read_all(FILE *f)
{
	static char	buf[4096];
	size_t		n;

	fflush(stderr);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	return buf;
}

/* JOURNAL_STREAM must name stderr exactly: device and inode, nothing
 * after them; unset or another file is not the journal. */
START_TEST(test_log_journal_stream_matches_stderr_only)
{
	char	id[64], other[80];

	(void)stderr_to_file(id, sizeof(id));
	unsetenv("JOURNAL_STREAM");
	ck_assert(!tf_log_stderr_is_journal());
	setenv("JOURNAL_STREAM", id, 1);
	ck_assert(tf_log_stderr_is_journal());
	snprintf(other, sizeof(other), "%s1", id);	/* another inode */
	setenv("JOURNAL_STREAM", other, 1);
	ck_assert(!tf_log_stderr_is_journal());
	snprintf(other, sizeof(other), "%s:", id);
	setenv("JOURNAL_STREAM", other, 1);
	ck_assert(!tf_log_stderr_is_journal());
	setenv("JOURNAL_STREAM", "garbage", 1);
	ck_assert(!tf_log_stderr_is_journal());
}
END_TEST

/* On the journal's stream: "<N>message", no ident[pid] nor level word. */
START_TEST(test_log_priority_prefix_on_journal_stream)
{
	char	id[64];
	FILE	*f = stderr_to_file(id, sizeof(id));

	setenv("JOURNAL_STREAM", id, 1);
	tf_log_open("tlsfrontd", TF_LOG_TARGET_STDERR, TF_LOG_INFO);
	tf_log_err("e %d", 1);
	tf_log_warnx("w");
	tf_log_notice("n");
	tf_log_info("i");
	tf_log_debug("d (not written)");
	tf_log_fields(TF_LOG_INFO, &(struct tf_log_field){ "TLSFRONT_X",
	    "y", 1 }, 1, "access %s", "line");
	ck_assert_str_eq(read_all(f),
	    "<3>e 1\n<4>w\n<5>n\n<6>i\n<6>access line\n");
}
END_TEST

/* Elsewhere the prefix stays, and fields are left out of the line. */
START_TEST(test_log_prefix_elsewhere)
{
	char	id[64], want[128];
	FILE	*f = stderr_to_file(id, sizeof(id));

	unsetenv("JOURNAL_STREAM");
	tf_log_open("tlsfrontd", TF_LOG_TARGET_STDERR, TF_LOG_INFO);
	tf_log_fields(TF_LOG_INFO, &(struct tf_log_field){ "TLSFRONT_X",
	    "y", 1 }, 1, "access line");
	snprintf(want, sizeof(want), "tlsfrontd[%ld]: info: access line\n",
	    (long)getpid());
	ck_assert_str_eq(read_all(f), want);
}
END_TEST

static Suite *
log_suite(void)
{
	Suite	*s = suite_create("log");
	TCase	*tc;

	tc = tcase_create("journal_stream");
	tcase_add_test(tc, test_log_journal_stream_matches_stderr_only);
	tcase_add_test(tc, test_log_priority_prefix_on_journal_stream);
	tcase_add_test(tc, test_log_prefix_elsewhere);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(log_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
