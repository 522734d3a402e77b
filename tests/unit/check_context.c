/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: unit tests for lib/context.c (and lib/selfsigned.c).
 * Python's ssl module on this machine is the reference for the defaults.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "config.h"
#include "context.h"
#include "errs.h"
#include "selfsigned.h"

#include "testcerts.h"

#ifndef TF_SRCDIR
#error "TF_SRCDIR must name the source directory"
#endif

#define CONF		"test.conf"
/* A set_ciphers() string whose order Python and we must agree on. */
#define TEST_CIPHERS	"ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AES256:!SHA1"



/* "tf_test_certdir/name" in a static buffer (one of a few, rotating). */
static char *
cert_path(const char *name)
{
	static char	 bufs[4][TF_TEST_CERTDIR_MAX + 64];
	static int	 next;
	char		*buf;

	buf = bufs[next++ % 4];
	snprintf(buf, sizeof(bufs[0]), "%s/%s", tf_test_certdir, name);
	return buf;
}

static void
conf_init(struct tf_context_conf *cc, enum tf_protocol protocol)
{
	static char	 name[] = "test";

	memset(cc, 0, sizeof(*cc));
	cc->name = name;
	cc->line = 1;
	cc->protocol = protocol;
	cc->protocol_line = 2;
	cc->minimum_version = TF_VERSION_UNSET;
	cc->maximum_version = TF_VERSION_UNSET;
}

static void
cert_init(struct tf_cert_conf *cert, const char *certfile,
    const char *keyfile, int line)
{
	memset(cert, 0, sizeof(*cert));
	cert->certfile = certfile != NULL ? strdup(cert_path(certfile)) : NULL;
	cert->keyfile = keyfile != NULL ? strdup(cert_path(keyfile)) : NULL;
	cert->line = line;
}

static void
cert_free(struct tf_cert_conf *cert)
{
	free(cert->certfile);
	free(cert->keyfile);
}

/*
 * The references: Python's ssl module, every python3 of this machine
 * (tests/helpers/pyref.py list), each giving its values for both
 * default_suites profiles (pyref.py defaults: a profile that is not the
 * interpreter's build flavour, and CPython release differences, are
 * reconciled there and named in "# " lines, printed here). Run once (an
 * interpreter takes most of a second to start) in the parent before the
 * tests fork; each reference line is "profile.key value".
 */
#define NPYTHONS	4
#define NREFS		160

static struct python_ref {
	char	 label[512];	/* "EXECUTABLE VERSION FLAVOUR" */
	size_t	 nrefs;
	struct {
		char	 key[64];
		char	 value[2048];
	} refs[NREFS];
} pythons[NPYTHONS];
static size_t	npythons;

/* One comparison: interpreter pythons[py], tlsfront's profile. */
struct ref {
	size_t			 py;
	enum tf_default_suites	 profile;
};

/* Every interpreter with both profiles. */
#define FOR_EACH_REF(r)							\
	for ((r).py = 0; (r).py < npythons; (r).py++)			\
		for ((r).profile = TF_DEFAULT_SUITES_PYTHON;		\
		    (r).profile <= TF_DEFAULT_SUITES_OPENSSL; (r).profile++)

#define PYREF	TF_SRCDIR "/tests/helpers/pyref.py"

/* Runs cmd; each output line goes to line_cb. Fails the test on error. */
static void
python_run(const char *cmd, void (*line_cb)(char *, void *), void *arg)
{
	char	 line[4096];
	FILE	*fp;

	fp = popen(cmd, "r");
	ck_assert_msg(fp != NULL, "cannot run %s", cmd);
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		line_cb(line, arg);
	}
	ck_assert_msg(pclose(fp) == 0, "%s failed; Python is the reference "
	    "for these tests", cmd);
}

static void
python_list_line(char *line, void *arg)
{
	(void)arg;
	ck_assert_msg(npythons < NPYTHONS, "more than %d python3", NPYTHONS);
	snprintf(pythons[npythons++].label, sizeof(pythons[0].label), "%s",
	    line);
}

static void
python_ref_line(char *line, void *arg)
{
	struct python_ref	*py = arg;
	char			*sp;

	if (line[0] == '#') {
		/* What pyref reconciled: say it, as a TAP comment. */
		printf("%s\n", line);
		fflush(stdout);
		return;
	}
	if ((sp = strchr(line, ' ')) == NULL)
		return;
	*sp++ = '\0';
	ck_assert_msg(py->nrefs < NREFS, "more than %d reference values",
	    NREFS);
	snprintf(py->refs[py->nrefs].key, sizeof(py->refs[0].key), "%.63s",
	    line);
	snprintf(py->refs[py->nrefs].value, sizeof(py->refs[0].value),
	    "%.2047s", sp);
	py->nrefs++;
}

static void
python_setup(void)
{
	char	 cmd[1024], exe[512];
	size_t	 i;

	if (npythons > 0)
		return;
	python_run("python3 -W ignore '" PYREF "' list", python_list_line,
	    NULL);
	ck_assert_msg(npythons > 0, "pyref.py list found no python3");
	for (i = 0; i < npythons; i++) {
		/* Checked: GCC -O2 -Werror refuses a possible silent cut. */
		ck_assert_msg(snprintf(exe, sizeof(exe), "%s",
		    pythons[i].label) < (int)sizeof(exe), "label too long");
		exe[strcspn(exe, " ")] = '\0';
		snprintf(cmd, sizeof(cmd), "'%s' -W ignore '" PYREF "' defaults",
		    exe);
		python_run(cmd, python_ref_line, &pythons[i]);
		ck_assert_msg(pythons[i].nrefs > 0, "%s gave no values", cmd);
	}
}

static void
python_teardown(void)
{
}

/* "EXECUTABLE VERSION FLAVOUR, profile P", for messages. */
static const char *
ref_label(const struct ref *r)
{
	static char	 buf[600];

	snprintf(buf, sizeof(buf), "%s, profile %s", pythons[r->py].label,
	    tf_config_default_suites_name(r->profile));
	return buf;
}

/* The reference's value for key. */
static const char *
python_str(const struct ref *r, const char *key)
{
	const struct python_ref	*py = &pythons[r->py];
	char			 full[96];
	size_t			 i;

	snprintf(full, sizeof(full), "%s.%s",
	    tf_config_default_suites_name(r->profile), key);
	for (i = 0; i < py->nrefs; i++)
		if (strcmp(py->refs[i].key, full) == 0)
			return py->refs[i].value;
	ck_abort_msg("%s: no reference value for %s", ref_label(r), full);
	return "";
}

static long long
python_num(const struct ref *r, const char *key)
{
	return strtoll(python_str(r, key), NULL, 0);
}

static long long
python_num2(const struct ref *r, const char *prefix, const char *attr)
{
	char	 key[64];

	snprintf(key, sizeof(key), "%s.%s", prefix, attr);
	return python_num(r, key);
}

/* conf_init for the reference's profile. */
static void
conf_init_ref(struct tf_context_conf *cc, enum tf_protocol protocol,
    const struct ref *r)
{
	conf_init(cc, protocol);
	cc->default_suites = r->profile;
}

/* Python's TLSVersion for an OpenSSL bound (0 means "not limited"). */
static long long
python_version(int v, bool is_max)
{
	if (v == 0)
		return is_max ? TF_VERSION_MAXIMUM_SUPPORTED :
		    TF_VERSION_MINIMUM_SUPPORTED;
	return v;
}

/* Cipher names of ctx in order, colon-separated. */
static void
ctx_cipher_names(SSL_CTX *ctx, char *out, size_t len)
{
	STACK_OF(SSL_CIPHER)	*sk;
	int			 i;

	out[0] = '\0';
	sk = SSL_CTX_get_ciphers(ctx);
	for (i = 0; sk != NULL && i < sk_SSL_CIPHER_num(sk); i++) {
		if (i > 0)
			strncat(out, ":", len - strlen(out) - 1);
		strncat(out, SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, i)),
		    len - strlen(out) - 1);
	}
}

static SSL_CTX *
build_ok(const struct tf_context_conf *cc)
{
	struct tf_errs	 errs;
	SSL_CTX		*ctx;

	tf_errs_init(&errs);
	ctx = tf_context_build(cc, CONF, &errs);
	ck_assert_msg(ctx != NULL, "build failed: %s",
	    tf_errs_count(&errs) > 0 ? tf_errs_get(&errs, 0) : "no message");
	ck_assert_uint_eq(tf_errs_count(&errs), 0);
	ck_assert_uint_eq(ERR_peek_error(), 0);
	tf_errs_free(&errs);
	return ctx;
}

/* Expect a refusal whose first message is exactly msg. */
static void
build_fails(const struct tf_context_conf *cc, const char *msg)
{
	struct tf_errs	 errs;

	tf_errs_init(&errs);
	ck_assert_ptr_null(tf_context_build(cc, CONF, &errs));
	ck_assert_uint_ge(tf_errs_count(&errs), 1);
	ck_assert_str_eq(tf_errs_get(&errs, 0), msg);
	ck_assert_uint_eq(ERR_peek_error(), 0);
	tf_errs_free(&errs);
}

/* Expect a refusal whose first message starts with prefix. */
static void
build_fails_prefix(const struct tf_context_conf *cc, const char *prefix)
{
	struct tf_errs	 errs;

	tf_errs_init(&errs);
	ck_assert_ptr_null(tf_context_build(cc, CONF, &errs));
	ck_assert_uint_ge(tf_errs_count(&errs), 1);
	ck_assert_msg(strncmp(tf_errs_get(&errs, 0), prefix,
	    strlen(prefix)) == 0, "got \"%s\", want prefix \"%s\"",
	    tf_errs_get(&errs, 0), prefix);
	ck_assert_uint_eq(ERR_peek_error(), 0);
	tf_errs_free(&errs);
}

/*
 * In-memory handshake against sctx of a client limited to version,
 * signature algorithms and (if not NULL) groups. Returns 1 if it
 * completed, with the server certificate's key type in *keytype and the
 * number of certificates sent in *chainlen; 0 if it failed.
 */
static int
handshake(SSL_CTX *sctx, int version, const char *sigalgs, const char *groups,
    int *keytype, int *chainlen)
{
	SSL_CTX	*cctx;
	SSL	*c, *s;
	BIO	*cbio, *sbio;
	X509	*peer;
	char	 list[256];
	int	 i, rc, rs, ok;

	ck_assert_ptr_nonnull(cctx = SSL_CTX_new(TLS_client_method()));
	ck_assert_int_eq(SSL_CTX_set_min_proto_version(cctx, version), 1);
	ck_assert_int_eq(SSL_CTX_set_max_proto_version(cctx, version), 1);
	/* Copies: OpenSSL's macros cast the const away. */
	snprintf(list, sizeof(list), "%s", sigalgs);
	ck_assert_int_eq(SSL_CTX_set1_sigalgs_list(cctx, list), 1);
	if (groups != NULL) {
		snprintf(list, sizeof(list), "%s", groups);
		ck_assert_int_eq(SSL_CTX_set1_groups_list(cctx, list), 1);
	}
	ck_assert_ptr_nonnull(c = SSL_new(cctx));
	ck_assert_ptr_nonnull(s = SSL_new(sctx));
	ck_assert_int_eq(BIO_new_bio_pair(&cbio, 0, &sbio, 0), 1);
	SSL_set_bio(c, cbio, cbio);
	SSL_set_bio(s, sbio, sbio);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	rc = rs = 0;
	for (i = 0; i < 50 && (rc != 1 || rs != 1); i++) {
		if (rc != 1)
			rc = SSL_do_handshake(c);
		if (rs != 1)
			rs = SSL_do_handshake(s);
		if ((rc <= 0 && SSL_get_error(c, rc) == SSL_ERROR_SSL) ||
		    (rs <= 0 && SSL_get_error(s, rs) == SSL_ERROR_SSL))
			break;
	}
	ok = rc == 1 && rs == 1;
	if (ok) {
		ck_assert_int_eq(SSL_version(c), version);
		ck_assert_ptr_nonnull(peer = SSL_get1_peer_certificate(c));
		*keytype = EVP_PKEY_get_base_id(X509_get0_pubkey(peer));
		*chainlen = sk_X509_num(SSL_get_peer_cert_chain(c));
		X509_free(peer);
	}
	ERR_clear_error();
	SSL_free(c);
	SSL_free(s);
	SSL_CTX_free(cctx);
	return ok;
}

