/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: a context's certificates chosen by the client's server name.
 *
 * Every cert_chain entry is loaded on its own (load_cert_chain semantics,
 * context_certs.c) and indexed by its names: the DNS names of its
 * subjectAltName, or its subject CN when it has none (as Python's
 * hostname_checks_common_name allows). A name maps to a "record", one
 * entry per key type (RSA, ECDSA, ...), so that a client still gets the
 * key type it can use, per name. The SSL_CTX itself holds the record of
 * the first entry: what a client with no SNI, or an unknown name, gets
 * (as HAProxy serves its first crt), unless sni_strict refuses it with
 * unrecognized_name. The servername callback (what Python's sni_callback
 * hooks) swaps in another record's certificates for one connection.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "config.h"
#include "context.h"
#include "context_int.h"
#include "errs.h"
#include "names.h"

/* The key types a certificate slot of OpenSSL can hold. */
enum { SNI_RSA, SNI_RSA_PSS, SNI_EC, SNI_ED25519, SNI_ED448, SNI_DSA,
    SNI_OTHER, SNI_KEY_TYPES };

static const char *const sni_type_names[SNI_KEY_TYPES] = {
	"RSA", "RSA-PSS", "ECDSA", "Ed25519", "Ed448", "DSA", "other",
};

/* One loaded cert_chain entry; references owned. */
struct sni_entry {
	X509		*cert;
	EVP_PKEY	*key;
	STACK_OF(X509)	*chain;
	int		 type;		/* SNI_* */
	int		 line;
};

/* The entries a name gets: index + 1 per key type, 0 for none. */
struct sni_record {
	size_t	entry[SNI_KEY_TYPES];
};

struct context_sni {
	struct sni_entry	*entries;
	size_t			 nentries;
	struct sni_record	*records;
	size_t			 nrecords;
	size_t			 dflt;		/* the SSL_CTX's own record */
	char			*dflt_name;	/* its first name; NULL: none */
	struct tf_names		*names;		/* name -> record */
	bool			 strict;
};

static CRYPTO_ONCE	sni_once = CRYPTO_ONCE_STATIC_INIT;
static int		sni_ctx_idx = -1;	/* SSL_CTX: struct context_sni */
static int		sni_refusal_idx = -1;	/* SSL: static reason */

static void
sni_free(struct context_sni *sni)
{
	size_t	i;

	if (sni == NULL)
		return;
	for (i = 0; i < sni->nentries; i++) {
		X509_free(sni->entries[i].cert);
		EVP_PKEY_free(sni->entries[i].key);
		sk_X509_pop_free(sni->entries[i].chain, X509_free);
	}
	free(sni->entries);
	free(sni->records);
	free(sni->dflt_name);
	tf_names_free(sni->names);
	free(sni);
}

static void
sni_ex_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	(void)parent; (void)ad; (void)idx; (void)argl; (void)argp;
	sni_free(ptr);
}

static void
sni_init_once(void)
{
	sni_ctx_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL,
	    sni_ex_free);
	sni_refusal_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

static bool
sni_init(void)
{
	if (CRYPTO_THREAD_run_once(&sni_once, sni_init_once) != 1)
		return false;
	return sni_ctx_idx >= 0 && sni_refusal_idx >= 0;
}

static int
sni_key_type(const EVP_PKEY *key)
{
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_RSA:
		return SNI_RSA;
	case EVP_PKEY_RSA_PSS:
		return SNI_RSA_PSS;
	case EVP_PKEY_EC:
		return SNI_EC;
	case EVP_PKEY_ED25519:
		return SNI_ED25519;
	case EVP_PKEY_ED448:
		return SNI_ED448;
	case EVP_PKEY_DSA:
		return SNI_DSA;
	default:
		return SNI_OTHER;
	}
}

/*
 * Load one entry into a context of its own (so that entries of one key
 * type do not replace each other), its chain built from ctx's verify
 * store, and take its certificate, key and chain.
 */
static int
sni_load_entry(SSL_CTX *ctx, const struct tf_cert_conf *cc, const char *file,
    struct tf_errs *errs, struct sni_entry *e)
{
	SSL_CTX		*one;
	STACK_OF(X509)	*chain = NULL;
	int		 rv = -1;

