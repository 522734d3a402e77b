/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the SSLContext equivalent, its core.
 * Builds an SSL_CTX the way current CPython's Modules/_ssl.c does for
 * ssl.SSLContext(protocol): method, defaults, options, versions, ciphers
 * and curve; certificates (context_certs.c) and the other attributes
 * (context_attr.c) are added from here. The defaults follow either of
 * CPython's build flavours (default_suites): its own cipher string and
 * minimum TLS 1.2, or OpenSSL's system configuration for both.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "config.h"
#include "context.h"
#include "context_int.h"
#include "errs.h"

static const SSL_METHOD	*context_method(enum tf_protocol);
static bool		 context_is_tls(enum tf_protocol);
static void		 context_defaults(SSL_CTX *, enum tf_protocol,
			    enum tf_default_suites);
static int		 context_version(SSL_CTX *, const struct tf_context_conf *,
			    const char *, struct tf_errs *, bool);

/*
 * The fixed-version methods are deprecated in OpenSSL 3 but are exactly
 * what Python's PROTOCOL_TLSv1* constants use.
 */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
static const SSL_METHOD *
context_method(enum tf_protocol protocol)
{
	switch (protocol) {
	case TF_PROTOCOL_TLS_SERVER:
		return TLS_server_method();
	case TF_PROTOCOL_TLS_CLIENT:
		return TLS_client_method();
	case TF_PROTOCOL_TLS:
		return TLS_method();
#ifndef OPENSSL_NO_TLS1_METHOD
	case TF_PROTOCOL_TLSv1:
		return TLSv1_method();
#endif
#ifndef OPENSSL_NO_TLS1_1_METHOD
	case TF_PROTOCOL_TLSv1_1:
		return TLSv1_1_method();
#endif
#ifndef OPENSSL_NO_TLS1_2_METHOD
	case TF_PROTOCOL_TLSv1_2:
		return TLSv1_2_method();
#endif
	default:
		return NULL;
	}
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* Only the version-flexible protocols accept minimum/maximum_version. */
static bool
context_is_tls(enum tf_protocol protocol)
{
	return protocol == TF_PROTOCOL_TLS ||
	    protocol == TF_PROTOCOL_TLS_SERVER ||
	    protocol == TF_PROTOCOL_TLS_CLIENT;
}

/*
 * What _ssl__SSLContext_impl does after SSL_CTX_new for a server context,
 * in its order, plus the modes our relay needs. The default cipher string
 * is set by the caller, which can report its failure. A CPython built
 * --with-ssl-default-suites=openssl (Debian's, Ubuntu's, Fedora's python3)
 * sets no minimum version: SSL_CTX_new has applied OpenSSL's system
 * configuration, and that stays. The options are the same in both: the
 * OP_IGNORE_UNEXPECTED_EOF that CPython 3.10.0-3.11.2 added is not among
 * them, as in current CPython (python/cpython#95495).
 */
static void
context_defaults(SSL_CTX *ctx, enum tf_protocol protocol,
    enum tf_default_suites suites)
{
	X509_VERIFY_PARAM	*param;
	uint64_t		 options;

	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);

	/*
	 * Python's OP_ALL keeps the empty-fragment CBC countermeasure on.
	 * SSL_OP_ENABLE_MIDDLEBOX_COMPAT, set by SSL_CTX_new, stays set.
	 */
	options = SSL_OP_ALL & ~SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS;
	options |= SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3;
	options |= SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE;
	options |= SSL_OP_SINGLE_DH_USE | SSL_OP_SINGLE_ECDH_USE;
	SSL_CTX_set_options(ctx, options);

	/* Python's PY_SSL_MIN_PROTOCOL, for the flexible methods only. */
	if (suites == TF_DEFAULT_SUITES_PYTHON && context_is_tls(protocol))
		SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);

	/*
	 * RELEASE_BUFFERS as Python. The relay drives SSL_write on
	 * non-blocking sockets: after SSL_ERROR_WANT_WRITE it retries from
	 * wherever the pending bytes now live (ACCEPT_MOVING_WRITE_BUFFER),
	 * and it wants SSL_write to return as soon as one record is out
	 * (ENABLE_PARTIAL_WRITE) so that backpressure sees partial progress
	 * instead of a write that holds the whole buffer until all is sent.
	 * Python sets the moving-buffer mode too, per SSL object.
	 */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE);

	/* The session id context (Python sets "Python") is the context's
	 * own: tf_context_switch_prepare. */

	/* Python's verify_flags default, VERIFY_X509_TRUSTED_FIRST. */
	param = SSL_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_TRUSTED_FIRST);
}

