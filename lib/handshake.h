/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: one real TLS handshake entirely in memory against a server
 * context, for --explain's client matrix and the -t warnings alike.
 */
#ifndef TF_HANDSHAKE_H
#define TF_HANDSHAKE_H

#include <stdbool.h>

#include <openssl/ssl.h>

/* What the handshake showed. */
struct tf_handshake_result {
	bool	ok;		/* both sides completed the handshake */
	char	detail[256];	/* ok: version and cipher; else why not */
};

/* The server SSL asks for no client certificate. */
#define TF_HANDSHAKE_NO_VERIFY	0x1

/*
 * One handshake of a client pinned to version (0: version-flexible) that
 * never is the limit (security level 0, every suite, every group, no
 * verification of the server) against a fresh SSL of server, whose
 * cipher list is ciphers instead if not NULL. OpenSSL 3 has no SSLv3
 * client: with version SSL3_VERSION a raw SSLv3 ClientHello is fed to the
 * server and the detail says what it answered (never ok). server keeps no
 * trace: no ticket is issued, the session is removed from its cache, its
 * key log callback is suspended meanwhile, and what the handshake added to
 * its session_stats() is noted for lib/metrics.c to take off
 * (tf_metrics_probes_end). Returns 0, or
 * -1 if the handshake could not even be set up (detail says why).
 */
int	 tf_handshake_run(SSL_CTX *server, int version, const char *ciphers,
	    unsigned flags, struct tf_handshake_result *res);

#endif
