/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * Unit tests of lib/balance.c (which server a connection tries, the
 * backoff of one that failed, the rise/fall counter of health checks)
 * and of the backend keys of lib/config_backend.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "balance.h"
#include "config.h"
#include "errs.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

START_TEST(test_balance_names)
{
	enum tf_balance	mode;

	ck_assert_int_eq(tf_balance_parse("roundrobin", &mode), 0);
	ck_assert_int_eq(mode, TF_BALANCE_ROUNDROBIN);
	ck_assert_int_eq(tf_balance_parse("first", &mode), 0);
	ck_assert_int_eq(mode, TF_BALANCE_FIRST);
	ck_assert_int_eq(tf_balance_parse("leastconn", &mode), 0);
	ck_assert_int_eq(mode, TF_BALANCE_LEASTCONN);
	ck_assert_int_eq(tf_balance_parse("source", &mode), -1);
	ck_assert_int_eq(tf_balance_parse("", &mode), -1);
	ck_assert_str_eq(tf_balance_name(TF_BALANCE_LEASTCONN), "leastconn");
	ck_assert_ptr_null(tf_balance_name((enum tf_balance)7));
}
END_TEST

/* Doubling per failure from retry_after, capped at 30 times it. */
START_TEST(test_balance_backoff_grows_to_cap)
{
	static const double	want[] = { 2, 4, 8, 16, 32, 60, 60 };
	size_t			i;

	for (i = 0; i < N(want); i++)
		ck_assert_double_eq(tf_balance_backoff(2.0, (unsigned)i + 1),
		    want[i]);
	ck_assert_double_eq(tf_balance_backoff(0.1, 1), 0.1);
	ck_assert_double_eq_tol(tf_balance_backoff(0.1, 3), 0.4, 1e-9);
	ck_assert_double_eq_tol(tf_balance_backoff(0.1, 1000), 3.0, 1e-9);
	/* A huge count neither loops for long nor overflows. */
	ck_assert_double_eq(tf_balance_backoff(5, 4000000000U), 150);
}
END_TEST

static size_t
pick(enum tf_balance mode, const struct tf_balance_server *s, size_t n,
    size_t start, const size_t *tried, size_t ntried)
{
	size_t	out = 999;

	if (!tf_balance_pick(mode, s, n, start, 1000, tried, ntried, &out))
		return 999;
	return out;
}

START_TEST(test_balance_roundrobin)
{
	struct tf_balance_server	s[3];
	size_t				tried[2];

	memset(s, 0, sizeof(s));
	ck_assert_uint_eq(pick(TF_BALANCE_ROUNDROBIN, s, 3, 0, NULL, 0), 0);
	ck_assert_uint_eq(pick(TF_BALANCE_ROUNDROBIN, s, 3, 1, NULL, 0), 1);
	ck_assert_uint_eq(pick(TF_BALANCE_ROUNDROBIN, s, 3, 5, NULL, 0), 2);
	/* Down by checks, or in a backoff: skipped, the next one taken. */
	s[1].down = true;
	ck_assert_uint_eq(pick(TF_BALANCE_ROUNDROBIN, s, 3, 1, NULL, 0), 2);
	s[1].down = false;
	s[1].retry_at_ms = 1001;
	ck_assert_uint_eq(pick(TF_BALANCE_ROUNDROBIN, s, 3, 1, NULL, 0), 2);
	/* A backoff that has ended is no backoff. */
	s[1].retry_at_ms = 1000;
	ck_assert_uint_eq(pick(TF_BALANCE_ROUNDROBIN, s, 3, 1, NULL, 0), 1);
	/* Tried already: out; the order goes on around. */
	tried[0] = 1;
	tried[1] = 2;
	ck_assert_uint_eq(pick(TF_BALANCE_ROUNDROBIN, s, 3, 1, tried, 2), 0);
	ck_assert_uint_eq(tf_balance_candidates(s, 3, tried, 2), 1);
	tried[0] = 0;
	s[1].down = true;
	ck_assert_uint_eq(pick(TF_BALANCE_ROUNDROBIN, s, 3, 0, tried, 2), 999);
	ck_assert_uint_eq(tf_balance_candidates(s, 3, tried, 2), 0);
	ck_assert_uint_eq(pick(TF_BALANCE_ROUNDROBIN, s, 0, 0, NULL, 0), 999);
}
END_TEST

