/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the effective-context report of tlsfrontd --explain. Reads
 * every setting back from the built SSL_CTX (as Python's getters do) and
 * prints it, with the client matrix, as text for humans or as JSON.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "clientcert.h"
#include "config.h"
#include "context.h"
#include "errs.h"
#include "explain.h"
#include "json.h"
#include "log.h"

#define NITEMS(a)		(sizeof(a) / sizeof((a)[0]))

/* What OpenSSL 3.0 offers when no groups are configured (ssl/t1_lib.c). */
static const char *const explain_default_groups[] = {
	"x25519", "secp256r1", "x448", "secp521r1", "secp384r1",
	"ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192",
};

/* Python's OP_* names, looked up through the config's table. */
static const char *const explain_option_names[] = {
	"OP_ALL", "OP_NO_SSLv2", "OP_NO_SSLv3", "OP_NO_TLSv1",
	"OP_NO_TLSv1_1", "OP_NO_TLSv1_2", "OP_NO_TLSv1_3",
	"OP_CIPHER_SERVER_PREFERENCE", "OP_SINGLE_DH_USE",
	"OP_SINGLE_ECDH_USE", "OP_NO_COMPRESSION", "OP_NO_TICKET",
	"OP_NO_RENEGOTIATION", "OP_ENABLE_MIDDLEBOX_COMPAT",
	"OP_IGNORE_UNEXPECTED_EOF", "OP_ENABLE_KTLS",
	"OP_LEGACY_SERVER_CONNECT",
};

static const char *const explain_verify_modes[] = {
	"CERT_NONE", "CERT_OPTIONAL", "CERT_REQUIRED",
};

/* A growable list of strings. */
struct explain_list {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

struct explain_cert {
	char			*subject;
	struct explain_list	 sans;
	char			 key_type[48];
	int			 key_bits;
	char			 not_after[32];
	long			 days_left;
	char			*ocsp;		/* NULL: no ocsp_response */
};

/* Everything the report says about one context. */
struct explain_ctx {
	const struct tf_context_conf	*cc;
	uint64_t			 options;
	struct explain_list		 option_names;
	int				 minimum_version;
	int				 maximum_version;
	int				 security_level;
	struct explain_list		 ciphers;
	struct explain_list		 ciphersuites;
	struct explain_list		 groups;
	bool				 groups_default;
	struct explain_cert		*certs;
	size_t				 ncerts;
	int				 verify_mode;
	unsigned long			 verify_flags;
	struct explain_list		 verify_flag_names;
	size_t				 num_tickets;
	bool				 post_handshake_auth;
	struct explain_list		 alpn;
	struct tf_explain_result	 clients[TF_EXPLAIN_NCLIENTS];
	/* Python's cert_store_stats(): the verify store's objects. */
	int				 store_x509;
	int				 store_x509_ca;
	int				 store_crl;
	struct explain_list		 warnings;
};

static void	 list_add(struct explain_list *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	 list_free(struct explain_list *);
static void	 explain_options(struct explain_ctx *, SSL_CTX *);
static void	 explain_versions(struct explain_ctx *, SSL_CTX *);
static void	 explain_ciphers(struct explain_ctx *, SSL_CTX *);
static void	 explain_groups(struct explain_ctx *);
static void	 explain_verify(struct explain_ctx *, SSL_CTX *);
static void	 explain_san(struct explain_list *, X509 *);
static void	 explain_key(struct explain_cert *, X509 *);
static void	 explain_cert(struct explain_ctx *, SSL_CTX *, X509 *);
static void	 explain_certs(struct explain_ctx *, SSL_CTX *);
static void	 explain_warnings(struct explain_ctx *, SSL_CTX *,
		    const char *);
static void	 explain_collect(struct explain_ctx *,
		    const struct tf_context_conf *, SSL_CTX *, const char *);
static void	 explain_free(struct explain_ctx *);
static void	 text_list(FILE *, const char *, const struct explain_list *,
		    const char *);
static void	 text_context(FILE *, const struct explain_ctx *);
static void	 text_write(FILE *, const struct tf_config *,
		    const struct explain_ctx *);
static void	 json_str(FILE *, const char *);
static void	 json_list(FILE *, const char *, const struct explain_list *);
static void	 json_certs(FILE *, const struct explain_ctx *);
static void	 json_context(FILE *, const struct explain_ctx *);
static void	 json_write(FILE *, const struct tf_config *,
		    const struct explain_ctx *);

static void
list_add(struct explain_list *l, const char *fmt, ...)
{
	va_list	  ap;
	char	**grown;
	size_t	  cap;

	if (l->n == l->cap) {
		cap = l->cap == 0 ? 8 : l->cap * 2;
		if ((grown = realloc(l->v, cap * sizeof(*grown))) == NULL)
			tf_fatal("realloc");
		l->v = grown;
		l->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&l->v[l->n], fmt, ap) == -1)
		tf_fatal("vasprintf");
	va_end(ap);
	l->n++;
}

static void
list_free(struct explain_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The options word and the OP_* names whose bits are all set in it. */
static void
explain_options(struct explain_ctx *e, SSL_CTX *ctx)
{
	uint64_t	 v, named = 0;
	size_t		 i;

	e->options = SSL_CTX_get_options(ctx);
	for (i = 0; i < NITEMS(explain_option_names); i++) {
		if (tf_config_option_parse(explain_option_names[i], &v) == -1 ||
		    v == 0 || (e->options & v) != v)
			continue;
		list_add(&e->option_names, "%s", explain_option_names[i]);
		named |= v;
	}
	if ((e->options & ~named) != 0)
		list_add(&e->option_names, "0x%llx",
		    (unsigned long long)(e->options & ~named));
}

/* As Python's minimum_version/maximum_version getters: 0 is "any". */
static void
explain_versions(struct explain_ctx *e, SSL_CTX *ctx)
{
	int	 v;

	v = (int)SSL_CTX_get_min_proto_version(ctx);
	e->minimum_version = v == 0 ? TF_VERSION_MINIMUM_SUPPORTED : v;
	v = (int)SSL_CTX_get_max_proto_version(ctx);
	e->maximum_version = v == 0 ? TF_VERSION_MAXIMUM_SUPPORTED : v;
	e->security_level = SSL_CTX_get_security_level(ctx);
}

/* The cipher list in order, as Python's get_ciphers() lists it. */
static void
explain_ciphers(struct explain_ctx *e, SSL_CTX *ctx)
{
	STACK_OF(SSL_CIPHER)	*sk;
	const SSL_CIPHER	*c;
	int			 i;

	if ((sk = SSL_CTX_get_ciphers(ctx)) == NULL)
		return;
	for (i = 0; i < sk_SSL_CIPHER_num(sk); i++) {
		c = sk_SSL_CIPHER_value(sk, i);
		list_add(&e->ciphers, "%s", SSL_CIPHER_get_name(c));
		if (strcmp(SSL_CIPHER_get_version(c), "TLSv1.3") == 0)
			list_add(&e->ciphersuites, "%s",
			    SSL_CIPHER_get_name(c));
	}
}

/*
 * OpenSSL 3.0 cannot read a context's groups back, so they come from the
 * configuration the context was built from: the groups list, else the
 * one ecdh_curve, else OpenSSL's default list.
 */
static void
explain_groups(struct explain_ctx *e)
{
	const struct tf_context_conf	*cc = e->cc;
	size_t				 i;

	if (cc->ngroups > 0) {
		for (i = 0; i < cc->ngroups; i++)
			list_add(&e->groups, "%s", cc->groups[i].value);
	} else if (cc->ecdh_curve.value != NULL)
		list_add(&e->groups, "%s", cc->ecdh_curve.value);
	else {
		e->groups_default = true;
		for (i = 0; i < NITEMS(explain_default_groups); i++)
			list_add(&e->groups, "%s", explain_default_groups[i]);
	}
}

/* As Python's verify_mode and verify_flags getters. */
static void
explain_verify(struct explain_ctx *e, SSL_CTX *ctx)
{
	unsigned long	 v;
	const char	*name;
	size_t		 i;
	int		 mode;

	mode = SSL_CTX_get_verify_mode(ctx) &
	    (SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
	if (mode == SSL_VERIFY_NONE)
		e->verify_mode = TF_CERT_NONE;
	else if (mode == SSL_VERIFY_PEER)
		e->verify_mode = TF_CERT_OPTIONAL;
	else
		e->verify_mode = TF_CERT_REQUIRED;
	e->verify_flags = X509_VERIFY_PARAM_get_flags(SSL_CTX_get0_param(ctx));
	for (i = 0; (name = tf_config_verify_flag_at(i, &v)) != NULL; i++)
		if (v != 0 && (e->verify_flags & v) == v)
			list_add(&e->verify_flag_names, "%s", name);
	e->num_tickets = SSL_CTX_get_num_tickets(ctx);
	e->post_handshake_auth = e->cc->post_handshake_auth;
	for (i = 0; i < e->cc->nalpn_protocols; i++)
		list_add(&e->alpn, "%s", e->cc->alpn_protocols[i].value);
}

/* subjectAltName entries as "DNS:name", "IP:addr", ... */
static void
explain_san(struct explain_list *l, X509 *x)
{
	GENERAL_NAMES		*gens;
	const GENERAL_NAME	*g;
	const unsigned char	*p;
	char			 ip[INET6_ADDRSTRLEN];
	int			 i, len;

	if ((gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
	    NULL)) == NULL)
		return;
	for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		if (g->type == GEN_DNS || g->type == GEN_EMAIL ||
		    g->type == GEN_URI) {
			p = ASN1_STRING_get0_data(g->d.ia5);
			len = ASN1_STRING_length(g->d.ia5);
			list_add(l, "%s:%.*s", g->type == GEN_DNS ? "DNS" :
			    g->type == GEN_EMAIL ? "email" : "URI", len, p);
		} else if (g->type == GEN_IPADD) {
			p = ASN1_STRING_get0_data(g->d.ip);
			len = ASN1_STRING_length(g->d.ip);
			if ((len == 4 && inet_ntop(AF_INET, p, ip,
			    sizeof(ip)) != NULL) || (len == 16 &&
			    inet_ntop(AF_INET6, p, ip, sizeof(ip)) != NULL))
				list_add(l, "IP:%s", ip);
		} else
			list_add(l, "other:%d", g->type);
	}
	GENERAL_NAMES_free(gens);
}

/* "RSA", "EC prime256v1", "ED25519", ... and the key size in bits. */
static void
explain_key(struct explain_cert *ec, X509 *x)
{
	EVP_PKEY	*pk;
	char		 group[32];
	size_t		 len;

	snprintf(ec->key_type, sizeof(ec->key_type), "unknown");
	if ((pk = X509_get0_pubkey(x)) == NULL)
		return;
	ec->key_bits = EVP_PKEY_get_bits(pk);
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		snprintf(ec->key_type, sizeof(ec->key_type), "RSA");
		break;
	case EVP_PKEY_RSA_PSS:
		snprintf(ec->key_type, sizeof(ec->key_type), "RSA-PSS");
		break;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_group_name(pk, group, sizeof(group),
		    &len) != 1)
			snprintf(group, sizeof(group), "?");
		snprintf(ec->key_type, sizeof(ec->key_type), "EC %s", group);
		break;
	default:
		snprintf(ec->key_type, sizeof(ec->key_type), "%s",
		    OBJ_nid2sn(EVP_PKEY_get_base_id(pk)));
		break;
	}
}

