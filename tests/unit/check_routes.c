/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * Unit tests of lib/routes.c (and the routes of lib/config_route.c): the
 * order in which routes match, the server_name parser fed every malformed
 * shape, and the configuration errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "config.h"
#include "errs.h"
#include "names.h"
#include "routes.h"

/* %s: a certificate file (the configuration only checks it is there). */
static const char routes_conf[] =
    "contexts = { main = { cert_chain = ( { certfile = \"%s\"; } ); }; };\n"
    "listeners = ( { listen = \"127.0.0.1:443\"; context = \"main\";\n"
    "  backend = \"app\"; routes = (\n"
    "    { names = [ \"api.example\", \"*.api.example\" ]; backend = \"api\"; },\n"
    "    { alpn = \"acme-tls/1\"; backend = \"acme\"; },\n"
    "    { names = [ \"h.example\" ]; alpn = \"h2\"; backend = \"h2\"; },\n"
    "    { names = [ \"x.api.example\" ]; alpn = \"h2\"; backend = \"h2\"; },\n"
    "    { names = [ \"ctx.example\" ]; context = \"main\"; }\n"
    "  ); } );\n"
    "backends = { app = { servers = [ \"127.0.0.1:1\" ]; };\n"
    "  api = { servers = [ \"127.0.0.1:2\" ]; };\n"
    "  acme = { servers = [ \"127.0.0.1:3\" ]; };\n"
    "  h2 = { servers = [ \"127.0.0.1:4\" ]; }; };\n";

static struct tf_config	*conf;
static struct tf_routes	*routes;
static SSL_CTX		*no_contexts[1];

static char		 cert_path[] = "/tmp/check_routes.XXXXXX";

static void
routes_setup(void)
{
	struct tf_errs	errs;
	char		text[4096];
	int		fd;

	ck_assert_int_ge(fd = mkstemp(cert_path), 0);
	close(fd);
	snprintf(text, sizeof(text), routes_conf, cert_path);
	tf_errs_init(&errs);
	conf = tf_config_load_string(text, NULL, &errs);
	ck_assert_msg(conf != NULL, "%s", tf_errs_count(&errs) > 0 ?
	    tf_errs_get(&errs, 0) : "?");
	/* No route switches to another context: no SSL_CTX is needed. */
	routes = tf_routes_new(conf, 0, no_contexts, &errs);
	ck_assert_ptr_nonnull(routes);
	ck_assert(!tf_routes_at_hello(routes));
	tf_errs_free(&errs);
}

static void
routes_teardown(void)
{
	tf_routes_free(routes);
	tf_config_free(conf);
	unlink(cert_path);
}

/* The backend name the route for host and alpn gives ("-": none). */
static const char *
backend_for(const char *host, const char *alpn)
{
	const struct tf_route_conf	*r;

	r = tf_routes_find(routes, host, (const unsigned char *)alpn,
	    alpn == NULL ? 0 : (unsigned int)strlen(alpn));
	if (r == NULL)
		return "-";
	return r->has_backend ? conf->backends[r->backend].name : "(none)";
}

START_TEST(test_routes_order)
{
	/* Names alone. */
	ck_assert_str_eq(backend_for("api.example", NULL), "api");
	ck_assert_str_eq(backend_for("Z.API.example.", NULL), "api");
	ck_assert_str_eq(backend_for("a.b.api.example", NULL), "-");
	ck_assert_str_eq(backend_for("other.example", NULL), "-");
	ck_assert_str_eq(backend_for(NULL, NULL), "-");
	/* A route with a context only gives no backend. */
	ck_assert_str_eq(backend_for("ctx.example", NULL), "(none)");
	/* alpn alone beats names alone. */
	ck_assert_str_eq(backend_for("api.example", "acme-tls/1"), "acme");
	ck_assert_str_eq(backend_for(NULL, "acme-tls/1"), "acme");
	/* names + alpn beat both; x.api.example's exact entry beats the
	 * wildcard only under its alpn. */
	ck_assert_str_eq(backend_for("h.example", "h2"), "h2");
	ck_assert_str_eq(backend_for("x.api.example", "h2"), "h2");
	ck_assert_str_eq(backend_for("x.api.example", "http/1.1"), "api");
	ck_assert_str_eq(backend_for("h.example", "http/1.1"), "-");
	ck_assert_str_eq(backend_for("h.example", NULL), "-");
	/* A protocol that is a prefix of a routed one is another one. */
	ck_assert_str_eq(backend_for("h.example", "h"), "-");
	ck_assert_str_eq(backend_for(NULL, "acme-tls"), "-");
	ck_assert_ptr_null(tf_routes_find(NULL, "api.example", NULL, 0));
}
END_TEST

START_TEST(test_routes_sni_parse)
{
	static const struct {
		const char	*ext;
		size_t		 len;
		const char	*host;	/* NULL: refused */
	} cases[] = {
		{ "\x00\x0e\x00\x00\x0b" "api.example", 16, "api.example" },
		/* An entry of another type first, then the host_name. */
		{ "\x00\x0a\x01\x00\x01" "x" "\x00\x00\x02" "ab", 12, "ab" },
		{ "\x00\x04\x01\x00\x01" "x", 6, NULL },	/* no host_name */
		{ "", 0, NULL },
		{ "\x00", 1, NULL },
		{ "\x00\x0f\x00\x00\x0b" "api.example", 16, NULL }, /* list */
		{ "\x00\x0d\x00\x00\x0b" "api.example", 16, NULL },
		{ "\x00\x0e\x00\x00\x0c" "api.example", 16, NULL }, /* name */
		{ "\x00\x03\x00\x00\x00", 5, NULL },		/* empty */
		{ "\x00\x06\x00\x00\x03" "a\0b", 8, NULL },	/* a NUL */
		{ "\x00\x02\x00\x00", 4, NULL },		/* cut */
	};
	char	buf[TF_NAME_MAX + 2];
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok = tf_routes_sni((const unsigned char *)cases[i].ext,
		    cases[i].len, buf);

		ck_assert_msg(ok == (cases[i].host != NULL), "case %zu", i);
		if (ok)
			ck_assert_str_eq(buf, cases[i].host);
	}
}
END_TEST

/* A name as long as a name can be, and one byte longer. */
START_TEST(test_routes_sni_long)
{
	unsigned char	ext[300];
	char		buf[TF_NAME_MAX + 2];
	size_t		n;

	for (n = TF_NAME_MAX + 1; n <= TF_NAME_MAX + 2; n++) {
		ext[0] = (unsigned char)((n + 3) >> 8);
		ext[1] = (unsigned char)(n + 3);
		ext[2] = 0;
		ext[3] = (unsigned char)(n >> 8);
		ext[4] = (unsigned char)n;
		memset(ext + 5, 'a', n);
		ck_assert(tf_routes_sni(ext, n + 5, buf) ==
		    (n == TF_NAME_MAX + 1));
	}
}
END_TEST

static Suite *
routes_suite(void)
{
	Suite	*s = suite_create("routes");
	TCase	*tc = tcase_create("lookup");
	TCase	*tp = tcase_create("sni");

	tcase_add_checked_fixture(tc, routes_setup, routes_teardown);
	tcase_add_test(tc, test_routes_order);
	suite_add_tcase(s, tc);
	tcase_add_test(tp, test_routes_sni_parse);
	tcase_add_test(tp, test_routes_sni_long);
	suite_add_tcase(s, tp);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(routes_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
