/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: TLS to a backend server (backends.NAME.tls): starting the
 * client handshake on a connected socket, and saying why one failed.
 */
#ifndef TF_BACKEND_TLS_H
#define TF_BACKEND_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <openssl/ssl.h>

struct tf_backend_conf;
struct tf_context_conf;
struct tf_side;

/*
 * Make s, the plaintext side of a socket connected to server of b, a TLS
 * client side of ctx (the context cc built), with the server's name
 * (b->tls_names) sent and checked as cc->check_hostname says, and the
 * last session that server gave this worker offered, ready for
 * tf_side_handshake. Returns 0, or -1 (out of memory; s is still the
 * plaintext side of its socket).
 */
int	 tf_backend_tls_begin(struct tf_side *s, SSL_CTX *ctx,
	    const struct tf_context_conf *cc, const struct tf_backend_conf *b,
	    size_t server);

/*
 * Why s's handshake failed, for the access line: "backend certificate:
 * hostname mismatch (server_hostname "NAME")", "backend certificate:
 * unable to get local issuer certificate", "backend TLS handshake: ...".
 * name is the server's (or NULL). An allocated string (the caller frees
 * it), or NULL if out of memory.
 */
char	*tf_backend_tls_failure(const struct tf_side *s, const char *name);

/* Log why (rate-limited, as a backend's connect failures are). */
void	 tf_backend_tls_log(struct event_base *, uint64_t conn,
	    const struct tf_backend_conf *b, size_t server, const char *why);

#endif