START_TEST(test_balance_first)
{
	struct tf_balance_server	s[3];
	size_t				tried[1] = { 0 };

	memset(s, 0, sizeof(s));
	/* The round-robin starting point means nothing to first. */
	ck_assert_uint_eq(pick(TF_BALANCE_FIRST, s, 3, 2, NULL, 0), 0);
	ck_assert_uint_eq(pick(TF_BALANCE_FIRST, s, 3, 2, tried, 1), 1);
	s[0].down = true;
	ck_assert_uint_eq(pick(TF_BALANCE_FIRST, s, 3, 2, NULL, 0), 1);
	s[1].retry_at_ms = 5000;
	ck_assert_uint_eq(pick(TF_BALANCE_FIRST, s, 3, 2, NULL, 0), 2);
	s[0].down = false;
	ck_assert_uint_eq(pick(TF_BALANCE_FIRST, s, 3, 1, NULL, 0), 0);
}
END_TEST

START_TEST(test_balance_leastconn)
{
	struct tf_balance_server	s[4];

	memset(s, 0, sizeof(s));
	s[0].conns = 3;
	s[1].conns = 1;
	s[2].conns = 2;
	s[3].conns = 1;
	/* Fewest; of 1 and 3 (tied), the first from start on. */
	ck_assert_uint_eq(pick(TF_BALANCE_LEASTCONN, s, 4, 0, NULL, 0), 1);
	ck_assert_uint_eq(pick(TF_BALANCE_LEASTCONN, s, 4, 2, NULL, 0), 3);
	ck_assert_uint_eq(pick(TF_BALANCE_LEASTCONN, s, 4, 3, NULL, 0), 3);
	/* Down or in a backoff: not chosen, however few it holds. */
	s[1].down = true;
	s[3].retry_at_ms = 2000;
	ck_assert_uint_eq(pick(TF_BALANCE_LEASTCONN, s, 4, 0, NULL, 0), 2);
}
END_TEST

/* All left are in a backoff: the one due soonest is tried anyway, but
 * never one down by its checks. */
START_TEST(test_balance_all_in_backoff)
{
	struct tf_balance_server	s[3];
	size_t				tried[1] = { 2 };
	enum tf_balance			m;

	for (m = TF_BALANCE_ROUNDROBIN; m <= TF_BALANCE_LEASTCONN; m++) {
		memset(s, 0, sizeof(s));
		s[0].retry_at_ms = 3000;
		s[1].retry_at_ms = 2500;
		s[2].retry_at_ms = 2000;
		ck_assert_uint_eq(pick(m, s, 3, 0, NULL, 0), 2);
		ck_assert_uint_eq(pick(m, s, 3, 0, tried, 1), 1);
		s[1].down = true;
		ck_assert_uint_eq(pick(m, s, 3, 0, tried, 1), 0);
		s[0].down = true;
		ck_assert_uint_eq(pick(m, s, 3, 0, tried, 1), 999);
	}
}
END_TEST

/* Feed results; return how many changes of kind happened. */
static uint32_t
feed(uint32_t w, const char *results, int rise, int fall,
    enum tf_health_change *last)
{
	enum tf_health_change	ch;

	*last = TF_HEALTH_SAME;
	for (; *results != '\0'; results++) {
		w = tf_health_next(w, *results == '+', rise, fall, &ch);
		if (ch != TF_HEALTH_SAME)
			*last = ch;
	}
	return w;
}

