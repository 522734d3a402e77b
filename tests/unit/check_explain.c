/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: unit tests for lib/explain.c and lib/explain_matrix.c: the
 * client matrix by real in-memory handshakes, and the report's formats.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/wait.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "config.h"
#include "context.h"
#include "errs.h"
#include "explain.h"
#include "metrics.h"

#include "testcerts.h"

#ifndef TF_SRCDIR
#error "TF_SRCDIR must name the source directory"
#endif

#define CONF_MAX	4096


/* A loaded config with one context "c" whose settings are body. */
struct loaded {
	struct tf_config	*cf;
	SSL_CTX			*ctx;
};

static void
load(struct loaded *l, const char *body)
{
	struct tf_errs	 errs;
	char		 text[CONF_MAX];
	size_t		 i;

	snprintf(text, sizeof(text),
	    "contexts = { c = { %s\n"
	    "  cert_chain = ( { certfile = \"%s/rsa.pem\";"
	    " keyfile = \"%s/rsa.key\"; } ); }; };\n"
	    "listeners = ( { listen = \"127.0.0.1:9\"; context = \"c\";"
	    " backend = \"b\"; } );\n"
	    "backends = { b = { servers = [ \"127.0.0.1:9\" ]; }; };\n",
	    body, tf_test_certdir, tf_test_certdir);
	tf_errs_init(&errs);
	l->cf = tf_config_load_string(text, NULL, &errs);
	for (i = 0; i < tf_errs_count(&errs); i++)
		fprintf(stderr, "%s\n", tf_errs_get(&errs, i));
	ck_assert_ptr_nonnull(l->cf);
	l->ctx = tf_context_build(&l->cf->contexts[0], l->cf->file, &errs);
	for (i = 0; i < tf_errs_count(&errs); i++)
		fprintf(stderr, "%s\n", tf_errs_get(&errs, i));
	ck_assert_ptr_nonnull(l->ctx);
	tf_errs_free(&errs);
}

static void
unload(struct loaded *l)
{
	SSL_CTX_free(l->ctx);
	tf_config_free(l->cf);
}

/*
 * Asserts the matrix of body's context: want is one character per client
 * TLSv1, TLSv1_1, TLSv1_2, TLSv1_3, TLS ('y'/'n'); tls is the version
 * the flexible client must negotiate.
 */
static void
assert_matrix(const char *body, const char *want, const char *tls)
{
	struct tf_explain_result	 r;
	struct loaded			 l;
	int				 i;

	load(&l, body);
	ck_assert_int_eq(tf_explain_handshake(l.ctx, TF_EXPLAIN_SSLv3, &r),
	    0);
	ck_assert(!r.ok);
	ck_assert_msg(strstr(r.detail, "alert handshake_failure(40)") != NULL,
	    "SSLv3: %s", r.detail);
	for (i = TF_EXPLAIN_TLSv1; i <= TF_EXPLAIN_TLS; i++) {
		ck_assert_int_eq(tf_explain_handshake(l.ctx, i, &r), 0);
		ck_assert_msg(r.ok == (want[i - 1] == 'y'), "%s: %s: %s (%s)",
		    body, tf_explain_client_key(i), r.ok ? "yes" : "no",
		    r.detail);
		ck_assert_msg(r.detail[0] != '\0', "empty detail");
	}
	ck_assert_int_eq(tf_explain_handshake(l.ctx, TF_EXPLAIN_TLS, &r), 0);
	if (tls != NULL)
		ck_assert_msg(strncmp(r.detail, tls, strlen(tls)) == 0 &&
		    r.detail[strlen(tls)] == ' ', "TLS client: %s, want %s",
		    r.detail, tls);
	ck_assert_uint_eq(ERR_peek_error(), 0);
	/* The handshakes leave no session in the context's cache. */
	ck_assert_int_eq(SSL_CTX_sess_number(l.ctx), 0);
	unload(&l);
}

START_TEST(test_explain_matrix_default)
{
	assert_matrix("", "nnyyy", "TLSv1.3");
}
END_TEST

START_TEST(test_explain_matrix_tlsv1_2_pinned)
{
	assert_matrix("protocol = \"PROTOCOL_TLSv1_2\";", "nnyny", "TLSv1.2");
	assert_matrix("minimum_version = \"TLSv1_2\";"
	    " maximum_version = \"TLSv1_2\";", "nnyny", "TLSv1.2");
}
END_TEST

START_TEST(test_explain_matrix_no_tlsv1_3)
{
	assert_matrix("options = [ \"OP_NO_TLSv1_3\" ];", "nnyny", "TLSv1.2");
}
END_TEST

START_TEST(test_explain_matrix_legacy_enabled)
{
	assert_matrix("ciphers = \"DEFAULT:@SECLEVEL=0\";"
	    " minimum_version = \"TLSv1\";", "yyyyy", "TLSv1.3");
	/* The seed's PROTOCOL_TLSv1 column, with legacy enabled. */
	assert_matrix("protocol = \"PROTOCOL_TLSv1\";"
	    " ciphers = \"DEFAULT:@SECLEVEL=0\";", "ynnny", "TLSv1");
}
END_TEST

