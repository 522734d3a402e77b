/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * stressload's connections: each slot's state machine (connect, handshake,
 * rounds of seeded data checked as they come back, close_notify both ways)
 * and the run's phases (ramp, load, finish) driven by one tick.
 */

#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "stressload.h"

#define SL_WINDOW		(256 * 1024)	/* sent but not yet echoed */
#define SL_READS_PER_CB		64	/* bounds one callback's read loop */
#define SL_WRITES_PER_CB	16
#define SL_CHURN_MAX_BYTES	4096
#define SL_HS_SAMPLES_MAX	(4u << 20)
#define SL_DETAILS_MAX		5	/* error lines printed per reason */
#define SL_HOST			"localhost"	/* tests/mkcerts.sh's SAN */

const char *const sl_err_names[SL_E_COUNT] = {
	"socket", "connect", "handshake", "eof_without_close_notify",
	"reset", "tls_error", "data_mismatch", "digest_mismatch",
	"short_echo", "closed_by_proxy", "stall", "ramp_timeout",
	"finish_timeout", "no_memory"
};

static int	sl_conn_io(struct sl_conn *);

double
sl_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
sl_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A number in [lo, hi] from the connection's own sequence. */
static uint64_t
sl_rand(struct sl_conn *c, uint64_t lo, uint64_t hi)
{
	c->rng = sl_mix(c->rng);
	return lo + c->rng % (hi - lo + 1);
}

/*
 * The stream's bytes at [off, off + len): a function of (seed, offset)
 * alone, so a write can be repeated and an echo checked without keeping
 * any copy of what was sent.
 */
static void
sl_stream(uint64_t seed, uint64_t off, unsigned char *buf, size_t len)
{
	uint64_t	w;
	size_t		skip, n;

	if ((skip = (size_t)(off & 7)) != 0 || len < 8) {
		/* The head of a word: byte by byte. */
		w = sl_mix(seed ^ (off >> 3));
		n = 8 - skip < len ? 8 - skip : len;
		memcpy(buf, (unsigned char *)&w + skip, n);
		buf += n;
		off += n;
		len -= n;
	}
	/* Whole words: a constant-size copy the compiler inlines (a call
	 * per 8 bytes under ASan otherwise). */
	for (; len >= 8; buf += 8, off += 8, len -= 8) {
		w = sl_mix(seed ^ (off >> 3));
		memcpy(buf, &w, 8);
	}
	if (len > 0) {
		w = sl_mix(seed ^ (off >> 3));
		memcpy(buf, &w, len);
	}
}

/* Counts an unexpected outcome; the first ones are printed in full. */
static void
sl_error(struct sl_run *r, const struct sl_conn *c, enum sl_err e,
    const char *detail)
{
	r->st.nerrs++;
	if (r->st.errs[e]++ >= SL_DETAILS_MAX)
		return;
	if (c == NULL)
		fprintf(stderr, "stressload: error: %s: %s\n",
		    sl_err_names[e], detail);
	else
		fprintf(stderr, "stressload: error: %s conn %u#%u "
		    "(sent %" PRIu64 ", echoed %" PRIu64 "): %s: %s\n",
		    c->kind == SL_LONG ? "long" : "churn", c->id, c->gen,
		    c->sent, c->recvd, sl_err_names[e], detail);
}

/* The OpenSSL error queue (drained) or errno as one line. */
static const char *
sl_ssl_detail(char *buf, size_t size, int err)
{
	unsigned long	e = ERR_get_error();

	if (e != 0)
		ERR_error_string_n(e, buf, size);
	else if (err == SSL_ERROR_SYSCALL && errno != 0)
		snprintf(buf, size, "%s", strerror(errno));
	else
		snprintf(buf, size, "SSL_get_error %d", err);
	ERR_clear_error();
	return buf;
}

/* Sets the socket event to what the connection waits for. */
static void
sl_conn_events(struct sl_conn *c)
{
	short	mask = EV_READ;

	if (c->state == SL_CONNECTING)
		mask = EV_WRITE;
	else if (c->rd_wants_write || c->wr_wants_write || c->shut_pending)
		mask |= EV_WRITE;
	if (mask == c->ev_mask)
		return;
	event_del(c->ev);
	event_assign(c->ev, c->run->base, c->fd, mask | EV_PERSIST,
	    sl_conn_cb, c);
	event_add(c->ev, NULL);
	c->ev_mask = mask;
}

