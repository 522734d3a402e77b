/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * Unit tests of lib/metrics.c (keys of names, the cipher table, why a
 * handshake failed, counting, adding slots up) and lib/metrics_text.c
 * (the Prometheus text of a view, /healthz's verdict).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "config.h"
#include "errs.h"
#include "metrics.h"
#include "metrics_text.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* A file that exists, for cert_chain (the contexts are not built). */
static char	cert_path[] = "/tmp/check_metrics.XXXXXX";

#define CERT	"cert_chain = ( { certfile = \"%1$s\"; } );"
static const char conf_format[] =
    "daemon = { admin = { listen = \"127.0.0.1:9100\"; }; };\n"
    "contexts = { web = { " CERT " }; shop = { " CERT " }; };\n"
    "listeners = (\n"
    "  { listen = \"127.0.0.1:%2$d\"; context = \"web\"; backend = \"b\"; },\n"
    "  { listen = \"[::1]:%3$d\"; context = \"shop\"; backend = \"b\"; }\n"
    ");\n"
    "backends = { b = { servers = [ \"127.0.0.1:8080\", \"127.0.0.1:8081\" ]; "
    "}; };\n";

/* The configuration above, its listeners on ports p1 and p2. */
static struct tf_config *
load_ports(int p1, int p2)
{
	struct tf_errs		 errs;
	struct tf_config	*cf;
	char			 text[1024];

	snprintf(text, sizeof(text), conf_format, cert_path, p1, p2);
	tf_errs_init(&errs);
	cf = tf_config_load_string(text, NULL, &errs);
	if (cf == NULL)
		ck_abort_msg("%s", tf_errs_get(&errs, 0));
	tf_errs_free(&errs);
	return cf;
}

static struct tf_config *
load(void)
{
	return load_ports(8443, 8443);
}

/* A name keeps its key in every configuration that has it; new names
 * take free keys; past the last key, names are not counted. */
START_TEST(test_keys_persist)
{
	struct tf_metrics_keys	*k = tf_metrics_keys_new();
	struct tf_config	*a = load(), *b;
	uint32_t		 la[2], ca[2], lb[2], cb[2];

	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(tf_metrics_keys_bind(k, a, la, ca), 0);
	ck_assert_uint_ne(la[0], la[1]);
	ck_assert_uint_ne(ca[0], ca[1]);
	/* The second listener renamed: the first keeps its key. */
	b = load_ports(8443, 8444);
	ck_assert_uint_eq(tf_metrics_keys_bind(k, b, lb, cb), 0);
	ck_assert_uint_eq(lb[0], la[0]);
	ck_assert_uint_ne(lb[1], la[1]);
	ck_assert_uint_ne(lb[1], la[0]);
	ck_assert_uint_eq(cb[0], ca[0]);
	ck_assert_uint_eq(cb[1], ca[1]);
	ck_assert_str_eq(tf_metrics_listener_name(&b->listeners[1]),
	    "[::1]:8444");
	tf_config_free(a);
	tf_config_free(b);
	tf_metrics_keys_free(k);
}
END_TEST

START_TEST(test_keys_run_out)
{
	struct tf_metrics_keys	*k = tf_metrics_keys_new();
	struct tf_config	*cf;
	uint32_t		 lk[2], ck[2];
	int			 i;
	size_t			 lost = 0;

	/* Fill every listener key with a name of its own. */
	for (i = 0; i < TF_METRICS_LISTENERS / 2 + 1; i++) {
		cf = load_ports(2000 + i, 4000 + i);
		lost += tf_metrics_keys_bind(k, cf, lk, ck);
		tf_config_free(cf);
	}
	ck_assert_uint_eq(lost, 2);
	ck_assert_uint_eq(lk[0], TF_METRICS_NONE);
	ck_assert_uint_eq(lk[1], TF_METRICS_NONE);
	ck_assert_uint_ne(ck[0], TF_METRICS_NONE);
	tf_metrics_keys_free(k);
}
END_TEST

START_TEST(test_cipher_table)
{
	SSL_CTX			*ctx = SSL_CTX_new(TLS_method());
	STACK_OF(SSL_CIPHER)	*all;
	size_t			 idx, seen = 0;
	int			 i;

	ck_assert_int_eq(tf_metrics_ciphers_init(), 0);
	ck_assert_int_eq(tf_metrics_ciphers_init(), 0);
	ck_assert_str_eq(tf_metrics_cipher_name(0), "other");
	ck_assert_uint_eq(tf_metrics_cipher_index(NULL), 0);
	SSL_CTX_set_security_level(ctx, 0);
	ck_assert_int_eq(SSL_CTX_set_cipher_list(ctx,
	    "ALL:COMPLEMENTOFALL:@SECLEVEL=0"), 1);
	all = SSL_CTX_get_ciphers(ctx);
	/* Every cipher libssl knows has an index of its own and its name. */
	for (i = 0; i < sk_SSL_CIPHER_num(all); i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(all, i);

		idx = tf_metrics_cipher_index(c);
		ck_assert_uint_gt(idx, 0);
		ck_assert_uint_lt(idx, TF_METRICS_CIPHERS);
		ck_assert_str_eq(tf_metrics_cipher_name(idx),
		    SSL_CIPHER_standard_name(c));
		seen++;
	}
	ck_assert_uint_gt(seen, 100);
	ck_assert_str_eq(tf_metrics_cipher_name(TF_METRICS_CIPHERS + 5),
	    "other");
	SSL_CTX_free(ctx);
}
END_TEST

static unsigned long
ssl_err(int reason)
{
	return ERR_PACK(ERR_LIB_SSL, 0, reason);
}

START_TEST(test_failure_reasons)
{
	/* level << 8 | description, as lib/side.c keeps them */
	uint16_t	fatal = 2 << 8;

	ck_assert_int_eq(tf_metrics_failure_reason(true,
	    ssl_err(SSL_R_NO_SHARED_CIPHER), 0, 0), TF_HS_FAIL_TIMEOUT);
	ck_assert_int_eq(tf_metrics_failure_reason(false,
	    ssl_err(SSL_R_NO_SHARED_CIPHER), fatal | 40, 0),
	    TF_HS_FAIL_NO_SHARED_CIPHER);
	ck_assert_int_eq(tf_metrics_failure_reason(false,
	    ssl_err(SSL_R_UNSUPPORTED_PROTOCOL), fatal | 70, 0),
	    TF_HS_FAIL_VERSION);
	ck_assert_int_eq(tf_metrics_failure_reason(false, 0, 0, fatal | 70),
	    TF_HS_FAIL_VERSION);
	ck_assert_int_eq(tf_metrics_failure_reason(false,
	    ssl_err(SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE), fatal | 116, 0),
	    TF_HS_FAIL_CLIENT_CERT);
	ck_assert_int_eq(tf_metrics_failure_reason(false,
	    ssl_err(SSL_R_CERTIFICATE_VERIFY_FAILED), fatal | 48, 0),
	    TF_HS_FAIL_CLIENT_CERT);
	ck_assert_int_eq(tf_metrics_failure_reason(false,
	    ssl_err(SSL_R_TLSV1_ALERT_UNKNOWN_CA), 0, fatal | 48),
	    TF_HS_FAIL_ALERT_RECEIVED);
	ck_assert_int_eq(tf_metrics_failure_reason(false,
	    ssl_err(SSL_R_BAD_KEY_SHARE), fatal | 47, 0),
	    TF_HS_FAIL_ALERT_SENT);
	/* Not TLS at all, or a peer that closed: no alert either way. */
	ck_assert_int_eq(tf_metrics_failure_reason(false,
	    ssl_err(SSL_R_WRONG_VERSION_NUMBER), 0, 0), TF_HS_FAIL_OTHER);
	ck_assert_int_eq(tf_metrics_failure_reason(false, 0, 0, 0),
	    TF_HS_FAIL_OTHER);
	/* Another library's code is not read as libssl's. */
	ck_assert_int_eq(tf_metrics_failure_reason(false,
	    ERR_PACK(ERR_LIB_X509, 0, SSL_R_NO_SHARED_CIPHER), 0, 0),
	    TF_HS_FAIL_OTHER);
	ck_assert_str_eq(tf_metrics_failure_name(TF_HS_FAIL_NO_SHARED_CIPHER),
	    "no_shared_cipher");
	ck_assert_str_eq(tf_metrics_failure_name(TF_HS_FAIL_N), "other");
	ck_assert_str_eq(tf_metrics_sess_name(TF_SESS_ACCEPT_RENEGOTIATE),
	    "accept_renegotiate");
	ck_assert_str_eq(tf_metrics_limit_name(TF_LIMIT_ADDRESS_RATE),
	    "per_address_rate");
}
END_TEST

/* Gauges end with the worker that held them; counters are kept. */
START_TEST(test_fold_and_sum)
{
	struct tf_metrics_slot	*a = calloc(1, sizeof(*a));
	struct tf_metrics_slot	*b = calloc(1, sizeof(*b));
	struct tf_metrics_slot	*r = calloc(1, sizeof(*r));

	tf_counter_add(&a->listeners[3].accepted, 5);
	tf_counter_add(&a->listeners[3].open, 2);
	tf_counter_add(&a->listeners[3].serving, 1);
	tf_counter_add(&a->sessions[1][TF_SESS_NUMBER], 7);
	tf_counter_add(&a->sessions[1][TF_SESS_HITS], 4);
	tf_counter_add(&a->limit_hits[TF_LIMIT_HANDSHAKES], 1);
	tf_counter_add(&b->listeners[3].open, 1);
	tf_counter_add(&b->listeners[3].accepted, 1);
	/* The master folds a when it exits, then a snapshot sums b. */
	tf_metrics_fold(r, a);
	ck_assert_uint_eq(tf_counter_get(&r->listeners[3].accepted), 5);
	ck_assert_uint_eq(tf_counter_get(&r->listeners[3].open), 0);
	ck_assert_uint_eq(tf_counter_get(&r->listeners[3].serving), 0);
	ck_assert_uint_eq(tf_counter_get(&r->sessions[1][TF_SESS_NUMBER]), 0);
	ck_assert_uint_eq(tf_counter_get(&r->sessions[1][TF_SESS_HITS]), 4);
	tf_metrics_sum(r, b);
	ck_assert_uint_eq(tf_counter_get(&r->listeners[3].accepted), 6);
	ck_assert_uint_eq(tf_counter_get(&r->listeners[3].open), 1);
	ck_assert_uint_eq(tf_counter_get(&r->limit_hits[TF_LIMIT_HANDSHAKES]),
	    1);
	free(a);
	free(b);
	free(r);
}
END_TEST

/* A view of conf_text with some counts, rendered. */
struct rendered {
	struct tf_config	*cf;
	struct tf_metrics_slot	*sum;
	char			*text;
};

static void
render(struct rendered *out, bool up0, bool draining)
{
	static const uint32_t		lkeys[2] = { 0, TF_METRICS_NONE };
	static const uint32_t		ckeys[2] = { 1, 0 };
	static struct tf_metrics_cert	certs[1];
	static struct tf_metrics_server	servers[2];
	struct tf_metrics_view		v;
	struct evbuffer			*b = evbuffer_new();
	bool				up[2] = { up0, true };
	size_t				len;

	out->cf = load();
	out->sum = calloc(1, sizeof(*out->sum));
	tf_counter_add(&out->sum->listeners[0].accepted, 12);
	tf_counter_add(&out->sum->listeners[0].handshakes, 9);
	tf_counter_add(&out->sum->listeners[0].resumed, 2);
	tf_counter_add(&out->sum->listeners[0].failures[TF_HS_FAIL_VERSION],
	    1);
	tf_counter_add(&out->sum->by_cipher[3][0], 11);
	tf_counter_add(&out->sum->hs_buckets[0], 3);
	tf_counter_add(&out->sum->hs_buckets[4], 8);
	tf_counter_add(&out->sum->hs_sum_us, 123456);
	tf_counter_add(&out->sum->sessions[1][TF_SESS_HITS], 2);
	certs[0].context = 1;
	certs[0].file = "/etc/a\\b.pem";
	snprintf(certs[0].subject, sizeof(certs[0].subject),
	    "CN=x\"y\nz");
	certs[0].not_after = 1893456000;
	servers[0].backend = servers[1].backend = 0;
	servers[1].server = 1;
	servers[0].up = true;
	servers[1].connect_failures = 4;
	memset(&v, 0, sizeof(v));
	v.cf = out->cf;
	v.listener_key = lkeys;
	v.context_key = ckeys;
	v.sum = out->sum;
	v.listener_up = up;
	v.certs = certs;
	v.ncerts = 1;
	v.servers = servers;
	v.nservers = 2;
	v.limits[TF_LIMIT_MAX_CONNECTIONS] = 50000;
	v.generation = 3;
	v.reloads_ok = 2;
	v.draining = draining;
	v.version = "9.9";
	ck_assert_int_eq(tf_metrics_render_prometheus(b, &v), 0);
	len = evbuffer_get_length(b);
	out->text = calloc(1, len + 1);
	evbuffer_remove(b, out->text, len);
	evbuffer_free(b);
	{
		char	why[100];

		ck_assert(tf_metrics_healthy(&v, why, sizeof(why)) ==
		    (up0 && !draining));
		ck_assert_str_eq(why, draining ? "draining" : !up0 ?
		    "listener 127.0.0.1:8443 is down" : "ok");
	}
}

static void
rendered_free(struct rendered *r)
{
	tf_config_free(r->cf);
	free(r->sum);
	free(r->text);
}

static void
has_line(const char *text, const char *line)
{
	const char	*p = text;
	size_t		 n = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
		p += n;
	}
	fprintf(stderr, "%s\n", text);
	ck_abort_msg("no line \"%s\" (the text is on stderr)", line);
}