/* The key type of the certificate the server sends; the handshake must work. */
static int
handshake_key_type(SSL_CTX *sctx, int version, const char *sigalgs,
    int *chainlen)
{
	int	 keytype;

	ck_assert_msg(handshake(sctx, version, sigalgs, NULL, &keytype,
	    chainlen) == 1, "handshake with %s failed", sigalgs);
	return keytype;
}

static const struct {
	enum tf_protocol	 protocol;
	const char		*python;
} protocols[] = {
	{ TF_PROTOCOL_TLS_SERVER, "TLS_SERVER" },
	{ TF_PROTOCOL_TLS, "TLS" },
	{ TF_PROTOCOL_TLSv1, "TLSv1" },
	{ TF_PROTOCOL_TLSv1_1, "TLSv1_1" },
	{ TF_PROTOCOL_TLSv1_2, "TLSv1_2" },
};
#define NPROTOCOLS	(sizeof(protocols) / sizeof(protocols[0]))

START_TEST(test_context_defaults_options_match_python)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;
	const char		*p = protocols[_i].python;
	struct ref		 r;

	FOR_EACH_REF(r) {
		conf_init_ref(&cc, protocols[_i].protocol, &r);
		ctx = build_ok(&cc);
		ck_assert_msg((long long)SSL_CTX_get_options(ctx) ==
		    python_num2(&r, p, "options"), "%s: PROTOCOL_%s: ours "
		    "0x%llx, Python 0x%llx", ref_label(&r), p,
		    (unsigned long long)SSL_CTX_get_options(ctx),
		    python_num2(&r, p, "options"));
		SSL_CTX_free(ctx);
	}
}
END_TEST

START_TEST(test_context_defaults_versions_match_python)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;
	const char		*p = protocols[_i].python;
	struct ref		 r;

	FOR_EACH_REF(r) {
		conf_init_ref(&cc, protocols[_i].protocol, &r);
		ctx = build_ok(&cc);
		ck_assert_msg(python_version(SSL_CTX_get_min_proto_version(ctx),
		    false) == python_num2(&r, p, "minimum_version"),
		    "%s: PROTOCOL_%s: minimum 0x%lx, Python's %lld",
		    ref_label(&r), p, SSL_CTX_get_min_proto_version(ctx),
		    python_num2(&r, p, "minimum_version"));
		ck_assert_msg(python_version(SSL_CTX_get_max_proto_version(ctx),
		    true) == python_num2(&r, p, "maximum_version"),
		    "%s: PROTOCOL_%s: maximum 0x%lx, Python's %lld",
		    ref_label(&r), p, SSL_CTX_get_max_proto_version(ctx),
		    python_num2(&r, p, "maximum_version"));
		ck_assert_int_eq(SSL_CTX_get_security_level(ctx),
		    python_num2(&r, p, "security_level"));
		SSL_CTX_free(ctx);
	}
}
END_TEST

START_TEST(test_context_defaults_ciphers_match_python)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;
	char			 key[64], ours[4096];
	struct ref		 r;

	FOR_EACH_REF(r) {
		conf_init_ref(&cc, protocols[_i].protocol, &r);
		ctx = build_ok(&cc);
		ctx_cipher_names(ctx, ours, sizeof(ours));
		snprintf(key, sizeof(key), "%s.ciphers", protocols[_i].python);
		ck_assert_msg(strcmp(ours, python_str(&r, key)) == 0,
		    "%s: PROTOCOL_%s: ciphers %s, Python's %s", ref_label(&r),
		    protocols[_i].python, ours, python_str(&r, key));
		SSL_CTX_free(ctx);
	}
}
END_TEST

/*
 * default_suites "openssl" leaves the cipher list, minimum version and
 * security level to OpenSSL's system configuration: what SSL_CTX_new
 * made of it (a fresh context of the same method); "python" replaces the
 * first two on the flexible protocols. Options are the same in both.
 */
START_TEST(test_context_default_suites_openssl_keeps_system_defaults)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*py, *os, *fresh;
	char			 ours[4096], theirs[4096];

	conf_init(&cc, protocols[_i].protocol);
	py = build_ok(&cc);
	cc.default_suites = TF_DEFAULT_SUITES_OPENSSL;
	cc.default_suites_line = 3;
	os = build_ok(&cc);
	ck_assert_ptr_nonnull(fresh = SSL_CTX_new(
	    SSL_CTX_get_ssl_method(os)));
	ctx_cipher_names(os, ours, sizeof(ours));
	ctx_cipher_names(fresh, theirs, sizeof(theirs));
	ck_assert_str_eq(ours, theirs);
	ck_assert_int_eq(SSL_CTX_get_min_proto_version(os),
	    SSL_CTX_get_min_proto_version(fresh));
	ck_assert_int_eq(SSL_CTX_get_security_level(os),
	    SSL_CTX_get_security_level(fresh));
	ck_assert_uint_eq(SSL_CTX_get_options(os), SSL_CTX_get_options(py));
	ctx_cipher_names(py, theirs, sizeof(theirs));
	ck_assert_str_ne(ours, theirs);
	if (protocols[_i].protocol == TF_PROTOCOL_TLS ||
	    protocols[_i].protocol == TF_PROTOCOL_TLS_SERVER)
		ck_assert_int_eq(SSL_CTX_get_min_proto_version(py),
		    TLS1_2_VERSION);
	SSL_CTX_free(fresh);
	SSL_CTX_free(os);
	SSL_CTX_free(py);
}
END_TEST

/*
 * One in-memory handshake of a client SSL (from client) made for name
 * against a server SSL of server: 1 done, 0 failed; *verify: the
 * client's verify result, *sni: what name the server saw ("" if none).
 */
static int	client_reused;	/* the last client_handshake resumed */
static const char client_key[] = "server";

static int	client_handshake_key(SSL_CTX *, SSL_CTX *, const char *,
		    bool, const void *, long *, char *, size_t);

static int
client_handshake(SSL_CTX *client, SSL_CTX *server, const char *name,
    bool check_hostname, long *verify, char *sni, size_t snilen)
{
	/* A server is one name: the sessions of localhost are filed apart. */
	return client_handshake_key(client, server, name, check_hostname,
	    strcmp(name, "localhost") == 0 ? client_key : name, verify, sni,
	    snilen);
}

static int
client_handshake_key(SSL_CTX *client, SSL_CTX *server, const char *name,
    bool check_hostname, const void *key, long *verify, char *sni,
    size_t snilen)
{
	SSL		*c, *s;
	BIO		*cb, *sb;
	const char	*seen;
	char		 byte;
	int		 i, rc = 0, cr = 0, sr = 0;

	ck_assert_int_eq(BIO_new_bio_pair(&cb, 0, &sb, 0), 1);
	c = SSL_new(client);
	s = SSL_new(server);
	SSL_set_bio(c, cb, cb);
	SSL_set_bio(s, sb, sb);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	ck_assert_int_eq(tf_context_client_name(c, name, check_hostname), 0);
	ck_assert_int_eq(tf_context_client_resume(c, key), 0);
	for (i = 0; i < 20 && (cr != 1 || sr != 1); i++) {
		if (cr != 1 && (cr = SSL_do_handshake(c)) <= 0 &&
		    SSL_get_error(c, cr) != SSL_ERROR_WANT_READ)
			break;
		if (sr != 1 && (sr = SSL_do_handshake(s)) <= 0 &&
		    SSL_get_error(s, sr) != SSL_ERROR_WANT_READ)
			break;
	}
	rc = cr == 1 && sr == 1;
	/* The server's tickets follow its handshake: read them. */
	if (rc)
		ck_assert_int_le(SSL_read(c, &byte, 1), 0);
	client_reused = rc ? SSL_session_reused(c) : -1;
	/* A session of a connection cut without close_notify is not
	 * resumed (libssl marks it so): end this one properly. */
	if (rc)
		(void)SSL_shutdown(c);
	*verify = SSL_get_verify_result(c);
	seen = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
	snprintf(sni, snilen, "%s", seen != NULL ? seen : "");
	ERR_clear_error();
	SSL_free(c);
	SSL_free(s);
	return rc;
}

/* PROTOCOL_TLS_CLIENT: Python's client defaults, then a name checked. */
START_TEST(test_context_client_defaults_and_names)
{
	struct tf_context_conf	 cc, sc;
	struct tf_cert_conf	 cert;
	SSL_CTX			*client, *server;
	char			 sni[256];
	long			 verify;

	conf_init(&cc, TF_PROTOCOL_TLS_CLIENT);
	cc.verify_mode = TF_CERT_REQUIRED;	/* what the config sets */
	cc.check_hostname = true;
	cc.cafile.value = cert_path("ca.pem");
	client = build_ok(&cc);
	ck_assert(tf_context_is_client(client));
	ck_assert_int_eq(SSL_CTX_get_verify_mode(client), SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
	/* Python's options word and minimum version for a client too. */
	ck_assert_uint_eq(SSL_CTX_get_options(client) & 0xffffffffU,
	    0x82520050U);
	ck_assert_int_eq(SSL_CTX_get_min_proto_version(client),
	    TLS1_2_VERSION);
	ck_assert_uint_eq(X509_VERIFY_PARAM_get_hostflags(
	    SSL_CTX_get0_param(client)), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);

	conf_init(&sc, TF_PROTOCOL_TLS_SERVER);
	cert_init(&cert, "rsa.pem", "rsa.key", 3);
	sc.certs = &cert;
	sc.ncerts = 1;
	server = build_ok(&sc);
	ck_assert(!tf_context_is_client(server));

	ck_assert_int_eq(client_handshake(client, server, "localhost", true,
	    &verify, sni, sizeof(sni)), 1);
	ck_assert_str_eq(sni, "localhost");
	ck_assert_int_eq(client_reused, 0);
	/* The next connection to that server resumes its session. */
	ck_assert_int_eq(client_handshake(client, server, "localhost", true,
	    &verify, sni, sizeof(sni)), 1);
	ck_assert_int_eq(client_reused, 1);
	ck_assert_int_eq(verify, X509_V_OK);
	ck_assert_int_eq(client_handshake(client, server, "wrong.example",
	    true, &verify, sni, sizeof(sni)), 0);
	ck_assert_int_eq(verify, X509_V_ERR_HOSTNAME_MISMATCH);
	/* An IP: checked against the certificate's IP, no SNI (Python). */
	ck_assert_int_eq(client_handshake(client, server, "127.0.0.1", true,
	    &verify, sni, sizeof(sni)), 1);
	ck_assert_str_eq(sni, "");
	ck_assert_int_eq(client_handshake(client, server, "127.0.0.2", true,
	    &verify, sni, sizeof(sni)), 0);
	ck_assert_int_eq(verify, X509_V_ERR_IP_ADDRESS_MISMATCH);
	/* check_hostname off: the name is sent, not checked. */
	ck_assert_int_eq(client_handshake(client, server, "wrong.example",
	    false, &verify, sni, sizeof(sni)), 1);
	ck_assert_str_eq(sni, "wrong.example");
	SSL_CTX_free(client);

	/* Without verify_locations the system CAs: not the test CA. */
	cc.cafile.value = NULL;
	client = build_ok(&cc);
	ck_assert_int_eq(client_handshake(client, server, "localhost", true,
	    &verify, sni, sizeof(sni)), 0);
	ck_assert_int_eq(verify, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	SSL_CTX_free(client);
	SSL_CTX_free(server);
	cert_free(&cert);
}
END_TEST

START_TEST(test_context_defaults_verify_and_tickets_match_python)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;
	X509_VERIFY_PARAM	*param;
	struct ref		 r;

	FOR_EACH_REF(r) {
		conf_init_ref(&cc, TF_PROTOCOL_TLS_SERVER, &r);
		ctx = build_ok(&cc);
		ck_assert_int_eq(SSL_CTX_get_verify_mode(ctx), SSL_VERIFY_NONE);
		ck_assert_int_eq(python_num(&r, "verify_mode"), 0); /* NONE */
		param = SSL_CTX_get0_param(ctx);
		ck_assert_int_eq((long long)X509_VERIFY_PARAM_get_flags(param),
		    python_num(&r, "verify_flags"));
		ck_assert_int_eq((long long)SSL_CTX_get_num_tickets(ctx),
		    python_num(&r, "num_tickets"));
		ck_assert(SSL_CTX_get_mode(ctx) & SSL_MODE_RELEASE_BUFFERS);
		ck_assert(SSL_CTX_get_mode(ctx) &
		    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
		ck_assert(SSL_CTX_get_mode(ctx) & SSL_MODE_ENABLE_PARTIAL_WRITE);
		SSL_CTX_free(ctx);
	}
}
END_TEST

START_TEST(test_context_options_set)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;

	struct ref		 r;

	FOR_EACH_REF(r) {
		conf_init_ref(&cc, TF_PROTOCOL_TLS_SERVER, &r);
		cc.options_set = SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION;
		cc.options_line = 3;
		ctx = build_ok(&cc);
		ck_assert_int_eq((long long)SSL_CTX_get_options(ctx),
		    python_num(&r, "options_set"));
		SSL_CTX_free(ctx);
	}
}
END_TEST

START_TEST(test_context_options_clear)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;

	struct ref		 r;

	FOR_EACH_REF(r) {
		conf_init_ref(&cc, TF_PROTOCOL_TLS_SERVER, &r);
		cc.options_clear = SSL_OP_ENABLE_MIDDLEBOX_COMPAT |
		    SSL_OP_CIPHER_SERVER_PREFERENCE;
		ctx = build_ok(&cc);
		ck_assert_int_eq((long long)SSL_CTX_get_options(ctx),
		    python_num(&r, "options_clear"));
		SSL_CTX_free(ctx);
	}
}
END_TEST

