/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: OCSP stapling for a context's certificates: each cert_chain
 * entry's ocsp_response, read and checked (lib/ocsp.c) when the context
 * is built, kept in a table owned by the SSL_CTX, and stapled by the
 * status callback for the certificate the handshake actually uses.
 *
 * The table is looked up by that certificate (SSL_get_certificate, which
 * libssl points at the chosen one before it calls the status callback),
 * not by entry: the servername callback (context_sni.c) may have swapped
 * in another entry's certificates, and a name may have an RSA and an
 * ECDSA one, chosen by the client's signature algorithms. The callback
 * is the connection's current SSL_CTX's, so a connection that a route
 * moved to another context (context_switch.c) gets that one's responses.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdatomic.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "config.h"
#include "context.h"
#include "context_int.h"
#include "errs.h"
#include "log.h"
#include "ocsp.h"

/* One cert_chain entry with an ocsp_response. */
struct ocsp_staple {
	X509		*cert;		/* reference owned */
	struct tf_ocsp	*resp;		/* NULL: refused, see why */
	char		*why;		/* why not stapled; NULL if stapled */
	char		*path;
	int		 line;		/* of ocsp_response */
	atomic_bool	 expiry_logged;	/* "no longer stapled" said once */
};

/* A context's staples; owned by its SSL_CTX (ex_data). */
struct context_ocsp {
	struct ocsp_staple	**staples;
	size_t			  nstaples;
	char			 *file;		/* the configuration's */
	char			 *name;		/* the context's */
};

static CRYPTO_ONCE	ocsp_once = CRYPTO_ONCE_STATIC_INIT;
static int		ocsp_ctx_idx = -1;

static void
ocsp_staple_free(struct ocsp_staple *st)
{
	if (st == NULL)
		return;
	X509_free(st->cert);
	tf_ocsp_free(st->resp);
	free(st->why);
	free(st->path);
	free(st);
}

static void
ocsp_table_free(struct context_ocsp *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nstaples; i++)
		ocsp_staple_free(t->staples[i]);
	free(t->staples);
	free(t->file);
	free(t->name);
	free(t);
}

static void
ocsp_ex_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	(void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
	ocsp_table_free(ptr);
}

static void
ocsp_init_once(void)
{
	ocsp_ctx_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL,
	    ocsp_ex_free);
}

static struct context_ocsp *
ocsp_table_of(SSL_CTX *ctx)
{
	if (CRYPTO_THREAD_run_once(&ocsp_once, ocsp_init_once) != 1 ||
	    ocsp_ctx_idx < 0)
		return NULL;
	return SSL_CTX_get_ex_data(ctx, ocsp_ctx_idx);
}

static char *
ocsp_strdup(const char *s)
{
	char	*d;

	if ((d = strdup(s != NULL ? s : "")) == NULL)
		tf_fatal("strdup");
	return d;
}

/*
 * The status callback: a copy of the response for the certificate in
 * use (libssl frees it), or none. A response whose nextUpdate passes
 * while the context serves stops being stapled, and the log says so
 * once per response (per process): a staple that a client would reject
 * is worse than none.
 */
static int
ocsp_status_cb(SSL *ssl, void *arg)
{
	const struct context_ocsp	*t = arg;
	struct ocsp_staple		*st = NULL;
	X509				*cert = SSL_get_certificate(ssl);
	unsigned char			*copy;
	size_t				 i;

	for (i = 0; t != NULL && cert != NULL && i < t->nstaples; i++)
		if (t->staples[i]->cert == cert) {
			st = t->staples[i];
			break;
		}
	if (st == NULL || st->resp == NULL)
		return SSL_TLSEXT_ERR_NOACK;
	if (!tf_ocsp_is_current(st->resp, time(NULL))) {
		if (!atomic_exchange(&st->expiry_logged, true))
			tf_log_warnx("%s:%d: context \"%s\": ocsp_response "
			    "\"%s\" has expired (nextUpdate passed): no longer "
			    "stapled until it is renewed and tlsfrontd "
			    "reloaded", t->file, st->line, t->name, st->path);
		return SSL_TLSEXT_ERR_NOACK;
	}
	if ((copy = OPENSSL_memdup(st->resp->der, st->resp->len)) == NULL)
		return SSL_TLSEXT_ERR_NOACK;
	if (SSL_set_tlsext_status_ocsp_resp(ssl, copy, (long)st->resp->len) !=
	    1) {
		OPENSSL_free(copy);
		return SSL_TLSEXT_ERR_NOACK;
	}
	return SSL_TLSEXT_ERR_OK;
}

