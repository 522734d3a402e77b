/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: counting into a metrics slot, the keys of names, the cipher
 * table, and adding slots up (lib/metrics.h).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "metrics.h"

const uint32_t tf_metrics_hs_bucket_us[TF_HS_BUCKETS] = {
	1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000,
};

static const char *const failure_names[TF_HS_FAIL_N] = {
	[TF_HS_FAIL_TIMEOUT] = "timeout",
	[TF_HS_FAIL_NO_SHARED_CIPHER] = "no_shared_cipher",
	[TF_HS_FAIL_VERSION] = "version",
	[TF_HS_FAIL_CLIENT_CERT] = "client_cert",
	[TF_HS_FAIL_ALERT_RECEIVED] = "alert_received",
	[TF_HS_FAIL_ALERT_SENT] = "alert_sent",
	[TF_HS_FAIL_OTHER] = "other",
};

static const char *const sess_names[TF_SESS_N] = {
	[TF_SESS_NUMBER] = "number",
	[TF_SESS_CONNECT] = "connect",
	[TF_SESS_CONNECT_GOOD] = "connect_good",
	[TF_SESS_CONNECT_RENEGOTIATE] = "connect_renegotiate",
	[TF_SESS_ACCEPT] = "accept",
	[TF_SESS_ACCEPT_GOOD] = "accept_good",
	[TF_SESS_ACCEPT_RENEGOTIATE] = "accept_renegotiate",
	[TF_SESS_HITS] = "hits",
	[TF_SESS_MISSES] = "misses",
	[TF_SESS_TIMEOUTS] = "timeouts",
	[TF_SESS_CACHE_FULL] = "cache_full",
};

static const char *const limit_names[TF_LIMIT_N] = {
	[TF_LIMIT_MAX_CONNECTIONS] = "max_connections",
	[TF_LIMIT_HANDSHAKES] = "handshakes",
	[TF_LIMIT_ADDRESS_CONNECTIONS] = "per_address_connections",
	[TF_LIMIT_ADDRESS_RATE] = "per_address_rate",
	[TF_LIMIT_CLIENT_HELLO] = "client_hello",
	[TF_LIMIT_FILE_DESCRIPTORS] = "file_descriptors",
};

const char *
tf_metrics_failure_name(enum tf_hs_failure f)
{
	return f < TF_HS_FAIL_N ? failure_names[f] : "other";
}

const char *
tf_metrics_sess_name(enum tf_sess_stat s)
{
	return s < TF_SESS_N ? sess_names[s] : "?";
}

const char *
tf_metrics_limit_name(enum tf_limit_kind k)
{
	return k < TF_LIMIT_N ? limit_names[k] : "?";
}

/* Keys of names. */

struct tf_metrics_keys {
	char	*listeners[TF_METRICS_LISTENERS];
	char	*contexts[TF_METRICS_CONTEXTS];
};

struct tf_metrics_keys *
tf_metrics_keys_new(void)
{
	return calloc(1, sizeof(struct tf_metrics_keys));
}

void
tf_metrics_keys_free(struct tf_metrics_keys *k)
{
	size_t	i;

	if (k == NULL)
		return;
	for (i = 0; i < TF_METRICS_LISTENERS; i++)
		free(k->listeners[i]);
	for (i = 0; i < TF_METRICS_CONTEXTS; i++)
		free(k->contexts[i]);
	free(k);
}

/* name's key in names[n]: the one it has, else the first free one. */
static uint32_t
keys_find(char **names, size_t n, const char *name)
{
	size_t	i, free_at = n;

	for (i = 0; i < n; i++) {
		if (names[i] == NULL) {
			if (free_at == n)
				free_at = i;
		} else if (strcmp(names[i], name) == 0)
			return (uint32_t)i;
	}
	if (free_at == n || (names[free_at] = strdup(name)) == NULL)
		return TF_METRICS_NONE;
	return (uint32_t)free_at;
}

const char *
tf_metrics_listener_name(const struct tf_listener_conf *l)
{
	return l->listen;
}

