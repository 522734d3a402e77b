/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: socket addresses as written in the configuration:
 * "host:port", "[v6]:port", "*:port" and "unix:/path".
 */
#ifndef TF_ADDR_H
#define TF_ADDR_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>

struct tf_addr {
	struct sockaddr_storage	ss;
	socklen_t		len;
};

/* Enough for "unix:" + sun_path or "[v6%scope]:65535". */
#define TF_ADDR_STRLEN	128

/*
 * Parse text into out. Hosts may be numeric addresses or names (resolved
 * now, first result wins); "*" means 0.0.0.0. The port must be 1-65535
 * unless allow_port_zero. On failure returns -1 and writes a reason such
 * as "missing port" into err.
 */
int		 tf_addr_parse(const char *text, bool allow_port_zero,
		    struct tf_addr *out, char *err, size_t errlen);
bool		 tf_addr_is_unix(const struct tf_addr *);
/* Format as tf_addr_parse reads it; returns buf. */
const char	*tf_addr_format(const struct tf_addr *, char *buf, size_t len);
/* Format a raw sockaddr (e.g. from accept) the same way; returns buf. */
const char	*tf_addr_format_sa(const struct sockaddr *, socklen_t,
		    char *buf, size_t len);

#endif