/* Frees the socket and TLS object of c; a churn slot reopens after
 * delay_ms. */
static void
sl_conn_release(struct sl_conn *c, unsigned delay_ms)
{
	struct sl_run	*r = c->run;
	struct timeval	 tv = { 0, (suseconds_t)delay_ms * 1000 };
	bool		 was_open = c->state == SL_CONNECTING ||
			    c->state == SL_HANDSHAKE;

	if (was_open && c->kind == SL_LONG)
		r->opening--;
	if (!was_open && c->kind == SL_LONG && c->state != SL_FREE)
		r->st.held--;
	event_del(c->ev);
	evtimer_del(c->timer);
	c->ev_mask = 0;
	SSL_free(c->ssl);
	c->ssl = NULL;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	r->live--;
	if (c->kind == SL_LONG) {
		c->state = SL_DONE;
		return;
	}
	c->state = SL_FREE;
	if (r->phase != SL_FINISH)
		evtimer_add(c->timer, &tv);	/* reopen from the loop */
}

/* An unexpected end: counts it, with the bytes never echoed as lost.
 * A failed churn slot waits a little, so that a persistent failure
 * (no descriptors, nothing listening) does not spin. */
static int
sl_conn_fail(struct sl_conn *c, enum sl_err e, const char *detail)
{
	sl_error(c->run, c, e, detail);
	if (c->sent > c->recvd)
		c->run->st.bytes_lost += c->sent - c->recvd;
	sl_conn_release(c, 100);
	return -1;
}

int
sl_conn_open(struct sl_conn *c)
{
	struct sl_run	*r = c->run;
	int		 one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	c->t_open = c->t_progress = sl_now();
	c->state = SL_CONNECTING;
	r->live++;
	if (c->kind == SL_LONG)
		r->opening++;
	if (c->fd == -1)
		return sl_conn_fail(c, SL_E_SOCKET, strerror(errno));
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&r->o.addr,
	    sizeof(r->o.addr)) == -1 && errno != EINPROGRESS)
		return sl_conn_fail(c, SL_E_CONNECT, strerror(errno));
	c->seed = sl_mix(r->o.seed ^ ((uint64_t)c->id << 32) ^ c->gen);
	c->rng = sl_mix(c->seed);
	c->sent = c->recvd = c->round_start = c->round_end = 0;
	c->wlen = 0;
	c->rd_wants_write = c->wr_wants_write = false;
	c->shut_sent = c->shut_pending = false;
	c->shut_early = c->kind == SL_CHURN && sl_rand(c, 0, 1) == 1;
	if (EVP_DigestInit_ex(c->md_up, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestInit_ex(c->md_down, EVP_sha256(), NULL) != 1)
		return sl_conn_fail(c, SL_E_NOMEM, "EVP_DigestInit_ex");
	sl_conn_events(c);
	return 0;
}

/* Starts the next round: its size, then writing. */
static void
sl_round_start(struct sl_conn *c)
{
	size_t		max = c->run->o.round_max;
	uint64_t	pick, size;

	if (c->kind == SL_CHURN)
		size = sl_rand(c, 1, SL_CHURN_MAX_BYTES);
	else {
		/* Mostly small rounds; some large enough for backpressure. */
		pick = sl_rand(c, 0, 999);
		if (pick < 900)
			size = sl_rand(c, 1, max);
		else if (pick < 990)
			size = sl_rand(c, max, 8 * max);
		else
			size = sl_rand(c, 8 * max, 32 * max);
	}
	c->round_start = c->sent;
	c->round_end = c->sent + size;
	c->state = SL_RELAY;
}

static void
sl_sample(struct sl_samples *sa, double secs)
{
	uint32_t	*p;
	size_t		 cap;

	if (sa->n == sa->cap) {
		if (sa->cap >= SL_HS_SAMPLES_MAX)
			return;
		cap = sa->cap == 0 ? 8192 : 2 * sa->cap;
		if ((p = realloc(sa->us, cap * sizeof(*p))) == NULL)
			return;
		sa->us = p;
		sa->cap = cap;
	}
	sa->us[sa->n++] = (uint32_t)(secs * 1e6);
}

