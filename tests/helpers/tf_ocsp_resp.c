/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tf_ocsp_resp: write an OCSP response with the times asked for, which
 * `openssl ocsp` cannot make (it has no nextUpdate in the past):
 *
 *   tf_ocsp_resp CERT ISSUER SIGNER_CERT SIGNER_KEY STATUS THIS NEXT OUT
 *
 * STATUS is good, revoked, unknown or trylater (a responseStatus); THIS
 * and NEXT are seconds from now (negative: in the past), NEXT "none"
 * leaves nextUpdate out. PEM inputs, DER output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ocsp_make.h"

static X509 *
read_cert(const char *path)
{
	FILE	*fp = fopen(path, "r");
	X509	*x = NULL;

	if (fp != NULL) {
		x = PEM_read_X509(fp, NULL, NULL, NULL);
		fclose(fp);
	}
	if (x == NULL) {
		fprintf(stderr, "tf_ocsp_resp: cannot read certificate %s\n",
		    path);
		exit(2);
	}
	return x;
}

static EVP_PKEY *
read_key(const char *path)
{
	FILE		*fp = fopen(path, "r");
	EVP_PKEY	*k = NULL;

	if (fp != NULL) {
		k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
		fclose(fp);
	}
	if (k == NULL) {
		fprintf(stderr, "tf_ocsp_resp: cannot read key %s\n", path);
		exit(2);
	}
	return k;
}

static void
parse_status(const char *s, struct tf_ocsp_make *m)
{
	m->response_status = OCSP_RESPONSE_STATUS_SUCCESSFUL;
	if (strcmp(s, "good") == 0)
		m->cert_status = V_OCSP_CERTSTATUS_GOOD;
	else if (strcmp(s, "revoked") == 0)
		m->cert_status = V_OCSP_CERTSTATUS_REVOKED;
	else if (strcmp(s, "unknown") == 0)
		m->cert_status = V_OCSP_CERTSTATUS_UNKNOWN;
	else if (strcmp(s, "trylater") == 0)
		m->response_status = OCSP_RESPONSE_STATUS_TRYLATER;
	else {
		fprintf(stderr, "tf_ocsp_resp: unknown status %s\n", s);
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	struct tf_ocsp_make	 m;
	X509			*cert, *issuer, *signer;
	EVP_PKEY		*key;
	unsigned char		*der;
	size_t			 len;
	FILE			*out;

	if (argc != 9) {
		fprintf(stderr, "usage: tf_ocsp_resp CERT ISSUER SIGNER_CERT "
		    "SIGNER_KEY good|revoked|unknown|trylater THIS NEXT|none "
		    "OUT\n");
		return 2;
	}
	memset(&m, 0, sizeof(m));
	parse_status(argv[5], &m);
	m.this_update = strtol(argv[6], NULL, 10);
	m.has_next_update = strcmp(argv[7], "none") != 0;
	m.next_update = m.has_next_update ? strtol(argv[7], NULL, 10) : 0;
	cert = read_cert(argv[1]);
	issuer = read_cert(argv[2]);
	signer = read_cert(argv[3]);
	key = read_key(argv[4]);
	if ((der = tf_ocsp_make(&m, cert, issuer, signer, key, &len)) ==
	    NULL) {
		fprintf(stderr, "tf_ocsp_resp: cannot make the response\n");
		return 1;
	}
	if ((out = fopen(argv[8], "wb")) == NULL ||
	    fwrite(der, 1, len, out) != len || fclose(out) != 0) {
		fprintf(stderr, "tf_ocsp_resp: cannot write %s\n", argv[8]);
		return 1;
	}
	free(der);
	X509_free(cert);
	X509_free(issuer);
	X509_free(signer);
	EVP_PKEY_free(key);
	return 0;
}
