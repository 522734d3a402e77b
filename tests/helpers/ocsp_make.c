/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront tests: OCSP responses made to order with OpenSSL's responder
 * API (what `openssl ocsp -index` does, with the times given).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include "ocsp_make.h"

/* The basic response: one single response for cert. */
static OCSP_BASICRESP *
ocsp_make_basic(const struct tf_ocsp_make *m, X509 *cert, X509 *issuer,
    X509 *signer, EVP_PKEY *key)
{
	OCSP_BASICRESP	*bs = OCSP_BASICRESP_new();
	OCSP_CERTID	*id;
	ASN1_TIME	*thisupd, *nextupd, *rev = NULL;
	int		 reason = OCSP_REVOKED_STATUS_NOSTATUS, ok;

	id = OCSP_cert_to_id(m->id_md, cert, issuer);
	thisupd = X509_gmtime_adj(NULL, m->this_update);
	nextupd = X509_gmtime_adj(NULL, m->next_update);
	if (m->cert_status == V_OCSP_CERTSTATUS_REVOKED) {
		rev = X509_gmtime_adj(NULL, -86400);
		reason = OCSP_REVOKED_STATUS_KEYCOMPROMISE;
	}
	ok = bs != NULL && id != NULL && thisupd != NULL && nextupd != NULL &&
	    OCSP_basic_add1_status(bs, id, m->cert_status, reason, rev,
	    thisupd, m->has_next_update ? nextupd : NULL) != NULL &&
	    OCSP_basic_sign(bs, signer, key, EVP_sha256(), NULL, 0) == 1;
	OCSP_CERTID_free(id);
	ASN1_TIME_free(thisupd);
	ASN1_TIME_free(nextupd);
	ASN1_TIME_free(rev);
	if (!ok) {
		OCSP_BASICRESP_free(bs);
		return NULL;
	}
	return bs;
}

unsigned char *
tf_ocsp_make(const struct tf_ocsp_make *m, X509 *cert, X509 *issuer,
    X509 *signer, EVP_PKEY *key, size_t *len)
{
	OCSP_BASICRESP	*bs = NULL;
	OCSP_RESPONSE	*resp;
	unsigned char	*der = NULL, *out = NULL;
	int		 n;

	if (m->response_status == OCSP_RESPONSE_STATUS_SUCCESSFUL &&
	    (bs = ocsp_make_basic(m, cert, issuer, signer, key)) == NULL)
		return NULL;
	resp = OCSP_response_create(m->response_status, bs);
	OCSP_BASICRESP_free(bs);
	if (resp == NULL)
		return NULL;
	if ((n = i2d_OCSP_RESPONSE(resp, &der)) > 0 &&
	    (out = malloc((size_t)n)) != NULL) {
		memcpy(out, der, (size_t)n);
		*len = (size_t)n;
	}
	OPENSSL_free(der);
	OCSP_RESPONSE_free(resp);
	return out;
}
