/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: OCSP responses for stapling: read a DER response and check,
 * with OpenSSL's OCSP API, that it speaks for the certificate, is signed
 * by its issuer (or a responder the issuer delegated to), says "good" and
 * is current. Nothing is stapled that a client would reject.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "config_check.h"
#include "log.h"
#include "ocsp.h"

/* The parsed response next to its bytes; struct tf_ocsp is its head. */
struct ocsp_resp {
	struct tf_ocsp	 pub;
	OCSP_RESPONSE	*parsed;
};

struct tf_ocsp *
tf_ocsp_parse(const unsigned char *der, size_t len, char *why, size_t whylen)
{
	struct ocsp_resp	*r;
	OCSP_RESPONSE		*parsed;
	const unsigned char	*p = der;

	if (len == 0) {
		snprintf(why, whylen, "the file is empty");
		return NULL;
	}
	if (len > TF_OCSP_MAX_LEN) {
		snprintf(why, whylen, "larger than %d bytes: not an OCSP "
		    "response", TF_OCSP_MAX_LEN);
		return NULL;
	}
	parsed = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
	ERR_clear_error();
	if (parsed == NULL) {
		snprintf(why, whylen, "not a DER OCSP response%s",
		    len > 10 && memcmp(der, "-----BEGIN", 10) == 0 ?
		    " (this is PEM text: use the DER file `openssl ocsp "
		    "-respout` writes)" : "");
		return NULL;
	}
	if (p != der + len) {
		OCSP_RESPONSE_free(parsed);
		snprintf(why, whylen, "not a DER OCSP response (%zu bytes "
		    "follow it)", len - (size_t)(p - der));
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->pub.der = malloc(len)) == NULL)
		tf_fatal("malloc");
	memcpy(r->pub.der, der, len);
	r->pub.len = len;
	r->parsed = parsed;
	return &r->pub;
}

struct tf_ocsp *
tf_ocsp_load(const char *path, char *why, size_t whylen)
{
	struct tf_ocsp	*resp;
	char		*bytes;
	size_t		 len;

	if ((bytes = tf_config_check_read(path, &len)) == NULL) {
		snprintf(why, whylen, "%s", errno == EINVAL ?
		    "not a regular file" : strerror(errno));
		return NULL;
	}
	resp = tf_ocsp_parse((const unsigned char *)bytes, len, why, whylen);
	free(bytes);
	return resp;
}

void
tf_ocsp_free(struct tf_ocsp *resp)
{
	struct ocsp_resp	*r = (struct ocsp_resp *)resp;

	if (r == NULL)
		return;
	OCSP_RESPONSE_free(r->parsed);
	free(r->pub.der);
	free(r);
}

/* "2026-12-05T01:20:41Z", or "?" if t cannot be read. */
static const char *
ocsp_time_text(const ASN1_GENERALIZEDTIME *t, char *buf, size_t len)
{
	struct tm	tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}

/* cert's serial number in hex, as `openssl x509 -serial` prints it. */
static const char *
ocsp_serial_text(X509 *cert, char *buf, size_t len)
{
	BIGNUM	*bn;
	char	*hex = NULL;

	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	if (bn != NULL)
		hex = BN_bn2hex(bn);
	snprintf(buf, len, "%s", hex != NULL ? hex : "?");
	OPENSSL_free(hex);
	BN_free(bn);
	ERR_clear_error();
	return buf;
}

/*
 * The certificate that issued cert: the first of chain that did, or cert
 * itself when it is self-signed. NULL if neither.
 */
static X509 *
ocsp_issuer(X509 *cert, STACK_OF(X509) *chain)
{
	X509	*c;
	int	 i;

	for (i = 0; i < sk_X509_num(chain); i++) {
		c = sk_X509_value(chain, i);
		if (X509_check_issued(c, cert) == X509_V_OK)
			return c;
	}
	if (X509_check_issued(cert, cert) == X509_V_OK)
		return cert;
	return NULL;
}

