/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * hsload: TLS load client for bench/run.
 *
 * One thread, one epoll loop, a fixed number of connection slots. Each slot
 * connects, handshakes, sends one HTTP request through the proxy to the
 * backend, reads the response and closes (or stays open), then starts over.
 *
 * Modes:
 *   hs      full handshakes only: the client never offers a session
 *           (SSL_OP_NO_TICKET, no SSL_set_session); every reused session is
 *           counted so the caller can check the count is zero.
 *   resume  each slot offers the last ticket it received (TLS 1.3 or 1.2).
 *           hs and resume run for -d seconds, or, with -N COUNT, until
 *           COUNT connections have completed or failed (e.g. -c 1 -N 200
 *           for a fixed, sequential workload under valgrind).
 *   down    each of -n connections GETs -b bytes (bulk download), again
 *           and again on the same connection until -d seconds have passed.
 *   up      the same with POSTs of -b bytes (bulk upload).
 *   hold    open -n connections, one request each, keep them open and idle;
 *           print "ready N" when all are established, then wait -d seconds
 *           or until standard input closes.
 *   slow    -n connections GET -b bytes but stop reading after the first
 *           bytes (slow readers); "ready N", then wait like hold.
 * The result is one line of key=value pairs on standard output.
 */

#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define HS_BUF		(64 * 1024)
#define HS_MAX_EVENTS	256

enum hs_mode { MODE_HS, MODE_RESUME, MODE_DOWN, MODE_UP, MODE_HOLD,
	MODE_SLOW };

enum hs_state {
	ST_FREE,
	ST_CONNECT,	/* TCP connect in progress */
	ST_HANDSHAKE,
	ST_WRITE_REQ,	/* request header */
	ST_WRITE_BODY,	/* upload body */
	ST_READ_HDR,
	ST_READ_BODY,
	ST_IDLE		/* hold / slow: parked */
};

struct hs_slot {
	int		 fd;
	SSL		*ssl;
	enum hs_state	 state;
	SSL_SESSION	*sess;		/* resume: the ticket to offer next */
	char		 hdr[4096];
	size_t		 hdrlen;
	const char	*req;
	size_t		 reqlen, reqoff;
	long long	 left;		/* body bytes still to move */
	unsigned	 events;	/* epoll interest now */
};

struct hs_opts {
	struct sockaddr_in	 addr;
	enum hs_mode		 mode;
	int			 conc;
	int			 nconn;		/* down/up/hold/slow */
	int			 total;		/* hs/resume: -N, 0 = no limit */
	double			 secs;
	int			 tls;		/* 12, 13 or 0 (both) */
	long long		 bytes;
	const char		*ciphers, *suites, *groups, *sigalgs;
	const char		*path;
};

static struct hs_opts	 opt;
static SSL_CTX		*ctx;
static int		 ep;
static struct hs_slot	*slots;
static char		 reqbuf[512];
static size_t		 reqlen;
static char		 zero[HS_BUF];

/* Counters. */
static unsigned long long	 n_done, n_hs, n_resumed, n_err, n_tickets;
static unsigned long long	 n_started, n_ready;
static long long		 n_bytes;
static bool			 stopping;
static double			 bulk_deadline;
static volatile sig_atomic_t	 got_signal;

static void	slot_run(struct hs_slot *);
static void	slot_start(struct hs_slot *);

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *msg)
{
	fprintf(stderr, "hsload: %s\n", msg);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: hsload -a HOST:PORT [-m hs|resume|down|up|hold|slow]\n"
	    "    [-c CONCURRENCY] [-n CONNECTIONS] [-N TOTAL] [-d SECONDS]\n"
	    "    [-t 12|13] [-b BYTES] [-p PATH] [--ciphers LIST]\n"
	    "    [--suites LIST] [--groups LIST] [--sigalgs LIST]\n");
	exit(2);
}

static void
on_signal(int sig)
{
	got_signal = sig;
}

/* Counts every TLS 1.3 NewSessionTicket (and TLS 1.2 session) received. */
static int
hs_new_session_cb(SSL *ssl, SSL_SESSION *sess)
{
	struct hs_slot	*s = SSL_get_app_data(ssl);

	n_tickets++;
	if (opt.mode != MODE_RESUME || s == NULL)
		return 0;
	if (s->sess != NULL)
		SSL_SESSION_free(s->sess);
	s->sess = sess;
	return 1;	/* we keep the reference */
}

