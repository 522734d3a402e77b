/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the admin endpoint's listening socket (daemon.admin.listen):
 * a TCP address or a unix socket path, opened and closed again.
 */
#ifndef TF_ADMIN_SOCKET_H
#define TF_ADMIN_SOCKET_H

#include <stddef.h>

#include "config.h"
#include "errs.h"

/* listen() backlog of the admin socket: a few scrapers, not clients. */
#define TF_ADMIN_BACKLOG	64
/* Mode of a unix admin socket: owner and group may connect. */
#define TF_ADMIN_SOCKET_MODE	0660

/*
 * Open cf's admin socket (cf->admin_listen must be set): nonblocking,
 * close-on-exec, listening. TCP: SO_REUSEADDR, no IPV6_V6ONLY. A unix
 * path: a stale socket there (no process accepts on it) is removed first;
 * a live one, or anything that is not a socket, is refused; the new one
 * is chmod TF_ADMIN_SOCKET_MODE. Returns the fd (the caller owns it), or
 * -1 with "file:line: admin endpoint "LISTEN": what failed: why" added to
 * errs (line: cf->admin_line) and errno set.
 */
int	tf_admin_socket_open(const struct tf_config *cf,
	    struct tf_errs *errs);
/*
 * "admin endpoint on ADDR" into buf (len bytes), ADDR as a listener's is
 * shown ("127.0.0.1:9100", "[::1]:9100", "unix:/resolved/path"); for -t
 * and the log. Returns buf; "" if cf has no admin endpoint.
 */
const char *tf_admin_socket_describe(const struct tf_config *cf, char *buf,
	    size_t len);
/*
 * Close fd (if >= 0) and remove cf's unix socket path, if it has one.
 * Call it only from the process that opened the socket, once.
 */
void	tf_admin_socket_close(const struct tf_config *cf, int fd);

#endif