static int
sl_shutdown(struct sl_conn *c)
{
	char	buf[256];
	int	rv, err;

	ERR_clear_error();
	rv = SSL_shutdown(c->ssl);
	if (rv >= 0) {
		c->shut_sent = true;
		c->shut_pending = false;
		c->state = SL_SHUTDOWN;
		return 0;
	}
	err = SSL_get_error(c->ssl, rv);
	if (err == SSL_ERROR_WANT_WRITE) {
		c->shut_pending = true;
		c->state = SL_SHUTDOWN;
		return 0;
	}
	return sl_conn_fail(c, SL_E_TLS, sl_ssl_detail(buf, sizeof(buf),
	    err));
}

/* After the handshake: long connections begin rounds (or, once the load
 * is over, shut down at once); churn connections send their one round. */
static int
sl_established(struct sl_conn *c)
{
	struct sl_run	*r = c->run;

	r->st.handshakes++;
	sl_sample(c->kind == SL_LONG ? &r->st.hs_long : &r->st.hs_churn,
	    sl_now() - c->t_open);
	if (c->kind == SL_LONG) {
		r->opening--;
		if (++r->st.held > r->st.held_peak)
			r->st.held_peak = r->st.held;
		sl_ramp(r);
		if (r->phase == SL_FINISH) {
			c->state = SL_RELAY;
			return sl_shutdown(c);
		}
		if (r->phase == SL_RAMP) {
			/* Held without data: sl_load_start starts it. */
			c->state = SL_IDLE;
			return 0;
		}
	}
	sl_round_start(c);
	return 0;
}

static int
sl_handshake(struct sl_conn *c)
{
	char	buf[256];
	int	rv, err;

	ERR_clear_error();
	rv = SSL_connect(c->ssl);
	c->rd_wants_write = false;
	if (rv == 1) {
		c->t_progress = sl_now();
		if (sl_established(c) == -1)
			return -1;
		return sl_conn_io(c);
	}
	err = SSL_get_error(c->ssl, rv);
	if (err == SSL_ERROR_WANT_READ)
		return 0;
	if (err == SSL_ERROR_WANT_WRITE) {
		c->rd_wants_write = true;
		return 0;
	}
	return sl_conn_fail(c, SL_E_HANDSHAKE, sl_ssl_detail(buf,
	    sizeof(buf), err));
}