START_TEST(test_context_options_clear_wins_over_set)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cc.options_set = SSL_OP_NO_TICKET;
	cc.options_clear = SSL_OP_NO_TICKET;
	ctx = build_ok(&cc);
	ck_assert_uint_eq(SSL_CTX_get_options(ctx) & SSL_OP_NO_TICKET, 0);
	SSL_CTX_free(ctx);
}
END_TEST

START_TEST(test_context_versions_pin)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cc.minimum_version = TF_VERSION_TLSv1_3;
	cc.maximum_version = TF_VERSION_TLSv1_3;
	ctx = build_ok(&cc);
	ck_assert_int_eq(SSL_CTX_get_min_proto_version(ctx), TLS1_3_VERSION);
	ck_assert_int_eq(SSL_CTX_get_max_proto_version(ctx), TLS1_3_VERSION);
	SSL_CTX_free(ctx);

	conf_init(&cc, TF_PROTOCOL_TLS);
	cc.minimum_version = TF_VERSION_TLSv1;
	cc.maximum_version = TF_VERSION_TLSv1_2;
	ctx = build_ok(&cc);
	ck_assert_int_eq(SSL_CTX_get_min_proto_version(ctx), TLS1_VERSION);
	ck_assert_int_eq(SSL_CTX_get_max_proto_version(ctx), TLS1_2_VERSION);
	SSL_CTX_free(ctx);
}
END_TEST

/* MINIMUM/MAXIMUM_SUPPORTED on the "wrong" bound, as Python maps them. */
START_TEST(test_context_versions_supported_bounds_match_python)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;

	struct ref		 r;

	FOR_EACH_REF(r) {
		conf_init_ref(&cc, TF_PROTOCOL_TLS_SERVER, &r);
		cc.minimum_version = TF_VERSION_MAXIMUM_SUPPORTED;
		cc.maximum_version = TF_VERSION_MINIMUM_SUPPORTED;
		ctx = build_ok(&cc);
		ck_assert_int_eq(SSL_CTX_get_min_proto_version(ctx),
		    python_num(&r, "minimum_version_of_max"));
		ck_assert_int_eq(SSL_CTX_get_max_proto_version(ctx),
		    python_num(&r, "maximum_version_of_min"));
		SSL_CTX_free(ctx);
	}

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cc.minimum_version = TF_VERSION_MINIMUM_SUPPORTED;
	cc.maximum_version = TF_VERSION_MAXIMUM_SUPPORTED;
	ctx = build_ok(&cc);
	ck_assert_int_eq(SSL_CTX_get_min_proto_version(ctx), 0);
	ck_assert_int_eq(SSL_CTX_get_max_proto_version(ctx), 0);
	SSL_CTX_free(ctx);
}
END_TEST

/* Which versions the settings enable (tf_context_version_enabled). */
START_TEST(test_context_versions_enabled)
{
	static const struct {
		enum tf_protocol	 protocol;
		int			 min, max;
		uint64_t		 options;
		const char		*want;	/* TLS 1.0 1.1 1.2 1.3 */
	} cases[] = {
		{ TF_PROTOCOL_TLS_SERVER, 0, 0, 0, "nnyy" },
		{ TF_PROTOCOL_TLS, TF_VERSION_MINIMUM_SUPPORTED, 0, 0, "yyyy" },
		{ TF_PROTOCOL_TLS, TF_VERSION_TLSv1, 0, SSL_OP_NO_TLSv1_2,
		    "yyny" },
		{ TF_PROTOCOL_TLS, 0, TF_VERSION_TLSv1_2, SSL_OP_NO_TLSv1_3,
		    "nnyn" },
		{ TF_PROTOCOL_TLS_SERVER, TF_VERSION_TLSv1, TF_VERSION_TLSv1_1,
		    SSL_OP_NO_TLSv1, "nynn" },
		{ TF_PROTOCOL_TLSv1_1, 0, 0, 0, "nynn" },
		/* A fixed-version method ignores the OP_NO_TLSv1* bits. */
		{ TF_PROTOCOL_TLSv1, 0, 0, SSL_OP_NO_TLSv1, "ynnn" },
	};
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;
	size_t			 i;
	int			 v;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		conf_init(&cc, cases[i].protocol);
		if (cases[i].min != 0)
			cc.minimum_version = cases[i].min;
		if (cases[i].max != 0)
			cc.maximum_version = cases[i].max;
		cc.options_set = cases[i].options;
		ctx = build_ok(&cc);
		for (v = TLS1_VERSION; v <= TLS1_3_VERSION; v++)
			ck_assert_msg(tf_context_version_enabled(ctx,
			    cc.protocol, v) == (cases[i].want[v -
			    TLS1_VERSION] == 'y'), "case %zu, version 0x%x",
			    i, (unsigned)v);
		ck_assert(!tf_context_version_enabled(ctx, cc.protocol,
		    SSL3_VERSION));
		SSL_CTX_free(ctx);
	}
}
END_TEST

START_TEST(test_context_versions_refused_on_fixed_protocol)
{
	struct tf_context_conf	 cc;

	conf_init(&cc, TF_PROTOCOL_TLSv1_2);
	cc.maximum_version = TF_VERSION_TLSv1_2;
	cc.maximum_version_line = 9;
	build_fails(&cc, CONF ":9: The context's protocol doesn't support "
	    "modification of highest and lowest version.");
}
END_TEST

START_TEST(test_context_versions_unknown_value_refused)
{
	struct tf_context_conf	 cc;

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cc.minimum_version = 0x0305;
	cc.minimum_version_line = 8;
	build_fails(&cc, CONF ":8: Unsupported TLS/SSL version 0x305");
}
END_TEST

START_TEST(test_context_ciphers_order_matches_python)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;
	char			 ciphers[] = TEST_CIPHERS, ours[4096];
	struct ref		 r;

	FOR_EACH_REF(r) {
		conf_init_ref(&cc, TF_PROTOCOL_TLS_SERVER, &r);
		cc.ciphers.value = ciphers;
		cc.ciphers.line = 5;
		ctx = build_ok(&cc);
		ctx_cipher_names(ctx, ours, sizeof(ours));
		ck_assert_msg(strcmp(ours, python_str(&r, "ciphers_custom")) ==
		    0, "%s: %s, Python's %s", ref_label(&r), ours,
		    python_str(&r, "ciphers_custom"));
		SSL_CTX_free(ctx);
	}
}
END_TEST

START_TEST(test_context_ciphers_selecting_nothing_refused)
{
	struct tf_context_conf	 cc;
	char			 nothing[] = "FOO";
	char			 tls13[] = "TLS_AES_128_GCM_SHA256";

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cc.ciphers.value = nothing;
	cc.ciphers.line = 12;
	build_fails(&cc, CONF ":12: No cipher can be selected.");
	/* TLS 1.3 names are not set_ciphers() material, in Python either. */
	cc.ciphers.value = tls13;
	build_fails(&cc, CONF ":12: No cipher can be selected.");
}
END_TEST

START_TEST(test_context_ciphersuites_set)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;
	char			 ours[4096];
	char			 ciphers[] = "ECDHE+AESGCM";
	char			 suites[] = "TLS_CHACHA20_POLY1305_SHA256";
	char			 bad[] = "TLS_NOPE";

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cc.ciphers.value = ciphers;
	cc.ciphersuites.value = suites;
	ctx = build_ok(&cc);
	ctx_cipher_names(ctx, ours, sizeof(ours));
	ck_assert_msg(strncmp(ours, "TLS_CHACHA20_POLY1305_SHA256:ECDHE-",
	    35) == 0, "ciphers %s", ours);
	ck_assert_ptr_null(strstr(ours, "TLS_AES"));
	SSL_CTX_free(ctx);

	cc.ciphersuites.value = bad;
	cc.ciphersuites.line = 6;
	build_fails_prefix(&cc, CONF ":6: No TLS 1.3 cipher suite can be "
	    "selected from \"TLS_NOPE\"");
}
END_TEST

START_TEST(test_context_ciphers_curve_set)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	SSL_CTX			*ctx;
	char			 x25519[] = "X25519";
	char			 p256[] = "prime256v1";
	int			 keytype, chainlen;

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cert_init(&cert, "ecdsa.pem", "ecdsa.key", 10);
	cc.certs = &cert;
	cc.ncerts = 1;
	cc.ecdh_curve.value = x25519;
	ctx = build_ok(&cc);
	/* Only that group is left, for TLS 1.3 and TLS 1.2 ECDHE alike. */
	ck_assert_int_eq(handshake(ctx, TLS1_3_VERSION, "ECDSA+SHA256",
	    "X25519", &keytype, &chainlen), 1);
	ck_assert_int_eq(handshake(ctx, TLS1_3_VERSION, "ECDSA+SHA256",
	    "P-256", &keytype, &chainlen), 0);
	ck_assert_int_eq(handshake(ctx, TLS1_2_VERSION, "ECDSA+SHA256",
	    "P-256", &keytype, &chainlen), 0);
	SSL_CTX_free(ctx);

	cc.ecdh_curve.value = p256;
	ctx = build_ok(&cc);
	ck_assert_int_eq(handshake(ctx, TLS1_2_VERSION, "ECDSA+SHA256",
	    "P-256", &keytype, &chainlen), 1);
	ck_assert_int_eq(handshake(ctx, TLS1_3_VERSION, "ECDSA+SHA256",
	    "X25519", &keytype, &chainlen), 0);
	SSL_CTX_free(ctx);
	cert_free(&cert);
}
END_TEST

