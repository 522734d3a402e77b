/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: one side's transport. A TLS side's records go through a BIO
 * of our own: they are gathered in s->out and sent with one send() per
 * handshake flight or relayed burst (up to four full records) instead of
 * one write() each; TLS reads skip the EAGAIN probe after a short read.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "context.h"
#include "side.h"

/* Room allowed per TLS record for its header, padding and tag, and the
 * least plaintext worth reading for records. */
#define SIDE_RECORD_OVERHEAD	256
#define SIDE_MIN_READ		4096

static const struct {
	const char	*reset;
	const char	*read_failed;
	const char	*write_failed;
} side_words[] = {
	[TF_SIDE_CLIENT] = { "client connection reset",
	    "read from client failed", "write to client failed" },
	[TF_SIDE_BACKEND] = { "backend connection reset",
	    "read from backend failed", "write to backend failed" },
};

static BIO_METHOD	*side_bio_method;
static int		 side_bio_type;	/* its BIO_method_type() */

void
tf_side_init(struct tf_side *s, enum tf_side_role role, int fd)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->role = role;
}

/*
 * Reason string of the first queued OpenSSL error (static), then clear.
 * A refused certificate is named by the verify error ("certificate
 * revoked"), not by libssl's "certificate verify failed".
 */
static const char *
side_ssl_reason(const struct tf_side *s)
{
	unsigned long	 e = ERR_peek_error();
	const char	*reason = ERR_reason_error_string(e);
	long		 verify;

	/* A context's callback (sni_strict) says better what it refused. */
	if (s->ssl != NULL && tf_context_refusal(s->ssl) != NULL)
		reason = tf_context_refusal(s->ssl);
	ERR_clear_error();
	if (s->ssl != NULL && ERR_GET_LIB(e) == ERR_LIB_SSL &&
	    ERR_GET_REASON(e) == SSL_R_CERTIFICATE_VERIFY_FAILED &&
	    (verify = SSL_get_verify_result(s->ssl)) != X509_V_OK)
		reason = X509_verify_cert_error_string(verify);
	return reason != NULL ? reason : side_words[s->role].reset;
}

/* s->out: small for the handshake, a record or four when relaying. */
static int
side_out_reserve(struct tf_side *s)
{
	if (!s->relaying)
		return tf_buf_reserve(&s->out, TF_BUF_FLIGHT);
	return tf_buf_reserve(&s->out, s->bulk_write ? TF_BUF_LARGE :
	    TF_BUF_SMALL);
}

/*
 * Relaying, with handshake bytes still in the flight-sized s->out (the
 * tickets) and a record that does not fit after them (the first
 * response, when it came in the same turn): move them to a relay-sized
 * buffer, so they leave together in one send().
 */
static int
side_out_upgrade(struct tf_side *s)
{
	struct tf_buf	*o = &s->out, big = { NULL, 0, 0, 0 };

	if (o->data == NULL || o->cap != TF_BUF_FLIGHT)
		return 0;
	if (tf_buf_reserve(&big, s->bulk_write ? TF_BUF_LARGE :
	    TF_BUF_SMALL) == -1)
		return -1;
	memcpy(big.data, o->data + o->off, o->len);
	big.len = o->len;
	tf_buf_free(o);
	*o = big;
	return 0;
}

/* Send what s->out holds: 1 all sent, 0 blocked, -1 failed. */
static int
side_out_send(struct tf_side *s)
{
	struct tf_buf	*o = &s->out;
	ssize_t		 n;

	if (s->out_failed)
		return -1;
	while (o->len > 0) {
		n = send(s->fd, o->data + o->off, o->len, MSG_NOSIGNAL);
		if (n > 0) {
			tf_buf_consumed(o, (size_t)n);
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			s->out_block = true;
			return 0;
		} else if (errno != EINTR) {
			s->out_failed = true;
			return -1;
		}
	}
	s->out_block = false;
	tf_buf_free(o);
	return 1;
}