	if ((one = SSL_CTX_new(TLS_server_method())) == NULL)
		return tf_errs_add(errs, file, cc->line,
		    "cannot create context: out of memory");
	/* The same security level and verify store as the context. */
	SSL_CTX_set_security_level(one, SSL_CTX_get_security_level(ctx));
	SSL_CTX_set1_cert_store(one, SSL_CTX_get_cert_store(ctx));
	if (tf_context_load_cert(one, cc, file, errs) == -1)
		goto out;
	tf_context_build_chains(one);
	e->cert = SSL_CTX_get0_certificate(one);
	e->key = SSL_CTX_get0_privatekey(one);
	(void)SSL_CTX_get0_chain_certs(one, &chain);
	if (e->cert == NULL || e->key == NULL) {
		tf_errs_add(errs, file, cc->line, "no certificate loaded from "
		    "\"%s\"", cc->certfile);
		goto out;
	}
	X509_up_ref(e->cert);
	EVP_PKEY_up_ref(e->key);
	e->chain = chain != NULL ? X509_chain_up_ref(chain) : NULL;
	e->type = sni_key_type(e->key);
	e->line = cc->line;
	rv = 0;
 out:
	ERR_clear_error();
	SSL_CTX_free(one);
	return rv;
}

/*
 * Call fn with each name a certificate answers to: its subjectAltName
 * DNS names, or its CN if it has none. Names with bytes no DNS name has
 * (a NUL, spaces) are passed too; tf_names_add refuses them.
 */
static void
sni_cert_names(X509 *x, void (*fn)(const char *, void *), void *arg)
{
	GENERAL_NAMES		*gens;
	const GENERAL_NAME	*g;
	const ASN1_STRING	*s;
	X509_NAME_ENTRY		*ne;
	unsigned char		*utf8;
	char			 name[TF_NAME_MAX + 2];
	int			 i, n, dns = 0, len;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	n = gens == NULL ? 0 : sk_GENERAL_NAME_num(gens);
	for (i = 0; i < n; i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != GEN_DNS)
			continue;
		dns++;
		s = g->d.dNSName;
		len = ASN1_STRING_length(s);
		if (len <= 0 || len > TF_NAME_MAX + 1 ||
		    memchr(ASN1_STRING_get0_data(s), '\0', (size_t)len))
			continue;
		memcpy(name, ASN1_STRING_get0_data(s), (size_t)len);
		name[len] = '\0';
		fn(name, arg);
	}
	GENERAL_NAMES_free(gens);
	if (dns > 0)
		return;
	i = X509_NAME_get_index_by_NID(X509_get_subject_name(x),
	    NID_commonName, -1);
	if (i < 0 || (ne = X509_NAME_get_entry(X509_get_subject_name(x), i)) ==
	    NULL)
		return;
	len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(ne));
	if (len > 0 && len <= TF_NAME_MAX + 1 &&
	    memchr(utf8, '\0', (size_t)len) == NULL) {
		memcpy(name, utf8, (size_t)len);
		name[len] = '\0';
		fn(name, arg);
	}
	if (len >= 0)
		OPENSSL_free(utf8);
}

/* Indexing one entry: the state sni_index_name needs. */
struct sni_indexing {
	struct context_sni	*sni;
	size_t			 entry;
	const char		*file;
	const struct tf_context_conf *cc;
	struct tf_errs		*errs;
	size_t			 first;		/* record of its first name */
	bool			 named;
};

/* A name that name (perhaps "*.example.com") matches; owned by the caller. */
static char *
sni_concrete(const char *name)
{
	char	*s;

	if (strncmp(name, "*.", 2) != 0) {
		if ((s = strdup(name)) == NULL)
			tf_fatal("strdup");
		return s;
	}
	if ((s = malloc(strlen(name) + 2)) == NULL)
		tf_fatal("malloc");
	s[0] = 'x';
	strcpy(s + 1, name + 1);
	return s;
}

static size_t
sni_new_record(struct context_sni *sni)
{
	struct sni_record	*r;

	r = realloc(sni->records, (sni->nrecords + 1) * sizeof(*r));
	if (r == NULL)
		tf_fatal("realloc");
	sni->records = r;
	memset(&r[sni->nrecords], 0, sizeof(*r));
	return sni->nrecords++;
}

