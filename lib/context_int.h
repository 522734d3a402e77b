/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: what the files of the context module (context.c,
 * context_certs.c, context_attr.c) share. Private to them: nothing
 * outside lib/context*.c includes this.
 */
#ifndef TF_CONTEXT_INT_H
#define TF_CONTEXT_INT_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "config.h"
#include "errs.h"

/*
 * Python's emulation of MINIMUM_SUPPORTED as a maximum and of
 * MAXIMUM_SUPPORTED as a minimum (PY_PROTO_MINIMUM/MAXIMUM_AVAILABLE).
 */
#if defined(SSL3_VERSION) && !defined(OPENSSL_NO_SSL3)
#define TF_VERSION_MINIMUM_AVAILABLE	SSL3_VERSION
#else
#define TF_VERSION_MINIMUM_AVAILABLE	TLS1_VERSION
#endif
#define TF_VERSION_MAXIMUM_AVAILABLE	TLS1_3_VERSION

/*
 * Why the last file operation failed: the errno if it is set (as Python
 * raises OSError then), else OpenSSL's reasons. Drains the error queue.
 * Returns buf. (context.c)
 */
const char	*tf_context_reason(char *buf, size_t len, int saved_errno);

/*
 * load_cert_chain() for one cert_chain entry, its password included.
 * Returns 0, or -1 with an error appended. (context_certs.c)
 */
int		 tf_context_load_cert(SSL_CTX *, const struct tf_cert_conf *,
		    const char *file, struct tf_errs *);
/*
 * Build once the chain of every certificate loaded without one; call
 * after the verify store is complete. (context_certs.c)
 */
void		 tf_context_build_chains(SSL_CTX *);

/*
 * Load every cert_chain entry of cc and index it by name (context_sni.c):
 * ctx gets the first entry's certificates, the others are chosen per
 * connection by the server name. Call after the verify store is
 * complete. Returns 0, or -1 with errors appended.
 */
int		 tf_context_load_certs(SSL_CTX *,
		    const struct tf_context_conf *, const char *file,
		    struct tf_errs *);

/*
 * cc's groups as one "a:b:c" list for SSL_(CTX_)set1_groups_list; NULL
 * if it has none, a name is missing, or out of memory. The caller frees
 * it. (context_attr.c)
 */
char		*tf_context_groups_list(const struct tf_context_conf *);

/*
 * What tf_context_switch needs to know of a context, kept in it, and a
 * session id context of its own (context_switch.c). Returns 0 or -1.
 */
int		 tf_context_switch_prepare(SSL_CTX *,
		    const struct tf_context_conf *, const char *file,
		    struct tf_errs *);

/*
 * The attributes beyond protocol, options, versions, ciphers and curve,
 * each as its Python setter does it. Errors are appended; returns -1 if
 * there was one. (context_attr.c)
 */
int		 tf_context_attributes(SSL_CTX *,
		    const struct tf_context_conf *, const char *file,
		    struct tf_errs *);

/*
 * Client certificates beyond Python's setters: verify_locations.crlfile
 * into the verify store, verify_depth, and the verify callback that
 * remembers a refused certificate (lib/clientcert.c); call after
 * verify_mode is set. Errors are appended; returns -1 if there was one.
 * (context_clientcert.c)
 */
int		 tf_context_clientcert(SSL_CTX *,
		    const struct tf_context_conf *, const char *file,
		    struct tf_errs *);
/*
 * The warnings about CRLs of a built context: crlfile without a
 * VERIFY_CRL_CHECK_* flag (never consulted); a CRL_CHECK flag, a verify
 * mode, and no CRL at all (every client refused); a CRL past its
 * nextUpdate. Returns the number appended. (context_clientcert.c)
 */
int		 tf_context_clientcert_warnings(const struct tf_context_conf *,
		    SSL_CTX *, const char *file, struct tf_errs *warnings);

/*
 * A client context's own settings: host name flags, post_handshake_auth,
 * the system CAs without verify_locations, the client certificate.
 * Returns 0 or -1 (errors appended). (context_client.c)
 */
int		 tf_context_client(SSL_CTX *,
		    const struct tf_context_conf *, const char *file,
		    struct tf_errs *);

/*
 * The ocsp_response of cert_chain entry cert, loaded as certificate x
 * with chain: read (a file that cannot be read or is not a DER OCSP
 * response is an error), checked against x, and kept in ctx's table for
 * the status callback if it may be stapled, else kept with why for
 * tf_context_ocsp_warnings. Does nothing if the entry has none. Returns
 * 0, or -1 with an error appended. (context_ocsp.c)
 */
int		 tf_context_ocsp_add(SSL_CTX *ctx,
		    const struct tf_context_conf *cc,
		    const struct tf_cert_conf *cert, X509 *x,
		    STACK_OF(X509) *chain, const char *file,
		    struct tf_errs *errs);
/*
 * One warning per ocsp_response that is not stapled (another
 * certificate's, not "successful", revoked, unknown, expired, not
 * signed by the issuer), at its line. Returns the number appended.
 * (context_ocsp.c)
 */
int		 tf_context_ocsp_warnings(const struct tf_context_conf *,
		    SSL_CTX *, const char *file, struct tf_errs *warnings);

#endif