START_TEST(test_context_ciphers_unknown_curve_refused)
{
	struct tf_context_conf	 cc;
	char			 p256[] = "P-256";
	char			 sha256[] = "SHA256";

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cc.ecdh_curve.value = p256;	/* Python refuses it too */
	cc.ecdh_curve.line = 4;
	build_fails(&cc, CONF ":4: unknown elliptic curve name \"P-256\"");
	cc.ecdh_curve.value = sha256;	/* an object, not a group */
	build_fails_prefix(&cc, CONF ":4: cannot use \"SHA256\" as elliptic "
	    "curve: ");
}
END_TEST

/* Python builds it; it just cannot complete a handshake. */
START_TEST(test_context_ciphers_unusable_tlsv1_still_builds)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;

	conf_init(&cc, TF_PROTOCOL_TLSv1);
	ctx = build_ok(&cc);
	SSL_CTX_free(ctx);
}
END_TEST

START_TEST(test_context_certs_rsa_and_ecdsa_coexist)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 certs[2];
	STACK_OF(X509)		*chain;
	SSL_CTX			*ctx;
	int			 n, r, chainlen, seen = 0;

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cert_init(&certs[0], "rsa-chain.pem", "rsa.key", 10);
	cert_init(&certs[1], "ecdsa.pem", "ecdsa.key", 11);
	cc.certs = certs;
	cc.ncerts = 2;
	ctx = build_ok(&cc);

	/* Both slots filled, each with its own chain. */
	n = 0;
	for (r = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST); r == 1;
	    r = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_NEXT)) {
		chain = NULL;
		ck_assert_int_eq(SSL_CTX_get0_chain_certs(ctx, &chain), 1);
		switch (EVP_PKEY_get_base_id(
		    X509_get0_pubkey(SSL_CTX_get0_certificate(ctx)))) {
		case EVP_PKEY_RSA:
			ck_assert_int_eq(sk_X509_num(chain), 1);
			seen |= 1;
			break;
		case EVP_PKEY_EC:
			/* Leaf only: built once, empty, not left NULL. */
			ck_assert_ptr_nonnull(chain);
			ck_assert_int_eq(sk_X509_num(chain), 0);
			seen |= 2;
			break;
		}
		n++;
	}
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(seen, 3);

	/* And clients get the one their signature algorithms ask for. */
	ck_assert_int_eq(handshake_key_type(ctx, TLS1_3_VERSION,
	    "ECDSA+SHA256", &chainlen), EVP_PKEY_EC);
	ck_assert_int_eq(chainlen, 1);
	ck_assert_int_eq(handshake_key_type(ctx, TLS1_3_VERSION,
	    "RSA-PSS+SHA256", &chainlen), EVP_PKEY_RSA);
	ck_assert_int_eq(chainlen, 2);
	ck_assert_int_eq(handshake_key_type(ctx, TLS1_2_VERSION,
	    "ECDSA+SHA256", &chainlen), EVP_PKEY_EC);
	ck_assert_int_eq(handshake_key_type(ctx, TLS1_2_VERSION,
	    "RSA+SHA256", &chainlen), EVP_PKEY_RSA);
	ck_assert_int_eq(chainlen, 2);
	SSL_CTX_free(ctx);
	cert_free(&certs[0]);
	cert_free(&certs[1]);
}
END_TEST

START_TEST(test_context_certs_key_in_certfile)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	SSL_CTX			*ctx;
	char			 cmd[TF_TEST_CERTDIR_MAX * 3 + 64];

	snprintf(cmd, sizeof(cmd), "cat '%s/ecdsa.pem' '%s/ecdsa.key' > "
	    "'%s/both.pem'", tf_test_certdir, tf_test_certdir, tf_test_certdir);
	ck_assert_int_eq(system(cmd), 0);
	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cert_init(&cert, "both.pem", NULL, 10);
	cc.certs = &cert;
	cc.ncerts = 1;
	ctx = build_ok(&cc);
	SSL_CTX_free(ctx);
	cert_free(&cert);
}
END_TEST

START_TEST(test_context_certs_encrypted_key_with_password)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	SSL_CTX			*ctx;
	char			 password[] = "secret";

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cert_init(&cert, "enc.pem", "enc.key", 10);
	cert.password = password;
	cc.certs = &cert;
	cc.ncerts = 1;
	ctx = build_ok(&cc);
	SSL_CTX_free(ctx);

	cert.password = NULL;
	cert.password_file = strdup(cert_path("enc.pass"));
	ctx = build_ok(&cc);
	SSL_CTX_free(ctx);
	free(cert.password_file);
	cert_free(&cert);
}
END_TEST

START_TEST(test_context_certs_selfsigned_loads)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	struct tf_errs		 errs;
	struct stat		 st;
	SSL_CTX			*ctx;
	X509			*x;
	FILE			*fp;
	int			 chainlen;

	tf_errs_init(&errs);
	ck_assert_int_eq(tf_selfsigned_write("127.0.0.1", 7,
	    cert_path("demo.pem"), cert_path("demo.key"), &errs), 0);
	ck_assert_int_eq(tf_selfsigned_write("demo.example", 7,
	    cert_path("demo2.pem"), cert_path("demo2.key"), &errs), 0);
	tf_errs_free(&errs);
	ck_assert_int_eq(stat(cert_path("demo.key"), &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);

	ck_assert_ptr_nonnull(fp = fopen(cert_path("demo2.pem"), "r"));
	ck_assert_ptr_nonnull(x = PEM_read_X509(fp, NULL, NULL, NULL));
	fclose(fp);
	ck_assert_int_eq(X509_get_version(x), X509_VERSION_3);
	ck_assert_int_eq(X509_check_host(x, "demo.example", 0, 0, NULL), 1);
	ck_assert_int_eq(X509_check_ca(x), 0);
	ck_assert_int_eq(X509_get_signature_nid(x), NID_ecdsa_with_SHA256);
	X509_free(x);

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cert_init(&cert, "demo.pem", "demo.key", 10);
	cc.certs = &cert;
	cc.ncerts = 1;
	ctx = build_ok(&cc);
	ck_assert_int_eq(handshake_key_type(ctx, TLS1_3_VERSION,
	    "ECDSA+SHA256", &chainlen), EVP_PKEY_EC);
	ck_assert_int_eq(chainlen, 1);
	SSL_CTX_free(ctx);
	cert_free(&cert);
}
END_TEST

START_TEST(test_context_errors_mismatched_key_refused)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	char			 msg[PATH_MAX + 128];

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cert_init(&cert, "mismatch.pem", "mismatch.key", 7);
	cc.certs = &cert;
	cc.ncerts = 1;
	snprintf(msg, sizeof(msg), CONF ":7: key does not match certificate "
	    "\"%s\"", cert.certfile);
	build_fails(&cc, msg);
	cert_free(&cert);

	/* Same key type, other key: caught by OpenSSL's own slot check. */
	cert_init(&cert, "rsa.pem", "ca.key", 7);
	snprintf(msg, sizeof(msg), CONF ":7: key does not match certificate "
	    "\"%s\"", cert.certfile);
	build_fails(&cc, msg);
	cert_free(&cert);
}
END_TEST

START_TEST(test_context_errors_wrong_password_refused)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	char			 msg[PATH_MAX + 128];
	char			 wrong[] = "wrong";

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cert_init(&cert, "enc.pem", "enc.key", 8);
	cert.password = wrong;
	cc.certs = &cert;
	cc.ncerts = 1;
	snprintf(msg, sizeof(msg), CONF ":8: cannot load private key \"%s\": "
	    "bad password or not a key (", cert.keyfile);
	build_fails_prefix(&cc, msg);
	/* No password at all: refused, never a terminal prompt. */
	cert.password = NULL;
	snprintf(msg, sizeof(msg), CONF ":8: cannot load private key \"%s\": "
	    "it is encrypted and no password or password_file is given",
	    cert.keyfile);
	build_fails(&cc, msg);
	cert_free(&cert);
}
END_TEST

START_TEST(test_context_errors_missing_file_refused)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	char			 msg[PATH_MAX + 128];

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cert_init(&cert, "nonexistent.pem", "rsa.key", 6);
	cc.certs = &cert;
	cc.ncerts = 1;
	snprintf(msg, sizeof(msg), CONF ":6: cannot load certificate chain "
	    "\"%s\": No such file or directory", cert.certfile);
	build_fails(&cc, msg);
	cert_free(&cert);

	cert_init(&cert, "rsa.pem", "nonexistent.key", 6);
	snprintf(msg, sizeof(msg), CONF ":6: cannot load private key \"%s\": "
	    "No such file or directory", cert.keyfile);
	build_fails(&cc, msg);
	cert_free(&cert);

	cert_init(&cert, "enc.pem", "enc.key", 6);
	cert.password_file = strdup(cert_path("nonexistent.pass"));
	snprintf(msg, sizeof(msg), CONF ":6: cannot read password file "
	    "\"%s\": No such file or directory", cert.password_file);
	build_fails(&cc, msg);
	free(cert.password_file);
	cert_free(&cert);
}
END_TEST

START_TEST(test_context_errors_not_a_certificate_refused)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	char			 msg[PATH_MAX + 128];

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cert_init(&cert, "rsa.key", NULL, 5);
	cc.certs = &cert;
	cc.ncerts = 1;
	snprintf(msg, sizeof(msg), CONF ":5: cannot load certificate chain "
	    "\"%s\": ", cert.certfile);
	build_fails_prefix(&cc, msg);
	cert_free(&cert);
}
END_TEST

START_TEST(test_context_errors_all_reported)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	struct tf_errs		 errs;
	char			 nothing[] = "FOO";
	char			 nope[] = "nope";

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cc.ciphers.value = nothing;
	cc.ciphers.line = 3;
	cc.ecdh_curve.value = nope;
	cc.ecdh_curve.line = 4;
	cert_init(&cert, "nonexistent.pem", NULL, 5);
	cc.certs = &cert;
	cc.ncerts = 1;
	tf_errs_init(&errs);
	ck_assert_ptr_null(tf_context_build(&cc, NULL, &errs));
	ck_assert_uint_eq(tf_errs_count(&errs), 3);
	ck_assert_str_eq(tf_errs_get(&errs, 0),
	    "<string>:3: No cipher can be selected.");
	ck_assert_str_eq(tf_errs_get(&errs, 1),
	    "<string>:4: unknown elliptic curve name \"nope\"");
	ck_assert_uint_eq(ERR_peek_error(), 0);
	tf_errs_free(&errs);
	cert_free(&cert);
}
END_TEST

START_TEST(test_context_errors_errstr_drains_queue)
{
	SSL_CTX	*ctx;
	char	 buf[256];

	ck_assert_str_eq(tf_context_errstr(buf, sizeof(buf)), "");
	ck_assert_ptr_nonnull(ctx = SSL_CTX_new(TLS_server_method()));
	ck_assert_int_eq(SSL_CTX_set_cipher_list(ctx, "FOO"), 0);
	ck_assert_ptr_eq(tf_context_errstr(buf, sizeof(buf)), buf);
	ck_assert_msg(strstr(buf, "no cipher match") != NULL, "got %s", buf);
	ck_assert_uint_eq(ERR_peek_error(), 0);
	ck_assert_int_eq(SSL_CTX_set_cipher_list(ctx, "FOO"), 0);
	tf_context_errstr(buf, 4);
	ck_assert_uint_le(strlen(buf), 3);
	ck_assert_uint_eq(ERR_peek_error(), 0);
	SSL_CTX_free(ctx);
}
END_TEST

/* A client for hs_run: NULL/0 members leave OpenSSL's defaults. */
struct hs_opts {
	int		 version;
	const char	*ciphers;	/* TLS 1.2 suites */
	const char	*groups;
	const unsigned char *alpn;	/* wire format */
	unsigned int	 alpn_len;
	const char	*certfile;	/* client certificate and key */
	const char	*keyfile;
};

struct hs_result {
	char	 alpn[64];		/* "" if none */
	char	 cipher[64];
	int	 client_alert;		/* alert the client received, or -1 */
	int	 read_alert;		/* alert on the first read after, or -1 */
};