static void
hs_ctx_init(void)
{
	long	vers = opt.tls == 12 ? TLS1_2_VERSION : TLS1_3_VERSION;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		die("SSL_CTX_new");
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (opt.tls != 0 && (!SSL_CTX_set_min_proto_version(ctx, vers) ||
	    !SSL_CTX_set_max_proto_version(ctx, vers)))
		die("protocol version");
	if (opt.ciphers != NULL && !SSL_CTX_set_cipher_list(ctx, opt.ciphers))
		die("--ciphers");
	if (opt.suites != NULL && !SSL_CTX_set_ciphersuites(ctx, opt.suites))
		die("--suites");
	if (opt.groups != NULL && !SSL_CTX_set1_groups_list(ctx, opt.groups))
		die("--groups");
	if (opt.sigalgs != NULL && !SSL_CTX_set1_sigalgs_list(ctx,
	    opt.sigalgs))
		die("--sigalgs");
	if (opt.mode != MODE_RESUME)
		SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
	    SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(ctx, hs_new_session_cb);
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
	    SSL_MODE_ENABLE_PARTIAL_WRITE);
}

static void
hs_req_init(void)
{
	const char	*path = opt.path;
	int		 n;

	switch (opt.mode) {
	case MODE_UP:
		n = snprintf(reqbuf, sizeof(reqbuf), "POST %s HTTP/1.1\r\n"
		    "Host: bench\r\nContent-Length: %lld\r\n\r\n",
		    path ? path : "/upload", opt.bytes);
		break;
	case MODE_DOWN:
	case MODE_SLOW:
		n = snprintf(reqbuf, sizeof(reqbuf), "GET %s HTTP/1.1\r\n"
		    "Host: bench\r\n\r\n", path ? path : "/bulk");
		break;
	default:
		n = snprintf(reqbuf, sizeof(reqbuf), "GET %s HTTP/1.1\r\n"
		    "Host: bench\r\n\r\n", path ? path : "/");
		break;
	}
	reqlen = (size_t)n;
}

static void
slot_watch(struct hs_slot *s, unsigned ev)
{
	struct epoll_event	e;

	if (s->events == ev)
		return;
	e.events = ev;
	e.data.ptr = s;
	if (epoll_ctl(ep, EPOLL_CTL_MOD, s->fd, &e) == -1)
		die("epoll_ctl MOD");
	s->events = ev;
}

/* Ends the connection; starts the next one unless stopping. */
static void
slot_close(struct hs_slot *s, bool ok)
{
	if (!ok)
		n_err++;
	if (s->ssl != NULL) {
		if (ok)
			(void)SSL_shutdown(s->ssl);	/* close_notify */
		SSL_free(s->ssl);
		s->ssl = NULL;
	}
	if (s->fd != -1) {
		close(s->fd);	/* also removes it from the epoll set */
		s->fd = -1;
	}
	s->state = ST_FREE;
	ERR_clear_error();
	if (!stopping && (opt.mode == MODE_HS || opt.mode == MODE_RESUME) &&
	    (opt.total == 0 || n_started < (unsigned long long)opt.total))
		slot_start(s);
}

static void
slot_start(struct hs_slot *s)
{
	struct epoll_event	e;
	int			one = 1;

	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (s->fd == -1)
		die("socket");
	(void)setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	n_started++;
	s->hdrlen = 0;
	s->reqoff = 0;
	s->req = reqbuf;
	s->reqlen = reqlen;
	s->state = ST_CONNECT;
	if (connect(s->fd, (struct sockaddr *)&opt.addr,
	    sizeof(opt.addr)) == -1 && errno != EINPROGRESS) {
		close(s->fd);
		s->fd = -1;
		n_err++;
		s->state = ST_FREE;
		return;
	}
	e.events = EPOLLOUT;
	e.data.ptr = s;
	s->events = EPOLLOUT;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &e) == -1)
		die("epoll_ctl ADD");
}

/* Maps an SSL result to: 1 go on, 0 wait (interest set), -1 failed. */
static int
slot_ssl_wait(struct hs_slot *s, int rv)
{
	switch (SSL_get_error(s->ssl, rv)) {
	case SSL_ERROR_WANT_READ:
		slot_watch(s, EPOLLIN);
		return 0;
	case SSL_ERROR_WANT_WRITE:
		slot_watch(s, EPOLLOUT);
		return 0;
	default:
		return -1;
	}
}

