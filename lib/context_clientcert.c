/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: client certificates beyond Python's setters: the CRLs of
 * verify_locations.crlfile, verify_depth, the callback that remembers a
 * refused certificate, and the warnings about CRLs that -t prints.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "clientcert.h"
#include "config.h"
#include "context.h"
#include "context_int.h"
#include "errs.h"

/*
 * Every PEM "X509 CRL" of crlfile into the verify store (other PEM blocks
 * are skipped, as OpenSSL's reader does). A file that cannot be read, a
 * broken CRL or no CRL at all is an error at the crlfile line.
 */
static int
context_crlfile(SSL_CTX *ctx, const struct tf_context_conf *cc,
    const char *file, struct tf_errs *errs)
{
	X509_STORE	*store = SSL_CTX_get_cert_store(ctx);
	X509_CRL	*crl;
	BIO		*bio;
	unsigned long	 e;
	char		 reason[512];
	int		 n = 0, saved_errno;

	errno = 0;
	if ((bio = BIO_new_file(cc->crlfile.value, "r")) == NULL) {
		saved_errno = errno;
		return tf_errs_add(errs, file, cc->crlfile.line,
		    "cannot load crlfile \"%s\": %s", cc->crlfile.value,
		    tf_context_reason(reason, sizeof(reason), saved_errno));
	}
	ERR_clear_error();
	while ((crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL) {
		/* OpenSSL 3 takes a CRL it holds already as added. */
		e = X509_STORE_add_crl(store, crl) == 1 ? 0 : 1;
		X509_CRL_free(crl);
		if (e != 0)
			break;
		n++;
	}
	BIO_free(bio);
	e = ERR_peek_last_error();
	if (ERR_GET_LIB(e) == ERR_LIB_PEM &&
	    ERR_GET_REASON(e) == PEM_R_NO_START_LINE) {
		ERR_clear_error();
		e = 0;
	}
	if (e != 0)
		return tf_errs_add(errs, file, cc->crlfile.line,
		    "cannot load crlfile \"%s\": %s", cc->crlfile.value,
		    tf_context_errstr(reason, sizeof(reason)));
	if (n == 0)
		return tf_errs_add(errs, file, cc->crlfile.line,
		    "crlfile \"%s\" holds no CRL (expected PEM \"X509 CRL\", "
		    "as `openssl ca -gencrl` writes)", cc->crlfile.value);
	return 0;
}

int
tf_context_clientcert(SSL_CTX *ctx, const struct tf_context_conf *cc,
    const char *file, struct tf_errs *errs)
{
	int	rv = 0;

	if (cc->crlfile.value != NULL)
		rv |= context_crlfile(ctx, cc, file, errs);
	if (cc->verify_depth_set)
		SSL_CTX_set_verify_depth(ctx, cc->verify_depth);
	if (tf_clientcert_watch(ctx) == -1)
		rv = tf_errs_add(errs, file, cc->line, "cannot allocate "
		    "OpenSSL ex_data indexes");
	return rv;
}

/* The CRLs the verify store holds (from crlfile, cafile). */
static int
context_store_crls(SSL_CTX *ctx, X509_CRL **first_expired)
{
	STACK_OF(X509_OBJECT)	*objs;
	X509_CRL		*crl;
	const ASN1_TIME		*next;
	int			 i, n = 0;

	*first_expired = NULL;
	objs = X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx));
	for (i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		crl = X509_OBJECT_get0_X509_CRL(sk_X509_OBJECT_value(objs, i));
		if (crl == NULL)
			continue;
		n++;
		next = X509_CRL_get0_nextUpdate(crl);
		if (*first_expired == NULL && next != NULL &&
		    X509_cmp_time(next, NULL) < 0)
			*first_expired = crl;
	}
	return n;
}

/* Whether dir holds a CRL as c_rehash names them: 8 hex digits, ".rN". */
static bool
context_capath_has_crl(const char *dir)
{
	struct dirent	*e;
	DIR		*d;
	bool		 found = false;
	size_t		 i;

	if (dir == NULL || (d = opendir(dir)) == NULL)
		return false;
	while (!found && (e = readdir(d)) != NULL) {
		for (i = 0; i < 8 && isxdigit((unsigned char)e->d_name[i]); i++)
			continue;
		found = i == 8 && e->d_name[8] == '.' && e->d_name[9] == 'r' &&
		    isdigit((unsigned char)e->d_name[10]);
	}
	closedir(d);
	return found;
}

int
tf_context_clientcert_warnings(const struct tf_context_conf *cc,
    SSL_CTX *ctx, const char *file, struct tf_errs *warnings)
{
	unsigned long	 flags;
	X509_CRL	*expired;
	char		 issuer[512];
	int		 ncrls, line, n = 0;

	flags = X509_VERIFY_PARAM_get_flags(SSL_CTX_get0_param(ctx));
	ncrls = context_store_crls(ctx, &expired);
	line = cc->verify_flags_line != 0 ? cc->verify_flags_line : cc->line;
	if (cc->crlfile.value != NULL &&
	    (flags & X509_V_FLAG_CRL_CHECK) == 0) {
		tf_errs_add(warnings, file, cc->crlfile.line, "warning: "
		    "context \"%s\": the CRLs of crlfile are loaded but never "
		    "consulted: verify_flags has neither VERIFY_CRL_CHECK_LEAF "
		    "nor VERIFY_CRL_CHECK_CHAIN", cc->name);
		n++;
	}
	if ((flags & X509_V_FLAG_CRL_CHECK) == 0 ||
	    cc->verify_mode == TF_CERT_NONE)
		return n;
	if (ncrls == 0 && !context_capath_has_crl(cc->capath.value)) {
		tf_errs_add(warnings, file, line, "warning: context \"%s\": "
		    "VERIFY_CRL_CHECK_%s is set but no CRL was loaded (crlfile, "
		    "cafile or capath): every client certificate will be "
		    "refused (\"unable to get certificate CRL\")", cc->name,
		    (flags & X509_V_FLAG_CRL_CHECK_ALL) != 0 ? "CHAIN" : "LEAF");
		n++;
	}
	if (expired != NULL) {
		(void)tf_x509_name_text(X509_CRL_get_issuer(expired), issuer,
		    sizeof(issuer));
		tf_errs_add(warnings, file, cc->crlfile.line != 0 ?
		    cc->crlfile.line : line, "warning: context \"%s\": the "
		    "CRL of %s has expired (nextUpdate passed): the "
		    "certificates it covers will be refused (\"CRL has "
		    "expired\") until a new one is loaded", cc->name, issuer);
		n++;
	}
	return n;
}