START_TEST(test_health_rise_fall)
{
	enum tf_health_change	ch;
	uint32_t		w;

	/* A new server is up, and one failed check takes it down. */
	w = tf_health_initial(3);
	ck_assert(tf_health_is_up(w));
	w = tf_health_next(w, false, 2, 3, &ch);
	ck_assert_int_eq(ch, TF_HEALTH_WENT_DOWN);
	ck_assert(!tf_health_is_up(w));
	/* rise successes in a row bring it up; a failure starts again. */
	w = feed(w, "+-+", 2, 3, &ch);
	ck_assert(!tf_health_is_up(w));
	ck_assert_int_eq(ch, TF_HEALTH_SAME);
	w = tf_health_next(w, true, 2, 3, &ch);
	ck_assert_int_eq(ch, TF_HEALTH_WENT_UP);
	ck_assert(tf_health_is_up(w));
	/* Once up, fall failures in a row, not fewer, take it down. */
	w = feed(w, "--+--", 2, 3, &ch);
	ck_assert(tf_health_is_up(w));
	ck_assert_int_eq(ch, TF_HEALTH_SAME);
	w = tf_health_next(w, false, 2, 3, &ch);
	ck_assert_int_eq(ch, TF_HEALTH_WENT_DOWN);
	/* Staying down or up is no change. */
	w = tf_health_next(w, false, 2, 3, &ch);
	ck_assert_int_eq(ch, TF_HEALTH_SAME);
	/* rise = fall = 1: every result that differs is a change. */
	w = feed(w, "+", 1, 1, &ch);
	ck_assert_int_eq(ch, TF_HEALTH_WENT_UP);
	w = feed(w, "-", 1, 1, &ch);
	ck_assert_int_eq(ch, TF_HEALTH_WENT_DOWN);
	/* A count left by a larger fall (a reload lowered it) still ends
	 * at the next failure. */
	w = tf_health_initial(100) + 50;
	w = tf_health_next(w, false, 2, 3, &ch);
	ck_assert_int_eq(ch, TF_HEALTH_WENT_DOWN);
	ck_assert_uint_eq(tf_health_initial(1), 0);
}
END_TEST

/* The backend keys: %s is a certificate file (only checked to exist). */
static char	cert_path[] = "/tmp/check_balance.XXXXXX";

static void
cert_setup(void)
{
	int	fd;

	ck_assert_int_ge(fd = mkstemp(cert_path), 0);
	close(fd);
}

static void
cert_teardown(void)
{
	unlink(cert_path);
}

static struct tf_config *
load(const char *backend, struct tf_errs *errs)
{
	char	text[4096];

	snprintf(text, sizeof(text),
	    "contexts = { main = { cert_chain = ( { certfile = \"%s\"; } ); "
	    "}; };\n"
	    "listeners = ( { listen = \"127.0.0.1:443\"; context = \"main\";"
	    " backend = \"app\"; } );\n"
	    "backends = { app = {\n"
	    "  servers = [ \"127.0.0.1:1\", \"127.0.0.1:2\" ];\n"
	    "%s\n"
	    "}; };\n", cert_path, backend);
	tf_errs_init(errs);
	return tf_config_load_string(text, NULL, errs);
}

START_TEST(test_config_backend_defaults)
{
	struct tf_errs		 errs;
	struct tf_config	*cf = load("", &errs);

	ck_assert_ptr_nonnull(cf);
	ck_assert_int_eq(cf->backends[0].balance, TF_BALANCE_ROUNDROBIN);
	ck_assert_double_eq(cf->backends[0].retry_after, 2.0);
	ck_assert_ptr_null(cf->backends[0].health_check);
	tf_config_free(cf);
	tf_errs_free(&errs);

	cf = load("health_check = { };", &errs);
	ck_assert_ptr_nonnull(cf);
	ck_assert_double_eq(cf->backends[0].health_check->interval, 2.0);
	ck_assert_double_eq(cf->backends[0].health_check->timeout, 2.0);
	ck_assert_int_eq(cf->backends[0].health_check->rise, 2);
	ck_assert_int_eq(cf->backends[0].health_check->fall, 3);
	ck_assert_ptr_null(cf->backends[0].health_check->send);
	ck_assert_ptr_null(cf->backends[0].health_check->expect);
	tf_config_free(cf);
	tf_errs_free(&errs);
}
END_TEST

START_TEST(test_config_backend_values)
{
	struct tf_errs		 errs;
	struct tf_config	*cf = load("balance = \"leastconn\"; "
	    "retry_after = 0.5;\n health_check = { interval = 0.1; "
	    "timeout = 1; rise = 1; fall = 100; send = \"PING\\r\\n\"; "
	    "expect = \"+PONG\"; };", &errs);
	const struct tf_health_check_conf *hc;

	ck_assert_msg(cf != NULL, "%s", tf_errs_get(&errs, 0));
	ck_assert_int_eq(cf->backends[0].balance, TF_BALANCE_LEASTCONN);
	ck_assert_double_eq(cf->backends[0].retry_after, 0.5);
	hc = cf->backends[0].health_check;
	ck_assert_double_eq(hc->interval, 0.1);
	ck_assert_double_eq(hc->timeout, 1.0);
	ck_assert_int_eq(hc->rise, 1);
	ck_assert_int_eq(hc->fall, 100);
	ck_assert_str_eq(hc->send, "PING\r\n");
	ck_assert_str_eq(hc->expect, "+PONG");
	ck_assert_int_eq(hc->line, 6);
	tf_config_free(cf);
	tf_errs_free(&errs);
	/* expect without send: for servers that speak first (SMTP, SSH). */
	cf = load("health_check = { expect = \"220 \"; };", &errs);
	ck_assert_ptr_nonnull(cf);
	tf_config_free(cf);
	tf_errs_free(&errs);
}
END_TEST