int
tf_side_flush(struct tf_side *s, bool *resumed)
{
	bool	was_blocked = s->out_block;
	int	r;

	*resumed = false;
	if (s->ssl == NULL)
		return 1;	/* plaintext is written straight to the socket */
	if ((r = side_out_send(s)) != 1)
		return r;
	/*
	 * s->out is empty now: whatever stopped for room in it (a write, a
	 * read with a record of its own to send such as a KeyUpdate answer,
	 * or the other side before reading more) goes on.
	 */
	*resumed = was_blocked;
	if (s->write_block == TF_IO_WRITE) {
		s->write_block = 0;
		*resumed = true;
	}
	if (s->read_block == TF_IO_WRITE) {
		s->read_block = 0;
		*resumed = true;
	}
	return 1;
}

/* TLS record and handshake header sizes, and the types looked at. */
#define SIDE_RECORD_HEADER	5
#define SIDE_HANDSHAKE_HEADER	4
#define SIDE_CCS_RECORD		(SIDE_RECORD_HEADER + 1)
#define SIDE_CT_CCS		20
#define SIDE_CT_HANDSHAKE	22
#define SIDE_HT_CLIENT_HELLO	1
#define SIDE_HT_SERVER_HELLO	2
/* What the gate peeks at: a ClientHello of today's browsers whole. */
#define SIDE_HELLO_PEEK		2048
/* Where a ServerHello record carries its random. */
#define SIDE_RANDOM_AT		(SIDE_RECORD_HEADER + SIDE_HANDSHAKE_HEADER + 2)

/* The random of a HelloRetryRequest (RFC 8446, 4.1.3). */
static const uint8_t	side_hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

enum side_hello {
	SIDE_HELLO_PASS,	/* let libssl read (and judge) the bytes */
	SIDE_HELLO_WAIT,	/* the announced message has not all arrived */
	SIDE_HELLO_REFUSE,	/* it announces more than hello_limit */
};

/*
 * Look at what waits in the socket without taking it: the record header
 * and the handshake header of a ClientHello, after the ChangeCipherSpec a
 * TLS 1.3 client may send before its second one. Anything else is
 * libssl's to judge. A ClientHello whose first record is too short to
 * hold its handshake header is refused: that would hide its length, and
 * no client splits one so. Waiting for all the announced bytes needs only
 * their count (FIONREAD); several records add headers, so the headers
 * plus the announced length are a lower bound of what a whole message
 * takes.
 */