/*
 * The single response for cert in bs: its status and times. Responders
 * answer with the hash algorithm of the request's CertID (SHA-1 from
 * `openssl ocsp` by default, SHA-256 from others), so cert's CertID is
 * made with each algorithm the response uses. Returns 0 or -1 if none.
 */
static int
ocsp_find(OCSP_BASICRESP *bs, X509 *cert, X509 *issuer, int *status,
    int *reason, ASN1_GENERALIZEDTIME **rev, ASN1_GENERALIZEDTIME **thisupd,
    ASN1_GENERALIZEDTIME **nextupd)
{
	const OCSP_CERTID	*theirs;
	OCSP_CERTID		*ours;
	ASN1_OBJECT		*alg;
	const EVP_MD		*md;
	int			 i, found = 0;

	for (i = 0; i < OCSP_resp_count(bs) && !found; i++) {
		theirs = OCSP_SINGLERESP_get0_id(OCSP_resp_get0(bs, i));
		alg = NULL;
		if (OCSP_id_get0_info(NULL, &alg, NULL, NULL,
		    (OCSP_CERTID *)theirs) != 1 ||
		    (md = EVP_get_digestbyobj(alg)) == NULL)
			continue;
		if ((ours = OCSP_cert_to_id(md, cert, issuer)) == NULL)
			continue;
		found = OCSP_resp_find_status(bs, ours, status, reason, rev,
		    thisupd, nextupd);
		OCSP_CERTID_free(ours);
	}
	ERR_clear_error();
	return found ? 0 : -1;
}

/*
 * Whether bs is signed by issuer, or by a responder certificate that
 * issuer issued for OCSP signing (RFC 6960 4.2.2.2), at time now.
 * OCSP_TRUSTOTHER: a signature by issuer itself needs no chain; a
 * delegated responder is verified up to issuer, which is trusted
 * whether it is a root or an intermediate (partial chain).
 */
static bool
ocsp_signed_by(OCSP_BASICRESP *bs, X509 *issuer, time_t now, char *why,
    size_t whylen)
{
	STACK_OF(X509)	*certs = sk_X509_new_null();
	X509_STORE	*store = X509_STORE_new();
	unsigned long	 e;
	int		 r = -1;

	if (certs != NULL && store != NULL && sk_X509_push(certs, issuer) > 0 &&
	    X509_STORE_add_cert(store, issuer) == 1) {
		X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
		X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), now);
		r = OCSP_basic_verify(bs, certs, store, OCSP_TRUSTOTHER);
	}
	e = ERR_peek_last_error();
	if (r != 1)
		snprintf(why, whylen, "its signature does not verify against "
		    "the certificate's issuer (%s)", e != 0 &&
		    ERR_reason_error_string(e) != NULL ?
		    ERR_reason_error_string(e) : "no signer found");
	ERR_clear_error();
	sk_X509_free(certs);
	X509_STORE_free(store);
	return r == 1;
}

/* Seconds since the epoch of t (UTC), 0 if t cannot be read. */
static time_t
ocsp_time_t(const ASN1_GENERALIZEDTIME *t)
{
	ASN1_TIME	*epoch = ASN1_TIME_set(NULL, 0);
	int		 days, secs, ok;

	ok = epoch != NULL && ASN1_TIME_diff(&days, &secs, epoch, t) == 1;
	ASN1_TIME_free(epoch);
	ERR_clear_error();
	return ok ? (time_t)days * 86400 + secs : 0;
}

