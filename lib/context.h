/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the SSLContext equivalent. Turns one validated context
 * configuration into an SSL_CTX that behaves like Python's
 * ssl.SSLContext built from the same protocol, options and attributes.
 */
#ifndef TF_CONTEXT_H
#define TF_CONTEXT_H

#include <stdbool.h>

#include <openssl/ssl.h>

#include "config.h"
#include "errs.h"

/*
 * CPython's default cipher string for SSLContext (default_suites
 * "python"; an "openssl" context keeps OpenSSL's system default list).
 */
#define TF_DEFAULT_CIPHERS \
	"@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:" \
	"!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM"

/*
 * Build the server context for cc; file names the configuration in error
 * messages. Returns a new SSL_CTX (caller frees with SSL_CTX_free) or NULL
 * with "file:line: reason" entries in errs (OpenSSL's error queue drained
 * into them). The context owns everything it needs (ALPN list, key log
 * descriptor, through ex_data); cc may be freed afterwards. With
 * post_handshake_auth and verify_mode CERT_OPTIONAL/REQUIRED, its verify
 * mode carries SSL_VERIFY_POST_HANDSHAKE as Python's server sockets do:
 * mask it off when reporting verify_mode.
 */
SSL_CTX	*tf_context_build(const struct tf_context_conf *cc, const char *file,
	    struct tf_errs *errs);

/*
 * Problems of a built context that do not stop it from being used but
 * that a user must hear about, appended to warnings as "file:line:
 * warning: ...": a context limited to TLS 1.0/1.1 that completes no
 * handshake at its security level (found by in-memory handshakes; ctx
 * keeps no trace of them); OP_ENABLE_KTLS, which tlsfrontd keeps in the
 * options but never acts on. Returns the number of warnings appended.
 */
int	 tf_context_warnings(const struct tf_context_conf *cc, SSL_CTX *ctx,
	    const char *file, struct tf_errs *warnings);

/*
 * Every warning about a built context, the set that -t, the log and
 * --explain print: tf_context_warnings', then "no client can connect"
 * when no version completes a handshake, TLS 1.0/1.1 enabled but failing
 * at the security level while newer versions work, certificates that
 * have expired or expire within 30 days, and ocsp_responses that are not
 * stapled (and why). Returns the number appended.
 */
int	 tf_context_all_warnings(const struct tf_context_conf *cc,
	    SSL_CTX *ctx, const char *file, struct tf_errs *warnings);

/*
 * Whether ctx, built for protocol, lets TLS version (TLS1_VERSION ..
 * TLS1_3_VERSION) be negotiated by its settings: the fixed version of a
 * PROTOCOL_TLSv1*, else within the minimum and maximum and not turned off
 * by an OP_NO_TLSv1* option. Whether a handshake completes at that version
 * is another matter (the security level, the ciphers): tf_handshake_run.
 */
bool	 tf_context_version_enabled(SSL_CTX *ctx, enum tf_protocol protocol,
	    int version);

/*
 * The certificates of ctx's cert_chain entries, in their order: how many,
 * and the i-th (NULL past the end) with the line of its entry in *line
 * (if not NULL). The context owns them.
 */
size_t	 tf_context_cert_count(SSL_CTX *ctx);
/* How many names and patterns those certificates answer to. */
size_t	 tf_context_name_count(SSL_CTX *ctx);
X509	*tf_context_cert_at(SSL_CTX *ctx, size_t i, int *line);

/*
 * How many of ctx's certificates get an OCSP response stapled; the
 * number of cert_chain entries with an ocsp_response in *configured (if
 * not NULL). (context_ocsp.c)
 */
size_t	 tf_context_ocsp_count(SSL_CTX *ctx, size_t *configured);
/*
 * What becomes of the ocsp_response of ctx's certificate x, into buf:
 * "stapled until its nextUpdate ..." or "not stapled: why"; NULL if its
 * entry has none. (context_ocsp.c)
 */
const char *tf_context_ocsp_text(SSL_CTX *ctx, X509 *x, char *buf,
	    size_t len);

/*
 * A server name that gets ctx's default certificate: the first name of
 * its first cert_chain entry ("x.example.com" for "*.example.com"), or
 * NULL if that has none.
 */
const char *tf_context_default_name(SSL_CTX *ctx);

/*
 * Why a context's own callback refused ssl's handshake (sni_strict, ...):
 * a static string, or NULL if it did not.
 */
const char *tf_context_refusal(const SSL *ssl);

/*
 * Move ssl, at its ClientHello, to context to: the SSL_CTX and what
 * SSL_new copied from the first one (options, versions, verify mode,
 * depth and flags, tickets, groups). Returns 0, or -1 (out of memory).
 */
int	 tf_context_switch(SSL *ssl, SSL_CTX *to);

/*
 * Make ctx pick its certificates by name itself, even with one: a
 * connection switched to it would otherwise run the servername callback
 * of the context it was accepted under (libssl falls back to the
 * session's context), which would pick that one's certificates.
 */
void	 tf_context_sni_own(SSL_CTX *ctx);

/*
 * Whether connections accepted under from can be switched to to; if not,
 * *why says why (a static string) for a file:line error.
 */
bool	 tf_context_switch_possible(SSL_CTX *from, SSL_CTX *to,
	    const char **why);

/*
 * The session_ticket_keys of ctx (owned by it), or NULL if it has none
 * (OpenSSL's own random keys).
 */
struct tf_ticketkeys;
const struct tf_ticketkeys *tf_context_ticketkeys(SSL_CTX *ctx);

/* Whether ctx is a client context (PROTOCOL_TLS_CLIENT). */
bool	 tf_context_is_client(SSL_CTX *ctx);

/*
 * Give ssl, made from a client context, the server's name as Python's
 * wrap_socket(server_hostname=name) does: sent as SNI unless it is an IP
 * address; with check_hostname, the certificate must match it (name or
 * address). name NULL: nothing sent or checked. Returns 0 or -1 (out of
 * memory).
 */
int	 tf_context_client_name(SSL *ssl, const char *name,
	    bool check_hostname);

/*
 * Resume, on ssl (of a client context), the last session the server
 * named key gave to this context (if any and still resumable), and file
 * the sessions ssl will get under key. key is any pointer that stays
 * the same for that server while the context lives (a backend server's
 * address in the configuration), and that server must have one name:
 * a resumed session is not verified again. Returns 0 or -1 (out of
 * memory).
 */
int	 tf_context_client_resume(SSL *ssl, const void *key);

/*
 * Drain OpenSSL's error queue into buf as "reason; reason" (empty string
 * if the queue was empty). Returns buf.
 */
const char *tf_context_errstr(char *buf, size_t len);

#endif
