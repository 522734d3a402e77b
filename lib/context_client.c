/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the client context (PROTOCOL_TLS_CLIENT, backends.NAME.tls)
 * beyond what it shares with a server context: its client certificate,
 * the system CAs, and each connection's server name, as Python's
 * ssl.create_default_context() and SSLContext.wrap_socket(sock,
 * server_hostname=NAME) set them.
 */
#include <arpa/inet.h>

#include <stdbool.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "config.h"
#include "context.h"
#include "context_int.h"
#include "errs.h"

/*
 * What a client context has beyond the common attributes: Python's
 * host name flags (no partial wildcards, "f*.example.com"), the one
 * client certificate of cert_chain, post_handshake_auth offered, and,
 * without verify_locations, the system CAs as load_default_certs() loads
 * them (SSL_CTX_set_default_verify_paths; create_default_context() does
 * so for a context that verifies). Returns 0 or -1 (errors appended).
 */
int
tf_context_client(SSL_CTX *ctx, const struct tf_context_conf *cc,
    const char *file, struct tf_errs *errs)
{
	char	reason[512];
	int	rv = 0;

	X509_VERIFY_PARAM_set_hostflags(SSL_CTX_get0_param(ctx),
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (cc->post_handshake_auth)
		SSL_CTX_set_post_handshake_auth(ctx, 1);
	if (cc->cafile.value == NULL && cc->capath.value == NULL &&
	    cc->cadata.value == NULL &&
	    SSL_CTX_set_default_verify_paths(ctx) != 1)
		rv = tf_errs_add(errs, file, cc->line, "cannot load the "
		    "system CA certificates: %s",
		    tf_context_errstr(reason, sizeof(reason)));
	if (cc->ncerts == 1 && tf_context_load_cert(ctx, &cc->certs[0], file,
	    errs) == -1)
		rv = -1;
	ERR_clear_error();
	return rv;
}

bool
tf_context_is_client(SSL_CTX *ctx)
{
	return SSL_CTX_get_ssl_method(ctx) == TLS_client_method();
}

/*
 * Python's _ssl_configure_hostname: SNI for a name but not for an IP
 * address; with check_hostname, the certificate must match the name
 * (X509_VERIFY_PARAM_set1_host) or the address (set1_ip).
 */
int
tf_context_client_name(SSL *ssl, const char *name, bool check_hostname)
{
	X509_VERIFY_PARAM	*param = SSL_get0_param(ssl);
	unsigned char		 ip[16];
	bool			 is_ip;

	if (name == NULL)
		return 0;
	is_ip = inet_pton(AF_INET, name, ip) == 1 ||
	    inet_pton(AF_INET6, name, ip) == 1;
	if (!is_ip && SSL_set_tlsext_host_name(ssl, name) != 1)
		return -1;
	if (!check_hostname)
		return 0;
	if (is_ip)
		return X509_VERIFY_PARAM_set1_ip_asc(param, name) == 1 ? 0 : -1;
	return X509_VERIFY_PARAM_set1_host(param, name, 0) == 1 ? 0 : -1;
}