static const struct {
	const char	*backend;
	const char	*want;
} bad_backends[] = {
	{ "balance = \"source\";", "<string>:5: backend \"app\": unknown "
	    "balance \"source\" (expected roundrobin, first or leastconn)" },
	{ "balance = 1;", "<string>:5: backends.app.balance: expected a "
	    "string" },
	{ "retry_after = 0;", "<string>:5: backends.app.retry_after: must "
	    "be greater than 0 and at most 31536000" },
	{ "retry_after = \"2s\";", "<string>:5: backends.app.retry_after: "
	    "expected a number of seconds" },
	{ "health_check = 1;", "<string>:5: backends.app.health_check: "
	    "expected a group" },
	{ "health_check = { interval = 0; };", "<string>:5: backends.app."
	    "health_check.interval: must be greater than 0 and at most "
	    "31536000" },
	{ "health_check = { timeout = -1.5; };", "<string>:5: backends.app."
	    "health_check.timeout: must be greater than 0 and at most "
	    "31536000" },
	{ "health_check = { rise = 0; };", "<string>:5: backends.app."
	    "health_check.rise: must be between 1 and 100" },
	{ "health_check = { fall = 101; };", "<string>:5: backends.app."
	    "health_check.fall: must be between 1 and 100" },
	{ "health_check = { fall = 2.5; };", "<string>:5: backends.app."
	    "health_check.fall: expected an integer" },
	{ "health_check = { send = \"\"; };", "<string>:5: backends.app."
	    "health_check.send: must not be empty" },
	{ "health_check = { expect = 42; };", "<string>:5: backends.app."
	    "health_check.expect: expected a string" },
	{ "health_check = { inter = 2; };", "<string>:5: unknown key "
	    "\"inter\" in backends.app.health_check" },
};

START_TEST(test_config_backend_refused)
{
	struct tf_errs		 errs;
	struct tf_config	*cf = load(bad_backends[_i].backend, &errs);

	ck_assert_msg(cf == NULL, "loaded: %s", bad_backends[_i].backend);
	ck_assert_uint_eq(tf_errs_count(&errs), 1);
	ck_assert_str_eq(tf_errs_get(&errs, 0), bad_backends[_i].want);
	tf_errs_free(&errs);
}
END_TEST

START_TEST(test_config_backend_probe_too_long)
{
	char			 text[1200 + 64];
	struct tf_errs		 errs;
	struct tf_config	*cf;

	snprintf(text, sizeof(text), "health_check = { send = \"%01025d\"; };",
	    0);
	cf = load(text, &errs);
	ck_assert_ptr_null(cf);
	ck_assert_str_eq(tf_errs_get(&errs, 0), "<string>:5: backends.app."
	    "health_check.send: must be at most 1024 bytes");
	tf_errs_free(&errs);
}
END_TEST

static Suite *
balance_suite(void)
{
	Suite	*s = suite_create("balance");
	TCase	*tc;

	tc = tcase_create("pick");
	tcase_add_test(tc, test_balance_names);
	tcase_add_test(tc, test_balance_roundrobin);
	tcase_add_test(tc, test_balance_first);
	tcase_add_test(tc, test_balance_leastconn);
	tcase_add_test(tc, test_balance_all_in_backoff);
	suite_add_tcase(s, tc);
	tc = tcase_create("backoff");
	tcase_add_test(tc, test_balance_backoff_grows_to_cap);
	suite_add_tcase(s, tc);
	tc = tcase_create("health");
	tcase_add_test(tc, test_health_rise_fall);
	suite_add_tcase(s, tc);
	tc = tcase_create("config");
	tcase_add_checked_fixture(tc, cert_setup, cert_teardown);
	tcase_add_test(tc, test_config_backend_defaults);
	tcase_add_test(tc, test_config_backend_values);
	tcase_add_loop_test(tc, test_config_backend_refused, 0,
	    (int)N(bad_backends));
	tcase_add_test(tc, test_config_backend_probe_too_long);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(balance_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
