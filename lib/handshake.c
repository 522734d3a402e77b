/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: one real TLS handshake entirely in memory, between a
 * throwaway client that accepts anything and an SSL made from a server
 * context. --explain's client matrix and the -t warnings both ask it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "context.h"
#include "handshake.h"
#include "metrics.h"

/* Rounds of the handshake loop; a TLS handshake needs fewer than ten. */
#define HANDSHAKE_ROUNDS		64

/*
 * The client must never be the limit: every suite but the NULL ones (at
 * security level 0, so TLS 1.0/1.1 signatures pass), every TLS 1.3
 * suite, and every named group this OpenSSL has.
 */
#define HANDSHAKE_CLIENT_CIPHERS	"ALL:@SECLEVEL=0"
#define HANDSHAKE_CLIENT_SUITES \
	"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:" \
	"TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256:" \
	"TLS_AES_128_CCM_8_SHA256"
#define HANDSHAKE_CLIENT_GROUPS \
	"x25519:secp256r1:x448:secp521r1:secp384r1:secp224r1:" \
	"brainpoolP256r1:brainpoolP384r1:brainpoolP512r1:" \
	"ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192"

/* What one side of a handshake saw. */
struct handshake_side {
	int	 done;			/* 1 done, -1 failed, 0 going on */
	int	 alert_sent;		/* -1: none */
	int	 alert_received;
	char	 reason[160];
};

