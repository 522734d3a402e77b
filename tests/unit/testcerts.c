/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront unit tests: the test certificates, made by tests/mkcerts.sh in a
 * temporary directory shared by every test of one program.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include "testcerts.h"

#ifndef TF_SRCDIR
#error "TF_SRCDIR must name the source directory"
#endif

char	tf_test_certdir[TF_TEST_CERTDIR_MAX];

void
tf_test_certs_setup(void)
{
	const char	*tmp;
	char		 cmd[TF_TEST_CERTDIR_MAX + PATH_MAX + 64];

	if (tf_test_certdir[0] != '\0')
		return;
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(tf_test_certdir, sizeof(tf_test_certdir), "%s/tf_certs.XXXXXX",
	    tmp);
	ck_assert_ptr_nonnull(mkdtemp(tf_test_certdir));
	snprintf(cmd, sizeof(cmd), "sh '%s/tests/mkcerts.sh' '%s'", TF_SRCDIR,
	    tf_test_certdir);
	ck_assert_int_eq(system(cmd), 0);
}

void
tf_test_certs_teardown(void)
{
}

void
tf_test_certs_remove(void)
{
	if (tf_test_certdir[0] == '\0')
		return;
	tf_test_tmpdir_remove(tf_test_certdir);
	tf_test_certdir[0] = '\0';
}

void
tf_test_tmpdir_make(char *dir, size_t len, const char *name)
{
	ck_assert_int_lt(snprintf(dir, len, "/tmp/%s.XXXXXX", name),
	    (int)len);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

void
tf_test_tmpdir_remove(const char *dir)
{
	char	cmd[TF_TEST_CERTDIR_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);
}
