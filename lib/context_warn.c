/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the warnings about a built context, the one set that -t, the
 * log at start and reload, and --explain all print. Whether a version
 * works is found by real in-memory handshakes (lib/handshake.c).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "clientcert.h"
#include "config.h"
#include "context.h"
#include "context_int.h"
#include "errs.h"
#include "handshake.h"

/* The cipher string that makes TLS 1.0/1.1 usable with OpenSSL 3. */
#define TF_LEGACY_CIPHERS	"DEFAULT:@SECLEVEL=0"

/* A certificate expiring sooner than this is worth a warning. */
#define TF_EXPIRY_WARN_DAYS	30

/*
 * Whether a client pinned to version completes a handshake against ctx
 * (with ciphers as the server's cipher list instead, if not NULL), asking
 * for no client certificate; ctx keeps no trace of it.
 */
static bool
context_probe(SSL_CTX *ctx, int version, const char *ciphers)
{
	struct tf_handshake_result	 r;

	return tf_handshake_run(ctx, version, ciphers, TF_HANDSHAKE_NO_VERIFY,
	    &r) == 0 && r.ok;
}

/*
 * What real handshakes say about each version ctx enables, TLS 1.0 (index
 * 0) to TLS 1.3: each probed once. TLS 1.0/1.1 are always probed when
 * enabled (their warnings name them); of TLS 1.3 and 1.2 only until one
 * completes, which is all "some client can connect" needs: one handshake
 * per context for the defaults, at every start and reload.
 */
struct context_reach {
	bool	enabled[4];
	bool	ok[4];
	bool	any;		/* some version completes */
	int	min, max;	/* lowest, highest enabled; 0: none */
};

static void
context_reach_probe(const struct tf_context_conf *cc, SSL_CTX *ctx,
    struct context_reach *r)
{
	int	v, i;

	memset(r, 0, sizeof(*r));
	for (v = TLS1_3_VERSION; v >= TLS1_VERSION; v--) {
		i = v - TLS1_VERSION;
		if (!(r->enabled[i] = tf_context_version_enabled(ctx,
		    cc->protocol, v)))
			continue;
		if (r->max == 0)
			r->max = v;
		r->min = v;
		if (v >= TLS1_2_VERSION && r->any)
			continue;
		r->ok[i] = context_probe(ctx, v, NULL);
		r->any = r->any || r->ok[i];
	}
}

/* Where a warning about the version range belongs, and what to call it. */
static int
context_range_where(const struct tf_context_conf *cc, int max, char *what,
    size_t len)
{
	const char	*proto = tf_config_protocol_name(cc->protocol);

	if (tf_config_protocol_is_fixed(cc->protocol)) {
		snprintf(what, len, "%s", proto);
		return cc->protocol_line != 0 ? cc->protocol_line : cc->line;
	}
	snprintf(what, len, "%s limited to %s", proto != NULL ? proto : "?",
	    tf_config_version_name(max) != NULL ?
	    tf_config_version_name(max) : "?");
	if (cc->maximum_version_line != 0)
		return cc->maximum_version_line;
	return cc->options_line != 0 ? cc->options_line : cc->line;
}

/*
 * A context whose versions are all below TLS 1.2 that completes no
 * handshake as configured but does with TF_LEGACY_CIPHERS is dead
 * because of OpenSSL 3's security level, as Python's would be.
 */
static int
context_warn_dead_legacy(const struct tf_context_conf *cc, SSL_CTX *ctx,
    const struct context_reach *r, const char *file,
    struct tf_errs *warnings)
{
	char	 what[128];
	int	 v, line;

	if (r->max == 0 || r->max >= TLS1_2_VERSION || r->any)
		return 0;
	for (v = r->max; v >= r->min; v--)
		if (r->enabled[v - TLS1_VERSION] &&
		    context_probe(ctx, v, TF_LEGACY_CIPHERS))
			break;
	if (v < r->min)
		return 0;
	line = context_range_where(cc, r->max, what, sizeof(what));
	tf_errs_add(warnings, file, line, "warning: context \"%s\": %s "
	    "completes no handshake with this OpenSSL at security level %d; "
	    "set ciphers = \"%s\" to enable TLS 1.0/1.1", cc->name, what,
	    SSL_CTX_get_security_level(ctx), TF_LEGACY_CIPHERS);
	return 1;
}

/* Whether this kernel offers the "tls" TCP upper-layer protocol now. */
static bool
context_kernel_has_tls_ulp(void)
{
	char	 buf[256], *tok, *save;
	FILE	*f = fopen("/proc/sys/net/ipv4/tcp_available_ulp", "r");
	bool	 found = false;

	if (f == NULL)
		return false;
	if (fgets(buf, sizeof(buf), f) != NULL)
		for (tok = strtok_r(buf, " \n", &save); tok != NULL && !found;
		    tok = strtok_r(NULL, " \n", &save))
			found = strcmp(tok, "tls") == 0;
	fclose(f);
	return found;
}

/*
 * OP_ENABLE_KTLS stays in the options word, as in Python's context, but
 * kernel TLS never engages: tlsfrontd moves TLS records through its own
 * BIO (one send() per flight or burst), which offers libssl no socket to
 * hand to the kernel. Say so, with what the kernel has.
 */
