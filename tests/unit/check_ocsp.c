/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * Unit tests of lib/ocsp.c and OCSP stapling (lib/context_ocsp.c): what
 * is not a DER response, each reason a response is not stapled (another
 * certificate's, expired, revoked, unknown, not successful, not signed
 * by the issuer, no issuer, not yet valid), and contexts that staple the
 * response of the certificate they serve (RSA and ECDSA for one name,
 * TLS 1.2 and 1.3), none to a client that does not ask, and stop when
 * the response expires. Responses are made by tests/helpers/ocsp_make.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "config.h"
#include "context.h"
#include "errs.h"
#include "ocsp.h"

#include "../helpers/ocsp_make.h"
#include "testcerts.h"

#define NITEMS(a)	((int)(sizeof(a) / sizeof((a)[0])))

static X509 *
cert_of(const char *name)
{
	char	 path[TF_TEST_CERTDIR_MAX + 64];
	FILE	*fp;
	X509	*x;

	snprintf(path, sizeof(path), "%s/%s", tf_test_certdir, name);
	ck_assert_ptr_nonnull(fp = fopen(path, "r"));
	ck_assert_ptr_nonnull(x = PEM_read_X509(fp, NULL, NULL, NULL));
	fclose(fp);
	return x;
}

static EVP_PKEY *
key_of(const char *name)
{
	char		 path[TF_TEST_CERTDIR_MAX + 64];
	FILE		*fp;
	EVP_PKEY	*k;

	snprintf(path, sizeof(path), "%s/%s", tf_test_certdir, name);
	ck_assert_ptr_nonnull(fp = fopen(path, "r"));
	ck_assert_ptr_nonnull(k = PEM_read_PrivateKey(fp, NULL, NULL, NULL));
	fclose(fp);
	return k;
}

/* A good response for certificate NAME, valid for an hour, by the CA. */
static const struct tf_ocsp_make good_hour = {
	OCSP_RESPONSE_STATUS_SUCCESSFUL, V_OCSP_CERTSTATUS_GOOD, -60, 3600, 1,
	NULL
};

/* Response m about certificate about, signed by signer (the CA if NULL). */
static unsigned char *
make(const struct tf_ocsp_make *m, const char *about, const char *signer,
    const char *signer_key, size_t *len)
{
	X509		*cert = cert_of(about), *ca = cert_of("ca.pem"), *s;
	EVP_PKEY	*k;
	unsigned char	*der;

	s = cert_of(signer != NULL ? signer : "ca.pem");
	k = key_of(signer_key != NULL ? signer_key : "ca.key");
	der = tf_ocsp_make(m, cert, ca, s, k, len);
	ck_assert_ptr_nonnull(der);
	X509_free(cert);
	X509_free(ca);
	X509_free(s);
	EVP_PKEY_free(k);
	return der;
}

/*
 * The verdict on response m about certificate about, signed by signer,
 * checked for certificate checked with the CA as its chain (none if
 * !with_ca); why into why.
 */
static enum tf_ocsp_verdict
verdict(const struct tf_ocsp_make *m, const char *about, const char *signer,
    const char *signer_key, const char *checked, bool with_ca, char *why,
    size_t whylen)
{
	STACK_OF(X509)		*chain = sk_X509_new_null();
	struct tf_ocsp		*resp;
	enum tf_ocsp_verdict	 v;
	unsigned char		*der;
	size_t			 len;
	X509			*cert = cert_of(checked), *ca = cert_of("ca.pem");

	der = make(m, about, signer, signer_key, &len);
	resp = tf_ocsp_parse(der, len, why, whylen);
	ck_assert_msg(resp != NULL, "%s", why);
	ck_assert_uint_eq(resp->len, len);
	ck_assert(memcmp(resp->der, der, len) == 0);
	if (with_ca)
		sk_X509_push(chain, ca);
	why[0] = '\0';
	v = tf_ocsp_check(resp, cert, chain, time(NULL), why, whylen);
	tf_ocsp_free(resp);
	free(der);
	sk_X509_free(chain);
	X509_free(cert);
	X509_free(ca);
	ck_assert_uint_eq(ERR_peek_error(), 0);
	return v;
}

