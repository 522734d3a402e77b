/*
 * tlsfront: the relay. Bytes read from one side wait in that direction's
 * buffer until the other side has taken them all; while they wait, that
 * side is not read (backpressure), so a connection holds at most one chunk
 * per direction. An end of stream on one side is passed on (close_notify
 * <-> shutdown(SHUT_WR)) once everything before it has been written.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "conn.h"
#include "relay.h"

/* Buffers exist only while bytes are in flight. */
static int
relay_buf_reserve(struct tf_buf *b)
{
	if (b->data == NULL && (b->data = malloc(TF_RELAY_CHUNK)) == NULL)
		return -1;
	return 0;
}

static void
relay_buf_consumed(struct tf_buf *b, size_t n)
{
	b->off += n;
	b->len -= n;
	if (b->len == 0)
		b->off = 0;
}

static void
relay_buf_release_if_empty(struct tf_buf *b)
{
	if (b->len == 0) {
		free(b->data);
		b->data = NULL;
	}
}

void
tf_relay_release(struct tf_conn *c)
{
	free(c->to_backend.data);
	free(c->to_client.data);
	c->to_backend.data = c->to_client.data = NULL;
	c->to_backend.len = c->to_client.len = 0;
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

/* Client -> backend until blocked or finished. Returns -1 if c closed. */
static int
relay_to_backend(struct tf_conn *c)
{
	struct tf_buf	*b = &c->to_backend;
	int		 n, r;

	for (;;) {
		if ((r = relay_flush_to_backend(c)) <= 0)
			return r;
		if (c->client_eof) {
			relay_buf_release_if_empty(b);
			if (!c->backend_shut_sent) {
				shutdown(c->bfd, SHUT_WR);
				c->backend_shut_sent = true;
			}
			return 0;
		}
		if (c->ssl_read_block != 0)
			return 0;
		if (relay_buf_reserve(b) == -1) {
			tf_conn_close(c, TF_END_NO_MEMORY);
			return -1;
		}
		ERR_clear_error();
		n = SSL_read(c->ssl, b->data, TF_RELAY_CHUNK);
		if (n > 0) {
			b->off = 0;
			b->len = (size_t)n;
			c->bytes_in += (uint64_t)n;
			tf_conn_touch(c);
			continue;
		}
		relay_buf_release_if_empty(b);
		if (relay_client_read_failed(c, SSL_get_error(c->ssl, n)) == -1)
			return -1;
		if (!c->client_eof)
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
	int		 r;

	for (;;) {
		if ((r = relay_flush_to_client(c)) <= 0)
			return r;
		if (c->backend_eof) {
			relay_buf_release_if_empty(b);
			return relay_send_close_notify(c);
		}
		if (c->backend_read_block)
			return 0;
		if (relay_buf_reserve(b) == -1) {
			tf_conn_close(c, TF_END_NO_MEMORY);
			return -1;
		}
		n = recv(c->bfd, b->data, TF_RELAY_CHUNK, 0);
		if (n > 0) {
			b->off = 0;
			b->len = (size_t)n;
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
	    (c->client_shut_sent || c->ssl_failed);
}

/* Move what can move, then wait for exactly what each side blocks on. */
static int
relay_pump(struct tf_conn *c)
{
	short	client_wait = 0, backend_wait = 0;

	if (relay_to_backend(c) == -1 || relay_to_client(c) == -1)
		return -1;
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
	if (!c->ssl_failed)
		client_wait = c->ssl_read_block | c->ssl_write_block;
	if (c->backend_read_block)
		backend_wait |= EV_READ;
	if (c->backend_write_block)
		backend_wait |= EV_WRITE;
	tf_conn_client_events(c, client_wait);
	tf_conn_backend_events(c, backend_wait);
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

int
tf_relay_client_event(struct tf_conn *c, short what)
{
	if (c->ssl_read_block & what)
		c->ssl_read_block = 0;
	if (c->ssl_write_block & what)
		c->ssl_write_block = 0;
	return relay_pump(c);
}

int
tf_relay_backend_event(struct tf_conn *c, short what)
{
	if (what & EV_READ)
		c->backend_read_block = false;
	if (what & EV_WRITE)
		c->backend_write_block = false;
	return relay_pump(c);
}
