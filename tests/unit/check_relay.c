/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront unit tests: the relay (lib/relay.c over lib/side.c) without a
 * daemon. Each test connects a relay to two loopback TCP connections: the
 * test's TLS client (OpenSSL, on its own, not lib/ code) on one, a
 * plaintext "backend" the test reads and writes on the other. The relay is
 * driven as the daemon drives it: libevent with edge-triggered events, the
 * readiness handed to tf_relay_event(). Sends can be scripted to fail with
 * EAGAIN (linked with -Wl,--wrap=send): "the socket was full at that
 * instant", after which no write edge may come.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "relay.h"
#include "side.h"

/* ---- scripted send() failures ---- */

ssize_t	__real_send(int, const void *, size_t, int);
ssize_t	__wrap_send(int, const void *, size_t, int);

static struct {
	int	fd;		/* the socket whose sends fail, -1: none */
	int	eagain;		/* how many more fail with EAGAIN */
	int	sends;		/* sends on fd so far */
	int	short_sends;	/* how many more send one byte only */
} fault = { -1, 0, 0, 0 };

ssize_t
__wrap_send(int fd, const void *buf, size_t len, int flags)
{
	if (fd == fault.fd) {
		fault.sends++;
		if (fault.eagain > 0) {
			fault.eagain--;
			errno = EAGAIN;
			return -1;
		}
		if (fault.short_sends > 0 && len > 1) {
			fault.short_sends--;
			len = 1;
		}
	}
	return __real_send(fd, buf, len, flags);
}

/* ---- the harness ---- */

/* Bytes one peer received, and whether its stream ended. */
struct sink {
	unsigned char	*data;
	size_t		 len;
	size_t		 cap;
	bool		 eof;		/* clean end: close_notify or FIN */
	bool		 error;
};

/* Bytes one peer is to send. */
struct flow {
	unsigned char	*data;
	size_t		 len;
	size_t		 off;
};

struct harness {
	struct event_base	*base;
	struct tf_relay		 relay;
	struct event		 ev[2];		/* the relay's sockets */
	int			 peer[2];	/* the test's ends */
	SSL_CTX			*sctx;
	SSL_CTX			*cctx;
	SSL			*client;	/* the test's TLS client */
	enum tf_relay_status	 status;
	unsigned		 wakeups[2];	/* callbacks per side */
	unsigned		 passes;	/* loop passes that ran one */
	struct sink		 at_backend;
	struct sink		 at_client;
};

static struct harness	h;

/* Bytes queued for the backend before the relay starts, as the daemon
 * queues a PROXY header (daemon/proxy_header.c); NULL: none. Their first
 * sends go out one byte each. */
static const char	*h_prefix;

static unsigned char
pattern(size_t i, unsigned seed)
{
	return (unsigned char)(((i + seed) * 2654435761u) >> 13);
}

static void
flow_init(struct flow *f, size_t len, unsigned seed)
{
	size_t	i;

	f->data = malloc(len > 0 ? len : 1);
	ck_assert_ptr_nonnull(f->data);
	for (i = 0; i < len; i++)
		f->data[i] = pattern(i, seed);
	f->len = len;
	f->off = 0;
}

static void
sink_put(struct sink *s, const void *p, size_t n)
{
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2;
		s->data = realloc(s->data, s->cap);
		ck_assert_ptr_nonnull(s->data);
	}
	memcpy(s->data + s->len, p, n);
	s->len += n;
}

/* The bytes s received are exactly f's, in order. */
static void
assert_received(const struct sink *s, const struct flow *f)
{
	size_t	i;

	ck_assert_uint_eq(s->len, f->len);
	for (i = 0; i < f->len; i++)
		if (s->data[i] != f->data[i])
			ck_abort_msg("byte %zu of %zu differs", i, f->len);
}

