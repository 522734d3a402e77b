/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * stressload: the client of "make check-stress" (tests/stress/README.md).
 * One process, one libevent loop, non-blocking OpenSSL: holds N TLS
 * connections through the proxy to an echo backend, each moving
 * pseudo-random data in rounds checked byte by byte and by SHA-256 both
 * ways, while "churn" slots open, use and close connections continuously.
 * Runs for a fixed time, then every connection shuts down cleanly and must
 * have had every byte echoed. Prints the figures; exits 1 on any lost or
 * corrupted byte or unexpected error.
 * This file: the command line, the setup and the figures; the connections
 * and the phases of the run are in sl_conn.c.
 */

#include <sys/resource.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "stressload.h"

static void
sl_alarm(int sig)
{
	static const char	msg[] =
	    "stressload: hard deadline passed; aborting\nstressload: FAIL\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) == -1)
		_exit(4);
	_exit(3);
}

static int
sl_cmp_u32(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double
sl_pct(const struct sl_samples *sa, double p)
{
	size_t	i;

	if (sa->n == 0)
		return 0;
	i = (size_t)(p / 100.0 * (double)(sa->n - 1) + 0.5);
	return sa->us[i] / 1000.0;
}

/* Sorts the samples and prints one line of percentiles in ms. */
static void
sl_print_pct(const char *name, struct sl_samples *sa)
{
	qsort(sa->us, sa->n, sizeof(*sa->us), sl_cmp_u32);
	printf("  %-22s p50 %.1f p90 %.1f p99 %.1f max %.1f\n", name,
	    sl_pct(sa, 50), sl_pct(sa, 90), sl_pct(sa, 99), sl_pct(sa, 100));
}

static bool
sl_print(struct sl_run *r)
{
	struct sl_stats		*st = &r->st;
	double			 load = r->t_load_end - r->t_ramp;
	unsigned long long	 mism;
	bool			 ok;
	int			 e;

	mism = st->errs[SL_E_DATA] + st->errs[SL_E_DIGEST] +
	    st->errs[SL_E_SHORT];
	ok = st->nerrs == 0 && st->long_done == r->o.conns &&
	    st->bytes_lost == 0 && (r->o.churn == 0 || st->churn_done > 0);
	printf("stressload: figures\n");
	printf("  conns_target           %u\n", r->o.conns);
	printf("  conns_held_peak        %u\n", st->held_peak);
	printf("  conns_closed_clean     %llu\n", st->long_done);
	printf("  ramp_seconds           %.1f\n", r->t_ramp - r->t0);
	printf("  load_seconds           %.1f\n", load);
	printf("  finish_seconds         %.1f\n", r->t_end - r->t_load_end);
	printf("  churn_slots            %u\n", r->o.churn);
	printf("  churn_completed        %llu (%.0f/s)\n", st->churn_done,
	    load > 0 ? st->churn_done / load : 0.0);
	printf("  handshakes             %llu\n", st->handshakes);
	sl_print_pct("handshake_ms_held", &st->hs_long);
	sl_print_pct("handshake_ms_churn", &st->hs_churn);
	sl_print_pct("churn_conn_ms", &st->churn_life);
	sl_print_pct("client_loop_lag_ms", &st->tick_lag);
	printf("  rounds_verified        %llu\n", st->rounds);
	printf("  bytes_sent             %llu (client to backend)\n",
	    st->bytes_up);
	printf("  bytes_verified         %llu (echoed back, byte by byte "
	    "and SHA-256)\n", st->bytes_down);
	printf("  bytes_lost             %llu\n", st->bytes_lost);
	printf("  mismatches             %llu\n", mism);
	printf("  unexpected_errors      %lu\n", st->nerrs);
	for (e = 0; e < SL_E_COUNT; e++)
		if (st->errs[e] != 0)
			printf("    %-24s %lu\n", sl_err_names[e], st->errs[e]);
	printf("stressload: %s\n", ok ? "PASS" : "FAIL");
	return ok;
}

static void
usage(void)
{
	fprintf(stderr, "usage: stressload -p PORT -A CAFILE [-a ADDR] "
	    "[-n CONNS] [-c CHURN]\n"
	    "    [-d SECONDS] [-b OPENING] [-r ROUND_BYTES] [-i IDLE_MS] "
	    "[-s SEED]\n"
	    "    [-R RAMP_SEC] [-F FINISH_SEC] [-S STALL_SEC]\n");
	exit(2);
}

static unsigned long
sl_num(const char *s, unsigned long lo, unsigned long hi)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "stressload: %s: not a number in [%lu, %lu]\n",
		    s, lo, hi);
		exit(2);
	}
	return v;
}

