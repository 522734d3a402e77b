/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront tests: OCSP responses made to order (any status and times,
 * even already expired ones, which `openssl ocsp` cannot make), for
 * check_ocsp and the tf_ocsp_resp helper of the integration tests.
 */
#ifndef TF_OCSP_MAKE_H
#define TF_OCSP_MAKE_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* The responseStatus given instead of a basic response (0: successful). */
struct tf_ocsp_make {
	int	 response_status;	/* OCSP_RESPONSE_STATUS_* */
	int	 cert_status;		/* V_OCSP_CERTSTATUS_* */
	long	 this_update;		/* seconds from now */
	long	 next_update;		/* seconds from now */
	int	 has_next_update;
	const EVP_MD *id_md;		/* CertID hash; NULL: SHA-1 */
};

/*
 * A DER OCSP response about cert (issued by issuer), signed by signer
 * with key (the signer certificate included), as m says. Returns a
 * malloc'd buffer (free()) and its length in *len, or NULL.
 */
unsigned char	*tf_ocsp_make(const struct tf_ocsp_make *m, X509 *cert,
		    X509 *issuer, X509 *signer, EVP_PKEY *key, size_t *len);

#endif
