/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the counters behind the admin endpoint (daemon.admin), and
 * what /metrics, /healthz and /status are rendered from.
 *
 * Every worker counts into a slot of its own (struct tf_metrics_slot) in
 * memory the master maps before forking: one writer per slot, relaxed
 * loads and stores, no lock and no shared cache line on the data path.
 * A listener and a context are counted under a key the master gives
 * their name (tf_metrics_keys), the same key in every generation that
 * names them, so that the master can add a worker's slot to the slot of
 * the retired ones when it exits and every counter keeps rising across
 * reloads and restarts. The admin process sums the slots into a view
 * (struct tf_metrics_view) and renders it.
 */
#ifndef TF_METRICS_H
#define TF_METRICS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/ssl.h>

#include "config.h"

/* Listeners and contexts counted, by name, over all generations. */
#define TF_METRICS_LISTENERS	128
#define TF_METRICS_CONTEXTS	128
/* TLS 1.0, 1.1, 1.2, 1.3 (index: version - TLS1_VERSION). */
#define TF_METRICS_VERSIONS	4
/* Ciphers libssl knows, TLS 1.3's and every legacy one (tf_metrics_
 * cipher_index); 0 is "other", for one it does not list. */
#define TF_METRICS_CIPHERS	192

/* Why a handshake failed (tf_metrics_failure_reason). */
enum tf_hs_failure {
	TF_HS_FAIL_TIMEOUT = 0,		/* timeouts.handshake */
	TF_HS_FAIL_NO_SHARED_CIPHER,
	TF_HS_FAIL_VERSION,		/* no protocol version in common */
	TF_HS_FAIL_CLIENT_CERT,		/* missing or refused */
	TF_HS_FAIL_ALERT_RECEIVED,	/* the client sent a fatal alert */
	TF_HS_FAIL_ALERT_SENT,		/* we sent one, for another reason */
	TF_HS_FAIL_OTHER,		/* not TLS, closed, reset, too large */
	TF_HS_FAIL_N
};

/* Python's SSLContext.session_stats(), in its order. "number" is a
 * gauge (sessions in the cache); the rest count. */
enum tf_sess_stat {
	TF_SESS_NUMBER = 0,
	TF_SESS_CONNECT,
	TF_SESS_CONNECT_GOOD,
	TF_SESS_CONNECT_RENEGOTIATE,
	TF_SESS_ACCEPT,
	TF_SESS_ACCEPT_GOOD,
	TF_SESS_ACCEPT_RENEGOTIATE,
	TF_SESS_HITS,
	TF_SESS_MISSES,
	TF_SESS_TIMEOUTS,
	TF_SESS_CACHE_FULL,
	TF_SESS_N
};

/* The limits that pause or refuse connections, and how often each bit. */
enum tf_limit_kind {
	TF_LIMIT_MAX_CONNECTIONS = 0,	/* daemon.max_connections */
	TF_LIMIT_HANDSHAKES,		/* limits.handshakes */
	TF_LIMIT_ADDRESS_CONNECTIONS,	/* limits.per_address_connections */
	TF_LIMIT_ADDRESS_RATE,		/* limits.per_address_rate */
	TF_LIMIT_CLIENT_HELLO,		/* limits.client_hello */
	TF_LIMIT_FILE_DESCRIPTORS,	/* accept() found none left */
	TF_LIMIT_N
};

/* Handshake duration buckets, upper bounds in microseconds. */
#define TF_HS_BUCKETS	12
extern const uint32_t tf_metrics_hs_bucket_us[TF_HS_BUCKETS];

typedef _Atomic uint64_t tf_counter;

struct tf_metrics_listener {
	tf_counter	open;			/* gauge */
	tf_counter	accepted;
	tf_counter	bytes_in;		/* from clients */
	tf_counter	bytes_out;		/* to clients */
	tf_counter	handshakes;		/* completed, full ones */
	tf_counter	resumed;		/* completed, resumed */
	tf_counter	failures[TF_HS_FAIL_N];
	tf_counter	serving;		/* gauge: 1 while it accepts */
};

/* One worker's counters (or the sum of several). */
struct tf_metrics_slot {
	struct tf_metrics_listener	listeners[TF_METRICS_LISTENERS];
	tf_counter	sessions[TF_METRICS_CONTEXTS][TF_SESS_N];
	tf_counter	by_cipher[TF_METRICS_VERSIONS][TF_METRICS_CIPHERS];
	tf_counter	hs_buckets[TF_HS_BUCKETS + 1];	/* last: +Inf */
	tf_counter	hs_sum_us;
	tf_counter	limit_hits[TF_LIMIT_N];
	tf_counter	no_backend;		/* no server answered */
};

/* One writer: a relaxed load and store, no locked instruction. */
static inline void
tf_counter_add(tf_counter *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c,
	    memory_order_relaxed) + n, memory_order_relaxed);
}

static inline uint64_t
tf_counter_get(const tf_counter *c)
{
	return atomic_load_explicit((tf_counter *)c, memory_order_relaxed);
}

