/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the effective-context report of tlsfrontd --explain, and the
 * client/server matrix computed by real in-memory handshakes.
 */
#ifndef TF_EXPLAIN_H
#define TF_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>

#include <openssl/ssl.h>

#include "config.h"

/* The client rows of the matrix, in the order they are printed. */
enum tf_explain_client {
	TF_EXPLAIN_SSLv3 = 0,
	TF_EXPLAIN_TLSv1,
	TF_EXPLAIN_TLSv1_1,
	TF_EXPLAIN_TLSv1_2,
	TF_EXPLAIN_TLSv1_3,
	TF_EXPLAIN_TLS,		/* version-flexible client */
	TF_EXPLAIN_NCLIENTS
};

enum tf_explain_format {
	TF_EXPLAIN_TEXT = 0,
	TF_EXPLAIN_JSON,
};

/* One cell of the matrix. */
struct tf_explain_result {
	bool	ok;		/* the server completed the handshake */
	char	detail[256];	/* ok: version and cipher; else why not */
};

/*
 * Run one handshake of a client of the given kind against a fresh SSL
 * made from server, entirely in memory. The client does not verify the
 * server and sits at security level 0 so that it is never the limit; an
 * SSLv3 "client" is a raw SSLv3 ClientHello (OpenSSL 3 cannot make one),
 * never ok, whose detail says what the server answered. The server
 * context's keylog callback is suspended meanwhile. Returns 0, or -1 if
 * the handshake could not even be set up (detail says why).
 */
int		 tf_explain_handshake(SSL_CTX *server,
		    enum tf_explain_client client,
		    struct tf_explain_result *result);

/* "SSLv3", "TLSv1", "TLSv1_1", "TLSv1_2", "TLSv1_3", "TLS": JSON keys. */
const char	*tf_explain_client_key(enum tf_explain_client);

/*
 * How cc's defaults were made, for humans: its default_suites and what
 * that means, e.g. "openssl (cipher list and minimum version from
 * OpenSSL's system configuration, /usr/lib/ssl/openssl.cnf)". Returns buf.
 */
const char	*tf_explain_default_suites(const struct tf_context_conf *cc,
		    char *buf, size_t len);

/*
 * Write the report for every listener and context of cf, whose built
 * contexts are contexts[i] for cf->contexts[i], to out as text or as one
 * JSON object. Runs the matrix handshakes. Returns 0, or -1 on a write
 * error.
 */
int		 tf_explain_write(FILE *out, const struct tf_config *cf,
		    SSL_CTX *const *contexts, enum tf_explain_format format);

#endif