static int	hs_alert;

static void
hs_info_cb(const SSL *ssl, int where, int ret)
{
	(void)ssl;
	if ((where & SSL_CB_READ_ALERT) != 0 && hs_alert == -1)
		hs_alert = ret & 0xff;
}

/*
 * In-memory handshake of a client set up as o against sctx; after it,
 * one application-data exchange (client writes, server reads and writes
 * back, client reads) so that post-handshake messages and alerts arrive.
 * Returns 1 if the handshake completed as the client sees it (a TLS 1.3
 * server may refuse after that: see read_alert).
 */
static int
hs_run(SSL_CTX *sctx, const struct hs_opts *o, struct hs_result *r)
{
	SSL_CTX		*cctx;
	SSL		*c, *s;
	BIO		*cbio, *sbio;
	const unsigned char *sel;
	unsigned int	 sellen;
	char		 list[256], buf[16];
	int		 i, rc = 0, rs = 0, ok;

	memset(r, 0, sizeof(*r));
	r->client_alert = r->read_alert = -1;
	hs_alert = -1;
	ck_assert_ptr_nonnull(cctx = SSL_CTX_new(TLS_client_method()));
	if (o->version != 0) {
		ck_assert_int_eq(SSL_CTX_set_min_proto_version(cctx,
		    o->version), 1);
		ck_assert_int_eq(SSL_CTX_set_max_proto_version(cctx,
		    o->version), 1);
	}
	if (o->ciphers != NULL)
		ck_assert_int_eq(SSL_CTX_set_cipher_list(cctx, o->ciphers), 1);
	if (o->groups != NULL) {
		snprintf(list, sizeof(list), "%s", o->groups);
		ck_assert_int_eq(SSL_CTX_set1_groups_list(cctx, list), 1);
	}
	if (o->alpn != NULL)
		ck_assert_int_eq(SSL_CTX_set_alpn_protos(cctx, o->alpn,
		    o->alpn_len), 0);
	if (o->certfile != NULL) {
		ck_assert_int_eq(SSL_CTX_use_certificate_file(cctx,
		    cert_path(o->certfile), SSL_FILETYPE_PEM), 1);
		ck_assert_int_eq(SSL_CTX_use_PrivateKey_file(cctx,
		    cert_path(o->keyfile), SSL_FILETYPE_PEM), 1);
	}
	SSL_CTX_set_info_callback(cctx, hs_info_cb);
	ck_assert_ptr_nonnull(c = SSL_new(cctx));
	ck_assert_ptr_nonnull(s = SSL_new(sctx));
	ck_assert_int_eq(BIO_new_bio_pair(&cbio, 0, &sbio, 0), 1);
	SSL_set_bio(c, cbio, cbio);
	SSL_set_bio(s, sbio, sbio);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	for (i = 0; i < 50 && (rc != 1 || rs != 1); i++) {
		if (rc != 1)
			rc = SSL_do_handshake(c);
		if (rs != 1)
			rs = SSL_do_handshake(s);
		if ((rc <= 0 && SSL_get_error(c, rc) == SSL_ERROR_SSL) ||
		    (rs <= 0 && SSL_get_error(s, rs) == SSL_ERROR_SSL))
			break;
	}
	ok = rc == 1;
	if (!ok)
		(void)SSL_do_handshake(c);	/* read the server's alert */
	r->client_alert = hs_alert;
	if (ok) {
		SSL_get0_alpn_selected(c, &sel, &sellen);
		snprintf(r->alpn, sizeof(r->alpn), "%.*s", (int)sellen,
		    (const char *)sel);
		snprintf(r->cipher, sizeof(r->cipher), "%s",
		    SSL_get_cipher_name(c));
		/* TLS 1.3 servers may still refuse, after the client's end. */
		hs_alert = -1;
		if (rs == 1 && SSL_write(c, "ping", 4) == 4) {
			(void)SSL_read(s, buf, sizeof(buf));
			(void)SSL_write(s, "pong", 4);
		}
		(void)SSL_read(c, buf, sizeof(buf));
		r->read_alert = hs_alert;
	}
	ERR_clear_error();
	SSL_free(c);
	SSL_free(s);
	SSL_CTX_free(cctx);
	return ok;
}

/* A context with the RSA pair at line 10 plus whatever cc says. */
static void
conf_rsa(struct tf_context_conf *cc, struct tf_cert_conf *cert)
{
	conf_init(cc, TF_PROTOCOL_TLS_SERVER);
	cert_init(cert, "rsa.pem", "rsa.key", 10);
	cc->certs = cert;
	cc->ncerts = 1;
}

START_TEST(test_context_groups_only_those)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	struct tf_conf_str	 groups[2];
	struct hs_opts		 o;
	struct hs_result	 r;
	SSL_CTX			*ctx;
	char			 x25519[] = "X25519", p384[] = "P-384";

	conf_rsa(&cc, &cert);
	groups[0].value = p384;
	groups[0].line = 7;
	groups[1].value = x25519;
	groups[1].line = 8;
	cc.groups = groups;
	cc.ngroups = 2;
	cc.groups_line = 7;
	ctx = build_ok(&cc);
	memset(&o, 0, sizeof(o));
	o.version = TLS1_3_VERSION;
	o.groups = "X25519";
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	o.groups = "P-384";
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	o.groups = "P-256:X448";
	ck_assert_int_eq(hs_run(ctx, &o, &r), 0);
	o.version = TLS1_2_VERSION;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 0);
	o.groups = "P-256:X25519";
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	SSL_CTX_free(ctx);
	cert_free(&cert);
}
END_TEST

START_TEST(test_context_groups_unknown_refused)
{
	struct tf_context_conf	 cc;
	struct tf_conf_str	 groups[3];
	char			 x25519[] = "X25519", nope[] = "nope";
	char			 two[] = "P-256:P-384";

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	groups[0].value = x25519;
	groups[0].line = 7;
	groups[1].value = nope;
	groups[1].line = 8;
	groups[2].value = two;
	groups[2].line = 9;
	cc.groups = groups;
	cc.ngroups = 3;
	cc.groups_line = 7;
	build_fails(&cc, CONF ":8: unknown group name \"nope\"");
	cc.ngroups = 1;
	groups[0].value = x25519;
	groups[1].value = x25519;
	groups[1].line = 8;
	cc.ngroups = 2;
	build_fails_prefix(&cc, CONF ":7: cannot set groups \"X25519:X25519\"");
	groups[1].value = two;
	build_fails(&cc, CONF ":8: unknown group name \"P-256:P-384\"");
}
END_TEST

START_TEST(test_context_dh_params_enable_dhe)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	struct hs_opts		 o;
	struct hs_result	 r;
	SSL_CTX			*ctx;
	char			*dh;

	conf_rsa(&cc, &cert);
	memset(&o, 0, sizeof(o));
	o.version = TLS1_2_VERSION;
	o.ciphers = "DHE-RSA-AES128-GCM-SHA256";
	ctx = build_ok(&cc);
	ck_assert_int_eq(hs_run(ctx, &o, &r), 0);	/* no dh_auto */
	SSL_CTX_free(ctx);

	dh = strdup(cert_path("dh.pem"));
	cc.dh_params.value = dh;
	cc.dh_params.line = 6;
	ctx = build_ok(&cc);
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	ck_assert_str_eq(r.cipher, "DHE-RSA-AES128-GCM-SHA256");
	SSL_CTX_free(ctx);
	free(dh);
	cert_free(&cert);
}
END_TEST

START_TEST(test_context_dh_params_refused)
{
	struct tf_context_conf	 cc;
	char			 want[TF_TEST_CERTDIR_MAX + 256];
	char			*path;

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	cc.dh_params.line = 6;
	/* Python: SSLError DH_KEY_TOO_SMALL at security level 2. */
	path = strdup(cert_path("dh1024.pem"));
	cc.dh_params.value = path;
	snprintf(want, sizeof(want), CONF ":6: cannot use DH parameters from "
	    "\"%s\": dh key too small", path);
	build_fails(&cc, want);
	free(path);
	path = strdup(cert_path("rsa.pem"));
	cc.dh_params.value = path;
	snprintf(want, sizeof(want), CONF ":6: cannot load DH parameters "
	    "from \"%s\": no start line (expected PEM \"DH PARAMETERS\")",
	    path);
	build_fails(&cc, want);
	free(path);
}
END_TEST

START_TEST(test_context_verify_mode_matches_python)
{
	static const struct {
		enum tf_verify_mode	 mode;
		const char		*python;
		int			 ssl, ssl_pha;
	} modes[] = {
		{ TF_CERT_NONE, "verify_mode.CERT_NONE", SSL_VERIFY_NONE,
		    SSL_VERIFY_NONE },
		{ TF_CERT_OPTIONAL, "verify_mode.CERT_OPTIONAL",
		    SSL_VERIFY_PEER,
		    SSL_VERIFY_PEER | SSL_VERIFY_POST_HANDSHAKE },
		{ TF_CERT_REQUIRED, "verify_mode.CERT_REQUIRED",
		    SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
		    SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT |
		    SSL_VERIFY_POST_HANDSHAKE },
	};
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;
	size_t			 i;
	struct ref		 r;

	FOR_EACH_REF(r) {
		for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
			conf_init_ref(&cc, TF_PROTOCOL_TLS_SERVER, &r);
			cc.verify_mode = modes[i].mode;
			ck_assert_int_eq(python_num(&r, modes[i].python),
			    modes[i].mode);
			ctx = build_ok(&cc);
			ck_assert_int_eq(SSL_CTX_get_verify_mode(ctx),
			    modes[i].ssl);
			SSL_CTX_free(ctx);
			cc.post_handshake_auth = true;
			ctx = build_ok(&cc);
			ck_assert_int_eq(SSL_CTX_get_verify_mode(ctx),
			    modes[i].ssl_pha);
			SSL_CTX_free(ctx);
		}
	}
}
END_TEST

START_TEST(test_context_verify_flags_match_python)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;

	struct ref		 r;

	FOR_EACH_REF(r) {
		conf_init_ref(&cc, TF_PROTOCOL_TLS_SERVER, &r);
		cc.verify_flags_set = true;
		cc.verify_flags = TF_VERIFY_CRL_CHECK_LEAF |
		    TF_VERIFY_X509_STRICT;
		ctx = build_ok(&cc);
		ck_assert_uint_eq(X509_VERIFY_PARAM_get_flags(
		    SSL_CTX_get0_param(ctx)),
		    (unsigned long)python_num(&r, "verify_flags_set"));
		SSL_CTX_free(ctx);
		cc.verify_flags = 0;
		ctx = build_ok(&cc);
		ck_assert_uint_eq(X509_VERIFY_PARAM_get_flags(
		    SSL_CTX_get0_param(ctx)),
		    (unsigned long)python_num(&r, "verify_flags_zero"));
		SSL_CTX_free(ctx);
	}
}
END_TEST

/* CERT_REQUIRED: TLS 1.2 fails the handshake, TLS 1.3 the first read. */
START_TEST(test_context_verify_required_client_cert)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	struct hs_opts		 o;
	struct hs_result	 r;
	SSL_CTX			*ctx;
	char			*ca;

	conf_rsa(&cc, &cert);
	ca = strdup(cert_path("ca.pem"));
	cc.cafile.value = ca;
	cc.verify_mode = TF_CERT_REQUIRED;
	ctx = build_ok(&cc);
	memset(&o, 0, sizeof(o));
	o.version = TLS1_2_VERSION;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 0);
	ck_assert_int_eq(r.client_alert, SSL_AD_HANDSHAKE_FAILURE);
	o.version = TLS1_3_VERSION;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	ck_assert_int_eq(r.read_alert, TLS13_AD_CERTIFICATE_REQUIRED);
	o.certfile = "client.pem";
	o.keyfile = "client.key";
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	ck_assert_int_eq(r.read_alert, -1);
	o.version = TLS1_2_VERSION;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	/* Signed by no CA the context trusts. */
	o.certfile = "ecdsa.pem";
	o.keyfile = "ecdsa.key";
	ck_assert_int_eq(hs_run(ctx, &o, &r), 0);
	SSL_CTX_free(ctx);
	free(ca);
	cert_free(&cert);
}
END_TEST

