/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: throwaway self-signed certificate for the demo mode.
 * An ECDSA P-256 key and a v3 certificate for one name, written as PEM.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "context.h"
#include "errs.h"
#include "selfsigned.h"

/* Serial numbers: 159 random bits, positive and within RFC 5280's 20 bytes. */
#define TF_SERIAL_BITS	159

static int	selfsigned_serial(X509 *);
static int	selfsigned_extensions(X509 *, const char *);
static X509	*selfsigned_cert(EVP_PKEY *, const char *, int);
static int	selfsigned_write_key(EVP_PKEY *, const char *,
		    struct tf_errs *);
static int	selfsigned_write_cert(X509 *, const char *, struct tf_errs *);

static int
selfsigned_serial(X509 *x)
{
	ASN1_INTEGER	*serial;
	BIGNUM		*bn;
	int		 rv = -1;

	if ((bn = BN_new()) == NULL)
		return -1;
	if (BN_rand(bn, TF_SERIAL_BITS, BN_RAND_TOP_ONE,
	    BN_RAND_BOTTOM_ANY) == 1 &&
	    (serial = BN_to_ASN1_INTEGER(bn, NULL)) != NULL) {
		if (X509_set_serialNumber(x, serial) == 1)
			rv = 0;
		ASN1_INTEGER_free(serial);
	}
	BN_free(bn);
	return rv;
}

/* subjectAltName (IP if cn parses as an address, else DNS), CA:FALSE. */
static int
selfsigned_extensions(X509 *x, const char *cn)
{
	GENERAL_NAMES		*names = NULL;
	GENERAL_NAME		*name = NULL;
	BASIC_CONSTRAINTS	*bc = NULL;
	ASN1_OCTET_STRING	*ip;
	ASN1_IA5STRING		*dns;
	int			 rv = -1;

	if ((names = GENERAL_NAMES_new()) == NULL ||
	    (name = GENERAL_NAME_new()) == NULL)
		goto out;
	if ((ip = a2i_IPADDRESS(cn)) != NULL)
		GENERAL_NAME_set0_value(name, GEN_IPADD, ip);
	else {
		ERR_clear_error();
		if ((dns = ASN1_IA5STRING_new()) == NULL)
			goto out;
		if (ASN1_STRING_set(dns, cn, -1) != 1) {
			ASN1_IA5STRING_free(dns);
			goto out;
		}
		GENERAL_NAME_set0_value(name, GEN_DNS, dns);
	}
	if (sk_GENERAL_NAME_push(names, name) == 0)
		goto out;
	name = NULL;
	if (X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;

	if ((bc = BASIC_CONSTRAINTS_new()) == NULL)
		goto out;
	bc->ca = 0;
	if (X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1,
	    X509V3_ADD_DEFAULT) != 1)
		goto out;
	rv = 0;
 out:
	BASIC_CONSTRAINTS_free(bc);
	GENERAL_NAME_free(name);
	GENERAL_NAMES_free(names);
	return rv;
}

static X509 *
selfsigned_cert(EVP_PKEY *pkey, const char *cn, int days)
{
	X509_NAME	*subject;
	X509		*x;

	if ((x = X509_new()) == NULL)
		return NULL;
	if (X509_set_version(x, X509_VERSION_3) != 1 ||
	    selfsigned_serial(x) == -1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -60 * 60) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), days, 0, NULL) == NULL)
		goto fail;
	subject = X509_get_subject_name(x);
	if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, subject) != 1 ||
	    X509_set_pubkey(x, pkey) != 1 ||
	    selfsigned_extensions(x, cn) == -1 ||
	    X509_sign(x, pkey, EVP_sha256()) <= 0)
		goto fail;
	return x;
 fail:
	X509_free(x);
	return NULL;
}

/* The key goes to a file only its owner can read, even if it existed. */
static int
selfsigned_write_key(EVP_PKEY *pkey, const char *path, struct tf_errs *errs)
{
	char	 reason[256];
	FILE	*fp;
	int	 fd, ok;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		return tf_errs_add(errs, path, 0, "%s", strerror(errno));
	if (fchmod(fd, 0600) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		tf_errs_add(errs, path, 0, "%s", strerror(errno));
		(void)close(fd);
		return -1;
	}
	ok = PEM_write_PrivateKey(fp, pkey, NULL, NULL, 0, NULL, NULL);
	if (fclose(fp) != 0 && ok == 1)
		return tf_errs_add(errs, path, 0, "%s", strerror(errno));
	if (ok != 1)
		return tf_errs_add(errs, path, 0, "cannot write key: %s",
		    tf_context_errstr(reason, sizeof(reason)));
	return 0;
}

static int
selfsigned_write_cert(X509 *x, const char *path, struct tf_errs *errs)
{
	char	 reason[256];
	FILE	*fp;
	int	 ok;

	if ((fp = fopen(path, "w")) == NULL)
		return tf_errs_add(errs, path, 0, "%s", strerror(errno));
	ok = PEM_write_X509(fp, x);
	if (fclose(fp) != 0 && ok == 1)
		return tf_errs_add(errs, path, 0, "%s", strerror(errno));
	if (ok != 1)
		return tf_errs_add(errs, path, 0, "cannot write certificate: %s",
		    tf_context_errstr(reason, sizeof(reason)));
	return 0;
}

int
tf_selfsigned_write(const char *cn, int days, const char *certfile,
    const char *keyfile, struct tf_errs *errs)
{
	EVP_PKEY	*pkey;
	X509		*x;
	char		 reason[256];
	int		 rv;

	ERR_clear_error();
	if (cn == NULL || *cn == '\0' || days <= 0)
		return tf_errs_addx(errs, "self-signed certificate: need a "
		    "name and a positive number of days");
	if ((pkey = EVP_EC_gen("P-256")) == NULL)
		return tf_errs_addx(errs, "cannot make a P-256 key: %s",
		    tf_context_errstr(reason, sizeof(reason)));
	if ((x = selfsigned_cert(pkey, cn, days)) == NULL) {
		EVP_PKEY_free(pkey);
		return tf_errs_addx(errs, "cannot make a certificate for "
		    "\"%s\": %s", cn, tf_context_errstr(reason, sizeof(reason)));
	}
	rv = selfsigned_write_key(pkey, keyfile, errs);
	if (rv == 0)
		rv = selfsigned_write_cert(x, certfile, errs);
	X509_free(x);
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return rv;
}