/* The TCP connect finished: start TLS. */
static int
sl_connected(struct sl_conn *c)
{
	int		soerr = 0;
	socklen_t	len = sizeof(soerr);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		soerr = errno;
	if (soerr == EINPROGRESS)
		return 0;
	if (soerr != 0)
		return sl_conn_fail(c, SL_E_CONNECT, strerror(soerr));
	if ((c->ssl = SSL_new(c->run->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1 ||
	    SSL_set_tlsext_host_name(c->ssl, SL_HOST) != 1 ||
	    SSL_set1_host(c->ssl, SL_HOST) != 1)
		return sl_conn_fail(c, SL_E_NOMEM, "SSL_new");
	c->state = SL_HANDSHAKE;
	c->t_progress = sl_now();
	return sl_handshake(c);
}

/* A pause of 0 to 2 x idle_ms before the next round. */
static void
sl_idle(struct sl_conn *c)
{
	struct timeval	tv;
	uint64_t	ms;

	ms = sl_rand(c, 0, 2 * (uint64_t)c->run->o.idle_ms);
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000 * 1000);
	c->state = SL_IDLE;
	evtimer_add(c->timer, &tv);
}

/* A round is complete when all of it came back: compare the digests. */
static int
sl_round_check(struct sl_conn *c)
{
	struct sl_run	*r = c->run;
	unsigned char	 up[EVP_MAX_MD_SIZE], down[EVP_MAX_MD_SIZE];
	unsigned int	 ulen = 0, dlen = 0;

	if (c->recvd != c->round_end || c->sent != c->round_end ||
	    c->round_end == c->round_start)
		return 0;
	if (EVP_DigestFinal_ex(c->md_up, up, &ulen) != 1 ||
	    EVP_DigestFinal_ex(c->md_down, down, &dlen) != 1 ||
	    EVP_DigestInit_ex(c->md_up, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestInit_ex(c->md_down, EVP_sha256(), NULL) != 1)
		return sl_conn_fail(c, SL_E_NOMEM, "EVP_DigestFinal_ex");
	if (ulen != dlen || memcmp(up, down, ulen) != 0)
		return sl_conn_fail(c, SL_E_DIGEST, "round SHA-256 differs");
	r->st.rounds++;
	c->round_start = c->round_end;
	if (c->shut_sent || c->shut_pending)
		return 0;
	if (c->kind == SL_CHURN || r->phase == SL_FINISH)
		return sl_shutdown(c);
	sl_idle(c);
	return 0;
}

/* Checks n echoed bytes in rbuf against the stream and hashes them. */
static int
sl_verify(struct sl_conn *c, size_t n)
{
	struct sl_run	*r = c->run;
	char		 detail[128];
	size_t		 i;

	if (c->recvd + n > c->sent)
		return sl_conn_fail(c, SL_E_DATA, "more bytes echoed than sent");
	sl_stream(c->seed, c->recvd, r->xbuf, n);
	if (memcmp(r->xbuf, r->rbuf, n) != 0) {
		for (i = 0; r->xbuf[i] == r->rbuf[i]; i++)
			;
		snprintf(detail, sizeof(detail), "offset %" PRIu64
		    ": expected 0x%02x, got 0x%02x", c->recvd + i,
		    r->xbuf[i], r->rbuf[i]);
		return sl_conn_fail(c, SL_E_DATA, detail);
	}
	EVP_DigestUpdate(c->md_down, r->rbuf, n);
	c->recvd += n;
	r->st.bytes_down += n;
	return sl_round_check(c);
}

/* The peer's close_notify: clean only if we had sent ours and every
 * byte came back. */
static int
sl_peer_closed(struct sl_conn *c)
{
	struct sl_run	*r = c->run;

	if (!c->shut_sent && !c->shut_pending)
		return sl_conn_fail(c, SL_E_EARLY, "close_notify unasked");
	if (c->recvd != c->sent)
		return sl_conn_fail(c, SL_E_SHORT, "close_notify too early");
	if (c->kind == SL_CHURN) {
		r->st.churn_done++;
		sl_sample(&r->st.churn_life, sl_now() - c->t_open);
	} else
		r->st.long_done++;
	sl_conn_release(c, 0);
	return -1;
}

static int
sl_read_error(struct sl_conn *c, int rv)
{
	char		buf[256];
	unsigned long	e;
	int		err = SSL_get_error(c->ssl, rv);

	switch (err) {
	case SSL_ERROR_WANT_READ:
		return 1;
	case SSL_ERROR_WANT_WRITE:
		c->rd_wants_write = true;
		return 1;
	case SSL_ERROR_ZERO_RETURN:
		return sl_peer_closed(c);
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() == 0 && errno != 0)
			return sl_conn_fail(c, SL_E_RESET, strerror(errno));
		break;
	case SSL_ERROR_SSL:
		e = ERR_peek_error();
		if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			ERR_clear_error();
			return sl_conn_fail(c, SL_E_EOF, "unexpected EOF");
		}
		break;
	}
	return sl_conn_fail(c, SL_E_TLS, sl_ssl_detail(buf, sizeof(buf),
	    err));
}

/* Reads what the socket has (bounded); -1 if c was closed. */
static int
sl_read(struct sl_conn *c)
{
	struct sl_run	*r = c->run;
	int		 i, n;

	c->rd_wants_write = false;
	for (i = 0; i < SL_READS_PER_CB; i++) {
		ERR_clear_error();
		errno = 0;
		n = SSL_read(c->ssl, r->rbuf, sizeof(r->rbuf));
		if (n <= 0)
			return sl_read_error(c, n) == 1 ? 0 : -1;
		c->t_progress = sl_now();
		if (sl_verify(c, (size_t)n) == -1)
			return -1;
	}
	/* Bytes already decrypted raise no socket event: come back. */
	if (SSL_pending(c->ssl) > 0 || SSL_has_pending(c->ssl))
		event_active(c->ev, EV_READ, 0);
	return 0;
}

