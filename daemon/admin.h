/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the admin process, serving daemon.admin's HTTP endpoint:
 * /metrics (Prometheus text), /healthz (for balancers) and /status
 * (an HTML page).
 *
 * Why a process of its own: the master waits for signals and must
 * answer them at once (a reload may take seconds to build contexts, and
 * a balancer's probe must not wait for it), and the workers serve the
 * data path, which a scrape or a slow admin client must never delay.
 * The admin process is forked by the master for each generation, like a
 * worker without listeners, reads the counters every worker writes into
 * shared memory (counters.h), and is the only process that formats them.
 */
#ifndef TF_ADMIN_H
#define TF_ADMIN_H

#include "counters.h"

struct tf_generation;

/*
 * Serve the endpoint on the listening socket fd (taken over) for gen,
 * until SIGTERM or SIGUSR2 (the master's: stop, or a reload replaced
 * it). Returns 0, or -1 if it could not start.
 */
int	tf_admin_run(struct tf_generation *gen, int fd,
	    const struct tf_counters *counters);

#endif
