/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: listening sockets. The master binds one SO_REUSEPORT socket
 * per configured listener and worker; each worker accepts on its own.
 */
#ifndef TF_LISTENER_H
#define TF_LISTENER_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

#include "addr.h"
#include "config.h"

struct evconnlistener;
struct tf_worker;

struct tf_listener {
	struct tf_worker		*worker;
	const struct tf_listener_conf	*conf;
	size_t				 index;		/* in the config */
	const struct tf_backend_conf	*backend;
	struct evconnlistener		*evl;
	bool				 nodelay_inherited; /* by accepted sockets */
	char				 name[TF_ADDR_STRLEN];
};

/*
 * Make a non-blocking listening socket bound to addr with SO_REUSEADDR and
 * SO_REUSEPORT (IPV6_V6ONLY for IPv6). Returns the fd, or -1 with errno
 * set and *what naming the failed call.
 */
int	tf_listener_bind(const struct tf_addr *, const char **what);

/* Start accepting on fd for listener conf index i of w. fd is taken over
 * either way: on failure (NULL) it has been closed. */
struct tf_listener	*tf_listener_new(struct tf_worker *w, size_t i, int fd);
/* Stop accepting and close the socket; connections accepted on l keep
 * using it until tf_listener_free(). */
void			 tf_listener_close(struct tf_listener *);
void			 tf_listener_free(struct tf_listener *);
void			 tf_listener_pause(struct tf_listener *);
void			 tf_listener_resume(struct tf_listener *);

#endif