/* TLS alert names as RFC 8446 spells them (Python's AlertDescription). */
static const struct {
	int		 code;
	const char	*name;
} handshake_alerts[] = {
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
static const unsigned char handshake_sslv3_hello[] = {
	0x16, 0x03, 0x00, 0x00, 0x33,			/* record */
	0x01, 0x00, 0x00, 0x2f,				/* ClientHello */
	0x03, 0x00,					/* client_version */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* random */
	0x00,						/* session_id */
	0x00, 0x08, 0x00, 0x2f, 0x00, 0x35, 0x00, 0x0a, 0x00, 0xff,
	0x01, 0x00,					/* compression */
};

static void	 handshake_info_cb(const SSL *, int, int);
static SSL_CTX	*handshake_client_ctx(int, char *, size_t);
static void	 handshake_step(SSL *, struct handshake_side *);
static void	 handshake_alert(char *, size_t, int);
static void	 handshake_describe(struct tf_handshake_result *, SSL *,
		    const struct handshake_side *,
		    const struct handshake_side *);
static SSL	*handshake_server(SSL_CTX *, const char *, unsigned);
static int	 handshake_pair(SSL_CTX *, int, const char *, unsigned,
		    struct tf_handshake_result *);
static int	 handshake_sslv3(SSL_CTX *, struct tf_handshake_result *);

/* Records the alerts each side sends and receives. */
static void
handshake_info_cb(const SSL *ssl, int where, int ret)
{
	struct handshake_side	*side;

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
handshake_client_ctx(int version, char *reason, size_t len)
{
	SSL_CTX	*cctx;
	char	 groups[] = HANDSHAKE_CLIENT_GROUPS;

	if ((cctx = SSL_CTX_new(TLS_client_method())) == NULL)
		goto fail;
	SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
	if (SSL_CTX_set_cipher_list(cctx, HANDSHAKE_CLIENT_CIPHERS) != 1 ||
	    SSL_CTX_set_ciphersuites(cctx, HANDSHAKE_CLIENT_SUITES) != 1)
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
handshake_step(SSL *ssl, struct handshake_side *side)
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
handshake_alert(char *buf, size_t len, int code)
{
	const char	*name = "unknown";
	size_t		 i;

	for (i = 0; i < sizeof(handshake_alerts) / sizeof(handshake_alerts[0]); i++)
		if (handshake_alerts[i].code == code)
			name = handshake_alerts[i].name;
	snprintf(buf, len, "%s(%d)", name, code);
}

/* The cell's text: what was negotiated, or who refused and how. */
static void
handshake_describe(struct tf_handshake_result *res, SSL *s,
    const struct handshake_side *cs, const struct handshake_side *ss)
{
	const struct handshake_side	*who;
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
		handshake_alert(alert, sizeof(alert), who->alert_sent);
	else if (who->alert_received >= 0)
		handshake_alert(alert, sizeof(alert), who->alert_received);
	snprintf(res->detail, sizeof(res->detail), "%s: %s%s%s",
	    who == ss ? "server" : "client", who->reason,
	    alert[0] == '\0' ? "" : who->alert_sent >= 0 ? ", sent alert " :
	    ", got alert ", alert);
}

/*
 * The server side of a handshake: an SSL of server, its cipher list
 * replaced if ciphers is not NULL, asking for no client certificate with
 * TF_HANDSHAKE_NO_VERIFY, and issuing no ticket (nothing for anyone to
 * resume). NULL if OpenSSL cannot make it.
 */
static SSL *
handshake_server(SSL_CTX *server, const char *ciphers, unsigned flags)
{
	SSL	*s;

	if ((s = SSL_new(server)) == NULL)
		return NULL;
	if (ciphers != NULL && SSL_set_cipher_list(s, ciphers) != 1) {
		SSL_free(s);
		return NULL;
	}
	if (flags & TF_HANDSHAKE_NO_VERIFY)
		SSL_set_verify(s, SSL_VERIFY_NONE, NULL);
	SSL_set_options(s, SSL_OP_NO_TICKET);
	SSL_set_num_tickets(s, 0);
	return s;
}

/* A real handshake of a client pinned to version (0: flexible). */
static int
handshake_pair(SSL_CTX *server, int version, const char *ciphers,
    unsigned flags, struct tf_handshake_result *res)
{
	struct handshake_side	 cs, ss;
	SSL_CTX			*cctx;
	SSL			*c = NULL, *s = NULL;
	BIO			*cbio, *sbio;
	int			 i, rv = -1;

	memset(&cs, 0, sizeof(cs));
	memset(&ss, 0, sizeof(ss));
	cs.alert_sent = cs.alert_received = -1;
	ss.alert_sent = ss.alert_received = -1;
	if ((cctx = handshake_client_ctx(version, res->detail,
	    sizeof(res->detail))) == NULL)
		return -1;
	if ((c = SSL_new(cctx)) == NULL ||
	    (s = handshake_server(server, ciphers, flags)) == NULL ||
	    BIO_new_bio_pair(&cbio, 0, &sbio, 0) != 1) {
		snprintf(res->detail, sizeof(res->detail), "cannot set up "
		    "the handshake");
		goto out;
	}
	SSL_set_bio(c, cbio, cbio);
	SSL_set_bio(s, sbio, sbio);
	SSL_set_app_data(c, &cs);
	SSL_set_app_data(s, &ss);
	SSL_set_info_callback(c, handshake_info_cb);
	SSL_set_info_callback(s, handshake_info_cb);
	SSL_set_connect_state(c);
	/* A name the server has a certificate for (sni_strict needs one). */
	if (tf_context_default_name(server) != NULL)
		(void)SSL_set_tlsext_host_name(c,
		    tf_context_default_name(server));
	SSL_set_accept_state(s);
	for (i = 0; i < HANDSHAKE_ROUNDS && ss.done == 0; i++) {
		handshake_step(c, &cs);
		handshake_step(s, &ss);
		if (cs.done == -1 && ss.done == 0 && i > 0 &&
		    BIO_ctrl_pending(sbio) == 0)
			break;
	}
	/* TLS 1.3: the server may finish first, the client reads on. */
	for (i = 0; i < HANDSHAKE_ROUNDS && cs.done == 0 && ss.done == 1; i++)
		handshake_step(c, &cs);
	handshake_describe(res, s, &cs, &ss);
	/* The server context keeps no session of it. */
	if (SSL_get_session(s) != NULL)
		(void)SSL_CTX_remove_session(server, SSL_get_session(s));
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
handshake_sslv3(SSL_CTX *server, struct tf_handshake_result *res)
{
	struct handshake_side	 ss;
	const unsigned char	*out;
	SSL			*s;
	BIO			*rbio, *wbio;
	char			 alert[48];
	long			 n;

	res->ok = false;
	memset(&ss, 0, sizeof(ss));
	ss.alert_sent = ss.alert_received = -1;
	rbio = BIO_new_mem_buf(handshake_sslv3_hello,
	    sizeof(handshake_sslv3_hello));
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
	handshake_step(s, &ss);
	n = BIO_get_mem_data(wbio, (char **)&out);
	alert[0] = '\0';
	if (n >= 7 && out[0] == 0x15)
		handshake_alert(alert, sizeof(alert), out[6]);
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
tf_handshake_run(SSL_CTX *server, int version, const char *ciphers,
    unsigned flags, struct tf_handshake_result *res)
{
	SSL_CTX_keylog_cb_func	 keylog;
	uint64_t		 before[TF_SESS_N];
	int			 rv;

	memset(res, 0, sizeof(*res));
	/* These handshakes are nobody's traffic: no key log lines, and
	 * (tf_metrics_probes_end) no session_stats(). */
	keylog = SSL_CTX_get_keylog_callback(server);
	SSL_CTX_set_keylog_callback(server, NULL);
	tf_metrics_sess_read_raw(server, before);
	if (version == SSL3_VERSION)
		rv = handshake_sslv3(server, res);
	else
		rv = handshake_pair(server, version, ciphers, flags, res);
	tf_metrics_probes_end(server, before);
	SSL_CTX_set_keylog_callback(server, keylog);
	return rv;
}