static int
slot_connected(struct hs_slot *s)
{
	int		err = 0;
	socklen_t	len = sizeof(err);

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 ||
	    err != 0)
		return -1;
	if ((s->ssl = SSL_new(ctx)) == NULL)
		die("SSL_new");
	SSL_set_app_data(s->ssl, s);
	SSL_set_fd(s->ssl, s->fd);
	SSL_set_connect_state(s->ssl);
	if (opt.mode == MODE_RESUME && s->sess != NULL)
		SSL_set_session(s->ssl, s->sess);
	s->state = ST_HANDSHAKE;
	return 1;
}

static int
slot_handshake(struct hs_slot *s)
{
	int	rv;

	if ((rv = SSL_do_handshake(s->ssl)) != 1)
		return slot_ssl_wait(s, rv);
	n_hs++;
	if (SSL_session_reused(s->ssl))
		n_resumed++;
	s->state = ST_WRITE_REQ;
	return 1;
}

static int
slot_write(struct hs_slot *s, const char *buf, size_t len, size_t *done)
{
	int	rv;

	while (*done < len) {
		rv = SSL_write(s->ssl, buf + *done, (int)(len - *done));
		if (rv <= 0)
			return slot_ssl_wait(s, rv);
		*done += (size_t)rv;
	}
	return 1;
}

static int
slot_write_req(struct hs_slot *s)
{
	int	rv;

	if ((rv = slot_write(s, s->req, s->reqlen, &s->reqoff)) != 1)
		return rv;
	s->state = ST_READ_HDR;
	if (opt.mode == MODE_UP) {
		s->left = opt.bytes;
		s->state = ST_WRITE_BODY;
	}
	return 1;
}

static int
slot_write_body(struct hs_slot *s)
{
	size_t	chunk, done;
	int	rv;

	while (s->left > 0) {
		chunk = s->left < HS_BUF ? (size_t)s->left : HS_BUF;
		done = 0;
		rv = SSL_write(s->ssl, zero, (int)chunk);
		if (rv <= 0)
			return slot_ssl_wait(s, rv);
		done = (size_t)rv;
		s->left -= (long long)done;
		n_bytes += (long long)done;
	}
	s->state = ST_READ_HDR;
	return 1;
}

/* Parses the response header in s->hdr; extra bytes count as body. */
static int
slot_parse_hdr(struct hs_slot *s, char *end)
{
	char		*cl;
	long long	 body_seen;

	*end = '\0';
	if (strncmp(s->hdr, "HTTP/1.", 7) != 0 ||
	    strncmp(s->hdr + 9, "200", 3) != 0)
		return -1;
	cl = strcasestr(s->hdr, "\r\nContent-Length:");
	if (cl == NULL)
		return -1;
	s->left = strtoll(cl + 17, NULL, 10);
	body_seen = (long long)(s->hdrlen - (size_t)(end + 4 - s->hdr));
	s->left -= body_seen;
	if (opt.mode == MODE_DOWN || opt.mode == MODE_SLOW)
		n_bytes += body_seen;
	s->state = ST_READ_BODY;
	return 1;
}

static int
slot_read_hdr(struct hs_slot *s)
{
	char	*end;
	int	 rv;

	for (;;) {
		if (s->hdrlen >= sizeof(s->hdr) - 1)
			return -1;
		rv = SSL_read(s->ssl, s->hdr + s->hdrlen,
		    (int)(sizeof(s->hdr) - 1 - s->hdrlen));
		if (rv <= 0)
			return slot_ssl_wait(s, rv);
		s->hdrlen += (size_t)rv;
		s->hdr[s->hdrlen] = '\0';
		if ((end = strstr(s->hdr, "\r\n\r\n")) != NULL)
			return slot_parse_hdr(s, end);
	}
}

/* A finished response: close, or park the connection. */
static int
slot_finish(struct hs_slot *s)
{
	n_done++;
	if (opt.mode == MODE_HOLD) {
		s->state = ST_IDLE;
		n_ready++;
		slot_watch(s, EPOLLIN);
		return 0;
	}
	if ((opt.mode == MODE_DOWN || opt.mode == MODE_UP) &&
	    now() < bulk_deadline) {
		/* Keep-alive: the next transfer on the same connection. */
		s->hdrlen = 0;
		s->reqoff = 0;
		s->state = ST_WRITE_REQ;
		return 1;
	}
	slot_close(s, true);
	return 0;
}

