/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the client/server matrix of --explain. Each cell is a real
 * handshake between a throwaway client and an SSL made from the server
 * context, over an in-memory BIO pair; nothing is inferred from flags.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "context.h"
#include "explain.h"

/* Rounds of the handshake loop; a TLS handshake needs fewer than ten. */
#define MATRIX_ROUNDS		64

/*
 * The client must never be the limit: every suite but the NULL ones (at
 * security level 0, so TLS 1.0/1.1 signatures pass), every TLS 1.3
 * suite, and every named group this OpenSSL has.
 */
#define MATRIX_CLIENT_CIPHERS	"ALL:@SECLEVEL=0"
#define MATRIX_CLIENT_SUITES \
	"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:" \
	"TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:" \
	"TLS_AES_128_CCM_8_SHA256"
#define MATRIX_CLIENT_GROUPS \
	"x25519:secp256r1:x448:secp521r1:secp384r1:secp224r1:" \
	"brainpoolP256r1:brainpoolP384r1:brainpoolP512r1:" \
	"ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192"

/* What one side of a handshake saw. */
struct matrix_side {
	int	 done;			/* 1 done, -1 failed, 0 going on */
	int	 alert_sent;		/* -1: none */
	int	 alert_received;
	char	 reason[160];
};

static const struct {
	enum tf_explain_client	 client;
	const char		*key;
	int			 version;	/* 0: version-flexible */
} matrix_clients[] = {
	{ TF_EXPLAIN_SSLv3,	"SSLv3",	SSL3_VERSION },
	{ TF_EXPLAIN_TLSv1,	"TLSv1",	TLS1_VERSION },
	{ TF_EXPLAIN_TLSv1_1,	"TLSv1_1",	TLS1_1_VERSION },
	{ TF_EXPLAIN_TLSv1_2,	"TLSv1_2",	TLS1_2_VERSION },
	{ TF_EXPLAIN_TLSv1_3,	"TLSv1_3",	TLS1_3_VERSION },
	{ TF_EXPLAIN_TLS,	"TLS",		0 },
};

/* TLS alert names as RFC 8446 spells them (Python's AlertDescription). */
static const struct {
	int		 code;
	const char	*name;
} matrix_alerts[] = {
	{ 0, "close_notify" }, { 10, "unexpected_message" },
	{ 20, "bad_record_mac" }, { 22, "record_overflow" },
	{ 40, "handshake_failure" }, { 42, "bad_certificate" },
	{ 43, "unsupported_certificate" }, { 44, "certificate_revoked" },
	{ 45, "certificate_expired" }, { 46, "certificate_unknown" },
	{ 47, "illegal_parameter" }, { 48, "unknown_ca" },
	{ 49, "access_denied" }, { 50, "decode_error" },
	{ 51, "decrypt_error" }, { 70, "protocol_version" },
	{ 71, "insufficient_security" }, { 80, "internal_error" },
	{ 86, "inappropriate_fallback" }, { 90, "user_canceled" },
	{ 100, "no_renegotiation" }, { 109, "missing_extension" },
	{ 110, "unsupported_extension" }, { 112, "unrecognized_name" },
	{ 116, "certificate_required" }, { 120, "no_application_protocol" },
};

/*
 * A raw SSLv3 ClientHello (no extensions): random of zeros, suites
 * AES128-SHA, AES256-SHA, DES-CBC3-SHA and the SCSV, no compression.
 */
static const unsigned char matrix_sslv3_hello[] = {
	0x16, 0x03, 0x00, 0x00, 0x33,			/* record */
	0x01, 0x00, 0x00, 0x2f,				/* ClientHello */
	0x03, 0x00,					/* client_version */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* random */
	0x00,						/* session_id */
	0x00, 0x08, 0x00, 0x2f, 0x00, 0x35, 0x00, 0x0a, 0x00, 0xff,
	0x01, 0x00,					/* compression */
};

static void	 matrix_info_cb(const SSL *, int, int);
static SSL_CTX	*matrix_client_ctx(int, char *, size_t);
static void	 matrix_step(SSL *, struct matrix_side *);
static void	 matrix_alert(char *, size_t, int);
static void	 matrix_describe(struct tf_explain_result *, SSL *,
		    const struct matrix_side *, const struct matrix_side *);
static int	 matrix_run(SSL_CTX *, int, struct tf_explain_result *);
static int	 matrix_sslv3(SSL_CTX *, struct tf_explain_result *);

