/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: a generation is one loaded configuration with the SSL_CTXs
 * built from it. Connections keep the SSL_CTX they were accepted under
 * alive through their SSL object's own reference.
 */
#ifndef TF_GENERATION_H
#define TF_GENERATION_H

#include <openssl/ssl.h>

#include "config.h"
#include "errs.h"
#include "filestamp.h"
#include "routes.h"

struct tf_health_map;

/*
 * The SSL_CTXs built from a configuration, and each listener's routes
 * between them. A context rebuilt after one of its files changed makes a
 * new set; connections accepted under the old one hold a reference until
 * they close, because their SSL objects point into its routes (the
 * SSL_CTXs themselves are reference-counted by OpenSSL).
 */
struct tf_ctxset {
	SSL_CTX			**contexts;	/* one per config->contexts[i] */
	struct tf_routes	**routes;	/* per listener; NULL: none */
	size_t			 ncontexts;
	size_t			 nlisteners;
	unsigned		 refs;
};

struct tf_generation {
	struct tf_config	*config;
	struct tf_ctxset	*set;		/* the one new connections get */
	/* Per context, its files (tf_context_conf_files) as they were when
	 * it was last built: daemon/refresh.c rebuilds it when one changed. */
	struct tf_filestamp	**stamps;
	size_t			*nstamps;
	struct tf_errs		 warnings;	/* "file:line: warning: ..." */
	/* Its servers' slots in the shared state (health.h); set by the
	 * master before it forks, NULL elsewhere. */
	struct tf_health_map	*health;
	/* 1 at start, one more per reload (the master's count), and the
	 * keys of its listeners and contexts in the admin endpoint's
	 * counters (lib/metrics.h): set by the master when daemon.admin
	 * is on, NULL otherwise. */
	uint64_t		 id;
	uint32_t		*listener_keys;
	uint32_t		*context_keys;
};

/*
 * Build every context of config. Takes ownership of config. Returns NULL
 * with errs filled (and config freed) if any context fails. Settings that
 * build but cannot work as written (e.g. TLS 1.0 at security level 2) are
 * listed in the generation's warnings.
 */
struct tf_generation	*tf_generation_new(struct tf_config *config,
			    struct tf_errs *errs);
void			 tf_generation_free(struct tf_generation *);

/*
 * Routes for every listener of config between contexts (one per
 * config->contexts[i], each holding a reference the set now owns).
 * NULL with errs filled if a route is wrong; the references are then
 * dropped.
 */
struct tf_ctxset	*tf_ctxset_new(const struct tf_config *config,
			    SSL_CTX **contexts, struct tf_errs *errs);
struct tf_ctxset	*tf_ctxset_ref(struct tf_ctxset *);
void			 tf_ctxset_unref(struct tf_ctxset *);

/* Stamp context i's files as they are now (before building it). */
void			 tf_generation_stamp(struct tf_generation *,
			    size_t i);

/*
 * emit(line) for every context, in order: one line for -t and the log
 * with its name, where it is defined, its protocol and how its defaults
 * were made (default_suites).
 */
void			 tf_generation_each_summary(
			    const struct tf_generation *,
			    void (*emit)(const char *));
/* Log every context's summary line at info. */
void			 tf_generation_log_contexts(
			    const struct tf_generation *);

#endif