static enum side_hello
side_hello_check(const struct tf_side *s)
{
	uint8_t	b[SIDE_HELLO_PEEK];
	uint8_t	*h = b;
	ssize_t	n;
	size_t	announced, need, skip = 0;
	int	pending;

	while ((n = recv(s->fd, b, sizeof(b), MSG_PEEK | MSG_DONTWAIT)) ==
	    -1 && errno == EINTR)
		continue;
	if (n == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ?
		    SIDE_HELLO_WAIT : SIDE_HELLO_PASS;
	if (n > 0 && b[0] == SIDE_CT_CCS) {
		if (n < SIDE_CCS_RECORD)
			return s->fin ? SIDE_HELLO_PASS : SIDE_HELLO_WAIT;
		if (((size_t)b[3] << 8 | b[4]) != 1)
			return SIDE_HELLO_PASS;
		skip = SIDE_CCS_RECORD;
		h = b + skip;
		n -= (ssize_t)skip;
	}
	if (n == 0)
		return skip > 0 && !s->fin ? SIDE_HELLO_WAIT : SIDE_HELLO_PASS;
	if (h[0] != SIDE_CT_HANDSHAKE || (n > SIDE_RECORD_HEADER &&
	    h[SIDE_RECORD_HEADER] != SIDE_HT_CLIENT_HELLO))
		return SIDE_HELLO_PASS;
	if (n < SIDE_RECORD_HEADER + SIDE_HANDSHAKE_HEADER)
		return s->fin ? SIDE_HELLO_PASS : SIDE_HELLO_WAIT;
	if (((size_t)h[3] << 8 | h[4]) < SIDE_HANDSHAKE_HEADER)
		return SIDE_HELLO_REFUSE;
	announced = (size_t)h[6] << 16 | (size_t)h[7] << 8 | h[8];
	if (announced > s->hello_limit)
		return SIDE_HELLO_REFUSE;
	need = SIDE_RECORD_HEADER + SIDE_HANDSHAKE_HEADER + announced;
	/* Usually all of it is in the peek; else count what waits. */
	if (s->fin || (size_t)n >= need ||
	    ioctl(s->fd, FIONREAD, &pending) == -1 ||
	    (size_t)pending >= skip + need)
		return SIDE_HELLO_PASS;
	return SIDE_HELLO_WAIT;
}

/* A fatal illegal_parameter alert, as libssl sends for an excessive
 * message; best effort, the connection closes after it anyway. */
static void
side_hello_refuse(struct tf_side *s)
{
	static const uint8_t	alert[] = { 21, 3, 1, 0, 2, 2, 47 };

	(void)send(s->fd, alert, sizeof(alert), MSG_DONTWAIT | MSG_NOSIGNAL);
	s->error = "ClientHello larger than limits.client_hello";
	s->hello_refused = true;
}

/*
 * Our own ServerHello going out (libssl hands each record to the BIO in
 * its own write, so it starts a write). A HelloRetryRequest is answered
 * by a second ClientHello, which the gate looks at as it did the first;
 * after any other, no ClientHello can come, and libssl may read ahead
 * again.
 */
static void
side_hello_watch(struct tf_side *s, const char *data, int len)
{
	const uint8_t	*d = (const uint8_t *)data;

	if (s->hello_limit == 0 || s->relaying ||
	    len < SIDE_RANDOM_AT + (int)sizeof(side_hrr_random) ||
	    d[0] != SIDE_CT_HANDSHAKE ||
	    d[SIDE_RECORD_HEADER] != SIDE_HT_SERVER_HELLO)
		return;
	if (memcmp(d + SIDE_RANDOM_AT, side_hrr_random,
	    sizeof(side_hrr_random)) == 0)
		s->hello_gate = true;
	else
		SSL_set_read_ahead(s->ssl, 1);
}

/*
 * Without read-ahead until our ServerHello, libssl reads one record at a
 * time, so what a client sends after its ClientHello (a second one,
 * pipelined before our HelloRetryRequest) stays in the socket for the
 * gate to look at, not in libssl's buffer.
 */
void
tf_side_limit_hello(struct tf_side *s, uint32_t limit)
{
	s->hello_limit = limit;
	s->hello_gate = limit > 0;
	if (s->ssl != NULL && limit > 0)
		SSL_set_read_ahead(s->ssl, 0);
}

/* BIO write: append to s->out; when it is full, send what it holds. */
static int
side_bio_write(BIO *bio, const char *data, int len)
{
	struct tf_side	*s = BIO_get_data(bio);
	struct tf_buf	*o = &s->out;
	size_t		 room;

	BIO_clear_retry_flags(bio);
	if (len <= 0)
		return 0;
	if (s->out_failed || side_out_reserve(s) == -1)
		return -1;
	/* We answer: the connection is ours, no copy is needed any more. */
	if (s->hello_keep) {
		s->hello_keep = false;
		tf_buf_free(&s->hello);
	}
	side_hello_watch(s, data, len);
	if (s->relaying && o->cap == TF_BUF_FLIGHT &&
	    o->off + o->len + (size_t)len > o->cap && side_out_upgrade(s) == -1)
		return -1;
	if (o->off + o->len == o->cap) {
		if (side_out_send(s) == -1)
			return -1;
		if (side_out_reserve(s) == -1)
			return -1;
	}
	if (o->off > 0 && o->off + o->len + (size_t)len > o->cap) {
		memmove(o->data, o->data + o->off, o->len);
		o->off = 0;
	}
	room = o->cap - o->off - o->len;
	if (room == 0) {
		BIO_set_retry_write(bio);
		return -1;
	}
	if (room > (size_t)len)
		room = (size_t)len;
	memcpy(o->data + o->off + o->len, data, room);
	o->len += (uint32_t)room;
	return (int)room;
}

/*
 * BIO read: the socket, without the EAGAIN probe after a short read
 * (edge-triggered: more bytes raise a new event that clears in_drained).
 * EOF is remembered for BIO_eof(), which libssl asks to tell a FIN
 * without close_notify from a reset.
 */
/* Append what libssl read to the copy (tf_side_keep_hello). */
static void
side_hello_copy(struct tf_side *s, const char *buf, size_t n)
{
	struct tf_buf	*h = &s->hello;

	if (h->len + n > TF_SIDE_HELLO_KEEP ||
	    tf_buf_reserve(h, TF_BUF_SMALL) == -1) {
		s->hello_keep = false;
		s->hello_lost = true;
		tf_buf_free(h);
		return;
	}
	memcpy(h->data + h->len, buf, n);
	h->len += (uint32_t)n;
}

static int
side_bio_read(BIO *bio, char *buf, int len)
{
	struct tf_side	*s = BIO_get_data(bio);
	ssize_t		 n;

	BIO_clear_retry_flags(bio);
	if (len <= 0)
		return 0;
	if (s->in_drained) {
		BIO_set_retry_read(bio);
		return -1;
	}
	if (s->hello_gate) {
		switch (side_hello_check(s)) {
		case SIDE_HELLO_WAIT:
			/* Looked at again on the next edge. */
			s->in_drained = true;
			BIO_set_retry_read(bio);
			return -1;
		case SIDE_HELLO_REFUSE:
			side_hello_refuse(s);
			return -1;
		case SIDE_HELLO_PASS:
			s->hello_gate = false;
			break;
		}
	}
	while ((n = read(s->fd, buf, (size_t)len)) == -1 && errno == EINTR)
		continue;
	if (n > 0) {
		if (n < len && !s->fin)
			s->in_drained = true;
		if (s->hello_keep)
			side_hello_copy(s, buf, (size_t)n);
		return (int)n;
	}
	if (n == 0) {
		s->in_eof = true;
		return 0;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK) {
		s->in_drained = true;
		BIO_set_retry_read(bio);
	}
	return -1;
}

/*
 * Flushing is deferred: the side's user sends s->out itself before it
 * waits for the peer (end of a handshake step, end of a relay pump, at
 * close), so a whole flight and the tickets after it leave together.
 */
static long
side_bio_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
	struct tf_side	*s = BIO_get_data(bio);

	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return s->out_failed ? -1 : 1;
	case BIO_CTRL_WPENDING:
		return (long)s->out.len;
	case BIO_CTRL_EOF:
		return s->in_eof;
	default:
		return 0;
	}
}