/*
 * Keys of names: listener i of a configuration is counted in
 * listeners[key[i]] of every slot. Kept by the master for its lifetime;
 * a name keeps its key. TF_METRICS_NONE: not counted (more names than
 * keys; tf_metrics_keys_bind says so).
 */
#define TF_METRICS_NONE	UINT32_MAX
struct tf_metrics_keys;
struct tf_metrics_keys	*tf_metrics_keys_new(void);
void			 tf_metrics_keys_free(struct tf_metrics_keys *);

/* Keys for every listener and context of cf, into the arrays given
 * (cf->nlisteners and cf->ncontexts long). Returns how many names got no
 * key (0: all counted). */
size_t	tf_metrics_keys_bind(struct tf_metrics_keys *, const struct
	    tf_config *cf, uint32_t *listener_key, uint32_t *context_key);

/* A listener's name in the metrics and logs: what `listen` says. */
const char	*tf_metrics_listener_name(const struct tf_listener_conf *);

/* The cipher table: built once (before forking), the same in every
 * process. Index 0 is "other". */
int		 tf_metrics_ciphers_init(void);
size_t		 tf_metrics_cipher_index(const SSL_CIPHER *);
const char	*tf_metrics_cipher_name(size_t index);

/* Where a failed handshake belongs: timed_out, else from the libssl error
 * code (tf_side.error_code) and the alerts (level << 8 | description). */
enum tf_hs_failure	tf_metrics_failure_reason(bool timed_out,
			    unsigned long error_code, uint16_t alert_sent,
			    uint16_t alert_received);
const char		*tf_metrics_failure_name(enum tf_hs_failure);
const char		*tf_metrics_sess_name(enum tf_sess_stat);
const char		*tf_metrics_limit_name(enum tf_limit_kind);

/* Count a completed handshake of ssl taking us microseconds. */
void	tf_metrics_handshake(struct tf_metrics_slot *, uint32_t listener_key,
	    const SSL *ssl, uint64_t us);
/* Copy ctx's session_stats() (plus base: contexts it replaced). */
void	tf_metrics_sessions(struct tf_metrics_slot *, uint32_t context_key,
	    SSL_CTX *ctx, const uint64_t *base);
/* Read ctx's session_stats() into stats[TF_SESS_N], less what
 * tlsfront's own probe handshakes added (tf_metrics_probes_end). */
void	tf_metrics_sess_read(SSL_CTX *ctx, uint64_t *stats);
/* The same as libssl counts it, probes included. */
void	tf_metrics_sess_read_raw(SSL_CTX *ctx, uint64_t *stats);
/* A probe handshake on ctx (lib/handshake.c) ends; before is what
 * tf_metrics_sess_read_raw gave as it began: note what it added. */
void	tf_metrics_probes_end(SSL_CTX *ctx, const uint64_t *before);

/* to += from, counters only (gauges are left as they are in to). */
void	tf_metrics_fold(struct tf_metrics_slot *to,
	    const struct tf_metrics_slot *from);
/* to += from, gauges included (summing live workers). */
void	tf_metrics_sum(struct tf_metrics_slot *to,
	    const struct tf_metrics_slot *from);

/* A certificate a context serves, for /metrics and /status. */
struct tf_metrics_cert {
	size_t		 context;		/* into the config's contexts */
	const char	*file;
	char		 subject[256];		/* RFC 2253 */
	char		 key_type[80];		/* "RSA 2048", "EC P-256" */
	time_t		 not_after;
};

/* A backend server's state. */
struct tf_metrics_server {
	size_t		 backend;
	size_t		 server;
	bool		 up;
	uint64_t	 connect_failures;
};

/*
 * Everything a render needs, gathered by the admin process: the
 * configuration it serves (names), the summed slot (sum), and what the
 * master and the health table say. Borrowed pointers.
 */
struct tf_metrics_view {
	const struct tf_config		*cf;
	const uint32_t			*listener_key;
	const uint32_t			*context_key;
	const struct tf_metrics_slot	*sum;
	/* Per configured listener: whether some worker accepts on it. */
	const bool			*listener_up;
	const struct tf_metrics_cert	*certs;
	size_t				 ncerts;
	const struct tf_metrics_server	*servers;
	size_t				 nservers;
	/* The limits' values, 0: off (tf_limit_kind). */
	uint64_t			 limits[TF_LIMIT_N];
	uint64_t			 generation;	/* 1, then +1 per reload */
	uint64_t			 reloads_ok;
	uint64_t			 reloads_failed;
	time_t				 started;
	time_t				 last_reload;	/* 0: none */
	size_t				 workers;
	size_t				 workers_retiring;
	bool				 draining;
	time_t				 now;
	/* Over the last minute, per second (for /status); -1: unknown. */
	double				 handshake_rate;
	double				 failure_rate;
	const char			*version;	/* PACKAGE_VERSION */
};

#endif