const char *
tf_explain_client_key(enum tf_explain_client client)
{
	if ((size_t)client >= sizeof(matrix_clients) /
	    sizeof(matrix_clients[0]))
		return NULL;
	return matrix_clients[client].key;
}

/* Records the alerts each side sends and receives. */
static void
matrix_info_cb(const SSL *ssl, int where, int ret)
{
	struct matrix_side	*side;

	if ((where & SSL_CB_ALERT) == 0 ||
	    (side = SSL_get_app_data(ssl)) == NULL)
		return;
	if (where & SSL_CB_READ)
		side->alert_received = ret & 0xff;
	else
		side->alert_sent = ret & 0xff;
}

/* The client context for one row; NULL with why in reason. */
static SSL_CTX *
matrix_client_ctx(int version, char *reason, size_t len)
{
	SSL_CTX	*cctx;
	char	 groups[] = MATRIX_CLIENT_GROUPS;

	if ((cctx = SSL_CTX_new(TLS_client_method())) == NULL)
		goto fail;
	SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
	if (SSL_CTX_set_cipher_list(cctx, MATRIX_CLIENT_CIPHERS) != 1 ||
	    SSL_CTX_set_ciphersuites(cctx, MATRIX_CLIENT_SUITES) != 1)
		goto fail;
	/* Without one of the groups, keep OpenSSL's own list. */
	if (SSL_CTX_set1_groups_list(cctx, groups) != 1)
		ERR_clear_error();
	if (SSL_CTX_set_min_proto_version(cctx, version) != 1 ||
	    SSL_CTX_set_max_proto_version(cctx, version) != 1)
		goto fail;
	return cctx;
 fail:
	snprintf(reason, len, "cannot make the client: ");
	tf_context_errstr(reason + strlen(reason), len - strlen(reason));
	SSL_CTX_free(cctx);
	return NULL;
}

/* One handshake step of one side; keeps the first error's reason. */
static void
matrix_step(SSL *ssl, struct matrix_side *side)
{
	int	 r, e;

	if (side->done != 0)
		return;
	ERR_clear_error();
	if ((r = SSL_do_handshake(ssl)) == 1) {
		side->done = 1;
		return;
	}
	e = SSL_get_error(ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		ERR_clear_error();
		return;
	}
	side->done = -1;
	tf_context_errstr(side->reason, sizeof(side->reason));
	if (side->reason[0] == '\0')
		snprintf(side->reason, sizeof(side->reason), "connection "
		    "closed");
}

/* "name(code)" of an alert. */
static void
matrix_alert(char *buf, size_t len, int code)
{
	const char	*name = "unknown";
	size_t		 i;

	for (i = 0; i < sizeof(matrix_alerts) / sizeof(matrix_alerts[0]); i++)
		if (matrix_alerts[i].code == code)
			name = matrix_alerts[i].name;
	snprintf(buf, len, "%s(%d)", name, code);
}

/* The cell's text: what was negotiated, or who refused and how. */
static void
matrix_describe(struct tf_explain_result *res, SSL *s,
    const struct matrix_side *cs, const struct matrix_side *ss)
{
	const struct matrix_side	*who;
	char				 alert[48];

	res->ok = ss->done == 1 && cs->done == 1;
	if (res->ok) {
		snprintf(res->detail, sizeof(res->detail), "%s %s",
		    SSL_get_version(s),
		    SSL_CIPHER_get_name(SSL_get_current_cipher(s)));
		return;
	}
	if (ss->done == 0 && cs->done != -1) {
		snprintf(res->detail, sizeof(res->detail), "handshake did "
		    "not finish");
		return;
	}
	who = ss->done == -1 ? ss : cs;
	alert[0] = '\0';
	if (who->alert_sent >= 0)
		matrix_alert(alert, sizeof(alert), who->alert_sent);
	else if (who->alert_received >= 0)
		matrix_alert(alert, sizeof(alert), who->alert_received);
	snprintf(res->detail, sizeof(res->detail), "%s: %s%s%s",
	    who == ss ? "server" : "client", who->reason,
	    alert[0] == '\0' ? "" : who->alert_sent >= 0 ? ", sent alert " :
	    ", got alert ", alert);
}

