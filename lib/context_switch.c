/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: moving one connection to another context at its ClientHello
 * (a listener's route for the client's server name), the whole context:
 * what Python's sni_callback does by assigning ssl_object.context, and
 * the settings that SSL_set_SSL_CTX leaves behind because SSL_new copied
 * them from the first context (options, version range, verify mode,
 * depth and flags, number of tickets, groups). Ciphers, certificates,
 * CAs, ALPN, DH and the key log follow the SSL_CTX by themselves.
 *
 * Switching happens in a ClientHello callback, before the version is
 * chosen and before any session is looked up; each context has its own
 * session id context, so that a session made under one context is never
 * resumed under another (which would skip the other's client
 * certificate check).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "config.h"
#include "context.h"
#include "context_int.h"
#include "errs.h"
#include "log.h"
#include "ticketkeys.h"

/* What a switch to a context sets on the connection besides the SSL_CTX. */
struct context_switch {
	char	*groups;	/* groups list; NULL: see ecdh_nid */
	int	 ecdh_nid;	/* ecdh_curve's; NID_undef: OpenSSL's default */
	int	 fixed_version;	/* PROTOCOL_TLSv1*: its version; else 0 */
};

static CRYPTO_ONCE	switch_once = CRYPTO_ONCE_STATIC_INIT;
static int		switch_idx = -1;

static void
switch_ex_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
    long argl, void *argp)
{
	struct context_switch	*sw = ptr;

	(void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
	if (sw == NULL)
		return;
	free(sw->groups);
	free(sw);
}

static void
switch_init_once(void)
{
	switch_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL,
	    switch_ex_free);
}

static const struct context_switch *
switch_of(SSL_CTX *ctx)
{
	if (CRYPTO_THREAD_run_once(&switch_once, switch_init_once) != 1 ||
	    switch_idx < 0)
		return NULL;
	return SSL_CTX_get_ex_data(ctx, switch_idx);
}

static int
switch_fixed_version(enum tf_protocol protocol)
{
	switch (protocol) {
	case TF_PROTOCOL_TLSv1:
		return TLS1_VERSION;
	case TF_PROTOCOL_TLSv1_1:
		return TLS1_1_VERSION;
	case TF_PROTOCOL_TLSv1_2:
		return TLS1_2_VERSION;
	default:
		return 0;
	}
}

static bool
switch_names_missing(const struct tf_context_conf *cc)
{
	size_t	i;

	for (i = 0; i < cc->ngroups; i++)
		if (cc->groups[i].value == NULL)
			return true;
	return false;
}

int
tf_context_switch_prepare(SSL_CTX *ctx, const struct tf_context_conf *cc,
    const char *file, struct tf_errs *errs)
{
	struct context_switch	*sw;
	unsigned char		 sid[EVP_MAX_MD_SIZE];
	unsigned int		 len = 0;
	char			 label[512];

	if (CRYPTO_THREAD_run_once(&switch_once, switch_init_once) != 1 ||
	    switch_idx < 0)
		return tf_errs_add(errs, file, cc->line, "cannot register "
		    "OpenSSL ex_data indexes");
	if ((sw = calloc(1, sizeof(*sw))) == NULL)
		tf_fatal("calloc");
	/* NULL with groups configured: a name missing (context_groups
	 * reported it, the context is not built) or no memory. */
	if ((sw->groups = tf_context_groups_list(cc)) == NULL &&
	    cc->ngroups > 0) {
		free(sw);
		return switch_names_missing(cc) ? -1 : tf_errs_add(errs, file,
		    cc->groups_line, "out of memory");
	}
	sw->ecdh_nid = cc->ecdh_curve.value != NULL ?
	    OBJ_sn2nid(cc->ecdh_curve.value) : NID_undef;
	sw->fixed_version = switch_fixed_version(cc->protocol);
	if (SSL_CTX_set_ex_data(ctx, switch_idx, sw) != 1) {
		switch_ex_free(NULL, sw, NULL, 0, 0, NULL);
		return tf_errs_add(errs, file, cc->line, "out of memory");
	}
	/* A session id context of its own: SHA-256 of the name (32 bytes,
	 * SSL_MAX_SID_CTX_LENGTH). */
	snprintf(label, sizeof(label), "tlsfront context %s", cc->name);
	if (EVP_Digest(label, strlen(label), sid, &len, EVP_sha256(), NULL) !=
	    1 || len > SSL_MAX_SID_CTX_LENGTH ||
	    SSL_CTX_set_session_id_context(ctx, sid, len) != 1) {
		ERR_clear_error();
		return tf_errs_add(errs, file, cc->line, "cannot set the "
		    "session id context");
	}
	return 0;
}

