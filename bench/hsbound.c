/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * hsbound: the in-memory bound on a TLS server's full handshake rate.
 *
 * A loop of full handshakes between a client and a server SSL object joined
 * by a BIO pair: no sockets, no kernel, no proxy. Only the server side is
 * timed, in thread CPU time (SSL_new, every SSL_do_handshake call,
 * SSL_free), so 1 / (server time per handshake) is the most a single core
 * can do with OpenSSL alone.
 * The client is set up as hsload's full-handshake mode is (SSL_OP_NO_TICKET,
 * no session offered); the server keeps OpenSSL's defaults (TLS 1.3: two
 * tickets per handshake), and the tickets it sends are counted.
 *
 *   hsbound -c CERT -k KEY [-t 12|13] [-n HANDSHAKES] [--suites LIST]
 *       [--ciphers LIST] [--groups LIST]
 * Output: one line of key=value pairs.
 */

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

static unsigned long long	tickets;

static double
now(void)
{
	struct timespec	ts;

	/* CPU time, not wall time: other processes on a shared machine
	 * must not count against the bound. */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *msg)
{
	fprintf(stderr, "hsbound: %s\n", msg);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static int
bound_new_session_cb(SSL *ssl, SSL_SESSION *sess)
{
	(void)ssl;
	(void)sess;
	tickets++;
	return 0;
}

static void
bound_versions(SSL_CTX *ctx, int tls)
{
	long	v = tls == 12 ? TLS1_2_VERSION : TLS1_3_VERSION;

	if (!SSL_CTX_set_min_proto_version(ctx, v) ||
	    !SSL_CTX_set_max_proto_version(ctx, v))
		die("protocol version");
}

/* One full handshake; adds the server's and client's time. */
static void
bound_one(SSL_CTX *sctx, SSL_CTX *cctx, double *st, double *ct)
{
	SSL	*c, *s;
	BIO	*bc, *bs;
	int	 rc = 0, rs = 0, i;
	char	 buf[64];
	double	 t;

	if ((c = SSL_new(cctx)) == NULL)
		die("SSL_new client");
	t = now();
	if ((s = SSL_new(sctx)) == NULL)
		die("SSL_new server");
	*st += now() - t;
	if (!BIO_new_bio_pair(&bc, 0, &bs, 0))
		die("BIO_new_bio_pair");
	SSL_set_bio(c, bc, bc);
	SSL_set_bio(s, bs, bs);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	for (i = 0; i < 100 && (rc != 1 || rs != 1); i++) {
		t = now();
		if (rc != 1)
			rc = SSL_do_handshake(c);
		*ct += now() - t;
		t = now();
		if (rs != 1)
			rs = SSL_do_handshake(s);
		*st += now() - t;
	}
	if (rc != 1 || rs != 1)
		die("handshake did not complete");
	if (SSL_session_reused(c))
		die("a session was resumed");
	/* Lets the client read (and count) the server's tickets. */
	(void)SSL_read(c, buf, sizeof(buf));
	SSL_free(c);
	t = now();
	SSL_free(s);
	*st += now() - t;
	ERR_clear_error();
}

int
main(int argc, char **argv)
{
	static const struct option	lo[] = {
		{ "suites", required_argument, NULL, 'S' },
		{ "ciphers", required_argument, NULL, 'C' },
		{ "groups", required_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*cert = NULL, *key = NULL, *suites = NULL;
	const char	*ciphers = NULL, *groups = NULL;
	SSL_CTX		*sctx, *cctx;
	double		 st = 0, ct = 0;
	int		 ch, tls = 13, n = 2000, i;

	while ((ch = getopt_long(argc, argv, "c:k:t:n:", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 't': tls = atoi(optarg); break;
		case 'n': n = atoi(optarg); break;
		case 'S': suites = optarg; break;
		case 'C': ciphers = optarg; break;
		case 'G': groups = optarg; break;
		default:
			fprintf(stderr, "usage: hsbound -c CERT -k KEY "
			    "[-t 12|13] [-n N] [--suites L] [--ciphers L] "
			    "[--groups L]\n");
			return 2;
		}
	}
	if (cert == NULL || key == NULL || n < 1)
		die("need -c CERT -k KEY");
	if ((sctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    (cctx = SSL_CTX_new(TLS_client_method())) == NULL)
		die("SSL_CTX_new");
	if (SSL_CTX_use_certificate_chain_file(sctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM) != 1)
		die("certificate or key");
	bound_versions(sctx, tls);
	bound_versions(cctx, tls);
	if ((suites != NULL && !SSL_CTX_set_ciphersuites(cctx, suites)) ||
	    (ciphers != NULL && !SSL_CTX_set_cipher_list(cctx, ciphers)) ||
	    (groups != NULL && !SSL_CTX_set1_groups_list(cctx, groups)))
		die("client cipher or group list");
	SSL_CTX_set_options(cctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(cctx, SSL_SESS_CACHE_CLIENT |
	    SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(cctx, bound_new_session_cb);
	SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
	for (i = 0; i < n / 10 + 1; i++)	/* warm up */
		bound_one(sctx, cctx, &st, &ct);
	st = ct = 0;
	tickets = 0;
	for (i = 0; i < n; i++)
		bound_one(sctx, cctx, &st, &ct);
	printf("tls=%d handshakes=%d tickets_per_hs=%.2f server_us=%.1f "
	    "client_us=%.1f server_hs_per_s=%.0f client_over_server=%.2f\n",
	    tls, n, (double)tickets / n, st * 1e6 / n, ct * 1e6 / n, n / st,
	    ct / st);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
	return 0;
}
