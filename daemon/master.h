/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the master process. It owns the current generation and its
 * listening sockets, forks one worker process per slot, restarts a worker
 * that dies, reloads on SIGHUP (new workers on the new generation, the old
 * ones retire once their connections end) and stops on SIGTERM/SIGINT.
 */
#ifndef TF_MASTER_H
#define TF_MASTER_H

#include <stddef.h>

#include "errs.h"

struct tf_generation;
struct tf_inherited;
struct tf_sockets;

/* Loads and builds a new generation for a reload; NULL with errs filled. */
typedef struct tf_generation *(*tf_master_load_fn)(void *arg,
    struct tf_errs *errs);

struct tf_master_params {
	struct tf_generation	*gen;		/* taken over */
	struct tf_sockets	*sockets;	/* taken over */
	struct tf_inherited	*inherited;	/* borrowed */
	size_t			 nworkers;
	tf_master_load_fn	 load;
	void			*load_arg;
	int			 admin_fd;	/* taken over; -1: none */
};

/* Number of workers for a configuration (daemon.workers, 0: CPUs). */
size_t	tf_master_worker_count(const struct tf_generation *);

/*
 * Run until stopped. Returns 0 if every worker stopped cleanly, -1
 * otherwise. Frees the generation and sockets it was given.
 */
int	tf_master_run(struct tf_master_params *);

#endif