bool
tf_context_switch_possible(SSL_CTX *from, SSL_CTX *to, const char **why)
{
	const struct context_switch	*f = switch_of(from), *t = switch_of(to);

	if (f == NULL || t == NULL) {
		*why = "not a context built by tlsfront";
		return false;
	}
	if (f->fixed_version != 0 && f->fixed_version != t->fixed_version) {
		*why = "the listener's context has a PROTOCOL_TLSv1* protocol, "
		    "whose connections keep that one version: give it "
		    "PROTOCOL_TLS_SERVER and minimum_version/maximum_version";
		return false;
	}
	/* libssl seals and opens tickets with the accepting context's
	 * callback (its session_ctx), which reads the current context's
	 * keys: both must have the same. */
	if (!tf_ticketkeys_equal(tf_context_ticketkeys(from),
	    tf_context_ticketkeys(to))) {
		*why = "the listener's context and the route's have different "
		    "session_ticket_keys (or only one has them): give both "
		    "the same file";
		return false;
	}
	/* OpenSSL has no call that gives a connection its default groups
	 * back once SSL_new copied a list. */
	if ((f->groups != NULL || f->ecdh_nid != NID_undef) &&
	    t->groups == NULL && t->ecdh_nid == NID_undef) {
		*why = "the listener's context sets groups (or ecdh_curve) "
		    "and the route's does not: a switched connection would "
		    "keep the listener's; set groups in the route's context "
		    "too";
		return false;
	}
	return true;
}

/* The verify parameters of ctx in place of ssl's, flags and depth too. */
static int
switch_verify(SSL *ssl, SSL_CTX *to)
{
	X509_VERIFY_PARAM	*p = SSL_get0_param(ssl);
	uint32_t		 inh = X509_VERIFY_PARAM_get_inh_flags(p);
	int			 ok;

	SSL_set_verify(ssl, SSL_CTX_get_verify_mode(to),
	    SSL_CTX_get_verify_callback(to));
	(void)X509_VERIFY_PARAM_set_inh_flags(p,
	    X509_VP_FLAG_OVERWRITE | X509_VP_FLAG_RESET_FLAGS);
	ok = X509_VERIFY_PARAM_inherit(p, SSL_CTX_get0_param(to));
	(void)X509_VERIFY_PARAM_set_inh_flags(p, inh);
	return ok == 1 ? 0 : -1;
}

static int
switch_versions(SSL *ssl, SSL_CTX *to, const struct context_switch *t)
{
	long	min = SSL_CTX_get_min_proto_version(to);
	long	max = SSL_CTX_get_max_proto_version(to);

	if (t->fixed_version != 0)
		min = max = t->fixed_version;
	return SSL_set_min_proto_version(ssl, min) == 1 &&
	    SSL_set_max_proto_version(ssl, max) == 1 ? 0 : -1;
}

static int
switch_groups_set(SSL *ssl, const struct context_switch *t)
{
	int	nid = t->ecdh_nid;

	if (t->groups != NULL)
		return SSL_set1_groups_list(ssl, t->groups) == 1 ? 0 : -1;
	if (nid != NID_undef)
		return SSL_set1_groups(ssl, &nid, 1) == 1 ? 0 : -1;
	return 0;
}

int
tf_context_switch(SSL *ssl, SSL_CTX *to)
{
	const struct context_switch	*t = switch_of(to);

	if (t == NULL || SSL_set_SSL_CTX(ssl, to) != to)
		return -1;
	SSL_clear_options(ssl, SSL_get_options(ssl));
	SSL_set_options(ssl, SSL_CTX_get_options(to));
	if (switch_versions(ssl, to, t) == -1 ||
	    switch_verify(ssl, to) == -1 ||
	    SSL_set_num_tickets(ssl, SSL_CTX_get_num_tickets(to)) != 1 ||
	    switch_groups_set(ssl, t) == -1)
		return -1;
	return 0;
}