static bool
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* --- parsing --- */

START_TEST(test_ocsp_parse_refusals)
{
	static const struct {
		const char	*bytes;
		size_t		 len;
		const char	*why;
	} cases[] = {
		{ "", 0, "the file is empty" },
		{ "\x30\x03\x02\x01\x00", 5, "not a DER OCSP response" },
		{ "garbage, not DER at all", 23, "not a DER OCSP response" },
		{ "-----BEGIN OCSP RESPONSE-----\nMAMKAQA=\n", 39,
		  "not a DER OCSP response (this is PEM text: use the DER "
		  "file `openssl ocsp -respout` writes)" },
		{ "\x30\x03\x0a\x01\x03" "extra", 10,
		  "not a DER OCSP response (5 bytes follow it)" },
	};
	char	why[256];
	int	i;

	for (i = 0; i < NITEMS(cases); i++) {
		why[0] = '\0';
		ck_assert_ptr_null(tf_ocsp_parse((const unsigned char *)
		    cases[i].bytes, cases[i].len, why, sizeof(why)));
		ck_assert_str_eq(why, cases[i].why);
	}
	ck_assert_uint_eq(ERR_peek_error(), 0);
}
END_TEST

/* A bare "tryLater" (0x30 0x03 0x0a 0x01 0x03) is a response, not garbage. */
START_TEST(test_ocsp_parse_status_only)
{
	static const unsigned char	der[] = { 0x30, 0x03, 0x0a, 0x01, 0x03 };
	struct tf_ocsp			*resp;
	char				 why[256];
	X509				*cert = cert_of("rsa.pem");

	ck_assert_ptr_nonnull(resp = tf_ocsp_parse(der, sizeof(der), why,
	    sizeof(why)));
	ck_assert_int_eq(tf_ocsp_check(resp, cert, NULL, time(NULL), why,
	    sizeof(why)), TF_OCSP_NOT_SUCCESSFUL);
	ck_assert_str_eq(why, "the responder answered \"trylater\", not "
	    "\"successful\"");
	tf_ocsp_free(resp);
	X509_free(cert);
}
END_TEST

START_TEST(test_ocsp_load_unreadable)
{
	char	why[256];

	ck_assert_ptr_null(tf_ocsp_load("/nonexistent/r.der", why,
	    sizeof(why)));
	ck_assert_str_eq(why, "No such file or directory");
	ck_assert_ptr_null(tf_ocsp_load("/", why, sizeof(why)));
	ck_assert_str_eq(why, "Is a directory");
}
END_TEST

/* --- checking against the certificate --- */

START_TEST(test_ocsp_check_good)
{
	struct tf_ocsp_make	 m = good_hour;
	char			 why[512];

	ck_assert_int_eq(verdict(&m, "rsa.pem", NULL, NULL, "rsa.pem", true,
	    why, sizeof(why)), TF_OCSP_GOOD);
	/* A CertID made with SHA-256, as other responders answer. */
	m.id_md = EVP_sha256();
	ck_assert_int_eq(verdict(&m, "ecdsa.pem", NULL, NULL, "ecdsa.pem",
	    true, why, sizeof(why)), TF_OCSP_GOOD);
	/* No nextUpdate: "newer information is always available". */
	m.has_next_update = 0;
	ck_assert_int_eq(verdict(&m, "rsa.pem", NULL, NULL, "rsa.pem", true,
	    why, sizeof(why)), TF_OCSP_GOOD);
}
END_TEST

