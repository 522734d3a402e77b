/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the certificates of an SSLContext: load_cert_chain() with its
 * password (inline or from a file, never a prompt), then chain building.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "config.h"
#include "context.h"
#include "context_int.h"
#include "errs.h"

/* Longest password accepted, as OpenSSL's PEM layer asks for at most this. */
#define TF_PASSWORD_MAX		PEM_BUFSIZE

/* Password for one cert_chain entry, handed to context_password_cb. */
struct context_pw {
	char	 buf[TF_PASSWORD_MAX + 2];
	size_t	 len;
	bool	 set;
	bool	 asked;		/* OpenSSL wanted a password */
	bool	 too_long;
};

static int		 context_password_cb(char *, int, int, void *);
static int		 context_password_file(struct context_pw *,
			    const struct tf_cert_conf *, const char *,
			    struct tf_errs *);
static bool		 context_key_mismatch(void);

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
 * Python's load_cert_chain(certfile, keyfile, password) for one entry.
 * Each use_certificate_chain_file fills the slot of its key type (RSA,
 * ECDSA, Ed25519, ...) with its own chain, so entries of different types
 * coexist and the handshake picks one by the client's signature
 * algorithms; a later entry of the same type replaces the earlier one.
 */
int
tf_context_load_cert(SSL_CTX *ctx, const struct tf_cert_conf *cert,
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
		    tf_context_reason(reason, sizeof(reason), saved_errno));
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
		    tf_context_reason(reason, sizeof(reason), saved_errno));
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
void
tf_context_build_chains(SSL_CTX *ctx)
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