START_TEST(test_explain_matrix_tlsv1_dead_by_default)
{
	/* OpenSSL 3 at level 2: a default PROTOCOL_TLSv1 server is dead. */
	assert_matrix("protocol = \"PROTOCOL_TLSv1\";", "nnnnn", NULL);
}
END_TEST

START_TEST(test_explain_matrix_refusal_names_alert)
{
	struct tf_explain_result	 r;
	struct loaded			 l;

	load(&l, "");
	ck_assert_int_eq(tf_explain_handshake(l.ctx, TF_EXPLAIN_TLSv1, &r), 0);
	ck_assert(!r.ok);
	ck_assert_msg(strstr(r.detail, "protocol_version(70)") != NULL,
	    "got %s", r.detail);
	ck_assert_int_eq(tf_explain_handshake(l.ctx, TF_EXPLAIN_NCLIENTS,
	    &r), -1);
	ck_assert_ptr_null(tf_explain_client_key(TF_EXPLAIN_NCLIENTS));
	ck_assert_str_eq(tf_explain_client_key(TF_EXPLAIN_TLSv1_1), "TLSv1_1");
	unload(&l);
}
END_TEST

/* The report of body's context in format, in a malloc'ed string. */
static char *
report(const char *body, enum tf_explain_format format)
{
	struct loaded	 l;
	FILE		*f;
	char		*buf = NULL;
	size_t		 len = 0;

	load(&l, body);
	ck_assert_ptr_nonnull(f = open_memstream(&buf, &len));
	ck_assert_int_eq(tf_explain_write(f, l.cf, &l.ctx, format), 0);
	ck_assert_int_eq(fclose(f), 0);
	unload(&l);
	return buf;
}

/* Python's json module checks the document and its keys. */
static const char json_checker[] =
    "import json, sys\n"
    "d = json.load(sys.stdin)\n"
    "assert d['listeners'] == [{'listen': '127.0.0.1:9', 'context': 'c',"
    " 'backend': 'b'}], d['listeners']\n"
    "c = d['contexts']['c']\n"
    "keys = ('protocol options options_names minimum_version"
    " maximum_version security_level ciphers ciphersuites groups"
    " verify_mode verify_flags num_tickets post_handshake_auth"
    " alpn_protocols certificates clients warnings').split()\n"
    "missing = [k for k in keys if k not in c]\n"
    "assert not missing, missing\n"
    "assert c['protocol'] == 'PROTOCOL_TLS_SERVER'\n"
    "assert c['default_suites'] == 'python', c['default_suites']\n"
    "assert d['openssl_config'].endswith('.cnf'), d['openssl_config']\n"
    "assert c['options'] == 0x82520050 | 0x4000, hex(c['options'])\n"
    "assert 'OP_NO_TICKET' in c['options_names']\n"
    "assert c['minimum_version'] == 0x303 and c['maximum_version'] == -1\n"
    "assert c['security_level'] == 2 and c['num_tickets'] == 2\n"
    "assert c['verify_mode'] == 0 and c['verify_flags'] == 0x8000\n"
    "assert c['ciphers'][0] == 'TLS_AES_256_GCM_SHA384', c['ciphers']\n"
    "assert c['ciphersuites'] == c['ciphers'][:3]\n"
    "assert c['clients'] == {'SSLv3': False, 'TLSv1': False,"
    " 'TLSv1_1': False, 'TLSv1_2': True, 'TLSv1_3': True, 'TLS': True},"
    " c['clients']\n"
    "crt = c['certificates'][0]\n"
    "assert crt['subject'] == 'CN=localhost', crt\n"
    "assert crt['san'] == ['DNS:localhost', 'IP:127.0.0.1'], crt\n"
    "assert crt['key_type'] == 'RSA' and crt['key_bits'] == 2048, crt\n";

START_TEST(test_explain_json_valid_with_keys)
{
	char	*json, cmd[64 + sizeof(json_checker)];
	FILE	*p;
	int	 st;

	json = report("options = [ \"OP_NO_TICKET\" ];", TF_EXPLAIN_JSON);
	ck_assert_int_eq(json[0], '{');
	snprintf(cmd, sizeof(cmd), "python3 -c \"$TF_JSON_CHECKER\"");
	ck_assert_int_eq(setenv("TF_JSON_CHECKER", json_checker, 1), 0);
	ck_assert_ptr_nonnull(p = popen(cmd, "w"));
	fputs(json, p);
	st = pclose(p);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "python3 rejected the JSON:\n%s", json);
	free(json);
}
END_TEST