/* The certStatus and the update times of the single response. */
static enum tf_ocsp_verdict
ocsp_check_status(struct tf_ocsp *resp, int status, int reason,
    const ASN1_GENERALIZEDTIME *rev, const ASN1_GENERALIZEDTIME *thisupd,
    const ASN1_GENERALIZEDTIME *nextupd, time_t now, char *why,
    size_t whylen)
{
	char	t1[32], t2[32];

	if (status == V_OCSP_CERTSTATUS_REVOKED) {
		snprintf(why, whylen, "it says the certificate is revoked "
		    "(since %s, reason: %s)", ocsp_time_text(rev, t1,
		    sizeof(t1)), reason >= 0 ? OCSP_crl_reason_str(reason) :
		    "not given");
		return TF_OCSP_REVOKED;
	}
	if (status != V_OCSP_CERTSTATUS_GOOD) {
		snprintf(why, whylen, "its certificate status is \"%s\"",
		    OCSP_cert_status_str(status));
		return TF_OCSP_UNKNOWN;
	}
	if (ASN1_TIME_cmp_time_t(thisupd, now + TF_OCSP_SKEW) > 0) {
		snprintf(why, whylen, "its thisUpdate %s is in the future",
		    ocsp_time_text(thisupd, t1, sizeof(t1)));
		return TF_OCSP_NOT_YET_VALID;
	}
	if (nextupd == NULL) {
		resp->next_update = 0;
		return TF_OCSP_GOOD;
	}
	if (ASN1_TIME_compare(nextupd, thisupd) < 0 ||
	    (resp->next_update = ocsp_time_t(nextupd)) == 0) {
		snprintf(why, whylen, "its nextUpdate %s is before its "
		    "thisUpdate %s", ocsp_time_text(nextupd, t1, sizeof(t1)),
		    ocsp_time_text(thisupd, t2, sizeof(t2)));
		return TF_OCSP_NOT_YET_VALID;
	}
	if (!tf_ocsp_is_current(resp, now)) {
		snprintf(why, whylen, "it has expired (nextUpdate %s)",
		    ocsp_time_text(nextupd, t1, sizeof(t1)));
		return TF_OCSP_EXPIRED;
	}
	return TF_OCSP_GOOD;
}

enum tf_ocsp_verdict
tf_ocsp_check(struct tf_ocsp *resp, X509 *cert, STACK_OF(X509) *chain,
    time_t now, char *why, size_t whylen)
{
	struct ocsp_resp	*r = (struct ocsp_resp *)resp;
	OCSP_BASICRESP		*bs;
	ASN1_GENERALIZEDTIME	*rev = NULL, *thisupd = NULL, *nextupd = NULL;
	X509			*issuer;
	enum tf_ocsp_verdict	 v;
	char			 serial[128];
	int			 status, reason = -1;

	resp->next_update = 0;
	status = OCSP_response_status(r->parsed);
	if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		snprintf(why, whylen, "the responder answered \"%s\", not "
		    "\"successful\"", OCSP_response_status_str(status));
		return TF_OCSP_NOT_SUCCESSFUL;
	}
	if ((bs = OCSP_response_get1_basic(r->parsed)) == NULL) {
		ERR_clear_error();
		snprintf(why, whylen, "not a basic OCSP response");
		return TF_OCSP_NOT_SUCCESSFUL;
	}
	if ((issuer = ocsp_issuer(cert, chain)) == NULL) {
		snprintf(why, whylen, "the certificate's issuer is not in its "
		    "chain: put the CA certificate after it in certfile");
		v = TF_OCSP_NO_ISSUER;
	} else if (ocsp_find(bs, cert, issuer, &status, &reason, &rev,
	    &thisupd, &nextupd) == -1) {
		snprintf(why, whylen, "it is for another certificate (none "
		    "of its responses is for serial %s by this issuer)",
		    ocsp_serial_text(cert, serial, sizeof(serial)));
		v = TF_OCSP_WRONG_CERT;
	} else if (!ocsp_signed_by(bs, issuer, now, why, whylen))
		v = TF_OCSP_BAD_SIGNATURE;
	else
		v = ocsp_check_status(resp, status, reason, rev, thisupd,
		    nextupd, now, why, whylen);
	OCSP_BASICRESP_free(bs);
	return v;
}

bool
tf_ocsp_is_current(const struct tf_ocsp *resp, time_t now)
{
	return resp->next_update == 0 || now < resp->next_update;
}