/* cadata: the same trust from PEM text. */
START_TEST(test_context_verify_cadata)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	struct hs_opts		 o;
	struct hs_result	 r;
	SSL_CTX			*ctx;
	char			*pem, *two, garbage[] = "garbage";
	FILE			*fp;
	long			 len;

	ck_assert_ptr_nonnull(fp = fopen(cert_path("ca.pem"), "r"));
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	pem = calloc(1, (size_t)len + 1);
	ck_assert_int_eq(fread(pem, 1, (size_t)len, fp), len);
	fclose(fp);

	conf_rsa(&cc, &cert);
	cc.verify_mode = TF_CERT_OPTIONAL;
	cc.cadata.value = pem;
	cc.cadata.line = 9;
	ctx = build_ok(&cc);
	memset(&o, 0, sizeof(o));
	o.version = TLS1_2_VERSION;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);	/* optional */
	o.certfile = "client.pem";
	o.keyfile = "client.key";
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	SSL_CTX_free(ctx);

	/* The same certificate twice is fine, as in Python. */
	ck_assert_int_ne(asprintf(&two, "%s%s", pem, pem), -1);
	cc.cadata.value = two;
	ctx = build_ok(&cc);
	SSL_CTX_free(ctx);
	free(two);

	cc.cadata.value = garbage;
	build_fails(&cc, CONF ":9: no start line: cadata does not contain a "
	    "certificate");
	/* A certificate, then a broken one. */
	ck_assert_int_ne(asprintf(&two, "%s-----BEGIN CERTIFICATE-----\n"
	    "AAAA\n-----END CERTIFICATE-----\n", pem), -1);
	cc.cadata.value = two;
	build_fails_prefix(&cc, CONF ":9: cannot load cadata: ");
	free(two);
	free(pem);
	cert_free(&cert);
}
END_TEST

START_TEST(test_context_verify_cafile_refused)
{
	struct tf_context_conf	 cc;
	char			 want[TF_TEST_CERTDIR_MAX + 256];
	char			*path;

	conf_init(&cc, TF_PROTOCOL_TLS_SERVER);
	path = strdup(cert_path("rsa.key"));
	cc.cafile.value = path;
	cc.cafile.line = 8;
	snprintf(want, sizeof(want), CONF ":8: cannot load cafile \"%s\": ",
	    path);
	build_fails_prefix(&cc, want);
	free(path);
	path = strdup(cert_path("nonexistent.pem"));
	cc.cafile.value = path;
	snprintf(want, sizeof(want), CONF ":8: cannot load cafile \"%s\": "
	    "No such file or directory", path);
	build_fails(&cc, want);
	free(path);
}
END_TEST

/* The wire format of ALPN protocols, for the client. */
#define ALPN_H11_H2	"\x08http/1.1\x02h2"

START_TEST(test_context_alpn_server_order)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	struct tf_conf_str	*alpn;
	struct hs_opts		 o;
	struct hs_result	 r;
	SSL_CTX			*ctx;

	conf_rsa(&cc, &cert);
	alpn = calloc(2, sizeof(*alpn));
	alpn[0].value = strdup("h2");
	alpn[1].value = strdup("http/1.1");
	cc.alpn_protocols = alpn;
	cc.nalpn_protocols = 2;
	cc.alpn_protocols_set = true;
	ctx = build_ok(&cc);
	/* The context keeps its own copy. */
	free(alpn[0].value);
	free(alpn[1].value);
	free(alpn);
	cc.alpn_protocols = NULL;

	memset(&o, 0, sizeof(o));
	o.alpn = (const unsigned char *)ALPN_H11_H2;
	o.alpn_len = sizeof(ALPN_H11_H2) - 1;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	ck_assert_str_eq(r.alpn, "h2");
	o.version = TLS1_2_VERSION;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	ck_assert_str_eq(r.alpn, "h2");
	o.alpn = (const unsigned char *)"\x06spdy/1";
	o.alpn_len = 7;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);	/* NOACK, goes on */
	ck_assert_str_eq(r.alpn, "");
	o.alpn = (const unsigned char *)"\x03" "foo" "\x08" "http/1.1";
	o.alpn_len = 13;
	o.version = TLS1_3_VERSION;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	ck_assert_str_eq(r.alpn, "http/1.1");
	o.alpn = NULL;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	ck_assert_str_eq(r.alpn, "");
	SSL_CTX_free(ctx);

	/* An empty list: nothing is ever selected. */
	cc.nalpn_protocols = 0;
	ctx = build_ok(&cc);
	o.alpn = (const unsigned char *)ALPN_H11_H2;
	o.alpn_len = sizeof(ALPN_H11_H2) - 1;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	ck_assert_str_eq(r.alpn, "");
	SSL_CTX_free(ctx);
	cert_free(&cert);
}
END_TEST

START_TEST(test_context_num_tickets_match_python)
{
	struct tf_context_conf	 cc;
	SSL_CTX			*ctx;

	struct ref		 r;

	FOR_EACH_REF(r) {
		conf_init_ref(&cc, TF_PROTOCOL_TLS_SERVER, &r);
		cc.num_tickets_set = true;
		cc.num_tickets = 5;
		cc.num_tickets_line = 12;
		ctx = build_ok(&cc);
		ck_assert_uint_eq(SSL_CTX_get_num_tickets(ctx),
		    (size_t)python_num(&r, "num_tickets_5"));
		SSL_CTX_free(ctx);
		cc.num_tickets = 0;
		ctx = build_ok(&cc);
		ck_assert_uint_eq(SSL_CTX_get_num_tickets(ctx), 0);
		SSL_CTX_free(ctx);
		/* Python refuses it on every protocol but TLS_SERVER. */
		ck_assert_str_eq(python_str(&r, "num_tickets_refused.TLS"),
		    "SSLContext is not a server context.");
		ck_assert_str_eq(python_str(&r, "num_tickets_refused.TLSv1_2"),
		    "SSLContext is not a server context.");
		cc.protocol = TF_PROTOCOL_TLS;
		build_fails(&cc, CONF ":12: SSLContext is not a server "
		    "context.");
	}
}
END_TEST

/* Count the descriptors open in this process. */
static int
fd_count(void)
{
	int	 fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

/* The whole of path, or NULL. */
static char *
slurp(const char *path)
{
	FILE	*fp;
	char	*buf;
	long	 len;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)len + 1);
	if (fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	return buf;
}

START_TEST(test_context_keylog_lines)
{
	static const char *const labels[] = {
		"CLIENT_HANDSHAKE_TRAFFIC_SECRET ",
		"SERVER_HANDSHAKE_TRAFFIC_SECRET ",
		"CLIENT_TRAFFIC_SECRET_0 ", "SERVER_TRAFFIC_SECRET_0 ",
		"EXPORTER_SECRET ",
	};
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	struct hs_opts		 o;
	struct hs_result	 r;
	struct stat		 st;
	SSL_CTX			*ctx;
	char			*path, *text;
	size_t			 i;
	int			 nfd;

	conf_rsa(&cc, &cert);
	path = strdup(cert_path("keys.log"));
	unlink(path);
	cc.keylog_filename.value = path;
	cc.keylog_filename.line = 14;
	nfd = fd_count();
	ctx = build_ok(&cc);
	ck_assert_int_eq(fd_count(), nfd + 1);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	memset(&o, 0, sizeof(o));
	o.version = TLS1_3_VERSION;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	o.version = TLS1_2_VERSION;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	SSL_CTX_free(ctx);
	ck_assert_int_eq(fd_count(), nfd);	/* closed with the context */

	ck_assert_ptr_nonnull(text = slurp(path));
	ck_assert_msg(strncmp(text, "# TLS secrets log file", 22) == 0,
	    "no header: %s", text);
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		ck_assert_msg(strstr(text, labels[i]) != NULL, "no %s in %s",
		    labels[i], text);
	ck_assert_ptr_nonnull(strstr(text, "\nCLIENT_RANDOM "));
	free(text);

	/* Appends; the header only once. */
	ctx = build_ok(&cc);
	SSL_CTX_free(ctx);
	ck_assert_ptr_nonnull(text = slurp(path));
	ck_assert_ptr_null(strstr(text + 1, "# TLS secrets"));
	free(text);
	unlink(path);

	free(path);
	path = strdup(cert_path("no-such-dir/keys.log"));
	cc.keylog_filename.value = path;
	build_fails_prefix(&cc, CONF ":14: cannot open keylog_filename ");
	free(path);
	cert_free(&cert);
}
END_TEST

typedef int (*warnings_fn)(const struct tf_context_conf *, SSL_CTX *,
    const char *, struct tf_errs *);

/* fn's warnings for cc built as is, into w; their count. The probes leave
 * no session and no queued error behind. */
static int
run_warnings(warnings_fn fn, const struct tf_context_conf *cc,
    struct tf_errs *w)
{
	SSL_CTX	*ctx;
	int	 n;

	ctx = build_ok(cc);
	n = fn(cc, ctx, CONF, w);
	ck_assert_int_eq((int)tf_errs_count(w), n);
	ck_assert_int_eq(SSL_CTX_sess_number(ctx), 0);
	ck_assert_uint_eq(ERR_peek_error(), 0);
	SSL_CTX_free(ctx);
	return n;
}

/* Warnings for cc built as is; their count, the first in first. */
static int
warnings_of(const struct tf_context_conf *cc, char *first, size_t len)
{
	struct tf_errs	 w;
	int		 n;

	tf_errs_init(&w);
	n = run_warnings(tf_context_warnings, cc, &w);
	snprintf(first, len, "%s", n > 0 ? tf_errs_get(&w, 0) : "");
	tf_errs_free(&w);
	return n;
}

START_TEST(test_context_warnings_dead_legacy)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	char			 msg[512];
	char			 legacy[] = "DEFAULT:@SECLEVEL=0";

	conf_rsa(&cc, &cert);
	ck_assert_int_eq(warnings_of(&cc, msg, sizeof(msg)), 0);

	cc.protocol = TF_PROTOCOL_TLSv1;
	ck_assert_int_eq(warnings_of(&cc, msg, sizeof(msg)), 1);
	ck_assert_str_eq(msg, CONF ":2: warning: context \"test\": "
	    "PROTOCOL_TLSv1 completes no handshake with this OpenSSL at "
	    "security level 2; set ciphers = \"DEFAULT:@SECLEVEL=0\" to "
	    "enable TLS 1.0/1.1");
	cc.protocol = TF_PROTOCOL_TLSv1_1;
	ck_assert_int_eq(warnings_of(&cc, msg, sizeof(msg)), 1);
	ck_assert_ptr_nonnull(strstr(msg, ": PROTOCOL_TLSv1_1 completes no "));
	cc.protocol = TF_PROTOCOL_TLSv1_2;
	ck_assert_int_eq(warnings_of(&cc, msg, sizeof(msg)), 0);

	/* The fix it names is the fix. */
	cc.protocol = TF_PROTOCOL_TLSv1;
	cc.ciphers.value = legacy;
	cc.ciphers.line = 5;
	ck_assert_int_eq(warnings_of(&cc, msg, sizeof(msg)), 0);
	cc.ciphers.value = NULL;

	cc.protocol = TF_PROTOCOL_TLS_SERVER;
	cc.minimum_version = TF_VERSION_TLSv1;
	cc.maximum_version = TF_VERSION_TLSv1_1;
	cc.maximum_version_line = 4;
	ck_assert_int_eq(warnings_of(&cc, msg, sizeof(msg)), 1);
	ck_assert_str_eq(msg, CONF ":4: warning: context \"test\": "
	    "PROTOCOL_TLS_SERVER limited to TLSv1_1 completes no handshake "
	    "with this OpenSSL at security level 2; set ciphers = "
	    "\"DEFAULT:@SECLEVEL=0\" to enable TLS 1.0/1.1");
	cc.maximum_version = TF_VERSION_UNSET;
	cc.maximum_version_line = 0;
	cc.options_set = SSL_OP_NO_TLSv1_3 | SSL_OP_NO_TLSv1_2;
	cc.options_line = 3;
	ck_assert_int_eq(warnings_of(&cc, msg, sizeof(msg)), 1);
	ck_assert_ptr_nonnull(strstr(msg, CONF ":3: warning: "));
	cc.options_set = 0;
	ck_assert_int_eq(warnings_of(&cc, msg, sizeof(msg)), 0);
	cert_free(&cert);
}
END_TEST

