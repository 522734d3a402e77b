/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront unit tests: the test certificates (tests/mkcerts.sh), made once
 * per test program in the parent before the tests fork.
 */
#ifndef TF_TESTCERTS_H
#define TF_TESTCERTS_H

#include <stddef.h>

#define TF_TEST_CERTDIR_MAX	1024

/* The directory holding ca.pem, rsa.pem, ecdsa.key, ... ("" before setup). */
extern char	tf_test_certdir[TF_TEST_CERTDIR_MAX];

/* Unchecked fixture: make the certificates unless already made. */
void	tf_test_certs_setup(void);
void	tf_test_certs_teardown(void);
/* Remove them (main(), after the suite has run). */
void	tf_test_certs_remove(void);

/* A fresh directory /tmp/NAME.XXXXXX into dir (len bytes; a test fails
 * if it cannot be made), and removing it with what it holds. */
#define TF_TEST_TMPDIR_MAX	128
void	tf_test_tmpdir_make(char *dir, size_t len, const char *name);
void	tf_test_tmpdir_remove(const char *dir);

#endif
