/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the client context (PROTOCOL_TLS_CLIENT, backends.NAME.tls)
 * beyond what it shares with a server context: its client certificate,
 * the system CAs, the sessions kept per server for resumption, and each
 * connection's server name, as Python's
 * ssl.create_default_context() and SSLContext.wrap_socket(sock,
 * server_hostname=NAME) set them.
 */
#include <arpa/inet.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
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
 * The last session each server gave, by the key the caller names the
 * server with (tf_context_client_resume): owned by the client context
 * through ex_data, so a worker process (which has its own copy of the
 * contexts) keeps its own, and a reload's new contexts start empty.
 */
struct client_session {
	const void	*key;
	SSL_SESSION	*session;
};

struct client_sessions {
	struct client_session	*v;
	size_t			 n;
	size_t			 cap;
};

static CRYPTO_ONCE	client_once = CRYPTO_ONCE_STATIC_INIT;
static int		client_sessions_idx = -1;	/* SSL_CTX */
static int		client_key_idx = -1;		/* SSL */

/* ex_data free callback of the session table. */
static void
client_sessions_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
    long argl, void *argp)
{
	struct client_sessions	*t = ptr;
	size_t			 i;

	(void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		SSL_SESSION_free(t->v[i].session);
	free(t->v);
	free(t);
}

static void
client_init_once(void)
{
	client_sessions_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL,
	    client_sessions_free);
	client_key_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

static bool
client_init(void)
{
	if (CRYPTO_THREAD_run_once(&client_once, client_init_once) != 1)
		return false;
	return client_sessions_idx >= 0 && client_key_idx >= 0;
}

/* The entry of key in t, made if make (NULL if out of memory). */
static struct client_session *
client_session_find(struct client_sessions *t, const void *key, bool make)
{
	struct client_session	*v;
	size_t			 i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].key == key)
			return &t->v[i];
	if (!make)
		return NULL;
	if (t->n == t->cap) {
		v = reallocarray(t->v, t->cap == 0 ? 8 : t->cap * 2,
		    sizeof(*v));
		if (v == NULL)
			return NULL;
		t->v = v;
		t->cap = t->cap == 0 ? 8 : t->cap * 2;
	}
	t->v[t->n].key = key;
	t->v[t->n].session = NULL;
	return &t->v[t->n++];
}

/* A server gave a session (a TLS 1.3 ticket, or a TLS 1.2 one): it
 * replaces the one kept for that server. */
static int
client_new_session_cb(SSL *ssl, SSL_SESSION *session)
{
	struct client_sessions	*t;
	struct client_session	*e;
	const void		*key;

	t = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), client_sessions_idx);
	key = SSL_get_ex_data(ssl, client_key_idx);
	if (t == NULL || key == NULL ||
	    (e = client_session_find(t, key, true)) == NULL)
		return 0;
	SSL_SESSION_free(e->session);
	e->session = session;
	return 1;	/* the reference is ours */
}

/* The session table and the callback that fills it. */
static int
client_sessions(SSL_CTX *ctx, const struct tf_context_conf *cc,
    const char *file, struct tf_errs *errs)
{
	struct client_sessions	*t;

	if (!client_init() || (t = calloc(1, sizeof(*t))) == NULL)
		return tf_errs_add(errs, file, cc->line, "out of memory");
	if (SSL_CTX_set_ex_data(ctx, client_sessions_idx, t) != 1) {
		free(t);
		return tf_errs_add(errs, file, cc->line, "out of memory");
	}
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
	    SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(ctx, client_new_session_cb);
	return 0;
}

int
tf_context_client_resume(SSL *ssl, const void *key)
{
	struct client_sessions	*t;
	struct client_session	*e;

	if (!client_init() || SSL_set_ex_data(ssl, client_key_idx,
	    (void *)(uintptr_t)key) != 1)
		return -1;
	t = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), client_sessions_idx);
	if (t == NULL || (e = client_session_find(t, key, false)) == NULL ||
	    e->session == NULL || !SSL_SESSION_is_resumable(e->session))
		return 0;
	return SSL_set_session(ssl, e->session) == 1 ? 0 : -1;
}

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
	if (client_sessions(ctx, cc, file, errs) == -1)
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
