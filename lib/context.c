/*
 * tlsfront: the SSLContext equivalent.
 * Builds an SSL_CTX the way CPython 3.11's Modules/_ssl.c does for
 * ssl.SSLContext(protocol) followed by the configured attribute settings.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "config.h"
#include "context.h"
#include "errs.h"

/* Python's session id context is "Python" including its NUL; ours too. */
#define TF_SESSION_ID_CONTEXT	"tlsfront"

/* Longest password accepted, as OpenSSL's PEM layer asks for at most this. */
#define TF_PASSWORD_MAX		PEM_BUFSIZE

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

/* Password for one cert_chain entry, handed to context_password_cb. */
struct context_pw {
	char	 buf[TF_PASSWORD_MAX + 2];
	size_t	 len;
	bool	 set;
	bool	 asked;		/* OpenSSL wanted a password */
	bool	 too_long;
};

static const SSL_METHOD	*context_method(enum tf_protocol);
static bool		 context_is_tls(enum tf_protocol);
static void		 context_defaults(SSL_CTX *, enum tf_protocol);
static int		 context_version(SSL_CTX *, const struct tf_context_conf *,
			    const char *, struct tf_errs *, bool);
static int		 context_password_cb(char *, int, int, void *);
static int		 context_password_file(struct context_pw *,
			    const struct tf_cert_conf *, const char *,
			    struct tf_errs *);
static int		 context_load_cert(SSL_CTX *, const struct tf_cert_conf *,
			    const char *, struct tf_errs *);
static void		 context_build_chains(SSL_CTX *);
static bool		 context_key_mismatch(void);
static const char	*context_reason(char *, size_t, int);

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
	    protocol == TF_PROTOCOL_TLS_SERVER;
}

/*
 * What _ssl__SSLContext_impl does after SSL_CTX_new for a server context,
 * in its order, plus the modes our relay needs. The default cipher string
 * is set by the caller, which can report its failure.
 */
static void
context_defaults(SSL_CTX *ctx, enum tf_protocol protocol)
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
	if (context_is_tls(protocol))
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

	SSL_CTX_set_session_id_context(ctx,
	    (const unsigned char *)TF_SESSION_ID_CONTEXT,
	    sizeof(TF_SESSION_ID_CONTEXT));

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
	return 0;
}

/*
 * Hands the entry's password to OpenSSL. Unlike Python (which leaves
 * OpenSSL's terminal prompt in place when no password is given) a daemon
 * must never prompt: without a password, encrypted keys fail to load.
 */
static int
context_password_cb(char *buf, int size, int rwflag, void *arg)
{
	struct context_pw	*pw = arg;

	(void)rwflag;
	if (pw == NULL)
		return -1;
	pw->asked = true;
	if (!pw->set || size <= 0)
		return -1;
	if (pw->len > (size_t)size) {
		pw->too_long = true;
		return -1;
	}
	memcpy(buf, pw->buf, pw->len);
	return (int)pw->len;
}

/*
 * Read the first line of the entry's password_file into pw, without a
 * stdio buffer so that no copy of the password is left behind.
 */