size_t
tf_metrics_keys_bind(struct tf_metrics_keys *k, const struct tf_config *cf,
    uint32_t *listener_key, uint32_t *context_key)
{
	size_t	i, lost = 0;

	for (i = 0; i < cf->nlisteners; i++) {
		listener_key[i] = keys_find(k->listeners, TF_METRICS_LISTENERS,
		    tf_metrics_listener_name(&cf->listeners[i]));
		lost += listener_key[i] == TF_METRICS_NONE;
	}
	for (i = 0; i < cf->ncontexts; i++) {
		context_key[i] = keys_find(k->contexts, TF_METRICS_CONTEXTS,
		    cf->contexts[i].name);
		lost += context_key[i] == TF_METRICS_NONE;
	}
	return lost;
}

/* The cipher table: every cipher libssl can negotiate, by id. */

static uint32_t		cipher_ids[TF_METRICS_CIPHERS];
static const char	*cipher_names[TF_METRICS_CIPHERS] = { "other" };
static size_t		ncipher_ids = 1;	/* 0: "other" */

static int
cipher_id_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
tf_metrics_ciphers_init(void)
{
	SSL_CTX			*ctx;
	STACK_OF(SSL_CIPHER)	*all;
	uint32_t		 ids[TF_METRICS_CIPHERS];
	size_t			 i, n = 0;
	int			 k;

	if (ncipher_ids > 1)
		return 0;
	if ((ctx = SSL_CTX_new(TLS_method())) == NULL)
		return -1;
	SSL_CTX_set_security_level(ctx, 0);
	if (SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0") !=
	    1 || (all = SSL_CTX_get_ciphers(ctx)) == NULL) {
		SSL_CTX_free(ctx);
		ERR_clear_error();
		return -1;
	}
	for (k = 0; k < sk_SSL_CIPHER_num(all) && n + 1 < TF_METRICS_CIPHERS;
	    k++)
		ids[n++] = SSL_CIPHER_get_id(sk_SSL_CIPHER_value(all, k));
	qsort(ids, n, sizeof(ids[0]), cipher_id_cmp);
	for (i = 0; i < n; i++) {
		cipher_ids[i + 1] = ids[i];
		for (k = 0; k < sk_SSL_CIPHER_num(all); k++) {
			const SSL_CIPHER *c = sk_SSL_CIPHER_value(all, k);

			if (SSL_CIPHER_get_id(c) == ids[i])
				cipher_names[i + 1] = SSL_CIPHER_standard_name(c);
		}
		if (cipher_names[i + 1] == NULL)
			cipher_names[i + 1] = "other";
	}
	ncipher_ids = n + 1;
	/* The names are libssl's static strings: they outlive ctx. */
	SSL_CTX_free(ctx);
	return 0;
}

size_t
tf_metrics_cipher_index(const SSL_CIPHER *c)
{
	/* libssl's SSL_CIPHERs are static: a connection's is most often
	 * the one before's, found again without a search (a process has
	 * one thread). */
	static const SSL_CIPHER	*last;
	static size_t		 last_index;
	uint32_t		 id;
	const uint32_t		*p;

	if (c == NULL || ncipher_ids <= 1)
		return 0;
	if (c == last)
		return last_index;
	id = SSL_CIPHER_get_id(c);
	p = bsearch(&id, cipher_ids + 1, ncipher_ids - 1, sizeof(id),
	    cipher_id_cmp);
	last = c;
	last_index = p == NULL ? 0 : (size_t)(p - cipher_ids);
	return last_index;
}

const char *
tf_metrics_cipher_name(size_t index)
{
	return index < ncipher_ids ? cipher_names[index] : "other";
}

/* Why a handshake failed. */

static bool
failure_is_version(int reason, uint16_t sent, uint16_t received)
{
	switch (reason) {
	case SSL_R_UNSUPPORTED_PROTOCOL:
	case SSL_R_VERSION_TOO_LOW:
	case SSL_R_VERSION_TOO_HIGH:
	case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
	case SSL_R_INAPPROPRIATE_FALLBACK:
	case SSL_R_TLSV1_ALERT_INAPPROPRIATE_FALLBACK:
		return true;
	}
	return (sent & 0xff) == SSL_AD_PROTOCOL_VERSION ||
	    (received & 0xff) == SSL_AD_PROTOCOL_VERSION;
}

