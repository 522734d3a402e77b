/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: connecting a connection to one of its backend's servers,
 * trying the next one on failure, each attempt bounded by the connect
 * timeout.
 */
#ifndef TF_BACKEND_H
#define TF_BACKEND_H

struct tf_conn;

/* Start connecting c to its backend. Returns -1 if c was closed. */
int	tf_backend_connect(struct tf_conn *);
/* The pending connect finished: what the backend socket's event reported
 * (EV_READ, EV_WRITE). Returns -1 if c was closed. */
int	tf_backend_connect_event(struct tf_conn *, short what);
/* The pending connect took too long. -1 if c was closed. */
int	tf_backend_connect_timeout(struct tf_conn *);

#endif
