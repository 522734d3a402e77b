/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the relay. Bytes read from one side wait in that direction's
 * buffer until the other side has taken them all; while they wait, that
 * side is not read (backpressure), so a connection holds at most one chunk
 * per direction plus one chunk's worth of TLS records not yet sent. An end
 * of stream on one side is passed on (close_notify <-> shutdown(SHUT_WR))
 * once everything before it has been written.
 *
 * TLS records go through a write BIO of our own: they are gathered in the
 * connection's out buffer and sent with one send() per handshake flight or
 * relayed burst (up to four full records), instead of one write() each.
 */
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "conn.h"
#include "relay.h"

/* Free large buffers kept for reuse; the rest are unmapped. Workers are
 * single-threaded processes, so the pool is per worker. */
#define TF_RELAY_POOL_MAX	8

static void	*relay_pool[TF_RELAY_POOL_MAX];
static size_t	 relay_pool_len;

static BIO_METHOD	*relay_bio_method;

static void *
relay_large_get(void)
{
	void	*p;

	if (relay_pool_len > 0)
		return relay_pool[--relay_pool_len];
	p = mmap(NULL, TF_RELAY_BUFSZ, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* Give b a buffer of size bytes if it has none (TF_RELAY_BUFSZ: large,
 * pooled; anything else: malloc). */
static int
relay_buf_reserve_size(struct tf_buf *b, uint32_t size)
{
	if (b->data != NULL)
		return 0;
	b->cap = size;
	b->data = size == TF_RELAY_BUFSZ ? relay_large_get() : malloc(size);
	b->off = b->len = 0;
	return b->data == NULL ? -1 : 0;
}

/* Give b a buffer if it has none: large for a bulk direction. */
static int
relay_buf_reserve(struct tf_buf *b, bool large)
{
	return relay_buf_reserve_size(b, large ? TF_RELAY_BUFSZ :
	    TF_RELAY_SMALL_BUFSZ);
}

/* c->out: small for the handshake, a record or four when relaying. */
static int
relay_out_reserve(struct tf_conn *c)
{
	if (c->state != TF_CONN_RELAYING)
		return relay_buf_reserve_size(&c->out, TF_RELAY_FLIGHT_BUFSZ);
	return relay_buf_reserve(&c->out, c->bulk_out);
}

/* How much plaintext to read into b at once. */
static uint32_t
relay_buf_chunk(const struct tf_buf *b)
{
	return b->cap == TF_RELAY_BUFSZ ? TF_RELAY_CHUNK :
	    TF_RELAY_SMALL_CHUNK;
}

static void
relay_buf_free(struct tf_buf *b)
{
	if (b->data == NULL)
		return;
	if (b->cap != TF_RELAY_BUFSZ)
		free(b->data);
	else if (relay_pool_len < TF_RELAY_POOL_MAX)
		relay_pool[relay_pool_len++] = b->data;
	else
		munmap(b->data, TF_RELAY_BUFSZ);
	b->data = NULL;
	b->off = b->len = 0;
}

/*
 * Relaying, with handshake bytes still in the flight-sized c->out (the
 * tickets) and a record that does not fit after them (the first
 * response, when it came in the same turn): move them to a relay-sized
 * buffer, so they leave together in one send().
 */
static int
relay_out_upgrade(struct tf_conn *c)
{
	struct tf_buf	*o = &c->out, big = { NULL, 0, 0, 0 };

	if (o->data == NULL || o->cap != TF_RELAY_FLIGHT_BUFSZ)
		return 0;
	if (relay_buf_reserve(&big, c->bulk_out) == -1)
		return -1;
	memcpy(big.data, o->data + o->off, o->len);
	big.len = o->len;
	relay_buf_free(o);
	*o = big;
	return 0;
}

/* Reserve an empty b for reading, moving it up to a large buffer once
 * its direction is bulk. */
static int
relay_buf_reserve_for(struct tf_buf *b, bool large)
{
	if (b->data != NULL && b->len == 0 && large &&
	    b->cap != TF_RELAY_BUFSZ)
		relay_buf_free(b);
	return relay_buf_reserve(b, large);
}

static void
relay_buf_consumed(struct tf_buf *b, size_t n)
{
	b->off += (uint32_t)n;
	b->len -= (uint32_t)n;
	if (b->len == 0)
		b->off = 0;
}

static void
relay_buf_release_if_empty(struct tf_buf *b)
{
	if (b->len == 0)
		relay_buf_free(b);
}

void
tf_relay_release(struct tf_conn *c)
{
	relay_buf_free(&c->to_backend);
	relay_buf_free(&c->to_client);
	relay_buf_free(&c->out);
}

int
tf_relay_out_flush(struct tf_conn *c)
{
	struct tf_buf	*o = &c->out;
	ssize_t		 n;

	if (c->out_failed)
		return -1;
	while (o->len > 0) {
		n = send(c->cfd, o->data + o->off, o->len, MSG_NOSIGNAL);
		if (n > 0) {
			relay_buf_consumed(o, (size_t)n);
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			c->out_block = true;
			return 0;
		} else if (errno != EINTR) {
			c->out_failed = true;
			return -1;
		}
	}
	c->out_block = false;
	relay_buf_free(o);
	return 1;
}

/* BIO write: append to c->out; when it is full, send what it holds. */
static int
relay_bio_write(BIO *bio, const char *data, int len)
{
	struct tf_conn	*c = BIO_get_data(bio);
	struct tf_buf	*o = &c->out;
	size_t		 room;

	BIO_clear_retry_flags(bio);
	if (len <= 0)
		return 0;
	if (c->out_failed || relay_out_reserve(c) == -1)
		return -1;
	if (c->state == TF_CONN_RELAYING && o->cap == TF_RELAY_FLIGHT_BUFSZ &&
	    o->off + o->len + (size_t)len > o->cap && relay_out_upgrade(c) == -1)
		return -1;
	if (o->off + o->len == o->cap) {
		if (tf_relay_out_flush(c) == -1)
			return -1;
		if (relay_out_reserve(c) == -1)
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
 * BIO read: the client socket, without the EAGAIN probe after a short
 * read (edge-triggered: more bytes raise a new event that clears
 * in_drained). EOF is remembered for BIO_eof(), which libssl asks to tell
 * a FIN without close_notify from a reset.
 */
static int
relay_bio_read(BIO *bio, char *buf, int len)
{
	struct tf_conn	*c = BIO_get_data(bio);
	ssize_t		 n;

	BIO_clear_retry_flags(bio);
	if (len <= 0)
		return 0;
	if (c->in_drained) {
		BIO_set_retry_read(bio);
		return -1;
	}
	while ((n = read(c->cfd, buf, (size_t)len)) == -1 && errno == EINTR)
		continue;
	if (n > 0) {
		if (n < len && !c->client_fin)
			c->in_drained = true;
		return (int)n;
	}
	if (n == 0) {
		c->in_eof = true;
		return 0;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK) {
		c->in_drained = true;
		BIO_set_retry_read(bio);
	}
	return -1;
}

/*
 * Flushing is deferred: the connection sends c->out itself before it
 * waits for the client (end of a handshake step, end of a relay pump, at
 * close), so a whole flight and the tickets after it leave together.
 */
static long
relay_bio_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
	struct tf_conn	*c = BIO_get_data(bio);

	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return c->out_failed ? -1 : 1;
	case BIO_CTRL_WPENDING:
		return (long)c->out.len;
	case BIO_CTRL_EOF:
		return c->in_eof;
	default:
		return 0;
	}
}

static int
relay_bio_create(BIO *bio)
{
	BIO_set_init(bio, 1);
	return 1;
}

int
tf_relay_attach_bio(struct tf_conn *c)
{
	BIO	*bio;

	if (relay_bio_method == NULL) {
		relay_bio_method = BIO_meth_new(BIO_get_new_index() |
		    BIO_TYPE_SOURCE_SINK, "tlsfront out");
		if (relay_bio_method == NULL ||
		    !BIO_meth_set_write(relay_bio_method, relay_bio_write) ||
		    !BIO_meth_set_read(relay_bio_method, relay_bio_read) ||
		    !BIO_meth_set_ctrl(relay_bio_method, relay_bio_ctrl) ||
		    !BIO_meth_set_create(relay_bio_method, relay_bio_create)) {
			BIO_meth_free(relay_bio_method);
			relay_bio_method = NULL;
			return -1;
		}
	}
	if ((bio = BIO_new(relay_bio_method)) == NULL)
		return -1;
	BIO_set_data(bio, c);
	SSL_set_bio(c->ssl, bio, bio);
	return 0;
}

/*
 * How much plaintext (up to chunk) c->out can still take as TLS records,
 * allowing TF_RELAY_RECORD_OVERHEAD per record; 0 if less than a useful
 * amount. An absent buffer counts as the one the BIO would take.
 */
#define TF_RELAY_RECORD_OVERHEAD	256
#define TF_RELAY_MIN_READ		4096

static uint32_t
relay_out_room(const struct tf_conn *c, uint32_t chunk)
{
	uint32_t	room, slack;

	if (c->out.data == NULL || c->out.cap == TF_RELAY_FLIGHT_BUFSZ)
		room = (c->bulk_out ? TF_RELAY_BUFSZ : TF_RELAY_SMALL_BUFSZ) -
		    c->out.len;	/* relay_out_upgrade() makes it so */
	else
		room = c->out.cap - c->out.len;
	slack = (chunk / TF_RELAY_SMALL_CHUNK + 1) * TF_RELAY_RECORD_OVERHEAD;
	if (room < slack + TF_RELAY_MIN_READ)
		return 0;
	return room - slack < chunk ? room - slack : chunk;
}

/* Sending TLS records to the client failed: close. Returns -1. */
static int
relay_client_send_failed(struct tf_conn *c)
{
	c->ssl_failed = true;
	c->detail = "client connection reset";
	tf_conn_close(c, TF_END_CLIENT_ERROR);
	return -1;
}

/* Write what is buffered for the backend. 1: all written, 0: blocked. */
static int
relay_flush_to_backend(struct tf_conn *c)
{
	struct tf_buf	*b = &c->to_backend;
	ssize_t		 n;

	while (b->len > 0) {
		if (c->backend_write_block)
			return 0;
		n = send(c->bfd, b->data + b->off, b->len, MSG_NOSIGNAL);
		if (n > 0) {
			relay_buf_consumed(b, (size_t)n);
			tf_conn_touch(c);
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			c->backend_write_block = true;
			return 0;
		} else if (errno != EINTR) {
			c->detail = "write to backend failed";
			tf_conn_close(c, TF_END_BACKEND_ERROR);
			return -1;
		}
	}
	return 1;
}

/* SSL_read failed with err: record why the client side stopped. */
static int
relay_client_read_failed(struct tf_conn *c, int err)
{
	unsigned long	e;

	switch (err) {
	case SSL_ERROR_WANT_READ:
		c->ssl_read_block = EV_READ;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		c->ssl_read_block = EV_WRITE;
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		c->client_eof = true;
		return 0;
	case SSL_ERROR_SSL:
		e = ERR_peek_error();
		c->ssl_failed = true;
		if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			/* A FIN without close_notify: the stream may be cut. */
			ERR_clear_error();
			c->client_eof = true;
			c->client_truncated = true;
			return 0;
		}
		c->detail = ERR_reason_error_string(e);
		ERR_clear_error();
		tf_conn_close(c, TF_END_CLIENT_ERROR);
		return -1;
	default:
		c->ssl_failed = true;
		c->detail = "client connection reset";
		ERR_clear_error();
		tf_conn_close(c, TF_END_CLIENT_ERROR);
		return -1;
	}
}

/* SSL_read into b until it is full or SSL_read stops: bytes read, or -1
 * with *err set to SSL_get_error() of the call that stopped. */
static int
relay_read_client(struct tf_conn *c, struct tf_buf *b, int *err)
{
	uint32_t	chunk = relay_buf_chunk(b);
	int		n, got = 0;

	*err = SSL_ERROR_NONE;
	while (b->len < chunk) {
		ERR_clear_error();
		n = SSL_read(c->ssl, b->data + b->len, (int)(chunk - b->len));
		if (n <= 0) {
			*err = SSL_get_error(c->ssl, n);
			break;
		}
		b->len += (uint32_t)n;
		got += n;
	}
	if (b->len == chunk && !c->bulk_in) {
		/* A bulk upload: let read_ahead take up to four records per
		 * read() (libssl sizes its next read buffer by this; it
		 * frees the buffer whenever it is empty, as before). */
		c->bulk_in = true;
		SSL_set_default_read_buffer_len(c->ssl, TF_RELAY_BUFSZ);
	}
	return got;
}

/* Client -> backend until blocked or finished. Returns -1 if c closed. */
static int
relay_to_backend(struct tf_conn *c)
{
	struct tf_buf	*b = &c->to_backend;
	int		 n, r, err;

	for (;;) {
		if ((r = relay_flush_to_backend(c)) <= 0)
			return r;
		if (c->client_eof || c->ssl_read_block != 0)
			relay_buf_release_if_empty(b);
		if (c->client_eof) {
			/* Once the backend's EOF is read, close() is about
			 * to send the same FIN. */
			if (!c->backend_shut_sent && !c->backend_eof)
				shutdown(c->bfd, SHUT_WR);
			c->backend_shut_sent = true;
			return 0;
		}
		if (c->ssl_read_block != 0)
			return 0;
		if (relay_buf_reserve_for(b, c->bulk_in) == -1) {
			tf_conn_close(c, TF_END_NO_MEMORY);
			return -1;
		}
		n = relay_read_client(c, b, &err);
		if (n > 0) {
			c->bytes_in += (uint64_t)n;
			tf_conn_touch(c);
		}
		if (err == SSL_ERROR_NONE)
			continue;
		relay_buf_release_if_empty(b);
		if (relay_client_read_failed(c, err) == -1)
			return -1;
		if (!c->client_eof && b->len == 0)
			return 0;
	}
}

/* SSL_write/SSL_shutdown failed with err. Returns -1 if c closed. */
static int
relay_client_write_failed(struct tf_conn *c, int err)
{
	switch (err) {
	case SSL_ERROR_WANT_WRITE:
		c->ssl_write_block = EV_WRITE;
		return 0;
	case SSL_ERROR_WANT_READ:
		c->ssl_write_block = EV_READ;
		return 0;
	default:
		c->ssl_failed = true;
		c->detail = err == SSL_ERROR_SSL ?
		    ERR_reason_error_string(ERR_peek_error()) :
		    "client connection reset";
		ERR_clear_error();
		tf_conn_close(c, TF_END_CLIENT_ERROR);
		return -1;
	}
}

/* Write what is buffered for the client. 1: all written, 0: blocked. */
static int
relay_flush_to_client(struct tf_conn *c)
{
	struct tf_buf	*b = &c->to_client;
	int		 n;

	while (b->len > 0) {
		if (c->ssl_write_block != 0 || c->ssl_failed)
			return 0;
		ERR_clear_error();
		n = SSL_write(c->ssl, b->data + b->off, (int)b->len);
		if (n <= 0)
			return relay_client_write_failed(c,
			    SSL_get_error(c->ssl, n));
		relay_buf_consumed(b, (size_t)n);
		c->bytes_out += (uint64_t)n;
		tf_conn_touch(c);
	}
	return 1;
}

/* The backend is done and all its bytes are out: send close_notify. */
static int
relay_send_close_notify(struct tf_conn *c)
{
	int	r;

	if (c->client_shut_sent || c->ssl_failed || c->ssl_write_block != 0)
		return 0;
	ERR_clear_error();
	if ((r = SSL_shutdown(c->ssl)) >= 0) {
		c->client_shut_sent = true;
		return 0;
	}
	return relay_client_write_failed(c, SSL_get_error(c->ssl, r));
}

/* Backend -> client until blocked or finished. Returns -1 if c closed. */
static int
relay_to_client(struct tf_conn *c)
{
	struct tf_buf	*b = &c->to_client;
	ssize_t		 n;
	uint32_t	 want;
	int		 r;

	for (;;) {
		if ((r = relay_flush_to_client(c)) <= 0)
			return r;
		if (c->backend_eof) {
			relay_buf_release_if_empty(b);
			return relay_send_close_notify(c);
		}
		if (c->backend_read_block) {
			relay_buf_release_if_empty(b);
			return 0;
		}
		if (relay_buf_reserve_for(b, c->bulk_out) == -1) {
			tf_conn_close(c, TF_END_NO_MEMORY);
			return -1;
		}
		/* Read no more than c->out can take as records: a client
		 * that does not read holds one buffer, not two. */
		if ((want = relay_out_room(c, relay_buf_chunk(b))) == 0) {
			if ((r = tf_relay_out_flush(c)) != 1) {
				relay_buf_release_if_empty(b);
				return r == 0 ? 0 : relay_client_send_failed(c);
			}
			want = relay_out_room(c, relay_buf_chunk(b));
		}
		n = recv(c->bfd, b->data, want, 0);
		if (n > 0) {
			if ((uint32_t)n == relay_buf_chunk(b))
				c->bulk_out = true;
			/* A short read emptied the socket: no EAGAIN probe,
			 * more bytes raise a new edge (after EV_CLOSED the
			 * reads go on to the EOF, which raises none). */
			if ((uint32_t)n < want && !c->backend_fin)
				c->backend_read_block = true;
			b->off = 0;
			b->len = (uint32_t)n;
			continue;
		}
		relay_buf_release_if_empty(b);
		if (n == 0) {
			c->backend_eof = true;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			c->backend_read_block = true;
			return 0;
		} else if (errno != EINTR) {
			c->detail = "read from backend failed";
			tf_conn_close(c, TF_END_BACKEND_ERROR);
			return -1;
		}
	}
}

static bool
relay_finished(const struct tf_conn *c)
{
	return c->client_eof && c->backend_shut_sent &&
	    c->backend_eof && c->to_client.len == 0 &&
	    (c->client_shut_sent || c->ssl_failed) &&
	    (c->out.len == 0 || c->out_failed);
}

/* Move what can move, then wait for exactly what each side blocks on. */
static int
relay_pump(struct tf_conn *c)
{
	bool	moved;
	int	r;

	for (;;) {
		if (relay_to_backend(c) == -1 || relay_to_client(c) == -1)
			return -1;
		moved = c->out_block;
		if ((r = tf_relay_out_flush(c)) == -1 && !c->ssl_failed)
			return relay_client_send_failed(c);
		if (r != 1)
			break;		/* still full: EV_WRITE moves it */
		/*
		 * c->out is empty now: whatever stopped for room in it (the
		 * backend side before reading more, SSL_write, or SSL_read
		 * with a record of its own to send) goes on. The client took
		 * the bytes already, and no EV_WRITE edge may come to say so.
		 */
		if (c->ssl_write_block == EV_WRITE) {
			c->ssl_write_block = 0;
			moved = true;
		}
		if (c->ssl_read_block == EV_WRITE) {
			c->ssl_read_block = 0;
			moved = true;
		}
		if (!moved)
			break;
	}
	if (c->client_truncated &&
	    !(c->backend_eof && c->to_client.len == 0)) {
		/* The client went away mid-stream; what the backend still
		 * sends cannot be delivered over a TLS session that failed. */
		c->detail = "client closed without close_notify";
		tf_conn_close(c, TF_END_CLIENT_ERROR);
		return -1;
	}
	if (relay_finished(c)) {
		tf_conn_close(c, TF_END_CLOSED);
		return -1;
	}
	return 0;
}

int
tf_relay_start(struct tf_conn *c)
{
	c->ssl_read_block = 0;
	c->ssl_write_block = 0;
	c->backend_read_block = false;
	c->backend_write_block = false;
	return relay_pump(c);
}

/* Edge-triggered events: only what something blocks on moves the relay. */
int
tf_relay_client_event(struct tf_conn *c, short what)
{
	bool	moved = false;

	if (c->ssl_read_block & what) {
		c->ssl_read_block = 0;
		moved = true;
	}
	if (c->ssl_write_block & what) {
		c->ssl_write_block = 0;
		moved = true;
	}
	if ((what & EV_WRITE) && c->out_block) {
		c->out_block = false;
		moved = true;
	}
	return moved ? relay_pump(c) : 0;
}

int
tf_relay_backend_event(struct tf_conn *c, short what)
{
	bool	moved = false;

	if ((what & EV_READ) && c->backend_read_block) {
		c->backend_read_block = false;
		moved = true;
	}
	if ((what & EV_WRITE) && c->backend_write_block) {
		c->backend_write_block = false;
		moved = true;
	}
	return moved ? relay_pump(c) : 0;
}