static bool
failure_is_client_cert(int reason, uint16_t sent)
{
	switch (reason) {
	case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
	case SSL_R_CERTIFICATE_VERIFY_FAILED:
	case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
		return true;
	}
	return (sent & 0xff) == SSL_AD_CERTIFICATE_REQUIRED;
}

enum tf_hs_failure
tf_metrics_failure_reason(bool timed_out, unsigned long error_code,
    uint16_t alert_sent, uint16_t alert_received)
{
	int	reason = ERR_GET_LIB(error_code) == ERR_LIB_SSL ?
		    ERR_GET_REASON(error_code) : 0;

	if (timed_out)
		return TF_HS_FAIL_TIMEOUT;
	if (reason == SSL_R_NO_SHARED_CIPHER)
		return TF_HS_FAIL_NO_SHARED_CIPHER;
	if (failure_is_version(reason, alert_sent, alert_received))
		return TF_HS_FAIL_VERSION;
	if (failure_is_client_cert(reason, alert_sent))
		return TF_HS_FAIL_CLIENT_CERT;
	if (alert_received != 0)
		return TF_HS_FAIL_ALERT_RECEIVED;
	if (alert_sent != 0)
		return TF_HS_FAIL_ALERT_SENT;
	return TF_HS_FAIL_OTHER;
}

/* Counting. */

void
tf_metrics_handshake(struct tf_metrics_slot *m, uint32_t listener_key,
    const SSL *ssl, uint64_t us)
{
	int	version = SSL_version(ssl);
	size_t	b;

	if (listener_key != TF_METRICS_NONE)
		tf_counter_add(SSL_session_reused(ssl) ?
		    &m->listeners[listener_key].resumed :
		    &m->listeners[listener_key].handshakes, 1);
	if (version >= TLS1_VERSION && version - TLS1_VERSION <
	    TF_METRICS_VERSIONS)
		tf_counter_add(&m->by_cipher[version - TLS1_VERSION]
		    [tf_metrics_cipher_index(SSL_get_current_cipher(ssl))], 1);
	for (b = 0; b < TF_HS_BUCKETS && us > tf_metrics_hs_bucket_us[b]; b++)
		;
	tf_counter_add(&m->hs_buckets[b], 1);
	tf_counter_add(&m->hs_sum_us, us);
}

/*
 * What tlsfront's own probe handshakes (lib/handshake.c, for -t's
 * warnings) added to a context's counters, which libssl cannot take back:
 * kept in the context (ex_data, freed with it), taken off every read.
 */
static CRYPTO_ONCE	probes_once = CRYPTO_ONCE_STATIC_INIT;
static int		probes_idx = -1;

static void
probes_free_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
    long argl, void *argp)
{
	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	free(ptr);
}

static void
probes_init(void)
{
	probes_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL,
	    probes_free_cb);
}

static uint64_t *
probes_of(const SSL_CTX *ctx)
{
	if (CRYPTO_THREAD_run_once(&probes_once, probes_init) != 1 ||
	    probes_idx < 0)
		return NULL;
	return SSL_CTX_get_ex_data(ctx, probes_idx);
}

/* Without memory for the note the probe stays counted: a figure off by
 * one beats a failed -t. */
void
tf_metrics_probes_end(SSL_CTX *ctx, const uint64_t *before)
{
	uint64_t	now[TF_SESS_N], *p;
	size_t		i;

	if ((p = probes_of(ctx)) == NULL) {
		if (probes_idx < 0 ||
		    (p = calloc(TF_SESS_N, sizeof(*p))) == NULL)
			return;
		if (SSL_CTX_set_ex_data(ctx, probes_idx, p) != 1) {
			free(p);
			return;
		}
	}
	tf_metrics_sess_read_raw(ctx, now);
	/* "number" is a gauge: the probes' sessions leave the cache. */
	for (i = 0; i < TF_SESS_N; i++)
		if (i != TF_SESS_NUMBER)
			p[i] += now[i] - before[i];
}