static int
slot_read_body(struct hs_slot *s)
{
	static char	buf[HS_BUF];
	int		rv;

	if (opt.mode == MODE_SLOW && s->state != ST_IDLE) {
		/* First bytes are in: stop reading for good. */
		s->state = ST_IDLE;
		n_ready++;
		slot_watch(s, 0);
		return 0;
	}
	while (s->left > 0) {
		rv = SSL_read(s->ssl, buf, s->left < HS_BUF ? (int)s->left :
		    HS_BUF);
		if (rv <= 0)
			return slot_ssl_wait(s, rv);
		s->left -= rv;
		if (opt.mode == MODE_DOWN)
			n_bytes += rv;
	}
	return slot_finish(s);
}

/* An idle (held) connection became readable: EOF or a stray byte. */
static int
slot_idle(struct hs_slot *s)
{
	char	buf[256];
	int	rv;

	rv = SSL_read(s->ssl, buf, sizeof(buf));
	if (rv > 0)
		return 0;
	if (slot_ssl_wait(s, rv) == 0)
		return 0;
	n_ready--;
	return -1;
}

static void
slot_run(struct hs_slot *s)
{
	int	rv = 1;

	while (rv == 1) {
		switch (s->state) {
		case ST_CONNECT:
			rv = slot_connected(s);
			break;
		case ST_HANDSHAKE:
			rv = slot_handshake(s);
			break;
		case ST_WRITE_REQ:
			rv = slot_write_req(s);
			break;
		case ST_WRITE_BODY:
			rv = slot_write_body(s);
			break;
		case ST_READ_HDR:
			rv = slot_read_hdr(s);
			break;
		case ST_READ_BODY:
			rv = slot_read_body(s);
			break;
		case ST_IDLE:
			rv = slot_idle(s);
			break;
		case ST_FREE:
			return;
		}
	}
	if (rv == -1)
		slot_close(s, false);
}

static bool
bulk_finished(void)
{
	unsigned long long	i, busy = 0;

	for (i = 0; i < (unsigned long long)opt.conc; i++)
		if (slots[i].state != ST_FREE)
			busy++;
	return busy == 0;
}

static void
loop_once(int timeout_ms)
{
	struct epoll_event	ev[HS_MAX_EVENTS];
	int			i, n;

	n = epoll_wait(ep, ev, HS_MAX_EVENTS, timeout_ms);
	if (n == -1 && errno != EINTR)
		die("epoll_wait");
	for (i = 0; i < n; i++)
		slot_run(ev[i].data.ptr);
}

static void
run_rate(void)
{
	double	t0, t1, end;
	int	i;

	t0 = now();
	end = t0 + opt.secs;
	for (i = 0; i < opt.conc && (opt.total == 0 || i < opt.total); i++)
		slot_start(&slots[i]);
	while (now() < end && !got_signal &&
	    !(opt.total != 0 && bulk_finished()))
		loop_once(50);
	t1 = now();
	stopping = true;
	printf("mode=%s handshakes=%llu resumed=%llu completed=%llu "
	    "errors=%llu tickets=%llu seconds=%.3f rate=%.1f\n",
	    opt.mode == MODE_HS ? "hs" : "resume", n_hs, n_resumed, n_done,
	    n_err, n_tickets, t1 - t0, n_done / (t1 - t0));
}

/* Starts up to opt.nconn connections, opt.conc at a time. */
static void
start_more(unsigned long long *opened)
{
	int	i;

	for (i = 0; i < opt.conc && *opened < (unsigned long long)opt.nconn;
	    i++) {
		if (slots[i].state != ST_FREE)
			continue;
		slot_start(&slots[i]);
		(*opened)++;
	}
}

static void
run_bulk(void)
{
	unsigned long long	opened = 0;
	double			t0, t1;

	opt.conc = opt.nconn;
	t0 = now();
	bulk_deadline = t0 + opt.secs;
	start_more(&opened);
	while (!bulk_finished() && !got_signal &&
	    now() - t0 < 4 * opt.secs + 60)
		loop_once(100);
	t1 = now();
	printf("mode=%s connections=%d transfers=%llu errors=%llu "
	    "bytes=%lld seconds=%.3f mibps=%.1f\n",
	    opt.mode == MODE_DOWN ? "down" : "up", opt.nconn, n_done, n_err,
	    n_bytes, t1 - t0, n_bytes / 1048576.0 / (t1 - t0));
}

static bool
stdin_closed(void)
{
	struct pollfd	p = { .fd = 0, .events = POLLIN };
	char		c;

	if (poll(&p, 1, 0) != 1)
		return false;
	return read(0, &c, 1) <= 0;
}