static int
side_bio_create(BIO *bio)
{
	BIO_set_init(bio, 1);
	return 1;
}

static BIO_METHOD *
side_bio_method_get(void)
{
	if (side_bio_method != NULL)
		return side_bio_method;
	side_bio_type = BIO_get_new_index() | BIO_TYPE_SOURCE_SINK;
	side_bio_method = BIO_meth_new(side_bio_type, "tlsfront side");
	if (side_bio_method == NULL ||
	    !BIO_meth_set_write(side_bio_method, side_bio_write) ||
	    !BIO_meth_set_read(side_bio_method, side_bio_read) ||
	    !BIO_meth_set_ctrl(side_bio_method, side_bio_ctrl) ||
	    !BIO_meth_set_create(side_bio_method, side_bio_create)) {
		BIO_meth_free(side_bio_method);
		side_bio_method = NULL;
	}
	return side_bio_method;
}

/*
 * libssl's info callback: remember the first fatal alert each way, for the
 * access line. The side is found through the SSL's BIO (its data), which
 * is s's until tf_side_end_tls takes it away.
 */
static void
side_info_cb(const SSL *ssl, int where, int value)
{
	struct tf_side	*s;
	BIO		*bio;

	if ((where & SSL_CB_ALERT) == 0 || (value >> 8) != SSL3_AL_FATAL ||
	    (bio = SSL_get_rbio(ssl)) == NULL ||
	    BIO_method_type(bio) != side_bio_type ||
	    (s = BIO_get_data(bio)) == NULL)
		return;
	if ((where & SSL_CB_WRITE) != 0 && s->alert_sent == 0)
		s->alert_sent = (uint16_t)value;
	else if ((where & SSL_CB_READ) != 0 && s->alert_received == 0)
		s->alert_received = (uint16_t)value;
}

int
tf_side_init_tls(struct tf_side *s, enum tf_side_role role, int fd,
    SSL *ssl)
{
	BIO_METHOD	*method = side_bio_method_get();
	BIO		*bio;

	tf_side_init(s, role, fd);
	if (method == NULL || (bio = BIO_new(method)) == NULL)
		return -1;
	BIO_set_data(bio, s);
	SSL_set_bio(ssl, bio, bio);
	SSL_set_info_callback(ssl, side_info_cb);
	/* One read() per flight or burst, not a header and a body each. */
	SSL_set_read_ahead(ssl, 1);
	s->ssl = ssl;
	return 0;
}

