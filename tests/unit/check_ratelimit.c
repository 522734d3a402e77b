/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: unit tests for lib/ratelimit.c, the window counter that turns
 * a flood of log lines into a few lines and one summary per window.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <check.h>

#include "ratelimit.h"

/* Hit rl n times at now_ms (none may report); return how many passed. */
static uint64_t
hit_n(struct tf_ratelimit *rl, uint64_t now_ms, uint64_t n)
{
	uint64_t	i, passed = 0, reported = 0, sup, span;

	for (i = 0; i < n; i++) {
		if (tf_ratelimit_hit(rl, now_ms, &sup, &span))
			passed++;
		reported += sup;
	}
	ck_assert_uint_eq(reported, 0);
	return passed;
}

START_TEST(test_ratelimit_first_limit_pass)
{
	struct tf_ratelimit	rl;

	tf_ratelimit_init(&rl, 10, 1000);
	ck_assert_uint_eq(hit_n(&rl, 5000, 10), 10);
	ck_assert_uint_eq(hit_n(&rl, 5999, 90), 0);
}
END_TEST

START_TEST(test_ratelimit_zero_limit_passes_all)
{
	struct tf_ratelimit	rl;
	uint64_t		due;

	tf_ratelimit_init(&rl, 0, 1000);
	ck_assert_uint_eq(hit_n(&rl, 1, 100000), 100000);
	ck_assert(!tf_ratelimit_is_pending(&rl, &due));
}
END_TEST

START_TEST(test_ratelimit_next_window_reports_suppressed)
{
	struct tf_ratelimit	rl;
	uint64_t		sup, span;

	tf_ratelimit_init(&rl, 3, 1000);
	hit_n(&rl, 100, 3);
	ck_assert_uint_eq(hit_n(&rl, 600, 7), 0);
	/* 1099: still the first window. */
	ck_assert(!tf_ratelimit_hit(&rl, 1099, &sup, &span));
	ck_assert_uint_eq(sup, 0);
	/* 1100: a new window; the 8 held back are reported, this one passes. */
	ck_assert(tf_ratelimit_hit(&rl, 1100, &sup, &span));
	ck_assert_uint_eq(sup, 8);
	ck_assert_uint_eq(span, 1000);
	ck_assert_uint_eq(hit_n(&rl, 1200, 2), 2);
	ck_assert(!tf_ratelimit_hit(&rl, 1200, &sup, &span));
}
END_TEST

START_TEST(test_ratelimit_late_report_spans_the_gap)
{
	struct tf_ratelimit	rl;
	uint64_t		sup, span;

	tf_ratelimit_init(&rl, 1, 1000);
	hit_n(&rl, 0, 5);
	ck_assert(tf_ratelimit_hit(&rl, 7300, &sup, &span));
	ck_assert_uint_eq(sup, 4);
	ck_assert_uint_eq(span, 7300);
}
END_TEST

START_TEST(test_ratelimit_quiet_window_reports_nothing)
{
	struct tf_ratelimit	rl;
	uint64_t		sup, span;

	tf_ratelimit_init(&rl, 5, 1000);
	hit_n(&rl, 0, 5);
	ck_assert(tf_ratelimit_hit(&rl, 1000, &sup, &span));
	ck_assert_uint_eq(sup, 0);
	ck_assert_uint_eq(span, 0);
}
END_TEST

START_TEST(test_ratelimit_take_waits_for_window_end)
{
	struct tf_ratelimit	rl;
	uint64_t		span, due;

	tf_ratelimit_init(&rl, 2, 1000);
	hit_n(&rl, 500, 12);
	ck_assert(tf_ratelimit_is_pending(&rl, &due));
	ck_assert_uint_eq(due, 1500);
	ck_assert_uint_eq(tf_ratelimit_take(&rl, 1499, false, &span), 0);
	ck_assert(tf_ratelimit_is_pending(&rl, &due));
	ck_assert_uint_eq(tf_ratelimit_take(&rl, 1500, false, &span), 10);
	ck_assert_uint_eq(span, 1000);
	ck_assert(!tf_ratelimit_is_pending(&rl, &due));
	ck_assert_uint_eq(tf_ratelimit_take(&rl, 1600, false, &span), 0);
	/* After a take, the next event opens a fresh window and passes. */
	ck_assert_uint_eq(hit_n(&rl, 1600, 3), 2);
}
END_TEST

