/*
 * tlsfront: moving bytes between a connection's TLS client side and its
 * plaintext backend side, with backpressure and half-close.
 */
#ifndef TF_RELAY_H
#define TF_RELAY_H

struct tf_conn;

/* Largest plaintext chunk read from either side; one TLS record's worth. */
#define TF_RELAY_CHUNK	16384

/* Both sides are connected: start relaying. Returns -1 if c was closed. */
int	tf_relay_start(struct tf_conn *);

/* The client or backend socket became ready for what (EV_READ/EV_WRITE).
 * Returns -1 if c was closed. */
int	tf_relay_client_event(struct tf_conn *, short what);
int	tf_relay_backend_event(struct tf_conn *, short what);

/* Free c's buffers (at close). */
void	tf_relay_release(struct tf_conn *);

#endif