/* The next update time is kept, and is when a staple stops. */
START_TEST(test_ocsp_check_next_update)
{
	struct tf_ocsp		*resp;
	STACK_OF(X509)		*chain = sk_X509_new_null();
	X509			*cert = cert_of("rsa.pem"), *ca = cert_of("ca.pem");
	unsigned char		*der;
	size_t			 len;
	char			 why[512];
	time_t			 now = time(NULL);

	der = make(&good_hour, "rsa.pem", NULL, NULL, &len);
	ck_assert_ptr_nonnull(resp = tf_ocsp_parse(der, len, why,
	    sizeof(why)));
	sk_X509_push(chain, ca);
	ck_assert_int_eq(tf_ocsp_check(resp, cert, chain, now, why,
	    sizeof(why)), TF_OCSP_GOOD);
	ck_assert_int_ge(resp->next_update, now + 3600 - 5);
	ck_assert_int_le(resp->next_update, now + 3600 + 5);
	ck_assert(tf_ocsp_is_current(resp, resp->next_update - 1));
	ck_assert(!tf_ocsp_is_current(resp, resp->next_update));
	/* Checked later than nextUpdate: expired. */
	ck_assert_int_eq(tf_ocsp_check(resp, cert, chain, now + 7200, why,
	    sizeof(why)), TF_OCSP_EXPIRED);
	tf_ocsp_free(resp);
	free(der);
	sk_X509_free(chain);
	X509_free(cert);
	X509_free(ca);
}
END_TEST

/* Each reason not to staple, and what the log says. */
START_TEST(test_ocsp_check_refusals)
{
	struct tf_ocsp_make	 m = good_hour;
	char			 why[512], serial[128];
	X509			*rsa = cert_of("rsa.pem");
	BIGNUM			*bn;
	char			*hex;

	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(rsa), NULL);
	hex = BN_bn2hex(bn);
	snprintf(serial, sizeof(serial), "it is for another certificate "
	    "(none of its responses is for serial %s by this issuer)", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(rsa);

	/* Another certificate's response. */
	ck_assert_int_eq(verdict(&m, "ecdsa.pem", NULL, NULL, "rsa.pem", true,
	    why, sizeof(why)), TF_OCSP_WRONG_CERT);
	ck_assert_str_eq(why, serial);

	/* Expired: nextUpdate a minute ago. */
	m.this_update = -7200;
	m.next_update = -60;
	ck_assert_int_eq(verdict(&m, "rsa.pem", NULL, NULL, "rsa.pem", true,
	    why, sizeof(why)), TF_OCSP_EXPIRED);
	ck_assert_msg(starts(why, "it has expired (nextUpdate 20"), "%s", why);

	/* Not yet valid: thisUpdate in an hour. */
	m.this_update = 3600;
	m.next_update = 7200;
	ck_assert_int_eq(verdict(&m, "rsa.pem", NULL, NULL, "rsa.pem", true,
	    why, sizeof(why)), TF_OCSP_NOT_YET_VALID);
	ck_assert_msg(strstr(why, "is in the future") != NULL, "%s", why);

	/* Revoked and unknown. */
	m = good_hour;
	m.cert_status = V_OCSP_CERTSTATUS_REVOKED;
	ck_assert_int_eq(verdict(&m, "rsa.pem", NULL, NULL, "rsa.pem", true,
	    why, sizeof(why)), TF_OCSP_REVOKED);
	ck_assert_msg(starts(why, "it says the certificate is revoked (since "
	    "20") && strstr(why, "reason: keyCompromise)") != NULL, "%s", why);
	m.cert_status = V_OCSP_CERTSTATUS_UNKNOWN;
	ck_assert_int_eq(verdict(&m, "rsa.pem", NULL, NULL, "rsa.pem", true,
	    why, sizeof(why)), TF_OCSP_UNKNOWN);
	ck_assert_str_eq(why, "its certificate status is \"unknown\"");

	/* Not successful. */
	m = good_hour;
	m.response_status = OCSP_RESPONSE_STATUS_UNAUTHORIZED;
	ck_assert_int_eq(verdict(&m, "rsa.pem", NULL, NULL, "rsa.pem", true,
	    why, sizeof(why)), TF_OCSP_NOT_SUCCESSFUL);
	ck_assert_str_eq(why, "the responder answered \"unauthorized\", not "
	    "\"successful\"");

	/* Signed by a certificate the issuer did not make a responder (the
	 * ECDSA leaf: no OCSPSigning). */
	m = good_hour;
	ck_assert_int_eq(verdict(&m, "rsa.pem", "ecdsa.pem", "ecdsa.key",
	    "rsa.pem", true, why, sizeof(why)), TF_OCSP_BAD_SIGNATURE);
	ck_assert_msg(starts(why, "its signature does not verify against "
	    "the certificate's issuer ("), "%s", why);

	/* No issuer in the chain: the CertID cannot be made. */
	ck_assert_int_eq(verdict(&m, "rsa.pem", NULL, NULL, "rsa.pem", false,
	    why, sizeof(why)), TF_OCSP_NO_ISSUER);
	ck_assert_str_eq(why, "the certificate's issuer is not in its chain: "
	    "put the CA certificate after it in certfile");
}
END_TEST