static void
sni_index_name(const char *name, void *arg)
{
	struct sni_indexing	*ix = arg;
	struct context_sni	*sni = ix->sni;
	const struct sni_entry	*e = &sni->entries[ix->entry];
	size_t			 rec, other;

	switch (tf_names_add(sni->names, name, sni->nrecords, &rec)) {
	case -1:
		return;		/* no client can ask for it */
	case 0:
		rec = sni_new_record(sni);
		break;
	default:
		break;
	}
	if (!ix->named) {
		ix->first = rec;
		ix->named = true;
		if (ix->entry == 0)
			sni->dflt_name = sni_concrete(name);
	}
	if ((other = sni->records[rec].entry[e->type]) != 0 &&
	    other != ix->entry + 1) {
		tf_errs_add(ix->errs, ix->file, e->line, "context \"%s\": "
		    "\"%s\" has a %s certificate already (cert_chain entry at "
		    "line %d)", ix->cc->name, name, sni_type_names[e->type],
		    sni->entries[other - 1].line);
		return;
	}
	sni->records[rec].entry[e->type] = ix->entry + 1;
}

/* Load and index every entry; errors for entries that do not load. */
static int
sni_load(SSL_CTX *ctx, const struct tf_context_conf *cc, const char *file,
    struct tf_errs *errs, struct context_sni *sni)
{
	struct sni_indexing	 ix;
	struct sni_entry	*e;
	size_t			 i, nerrs = tf_errs_count(errs);

	sni->entries = calloc(cc->ncerts, sizeof(*sni->entries));
	if (sni->entries == NULL)
		tf_fatal("calloc");
	for (i = 0; i < cc->ncerts; i++) {
		e = &sni->entries[sni->nentries];
		if (sni_load_entry(ctx, &cc->certs[i], file, errs, e) == 0) {
			sni->nentries++;
			(void)tf_context_ocsp_add(ctx, cc, &cc->certs[i],
			    e->cert, e->chain, file, errs);
		}
	}
	if (tf_errs_count(errs) != nerrs)
		return -1;
	for (i = 0; i < sni->nentries; i++) {
		memset(&ix, 0, sizeof(ix));
		ix.sni = sni;
		ix.entry = i;
		ix.file = file;
		ix.cc = cc;
		ix.errs = errs;
		sni_cert_names(sni->entries[i].cert, sni_index_name, &ix);
		if (i > 0)
			continue;
		/* The first entry's (first) name is the default; one with
		 * no usable name is a default of its own. */
		sni->dflt = ix.named ? ix.first : sni_new_record(sni);
		sni->records[sni->dflt].entry[sni->entries[0].type] = 1;
	}
	return tf_errs_count(errs) != nerrs ? -1 : 0;
}

/* Put the certificates of record r into ctx or ssl (one is NULL). */
static int
sni_use_record(SSL_CTX *ctx, SSL *ssl, const struct context_sni *sni,
    size_t r)
{
	const struct sni_entry	*e;
	size_t			 t;
	int			 ok;

	for (t = 0; t < SNI_KEY_TYPES; t++) {
		if (sni->records[r].entry[t] == 0)
			continue;
		e = &sni->entries[sni->records[r].entry[t] - 1];
		ok = ctx != NULL ?
		    SSL_CTX_use_cert_and_key(ctx, e->cert, e->key, e->chain,
		    1) : SSL_use_cert_and_key(ssl, e->cert, e->key, e->chain,
		    1);
		if (ok != 1)
			return -1;
	}
	return 0;
}

static void
sni_refuse(SSL *ssl, const char *why)
{
	(void)SSL_set_ex_data(ssl, sni_refusal_idx, (void *)(uintptr_t)why);
}

/*
 * The servername callback: the record for the client's name, or the
 * context's own. Runs for every ClientHello, with or without SNI.
 */