START_TEST(test_render_samples)
{
	struct rendered	r;

	render(&r, true, false);
	has_line(r.text, "tlsfront_info{version=\"9.9\"} 1");
	has_line(r.text, "tlsfront_config_generation 3");
	has_line(r.text, "tlsfront_reloads_total{result=\"ok\"} 2");
	has_line(r.text, "# TYPE tlsfront_connections_total counter");
	has_line(r.text,
	    "tlsfront_connections_total{listener=\"127.0.0.1:8443\"} 12");
	has_line(r.text, "tlsfront_handshakes_total{listener=\"127.0.0.1:8443\""
	    ",resumed=\"false\"} 9");
	has_line(r.text, "tlsfront_handshakes_total{listener=\"127.0.0.1:8443\""
	    ",resumed=\"true\"} 2");
	has_line(r.text, "tlsfront_handshake_failures_total{listener="
	    "\"127.0.0.1:8443\",reason=\"version\"} 1");
	/* Up or down is known for a listener with no key; counts are not. */
	has_line(r.text, "tlsfront_listener_up{listener=\"[::1]:8443\"} 1");
	ck_assert_ptr_null(strstr(r.text,
	    "tlsfront_connections_total{listener=\"[::1]:8443\"}"));
	has_line(r.text, "tlsfront_handshakes_by_cipher_total{version="
	    "\"TLSv1.3\",cipher=\"other\"} 11");
	/* Cumulative buckets, +Inf and _count equal. */
	has_line(r.text,
	    "tlsfront_handshake_duration_seconds_bucket{le=\"0.001\"} 3");
	has_line(r.text,
	    "tlsfront_handshake_duration_seconds_bucket{le=\"0.01\"} 3");
	has_line(r.text,
	    "tlsfront_handshake_duration_seconds_bucket{le=\"0.025\"} 11");
	has_line(r.text,
	    "tlsfront_handshake_duration_seconds_bucket{le=\"+Inf\"} 11");
	has_line(r.text, "tlsfront_handshake_duration_seconds_count 11");
	has_line(r.text, "tlsfront_handshake_duration_seconds_sum 0.123456");
	/* Context i's counts are under its key (web: 1, shop: 0). */
	has_line(r.text, "tlsfront_session_stats_hits_total{context=\"web\"} 2");
	has_line(r.text,
	    "tlsfront_session_stats_hits_total{context=\"shop\"} 0");
	has_line(r.text, "# TYPE tlsfront_session_stats_number gauge");
	/* Label values escaped: backslash, quote, newline. */
	has_line(r.text, "tlsfront_certificate_not_after_seconds{context="
	    "\"shop\",file=\"/etc/a\\\\b.pem\",subject=\"CN=x\\\"y\\nz\"} "
	    "1893456000");
	has_line(r.text, "tlsfront_backend_server_up{backend=\"b\",server="
	    "\"127.0.0.1:8081\"} 0");
	has_line(r.text, "tlsfront_backend_connect_failures_total{backend="
	    "\"b\",server=\"127.0.0.1:8081\"} 4");
	has_line(r.text, "tlsfront_limit{limit=\"max_connections\"} 50000");
	has_line(r.text, "tlsfront_limit_hits_total{limit=\"client_hello\"} 0");
	has_line(r.text, "tlsfront_draining 0");
	rendered_free(&r);
}
END_TEST