START_TEST(test_ratelimit_take_force_closes_early)
{
	struct tf_ratelimit	rl;
	uint64_t		span, due;

	tf_ratelimit_init(&rl, 1, 1000);
	hit_n(&rl, 0, 4);
	ck_assert_uint_eq(tf_ratelimit_take(&rl, 250, true, &span), 3);
	ck_assert_uint_eq(span, 250);
	ck_assert(!tf_ratelimit_is_pending(&rl, &due));
	ck_assert_uint_eq(tf_ratelimit_take(&rl, 260, true, &span), 0);
}
END_TEST

START_TEST(test_ratelimit_not_pending_without_suppression)
{
	struct tf_ratelimit	rl;
	uint64_t		due;

	tf_ratelimit_init(&rl, 3, 1000);
	ck_assert(!tf_ratelimit_is_pending(&rl, &due));
	hit_n(&rl, 0, 3);
	ck_assert(!tf_ratelimit_is_pending(&rl, &due));
}
END_TEST

START_TEST(test_ratelimit_clock_backwards_keeps_window)
{
	struct tf_ratelimit	rl;
	uint64_t		sup, span;

	tf_ratelimit_init(&rl, 1, 1000);
	ck_assert(tf_ratelimit_hit(&rl, 5000, &sup, &span));
	ck_assert(!tf_ratelimit_hit(&rl, 10, &sup, &span));
	ck_assert_uint_eq(sup, 0);
	ck_assert_uint_eq(tf_ratelimit_take(&rl, 10, false, &span), 0);
}
END_TEST

/* A steady flood: what passes plus what is reported is every event. */
START_TEST(test_ratelimit_flood_accounts_for_every_event)
{
	struct tf_ratelimit	rl;
	uint64_t		t, sup, span, passed = 0, reported = 0;
	uint64_t		windows = 0;

	tf_ratelimit_init(&rl, 10, 1000);
	for (t = 0; t < 5000; t++) {	/* 5 s, 2 events per ms */
		int	i;

		for (i = 0; i < 2; i++) {
			if (tf_ratelimit_hit(&rl, t, &sup, &span))
				passed++;
			if (sup > 0) {
				reported += sup;
				windows++;
				ck_assert_uint_eq(span, 1000);
			}
		}
	}
	reported += tf_ratelimit_take(&rl, 5000, false, &span);
	ck_assert_uint_eq(passed, 50);
	ck_assert_uint_eq(windows, 4);
	ck_assert_uint_eq(passed + reported, 10000);
}
END_TEST

static Suite *
ratelimit_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("ratelimit");
	tc = tcase_create("window");
	tcase_add_test(tc, test_ratelimit_first_limit_pass);
	tcase_add_test(tc, test_ratelimit_zero_limit_passes_all);
	tcase_add_test(tc, test_ratelimit_next_window_reports_suppressed);
	tcase_add_test(tc, test_ratelimit_late_report_spans_the_gap);
	tcase_add_test(tc, test_ratelimit_quiet_window_reports_nothing);
	tcase_add_test(tc, test_ratelimit_clock_backwards_keeps_window);
	suite_add_tcase(s, tc);
	tc = tcase_create("flush");
	tcase_add_test(tc, test_ratelimit_take_waits_for_window_end);
	tcase_add_test(tc, test_ratelimit_take_force_closes_early);
	tcase_add_test(tc, test_ratelimit_not_pending_without_suppression);
	suite_add_tcase(s, tc);
	tc = tcase_create("flood");
	tcase_add_test(tc, test_ratelimit_flood_accounts_for_every_event);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(ratelimit_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