/* OP_ENABLE_KTLS stays in the options, and the user hears that it does
 * nothing here, at the options' line. */
START_TEST(test_context_warnings_ktls)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	char			 msg[512];
	const char		*want = CONF ":3: warning: context \"test\": "
	    "OP_ENABLE_KTLS has no effect: tlsfrontd encrypts in user space "
	    "through its own buffers (this kernel's \"tls\" module is ";
	SSL_CTX			*ctx;

	conf_rsa(&cc, &cert);
	cc.options_set = SSL_OP_ENABLE_KTLS;
	cc.options_line = 3;
	ck_assert_int_eq(warnings_of(&cc, msg, sizeof(msg)), 1);
	ck_assert_int_eq(strncmp(msg, want, strlen(want)), 0);
	ck_assert(strcmp(msg + strlen(want), "available)") == 0 ||
	    strcmp(msg + strlen(want), "not available)") == 0);
	ctx = build_ok(&cc);
	ck_assert_uint_ne(SSL_CTX_get_options(ctx) & SSL_OP_ENABLE_KTLS, 0);
	SSL_CTX_free(ctx);

	/* Both warnings, each at its own line. */
	cc.protocol = TF_PROTOCOL_TLSv1;
	ck_assert_int_eq(warnings_of(&cc, msg, sizeof(msg)), 2);
	cert_free(&cert);
}
END_TEST

/* The probes neither log keys nor touch the context's session cache. */
START_TEST(test_context_warnings_leave_no_trace)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	char			 msg[512], *path, *text;
	char			 legacy[] = "DEFAULT:@SECLEVEL=0";

	conf_rsa(&cc, &cert);
	cc.protocol = TF_PROTOCOL_TLSv1;
	cc.ciphers.value = legacy;
	path = strdup(cert_path("probe-keys.log"));
	unlink(path);
	cc.keylog_filename.value = path;
	ck_assert_int_eq(warnings_of(&cc, msg, sizeof(msg)), 0);
	ck_assert_ptr_nonnull(text = slurp(path));
	ck_assert_ptr_null(strstr(text, "CLIENT_RANDOM"));
	free(text);
	unlink(path);
	free(path);
	cert_free(&cert);
}
END_TEST

/* All warnings of cc built as is (tf_context_all_warnings), joined by
 * newlines into out; their count. */
static int
all_warnings_of(const struct tf_context_conf *cc, char *out, size_t len)
{
	struct tf_errs	 w;
	size_t		 i, used = 0;
	int		 n;

	tf_errs_init(&w);
	n = run_warnings(tf_context_all_warnings, cc, &w);
	out[0] = '\0';
	for (i = 0; i < tf_errs_count(&w) && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s\n",
		    tf_errs_get(&w, i));
	tf_errs_free(&w);
	return n;
}

/*
 * The set -t, the log and --explain share: a clean context has none; one
 * that no client reaches says so besides the dead-legacy fix; TLS 1.0
 * enabled beside TLS 1.2+ is named at the ciphers' line, with the fix,
 * and not once the fix is applied. (The test certificates are valid for
 * a year: no expiry warning; t24 covers one that expires.)
 */
START_TEST(test_context_all_warnings)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	char			 out[2048];
	char			 legacy[] = "DEFAULT:@SECLEVEL=0";

	conf_rsa(&cc, &cert);
	ck_assert_int_eq(all_warnings_of(&cc, out, sizeof(out)), 0);

	cc.protocol = TF_PROTOCOL_TLSv1;
	ck_assert_int_eq(all_warnings_of(&cc, out, sizeof(out)), 2);
	ck_assert_msg(strstr(out, CONF ":2: warning: context \"test\": "
	    "PROTOCOL_TLSv1 completes no handshake") != NULL, "%s", out);
	ck_assert_msg(strstr(out, CONF ":1: warning: context \"test\": no "
	    "client can connect to this context: every handshake failed\n") !=
	    NULL, "%s", out);

	cc.protocol = TF_PROTOCOL_TLS_SERVER;
	cc.minimum_version = TF_VERSION_TLSv1;
	cc.ciphers.line = 6;
	ck_assert_int_eq(all_warnings_of(&cc, out, sizeof(out)), 1);
	ck_assert_str_eq(out, CONF ":6: warning: context \"test\": TLS "
	    "1.0/1.1 are enabled but no TLS 1.0/1.1 client can connect at "
	    "security level 2: OpenSSL 3 needs level 0 for them, e.g. ciphers "
	    "= \"DEFAULT:@SECLEVEL=0\"\n");
	cc.ciphers.value = legacy;
	ck_assert_int_eq(all_warnings_of(&cc, out, sizeof(out)), 0);
	cert_free(&cert);
}
END_TEST

/* The PEM certificate tf_test_certdir/name. */
static X509 *
read_cert(const char *name)
{
	X509	*x;
	FILE	*fp;

	ck_assert_ptr_nonnull(fp = fopen(cert_path(name), "r"));
	ck_assert_ptr_nonnull(x = PEM_read_X509(fp, NULL, NULL, NULL));
	fclose(fp);
	return x;
}

/*
 * Write to tf_test_certdir/name a CRL of the test CA (ca.pem, ca.key)
 * revoking the certificate in file revoke (NULL: none), whose nextUpdate
 * is next_days from now (negative: it has expired).
 */
static void
make_crl(const char *name, const char *revoke, int next_days)
{
	X509_CRL	*crl;
	X509_REVOKED	*r;
	X509		*ca, *x;
	EVP_PKEY	*key;
	ASN1_TIME	*last, *next;
	FILE		*fp;
	time_t		 now = time(NULL);

	ca = read_cert("ca.pem");
	ck_assert_ptr_nonnull(fp = fopen(cert_path("ca.key"), "r"));
	ck_assert_ptr_nonnull(key = PEM_read_PrivateKey(fp, NULL, NULL,
	    NULL));
	fclose(fp);
	ck_assert_ptr_nonnull(crl = X509_CRL_new());
	ck_assert_int_eq(X509_CRL_set_version(crl, 1), 1);
	ck_assert_int_eq(X509_CRL_set_issuer_name(crl,
	    X509_get_subject_name(ca)), 1);
	last = ASN1_TIME_adj(NULL, now, next_days < 0 ? next_days - 1 : 0,
	    -60);
	next = ASN1_TIME_adj(NULL, now, next_days, 0);
	ck_assert_int_eq(X509_CRL_set1_lastUpdate(crl, last), 1);
	ck_assert_int_eq(X509_CRL_set1_nextUpdate(crl, next), 1);
	if (revoke != NULL) {
		x = read_cert(revoke);
		ck_assert_ptr_nonnull(r = X509_REVOKED_new());
		ck_assert_int_eq(X509_REVOKED_set_serialNumber(r,
		    X509_get_serialNumber(x)), 1);
		ck_assert_int_eq(X509_REVOKED_set_revocationDate(r, last), 1);
		ck_assert_int_eq(X509_CRL_add0_revoked(crl, r), 1);
		X509_free(x);
	}
	ck_assert_int_eq(X509_CRL_sort(crl), 1);
	ck_assert_int_gt(X509_CRL_sign(crl, key, EVP_sha256()), 0);
	ck_assert_ptr_nonnull(fp = fopen(cert_path(name), "w"));
	ck_assert_int_eq(PEM_write_X509_CRL(fp, crl), 1);
	ck_assert_int_eq(fclose(fp), 0);
	ASN1_TIME_free(last);
	ASN1_TIME_free(next);
	X509_CRL_free(crl);
	EVP_PKEY_free(key);
	X509_free(ca);
}

/* How many CRLs ctx's verify store holds. */
static int
store_crls(SSL_CTX *ctx)
{
	STACK_OF(X509_OBJECT)	*objs;
	int			 i, n = 0;

	objs = X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx));
	for (i = 0; i < sk_X509_OBJECT_num(objs); i++)
		if (X509_OBJECT_get_type(sk_X509_OBJECT_value(objs, i)) ==
		    X509_LU_CRL)
			n++;
	return n;
}

/* A CERT_REQUIRED context trusting ca.pem, with flags if flags_set. */
static void
conf_client_certs(struct tf_context_conf *cc, struct tf_cert_conf *cert,
    bool flags_set, unsigned long flags)
{
	conf_rsa(cc, cert);
	cc->cafile.value = strdup(cert_path("ca.pem"));
	cc->cafile.line = 8;
	cc->verify_mode = TF_CERT_REQUIRED;
	cc->verify_flags_set = flags_set;
	cc->verify_flags = flags;
	cc->verify_flags_line = 11;
}

static void
conf_client_certs_free(struct tf_context_conf *cc, struct tf_cert_conf *cert)
{
	free(cc->cafile.value);
	free(cc->crlfile.value);
	cert_free(cert);
}

/*
 * The client's certificate, under the revoking CRL of crlfile: refused
 * with certificate_revoked (TLS 1.2 in the handshake, TLS 1.3 on the
 * first read) with VERIFY_CRL_CHECK_LEAF; accepted without the flag (the
 * CRL is loaded but not consulted) and under a CRL that revokes nothing.
 */
START_TEST(test_context_crlfile_revokes)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	struct hs_opts		 o;
	struct hs_result	 r;
	SSL_CTX			*ctx;

	make_crl("revoke-client.crl", "client.pem", 30);
	make_crl("revoke-none.crl", NULL, 30);
	conf_client_certs(&cc, &cert, true, TF_VERIFY_CRL_CHECK_LEAF |
	    TF_VERIFY_X509_TRUSTED_FIRST);
	cc.crlfile.value = strdup(cert_path("revoke-client.crl"));
	cc.crlfile.line = 9;
	ctx = build_ok(&cc);
	ck_assert_int_eq(store_crls(ctx), 1);
	memset(&o, 0, sizeof(o));
	o.certfile = "client.pem";
	o.keyfile = "client.key";
	o.version = TLS1_2_VERSION;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 0);
	ck_assert_int_eq(r.client_alert, SSL_AD_CERTIFICATE_REVOKED);
	o.version = TLS1_3_VERSION;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	ck_assert_int_eq(r.read_alert, SSL_AD_CERTIFICATE_REVOKED);
	SSL_CTX_free(ctx);

	cc.verify_flags_set = false;
	ctx = build_ok(&cc);
	ck_assert_int_eq(store_crls(ctx), 1);
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	ck_assert_int_eq(r.read_alert, -1);
	SSL_CTX_free(ctx);

	cc.verify_flags_set = true;
	free(cc.crlfile.value);
	cc.crlfile.value = strdup(cert_path("revoke-none.crl"));
	ctx = build_ok(&cc);
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	ck_assert_int_eq(r.read_alert, -1);
	SSL_CTX_free(ctx);
	conf_client_certs_free(&cc, &cert);
}
END_TEST

/* A CRL in cafile (as OpenSSL and Python load it) works as crlfile does;
 * and with the flag but no CRL at all, every client is refused (OpenSSL:
 * "unable to get certificate CRL"). */