static int
context_password_file(struct context_pw *pw, const struct tf_cert_conf *cert,
    const char *file, struct tf_errs *errs)
{
	ssize_t	 n;
	size_t	 len;
	char	*nl;
	int	 fd;

	if ((fd = open(cert->password_file, O_RDONLY | O_CLOEXEC)) == -1)
		return tf_errs_add(errs, file, cert->line,
		    "cannot read password file \"%s\": %s",
		    cert->password_file, strerror(errno));
	len = 0;
	while (len < sizeof(pw->buf) - 1) {
		n = read(fd, pw->buf + len, sizeof(pw->buf) - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			(void)close(fd);
			OPENSSL_cleanse(pw->buf, sizeof(pw->buf));
			return tf_errs_add(errs, file, cert->line,
			    "cannot read password file \"%s\": %s",
			    cert->password_file, strerror(errno));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (memchr(pw->buf, '\n', len) != NULL)
			break;
	}
	(void)close(fd);
	pw->buf[len] = '\0';
	if ((nl = memchr(pw->buf, '\n', len)) != NULL) {
		len = (size_t)(nl - pw->buf);
		if (len > 0 && pw->buf[len - 1] == '\r')
			len--;
	}
	if (len > TF_PASSWORD_MAX) {
		OPENSSL_cleanse(pw->buf, sizeof(pw->buf));
		return tf_errs_add(errs, file, cert->line, "password in \"%s\" "
		    "is longer than %d bytes", cert->password_file,
		    TF_PASSWORD_MAX);
	}
	pw->len = len;
	pw->set = true;
	return 0;
}

/*
 * True if the error queue says a key does not belong to the certificate
 * in its slot (what SSL_CTX_use_PrivateKey checks when the slot is full).
 */
static bool
context_key_mismatch(void)
{
	unsigned long	 e;

	e = ERR_peek_last_error();
	return ERR_GET_LIB(e) == ERR_LIB_X509 &&
	    (ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH ||
	    ERR_GET_REASON(e) == X509_R_KEY_TYPE_MISMATCH);
}

/*
 * Why the last file operation failed: the errno if it is set (as Python
 * raises OSError then), else OpenSSL's reasons. Drains the error queue.
 */
static const char *
context_reason(char *buf, size_t len, int saved_errno)
{
	if (saved_errno != 0) {
		ERR_clear_error();
		snprintf(buf, len, "%s", strerror(saved_errno));
		return buf;
	}
	return tf_context_errstr(buf, len);
}

/*
 * Python's load_cert_chain(certfile, keyfile, password) for one entry.
 * Each use_certificate_chain_file fills the slot of its key type (RSA,
 * ECDSA, Ed25519, ...) with its own chain, so entries of different types
 * coexist and the handshake picks one by the client's signature
 * algorithms; a later entry of the same type replaces the earlier one.
 */
static int
context_load_cert(SSL_CTX *ctx, const struct tf_cert_conf *cert,
    const char *file, struct tf_errs *errs)
{
	struct context_pw	 pw;
	const char		*keyfile;
	char			 reason[512];
	int			 r, saved_errno, rv = -1;

	memset(&pw, 0, sizeof(pw));
	keyfile = cert->keyfile != NULL ? cert->keyfile : cert->certfile;
	if (cert->password != NULL) {
		pw.len = strlen(cert->password);
		if (pw.len > TF_PASSWORD_MAX)
			return tf_errs_add(errs, file, cert->line,
			    "password cannot be longer than %d bytes",
			    TF_PASSWORD_MAX);
		memcpy(pw.buf, cert->password, pw.len);
		pw.set = true;
	} else if (cert->password_file != NULL) {
		if (context_password_file(&pw, cert, file, errs) == -1)
			return -1;
	}
	SSL_CTX_set_default_passwd_cb(ctx, context_password_cb);
	SSL_CTX_set_default_passwd_cb_userdata(ctx, &pw);

	ERR_clear_error();
	errno = 0;
	r = SSL_CTX_use_certificate_chain_file(ctx, cert->certfile);
	saved_errno = errno;
	if (r != 1) {
		tf_errs_add(errs, file, cert->line,
		    "cannot load certificate chain \"%s\": %s", cert->certfile,
		    context_reason(reason, sizeof(reason), saved_errno));
		goto out;
	}

	errno = 0;
	r = SSL_CTX_use_PrivateKey_file(ctx, keyfile, SSL_FILETYPE_PEM);
	saved_errno = errno;
	if (r != 1 && context_key_mismatch()) {
		ERR_clear_error();
		tf_errs_add(errs, file, cert->line,
		    "key does not match certificate \"%s\"", cert->certfile);
		goto out;
	}
	if (r != 1 && pw.too_long) {
		ERR_clear_error();
		tf_errs_add(errs, file, cert->line,
		    "password cannot be longer than the %d bytes OpenSSL asks "
		    "for", TF_PASSWORD_MAX);
		goto out;
	}
	if (r != 1 && pw.asked && !pw.set) {
		ERR_clear_error();
		tf_errs_add(errs, file, cert->line,
		    "cannot load private key \"%s\": it is encrypted and no "
		    "password or password_file is given", keyfile);
		goto out;
	}
	if (r != 1 && saved_errno != 0) {
		tf_errs_add(errs, file, cert->line,
		    "cannot load private key \"%s\": %s", keyfile,
		    context_reason(reason, sizeof(reason), saved_errno));
		goto out;
	}
	if (r != 1) {
		tf_errs_add(errs, file, cert->line,
		    "cannot load private key \"%s\": bad password or not a "
		    "key (%s)", keyfile, tf_context_errstr(reason,
		    sizeof(reason)));
		goto out;
	}

	/*
	 * A key of another type than the certificate lands in an empty slot;
	 * then the current slot has no certificate and this check fails
	 * (Python reports NO_CERTIFICATE_ASSIGNED there).
	 */
	if (SSL_CTX_check_private_key(ctx) != 1) {
		ERR_clear_error();
		tf_errs_add(errs, file, cert->line,
		    "key does not match certificate \"%s\"", cert->certfile);
		goto out;
	}
	rv = 0;
 out:
	SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
	OPENSSL_cleanse(&pw, sizeof(pw));
	return rv;
}

/*
 * A certificate file holding only the leaf makes OpenSSL build the chain
 * from the verify store on every handshake. Build it once here instead,
 * with the same flags as that per-handshake build (incomplete chains are
 * fine, the root is kept), so what clients receive does not change. A
 * file that carries its own chain is sent as written, as Python does.
 */
static void
context_build_chains(SSL_CTX *ctx)
{
	STACK_OF(X509)	*chain;
	int		 r;

	r = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST);
	while (r == 1) {
		chain = NULL;
		if (SSL_CTX_get0_chain_certs(ctx, &chain) == 1 &&
		    (chain == NULL || sk_X509_num(chain) == 0)) {
			/* On failure the chain stays empty: build per handshake. */
			(void)SSL_CTX_build_cert_chain(ctx,
			    SSL_BUILD_CHAIN_FLAG_IGNORE_ERROR |
			    SSL_BUILD_CHAIN_FLAG_CLEAR_ERROR);
		}
		r = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_NEXT);
	}
	ERR_clear_error();
}

SSL_CTX *
tf_context_build(const struct tf_context_conf *cc, const char *file,
    struct tf_errs *errs)
{
	const SSL_METHOD	*method;
	SSL_CTX			*ctx;
	char			 reason[512];
	size_t			 nerrs, i;
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
	context_defaults(ctx, cc->protocol);
	if (SSL_CTX_set_cipher_list(ctx, TF_DEFAULT_CIPHERS) != 1) {
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
	for (i = 0; i < cc->ncerts; i++)
		(void)context_load_cert(ctx, &cc->certs[i], file, errs);

	/* Last, once the verify store is complete. */
	if (cc->ncerts > 0)
		context_build_chains(ctx);

	ERR_clear_error();
	if (tf_errs_count(errs) != nerrs) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
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
