/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: one proxied connection: its two sides (the TLS client and the
 * plaintext backend, lib/side.h), the relay between them (lib/relay.h),
 * its state and its timer. The connection owns all of these; struct
 * tf_conn is private to conn.c and tf_conn_close() is its only teardown.
 */
#ifndef TF_CONN_H
#define TF_CONN_H

#include <sys/queue.h>
#include <sys/socket.h>

#include <stdint.h>

struct tf_conn;
struct tf_listener;
struct tf_worker;

/*
 * The life of a connection, forward only (tf_conn_state_name() names each
 * for the debug log):
 *
 *   HANDSHAKE -> CONNECTING -> RELAYING -+-> CLIENT_DONE --+-> DRAINING
 *                                        +-> BACKEND_DONE -+
 *                                        +-----------------+
 *
 * CLIENT_DONE: the client's stream ended and was passed on (FIN sent to
 * the backend); BACKEND_DONE: the backend's did (close_notify sent);
 * DRAINING: both ended, TLS records still being sent. Any state but
 * CLOSED may go to CLOSED, the state of a connection waiting to be freed.
 */
enum tf_conn_state {
	TF_CONN_HANDSHAKE = 0,
	TF_CONN_CONNECTING,
	TF_CONN_RELAYING,
	TF_CONN_CLIENT_DONE,
	TF_CONN_BACKEND_DONE,
	TF_CONN_DRAINING,
	TF_CONN_CLOSED,
};

/* How a connection ended, as the access log reports it. */
enum tf_conn_end {
	TF_END_CLOSED = 0,
	TF_END_HANDSHAKE_TIMEOUT,
	TF_END_HANDSHAKE_ERROR,
	TF_END_CONNECT_FAILED,
	TF_END_IDLE_TIMEOUT,
	TF_END_CLIENT_ERROR,
	TF_END_BACKEND_ERROR,
	TF_END_SHUTDOWN,
	TF_END_NO_MEMORY,
};

TAILQ_HEAD(tf_conn_list, tf_conn);

/*
 * Take over an accepted client socket and start the TLS handshake. The
 * connection then lives on its own until it closes itself; on allocation
 * failure the socket is closed and the reason logged.
 */
void		 tf_conn_new(struct tf_worker *, struct tf_listener *, int fd,
		    const struct sockaddr *, socklen_t);

/*
 * End c (detail: a static string saying why, or NULL): send close_notify
 * where TLS still works, close both sockets, log the access line. Safe to
 * call again and from inside any callback: c stays valid until the end of
 * the current event loop pass, when it is freed.
 */
void		 tf_conn_close(struct tf_conn *c, enum tf_conn_end,
		    const char *detail);

/* Close every connection of w (shutdown, drain timeout). */
void		 tf_conn_close_all(struct tf_worker *w, enum tf_conn_end);

/* Free the connections closed so far now (a worker calls it as it stops,
 * after its loop has ended). */
void		 tf_conn_reap(void);

const char	*tf_conn_state_name(enum tf_conn_state);
const char	*tf_conn_end_name(enum tf_conn_end);

/* For backend.c, which connects c to one of its listener's servers. */
uint64_t		 tf_conn_id(const struct tf_conn *);
struct tf_worker	*tf_conn_worker(const struct tf_conn *);
struct tf_listener	*tf_conn_listener(const struct tf_conn *);

/* Give c its backend socket (taken over) / close it. */
void		 tf_conn_backend_attach(struct tf_conn *, int fd);
void		 tf_conn_backend_detach(struct tf_conn *);

/* A connect is under way: (re)start the connect timer for seconds. */
void		 tf_conn_connect_pending(struct tf_conn *, double seconds);

/* The backend connect succeeded: start relaying. Returns -1 if c closed. */
int		 tf_conn_backend_ready(struct tf_conn *);

#endif
