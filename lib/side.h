/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the transport of one side of a connection: its socket, its
 * TLS object if it speaks TLS, the records not yet sent, and what it is
 * blocked on. A plaintext side and a TLS side have the same interface, so
 * the relay and the handshake need not know which one they drive.
 */
#ifndef TF_SIDE_H
#define TF_SIDE_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "buf.h"

/*
 * Readiness, as the event loop reports it and a side waits for it. The
 * values are libevent's EV_READ, EV_WRITE and EV_CLOSED, so that an event's
 * flags are handed over as they come (daemon/conn.c asserts it); lib/
 * itself does not depend on libevent.
 */
#define TF_IO_READ	0x02
#define TF_IO_WRITE	0x04
#define TF_IO_FIN	0x80	/* the peer's FIN arrived: read to the end */
#define TF_IO_MASK	(TF_IO_READ | TF_IO_WRITE | TF_IO_FIN)

enum tf_side_role {
	TF_SIDE_CLIENT = 0,
	TF_SIDE_BACKEND,
};

/*
 * The socket is read and written until EAGAIN and the side records what
 * it waits for: an event matters only for that (edge-triggered). A TLS
 * side skips the EAGAIN probe after a short read (bytes or a FIN arriving
 * after it raise a new edge; after a reported FIN it reads on to the
 * EOF); a plaintext side does not, because a reset that came after the
 * bytes it read shows only in the next recv(), and libevent reports the
 * hang-up as plain read+write readiness that may have been consumed.
 */
struct tf_side {
	int			 fd;		/* -1: none */
	SSL			*ssl;		/* NULL: plaintext */
	enum tf_side_role	 role;
	struct tf_buf		 out;		/* TLS records not yet sent */
	uint8_t			 read_block;	/* TF_IO_* a read waits for */
	uint8_t			 write_block;	/* a write or shutdown */
	bool			 out_block;	/* out waits for TF_IO_WRITE */
	bool			 in_drained;	/* a short read emptied fd */
	bool			 in_eof;	/* read() returned 0 */
	bool			 fin;		/* TF_IO_FIN seen */
	bool			 eof;		/* end of the peer's stream */
	bool			 truncated;	/* TLS: FIN without close_notify */
	bool			 shut_sent;	/* close_notify or FIN sent */
	bool			 failed;	/* no more TLS I/O possible */
	bool			 out_failed;	/* sending failed */
	bool			 relaying;	/* past the handshake */
	bool			 bulk_write;	/* written in large chunks */
	uint32_t		 hello_limit;	/* largest ClientHello; 0: any */
	bool			 hello_gate;	/* a ClientHello is expected */
	bool			 hello_keep;	/* copy what libssl reads */
	bool			 hello_lost;	/* the copy did not fit */
	struct tf_buf		 hello;		/* that copy */
	const char		*error;		/* static: why it failed */
	unsigned long		 error_code;	/* libssl's, if it said why */
	bool			 hello_refused;	/* over limits.client_hello */
	/* The first fatal alert sent and received, as libssl's info
	 * callback reports it (level << 8 | description); 0: none. */
	uint16_t		 alert_sent;
	uint16_t		 alert_received;
};

/* Make s the plaintext transport of fd (not taken over yet: see
 * tf_side_close). */
void	tf_side_init(struct tf_side *s, enum tf_side_role, int fd);

/* Make s the TLS transport of fd through ssl (taken over: freed by
 * tf_side_free); ssl's BIO becomes s's socket. -1 on allocation failure
 * (ssl is then still the caller's). */
int	tf_side_init_tls(struct tf_side *s, enum tf_side_role, int fd,
	    SSL *ssl);

/*
 * A TLS server side (the client's): hold the client's first handshake
 * message back from libssl until all the bytes it announces have arrived,
 * and refuse one that announces more than limit bytes. libssl allocates
 * (and zeroes) the announced size as soon as it reads a handshake header,
 * so 9 bytes announcing 128 KB would otherwise pin 128 KB per connection;
 * held back, the bytes wait in the socket's receive buffer, and a message
 * costs memory only once it has really been sent. The second ClientHello
 * after a HelloRetryRequest is held back the same way.
 */
void	tf_side_limit_hello(struct tf_side *s, uint32_t limit);

/* Advance the TLS handshake: 1 done, 0 waiting (for what read_block or
 * out_block says), 2 paused by a ClientHello callback (a route that
 * passes the connection through), -1 failed (s->error says why). */
int	tf_side_handshake(struct tf_side *s);

/*
 * Keep a copy of the bytes libssl reads, until the first byte we send
 * (for passing the connection through untouched once its ClientHello
 * has been seen). At most TF_SIDE_HELLO_KEEP bytes are kept.
 */
#define TF_SIDE_HELLO_KEEP	16384
void	tf_side_keep_hello(struct tf_side *s);

/*
 * End TLS on s without a word to the peer: the bytes libssl read (kept
 * by tf_side_keep_hello) go into *into (empty; a relay buffer, taken
 * over), and s becomes the plaintext transport of its socket. Returns
 * the SSL, whose BIO is gone (the caller frees it), or NULL if the copy
 * was incomplete (s is unchanged then).
 */
SSL	*tf_side_end_tls(struct tf_side *s, struct tf_buf *into);

/* The event loop reports what (TF_IO_*) for s's socket. Returns whether
 * something s waited for can go on. */
bool	tf_side_wake(struct tf_side *s, unsigned what);

/* The handshake (if any) is over and both sides exist: start relaying
 * with nothing blocked. */
void	tf_side_start_relay(struct tf_side *s);

/*
 * Read up to len bytes: >0 bytes read; 0 nothing now (s->read_block set)
 * or the end of the stream (s->eof set; s->truncated for a TLS stream
 * cut without close_notify); -1 failed (s->error says why).
 */
ssize_t	tf_side_read(struct tf_side *s, void *buf, size_t len);

/* Write up to len bytes: >0 bytes taken, 0 blocked (s->write_block set),
 * -1 failed (s->error). */
ssize_t	tf_side_write(struct tf_side *s, const void *buf, size_t len);

/* End our stream once (close_notify or shutdown(SHUT_WR)): 0 sent or
 * waiting (s->write_block), -1 failed (s->error). */
int	tf_side_shutdown(struct tf_side *s);

/*
 * Send the TLS records s->out holds: 1 all sent, 0 blocked (s->out_block),
 * -1 failed (s->out_failed). When it empties s->out, a TLS write or read
 * that stopped for room in it can go on: *resumed says so (the peer took
 * the bytes already, and no TF_IO_WRITE edge may come to say it).
 */
int	tf_side_flush(struct tf_side *s, bool *resumed);

/* How much plaintext (up to chunk) s can take now without holding more
 * than one buffer of records; 0 if less than a useful amount. */
uint32_t tf_side_write_room(const struct tf_side *s, uint32_t chunk);

/* s reads / is written in bulk from now on: larger reads and records. */
void	tf_side_set_bulk_read(struct tf_side *s);
void	tf_side_set_bulk_write(struct tf_side *s);

/* Whether what s has to send is all out (or cannot be sent any more). */
bool	tf_side_out_done(const struct tf_side *s);

/*
 * At the end: a close_notify if notify and TLS still works (not waiting
 * for the peer's), one last flush of what is encrypted already, close the
 * socket. Without notify the peer sees its stream end without close_notify:
 * TLS's way of saying that it was cut.
 */
void	tf_side_close(struct tf_side *s, bool notify);

/* Free what s holds (its TLS object and buffer); after tf_side_close. */
void	tf_side_free(struct tf_side *s);

#endif