/* Writes the round's bytes while the window allows (bounded). */
static int
sl_write(struct sl_conn *c)
{
	struct sl_run	*r = c->run;
	char		 buf[256];
	size_t		 len;
	int		 i, n, err;

	c->wr_wants_write = false;
	for (i = 0; i < SL_WRITES_PER_CB; i++) {
		if (c->state != SL_RELAY || c->sent == c->round_end ||
		    c->sent - c->recvd >= SL_WINDOW)
			break;
		/* A repeated write must repeat the same bytes and length. */
		len = c->wlen != 0 ? c->wlen : (size_t)sl_rand(c, 1,
		    c->round_end - c->sent < SL_IO_BUF ?
		    c->round_end - c->sent : SL_IO_BUF);
		sl_stream(c->seed, c->sent, r->wbuf, len);
		ERR_clear_error();
		errno = 0;
		n = SSL_write(c->ssl, r->wbuf, (int)len);
		if (n > 0) {
			EVP_DigestUpdate(c->md_up, r->wbuf, (size_t)n);
			c->sent += (uint64_t)n;
			r->st.bytes_up += (uint64_t)n;
			c->wlen = 0;
			c->t_progress = sl_now();
			continue;
		}
		c->wlen = len;
		err = SSL_get_error(c->ssl, n);
		if (err == SSL_ERROR_WANT_WRITE)
			c->wr_wants_write = true;
		else if (err != SSL_ERROR_WANT_READ)
			return sl_conn_fail(c, err == SSL_ERROR_SYSCALL ?
			    SL_E_RESET : SL_E_TLS,
			    sl_ssl_detail(buf, sizeof(buf), err));
		break;
	}
	if (c->state == SL_RELAY && c->sent == c->round_end &&
	    c->wlen == 0 && !c->shut_sent && !c->shut_pending &&
	    (c->shut_early || r->phase == SL_FINISH))
		return sl_shutdown(c);	/* half-close with echo in flight */
	return 0;
}

/* Everything a relaying connection does on an event. */
static int
sl_conn_io(struct sl_conn *c)
{
	if (sl_read(c) == -1)
		return -1;
	if (c->shut_pending && sl_shutdown(c) == -1)
		return -1;
	if (sl_write(c) == -1)
		return -1;
	sl_conn_events(c);
	return 0;
}

void
sl_conn_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sl_conn	*c = arg;

	(void)fd;
	(void)what;
	switch (c->state) {
	case SL_CONNECTING:
		if (sl_connected(c) == 0)
			sl_conn_events(c);
		break;
	case SL_HANDSHAKE:
		if (sl_handshake(c) == 0)
			sl_conn_events(c);
		break;
	case SL_RELAY:
	case SL_IDLE:
	case SL_SHUTDOWN:
		(void)sl_conn_io(c);
		break;
	case SL_FREE:
	case SL_DONE:
		break;
	}
}

/* Idle pause over (next round), or a churn slot's turn to reopen. */
void
sl_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sl_conn	*c = arg;

	(void)fd;
	(void)what;
	if (c->state == SL_FREE) {
		if (c->run->phase != SL_FINISH) {
			c->gen++;
			(void)sl_conn_open(c);
		}
		return;
	}
	if (c->state != SL_IDLE)
		return;
	if (c->run->phase == SL_FINISH) {
		c->state = SL_RELAY;
		if (sl_shutdown(c) == 0)
			sl_conn_events(c);
		return;
	}
	sl_round_start(c);
	(void)sl_conn_io(c);
}

/* The ramp is over: every long connection held starts its rounds after
 * a random pause, so that they do not all start at once. */
static void
sl_load_start(struct sl_run *r)
{
	unsigned	i;

	r->phase = SL_LOAD;
	r->t_ramp = sl_now();
	fprintf(stderr, "stressload: %u connections held after %.1f s"
	    " (ramp)\n", r->st.held, r->t_ramp - r->t0);
	for (i = 0; i < r->o.conns; i++)
		if (r->conns[i].state == SL_IDLE)
			sl_idle(&r->conns[i]);
}