static void
sl_opts_parse(struct sl_opts *o, int argc, char *argv[])
{
	const char	*addr = "127.0.0.1";
	unsigned long	 port = 0;
	int		 ch;

	*o = (struct sl_opts){ .conns = 5000, .churn = 8, .opening_max = 200,
	    .seconds = 60, .ramp_sec = 60, .finish_sec = 30, .stall_sec = 30,
	    .idle_ms = 3000, .round_max = 16384, .seed = 1 };
	while ((ch = getopt(argc, argv, "a:A:b:c:d:F:i:n:p:r:R:s:S:")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'A':
			o->cafile = optarg;
			break;
		case 'b':
			o->opening_max = sl_num(optarg, 1, 100000);
			break;
		case 'c':
			o->churn = sl_num(optarg, 0, 10000);
			break;
		case 'd':
			o->seconds = sl_num(optarg, 1, 86400);
			break;
		case 'F':
			o->finish_sec = sl_num(optarg, 1, 3600);
			break;
		case 'i':
			o->idle_ms = sl_num(optarg, 0, 600000);
			break;
		case 'n':
			o->conns = sl_num(optarg, 1, 1000000);
			break;
		case 'p':
			port = sl_num(optarg, 1, 65535);
			break;
		case 'r':
			o->round_max = sl_num(optarg, 1, 1 << 24);
			break;
		case 'R':
			o->ramp_sec = sl_num(optarg, 1, 3600);
			break;
		case 's':
			o->seed = sl_num(optarg, 0, ~0UL);
			break;
		case 'S':
			o->stall_sec = sl_num(optarg, 1, 3600);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || port == 0 || o->cafile == NULL)
		usage();
	o->addr.sin_family = AF_INET;
	o->addr.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &o->addr.sin_addr) != 1) {
		fprintf(stderr, "stressload: %s: not an IPv4 address\n", addr);
		exit(2);
	}
}

/* Raises the descriptor limit to what conns + churn need. */
static void
sl_fd_limit(const struct sl_opts *o)
{
	struct rlimit	rl;
	rlim_t		want = (rlim_t)o->conns + o->churn + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want) {
		fprintf(stderr, "stressload: %llu descriptors needed, the "
		    "limit is lower (ulimit -n)\n", (unsigned long long)want);
		exit(2);
	}
}

static SSL_CTX *
sl_ctx_new(const char *cafile)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1) {
		ERR_print_errors_fp(stderr);
		exit(2);
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	return ctx;
}

/* The slots: conns long ones, then churn ones; fatal on no memory. */
static void
sl_conns_new(struct sl_run *r)
{
	struct sl_conn	*c;
	unsigned	 i;

	r->nconns = r->o.conns + r->o.churn;
	if ((r->conns = calloc(r->nconns, sizeof(*r->conns))) == NULL) {
		fprintf(stderr, "stressload: out of memory\n");
		exit(2);
	}
	for (i = 0; i < r->nconns; i++) {
		c = &r->conns[i];
		c->run = r;
		c->id = i;
		c->fd = -1;
		c->kind = i < r->o.conns ? SL_LONG : SL_CHURN;
		c->ev = event_new(r->base, -1, 0, sl_conn_cb, c);
		c->timer = evtimer_new(r->base, sl_timer_cb, c);
		c->md_up = EVP_MD_CTX_new();
		c->md_down = EVP_MD_CTX_new();
		if (c->ev == NULL || c->timer == NULL || c->md_up == NULL ||
		    c->md_down == NULL) {
			fprintf(stderr, "stressload: out of memory\n");
			exit(2);
		}
	}
}

static void
sl_conns_free(struct sl_run *r)
{
	struct sl_conn	*c;
	unsigned	 i;

	for (i = 0; i < r->nconns; i++) {
		c = &r->conns[i];
		event_free(c->ev);
		event_free(c->timer);
		EVP_MD_CTX_free(c->md_up);
		EVP_MD_CTX_free(c->md_down);
	}
	free(r->conns);
}

int
main(int argc, char *argv[])
{
	static struct sl_run	 run;	/* large buffers: not on the stack */
	struct sl_run		*r = &run;
	struct timeval		 tick = { 0, SL_TICK_MSEC * 1000 };
	unsigned		 i;
	bool			 ok;

	sl_opts_parse(&r->o, argc, argv);
	sl_fd_limit(&r->o);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, sl_alarm);
	/* Past every bounded phase and a margin, give up loudly. */
	alarm(r->o.ramp_sec + r->o.seconds + r->o.finish_sec + 30);
	if ((r->base = event_base_new()) == NULL) {
		fprintf(stderr, "stressload: event_base_new failed\n");
		return 2;
	}
	r->ctx = sl_ctx_new(r->o.cafile);
	sl_conns_new(r);
	r->t0 = r->t_report = r->t_stall_scan = sl_now();
	r->tick = event_new(r->base, -1, EV_PERSIST, sl_tick_cb, r);
	if (r->tick == NULL || event_add(r->tick, &tick) != 0) {
		fprintf(stderr, "stressload: cannot add the tick\n");
		return 2;
	}
	for (i = r->o.conns; i < r->nconns; i++)
		(void)sl_conn_open(&r->conns[i]);
	sl_ramp(r);
	event_base_dispatch(r->base);
	r->t_end = sl_now();
	sl_report(r, r->t_end);
	ok = sl_print(r);

	event_free(r->tick);
	sl_conns_free(r);
	free(r->st.hs_long.us);
	free(r->st.hs_churn.us);
	free(r->st.churn_life.us);
	free(r->st.tick_lag.us);
	SSL_CTX_free(r->ctx);
	event_base_free(r->base);
	return ok ? 0 : 1;
}