/*
 * Python's set_min_max_proto_version() for one bound: maximum if is_max.
 * Returns 0, or -1 with an error appended.
 */
static int
context_version(SSL_CTX *ctx, const struct tf_context_conf *cc,
    const char *file, struct tf_errs *errs, bool is_max)
{
	int	 v, line, r;

	v = is_max ? cc->maximum_version : cc->minimum_version;
	line = is_max ? cc->maximum_version_line : cc->minimum_version_line;
	if (v == TF_VERSION_UNSET)
		return 0;
	if (!context_is_tls(cc->protocol))
		return tf_errs_add(errs, file, line, "The context's protocol "
		    "doesn't support modification of highest and lowest "
		    "version.");
	switch (v) {
	case TF_VERSION_MINIMUM_SUPPORTED:
	case TF_VERSION_MAXIMUM_SUPPORTED:
	case TF_VERSION_SSLv3:
	case TF_VERSION_TLSv1:
	case TF_VERSION_TLSv1_1:
	case TF_VERSION_TLSv1_2:
	case TF_VERSION_TLSv1_3:
		break;
	default:
		return tf_errs_add(errs, file, line,
		    "Unsupported TLS/SSL version 0x%x", (unsigned int)v);
	}
	if (!is_max) {
		if (v == TF_VERSION_MINIMUM_SUPPORTED)
			v = 0;
		else if (v == TF_VERSION_MAXIMUM_SUPPORTED)
			v = TF_VERSION_MAXIMUM_AVAILABLE;
		r = SSL_CTX_set_min_proto_version(ctx, v);
	} else {
		if (v == TF_VERSION_MAXIMUM_SUPPORTED)
			v = 0;
		else if (v == TF_VERSION_MINIMUM_SUPPORTED)
			v = TF_VERSION_MINIMUM_AVAILABLE;
		r = SSL_CTX_set_max_proto_version(ctx, v);
	}
	if (r != 1) {
		ERR_clear_error();
		return tf_errs_add(errs, file, line,
		    "Unsupported protocol version 0x%x", (unsigned int)v);
	}
	/* Measured: Python's options word loses OP_NO_SSLv3 once the
	 * minimum is SSLv3 (and keeps it for every other bound). */
	if (!is_max && v == TF_VERSION_SSLv3)
		SSL_CTX_clear_options(ctx, SSL_OP_NO_SSLv3);
	return 0;
}
SSL_CTX *
tf_context_build(const struct tf_context_conf *cc, const char *file,
    struct tf_errs *errs)
{
	const SSL_METHOD	*method;
	SSL_CTX			*ctx;
	char			 reason[512];
	size_t			 nerrs;
	int			 nid;

	nerrs = tf_errs_count(errs);
	ERR_clear_error();
	if ((method = context_method(cc->protocol)) == NULL) {
		tf_errs_add(errs, file, cc->protocol_line,
		    "invalid or unsupported protocol version");
		return NULL;
	}
	if ((ctx = SSL_CTX_new(method)) == NULL) {
		tf_errs_add(errs, file, cc->line, "cannot create context: %s",
		    tf_context_errstr(reason, sizeof(reason)));
		return NULL;
	}
	context_defaults(ctx, cc->protocol, cc->default_suites);
	if (cc->default_suites == TF_DEFAULT_SUITES_PYTHON &&
	    SSL_CTX_set_cipher_list(ctx, TF_DEFAULT_CIPHERS) != 1) {
		ERR_clear_error();
		tf_errs_add(errs, file, cc->line, "No cipher can be selected.");
	}

