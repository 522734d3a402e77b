/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: a listener's routes, ready for lookups. At the ClientHello a
 * route for the client's server name may move the connection to another
 * context (lib/context_switch.c); after the handshake the server name and
 * the negotiated ALPN protocol choose the backend. Most specific first:
 *
 *   1. a route with names and alpn, both matching;
 *   2. a route with alpn only (e.g. "acme-tls/1"), matching;
 *   3. a route with names only, matching;
 *   4. the listener's own context and backend.
 *
 * A passthrough route is matched at the ClientHello in the same order,
 * its alpn being one that the client offers; the connection is then not
 * terminated but handed to the backend as it came.
 *
 * Names match as lib/names.h says (exact before wildcard).
 */
#ifndef TF_ROUTES_H
#define TF_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

#include "config.h"
#include "errs.h"

struct tf_routes;

/*
 * The routes of conf's listener number listener (NULL if it has none),
 * with contexts, the generation's SSL_CTXs by configuration index; both
 * must outlive the result. A route context that the listener's
 * connections cannot be switched to is an error at the route's line:
 * NULL then, errs filled.
 * Installs the ClientHello callback on the listener's context if some
 * route switches contexts or passes connections through, and makes each
 * route's context pick its own certificates (tf_context_sni_own).
 */
struct tf_routes	*tf_routes_new(const struct tf_config *conf,
			    size_t listener, SSL_CTX *const *contexts,
			    struct tf_errs *errs);
void			 tf_routes_free(struct tf_routes *);

/* Whether some route acts at the ClientHello (switches the context or
 * passes the connection through): then attach the routes to each SSL. */
bool			 tf_routes_at_hello(const struct tf_routes *);

/* Whether some route passes connections through (tf_side_keep_hello). */
bool			 tf_routes_passthrough(const struct tf_routes *);

/*
 * The passthrough route that took ssl at its ClientHello (its handshake
 * then paused: tf_side_handshake returned 2), with the server name the
 * client sent in *sni (NULL: none; valid while ssl is), or NULL.
 */
const struct tf_route_conf *tf_routes_passed(const SSL *ssl,
			    const char **sni);

/*
 * Let ssl's ClientHello consult routes (which must outlive ssl).
 * Returns 0, or -1 (out of memory).
 */
int			 tf_routes_attach(SSL *ssl, const struct tf_routes *);

/*
 * The route for a finished handshake's server name (NULL: none) and
 * negotiated ALPN protocol (NULL or alpnlen 0: none), or NULL: the
 * listener's own.
 */
const struct tf_route_conf *tf_routes_find(const struct tf_routes *,
			    const char *host, const unsigned char *alpn,
			    unsigned int alpnlen);

/*
 * The host name of a ClientHello's server_name extension body (as
 * SSL_client_hello_get0_ext gives it) into buf (TF_NAME_MAX + 1 bytes).
 * false if it is malformed or holds no host_name.
 */
bool			 tf_routes_sni(const unsigned char *ext, size_t len,
			    char *buf);

#endif
