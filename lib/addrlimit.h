/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: per-client-address limits for one worker: connections open
 * at once and new connections per second (a token bucket: bursts up to
 * the rate), IPv4 by address and IPv6 by /64 prefix, since one IPv6 host
 * commonly holds a whole /64. Unix-socket clients are not limited.
 */
#ifndef TF_ADDRLIMIT_H
#define TF_ADDRLIMIT_H

#include <sys/socket.h>

#include <stddef.h>

enum tf_addrlimit_verdict {
	TF_ADDRLIMIT_OK = 0,
	TF_ADDRLIMIT_TOO_MANY,	/* max_conns open from the address */
	TF_ADDRLIMIT_TOO_FAST,	/* over max_rate new connections per second */
};

struct tf_addrlimit;

/* 0 for either turns that limit off. NULL only if both are off. */
struct tf_addrlimit	*tf_addrlimit_new(unsigned max_conns,
			    unsigned max_rate);
void			 tf_addrlimit_free(struct tf_addrlimit *);

/*
 * A new connection from sa at now (monotonic seconds): counted and
 * TF_ADDRLIMIT_OK, to be given back with tf_addrlimit_release when it
 * ends; or refused, and not counted as open.
 */
enum tf_addrlimit_verdict tf_addrlimit_admit(struct tf_addrlimit *,
			    const struct sockaddr *sa, double now);
void			 tf_addrlimit_release(struct tf_addrlimit *,
			    const struct sockaddr *sa);

/* Forget addresses with nothing open whose bucket is full again; call
 * about once a second. Returns the number of addresses still known. */
size_t			 tf_addrlimit_expire(struct tf_addrlimit *,
			    double now);

#endif
