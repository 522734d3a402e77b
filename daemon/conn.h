/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: one proxied connection: the TLS client side, the plaintext
 * backend side, the bytes in flight between them and its timer. The
 * connection owns all of these; tf_conn_close() is its only teardown.
 */
#ifndef TF_CONN_H
#define TF_CONN_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <event2/event_struct.h>
#include <openssl/ssl.h>

struct tf_listener;
struct tf_worker;

enum tf_conn_state {
	TF_CONN_HANDSHAKE = 0,
	TF_CONN_CONNECTING,
	TF_CONN_RELAYING,
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

/* Bytes read from one side and not yet written to the other. */
struct tf_buf {
	unsigned char	*data;		/* NULL while nothing is in flight */
	uint32_t	 off;
	uint32_t	 len;
	uint32_t	 cap;		/* size of data */
};

/* The peer's address, compactly: a unix peer's path is kept only if it
 * fits here (26 bytes); longer ones are logged as "unix:". */
union tf_conn_peer {
	struct sockaddr		sa;
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
};

struct tf_conn {
	uint64_t		 id;
	enum tf_conn_state	 state;
	struct tf_worker	*worker;
	struct tf_listener	*listener;
	TAILQ_ENTRY(tf_conn)	 entry;

	/* client side: TLS */
	int			 cfd;
	SSL			*ssl;
	struct event		 cev;		/* edge-triggered, read+write */
	short			 ssl_read_block;	/* what SSL_read waits for */
	short			 ssl_write_block;	/* SSL_write/SSL_shutdown */
	bool			 client_eof;	/* close_notify or FIN seen */
	bool			 client_truncated; /* FIN without close_notify */
	bool			 client_shut_sent;	/* our close_notify is out */
	bool			 ssl_failed;	/* no more TLS I/O possible */
	bool			 out_block;	/* TLS bytes wait for EV_WRITE */
	bool			 in_drained;	/* a short read emptied the socket */
	bool			 in_eof;	/* read() returned 0 */
	bool			 client_fin;	/* EV_CLOSED seen: read to the end */
	bool			 out_failed;	/* sending to the client failed */
	bool			 bulk_in;	/* client sent a full chunk */
	bool			 bulk_out;	/* backend sent a full chunk */

	/* backend side: plaintext */
	int			 bfd;
	struct event		 bev;		/* edge-triggered, read+write */
	bool			 backend_read_block;
	bool			 backend_write_block;
	bool			 backend_eof;
	bool			 backend_fin;	/* EV_CLOSED seen: read to the end */
	bool			 backend_shut_sent;	/* shutdown(SHUT_WR) done */
	size_t			 server;	/* index of the server in use */
	size_t			 attempts;	/* servers tried so far */

	struct tf_buf		 to_backend;
	struct tf_buf		 to_client;
	struct tf_buf		 out;		/* TLS records not yet sent */

	struct event		 timer;
	struct timeval		 accepted;
	struct timeval		 handshaken;
	struct timeval		 last_activity;
	uint64_t		 bytes_in;	/* client -> backend */
	uint64_t		 bytes_out;	/* backend -> client */
	union tf_conn_peer	 peer;
	socklen_t		 peer_len;
	enum tf_conn_end	 end;
	const char		*detail;	/* static string: why it ended */
};

/*
 * Take over an accepted client socket and start the TLS handshake. The
 * connection then lives on its own until it closes itself; on allocation
 * failure the socket is closed and the reason logged.
 */
void		 tf_conn_new(struct tf_worker *, struct tf_listener *, int fd,
		    const struct sockaddr *, socklen_t);

/*
 * End c: send close_notify where TLS still works, close both sockets, log
 * the access line, free everything. Idempotent in effect: c is gone
 * afterwards, so callers must return at once without touching it.
 */
void		 tf_conn_close(struct tf_conn *c, enum tf_conn_end);

/* Move c to a new state (checked against the allowed transitions). */
void		 tf_conn_set_state(struct tf_conn *, enum tf_conn_state);
const char	*tf_conn_state_name(enum tf_conn_state);
const char	*tf_conn_end_name(enum tf_conn_end);

/* (Re)arm c's timer for the current state. */
void		 tf_conn_arm_timer(struct tf_conn *);

/*
 * Give c its backend socket (taken over) / close it. Each socket has one
 * edge-triggered event for both directions (and EV_CLOSED), added once:
 * every reader and writer goes on until EAGAIN (or, for TLS reads, until
 * a short read shows that the client socket is empty) and records what it
 * blocks on (the *_block fields); an event only matters for what
 * something blocks on. A short read is taken as "empty" only while no FIN
 * has been reported (EV_CLOSED): bytes or a FIN arriving after the read
 * raise a new edge.
 */
void		 tf_conn_backend_attach(struct tf_conn *, int fd);
void		 tf_conn_backend_detach(struct tf_conn *);

/* Record that bytes moved, for the idle timeout. */
void		 tf_conn_touch(struct tf_conn *);

/* The backend connect succeeded: start relaying. Returns -1 if c closed. */
int		 tf_conn_backend_ready(struct tf_conn *);

#endif
