/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the table the admin endpoint reads (lib/metrics.h), in memory
 * the master maps before it forks: what the master knows (generation,
 * reloads, which processes live), one counter slot per worker process,
 * and the slot of the workers that exited. Mapped only once a
 * configuration enables daemon.admin.
 */
#ifndef TF_COUNTERS_H
#define TF_COUNTERS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "metrics.h"

/* Worker processes at once, retiring ones included (master.c). */
#define TF_MAX_PROCS		1024

struct tf_counters_proc {
	_Atomic uint32_t	live;		/* its slot counts */
	_Atomic uint32_t	retiring;
	_Atomic uint64_t	generation;
};

/* Written by the master only. */
struct tf_counters_master {
	_Atomic uint64_t	generation;	/* of the current config */
	_Atomic uint64_t	reloads_ok;
	_Atomic uint64_t	reloads_failed;
	_Atomic int64_t		started;
	_Atomic int64_t		last_reload;
	_Atomic uint32_t	draining;
	/* Odd while the master folds an exited worker's slot: a reader
	 * that saw it change sums again (no count seen twice or lost). */
	_Atomic uint64_t	fold_seq;
	struct tf_counters_proc	procs[TF_MAX_PROCS];
};

struct tf_counters {
	struct tf_counters_master	master;
	struct tf_metrics_slot		retired;
	struct tf_metrics_slot		slots[TF_MAX_PROCS];
};

/* The master's: map the table (NULL, logged, if it cannot). */
struct tf_counters	*tf_counters_map(void);

/* The master's: process proc starts on generation gen (slot zeroed),
 * retires, or exited (its counters join the retired slot). */
void	tf_counters_spawned(struct tf_counters *, size_t proc, uint64_t gen);
void	tf_counters_retiring(struct tf_counters *, size_t proc);
void	tf_counters_exited(struct tf_counters *, size_t proc);

/*
 * The admin process's: the retired slot plus every live one into *sum
 * (zeroed first), and into serving[key] (TF_METRICS_LISTENERS long)
 * whether a live worker of generation gen accepts on that listener.
 * Counts workers running and retiring.
 */
void	tf_counters_snapshot(const struct tf_counters *, uint64_t gen,
	    struct tf_metrics_slot *sum, bool *serving, size_t *running,
	    size_t *retiring);

#endif
