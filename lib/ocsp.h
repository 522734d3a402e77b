/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: OCSP responses for stapling (cert_chain[].ocsp_response): a
 * DER file as `openssl ocsp -respout` writes it, read, and checked against
 * the certificate it is to be stapled for. Pure: no SSL objects, the
 * caller passes the time.
 */
#ifndef TF_OCSP_H
#define TF_OCSP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

/*
 * How far thisUpdate may lie in the future (clocks differ), as OpenSSL's
 * and HAProxy's OCSP_MAX_RESPONSE_TIME_SKEW.
 */
#define TF_OCSP_SKEW	300L

/* The largest file read: responses are a few KB, big ones ~10 KB. */
#define TF_OCSP_MAX_LEN	(1024 * 1024)

/* A response as read: its DER bytes and the parsed form. */
struct tf_ocsp {
	unsigned char	*der;		/* what is stapled, as read */
	size_t		 len;
	time_t		 next_update;	/* 0: the response has none */
};

/* Why a response is not stapled (tf_ocsp_check). */
enum tf_ocsp_verdict {
	TF_OCSP_GOOD = 0,	/* stapled */
	TF_OCSP_NOT_SUCCESSFUL,	/* responseStatus is not successful */
	TF_OCSP_WRONG_CERT,	/* no single response for this certificate */
	TF_OCSP_NO_ISSUER,	/* the issuer is not in the chain */
	TF_OCSP_BAD_SIGNATURE,	/* not signed by the issuer or its responder */
	TF_OCSP_REVOKED,
	TF_OCSP_UNKNOWN,	/* certStatus unknown */
	TF_OCSP_NOT_YET_VALID,	/* thisUpdate in the future */
	TF_OCSP_EXPIRED,	/* nextUpdate passed */
};

/*
 * Parse the DER of an OCSP response (any responseStatus); the response
 * takes a copy of der. NULL with why set if it is not one (PEM, garbage,
 * trailing bytes). Free with tf_ocsp_free.
 */
struct tf_ocsp	*tf_ocsp_parse(const unsigned char *der, size_t len,
		    char *why, size_t whylen);

/*
 * Read and parse the file at path; NULL with why set (errno's reason if
 * it cannot be read, as tf_ocsp_parse otherwise).
 */
struct tf_ocsp	*tf_ocsp_load(const char *path, char *why, size_t whylen);

void		 tf_ocsp_free(struct tf_ocsp *);

/*
 * Whether resp may be stapled for cert at time now: a successful basic
 * response signed by cert's issuer (found in chain, or cert itself when
 * self-signed) or by a responder that issuer delegated to, with a single
 * response for cert that says "good", thisUpdate not after now (within
 * TF_OCSP_SKEW) and nextUpdate, if any, after now. Anything else: the
 * verdict and why set to a sentence for the log. Sets resp->next_update.
 */
enum tf_ocsp_verdict tf_ocsp_check(struct tf_ocsp *resp, X509 *cert,
		    STACK_OF(X509) *chain, time_t now, char *why,
		    size_t whylen);

/* Whether a checked response is still current at now (nextUpdate). */
bool		 tf_ocsp_is_current(const struct tf_ocsp *resp, time_t now);

#endif