/* Every family: one HELP and TYPE before its samples, each name once. */
START_TEST(test_render_families_once)
{
	struct rendered	 r;
	char		*line, *save, *copy, seen[64][80];
	size_t		 nseen = 0, i;

	render(&r, true, false);
	copy = strdup(r.text);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char	name[80];

		if (sscanf(line, "# TYPE %79s", name) != 1)
			continue;
		for (i = 0; i < nseen; i++)
			ck_assert_str_ne(seen[i], name);
		ck_assert_uint_lt(nseen, N(seen));
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
		ck_assert_msg(strncmp(name, "tlsfront_", 9) == 0, "%s", name);
	}
	ck_assert_uint_ge(nseen, 30);
	free(copy);
	rendered_free(&r);
}
END_TEST

START_TEST(test_healthz)
{
	struct rendered	r;

	render(&r, false, false);
	has_line(r.text, "tlsfront_listener_up{listener=\"127.0.0.1:8443\"} 0");
	rendered_free(&r);
	render(&r, true, true);
	has_line(r.text, "tlsfront_draining 1");
	rendered_free(&r);
}
END_TEST

static Suite *
metrics_suite(void)
{
	Suite	*s = suite_create("metrics");
	TCase	*tc;

	tc = tcase_create("keys");
	tcase_add_test(tc, test_keys_persist);
	tcase_add_test(tc, test_keys_run_out);
	suite_add_tcase(s, tc);
	tc = tcase_create("count");
	tcase_add_test(tc, test_cipher_table);
	tcase_add_test(tc, test_failure_reasons);
	tcase_add_test(tc, test_fold_and_sum);
	suite_add_tcase(s, tc);
	tc = tcase_create("text");
	tcase_add_test(tc, test_render_samples);
	tcase_add_test(tc, test_render_families_once);
	tcase_add_test(tc, test_healthz);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed, fd;

	if ((fd = mkstemp(cert_path)) == -1)
		return EXIT_FAILURE;
	close(fd);
	sr = srunner_create(metrics_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	unlink(cert_path);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