START_TEST(test_context_crl_in_cafile)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	struct hs_opts		 o;
	struct hs_result	 r;
	SSL_CTX			*ctx;
	FILE			*in, *out;
	char			 buf[4096];
	size_t			 n;
	int			 i;

	make_crl("revoke-client2.crl", "client.pem", 30);
	ck_assert_ptr_nonnull(out = fopen(cert_path("ca-crl.pem"), "w"));
	for (i = 0; i < 2; i++) {
		ck_assert_ptr_nonnull(in = fopen(cert_path(i == 0 ? "ca.pem" :
		    "revoke-client2.crl"), "r"));
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
		fclose(in);
	}
	ck_assert_int_eq(fclose(out), 0);
	conf_client_certs(&cc, &cert, true, TF_VERIFY_CRL_CHECK_LEAF);
	free(cc.cafile.value);
	cc.cafile.value = strdup(cert_path("ca-crl.pem"));
	ctx = build_ok(&cc);
	ck_assert_int_eq(store_crls(ctx), 1);
	memset(&o, 0, sizeof(o));
	o.certfile = "client.pem";
	o.keyfile = "client.key";
	o.version = TLS1_2_VERSION;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 0);
	ck_assert_int_eq(r.client_alert, SSL_AD_CERTIFICATE_REVOKED);
	SSL_CTX_free(ctx);

	free(cc.cafile.value);
	cc.cafile.value = strdup(cert_path("ca.pem"));
	ctx = build_ok(&cc);
	ck_assert_int_eq(store_crls(ctx), 0);
	ck_assert_int_eq(hs_run(ctx, &o, &r), 0);
	ck_assert_int_ne(r.client_alert, -1);
	SSL_CTX_free(ctx);
	conf_client_certs_free(&cc, &cert);
}
END_TEST

START_TEST(test_context_crlfile_refused)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	char			 want[TF_TEST_CERTDIR_MAX + 256];
	FILE			*fp;

	conf_client_certs(&cc, &cert, true, TF_VERIFY_CRL_CHECK_LEAF);
	cc.crlfile.line = 9;
	cc.crlfile.value = strdup(cert_path("ca.pem"));
	snprintf(want, sizeof(want), CONF ":9: crlfile \"%s\" holds no CRL "
	    "(expected PEM \"X509 CRL\", as `openssl ca -gencrl` writes)",
	    cc.crlfile.value);
	build_fails(&cc, want);
	free(cc.crlfile.value);
	cc.crlfile.value = strdup(cert_path("nonexistent.crl"));
	snprintf(want, sizeof(want), CONF ":9: cannot load crlfile \"%s\": "
	    "No such file or directory", cc.crlfile.value);
	build_fails(&cc, want);
	free(cc.crlfile.value);
	cc.crlfile.value = strdup(cert_path("broken.crl"));
	ck_assert_ptr_nonnull(fp = fopen(cc.crlfile.value, "w"));
	fputs("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n", fp);
	ck_assert_int_eq(fclose(fp), 0);
	snprintf(want, sizeof(want), CONF ":9: cannot load crlfile \"%s\": ",
	    cc.crlfile.value);
	build_fails_prefix(&cc, want);
	conf_client_certs_free(&cc, &cert);
}
END_TEST

/* verify_depth is SSL_CTX_set_verify_depth; absent, OpenSSL's default. */
START_TEST(test_context_verify_depth)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	struct hs_opts		 o;
	struct hs_result	 r;
	SSL_CTX			*ctx;

	conf_client_certs(&cc, &cert, false, 0);
	ctx = build_ok(&cc);
	ck_assert_int_eq(SSL_CTX_get_verify_depth(ctx), -1);
	SSL_CTX_free(ctx);
	cc.verify_depth_set = true;
	cc.verify_depth = 0;
	ctx = build_ok(&cc);
	ck_assert_int_eq(SSL_CTX_get_verify_depth(ctx), 0);
	/* client.pem is issued by the trusted CA itself: depth 0 is enough. */
	memset(&o, 0, sizeof(o));
	o.certfile = "client.pem";
	o.keyfile = "client.key";
	o.version = TLS1_2_VERSION;
	ck_assert_int_eq(hs_run(ctx, &o, &r), 1);
	SSL_CTX_free(ctx);
	cc.verify_depth = 7;
	ctx = build_ok(&cc);
	ck_assert_int_eq(SSL_CTX_get_verify_depth(ctx), 7);
	/* Python's verify_mode still reads back as CERT_REQUIRED. */
	ck_assert_int_eq(SSL_CTX_get_verify_mode(ctx), SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
	SSL_CTX_free(ctx);
	conf_client_certs_free(&cc, &cert);
}
END_TEST

/*
 * -t's warnings about CRLs: crlfile without a CRL_CHECK flag (never
 * consulted); a CRL_CHECK flag with no CRL (every client refused), but not
 * when nothing is verified; a CRL past its nextUpdate.
 */
START_TEST(test_context_crl_warnings)
{
	struct tf_context_conf	 cc;
	struct tf_cert_conf	 cert;
	char			 out[4096];

	make_crl("revoke-none2.crl", NULL, 30);
	make_crl("expired.crl", NULL, -2);
	conf_client_certs(&cc, &cert, false, 0);
	cc.crlfile.value = strdup(cert_path("revoke-none2.crl"));
	cc.crlfile.line = 9;
	ck_assert_int_eq(all_warnings_of(&cc, out, sizeof(out)), 1);
	ck_assert_str_eq(out, CONF ":9: warning: context \"test\": the CRLs "
	    "of crlfile are loaded but never consulted: verify_flags has "
	    "neither VERIFY_CRL_CHECK_LEAF nor VERIFY_CRL_CHECK_CHAIN\n");
	cc.verify_flags_set = true;
	cc.verify_flags = TF_VERIFY_CRL_CHECK_CHAIN;
	ck_assert_int_eq(all_warnings_of(&cc, out, sizeof(out)), 0);

	free(cc.crlfile.value);
	cc.crlfile.value = NULL;
	ck_assert_int_eq(all_warnings_of(&cc, out, sizeof(out)), 1);
	ck_assert_str_eq(out, CONF ":11: warning: context \"test\": "
	    "VERIFY_CRL_CHECK_CHAIN is set but no CRL was loaded (crlfile, "
	    "cafile or capath): every client certificate will be refused "
	    "(\"unable to get certificate CRL\")\n");
	cc.verify_mode = TF_CERT_NONE;
	ck_assert_int_eq(all_warnings_of(&cc, out, sizeof(out)), 0);

	cc.verify_mode = TF_CERT_OPTIONAL;
	cc.crlfile.value = strdup(cert_path("expired.crl"));
	ck_assert_int_eq(all_warnings_of(&cc, out, sizeof(out)), 1);
	ck_assert_str_eq(out, CONF ":9: warning: context \"test\": the CRL "
	    "of CN=tlsfront test CA has expired (nextUpdate passed): the "
	    "certificates it covers will be refused (\"CRL has expired\") "
	    "until a new one is loaded\n");
	conf_client_certs_free(&cc, &cert);
}
END_TEST

static Suite *
context_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("context");

	tc = tcase_create("defaults");
	tcase_add_unchecked_fixture(tc, python_setup, python_teardown);
	tcase_add_loop_test(tc, test_context_defaults_options_match_python,
	    0, NPROTOCOLS);
	tcase_add_loop_test(tc, test_context_defaults_versions_match_python,
	    0, NPROTOCOLS);
	tcase_add_loop_test(tc, test_context_defaults_ciphers_match_python,
	    0, NPROTOCOLS);
	tcase_add_test(tc, test_context_defaults_verify_and_tickets_match_python);
	tcase_add_loop_test(tc,
	    test_context_default_suites_openssl_keeps_system_defaults, 0,
	    NPROTOCOLS);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("options");
	tcase_add_unchecked_fixture(tc, python_setup, python_teardown);
	tcase_add_test(tc, test_context_options_set);
	tcase_add_test(tc, test_context_options_clear);
	tcase_add_test(tc, test_context_options_clear_wins_over_set);
	suite_add_tcase(s, tc);

	tc = tcase_create("versions");
	tcase_add_unchecked_fixture(tc, python_setup, python_teardown);
	tcase_add_test(tc, test_context_versions_pin);
	tcase_add_test(tc, test_context_versions_supported_bounds_match_python);
	tcase_add_test(tc, test_context_versions_refused_on_fixed_protocol);
	tcase_add_test(tc, test_context_versions_enabled);
	tcase_add_test(tc, test_context_versions_unknown_value_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("ciphers");
	tcase_add_unchecked_fixture(tc, python_setup, python_teardown);
	tcase_add_unchecked_fixture(tc, tf_test_certs_setup, tf_test_certs_teardown);
	tcase_add_test(tc, test_context_ciphers_order_matches_python);
	tcase_add_test(tc, test_context_ciphers_selecting_nothing_refused);
	tcase_add_test(tc, test_context_ciphersuites_set);
	tcase_add_test(tc, test_context_ciphers_curve_set);
	tcase_add_test(tc, test_context_ciphers_unknown_curve_refused);
	tcase_add_test(tc, test_context_ciphers_unusable_tlsv1_still_builds);
	suite_add_tcase(s, tc);

	tc = tcase_create("certs");
	tcase_add_unchecked_fixture(tc, tf_test_certs_setup, tf_test_certs_teardown);
	tcase_add_test(tc, test_context_certs_rsa_and_ecdsa_coexist);
	tcase_add_test(tc, test_context_certs_key_in_certfile);
	tcase_add_test(tc, test_context_certs_encrypted_key_with_password);
	tcase_add_test(tc, test_context_certs_selfsigned_loads);
	tcase_add_test(tc, test_context_client_defaults_and_names);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("attributes");
	tcase_add_unchecked_fixture(tc, python_setup, python_teardown);
	tcase_add_unchecked_fixture(tc, tf_test_certs_setup, tf_test_certs_teardown);
	tcase_add_test(tc, test_context_groups_only_those);
	tcase_add_test(tc, test_context_groups_unknown_refused);
	tcase_add_test(tc, test_context_dh_params_enable_dhe);
	tcase_add_test(tc, test_context_dh_params_refused);
	tcase_add_test(tc, test_context_verify_mode_matches_python);
	tcase_add_test(tc, test_context_verify_flags_match_python);
	tcase_add_test(tc, test_context_verify_required_client_cert);
	tcase_add_test(tc, test_context_verify_cadata);
	tcase_add_test(tc, test_context_verify_cafile_refused);
	tcase_add_test(tc, test_context_alpn_server_order);
	tcase_add_test(tc, test_context_num_tickets_match_python);
	tcase_add_test(tc, test_context_keylog_lines);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("warnings");
	tcase_add_unchecked_fixture(tc, tf_test_certs_setup, tf_test_certs_teardown);
	tcase_add_test(tc, test_context_warnings_dead_legacy);
	tcase_add_test(tc, test_context_all_warnings);
	tcase_add_test(tc, test_context_warnings_ktls);
	tcase_add_test(tc, test_context_warnings_leave_no_trace);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("client certificates");
	tcase_add_unchecked_fixture(tc, tf_test_certs_setup, tf_test_certs_teardown);
	tcase_add_test(tc, test_context_crlfile_revokes);
	tcase_add_test(tc, test_context_crl_in_cafile);
	tcase_add_test(tc, test_context_crlfile_refused);
	tcase_add_test(tc, test_context_verify_depth);
	tcase_add_test(tc, test_context_crl_warnings);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_unchecked_fixture(tc, tf_test_certs_setup, tf_test_certs_teardown);
	tcase_add_test(tc, test_context_errors_mismatched_key_refused);
	tcase_add_test(tc, test_context_errors_wrong_password_refused);
	tcase_add_test(tc, test_context_errors_missing_file_refused);
	tcase_add_test(tc, test_context_errors_not_a_certificate_refused);
	tcase_add_test(tc, test_context_errors_all_reported);
	tcase_add_test(tc, test_context_errors_errstr_drains_queue);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(context_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	tf_test_certs_remove();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