/* A real handshake of a client pinned to version (0: flexible). */
static int
matrix_run(SSL_CTX *server, int version, struct tf_explain_result *res)
{
	struct matrix_side	 cs, ss;
	SSL_CTX			*cctx;
	SSL			*c = NULL, *s = NULL;
	BIO			*cbio, *sbio;
	int			 i, rv = -1;

	memset(&cs, 0, sizeof(cs));
	memset(&ss, 0, sizeof(ss));
	cs.alert_sent = cs.alert_received = -1;
	ss.alert_sent = ss.alert_received = -1;
	if ((cctx = matrix_client_ctx(version, res->detail,
	    sizeof(res->detail))) == NULL)
		return -1;
	if ((c = SSL_new(cctx)) == NULL || (s = SSL_new(server)) == NULL ||
	    BIO_new_bio_pair(&cbio, 0, &sbio, 0) != 1) {
		snprintf(res->detail, sizeof(res->detail), "cannot set up "
		    "the handshake");
		goto out;
	}
	SSL_set_bio(c, cbio, cbio);
	SSL_set_bio(s, sbio, sbio);
	SSL_set_app_data(c, &cs);
	SSL_set_app_data(s, &ss);
	SSL_set_info_callback(c, matrix_info_cb);
	SSL_set_info_callback(s, matrix_info_cb);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	for (i = 0; i < MATRIX_ROUNDS && ss.done == 0; i++) {
		matrix_step(c, &cs);
		matrix_step(s, &ss);
		if (cs.done == -1 && ss.done == 0 && i > 0 &&
		    BIO_ctrl_pending(sbio) == 0)
			break;
	}
	/* TLS 1.3: the server may finish first, the client reads on. */
	for (i = 0; i < MATRIX_ROUNDS && cs.done == 0 && ss.done == 1; i++)
		matrix_step(c, &cs);
	matrix_describe(res, s, &cs, &ss);
	rv = 0;
 out:
	ERR_clear_error();
	SSL_free(c);
	SSL_free(s);
	SSL_CTX_free(cctx);
	return rv;
}

/*
 * OpenSSL 3 has no SSLv3 client: feed the server a raw SSLv3 ClientHello
 * and report the alert it answers with.
 */
static int
matrix_sslv3(SSL_CTX *server, struct tf_explain_result *res)
{
	struct matrix_side	 ss;
	const unsigned char	*out;
	SSL			*s;
	BIO			*rbio, *wbio;
	char			 alert[48];
	long			 n;

	res->ok = false;
	memset(&ss, 0, sizeof(ss));
	ss.alert_sent = ss.alert_received = -1;
	rbio = BIO_new_mem_buf(matrix_sslv3_hello,
	    sizeof(matrix_sslv3_hello));
	wbio = BIO_new(BIO_s_mem());
	if (rbio == NULL || wbio == NULL || (s = SSL_new(server)) == NULL) {
		BIO_free(rbio);
		BIO_free(wbio);
		ERR_clear_error();
		snprintf(res->detail, sizeof(res->detail), "SSLv3 not in "
		    "this OpenSSL");
		return -1;
	}
	SSL_set_bio(s, rbio, wbio);
	SSL_set_accept_state(s);
	matrix_step(s, &ss);
	n = BIO_get_mem_data(wbio, (char **)&out);
	alert[0] = '\0';
	if (n >= 7 && out[0] == 0x15)
		matrix_alert(alert, sizeof(alert), out[6]);
	snprintf(res->detail, sizeof(res->detail), "SSLv3 not in this "
	    "OpenSSL; a raw SSLv3 ClientHello gets %s%s",
	    alert[0] != '\0' ? "alert " : "no alert", alert);
	if (ss.reason[0] != '\0') {
		n = (long)strlen(res->detail);
		snprintf(res->detail + n, sizeof(res->detail) - (size_t)n,
		    " (%s)", ss.reason);
	}
	ERR_clear_error();
	SSL_free(s);
	return 0;
}

int
tf_explain_handshake(SSL_CTX *server, enum tf_explain_client client,
    struct tf_explain_result *res)
{
	SSL_CTX_keylog_cb_func	 keylog;
	int			 rv;

	memset(res, 0, sizeof(*res));
	if (tf_explain_client_key(client) == NULL) {
		snprintf(res->detail, sizeof(res->detail), "no such client");
		return -1;
	}
	/* The report's handshakes are nobody's traffic: keep them out. */
	keylog = SSL_CTX_get_keylog_callback(server);
	SSL_CTX_set_keylog_callback(server, NULL);
	if (client == TF_EXPLAIN_SSLv3)
		rv = matrix_sslv3(server, res);
	else
		rv = matrix_run(server, matrix_clients[client].version, res);
	SSL_CTX_set_keylog_callback(server, keylog);
	return rv;
}
