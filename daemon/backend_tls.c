/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: TLS to a backend server (backends.NAME.tls): the connected
 * socket becomes a TLS client side, with the server's name sent and
 * checked as Python's wrap_socket(server_hostname=...) does, and a
 * refused handshake is put in words for the access line and the log.
 */
#include <stdio.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "access.h"
#include "backend_tls.h"
#include "config.h"
#include "context.h"
#include "log.h"
#include "side.h"

int
tf_backend_tls_begin(struct tf_side *s, SSL_CTX *ctx,
    const struct tf_context_conf *cc, const struct tf_backend_conf *b,
    size_t server)
{
	SSL		*ssl;
	const char	*name;
	int		 fd = s->fd;

	name = b->tls_names != NULL ? b->tls_names[server] : NULL;
	if ((ssl = SSL_new(ctx)) == NULL)
		goto fail;
	if (tf_context_client_name(ssl, name, cc->check_hostname) == -1 ||
	    tf_context_client_resume(ssl, &b->servers[server]) == -1 ||
	    tf_side_init_tls(s, TF_SIDE_BACKEND, fd, ssl) == -1) {
		SSL_free(ssl);
		tf_side_init(s, TF_SIDE_BACKEND, fd);
		goto fail;
	}
	SSL_set_connect_state(ssl);
	return 0;
 fail:
	ERR_clear_error();
	return -1;
}

char *
tf_backend_tls_failure(const struct tf_side *s, const char *name)
{
	long	 verify = s->ssl != NULL ? SSL_get_verify_result(s->ssl) :
	    X509_V_OK;
	char	*why;
	int	 n;

	if (verify == X509_V_ERR_HOSTNAME_MISMATCH ||
	    verify == X509_V_ERR_IP_ADDRESS_MISMATCH)
		n = asprintf(&why, "backend certificate: %s (server_hostname "
		    "\"%s\")", X509_verify_cert_error_string(verify),
		    name != NULL ? name : "");
	else if (verify != X509_V_OK)
		n = asprintf(&why, "backend certificate: %s",
		    X509_verify_cert_error_string(verify));
	else
		n = asprintf(&why, "backend TLS handshake: %s",
		    s->error != NULL ? s->error : "failed");
	return n == -1 ? NULL : why;
}

void
tf_backend_tls_log(struct event_base *base, uint64_t conn,
    const struct tf_backend_conf *b, size_t server, const char *why)
{
	/* A client flood against a broken backend must not flood the log. */
	if (!tf_access_may_log(base, TF_ACCESS_KIND_BACKEND_WARNING))
		return;
	tf_log_warnx("conn %llu: backend %s: server %s: %s",
	    (unsigned long long)conn, b->name, b->server_names[server], why);
}