START_TEST(test_explain_text_names_the_fix)
{
	char	*text;

	text = report("protocol = \"PROTOCOL_TLSv1\";", TF_EXPLAIN_TEXT);
	ck_assert_msg(strstr(text, "warning: no client can connect") != NULL,
	    "%s", text);
	ck_assert_msg(strstr(text, "ciphers = \"DEFAULT:@SECLEVEL=0\"") !=
	    NULL, "%s", text);
	ck_assert_msg(strstr(text, "    TLSv1     no ") != NULL, "%s", text);
	free(text);

	text = report("", TF_EXPLAIN_TEXT);
	ck_assert_msg(strstr(text, "    TLSv1_3   yes  TLSv1.3 ") != NULL,
	    "%s", text);
	ck_assert_msg(strstr(text, "TLSv1_2 .. MAXIMUM_SUPPORTED") != NULL,
	    "%s", text);
	ck_assert_msg(strstr(text, "0x82520050") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "SECLEVEL") == NULL, "%s", text);
	free(text);
}
END_TEST

/*
 * default_suites "openssl": the text and the JSON say so, name the file
 * OpenSSL took its system configuration from, and report the version
 * range SSL_CTX_new made of it.
 */
START_TEST(test_explain_default_suites_openssl)
{
	SSL_CTX	*fresh;
	char	*text, *path, want[1024];
	int	 min;

	ck_assert_ptr_nonnull(path = CONF_get1_default_config_file());
	text = report("default_suites = \"openssl\";", TF_EXPLAIN_TEXT);
	snprintf(want, sizeof(want), "  default_suites     openssl (cipher "
	    "list and minimum version from OpenSSL's system configuration, "
	    "%s)\n", path);
	ck_assert_msg(strstr(text, want) != NULL, "%s", text);
	ck_assert_ptr_nonnull(fresh = SSL_CTX_new(TLS_server_method()));
	min = (int)SSL_CTX_get_min_proto_version(fresh);
	snprintf(want, sizeof(want), "  versions           %s .. ",
	    tf_config_version_name(min == 0 ? TF_VERSION_MINIMUM_SUPPORTED :
	    min));
	ck_assert_msg(strstr(text, want) != NULL, "%s", text);
	SSL_CTX_free(fresh);
	free(text);

	text = report("default_suites = \"openssl\";", TF_EXPLAIN_JSON);
	ck_assert_msg(strstr(text, "\"default_suites\":\"openssl\"") != NULL,
	    "%s", text);
	snprintf(want, sizeof(want), "\"openssl_config\":\"%s\"", path);
	ck_assert_msg(strstr(text, want) != NULL, "%s", text);
	free(text);

	text = report("", TF_EXPLAIN_TEXT);
	ck_assert_msg(strstr(text, "  default_suites     python (CPython's "
	    "cipher string, minimum version TLSv1_2 on PROTOCOL_TLS and "
	    "PROTOCOL_TLS_SERVER)\n") != NULL, "%s", text);
	free(text);
	OPENSSL_free(path);
}
END_TEST

/*
 * The probes count in no session_stats() of the context: what the daemon
 * reports (lib/metrics.c) is clients' handshakes only. Each worker
 * inherits the context its master built and probed, so every probe
 * counted once per worker before the fix.
 */
START_TEST(test_explain_probes_leave_no_session_stats)
{
	struct tf_explain_result	 r;
	struct loaded			 l;
	uint64_t			 stats[TF_SESS_N];
	int				 i;

	load(&l, "");
	for (i = TF_EXPLAIN_SSLv3; i <= TF_EXPLAIN_TLS; i++)
		ck_assert_int_eq(tf_explain_handshake(l.ctx, i, &r), 0);
	ck_assert(SSL_CTX_sess_accept(l.ctx) > 0);	/* libssl counted */
	tf_metrics_sess_read(l.ctx, stats);
	for (i = 0; i < TF_SESS_N; i++)
		ck_assert_msg(stats[i] == 0, "%s: %llu",
		    tf_metrics_sess_name((enum tf_sess_stat)i),
		    (unsigned long long)stats[i]);
	unload(&l);
}
END_TEST

static Suite *
explain_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("explain");

	tc = tcase_create("matrix");
	tcase_add_unchecked_fixture(tc, tf_test_certs_setup, tf_test_certs_teardown);
	tcase_add_test(tc, test_explain_matrix_default);
	tcase_add_test(tc, test_explain_matrix_tlsv1_2_pinned);
	tcase_add_test(tc, test_explain_matrix_no_tlsv1_3);
	tcase_add_test(tc, test_explain_matrix_legacy_enabled);
	tcase_add_test(tc, test_explain_matrix_tlsv1_dead_by_default);
	tcase_add_test(tc, test_explain_matrix_refusal_names_alert);
	tcase_add_test(tc, test_explain_probes_leave_no_session_stats);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("report");
	tcase_add_unchecked_fixture(tc, tf_test_certs_setup, tf_test_certs_teardown);
	tcase_add_test(tc, test_explain_json_valid_with_keys);
	tcase_add_test(tc, test_explain_text_names_the_fix);
	tcase_add_test(tc, test_explain_default_suites_openssl);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(explain_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	tf_test_certs_remove();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