static void
explain_cert(struct explain_ctx *e, SSL_CTX *ctx, X509 *x)
{
	struct explain_cert	*ec, *grown;
	const ASN1_TIME		*na;
	struct tm		 tm;
	char			 subject[TF_CLIENTCERT_NAME_MAX], ocsp[640];
	int			 days = 0, secs = 0;

	if ((grown = reallocarray(e->certs, e->ncerts + 1,
	    sizeof(*grown))) == NULL)
		tf_fatal("reallocarray");
	e->certs = grown;
	ec = &e->certs[e->ncerts++];
	memset(ec, 0, sizeof(*ec));
	(void)tf_x509_name_text(X509_get_subject_name(x), subject,
	    sizeof(subject));
	if ((ec->subject = strdup(subject)) == NULL)
		tf_fatal("strdup");
	explain_san(&ec->sans, x);
	explain_key(ec, x);
	na = X509_get0_notAfter(x);
	if (ASN1_TIME_to_tm(na, &tm) == 1)
		strftime(ec->not_after, sizeof(ec->not_after),
		    "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (ASN1_TIME_diff(&days, &secs, NULL, na) == 1)
		ec->days_left = days;
	if (tf_context_ocsp_text(ctx, x, ocsp, sizeof(ocsp)) != NULL &&
	    (ec->ocsp = strdup(ocsp)) == NULL)
		tf_fatal("strdup");
	ERR_clear_error();
}

/* Every cert_chain entry's certificate, in order. */
static void
explain_certs(struct explain_ctx *e, SSL_CTX *ctx)
{
	X509	*x;
	size_t	 i;

	/* A client context's certificate is its own, not chosen by name. */
	if (tf_context_is_client(ctx)) {
		if ((x = SSL_CTX_get0_certificate(ctx)) != NULL)
			explain_cert(e, ctx, x);
	} else {
		for (i = 0; (x = tf_context_cert_at(ctx, i, NULL)) != NULL;
		    i++)
			explain_cert(e, ctx, x);
	}
	ERR_clear_error();
}

/*
 * The warnings -t prints for this context (tf_context_all_warnings), each
 * as "what (file:line)": the report is already about this context.
 */
static void
explain_warnings(struct explain_ctx *e, SSL_CTX *ctx, const char *file)
{
	struct tf_errs	 w;
	const char	*msg, *text;
	char		 tag[256];
	size_t		 i;
	int		 n;

	tf_errs_init(&w);
	(void)tf_context_all_warnings(e->cc, ctx, file, &w);
	n = snprintf(tag, sizeof(tag), ": warning: context \"%s\": ",
	    e->cc->name);
	for (i = 0; i < tf_errs_count(&w); i++) {
		msg = tf_errs_get(&w, i);
		if (n > 0 && (size_t)n < sizeof(tag) &&
		    (text = strstr(msg, tag)) != NULL)
			list_add(&e->warnings, "%s (%.*s)", text + n,
			    (int)(text - msg), msg);
		else
			list_add(&e->warnings, "%s", msg);
	}
	tf_errs_free(&w);
}

/* What Python's cert_store_stats() counts in the verify store. */
static void
explain_store(struct explain_ctx *e, SSL_CTX *ctx)
{
	STACK_OF(X509_OBJECT)	*objs;
	X509_OBJECT		*obj;
	int			 i;

	objs = X509_STORE_get0_objects(SSL_CTX_get_cert_store(ctx));
	for (i = 0; objs != NULL && i < sk_X509_OBJECT_num(objs); i++) {
		obj = sk_X509_OBJECT_value(objs, i);
		switch (X509_OBJECT_get_type(obj)) {
		case X509_LU_X509:
			e->store_x509++;
			if (X509_check_ca(X509_OBJECT_get0_X509(obj)))
				e->store_x509_ca++;
			break;
		case X509_LU_CRL:
			e->store_crl++;
			break;
		default:
			break;
		}
	}
}

static void
explain_collect(struct explain_ctx *e, const struct tf_context_conf *cc,
    SSL_CTX *ctx, const char *file)
{
	int	 i;

	memset(e, 0, sizeof(*e));
	e->cc = cc;
	explain_options(e, ctx);
	explain_versions(e, ctx);
	explain_ciphers(e, ctx);
	explain_groups(e);
	explain_verify(e, ctx);
	explain_certs(e, ctx);
	explain_store(e, ctx);
	for (i = 0; i < TF_EXPLAIN_NCLIENTS; i++) {
		if (tf_config_protocol_is_client(cc->protocol))
			snprintf(e->clients[i].detail,
			    sizeof(e->clients[i].detail), "a client context "
			    "(backends.NAME.tls) accepts no client");
		else
			(void)tf_explain_handshake(ctx, i, &e->clients[i]);
	}
	explain_warnings(e, ctx, file);
}

static void
explain_free(struct explain_ctx *e)
{
	size_t	i;

	for (i = 0; i < e->ncerts; i++) {
		free(e->certs[i].subject);
		list_free(&e->certs[i].sans);
		free(e->certs[i].ocsp);
	}
	free(e->certs);
	list_free(&e->option_names);
	list_free(&e->ciphers);
	list_free(&e->ciphersuites);
	list_free(&e->groups);
	list_free(&e->verify_flag_names);
	list_free(&e->alpn);
	list_free(&e->warnings);
}

/*
 * The file OpenSSL read its system configuration from ($OPENSSL_CONF or
 * OPENSSLDIR/openssl.cnf), into buf.
 */
static const char *
explain_openssl_config(char *buf, size_t len)
{
	char	*path;

	if ((path = CONF_get1_default_config_file()) == NULL) {
		snprintf(buf, len, "(unknown)");
		return buf;
	}
	snprintf(buf, len, "%s", path);
	OPENSSL_free(path);
	return buf;
}

const char *
tf_explain_default_suites(const struct tf_context_conf *cc, char *buf,
    size_t len)
{
	char	path[512];

	if (cc->default_suites == TF_DEFAULT_SUITES_OPENSSL)
		snprintf(buf, len, "openssl (cipher list and minimum version "
		    "from OpenSSL's system configuration, %s)",
		    explain_openssl_config(path, sizeof(path)));
	else
		snprintf(buf, len, "python (CPython's cipher string, minimum "
		    "version %s on %s)",
		    tf_config_version_name(TF_VERSION_TLSv1_2),
		    tf_config_protocol_is_client(cc->protocol) ?
		    "PROTOCOL_TLS_CLIENT" :
		    "PROTOCOL_TLS and PROTOCOL_TLS_SERVER");
	return buf;
}

/* "  label  a b c" (or none) on one line. */
static void
text_list(FILE *out, const char *label, const struct explain_list *l,
    const char *none)
{
	size_t	i;

	fprintf(out, "  %-18s", label);
	if (l->n == 0)
		fprintf(out, " %s", none);
	for (i = 0; i < l->n; i++)
		fprintf(out, " %s", l->v[i]);
	fputc('\n', out);
}

static void
text_context(FILE *out, const struct explain_ctx *e)
{
	const struct explain_cert	*ec;
	size_t				 i;
	char				 line[640];

	fprintf(out, "context \"%s\" (line %d)\n", e->cc->name, e->cc->line);
	fprintf(out, "  %-18s %s\n", "protocol",
	    tf_config_protocol_name(e->cc->protocol));
	fprintf(out, "  %-18s %s\n", "default_suites",
	    tf_explain_default_suites(e->cc, line, sizeof(line)));
	fprintf(out, "  %-18s %s .. %s\n", "versions",
	    tf_config_version_name(e->minimum_version),
	    tf_config_version_name(e->maximum_version));
	fprintf(out, "  %-18s 0x%llx\n", "options",
	    (unsigned long long)e->options);
	text_list(out, "", &e->option_names, "(none)");
	fprintf(out, "  %-18s %d\n", "security level", e->security_level);
	fprintf(out, "  ciphers, in order (%zu):\n", e->ciphers.n);
	for (i = 0; i < e->ciphers.n; i++)
		fprintf(out, "    %2zu  %s\n", i + 1, e->ciphers.v[i]);
	text_list(out, "TLS 1.3 suites", &e->ciphersuites, "(none)");
	text_list(out, e->groups_default ? "groups (default)" : "groups",
	    &e->groups, "(none)");
	fprintf(out, "  certificates (%zu):\n", e->ncerts);
	for (i = 0; i < e->ncerts; i++) {
		ec = &e->certs[i];
		fprintf(out, "    %s, %s %d bits, notAfter %s (%ld days)\n",
		    ec->subject, ec->key_type, ec->key_bits, ec->not_after,
		    ec->days_left);
		text_list(out, "  SAN", &ec->sans, "(none)");
		if (ec->ocsp != NULL)
			fprintf(out, "  %-18s %s\n", "  OCSP response",
			    ec->ocsp);
	}
	fprintf(out, "  %-18s %s\n", "verify_mode",
	    explain_verify_modes[e->verify_mode]);
	fprintf(out, "  %-18s 0x%lx", "verify_flags", e->verify_flags);
	for (i = 0; i < e->verify_flag_names.n; i++)
		fprintf(out, " %s", e->verify_flag_names.v[i]);
	if (tf_config_protocol_is_client(e->cc->protocol))
		fprintf(out, "\n  %-18s %s", "check_hostname",
		    e->cc->check_hostname ? "True" : "False");
	fprintf(out, "\n  %-18s %zu\n", "num_tickets", e->num_tickets);
	fprintf(out, "  %-18s %s\n", "post_handshake_auth",
	    e->post_handshake_auth ? "True" : "False");
	text_list(out, "alpn_protocols", &e->alpn, "(none)");
	fprintf(out, "  %-18s %d (%d CA), %d CRL\n", "verify store",
	    e->store_x509, e->store_x509_ca, e->store_crl);
	if (tf_config_protocol_is_client(e->cc->protocol)) {
		fprintf(out, "  (a client context, for backends.NAME.tls: no "
		    "client connects to it)\n");
		for (i = 0; i < e->warnings.n; i++)
			fprintf(out, "  warning: %s\n", e->warnings.v[i]);
		return;
	}
	fprintf(out, "  clients that can connect (real in-memory handshakes):\n"
	    "    %-9s %-4s %s\n", "client", "ok?", "negotiated, or why not");
	for (i = 0; i < TF_EXPLAIN_NCLIENTS; i++)
		fprintf(out, "    %-9s %-4s %s\n", tf_explain_client_key(i),
		    e->clients[i].ok ? "yes" : "no", e->clients[i].detail);
	if (e->verify_mode == TF_CERT_REQUIRED)
		fprintf(out, "    (the test clients send no certificate)\n");
	for (i = 0; i < e->warnings.n; i++)
		fprintf(out, "  warning: %s\n", e->warnings.v[i]);
}

static void
text_write(FILE *out, const struct tf_config *cf,
    const struct explain_ctx *es)
{
	const struct tf_listener_conf	*l;
	size_t				 i;
	char				 path[512];

	fprintf(out, "tlsfront configuration %s (%s, system configuration "
	    "%s)\n\n", cf->file, OpenSSL_version(OPENSSL_VERSION),
	    explain_openssl_config(path, sizeof(path)));
	fprintf(out, "listeners:\n");
	for (i = 0; i < cf->nlisteners; i++) {
		l = &cf->listeners[i];
		fprintf(out, "  %-24s context \"%s\", backend \"%s\"\n",
		    l->listen, cf->contexts[l->context].name,
		    cf->backends[l->backend].name);
	}
	for (i = 0; i < cf->ncontexts; i++) {
		fputc('\n', out);
		text_context(out, &es[i]);
	}
}

/* A JSON string literal (lib/json.c's escaping). */
static void
json_str(FILE *out, const char *s)
{
	char	 buf[256];
	size_t	 len = strlen(s), off = 0, n;

	fputc('"', out);
	while (off < len) {
		off += tf_json_escape(buf, sizeof(buf), s + off, len - off, &n);
		fwrite(buf, 1, n, out);
	}
	fputc('"', out);
}

/* "key":[...] */
static void
json_list(FILE *out, const char *key, const struct explain_list *l)
{
	size_t	i;

	json_str(out, key);
	fputs(":[", out);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			fputc(',', out);
		json_str(out, l->v[i]);
	}
	fputc(']', out);
}

