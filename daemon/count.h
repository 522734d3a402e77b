/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: what a worker counts for the admin endpoint, and where. Each
 * call does nothing when daemon.admin is off (w->metrics NULL): one
 * branch on the data path, and a few relaxed stores into the worker's
 * own slot when it is on.
 */
#ifndef TF_COUNT_H
#define TF_COUNT_H

#include <sys/time.h>

#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "conn.h"
#include "metrics.h"

struct tf_listener;
struct tf_side;
struct tf_worker;

/* The worker serves: its listeners count as up, and once a second it
 * copies its contexts' session_stats() into its slot. -1 on failure. */
int	tf_count_start(struct tf_worker *);
/* It stops accepting (drain, retire): its listeners count as down. */
void	tf_count_listeners_down(struct tf_worker *);
void	tf_count_stop(struct tf_worker *);

void	tf_count_accepted(struct tf_worker *, const struct tf_listener *);
/* A handshake completed between from and to. */
void	tf_count_handshake(struct tf_worker *, const struct tf_listener *,
	    const SSL *ssl, const struct timeval *from,
	    const struct timeval *to);
/* A connection ended so: its bytes, and a failed handshake's reason
 * (handshake_error or _timeout before the handshake completed). */
void	tf_count_closed(struct tf_worker *, const struct tf_listener *,
	    enum tf_conn_end end, bool handshaken, const struct tf_side *client,
	    uint64_t bytes_in, uint64_t bytes_out);
void	tf_count_limit(struct tf_worker *, enum tf_limit_kind);

#endif
