/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the PROXY protocol on a connection's sockets: the header a
 * load balancer sends before the ClientHello (listeners[].accept_proxy),
 * read without taking a byte of TLS, and the header sent to a backend
 * before any relayed byte (backends.NAME.proxy_protocol). The encoding
 * and the strict decoding are lib/proxyproto.c's.
 */
#ifndef TF_PROXY_HEADER_H
#define TF_PROXY_HEADER_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stdint.h>

#include <event2/event.h>
#include <openssl/ssl.h>

#include "buf.h"
#include "config.h"
#include "proxyproto.h"
#include "side.h"

/* What a connection keeps of the header it took (conn.c holds it). */
struct tf_proxy_in {
	bool			 waiting;	/* expected, not read yet */
	bool			 replaced;	/* it named the client */
	union tf_proxy_addr	 peer;		/* then: the balancer */
	socklen_t		 peer_len;
	union tf_proxy_addr	 dst;		/* then: its destination */
};

/*
 * Whether a listener may take a header from peer sa (accept_proxy_from;
 * any peer without it). A refusal is logged (rate-limited) with the
 * listener's name; the caller closes the socket.
 */
bool	tf_proxy_in_allowed(struct event_base *, const char *listener,
	    const struct tf_listener_conf *, const struct sockaddr *sa,
	    socklen_t salen);

/*
 * Read the header from s's socket: peek at what has arrived and, once it
 * holds a whole valid header, take exactly its bytes (the ClientHello
 * stays in the socket for libssl and the ClientHello gate). Returns 1
 * (h filled; its TLV pointer cleared), 0 waiting for more (s->read_block
 * set), or -1 with *why a static reason: malformed, cut short by the
 * peer's FIN, missing, or the socket failed.
 */
int	tf_proxy_in_read(struct tf_side *s, struct tf_proxy_header *h,
	    const char **why);

/* Log why a header was refused (rate-limited, as access lines are). */
void	tf_proxy_in_log(struct event_base *, uint64_t conn,
	    const struct sockaddr *peer, socklen_t peer_len, const char *why);

/* What the outgoing header says of a connection. */
struct tf_proxy_out_conn {
	uint64_t		 id;		/* UNIQUE_ID: the conn id */
	SSL			*ssl;		/* handshaken; NULL: TLS not
						   ours (passed through) */
	const struct sockaddr	*src;		/* the client */
	const struct sockaddr	*dst;		/* NULL: the socket's own */
	int			 fd;		/* the client's socket */
};

/*
 * Put b's backend's header (proxy_protocol, with the TLVs of
 * proxy_protocol_tlvs for v2) in front of what the buffer out holds, so
 * the relay writes it before any byte of the client's (and goes on after
 * a short write). Without oc->ssl only UNIQUE_ID is sent of the TLVs.
 * Returns 0, or -1 with *why (out of memory).
 */
int	tf_proxy_out_queue(const struct tf_backend_conf *b,
	    const struct tf_proxy_out_conn *, struct tf_buf *out,
	    const char **why);

#endif