int
tf_side_handshake(struct tf_side *s)
{
	int	r, err;

	for (;;) {
		ERR_clear_error();
		r = SSL_do_handshake(s->ssl);
		if (r == 1) {
			s->read_block = 0;
			s->hello_gate = false;
			SSL_set_read_ahead(s->ssl, 1);
			return 1;
		}
		err = SSL_get_error(s->ssl, r);
		if (err == SSL_ERROR_WANT_CLIENT_HELLO_CB)
			return 2;
		if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
			break;
		/* Send the flight, then wait for the peer's answer. */
		r = side_out_send(s);
		if (r == -1)
			break;
		if (err == SSL_ERROR_WANT_WRITE && r == 1)
			continue;
		s->read_block = err == SSL_ERROR_WANT_READ ? TF_IO_READ : 0;
		return 0;
	}
	s->failed = true;
	if (s->error == NULL) {
		s->error_code = ERR_peek_error();
		s->error = side_ssl_reason(s);
	} else
		ERR_clear_error();
	return -1;
}

bool
tf_side_wake(struct tf_side *s, unsigned what)
{
	bool	moved = false;

	if (what & TF_IO_FIN) {
		s->fin = true;
		what |= TF_IO_READ;
	}
	if (what & TF_IO_READ)
		s->in_drained = false;
	if (s->read_block & what) {
		s->read_block = 0;
		moved = true;
	}
	if (s->write_block & what) {
		s->write_block = 0;
		moved = true;
	}
	if ((what & TF_IO_WRITE) && s->out_block) {
		s->out_block = false;
		moved = true;
	}
	return moved;
}

void
tf_side_start_relay(struct tf_side *s)
{
	s->relaying = true;
	s->read_block = 0;
	s->write_block = 0;
}

/*
 * SSL_read (reading) or SSL_write/SSL_shutdown failed with err. Returns 0
 * (waiting, as the op's block now says, or for a read the end of the
 * stream) or -1.
 */
static int
side_tls_stopped(struct tf_side *s, int err, bool reading)
{
	uint8_t		*op_block = reading ? &s->read_block : &s->write_block;
	unsigned long	 e;

	switch (err) {
	case SSL_ERROR_WANT_READ:
		*op_block = TF_IO_READ;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		*op_block = TF_IO_WRITE;
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		if (!reading)
			goto reset;
		s->eof = true;
		return 0;
	case SSL_ERROR_SSL:
		e = ERR_peek_error();
		s->failed = true;
		if (reading &&
		    ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			/* A FIN without close_notify: the stream may be cut. */
			ERR_clear_error();
			s->eof = true;
			s->truncated = true;
			return 0;
		}
		s->error_code = ERR_peek_error();
		s->error = side_ssl_reason(s);
		return -1;
	default:
	reset:
		s->failed = true;
		s->error = side_words[s->role].reset;
		ERR_clear_error();
		return -1;
	}
}

