/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the access line of one connection, as key=value text or as
 * one JSON object, from a record of plain values (no daemon needed).
 */
#ifndef TF_ACCESS_LINE_H
#define TF_ACCESS_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "addr.h"

#define TF_ACCESS_LINE_MAX	8000	/* log.c formats up to 8191 bytes */

/* A string that need not end in NUL (ALPN, a BIO's data); s NULL: "-". */
struct tf_access_str {
	const char	*s;
	size_t		 len;
};

/* What one line says. Strings are borrowed for the call. */
struct tf_access_record {
	uint64_t		 conn;
	char			 client[TF_ADDR_STRLEN];
	struct tf_access_str	 listen;
	struct tf_access_str	 backend;
	struct tf_access_str	 server;
	struct tf_access_str	 proto;
	struct tf_access_str	 cipher;
	struct tf_access_str	 sni;
	struct tf_access_str	 alpn;
	struct tf_access_str	 client_subject;
	long long		 hs_ms;		/* -1: no handshake */
	long long		 duration_ms;
	uint64_t		 bytes_in;
	uint64_t		 bytes_out;
	const char		*end;
	const char		*detail;	/* NULL: none */
	/* The first fatal TLS alert tlsfront sent to the client and the
	 * first it received, as libssl's info callback reports them
	 * (level << 8 | description; lib/side.h); 0: none, not written. */
	uint16_t		 alert_sent;
	uint16_t		 alert_received;
	/* The socket's peer when a PROXY header named another client
	 * (listeners[].accept_proxy); "" (the default): not written. */
	char			 peer[TF_ADDR_STRLEN];
	/* The client's certificate, written after detail only if it sent
	 * one (verified, or refused: then client_subject is its subject). */
	bool			 client_cert;
	struct tf_access_str	 client_issuer;
	struct tf_access_str	 client_serial;
	struct tf_access_str	 client_fingerprint;
};

/* A NUL-terminated string, or "-" for NULL. */
struct tf_access_str	tf_access_str(const char *);

/*
 * Fill rec's TLS fields from ssl: SNI always (a client sends it before any
 * failure worth logging), protocol, cipher and ALPN once handshaken; the
 * client certificate's subject, issuer (RFC 2253), serial and SHA-256
 * fingerprint whenever the client presented one, verified or refused
 * (lib/clientcert.c). These live in a buffer reused by the next call.
 * ssl NULL (no TLS terminated, passed through): all "-".
 */
void	tf_access_record_tls(struct tf_access_record *rec, SSL *ssl,
	    bool handshaken);

/* Format rec into buf (NUL-terminated, cut to size, never inside an
 * escape; the fixed fields at the end always fit). Returns the length. */
size_t	tf_access_format(const struct tf_access_record *rec, bool json,
	    char *buf, size_t size);

/*
 * An alert's name as the access line writes it: the RFC's name and its
 * number, "handshake_failure(40)" (alert: level << 8 | description).
 */
void	tf_access_alert_name(uint16_t alert, char *buf, size_t size);

/* Release the buffer tf_access_record_tls keeps. */
void	tf_access_record_free(void);

#endif