static int
sni_servername_cb(SSL *ssl, int *alert, void *arg)
{
	const struct context_sni	*sni = arg;
	const char			*host;
	size_t				 r;

	host = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	if (host == NULL || !tf_names_find(sni->names, host, &r)) {
		if (!sni->strict)
			return SSL_TLSEXT_ERR_OK;
		sni_refuse(ssl, host == NULL ? "no server name (sni_strict)" :
		    "no certificate for the server name (sni_strict)");
		*alert = SSL_AD_UNRECOGNIZED_NAME;
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	}
	if (memcmp(&sni->records[r], &sni->records[sni->dflt],
	    sizeof(sni->records[r])) == 0)
		return SSL_TLSEXT_ERR_OK;
	SSL_certs_clear(ssl);
	if (sni_use_record(NULL, ssl, sni, r) == -1) {
		ERR_clear_error();
		sni_refuse(ssl, "cannot use the certificate of the server "
		    "name");
		*alert = SSL_AD_INTERNAL_ERROR;
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	}
	return SSL_TLSEXT_ERR_OK;
}

/* Whether some name gets other certificates than the default. */
static bool
sni_selects(const struct context_sni *sni)
{
	size_t	r;

	for (r = 0; r < sni->nrecords; r++) {
		if (memcmp(&sni->records[r], &sni->records[sni->dflt],
		    sizeof(sni->records[r])) != 0)
			return true;
	}
	return false;
}

int
tf_context_load_certs(SSL_CTX *ctx, const struct tf_context_conf *cc,
    const char *file, struct tf_errs *errs)
{
	struct context_sni	*sni;

	if (!sni_init())
		return tf_errs_add(errs, file, cc->line, "cannot register "
		    "OpenSSL ex_data indexes");
	if ((sni = calloc(1, sizeof(*sni))) == NULL)
		tf_fatal("calloc");
	sni->names = tf_names_new();
	sni->strict = cc->sni_strict;
	if (cc->ncerts > 0 && (sni_load(ctx, cc, file, errs, sni) == -1 ||
	    sni_use_record(ctx, NULL, sni, sni->dflt) == -1)) {
		if (ERR_peek_error() != 0) {
			ERR_clear_error();
			tf_errs_add(errs, file, cc->line, "cannot use the "
			    "first certificate");
		}
		sni_free(sni);
		return -1;
	}
	if (SSL_CTX_set_ex_data(ctx, sni_ctx_idx, sni) != 1) {
		sni_free(sni);
		return tf_errs_add(errs, file, cc->line, "out of memory");
	}
	if (sni->strict || (sni->nentries > 0 && sni_selects(sni)))
		SSL_CTX_set_tlsext_servername_callback(ctx,
		    sni_servername_cb);
	SSL_CTX_set_tlsext_servername_arg(ctx, sni);
	return 0;
}

void
tf_context_sni_own(SSL_CTX *ctx)
{
	if (sni_init() && SSL_CTX_get_ex_data(ctx, sni_ctx_idx) != NULL)
		SSL_CTX_set_tlsext_servername_callback(ctx,
		    sni_servername_cb);
}

size_t
tf_context_cert_count(SSL_CTX *ctx)
{
	const struct context_sni	*sni;

	if (!sni_init() || (sni = SSL_CTX_get_ex_data(ctx, sni_ctx_idx)) ==
	    NULL)
		return 0;
	return sni->nentries;
}

size_t
tf_context_name_count(SSL_CTX *ctx)
{
	const struct context_sni	*sni;

	if (!sni_init() || (sni = SSL_CTX_get_ex_data(ctx, sni_ctx_idx)) ==
	    NULL)
		return 0;
	return tf_names_count(sni->names);
}

X509 *
tf_context_cert_at(SSL_CTX *ctx, size_t i, int *line)
{
	const struct context_sni	*sni;

	if (!sni_init() || (sni = SSL_CTX_get_ex_data(ctx, sni_ctx_idx)) ==
	    NULL || i >= sni->nentries)
		return NULL;
	if (line != NULL)
		*line = sni->entries[i].line;
	return sni->entries[i].cert;
}

const char *
tf_context_default_name(SSL_CTX *ctx)
{
	const struct context_sni	*sni;

	if (!sni_init() || (sni = SSL_CTX_get_ex_data(ctx, sni_ctx_idx)) ==
	    NULL)
		return NULL;
	return sni->dflt_name;
}

const char *
tf_context_refusal(const SSL *ssl)
{
	if (!sni_init())
		return NULL;
	return SSL_get_ex_data(ssl, sni_refusal_idx);
}