static ssize_t
side_tls_read(struct tf_side *s, void *buf, size_t len)
{
	int	n;

	ERR_clear_error();
	n = SSL_read(s->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
	if (n > 0)
		return n;
	return side_tls_stopped(s, SSL_get_error(s->ssl, n), true);
}

static ssize_t
side_plain_read(struct tf_side *s, void *buf, size_t len)
{
	ssize_t	n;

	for (;;) {
		n = recv(s->fd, buf, len, 0);
		/*
		 * A short read is not taken as "empty": a reset that came
		 * after the bytes read is reported by the next recv() only,
		 * and its edge may have been consumed already (libevent
		 * reports a hang-up as plain read+write, without EV_CLOSED).
		 * The caller reads on until EAGAIN, the EOF or the error.
		 */
		if (n > 0)
			return n;
		if (n == 0) {
			s->eof = true;
			return 0;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			s->read_block = TF_IO_READ;
			return 0;
		}
		if (errno != EINTR) {
			s->error = side_words[s->role].read_failed;
			return -1;
		}
	}
}

ssize_t
tf_side_read(struct tf_side *s, void *buf, size_t len)
{
	return s->ssl != NULL ? side_tls_read(s, buf, len) :
	    side_plain_read(s, buf, len);
}

static ssize_t
side_tls_write(struct tf_side *s, const void *buf, size_t len)
{
	int	n;

	if (s->failed)
		return 0;
	ERR_clear_error();
	n = SSL_write(s->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
	if (n > 0)
		return n;
	return side_tls_stopped(s, SSL_get_error(s->ssl, n), false);
}

static ssize_t
side_plain_write(struct tf_side *s, const void *buf, size_t len)
{
	ssize_t	n;

	for (;;) {
		n = send(s->fd, buf, len, MSG_NOSIGNAL);
		if (n > 0)
			return n;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			s->write_block = TF_IO_WRITE;
			return 0;
		}
		if (errno != EINTR) {
			s->error = side_words[s->role].write_failed;
			return -1;
		}
	}
}

ssize_t
tf_side_write(struct tf_side *s, const void *buf, size_t len)
{
	if (s->write_block != 0)
		return 0;
	return s->ssl != NULL ? side_tls_write(s, buf, len) :
	    side_plain_write(s, buf, len);
}

int
tf_side_shutdown(struct tf_side *s)
{
	int	r;

	if (s->shut_sent)
		return 0;
	if (s->ssl == NULL) {
		/* Once the peer's EOF is read, close() is about to send the
		 * same FIN. */
		if (!s->eof)
			shutdown(s->fd, SHUT_WR);
		s->shut_sent = true;
		return 0;
	}
	if (s->failed || s->write_block != 0)
		return 0;
	ERR_clear_error();
	if ((r = SSL_shutdown(s->ssl)) >= 0) {
		s->shut_sent = true;
		return 0;
	}
	return side_tls_stopped(s, SSL_get_error(s->ssl, r), false);
}

uint32_t
tf_side_write_room(const struct tf_side *s, uint32_t chunk)
{
	uint32_t	room, slack;

	if (s->ssl == NULL)
		return chunk;
	/* An absent buffer counts as the one the BIO would take;
	 * side_out_upgrade() makes a flight-sized one so. */
	if (s->out.data == NULL || s->out.cap == TF_BUF_FLIGHT)
		room = (s->bulk_write ? TF_BUF_LARGE : TF_BUF_SMALL) -
		    s->out.len;
	else
		room = s->out.cap - s->out.len;
	slack = (chunk / TF_BUF_SMALL_CHUNK + 1) * SIDE_RECORD_OVERHEAD;
	if (room < slack + SIDE_MIN_READ)
		return 0;
	return room - slack < chunk ? room - slack : chunk;
}

void
tf_side_set_bulk_read(struct tf_side *s)
{
	/* read_ahead takes up to four records per read() (libssl sizes its
	 * next read buffer by this, and frees it whenever it is empty). */
	if (s->ssl != NULL)
		SSL_set_default_read_buffer_len(s->ssl, TF_BUF_LARGE);
}

void
tf_side_set_bulk_write(struct tf_side *s)
{
	s->bulk_write = true;
}

bool
tf_side_out_done(const struct tf_side *s)
{
	return s->out.len == 0 || s->out_failed;
}

void
tf_side_close(struct tf_side *s, bool notify)
{
	if (s->fd == -1)
		return;
	if (notify && s->ssl != NULL && !s->failed && !s->shut_sent &&
	    SSL_is_init_finished(s->ssl)) {
		ERR_clear_error();
		if (SSL_shutdown(s->ssl) >= 0)
			s->shut_sent = true;
		ERR_clear_error();
	}
	(void)side_out_send(s);		/* what is still there: alert, tickets */
	close(s->fd);
	s->fd = -1;
}

void
tf_side_keep_hello(struct tf_side *s)
{
	s->hello_keep = true;
}

SSL *
tf_side_end_tls(struct tf_side *s, struct tf_buf *into)
{
	SSL	*ssl = s->ssl;

	if (ssl == NULL || !s->hello_keep || s->hello_lost)
		return NULL;
	*into = s->hello;
	memset(&s->hello, 0, sizeof(s->hello));
	s->hello_keep = false;
	/* The BIO points at s: gone with it, libssl cannot touch s again. */
	SSL_set_bio(ssl, NULL, NULL);
	tf_buf_free(&s->out);
	s->ssl = NULL;
	s->hello_gate = false;
	s->read_block = s->write_block = 0;
	s->out_block = false;
	s->in_drained = false;
	return ssl;
}

void
tf_side_free(struct tf_side *s)
{
	tf_buf_free(&s->out);
	tf_buf_free(&s->hello);
	SSL_free(s->ssl);
	s->ssl = NULL;
}
