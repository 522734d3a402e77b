/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: moving bytes between a connection's TLS client side and its
 * plaintext backend side, with backpressure and half-close.
 */
#ifndef TF_RELAY_H
#define TF_RELAY_H

struct tf_conn;

/*
 * Buffers exist only while bytes are in flight: an idle connection holds
 * none. A direction starts with small buffers (one TLS record's worth of
 * plaintext, from malloc); once one side fills a whole small chunk, that
 * direction moves to large ones (four full records, encrypted into one
 * buffer and sent with one send()), kept in a per-process pool of
 * mmap()ed buffers so that bulk transfers neither churn nor fragment the
 * heap.
 */
#define TF_RELAY_FLIGHT_BUFSZ	4096	/* handshake flights, tickets */
#define TF_RELAY_SMALL_CHUNK	16384
#define TF_RELAY_SMALL_BUFSZ	(TF_RELAY_SMALL_CHUNK + 1024)
#ifndef TF_RELAY_CHUNK		/* a multiple of TF_RELAY_SMALL_CHUNK */
#define TF_RELAY_CHUNK		65536
#endif
#define TF_RELAY_BUFSZ		(TF_RELAY_CHUNK + \
	(TF_RELAY_CHUNK / TF_RELAY_SMALL_CHUNK) * 1024)

#include <openssl/ssl.h>

/*
 * Give c's SSL its write BIO: TLS records are gathered in c->out and sent
 * with one send() per handshake flight or relayed burst. Returns -1 on
 * allocation failure.
 */
int	tf_relay_attach_bio(struct tf_conn *);

/* Send what c->out holds: 1 all sent, 0 blocked (c->out_block), -1 on
 * a send error (c->out_failed; the caller closes). */
int	tf_relay_out_flush(struct tf_conn *);

/* Both sides are connected: start relaying. Returns -1 if c was closed. */
int	tf_relay_start(struct tf_conn *);

/* The client or backend socket became ready for what (EV_READ/EV_WRITE).
 * Returns -1 if c was closed. */
int	tf_relay_client_event(struct tf_conn *, short what);
int	tf_relay_backend_event(struct tf_conn *, short what);

/* Free c's buffers (at close). */
void	tf_relay_release(struct tf_conn *);

#endif