static void
json_certs(FILE *out, const struct explain_ctx *e)
{
	const struct explain_cert	*ec;
	size_t				 i;

	fputs("\"certificates\":[", out);
	for (i = 0; i < e->ncerts; i++) {
		ec = &e->certs[i];
		fputs(i > 0 ? ",{\"subject\":" : "{\"subject\":", out);
		json_str(out, ec->subject);
		fputc(',', out);
		json_list(out, "san", &ec->sans);
		fputs(",\"key_type\":", out);
		json_str(out, ec->key_type);
		fprintf(out, ",\"key_bits\":%d,\"not_after\":", ec->key_bits);
		json_str(out, ec->not_after);
		fprintf(out, ",\"days_left\":%ld", ec->days_left);
		if (ec->ocsp != NULL) {
			fputs(",\"ocsp_response\":", out);
			json_str(out, ec->ocsp);
		}
		fputc('}', out);
	}
	fputc(']', out);
}

static void
json_context(FILE *out, const struct explain_ctx *e)
{
	size_t	i;

	fputs("{\"protocol\":", out);
	json_str(out, tf_config_protocol_name(e->cc->protocol));
	fputs(",\"default_suites\":", out);
	json_str(out, tf_config_default_suites_name(e->cc->default_suites));
	fprintf(out, ",\"options\":%llu,", (unsigned long long)e->options);
	json_list(out, "options_names", &e->option_names);
	fprintf(out, ",\"minimum_version\":%d,\"maximum_version\":%d,"
	    "\"security_level\":%d,", e->minimum_version, e->maximum_version,
	    e->security_level);
	json_list(out, "ciphers", &e->ciphers);
	fputc(',', out);
	json_list(out, "ciphersuites", &e->ciphersuites);
	fputc(',', out);
	json_list(out, "groups", &e->groups);
	fprintf(out, ",\"groups_default\":%s,\"verify_mode\":%d,"
	    "\"verify_flags\":%lu,", e->groups_default ? "true" : "false",
	    e->verify_mode, e->verify_flags);
	json_list(out, "verify_flags_names", &e->verify_flag_names);
	fprintf(out, ",\"num_tickets\":%zu,\"post_handshake_auth\":%s,"
	    "\"check_hostname\":%s,", e->num_tickets,
	    e->post_handshake_auth ? "true" : "false",
	    e->cc->check_hostname ? "true" : "false");
	fprintf(out, "\"cert_store_stats\":{\"x509\":%d,\"crl\":%d,"
	    "\"x509_ca\":%d},", e->store_x509, e->store_crl,
	    e->store_x509_ca);
	json_list(out, "alpn_protocols", &e->alpn);
	fputc(',', out);
	json_certs(out, e);
	fputs(",\"clients\":{", out);
	for (i = 0; i < TF_EXPLAIN_NCLIENTS; i++)
		fprintf(out, "%s\"%s\":%s", i > 0 ? "," : "",
		    tf_explain_client_key(i),
		    e->clients[i].ok ? "true" : "false");
	fputs("},\"clients_detail\":{", out);
	for (i = 0; i < TF_EXPLAIN_NCLIENTS; i++) {
		fprintf(out, "%s\"%s\":", i > 0 ? "," : "",
		    tf_explain_client_key(i));
		json_str(out, e->clients[i].detail);
	}
	fputs("},", out);
	json_list(out, "warnings", &e->warnings);
	fputc('}', out);
}

