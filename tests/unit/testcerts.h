/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront unit tests: the test certificates (tests/mkcerts.sh), made once
 * per test program in the parent before the tests fork.
 */
#ifndef TF_TESTCERTS_H
#define TF_TESTCERTS_H

#define TF_TEST_CERTDIR_MAX	1024

/* The directory holding ca.pem, rsa.pem, ecdsa.key, ... ("" before setup). */
extern char	tf_test_certdir[TF_TEST_CERTDIR_MAX];

/* Unchecked fixture: make the certificates unless already made. */
void	tf_test_certs_setup(void);
void	tf_test_certs_teardown(void);
/* Remove them (main(), after the suite has run). */
void	tf_test_certs_remove(void);

#endif