	/* The attributes, each as its Python setter does it. */
	if (cc->options_set != 0)
		SSL_CTX_set_options(ctx, cc->options_set);
	if (cc->options_clear != 0)
		SSL_CTX_clear_options(ctx, cc->options_clear);
	(void)context_version(ctx, cc, file, errs, false);
	(void)context_version(ctx, cc, file, errs, true);
	if (cc->ciphers.value != NULL &&
	    SSL_CTX_set_cipher_list(ctx, cc->ciphers.value) != 1) {
		ERR_clear_error();
		tf_errs_add(errs, file, cc->ciphers.line,
		    "No cipher can be selected.");
	}
	if (cc->ciphersuites.value != NULL &&
	    SSL_CTX_set_ciphersuites(ctx, cc->ciphersuites.value) != 1)
		tf_errs_add(errs, file, cc->ciphersuites.line,
		    "No TLS 1.3 cipher suite can be selected from \"%s\": %s",
		    cc->ciphersuites.value,
		    tf_context_errstr(reason, sizeof(reason)));
	if (cc->ecdh_curve.value != NULL) {
		nid = OBJ_sn2nid(cc->ecdh_curve.value);
		if (nid == NID_undef)
			tf_errs_add(errs, file, cc->ecdh_curve.line,
			    "unknown elliptic curve name \"%s\"",
			    cc->ecdh_curve.value);
		else if (SSL_CTX_set1_groups(ctx, &nid, 1) != 1) {
			if (*tf_context_errstr(reason, sizeof(reason)) == '\0')
				snprintf(reason, sizeof(reason), "not a group "
				    "this OpenSSL supports");
			tf_errs_add(errs, file, cc->ecdh_curve.line,
			    "cannot use \"%s\" as elliptic curve: %s",
			    cc->ecdh_curve.value, reason);
		}
	}
	(void)tf_context_attributes(ctx, cc, file, errs);
	if (tf_config_protocol_is_client(cc->protocol))
		(void)tf_context_client(ctx, cc, file, errs);
	else {
		(void)tf_context_switch_prepare(ctx, cc, file, errs);
		/* Last, once the verify store is complete (chains built). */
		(void)tf_context_load_certs(ctx, cc, file, errs);
	}

	ERR_clear_error();
	if (tf_errs_count(errs) != nerrs) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

bool
tf_context_version_enabled(SSL_CTX *ctx, enum tf_protocol protocol,
    int version)
{
	static const struct {
		int		 version;
		uint64_t	 option;
	} bits[] = {
		{ TLS1_VERSION, SSL_OP_NO_TLSv1 },
		{ TLS1_1_VERSION, SSL_OP_NO_TLSv1_1 },
		{ TLS1_2_VERSION, SSL_OP_NO_TLSv1_2 },
		{ TLS1_3_VERSION, SSL_OP_NO_TLSv1_3 },
	};
	long	 min, max;
	size_t	 i;

	switch (protocol) {
	case TF_PROTOCOL_TLSv1:
		return version == TLS1_VERSION;
	case TF_PROTOCOL_TLSv1_1:
		return version == TLS1_1_VERSION;
	case TF_PROTOCOL_TLSv1_2:
		return version == TLS1_2_VERSION;
	default:
		break;
	}
	min = SSL_CTX_get_min_proto_version(ctx);
	max = SSL_CTX_get_max_proto_version(ctx);
	if ((min != 0 && version < min) || (max != 0 && version > max))
		return false;
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (bits[i].version == version)
			return (SSL_CTX_get_options(ctx) & bits[i].option) == 0;
	return false;
}

const char *
tf_context_errstr(char *buf, size_t len)
{
	const char	*reason, *data, *sep;
	unsigned long	 e, seen[8];
	size_t		 off = 0, nseen = 0, i;
	char		 code[32];
	int		 flags, n;

	if (len == 0) {
		ERR_clear_error();
		return buf;
	}
	buf[0] = '\0';
	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
		/* OpenSSL often stacks the same reason twice; say it once. */
		for (i = 0; i < nseen && seen[i] != e; i++)
			continue;
		if (i < nseen || off >= len - 1)
			continue;
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			seen[nseen++] = e;
		if ((reason = ERR_reason_error_string(e)) == NULL) {
			snprintf(code, sizeof(code), "error:%08lX", e);
			reason = code;
		}
		if ((flags & ERR_TXT_STRING) == 0 || data == NULL)
			data = "";
		sep = off == 0 ? "" : "; ";
		if (*data != '\0')
			n = snprintf(buf + off, len - off, "%s%s (%s)", sep,
			    reason, data);
		else
			n = snprintf(buf + off, len - off, "%s%s", sep, reason);
		if (n < 0)
			continue;	/* keep draining */
		off += (size_t)n;
		if (off >= len)
			off = len - 1;
	}
	return buf;
}

/*
 * Why the last file operation failed: the errno if it is set (as Python
 * raises OSError then), else OpenSSL's reasons. Drains the error queue.
 */
const char *
tf_context_reason(char *buf, size_t len, int saved_errno)
{
	if (saved_errno != 0) {
		ERR_clear_error();
		snprintf(buf, len, "%s", strerror(saved_errno));
		return buf;
	}
	return tf_context_errstr(buf, len);
}