static int
context_warn_ktls(const struct tf_context_conf *cc, SSL_CTX *ctx,
    const char *file, struct tf_errs *warnings)
{
	if ((SSL_CTX_get_options(ctx) & SSL_OP_ENABLE_KTLS) == 0)
		return 0;
	tf_errs_add(warnings, file,
	    cc->options_line != 0 ? cc->options_line : cc->line,
	    "warning: context \"%s\": OP_ENABLE_KTLS has no effect: "
	    "tlsfrontd encrypts in user space through its own buffers "
	    "(this kernel's \"tls\" module is %s)", cc->name,
	    context_kernel_has_tls_ulp() ? "available" : "not available");
	return 1;
}

/*
 * A client context that verifies nothing (check_hostname = false,
 * CERT_NONE): any server, or anyone on the path, is taken for the
 * backend. Allowed, as Python allows it, but said.
 */
static int
context_warn_client_unverified(const struct tf_context_conf *cc,
    const char *file, struct tf_errs *warnings)
{
	if (cc->verify_mode != TF_CERT_NONE)
		return 0;
	tf_errs_add(warnings, file, cc->verify_mode_line != 0 ?
	    cc->verify_mode_line : cc->line, "warning: context \"%s\": "
	    "verify_mode CERT_NONE: backend certificates are not verified, "
	    "any server is taken for the backend", cc->name);
	return 1;
}

/*
 * No client completes a handshake at any version, or (when some do) TLS
 * 1.0/1.1 are enabled but fail at the security level. The case where only
 * TLS 1.0/1.1 are enabled and fail is context_warn_dead_legacy's.
 */
static int
context_warn_reach(const struct tf_context_conf *cc, SSL_CTX *ctx,
    const struct context_reach *r, const char *file,
    struct tf_errs *warnings)
{
	int	level = SSL_CTX_get_security_level(ctx);
	bool	legacy_dead = (r->enabled[0] && !r->ok[0]) ||
		    (r->enabled[1] && !r->ok[1]);

	if (!r->any) {
		tf_errs_add(warnings, file, cc->line, "warning: context \"%s\": "
		    "no client can connect to this context: every handshake "
		    "failed", cc->name);
		return 1;
	}
	if (!legacy_dead || level == 0)
		return 0;
	tf_errs_add(warnings, file, cc->ciphers.line != 0 ? cc->ciphers.line :
	    cc->line, "warning: context \"%s\": TLS 1.0/1.1 are enabled%s but "
	    "no TLS 1.0/1.1 client can connect at security level %d: OpenSSL "
	    "3 needs level 0 for them, e.g. ciphers = \"%s\"", cc->name,
	    cc->default_suites == TF_DEFAULT_SUITES_OPENSSL &&
	    cc->minimum_version == TF_VERSION_UNSET ?
	    " (OpenSSL's system configuration sets no minimum)" : "", level,
	    TF_LEGACY_CIPHERS);
	return 1;
}

/* Each certificate that has expired or expires within 30 days. */
static int
context_warn_expiry(const struct tf_context_conf *cc, SSL_CTX *ctx,
    const char *file, struct tf_errs *warnings)
{
	const ASN1_TIME	*na;
	X509		*x;
	struct tm	 tm;
	char		 subject[512], when[32];
	size_t		 i;
	int		 days, secs, n = 0, line;

	for (i = 0; (x = tf_context_cert_at(ctx, i, &line)) != NULL; i++) {
		na = X509_get0_notAfter(x);
		if (ASN1_TIME_diff(&days, &secs, NULL, na) != 1 ||
		    days >= TF_EXPIRY_WARN_DAYS)
			continue;
		(void)tf_x509_name_text(X509_get_subject_name(x), subject,
		    sizeof(subject));
		when[0] = '\0';
		if (ASN1_TIME_to_tm(na, &tm) == 1)
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		tf_errs_add(warnings, file, line, "warning: context \"%s\": certificate %s %s "
		    "(notAfter %s)", cc->name, subject, days < 0 || secs < 0 ?
		    "has expired" : "expires within 30 days", when);
		n++;
	}
	ERR_clear_error();
	return n;
}

int
tf_context_warnings(const struct tf_context_conf *cc, SSL_CTX *ctx,
    const char *file, struct tf_errs *warnings)
{
	struct context_reach	r;

	/* The probes are server handshakes: a client context has none. */
	if (tf_config_protocol_is_client(cc->protocol))
		return context_warn_client_unverified(cc, file, warnings) +
		    tf_context_clientcert_warnings(cc, ctx, file, warnings);
	context_reach_probe(cc, ctx, &r);
	return context_warn_dead_legacy(cc, ctx, &r, file, warnings) +
	    context_warn_ktls(cc, ctx, file, warnings);
}

int
tf_context_all_warnings(const struct tf_context_conf *cc, SSL_CTX *ctx,
    const char *file, struct tf_errs *warnings)
{
	struct context_reach	r;

	/* The probes are server handshakes: a client context has none. */
	if (tf_config_protocol_is_client(cc->protocol))
		return context_warn_client_unverified(cc, file, warnings) +
		    tf_context_clientcert_warnings(cc, ctx, file, warnings);
	context_reach_probe(cc, ctx, &r);
	return context_warn_dead_legacy(cc, ctx, &r, file, warnings) +
	    context_warn_ktls(cc, ctx, file, warnings) +
	    context_warn_reach(cc, ctx, &r, file, warnings) +
	    context_warn_expiry(cc, ctx, file, warnings) +
	    tf_context_ocsp_warnings(cc, ctx, file, warnings) +
	    tf_context_clientcert_warnings(cc, ctx, file, warnings);
}
