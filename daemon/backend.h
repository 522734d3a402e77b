/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: connecting a connection to one of its backend's servers,
 * trying the next one on failure, each attempt bounded by the connect
 * timeout.
 */
#ifndef TF_BACKEND_H
#define TF_BACKEND_H

#include <stddef.h>

struct tf_backend_conf;
struct tf_conn;

/* Where a connection's connect stands; the connection holds it. */
struct tf_connect {
	const struct tf_backend_conf *backend;	/* the one to connect to */
	size_t	index;		/* backend's in the configuration */
	size_t	server;		/* index of the server tried last */
	size_t	attempts;	/* servers tried so far */
	int	fd;		/* the socket of the attempt under way */
};

/* Start connecting c to cn's backend. Returns -1 if c was closed. */
int	tf_backend_connect(struct tf_conn *c, struct tf_connect *);

/* The pending connect finished: what (TF_IO_*) the backend socket
 * reported. Returns -1 if c was closed. */
int	tf_backend_connect_event(struct tf_conn *c, struct tf_connect *,
	    unsigned what);

/* The pending connect took too long. -1 if c was closed. */
int	tf_backend_connect_timeout(struct tf_conn *c, struct tf_connect *);

/* The name of the server in use, or NULL before any attempt. */
const char *tf_backend_server_name(const struct tf_connect *);

#endif
