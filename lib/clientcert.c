/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the certificate a TLS client presented, verified or refused,
 * and its description for the access line.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509_vfy.h>

#include "clientcert.h"

/* SSL ex_data: the refused client certificate (a reference of ours). */
static CRYPTO_ONCE	clientcert_once = CRYPTO_ONCE_STATIC_INIT;
static int		clientcert_idx = -1;

/* ex_data free callback of the refused certificate (ptr may be NULL). */
static void
clientcert_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
    long argl, void *argp)
{
	(void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
	X509_free(ptr);
}

static void
clientcert_init_once(void)
{
	clientcert_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL,
	    clientcert_free);
}

/*
 * At the first failure of the chain, keep the chain's end-entity
 * certificate (the client's own, whichever certificate failed) on the
 * SSL. Returns OpenSSL's verdict unchanged.
 */
static int
clientcert_verify_cb(int ok, X509_STORE_CTX *xs)
{
	SSL	*ssl;
	X509	*leaf;

	if (ok || clientcert_idx < 0)
		return ok;
	ssl = X509_STORE_CTX_get_ex_data(xs,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl == NULL || SSL_get_ex_data(ssl, clientcert_idx) != NULL)
		return ok;
	if ((leaf = X509_STORE_CTX_get0_cert(xs)) == NULL ||
	    X509_up_ref(leaf) != 1)
		return ok;
	if (SSL_set_ex_data(ssl, clientcert_idx, leaf) != 1)
		X509_free(leaf);
	return ok;
}

int
tf_clientcert_watch(SSL_CTX *ctx)
{
	if (CRYPTO_THREAD_run_once(&clientcert_once,
	    clientcert_init_once) != 1 || clientcert_idx < 0)
		return -1;
	SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx),
	    clientcert_verify_cb);
	return 0;
}

X509 *
tf_clientcert_get(SSL *ssl)
{
	X509	*x;

	if (ssl == NULL)
		return NULL;
	if ((x = SSL_get0_peer_certificate(ssl)) != NULL &&
	    SSL_get_verify_result(ssl) == X509_V_OK)
		return x;
	if (clientcert_idx < 0)
		return NULL;
	return SSL_get_ex_data(ssl, clientcert_idx);
}

/* name in RFC 2253 form into buf (cut to len - 1 bytes); -1: "?". */
int
tf_x509_name_text(const X509_NAME *name, char *buf, size_t len)
{
	BIO	*bio;
	char	*data;
	long	 n;
	int	 rv = -1;

	snprintf(buf, len, "?");
	/* One BIO per name: a handshake that verified a chain has made far
	 * more allocations than these. */
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		goto out;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) < 0)
		goto out;
	if ((n = BIO_get_mem_data(bio, &data)) < 0)
		goto out;
	if ((size_t)n >= len)
		n = (long)len - 1;
	snprintf(buf, len, "%.*s", (int)n, data);
	rv = 0;
out:
	BIO_free(bio);
	return rv;
}

/* As i2a_ASN1_INTEGER (`openssl x509 -serial`), without its line breaks. */
static int
clientcert_serial(X509 *x, char *buf, size_t len)
{
	const ASN1_INTEGER	*sn = X509_get0_serialNumber(x);
	const unsigned char	*d;
	size_t			 i, n, at = 0;

	snprintf(buf, len, "?");
	if (sn == NULL)
		return -1;
	d = ASN1_STRING_get0_data(sn);
	n = (size_t)ASN1_STRING_length(sn);
	if (ASN1_STRING_type(sn) == V_ASN1_NEG_INTEGER)
		buf[at++] = '-';
	if (n == 0)
		snprintf(buf + at, len - at, "00");
	for (i = 0; i < n && i < TF_CLIENTCERT_SERIAL_MAX; i++)
		at += (size_t)snprintf(buf + at, len - at, "%02X", d[i]);
	return 0;
}

static int
clientcert_fingerprint(X509 *x, char *buf, size_t len)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	n, i;
	size_t		at = 0;

	snprintf(buf, len, "?");
	if (X509_digest(x, EVP_sha256(), md, &n) != 1 || n * 3 > len)
		return -1;
	for (i = 0; i < n; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%02X",
		    i > 0 ? ":" : "", md[i]);
	return 0;
}

int
tf_clientcert_describe(X509 *x, struct tf_clientcert *out)
{
	int	rv = 0;

	rv |= tf_x509_name_text(X509_get_subject_name(x), out->subject,
	    sizeof(out->subject));
	rv |= tf_x509_name_text(X509_get_issuer_name(x), out->issuer,
	    sizeof(out->issuer));
	rv |= clientcert_serial(x, out->serial, sizeof(out->serial));
	rv |= clientcert_fingerprint(x, out->fingerprint,
	    sizeof(out->fingerprint));
	ERR_clear_error();
	return rv;
}