static void
json_write(FILE *out, const struct tf_config *cf,
    const struct explain_ctx *es)
{
	const struct tf_listener_conf	*l;
	size_t				 i;
	char				 path[512];

	fputs("{\"openssl\":", out);
	json_str(out, OpenSSL_version(OPENSSL_VERSION));
	fputs(",\"openssl_config\":", out);
	json_str(out, explain_openssl_config(path, sizeof(path)));
	fputs(",\"listeners\":[", out);
	for (i = 0; i < cf->nlisteners; i++) {
		l = &cf->listeners[i];
		fputs(i > 0 ? ",{\"listen\":" : "{\"listen\":", out);
		json_str(out, l->listen);
		fputs(",\"context\":", out);
		json_str(out, cf->contexts[l->context].name);
		fputs(",\"backend\":", out);
		json_str(out, cf->backends[l->backend].name);
		fputc('}', out);
	}
	fputs("],\"contexts\":{", out);
	for (i = 0; i < cf->ncontexts; i++) {
		if (i > 0)
			fputc(',', out);
		json_str(out, cf->contexts[i].name);
		fputc(':', out);
		json_context(out, &es[i]);
	}
	fputs("}}\n", out);
}

int
tf_explain_write(FILE *out, const struct tf_config *cf,
    SSL_CTX *const *contexts, enum tf_explain_format format)
{
	struct explain_ctx	*es;
	size_t			 i;

	if ((es = calloc(cf->ncontexts + 1, sizeof(*es))) == NULL)
		tf_fatal("calloc");
	for (i = 0; i < cf->ncontexts; i++)
		explain_collect(&es[i], &cf->contexts[i], contexts[i],
		    cf->file);
	if (format == TF_EXPLAIN_JSON)
		json_write(out, cf, es);
	else
		text_write(out, cf, es);
	for (i = 0; i < cf->ncontexts; i++)
		explain_free(&es[i]);
	free(es);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
