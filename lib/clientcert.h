/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the certificate a TLS client presented, verified or refused,
 * and how it is written in the access line (subject, issuer, serial,
 * SHA-256 fingerprint, in the forms `openssl x509 -nameopt RFC2253` prints).
 */
#ifndef TF_CLIENTCERT_H
#define TF_CLIENTCERT_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

/* Bytes of a subject or issuer kept (longer names are cut). */
#define TF_CLIENTCERT_NAME_MAX		512
/* Bytes of a serial number written in hex (RFC 5280 allows 20). */
#define TF_CLIENTCERT_SERIAL_MAX	64

/* One certificate as the access line writes it; NUL-terminated strings. */
struct tf_clientcert {
	char	subject[TF_CLIENTCERT_NAME_MAX + 1];	/* RFC 2253 */
	char	issuer[TF_CLIENTCERT_NAME_MAX + 1];	/* RFC 2253 */
	/* Upper-case hex as `openssl x509 -serial`, "-" first if negative */
	char	serial[2 * TF_CLIENTCERT_SERIAL_MAX + 2];
	/* SHA-256 of the DER, "AB:CD:..." as `openssl x509 -fingerprint` */
	char	fingerprint[3 * 32];
};

/*
 * Install on ctx (keeping its verify mode) the verify callback that
 * remembers, on each SSL, the client certificate that verification
 * refused: OpenSSL keeps only a verified peer certificate, and a refused
 * one is what the access line must name. The callback returns OpenSSL's
 * own verdict, so verification is exactly what it was (as Python's, which
 * installs none). Returns 0, or -1 if OpenSSL has no ex_data index left.
 */
int	 tf_clientcert_watch(SSL_CTX *ctx);

/*
 * The certificate the client of ssl presented: the verified one, or the
 * one verification refused; NULL if it sent none. Borrowed from ssl.
 */
X509	*tf_clientcert_get(SSL *ssl);

/* Describe x into out. Returns 0, or -1 (out holds "?" where it failed). */
int	 tf_clientcert_describe(X509 *x, struct tf_clientcert *out);

/*
 * A certificate or CRL name in RFC 2253 form into buf (cut to len - 1
 * bytes), as access lines, warnings and --explain print it. Returns 0,
 * or -1 with buf "?".
 */
int	 tf_x509_name_text(const X509_NAME *name, char *buf, size_t len);

#endif