/* Opens long connections while fewer than opening_max are handshaking. */
void
sl_ramp(struct sl_run *r)
{
	struct sl_conn	*c;

	while (r->phase == SL_RAMP && r->opened_long < r->o.conns &&
	    r->opening < r->o.opening_max) {
		c = &r->conns[r->opened_long++];
		(void)sl_conn_open(c);
	}
	if (r->phase == SL_RAMP && r->opened_long == r->o.conns &&
	    r->opening == 0)
		sl_load_start(r);
}

/* The load is over: no new rounds, no reopening; idle connections shut
 * down now, busy ones when their current data is written. */
static void
sl_finish_start(struct sl_run *r)
{
	struct sl_conn	*c;
	unsigned	 i;

	r->phase = SL_FINISH;
	r->t_load_end = sl_now();
	for (i = 0; i < r->nconns; i++) {
		c = &r->conns[i];
		if (c->state == SL_FREE && c->kind == SL_CHURN)
			evtimer_del(c->timer);
		else if (c->state == SL_IDLE) {
			evtimer_del(c->timer);
			c->state = SL_RELAY;
			if (sl_shutdown(c) == 0)
				sl_conn_events(c);
		} else if (c->state == SL_RELAY && c->kind == SL_LONG) {
			/* Finish the write in progress, send no more. */
			c->round_end = c->sent + c->wlen;
			if (sl_round_check(c) == 0 && sl_write(c) == 0)
				sl_conn_events(c);
		}
	}
}

static bool
sl_waits_for_peer(const struct sl_conn *c)
{
	switch (c->state) {
	case SL_CONNECTING:
	case SL_HANDSHAKE:
	case SL_SHUTDOWN:
		return true;
	case SL_RELAY:
		return c->recvd < c->sent || c->wlen != 0;
	default:
		return false;
	}
}

/* Fails every connection that waited stall_sec for the peer (or, at
 * the end of the finish time, every one still open). */
static void
sl_scan(struct sl_run *r, double now, enum sl_err e, double limit)
{
	struct sl_conn	*c;
	unsigned	 i;

	for (i = 0; i < r->nconns; i++) {
		c = &r->conns[i];
		if (e == SL_E_STALL && (!sl_waits_for_peer(c) ||
		    now - c->t_progress < limit))
			continue;
		if (c->state == SL_FREE || c->state == SL_DONE)
			continue;
		(void)sl_conn_fail(c, e, e == SL_E_STALL ?
		    "no progress" : "still open");
	}
}

void
sl_report(struct sl_run *r, double now)
{
	fprintf(stderr, "stressload: t=%.0fs held=%u churn=%llu "
	    "up=%.1fMB verified=%.1fMB errors=%lu\n", now - r->t0,
	    r->st.held, r->st.churn_done, r->st.bytes_up / 1e6,
	    r->st.bytes_down / 1e6, r->st.nerrs);
}

/* Every SL_TICK_MSEC: ramp, phase changes, stall scan, progress. */
void
sl_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sl_run	*r = arg;
	double		 now = sl_now();

	(void)fd;
	(void)what;
	/* A busy client would delay every connection: measure its loop. */
	if (r->t_tick > 0 && now - r->t_tick > SL_TICK_MSEC / 1e3)
		sl_sample(&r->st.tick_lag, now - r->t_tick - SL_TICK_MSEC / 1e3);
	r->t_tick = now;
	sl_ramp(r);
	if (r->phase == SL_RAMP && now - r->t0 > r->o.ramp_sec) {
		sl_error(r, NULL, SL_E_RAMP, "not all connections held");
		r->t_ramp = now;
		sl_finish_start(r);
	} else if (r->phase == SL_LOAD &&
	    now - r->t_ramp >= r->o.seconds)
		sl_finish_start(r);
	if (now - r->t_stall_scan >= 1.0) {
		r->t_stall_scan = now;
		sl_scan(r, now, SL_E_STALL, r->o.stall_sec);
	}
	if (now - r->t_report >= 10.0) {
		r->t_report = now;
		sl_report(r, now);
	}
	if (r->phase == SL_FINISH && now - r->t_load_end > r->o.finish_sec)
		sl_scan(r, now, SL_E_FINISH, 0);
	if (r->phase == SL_FINISH && r->live == 0)
		event_base_loopbreak(r->base);
}