/* ctx's table, made and its status callback set at the first staple. */
static struct context_ocsp *
ocsp_table_make(SSL_CTX *ctx, const struct tf_context_conf *cc,
    const char *file)
{
	struct context_ocsp	*t;

	if ((t = ocsp_table_of(ctx)) != NULL || ocsp_ctx_idx < 0)
		return t;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		tf_fatal("calloc");
	t->file = ocsp_strdup(file != NULL ? file : "<string>");
	t->name = ocsp_strdup(cc->name);
	if (SSL_CTX_set_ex_data(ctx, ocsp_ctx_idx, t) != 1) {
		ocsp_table_free(t);
		return NULL;
	}
	SSL_CTX_set_tlsext_status_cb(ctx, ocsp_status_cb);
	SSL_CTX_set_tlsext_status_arg(ctx, t);
	return t;
}

int
tf_context_ocsp_add(SSL_CTX *ctx, const struct tf_context_conf *cc,
    const struct tf_cert_conf *cert, X509 *x, STACK_OF(X509) *chain,
    const char *file, struct tf_errs *errs)
{
	const struct tf_conf_str	*path = &cert->ocsp_response;
	struct context_ocsp		*t;
	struct ocsp_staple		*st, **grown;
	struct tf_ocsp			*resp;
	char				 why[512];

	if (path->value == NULL)
		return 0;
	if ((resp = tf_ocsp_load(path->value, why, sizeof(why))) == NULL)
		return tf_errs_add(errs, file, path->line, "cannot use "
		    "ocsp_response \"%s\": %s", path->value, why);
	if ((t = ocsp_table_make(ctx, cc, file)) == NULL) {
		tf_ocsp_free(resp);
		return tf_errs_add(errs, file, path->line, "cannot register "
		    "OpenSSL ex_data indexes");
	}
	if ((st = calloc(1, sizeof(*st))) == NULL)
		tf_fatal("calloc");
	atomic_init(&st->expiry_logged, false);
	X509_up_ref(x);
	st->cert = x;
	st->path = ocsp_strdup(path->value);
	st->line = path->line;
	if (tf_ocsp_check(resp, x, chain, time(NULL), why, sizeof(why)) ==
	    TF_OCSP_GOOD)
		st->resp = resp;
	else {
		st->why = ocsp_strdup(why);
		tf_ocsp_free(resp);
	}
	grown = realloc(t->staples, (t->nstaples + 1) * sizeof(*grown));
	if (grown == NULL)
		tf_fatal("realloc");
	t->staples = grown;
	t->staples[t->nstaples++] = st;
	return 0;
}

int
tf_context_ocsp_warnings(const struct tf_context_conf *cc, SSL_CTX *ctx,
    const char *file, struct tf_errs *warnings)
{
	const struct context_ocsp	*t = ocsp_table_of(ctx);
	size_t				 i;
	int				 n = 0;

	for (i = 0; t != NULL && i < t->nstaples; i++) {
		if (t->staples[i]->why == NULL)
			continue;
		tf_errs_add(warnings, file, t->staples[i]->line, "warning: "
		    "context \"%s\": ocsp_response \"%s\" is not stapled: %s",
		    cc->name, t->staples[i]->path, t->staples[i]->why);
		n++;
	}
	return n;
}

size_t
tf_context_ocsp_count(SSL_CTX *ctx, size_t *configured)
{
	const struct context_ocsp	*t = ocsp_table_of(ctx);
	size_t				 i, n = 0;

	if (configured != NULL)
		*configured = t != NULL ? t->nstaples : 0;
	for (i = 0; t != NULL && i < t->nstaples; i++)
		if (t->staples[i]->resp != NULL)
			n++;
	return n;
}

const char *
tf_context_ocsp_text(SSL_CTX *ctx, X509 *x, char *buf, size_t len)
{
	const struct context_ocsp	*t = ocsp_table_of(ctx);
	const struct ocsp_staple	*st;
	struct tm			 tm;
	char				 when[32];
	time_t				 next;
	size_t				 i;

	for (i = 0; t != NULL && i < t->nstaples; i++) {
		st = t->staples[i];
		if (st->cert != x)
			continue;
		if (st->resp == NULL) {
			snprintf(buf, len, "not stapled: %s", st->why);
			return buf;
		}
		next = st->resp->next_update;
		if (next == 0 || gmtime_r(&next, &tm) == NULL ||
		    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) ==
		    0)
			snprintf(buf, len, "stapled (no nextUpdate)");
		else
			snprintf(buf, len, "stapled until its nextUpdate %s",
			    when);
		return buf;
	}
	return NULL;
}