void
tf_metrics_sess_read_raw(SSL_CTX *ctx, uint64_t *s)
{
	s[TF_SESS_NUMBER] = (uint64_t)SSL_CTX_sess_number(ctx);
	s[TF_SESS_CONNECT] = (uint64_t)SSL_CTX_sess_connect(ctx);
	s[TF_SESS_CONNECT_GOOD] = (uint64_t)SSL_CTX_sess_connect_good(ctx);
	s[TF_SESS_CONNECT_RENEGOTIATE] =
	    (uint64_t)SSL_CTX_sess_connect_renegotiate(ctx);
	s[TF_SESS_ACCEPT] = (uint64_t)SSL_CTX_sess_accept(ctx);
	s[TF_SESS_ACCEPT_GOOD] = (uint64_t)SSL_CTX_sess_accept_good(ctx);
	s[TF_SESS_ACCEPT_RENEGOTIATE] =
	    (uint64_t)SSL_CTX_sess_accept_renegotiate(ctx);
	s[TF_SESS_HITS] = (uint64_t)SSL_CTX_sess_hits(ctx);
	s[TF_SESS_MISSES] = (uint64_t)SSL_CTX_sess_misses(ctx);
	s[TF_SESS_TIMEOUTS] = (uint64_t)SSL_CTX_sess_timeouts(ctx);
	s[TF_SESS_CACHE_FULL] = (uint64_t)SSL_CTX_sess_cache_full(ctx);
}

void
tf_metrics_sess_read(SSL_CTX *ctx, uint64_t *s)
{
	const uint64_t	*p;
	size_t		 i;

	tf_metrics_sess_read_raw(ctx, s);
	if ((p = probes_of(ctx)) == NULL)
		return;
	for (i = 0; i < TF_SESS_N; i++)
		s[i] = s[i] > p[i] ? s[i] - p[i] : 0;
}

void
tf_metrics_sessions(struct tf_metrics_slot *m, uint32_t context_key,
    SSL_CTX *ctx, const uint64_t *base)
{
	uint64_t	s[TF_SESS_N];
	size_t		i;

	if (context_key == TF_METRICS_NONE)
		return;
	tf_metrics_sess_read(ctx, s);
	for (i = 0; i < TF_SESS_N; i++)
		atomic_store_explicit(&m->sessions[context_key][i], s[i] +
		    (base != NULL && i != TF_SESS_NUMBER ? base[i] : 0),
		    memory_order_relaxed);
}

/* Adding slots up: a slot is an array of counters. */

#define SLOT_COUNTERS	(sizeof(struct tf_metrics_slot) / sizeof(tf_counter))

void
tf_metrics_sum(struct tf_metrics_slot *to, const struct tf_metrics_slot *from)
{
	tf_counter		*t = (tf_counter *)to;
	const tf_counter	*f = (const tf_counter *)from;
	size_t			 i;

	for (i = 0; i < SLOT_COUNTERS; i++)
		tf_counter_add(&t[i], tf_counter_get(&f[i]));
}

void
tf_metrics_fold(struct tf_metrics_slot *to, const struct tf_metrics_slot *from)
{
	size_t	i;

	tf_metrics_sum(to, from);
	/* A worker's gauges end with it. */
	for (i = 0; i < TF_METRICS_LISTENERS; i++) {
		tf_counter_add(&to->listeners[i].open,
		    -tf_counter_get(&from->listeners[i].open));
		tf_counter_add(&to->listeners[i].serving,
		    -tf_counter_get(&from->listeners[i].serving));
	}
	for (i = 0; i < TF_METRICS_CONTEXTS; i++)
		tf_counter_add(&to->sessions[i][TF_SESS_NUMBER],
		    -tf_counter_get(&from->sessions[i][TF_SESS_NUMBER]));
}