/* A connected pair of non-blocking loopback TCP sockets. */
static void
tcp_pair(int fds[2])
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	struct pollfd		pfd;
	int			l, c, s, on = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ne(l = socket(AF_INET, SOCK_STREAM, 0), -1);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(l, 1), 0);
	ck_assert_int_eq(getsockname(l, (struct sockaddr *)&sin, &len), 0);
	ck_assert_int_ne(c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0),
	    -1);
	if (connect(c, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		ck_assert_int_eq(errno, EINPROGRESS);
	ck_assert_int_ne(s = accept4(l, NULL, NULL, SOCK_NONBLOCK), -1);
	pfd.fd = c;
	pfd.events = POLLOUT;
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	close(l);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	fds[0] = s;
	fds[1] = c;
}

/* A throwaway ECDSA certificate, made here with OpenSSL alone. */
static void
use_test_cert(SSL_CTX *ctx)
{
	EVP_PKEY	*key = EVP_EC_gen("P-256");
	X509		*x = X509_new();
	X509_NAME	*name;

	ck_assert_ptr_nonnull(key);
	ck_assert_ptr_nonnull(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"relay.test", -1, -1, 0);
	X509_set_issuer_name(x, name);
	ck_assert_int_gt(X509_sign(x, key, EVP_sha256()), 0);
	ck_assert_int_eq(SSL_CTX_use_certificate(ctx, x), 1);
	ck_assert_int_eq(SSL_CTX_use_PrivateKey(ctx, key), 1);
	X509_free(x);
	EVP_PKEY_free(key);
}

/* The daemon's event callback, in small: readiness to the relay. */
static void
h_event_cb(evutil_socket_t fd, short what, void *arg)
{
	enum tf_side_role	role = (enum tf_side_role)(intptr_t)arg;

	(void)fd;
	h.wakeups[role]++;
	if (h.status != TF_RELAY_WAITING)
		return;
	/* TF_IO_* are libevent's flags (lib/side.h). */
	h.status = tf_relay_event(&h.relay, role, (unsigned)what & TF_IO_MASK);
}

/* Run the loop until a pass finds nothing to do (bounded). */
static void
h_settle(void)
{
	unsigned	before, quiet = 0, i;

	for (i = 0; i < 10000 && quiet < 3; i++) {
		before = h.wakeups[0] + h.wakeups[1];
		event_base_loop(h.base, EVLOOP_NONBLOCK);
		if (h.wakeups[0] + h.wakeups[1] == before) {
			quiet++;
		} else {
			quiet = 0;
			h.passes++;
		}
	}
}

/* Both handshakes, the relay's through lib/side.c (bounded). */
static void
h_handshake(void)
{
	struct tf_side	*server = &h.relay.side[TF_SIDE_CLIENT];
	int		 done_s = 0, done_c = 0, i, r;
	struct pollfd	 pfd[2];
	bool		 resumed;

	for (i = 0; i < 200 && !(done_s && done_c); i++) {
		if (!done_s) {
			(void)tf_side_wake(server, TF_IO_READ | TF_IO_WRITE);
			done_s = tf_side_handshake(server);
			ck_assert_int_ne(done_s, -1);
			/* The last flight (TLS 1.2: the server's Finished)
			 * waits in out, as in the daemon until relaying. */
			if (done_s)
				ck_assert_int_eq(tf_side_flush(server,
				    &resumed), 1);
		}
		if (!done_c) {
			r = SSL_do_handshake(h.client);
			if (r == 1)
				done_c = 1;
			else
				ck_assert(SSL_get_error(h.client, r) ==
				    SSL_ERROR_WANT_READ);
		}
		pfd[0].fd = h.peer[TF_SIDE_CLIENT];
		pfd[1].fd = server->fd;
		pfd[0].events = pfd[1].events = POLLIN;
		(void)poll(pfd, 2, 10);
	}
	ck_assert(done_s && done_c);
}

static void
h_queue_prefix(int backend_fd)
{
	struct tf_buf	*b = &h.relay.buf[TF_SIDE_CLIENT];

	ck_assert_int_eq(tf_buf_reserve(b, TF_BUF_SMALL), 0);
	memcpy(b->data, h_prefix, strlen(h_prefix));
	b->len = (uint32_t)strlen(h_prefix);
	fault.fd = backend_fd;
	fault.short_sends = 20;
}

/*
 * The relay between a TLS client (version, with the relay's client socket
 * sending into a buffer of sndbuf bytes if not 0) and a backend, started.
 */
static void
h_start(int version, int sndbuf)
{
	int	cfds[2], bfds[2];
	SSL	*ssl;

	memset(&h, 0, sizeof(h));
	fault.fd = -1;
	fault.eagain = fault.sends = 0;
	tcp_pair(cfds);
	tcp_pair(bfds);
	if (sndbuf > 0) {
		ck_assert_int_eq(setsockopt(cfds[0], SOL_SOCKET, SO_SNDBUF,
		    &sndbuf, sizeof(sndbuf)), 0);
		ck_assert_int_eq(setsockopt(cfds[1], SOL_SOCKET, SO_RCVBUF,
		    &sndbuf, sizeof(sndbuf)), 0);
	}
	h.peer[TF_SIDE_CLIENT] = cfds[1];
	h.peer[TF_SIDE_BACKEND] = bfds[1];

	ck_assert_ptr_nonnull(h.sctx = SSL_CTX_new(TLS_server_method()));
	use_test_cert(h.sctx);
	SSL_CTX_set_min_proto_version(h.sctx, version);
	SSL_CTX_set_max_proto_version(h.sctx, version);
	/* Fixed record overhead: 22 bytes per TLS 1.3 record. */
	SSL_CTX_set_ciphersuites(h.sctx, "TLS_AES_128_GCM_SHA256");
	ck_assert_ptr_nonnull(h.cctx = SSL_CTX_new(TLS_client_method()));
	SSL_CTX_set_mode(h.cctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	ck_assert_ptr_nonnull(h.client = SSL_new(h.cctx));
	SSL_set_fd(h.client, cfds[1]);
	SSL_set_connect_state(h.client);

	ck_assert_ptr_nonnull(ssl = SSL_new(h.sctx));
	ck_assert_int_eq(tf_side_init_tls(&h.relay.side[TF_SIDE_CLIENT],
	    TF_SIDE_CLIENT, cfds[0], ssl), 0);
	SSL_set_accept_state(ssl);
	h_handshake();
	tf_side_init(&h.relay.side[TF_SIDE_BACKEND], TF_SIDE_BACKEND, bfds[0]);

	ck_assert_ptr_nonnull(h.base = event_base_new());
	event_assign(&h.ev[0], h.base, cfds[0],
	    EV_READ | EV_WRITE | EV_CLOSED | EV_ET | EV_PERSIST, h_event_cb,
	    (void *)(intptr_t)TF_SIDE_CLIENT);
	event_assign(&h.ev[1], h.base, bfds[0],
	    EV_READ | EV_WRITE | EV_CLOSED | EV_ET | EV_PERSIST, h_event_cb,
	    (void *)(intptr_t)TF_SIDE_BACKEND);
	event_add(&h.ev[0], NULL);
	event_add(&h.ev[1], NULL);
	if (h_prefix != NULL)
		h_queue_prefix(bfds[0]);
	h.status = tf_relay_start(&h.relay);
	ck_assert_int_eq(h.status, TF_RELAY_WAITING);
	h_settle();
}

static void
h_finish(void)
{
	event_del(&h.ev[0]);
	event_del(&h.ev[1]);
	tf_side_close(&h.relay.side[TF_SIDE_CLIENT], true);
	tf_side_close(&h.relay.side[TF_SIDE_BACKEND], true);
	tf_relay_release(&h.relay);
	tf_side_free(&h.relay.side[TF_SIDE_CLIENT]);
	tf_side_free(&h.relay.side[TF_SIDE_BACKEND]);
	event_base_free(h.base);
	SSL_free(h.client);
	SSL_CTX_free(h.sctx);
	SSL_CTX_free(h.cctx);
	if (h.peer[0] != -1)
		close(h.peer[0]);
	if (h.peer[1] != -1)
		close(h.peer[1]);
	free(h.at_backend.data);
	free(h.at_client.data);
}

/* The client writes what it can of f. */
static void
client_send(struct flow *f)
{
	int	n;

	while (f->off < f->len) {
		ERR_clear_error();
		n = SSL_write(h.client, f->data + f->off,
		    (int)(f->len - f->off));
		if (n <= 0) {
			ck_assert(SSL_get_error(h.client, n) ==
			    SSL_ERROR_WANT_WRITE ||
			    SSL_get_error(h.client, n) == SSL_ERROR_WANT_READ);
			return;
		}
		f->off += (size_t)n;
	}
}

/* The client reads what has arrived. */
static void
client_recv(void)
{
	unsigned char	buf[65536];
	int		n, err;

	for (;;) {
		ERR_clear_error();
		n = SSL_read(h.client, buf, sizeof(buf));
		if (n > 0) {
			sink_put(&h.at_client, buf, (size_t)n);
			continue;
		}
		err = SSL_get_error(h.client, n);
		if (err == SSL_ERROR_ZERO_RETURN)
			h.at_client.eof = true;
		else if (err != SSL_ERROR_WANT_READ &&
		    err != SSL_ERROR_WANT_WRITE)
			h.at_client.error = true;
		return;
	}
}

static void
backend_send(struct flow *f)
{
	ssize_t	n;

	while (f->off < f->len) {
		n = send(h.peer[TF_SIDE_BACKEND], f->data + f->off,
		    f->len - f->off, MSG_NOSIGNAL);
		if (n <= 0) {
			ck_assert(errno == EAGAIN);
			return;
		}
		f->off += (size_t)n;
	}
}

static void
backend_recv(void)
{
	unsigned char	buf[65536];
	ssize_t		n;

	for (;;) {
		n = recv(h.peer[TF_SIDE_BACKEND], buf, sizeof(buf), 0);
		if (n > 0) {
			sink_put(&h.at_backend, buf, (size_t)n);
			continue;
		}
		if (n == 0)
			h.at_backend.eof = true;
		else if (errno != EAGAIN)
			h.at_backend.error = true;
		return;
	}
}

/* Wait up to ms for news on any of the four sockets. */
static void
h_wait(int ms)
{
	struct pollfd	pfd[4];
	int		i;

	for (i = 0; i < 2; i++) {
		pfd[i].fd = h.peer[i];
		pfd[i + 2].fd = h.relay.side[i].fd;
		pfd[i].events = pfd[i + 2].events = POLLIN | POLLOUT;
	}
	(void)poll(pfd, 4, ms);
}

/*
 * Move up (client -> backend) and down (backend -> client) through the
 * relay, either may be NULL, until both arrived or nothing moved for 2 s
 * (TCP may take a zero-window probe, 200 ms and more, to reopen a window
 * that a client that stopped reading closed). Bounded: 100000 rounds.
 */
static void
h_transfer(struct flow *up, struct flow *down)
{
	size_t	seen = (size_t)-1, now;
	int	idle = 0, i;

	for (i = 0; i < 100000 && idle < 40; i++) {
		if (up != NULL)
			client_send(up);
		if (down != NULL)
			backend_send(down);
		h_settle();
		backend_recv();
		client_recv();
		h_settle();
		if ((up == NULL || h.at_backend.len == up->len) &&
		    (down == NULL || h.at_client.len == down->len))
			return;
		now = h.at_backend.len + h.at_client.len +
		    (up != NULL ? up->off : 0) + (down != NULL ? down->off : 0);
		idle = now == seen ? idle + 1 : 0;
		seen = now;
		if (idle > 0)
			h_wait(50);
	}
}

/* ---- the cases ---- */

/* 1 MiB each way at once: every byte, in order, counted on both sides. */
START_TEST(bulk_both_ways)
{
	struct flow	up, down;

	h_start(TLS1_3_VERSION, 0);
	flow_init(&up, 1 << 20, 1);
	flow_init(&down, 1 << 20, 2);
	h_transfer(&up, &down);
	assert_received(&h.at_backend, &up);
	assert_received(&h.at_client, &down);
	ck_assert_int_eq(h.status, TF_RELAY_WAITING);
	ck_assert_int_eq(tf_relay_phase(&h.relay), TF_RELAY_OPEN);
	ck_assert_uint_eq(h.relay.received[TF_SIDE_CLIENT], up.len);
	ck_assert_uint_eq(h.relay.sent[TF_SIDE_BACKEND], up.len);
	ck_assert_uint_eq(h.relay.received[TF_SIDE_BACKEND], down.len);
	ck_assert_uint_eq(h.relay.sent[TF_SIDE_CLIENT], down.len);
	/* Whole chunks came: both directions moved to large buffers. */
	ck_assert(h.relay.bulk[TF_SIDE_CLIENT] && h.relay.bulk[TF_SIDE_BACKEND]);
	free(up.data);
	free(down.data);
	h_finish();
}
END_TEST

/* TLS 1.2 as well (another record layer, another overhead). */
START_TEST(bulk_tls12)
{
	struct flow	up, down;

	h_start(TLS1_2_VERSION, 0);
	flow_init(&up, 300000, 3);
	flow_init(&down, 700000, 4);
	h_transfer(&up, &down);
	assert_received(&h.at_backend, &up);
	assert_received(&h.at_client, &down);
	free(up.data);
	free(down.data);
	h_finish();
}
END_TEST

/*
 * Short reads: each peer sends in small pieces with the relay running in
 * between, so every read the relay makes is short. Each piece is one
 * wake-up, relayed at once, nothing is held back waiting for more.
 */
START_TEST(trickle_short_reads)
{
	struct flow	up, down;
	size_t		i, piece = 7;

	h_start(TLS1_3_VERSION, 0);
	flow_init(&up, 700, 5);
	flow_init(&down, 700, 6);
	for (i = 0; i < 100; i++) {
		struct flow	u = { up.data, (i + 1) * piece, i * piece };
		struct flow	d = { down.data, (i + 1) * piece, i * piece };
		unsigned	before = h.wakeups[TF_SIDE_BACKEND];

		client_send(&u);
		backend_send(&d);
		h_settle();
		backend_recv();
		client_recv();
		/* Relayed within the same round, not later. */
		ck_assert_uint_eq(h.at_backend.len, (i + 1) * piece);
		ck_assert_uint_eq(h.at_client.len, (i + 1) * piece);
		ck_assert_uint_gt(h.wakeups[TF_SIDE_BACKEND], before);
	}
	assert_received(&h.at_backend, &up);
	assert_received(&h.at_client, &down);
	free(up.data);
	free(down.data);
	h_finish();
}
END_TEST

/*
 * A PROXY header queued before the relay starts reaches the backend
 * first and whole, ahead of client bytes already waiting, though its
 * sends go out one byte at a time.
 */
START_TEST(prefix_first_after_short_writes)
{
	struct flow	up;
	size_t		plen;

	h_prefix = "PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n";
	plen = strlen(h_prefix);
	h_start(TLS1_3_VERSION, 0);
	h_prefix = NULL;
	flow_init(&up, 5000, 7);
	h_transfer(&up, NULL);
	ck_assert_uint_ge(h.at_backend.len, plen);
	ck_assert_int_eq(memcmp(h.at_backend.data,
	    "PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n", plen), 0);
	ck_assert_uint_eq(h.at_backend.len, plen + up.len);
	ck_assert_int_eq(memcmp(h.at_backend.data + plen, up.data, up.len), 0);
	ck_assert_uint_ge(fault.sends, 20);
	ck_assert_uint_eq(h.relay.received[TF_SIDE_CLIENT], up.len);
	free(up.data);
	h_finish();
}
END_TEST

/*
 * A client that does not read: the relay's socket and out buffer fill,
 * it stops reading the backend (the backend's own sends block), holds a
 * bounded amount and does not spin; once the client reads, all arrives.
 */
START_TEST(full_out_buffer_backpressure)
{
	struct flow	down;
	size_t		held;
	unsigned	wakeups;
	int		i;

	h_start(TLS1_3_VERSION, 131072);
	flow_init(&down, 8 << 20, 7);
	for (i = 0; i < 50; i++) {
		backend_send(&down);
		h_settle();
	}
	ck_assert_uint_lt(down.off, down.len);	/* the backend is blocked */
	held = h.relay.buf[TF_SIDE_BACKEND].cap +
	    h.relay.side[TF_SIDE_CLIENT].out.cap;
	ck_assert_uint_le(held, 2 * TF_BUF_LARGE);
	ck_assert(h.relay.side[TF_SIDE_CLIENT].out_block ||
	    h.relay.side[TF_SIDE_CLIENT].write_block != 0);
	/* Nothing to do while blocked: no wake-ups without news. */
	wakeups = h.wakeups[0] + h.wakeups[1];
	h_settle();
	ck_assert_uint_eq(h.wakeups[0] + h.wakeups[1], wakeups);
	h_transfer(NULL, &down);
	assert_received(&h.at_client, &down);
	free(down.data);
	h_finish();
}
END_TEST

/* TLS 1.3 KeyUpdate from the client, with and without a requested
 * answer, mid-stream both ways: answered, and relayed on after. */
START_TEST(key_update_mid_stream)
{
	struct flow	up, down;
	int		type = _i == 0 ? SSL_KEY_UPDATE_NOT_REQUESTED :
			    SSL_KEY_UPDATE_REQUESTED;
	size_t		half;

	h_start(TLS1_3_VERSION, 0);
	flow_init(&up, 400000, 8);
	flow_init(&down, 400000, 9);
	half = up.len / 2;
	up.len = half;
	down.len = half;
	h_transfer(&up, &down);
	ck_assert_int_eq(SSL_key_update(h.client, type), 1);
	up.len = down.len = 2 * half;
	h_transfer(&up, &down);
	assert_received(&h.at_backend, &up);
	assert_received(&h.at_client, &down);
	ck_assert_int_eq(h.status, TF_RELAY_WAITING);
	free(up.data);
	free(down.data);
	h_finish();
}
END_TEST

/*
 * The client ends first (close_notify): the backend gets everything, then
 * its FIN; the backend answers and ends: the client gets the answer, then
 * close_notify. The relay finishes, passing through the named phases.
 */
START_TEST(half_close_client_first)
{
	struct flow	up, down;

	h_start(TLS1_3_VERSION, 0);
	flow_init(&up, 200000, 10);
	flow_init(&down, 300000, 11);
	h_transfer(&up, NULL);
	ck_assert_int_ge(SSL_shutdown(h.client), 0);
	h_transfer(&up, NULL);
	h_settle();
	backend_recv();
	ck_assert(h.at_backend.eof);
	assert_received(&h.at_backend, &up);
	ck_assert_int_eq(tf_relay_phase(&h.relay), TF_RELAY_CLIENT_DONE);
	h_transfer(NULL, &down);
	ck_assert_int_eq(shutdown(h.peer[TF_SIDE_BACKEND], SHUT_WR), 0);
	h_settle();
	client_recv();
	assert_received(&h.at_client, &down);
	ck_assert(h.at_client.eof);
	ck_assert_int_eq(h.status, TF_RELAY_FINISHED);
	free(up.data);
	free(down.data);
	h_finish();
}
END_TEST

/* The backend ends first: close_notify after its bytes; the client may
 * still send, and its close_notify finishes the relay. */
START_TEST(half_close_backend_first)
{
	struct flow	up, down;

	h_start(TLS1_3_VERSION, 0);
	flow_init(&up, 300000, 12);
	flow_init(&down, 200000, 13);
	h_transfer(NULL, &down);
	ck_assert_int_eq(shutdown(h.peer[TF_SIDE_BACKEND], SHUT_WR), 0);
	h_settle();
	client_recv();
	assert_received(&h.at_client, &down);
	ck_assert(h.at_client.eof);
	ck_assert_int_eq(tf_relay_phase(&h.relay), TF_RELAY_BACKEND_DONE);
	h_transfer(&up, NULL);
	assert_received(&h.at_backend, &up);
	ck_assert_int_ge(SSL_shutdown(h.client), 0);
	h_settle();
	/* The backend's EOF was read: its FIN comes with the close. */
	ck_assert_int_eq(h.status, TF_RELAY_FINISHED);
	tf_side_close(&h.relay.side[TF_SIDE_BACKEND], true);
	backend_recv();
	ck_assert(h.at_backend.eof);
	free(up.data);
	free(down.data);
	h_finish();
}
END_TEST

/* Abort a peer's connection (RST), as a crashed client or backend does. */
static void
peer_reset(enum tf_side_role role)
{
	struct linger	lg = { 1, 0 };

	ck_assert_int_eq(setsockopt(h.peer[role], SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg)), 0);
	close(h.peer[role]);
	h.peer[role] = -1;
}

/* A reset from either side ends the relay with that side's error. */
START_TEST(reset_each_side)
{
	enum tf_side_role	role = _i == 0 ? TF_SIDE_CLIENT :
				    TF_SIDE_BACKEND;
	struct flow		up, down;

	h_start(TLS1_3_VERSION, 0);
	flow_init(&up, 50000, 14);
	flow_init(&down, 50000, 15);
	h_transfer(&up, &down);
	peer_reset(role);
	h_settle();
	ck_assert_int_eq(h.status, TF_RELAY_FAILED);
	ck_assert_int_eq(h.relay.failed_side, role);
	ck_assert_str_eq(h.relay.detail, role == TF_SIDE_CLIENT ?
	    "client connection reset" : "read from backend failed");
	free(up.data);
	free(down.data);
	h_finish();
}
END_TEST

/*
 * The backend resets while the relay is not reading it (the client is
 * slow): its hang-up edge comes as plain read+write and finds nothing
 * waiting. Once the client reads, the relay drains the bytes that arrived
 * before the reset and must then see the reset, not take the last short
 * read for "empty" and wait for an edge that never comes (until the idle
 * timeout, with the client's stream cut).
 */
START_TEST(reset_backend_while_client_slow)
{
	struct flow	down;
	int		i, small = 65536;

	h_start(TLS1_3_VERSION, 131072);
	ck_assert_int_eq(setsockopt(h.peer[TF_SIDE_BACKEND], SOL_SOCKET,
	    SO_SNDBUF, &small, sizeof(small)), 0);
	ck_assert_int_eq(setsockopt(h.relay.side[TF_SIDE_BACKEND].fd,
	    SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	flow_init(&down, 4 << 20, 22);
	for (i = 0; i < 20; i++) {
		backend_send(&down);
		h_settle();
	}
	ck_assert_uint_lt(down.off, down.len);	/* the relay stopped reading */
	peer_reset(TF_SIDE_BACKEND);
	h_settle();
	ck_assert_int_eq(h.status, TF_RELAY_WAITING);
	for (i = 0; i < 2000 && h.status == TF_RELAY_WAITING; i++) {
		client_recv();
		h_settle();
		if (i > 100)
			h_wait(10);
	}
	ck_assert_int_eq(h.status, TF_RELAY_FAILED);
	ck_assert_int_eq(h.relay.failed_side, TF_SIDE_BACKEND);
	ck_assert_str_eq(h.relay.detail, "read from backend failed");
	free(down.data);
	h_finish();
}
END_TEST

/*
 * The client's TCP FIN without close_notify while the backend is still
 * sending: what the backend sends cannot be delivered over a TLS session
 * that was cut, so the relay fails with the client's truncation.
 */
START_TEST(client_truncated)
{
	struct flow	down;

	h_start(TLS1_3_VERSION, 0);
	flow_init(&down, 10000, 16);
	h_transfer(NULL, &down);
	ck_assert_int_eq(shutdown(h.peer[TF_SIDE_CLIENT], SHUT_WR), 0);
	h_settle();
	ck_assert_int_eq(h.status, TF_RELAY_FAILED);
	ck_assert_int_eq(h.relay.failed_side, TF_SIDE_CLIENT);
	ck_assert_str_eq(h.relay.detail, "client closed without close_notify");
	free(down.data);
	h_finish();
}
END_TEST

/*
 * Stall fixed by 5e4c041: the relay stops reading the backend because the
 * client's out buffer is full, its send() finds the socket full (EAGAIN,
 * scripted), and the pump's own flush right after empties the buffer (the
 * client read in between). No write edge comes for a socket that is not
 * full, and the backend's read edge was consumed: unless the relay goes on
 * after that flush, the download stops with the backend's bytes waiting.
 */
START_TEST(stall_5e4c041_flush_after_full_out)
{
	struct flow	down;

	h_start(TLS1_3_VERSION, 0);
	flow_init(&down, 256 * 1024, 17);
	fault.fd = h.relay.side[TF_SIDE_CLIENT].fd;
	fault.eagain = 1;
	h_transfer(NULL, &down);
	ck_assert_int_eq(fault.eagain, 0);	/* the script ran */
	assert_received(&h.at_client, &down);
	free(down.data);
	h_finish();
}
END_TEST

/*
 * Stall fixed by d20f19a: an SSL_read that has a record of its own to send
 * (a KeyUpdate) finds the client's out buffer exactly full, the send finds
 * the socket full (EAGAIN, scripted), and SSL_read stops, waiting to
 * write. The pump's flush then empties the buffer: unless the read goes
 * on after it (no write edge will come), the client's bytes never reach
 * the backend. Then it was the answer to the client's KeyUpdate; OpenSSL
 * 3.0 sends that answer with the next write, and the relay reads no more
 * than the out buffer can take, so here the buffer is filled to the byte
 * directly and the KeyUpdate is the server's own (SSL_key_update), which
 * OpenSSL sends from the next SSL_read.
 */
START_TEST(stall_d20f19a_read_waits_to_write)
{
	struct tf_side	*cs = &h.relay.side[TF_SIDE_CLIENT];
	struct flow	 fill, arrived, up, down;
	ssize_t		 n;
	int		 big = 1 << 20;

	h_start(TLS1_3_VERSION, 0);
	ck_assert_int_eq(setsockopt(cs->fd, SOL_SOCKET, SO_SNDBUF, &big,
	    sizeof(big)), 0);
	/* Two records, 16384 + 980 bytes plus 22 each: 17408, the size of
	 * a small out buffer, exactly. */
	flow_init(&fill, TF_BUF_SMALL - 2 * 22, 18);
	while (fill.off < fill.len) {
		n = tf_side_write(cs, fill.data + fill.off,
		    fill.len - fill.off);
		ck_assert_int_gt(n, 0);
		fill.off += (size_t)n;
	}
	ck_assert_uint_eq(cs->out.len, cs->out.cap);
	ck_assert_int_eq(SSL_key_update(cs->ssl, SSL_KEY_UPDATE_NOT_REQUESTED),
	    1);
	fault.fd = cs->fd;
	fault.eagain = 1;
	flow_init(&up, 1000, 19);
	arrived = fill;				/* to arrive, not to send */
	h_transfer(&up, &arrived);
	ck_assert_int_eq(fault.eagain, 0);	/* the script ran */
	assert_received(&h.at_backend, &up);
	assert_received(&h.at_client, &fill);
	/* And on it goes with the new keys, both ways. */
	free(up.data);
	flow_init(&up, 5000, 20);
	flow_init(&down, 5000, 21);
	h.at_backend.len = h.at_client.len = 0;
	h_transfer(&up, &down);
	assert_received(&h.at_backend, &up);
	assert_received(&h.at_client, &down);
	ck_assert_int_eq(h.status, TF_RELAY_WAITING);
	free(fill.data);
	free(up.data);
	free(down.data);
	h_finish();
}
END_TEST

/* ---- the ClientHello gate (tf_side_limit_hello) ---- */

/* A server side with the gate of limits.client_hello's default, and the
 * test's raw client socket; cgroups: the client's groups (the first gets
 * a key share), the server taking P-256 only. */
struct gate {
	int		 fds[2];	/* server's, client's */
	SSL_CTX		*sctx;
	SSL_CTX		*cctx;
	SSL		*client;
	struct tf_side	 side;
};

static void
gate_start(struct gate *g, const char *cgroups)
{
	SSL	*ssl;

	memset(g, 0, sizeof(*g));
	tcp_pair(g->fds);
	ck_assert_ptr_nonnull(g->sctx = SSL_CTX_new(TLS_server_method()));
	use_test_cert(g->sctx);
	ck_assert_int_eq(SSL_CTX_set1_groups_list(g->sctx, "P-256"), 1);
	ck_assert_ptr_nonnull(g->cctx = SSL_CTX_new(TLS_client_method()));
	ck_assert_int_eq(SSL_CTX_set1_groups_list(g->cctx, cgroups), 1);
	ck_assert_ptr_nonnull(g->client = SSL_new(g->cctx));
	SSL_set_fd(g->client, g->fds[1]);
	SSL_set_connect_state(g->client);
	ck_assert_ptr_nonnull(ssl = SSL_new(g->sctx));
	ck_assert_int_eq(tf_side_init_tls(&g->side, TF_SIDE_CLIENT, g->fds[0],
	    ssl), 0);
	SSL_set_accept_state(ssl);
	tf_side_limit_hello(&g->side, 16384);
}

static void
gate_finish(struct gate *g)
{
	tf_side_close(&g->side, false);
	tf_side_free(&g->side);
	SSL_free(g->client);
	SSL_CTX_free(g->sctx);
	SSL_CTX_free(g->cctx);
	close(g->fds[1]);
}

/* The client's raw bytes, as an attacker writes them. */
static void
gate_send(struct gate *g, const void *p, size_t n)
{
	struct pollfd	pfd = { g->fds[0], POLLIN, 0 };

	ck_assert_int_eq(send(g->fds[1], p, n, 0), (ssize_t)n);
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
}

/* One server step after new bytes: 1 done, 0 waiting, -1 failed. */
static int
gate_server(struct gate *g)
{
	tf_side_wake(&g->side, TF_IO_READ);
	return tf_side_handshake(&g->side);
}

/* The client's first flight (its ClientHello), in the socket. */
static void
gate_client_hello(struct gate *g)
{
	struct pollfd	pfd = { g->fds[0], POLLIN, 0 };

	ck_assert_int_eq(SSL_do_handshake(g->client), -1);
	ck_assert_int_eq(SSL_get_error(g->client, -1), SSL_ERROR_WANT_READ);
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
}

static int
gate_pending(const struct gate *g)
{
	int	n = -1;

	ck_assert_int_eq(ioctl(g->fds[0], FIONREAD, &n), 0);
	return n;
}

/* A record header and a ClientHello header announcing len bytes. */
static void
gate_claim(struct gate *g, size_t len)
{
	unsigned char	claim[9] = { 22, 3, 1, 0, 4, 1,
	    (unsigned char)(len >> 16), (unsigned char)(len >> 8),
	    (unsigned char)len };

	gate_send(g, claim, sizeof(claim));
}

static void
assert_refused(struct gate *g)
{
	static const unsigned char	alert[] = { 21, 3, 1, 0, 2, 2, 47 };
	unsigned char			got[16384];
	struct pollfd			pfd = { -1, POLLIN, 0 };
	ssize_t				n, len = 0;

	ck_assert_int_eq(gate_server(g), -1);
	ck_assert_str_eq(g->side.error,
	    "ClientHello larger than limits.client_hello");
	/* The alert is the last thing the client gets (after what the
	 * server sent before, a HelloRetryRequest). */
	pfd.fd = g->fds[1];
	while (poll(&pfd, 1, 200) == 1 && (n = recv(g->fds[1], got + len,
	    sizeof(got) - (size_t)len, 0)) > 0)
		len += n;
	ck_assert_int_ge(len, (ssize_t)sizeof(alert));
	ck_assert_mem_eq(got + len - sizeof(alert), alert, sizeof(alert));
}

START_TEST(gate_refuses_large_claim)
{
	struct gate	g;

	gate_start(&g, "P-256");
	gate_claim(&g, 131072);
	assert_refused(&g);
	gate_finish(&g);
}
END_TEST

START_TEST(gate_holds_claim_back)
{
	struct gate	g;

	gate_start(&g, "P-256");
	gate_claim(&g, 16000);
	ck_assert_int_eq(gate_server(&g), 0);
	ck_assert_int_eq(g.side.read_block, TF_IO_READ);
	/* libssl took nothing: nothing was allocated for the claim. */
	ck_assert_int_eq(gate_pending(&g), 9);
	gate_finish(&g);
}
END_TEST

/*
 * The second ClientHello, after our HelloRetryRequest (the client's key
 * share is X25519, the server takes P-256 only), behind the
 * ChangeCipherSpec a TLS 1.3 client sends first. Loop 1 pipelines it: all
 * is in the socket before the server reads any of it (with read-ahead,
 * libssl would take the claim with the first ClientHello, past the gate).
 */
START_TEST(gate_after_hello_retry)
{
	static const unsigned char	ccs[] = { 20, 3, 3, 0, 1, 1 };
	struct gate			g;
	bool				pipelined = _i == 1;

	gate_start(&g, "X25519:P-256");
	gate_client_hello(&g);
	if (!pipelined)	/* HelloRetryRequest sent */
		ck_assert_int_eq(gate_server(&g), 0);
	gate_send(&g, ccs, sizeof(ccs));
	gate_claim(&g, 131072);
	assert_refused(&g);
	gate_finish(&g);
}
END_TEST

/* A real client through a HelloRetryRequest: the gate lets both its
 * ClientHellos in. */
START_TEST(gate_passes_real_hello_retry)
{
	struct pollfd	pfd[2];
	struct gate	g;
	int		r, server = 0, client = 0, i;

	gate_start(&g, "X25519:P-256");
	for (i = 0; i < 200 && (server != 1 || client != 1); i++) {
		if (client != 1) {
			r = SSL_do_handshake(g.client);
			client = r == 1 ? 1 : 0;
			if (r != 1)
				ck_assert_int_eq(SSL_get_error(g.client, r),
				    SSL_ERROR_WANT_READ);
		}
		if (server != 1)
			ck_assert_int_ne(server = gate_server(&g), -1);
		pfd[0] = (struct pollfd){ g.fds[0], POLLIN, 0 };
		pfd[1] = (struct pollfd){ g.fds[1], POLLIN, 0 };
		(void)poll(pfd, 2, 100);
	}
	ck_assert_int_eq(server, 1);
	ck_assert_int_eq(client, 1);
	ck_assert_str_eq(SSL_get_version(g.client), "TLSv1.3");
	gate_finish(&g);
}
END_TEST

static Suite *
relay_suite(void)
{
	Suite	*s = suite_create("relay");
	TCase	*tc;

	tc = tcase_create("bytes");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, bulk_both_ways);
	tcase_add_test(tc, bulk_tls12);
	tcase_add_test(tc, trickle_short_reads);
	tcase_add_test(tc, full_out_buffer_backpressure);
	tcase_add_test(tc, prefix_first_after_short_writes);
	tcase_add_loop_test(tc, key_update_mid_stream, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("ends");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, half_close_client_first);
	tcase_add_test(tc, half_close_backend_first);
	tcase_add_loop_test(tc, reset_each_side, 0, 2);
	tcase_add_test(tc, reset_backend_while_client_slow);
	tcase_add_test(tc, client_truncated);
	suite_add_tcase(s, tc);

	tc = tcase_create("historic stalls");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, stall_5e4c041_flush_after_full_out);
	tcase_add_test(tc, stall_d20f19a_read_waits_to_write);
	suite_add_tcase(s, tc);

	tc = tcase_create("hello gate");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, gate_refuses_large_claim);
	tcase_add_test(tc, gate_holds_claim_back);
	tcase_add_loop_test(tc, gate_after_hello_retry, 0, 2);
	tcase_add_test(tc, gate_passes_real_hello_retry);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(relay_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