/* hold / slow: open opt.nconn connections, park them, wait. */
static void
run_park(void)
{
	unsigned long long	opened = 0;
	double			t0, deadline;
	int			conc = opt.conc;

	opt.conc = opt.nconn;
	for (t0 = now(); n_ready + n_err < (unsigned long long)opt.nconn &&
	    !got_signal && now() - t0 < opt.secs; ) {
		int	i, busy = 0;

		for (i = 0; i < (int)opened; i++)
			if (slots[i].state != ST_FREE &&
			    slots[i].state != ST_IDLE)
				busy++;
		while (busy < conc && opened < (unsigned long long)opt.nconn) {
			slot_start(&slots[opened++]);
			busy++;
		}
		loop_once(20);
	}
	printf("ready %llu errors %llu seconds %.3f\n", n_ready, n_err,
	    now() - t0);
	fflush(stdout);
	deadline = now() + opt.secs;
	while (!got_signal && now() < deadline && !stdin_closed())
		loop_once(100);
	printf("mode=%s connections=%d ready=%llu errors=%llu tickets=%llu\n",
	    opt.mode == MODE_HOLD ? "hold" : "slow", opt.nconn, n_ready,
	    n_err, n_tickets);
}

static void
parse_addr(const char *arg)
{
	char		 host[256];
	const char	*colon = strrchr(arg, ':');

	if (colon == NULL || (size_t)(colon - arg) >= sizeof(host))
		usage();
	memcpy(host, arg, (size_t)(colon - arg));
	host[colon - arg] = '\0';
	opt.addr.sin_family = AF_INET;
	opt.addr.sin_port = htons((unsigned short)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &opt.addr.sin_addr) != 1)
		usage();
}

static enum hs_mode
parse_mode(const char *m)
{
	static const char	*names[] = { "hs", "resume", "down", "up",
	    "hold", "slow" };
	size_t			 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(m, names[i]) == 0)
			return (enum hs_mode)i;
	usage();
	return MODE_HS;
}

static void
parse_args(int argc, char **argv)
{
	static const struct option	lo[] = {
		{ "ciphers", required_argument, NULL, 'C' },
		{ "suites", required_argument, NULL, 'S' },
		{ "groups", required_argument, NULL, 'G' },
		{ "sigalgs", required_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 }
	};
	int				ch;

	opt.conc = 16;
	opt.nconn = 1;
	opt.secs = 5;
	opt.bytes = 64LL << 20;
	while ((ch = getopt_long(argc, argv, "a:m:c:n:N:d:t:b:p:", lo,
	    NULL)) != -1) {
		switch (ch) {
		case 'a': parse_addr(optarg); break;
		case 'm': opt.mode = parse_mode(optarg); break;
		case 'c': opt.conc = atoi(optarg); break;
		case 'n': opt.nconn = atoi(optarg); break;
		case 'N': opt.total = atoi(optarg); break;
		case 'd': opt.secs = atof(optarg); break;
		case 't': opt.tls = atoi(optarg); break;
		case 'b': opt.bytes = atoll(optarg); break;
		case 'p': opt.path = optarg; break;
		case 'C': opt.ciphers = optarg; break;
		case 'S': opt.suites = optarg; break;
		case 'G': opt.groups = optarg; break;
		case 'A': opt.sigalgs = optarg; break;
		default: usage();
		}
	}
	if (opt.addr.sin_family == 0 || opt.conc < 1 || opt.nconn < 1 || opt.total < 0 ||
	    opt.secs <= 0 || (opt.tls != 0 && opt.tls != 12 && opt.tls != 13))
		usage();
}

int
main(int argc, char **argv)
{
	int	i, n;

	parse_args(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	hs_ctx_init();
	hs_req_init();
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		die("epoll_create1");
	n = opt.conc > opt.nconn ? opt.conc : opt.nconn;
	if ((slots = calloc((size_t)n, sizeof(*slots))) == NULL)
		die("calloc");
	for (i = 0; i < n; i++)
		slots[i].fd = -1;
	switch (opt.mode) {
	case MODE_HS:
	case MODE_RESUME:
		run_rate();
		break;
	case MODE_DOWN:
	case MODE_UP:
		run_bulk();
		break;
	case MODE_HOLD:
	case MODE_SLOW:
		run_park();
		break;
	}
	fflush(stdout);
	_exit(0);	/* the kernel closes every connection at once */
}
