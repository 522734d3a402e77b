/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: connecting a connection to one of its backend's servers,
 * chosen by the backend's balance mode, trying the next one on failure,
 * all attempts together bounded by the connect timeout.
 */
#ifndef TF_BACKEND_H
#define TF_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "balance.h"

struct tf_backend_conf;
struct tf_conn;

/* Where a connection's connect stands; the connection holds it. */
struct tf_connect {
	const struct tf_backend_conf *backend;	/* the one to connect to */
	size_t	index;		/* backend's in the configuration */
	size_t	server;		/* index of the server tried last */
	size_t	attempts;	/* servers tried so far */
	int	fd;		/* the socket of the attempt under way */
	size_t	start;		/* round-robin starting point */
	double	deadline;	/* all attempts end by (tf_monotonic) */
	double	attempt_deadline;	/* this one's share ends by: a TLS
					 * backend's handshake included */
	size_t	tried[TF_BALANCE_MAX_TRIES];	/* servers, in order */
	bool	counted;	/* connected: one of server's connections */
};

/* Start connecting c to cn's backend. Returns -1 if c was closed. */
int	tf_backend_connect(struct tf_conn *c, struct tf_connect *);

/* The pending connect finished: what (TF_IO_*) the backend socket
 * reported. Returns -1 if c was closed. */
int	tf_backend_connect_event(struct tf_conn *c, struct tf_connect *,
	    unsigned what);

/* Seconds left of the current attempt's share of timeouts.connect (at
 * least 1 ms): what a TLS backend's handshake may still take. */
double	tf_backend_attempt_left(const struct tf_connect *);

/* The pending connect took too long. -1 if c was closed. */
int	tf_backend_connect_timeout(struct tf_conn *c, struct tf_connect *);

/* c ends: a connection counted against its server is no longer. */
void	tf_backend_release(struct tf_conn *c, struct tf_connect *);

/* The name of the server in use, or NULL before any attempt. */
const char *tf_backend_server_name(const struct tf_connect *);

#endif
