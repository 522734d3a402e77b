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
#include "routes.h"

struct tf_health_map;

struct tf_generation {
	struct tf_config	*config;
	SSL_CTX			**contexts;	/* one per config->contexts[i] */
	struct tf_routes	**routes;	/* per listener; NULL: none */
	struct tf_errs		 warnings;	/* "file:line: warning: ..." */
	/* Its servers' slots in the shared state (health.h); set by the
	 * master before it forks, NULL elsewhere. */
	struct tf_health_map	*health;
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