/* A self-signed certificate is its own issuer. */
START_TEST(test_ocsp_check_self_signed)
{
	struct tf_ocsp_make	 m = good_hour;
	char			 why[512];

	ck_assert_int_eq(verdict(&m, "ca.pem", NULL, NULL, "ca.pem", false,
	    why, sizeof(why)), TF_OCSP_GOOD);
}
END_TEST

/* --- contexts that staple --- */

static char	oc_dir[TF_TEST_TMPDIR_MAX];

static void
oc_setup(void)
{
	tf_test_tmpdir_make(oc_dir, sizeof(oc_dir), "check_ocsp");
}

static void
oc_teardown(void)
{
	tf_test_tmpdir_remove(oc_dir);
}

/* Write len bytes to oc_dir/name; returns the path (in buf). */
static const char *
oc_file(const char *name, const void *bytes, size_t len, char *buf,
    size_t buflen)
{
	FILE	*fp;

	snprintf(buf, buflen, "%s/%s", oc_dir, name);
	ck_assert_ptr_nonnull(fp = fopen(buf, "wb"));
	ck_assert_uint_eq(fwrite(bytes, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
	return buf;
}

/* One cert_chain entry, with ocsp_response = resp if not NULL. */
static void
oc_entry(char *out, size_t len, const char *cert, const char *key,
    const char *resp)
{
	snprintf(out, len, "{ certfile = \"%s/%s\"; keyfile = \"%s/%s\";%s%s%s "
	    "}", tf_test_certdir, cert, tf_test_certdir, key,
	    resp != NULL ? "\n    ocsp_response = \"" : "",
	    resp != NULL ? resp : "", resp != NULL ? "\";" : "");
}

/*
 * A context "default" with the CA as verify_locations (the leaves' chains
 * are built from it) and entries, or NULL with errs. Warnings into
 * warnings if not NULL.
 */
static SSL_CTX *
oc_context(const char *entries, struct tf_errs *errs,
    struct tf_errs *warnings)
{
	struct tf_config	*conf;
	SSL_CTX			*ctx;
	char			 text[16384];

	snprintf(text, sizeof(text), "contexts = { default = {\n"
	    "  verify_locations = { cafile = \"%s/ca.pem\"; };\n"
	    "  cert_chain = ( %s ); }; };\n"
	    "listeners = ( { listen = \"127.0.0.1:443\"; context = \"default\";"
	    " backend = \"app\"; } );\n"
	    "backends = { app = { servers = [ \"127.0.0.1:1\" ]; }; };\n",
	    tf_test_certdir, entries);
	if ((conf = tf_config_load_string(text, NULL, errs)) == NULL)
		return NULL;
	ctx = tf_context_build(&conf->contexts[0], conf->file, errs);
	if (ctx != NULL && warnings != NULL)
		tf_context_all_warnings(&conf->contexts[0], ctx, conf->file,
		    warnings);
	tf_config_free(conf);
	return ctx;
}

static const char *
first(const struct tf_errs *errs)
{
	return tf_errs_count(errs) > 0 ? tf_errs_get(errs, 0) : "";
}

/*
 * One in-memory handshake at version with a client that asks for the
 * certificate status if ask, and accepts only sigalgs; the stapled
 * response (malloc'd, NULL if none) and its length.
 */
static unsigned char *
oc_handshake(SSL_CTX *server, int version, bool ask, const char *sigalgs,
    size_t *len)
{
	SSL_CTX			*cctx;
	SSL			*c, *s;
	BIO			*bc, *bs;
	const unsigned char	*p;
	unsigned char		*out = NULL;
	long			 n;
	int			 i, rc = 0, rs = 0;

	ck_assert_ptr_nonnull(cctx = SSL_CTX_new(TLS_client_method()));
	SSL_CTX_set_min_proto_version(cctx, version);
	SSL_CTX_set_max_proto_version(cctx, version);
	ck_assert_int_eq(SSL_CTX_set1_sigalgs_list(cctx, sigalgs), 1);
	ck_assert_ptr_nonnull(c = SSL_new(cctx));
	ck_assert_ptr_nonnull(s = SSL_new(server));
	if (ask)
		ck_assert_int_eq(SSL_set_tlsext_status_type(c,
		    TLSEXT_STATUSTYPE_ocsp), 1);
	ck_assert_int_eq(BIO_new_bio_pair(&bc, 0, &bs, 0), 1);
	SSL_set_bio(c, bc, bc);
	SSL_set_bio(s, bs, bs);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	for (i = 0; i < 50 && (rc != 1 || rs != 1); i++) {
		if (rc != 1)
			rc = SSL_do_handshake(c);
		if (rs != 1)
			rs = SSL_do_handshake(s);
	}
	ck_assert_msg(rc == 1 && rs == 1, "handshake failed");
	n = SSL_get_tlsext_status_ocsp_resp(c, &p);
	if (n > 0 && p != NULL) {
		ck_assert_ptr_nonnull(out = malloc((size_t)n));
		memcpy(out, p, (size_t)n);
		*len = (size_t)n;
	}
	SSL_set_shutdown(c, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
	SSL_set_shutdown(s, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
	SSL_free(c);
	SSL_free(s);
	SSL_CTX_free(cctx);
	ERR_clear_error();
	return out;
}

#define OC_RSA	"rsa_pss_rsae_sha256:RSA+SHA256"
#define OC_EC	"ECDSA+SHA256"

/* Whether the handshake's staple is exactly want (len bytes). */
static bool
oc_stapled(SSL_CTX *ctx, int version, const char *sigalgs,
    const unsigned char *want, size_t len)
{
	unsigned char	*got;
	size_t		 n = 0;
	bool		 same;

	if ((got = oc_handshake(ctx, version, true, sigalgs, &n)) == NULL)
		return false;
	same = n == len && memcmp(got, want, len) == 0;
	free(got);
	return same;
}

/*
 * RSA and ECDSA certificates for one name, each with its response: the
 * client that takes RSA gets the RSA one's, the one that takes ECDSA the
 * ECDSA one's, and a client that does not ask gets none.
 */
START_TEST(test_ocsp_staple_by_certificate)
{
	struct tf_errs	 errs, warnings;
	unsigned char	*rsa, *ec, *got;
	size_t		 rlen, elen, n = 0;
	char		 e1[4096], e2[4096], entries[8300], p1[512], p2[512];
	SSL_CTX		*ctx;
	int		 version = _i == 0 ? TLS1_2_VERSION : TLS1_3_VERSION;

	rsa = make(&good_hour, "rsa.pem", NULL, NULL, &rlen);
	ec = make(&good_hour, "ecdsa.pem", NULL, NULL, &elen);
	oc_entry(e1, sizeof(e1), "rsa.pem", "rsa.key",
	    oc_file("rsa.der", rsa, rlen, p1, sizeof(p1)));
	oc_entry(e2, sizeof(e2), "ecdsa.pem", "ecdsa.key",
	    oc_file("ecdsa.der", ec, elen, p2, sizeof(p2)));
	snprintf(entries, sizeof(entries), "%s,\n    %s", e1, e2);
	tf_errs_init(&errs);
	tf_errs_init(&warnings);
	ctx = oc_context(entries, &errs, &warnings);
	ck_assert_msg(ctx != NULL, "%s", first(&errs));
	ck_assert_msg(tf_errs_count(&warnings) == 0, "%s", first(&warnings));
	ck_assert_uint_eq(tf_context_ocsp_count(ctx, &n), 2);
	ck_assert_uint_eq(n, 2);

	ck_assert(oc_stapled(ctx, version, OC_RSA, rsa, rlen));
	ck_assert(oc_stapled(ctx, version, OC_EC, ec, elen));
	ck_assert_ptr_null(got = oc_handshake(ctx, version, false, OC_RSA,
	    &n));
	SSL_CTX_free(ctx);
	free(rsa);
	free(ec);
	tf_errs_free(&errs);
	tf_errs_free(&warnings);
}
END_TEST

/*
 * A response for the other certificate, and an expired one: the context
 * is built, warns at the setting's line, and staples nothing.
 */
START_TEST(test_ocsp_staple_refused_warns)
{
	struct tf_ocsp_make	 expired = good_hour;
	struct tf_errs		 errs, warnings;
	unsigned char		*wrong, *old;
	size_t			 wlen, olen, n;
	char			 e1[4096], e2[4096], entries[8300], p1[512];
	char			 p2[512], want[1024];
	SSL_CTX			*ctx;

	expired.this_update = -7200;
	expired.next_update = -1;
	wrong = make(&good_hour, "ecdsa.pem", NULL, NULL, &wlen);
	old = make(&expired, "ecdsa.pem", NULL, NULL, &olen);
	oc_entry(e1, sizeof(e1), "rsa.pem", "rsa.key",
	    oc_file("wrong.der", wrong, wlen, p1, sizeof(p1)));
	oc_entry(e2, sizeof(e2), "ecdsa.pem", "ecdsa.key",
	    oc_file("old.der", old, olen, p2, sizeof(p2)));
	snprintf(entries, sizeof(entries), "%s,\n    %s", e1, e2);
	tf_errs_init(&errs);
	tf_errs_init(&warnings);
	ctx = oc_context(entries, &errs, &warnings);
	ck_assert_msg(ctx != NULL, "%s", first(&errs));
	ck_assert_uint_eq(tf_errs_count(&warnings), 2);
	snprintf(want, sizeof(want), "<string>:4: warning: context "
	    "\"default\": ocsp_response \"%s\" is not stapled: it is for "
	    "another certificate", p1);
	ck_assert_msg(strncmp(tf_errs_get(&warnings, 0), want, strlen(want)) ==
	    0, "%s", tf_errs_get(&warnings, 0));
	snprintf(want, sizeof(want), "<string>:6: warning: context "
	    "\"default\": ocsp_response \"%s\" is not stapled: it has expired "
	    "(nextUpdate 20", p2);
	ck_assert_msg(strncmp(tf_errs_get(&warnings, 1), want, strlen(want)) ==
	    0, "%s", tf_errs_get(&warnings, 1));
	ck_assert_uint_eq(tf_context_ocsp_count(ctx, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(!oc_stapled(ctx, TLS1_3_VERSION, OC_RSA, wrong, wlen));
	ck_assert_ptr_null(oc_handshake(ctx, TLS1_3_VERSION, true, OC_RSA,
	    &n));
	ck_assert_ptr_null(oc_handshake(ctx, TLS1_3_VERSION, true, OC_EC,
	    &n));
	SSL_CTX_free(ctx);
	free(wrong);
	free(old);
	tf_errs_free(&errs);
	tf_errs_free(&warnings);
}
END_TEST

/* A file that cannot be read or is no DER response refuses the context. */
START_TEST(test_ocsp_context_errors)
{
	struct tf_errs	 errs;
	char		 entry[4096], path[512], want[1024];

	tf_errs_init(&errs);
	oc_entry(entry, sizeof(entry), "rsa.pem", "rsa.key",
	    oc_file("garbage.der", "-----BEGIN", 10, path, sizeof(path)));
	ck_assert_ptr_null(oc_context(entry, &errs, NULL));
	snprintf(want, sizeof(want), "<string>:4: cannot use ocsp_response "
	    "\"%s\": not a DER OCSP response", path);
	ck_assert_str_eq(first(&errs), want);
	tf_errs_free(&errs);

	tf_errs_init(&errs);
	oc_entry(entry, sizeof(entry), "rsa.pem", "rsa.key",
	    "/nonexistent/r.der");
	ck_assert_ptr_null(oc_context(entry, &errs, NULL));
	ck_assert_str_eq(first(&errs), "<string>:4: cannot read "
	    "ocsp_response \"/nonexistent/r.der\": No such file or directory");
	tf_errs_free(&errs);
}
END_TEST

/*
 * A response whose nextUpdate passes while the context serves stops
 * being stapled (the status callback checks the time).
 */
START_TEST(test_ocsp_staple_stops_at_next_update)
{
	struct tf_ocsp_make	 soon = good_hour;
	struct tf_errs		 errs;
	unsigned char		*der;
	size_t			 len, n;
	char			 entry[4096], path[512];
	SSL_CTX			*ctx;
	int			 i;

	soon.next_update = 2;
	der = make(&soon, "rsa.pem", NULL, NULL, &len);
	oc_entry(entry, sizeof(entry), "rsa.pem", "rsa.key",
	    oc_file("soon.der", der, len, path, sizeof(path)));
	tf_errs_init(&errs);
	ctx = oc_context(entry, &errs, NULL);
	ck_assert_msg(ctx != NULL, "%s", first(&errs));
	ck_assert_uint_eq(tf_context_ocsp_count(ctx, &n), 1);
	ck_assert(oc_stapled(ctx, TLS1_2_VERSION, OC_RSA, der, len));
	/* Past nextUpdate (at most 3 s from now, its second rounded). */
	for (i = 0; i < 40 && oc_stapled(ctx, TLS1_2_VERSION, OC_RSA, der,
	    len); i++)
		usleep(100000);
	ck_assert_int_lt(i, 40);
	ck_assert_ptr_null(oc_handshake(ctx, TLS1_3_VERSION, true, OC_RSA,
	    &n));
	SSL_CTX_free(ctx);
	free(der);
	tf_errs_free(&errs);
}
END_TEST

static Suite *
ocsp_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("ocsp");
	tc = tcase_create("parse");
	tcase_add_unchecked_fixture(tc, tf_test_certs_setup,
	    tf_test_certs_teardown);
	tcase_add_test(tc, test_ocsp_parse_refusals);
	tcase_add_test(tc, test_ocsp_parse_status_only);
	tcase_add_test(tc, test_ocsp_load_unreadable);
	suite_add_tcase(s, tc);
	tc = tcase_create("check");
	tcase_add_unchecked_fixture(tc, tf_test_certs_setup,
	    tf_test_certs_teardown);
	tcase_add_test(tc, test_ocsp_check_good);
	tcase_add_test(tc, test_ocsp_check_next_update);
	tcase_add_test(tc, test_ocsp_check_refusals);
	tcase_add_test(tc, test_ocsp_check_self_signed);
	suite_add_tcase(s, tc);
	tc = tcase_create("staple");
	tcase_add_unchecked_fixture(tc, tf_test_certs_setup,
	    tf_test_certs_teardown);
	tcase_add_checked_fixture(tc, oc_setup, oc_teardown);
	/* Under sanitizers a handshake takes tens of milliseconds. */
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_ocsp_staple_by_certificate, 0, 2);
	tcase_add_test(tc, test_ocsp_staple_refused_warns);
	tcase_add_test(tc, test_ocsp_context_errors);
	tcase_add_test(tc, test_ocsp_staple_stops_at_next_update);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(ocsp_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	tf_test_certs_remove();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
