/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the shared table behind the admin endpoint.
 *
 * Workers share nothing on the hot path: each counts into its own slot
 * (one writer, relaxed stores, lib/metrics.h). The master marks which
 * slots are live and, when a worker exits, adds its counters to the
 * retired slot, so that a sum never goes down across restarts and
 * reloads. The admin process only reads.
 */
#include <sys/mman.h>

#include <errno.h>
#include <string.h>

#include "counters.h"
#include "log.h"

struct tf_counters *
tf_counters_map(void)
{
	void	*p;

	p = mmap(NULL, sizeof(struct tf_counters), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		tf_log_err("mmap of the admin endpoint's counters (%zu "
		    "bytes): %s", sizeof(struct tf_counters), strerror(errno));
		return NULL;
	}
	return p;
}

void
tf_counters_spawned(struct tf_counters *t, size_t proc, uint64_t gen)
{
	struct tf_counters_proc	*p = &t->master.procs[proc];

	memset(&t->slots[proc], 0, sizeof(t->slots[proc]));
	atomic_store(&p->generation, gen);
	atomic_store(&p->retiring, 0);
	atomic_store(&p->live, 1);
}

void
tf_counters_retiring(struct tf_counters *t, size_t proc)
{
	atomic_store(&t->master.procs[proc].retiring, 1);
}

void
tf_counters_exited(struct tf_counters *t, size_t proc)
{
	if (!atomic_load(&t->master.procs[proc].live))
		return;
	atomic_fetch_add(&t->master.fold_seq, 1);
	tf_metrics_fold(&t->retired, &t->slots[proc]);
	atomic_store(&t->master.procs[proc].live, 0);
	atomic_fetch_add(&t->master.fold_seq, 1);
}

static void
snapshot_once(const struct tf_counters *t, uint64_t gen,
    struct tf_metrics_slot *sum, bool *serving, size_t *running,
    size_t *retiring)
{
	const struct tf_counters_proc	*p;
	size_t				 i, k;

	memset(sum, 0, sizeof(*sum));
	memset(serving, 0, TF_METRICS_LISTENERS * sizeof(*serving));
	*running = *retiring = 0;
	tf_metrics_sum(sum, &t->retired);
	for (i = 0; i < TF_MAX_PROCS; i++) {
		p = &t->master.procs[i];
		if (!atomic_load_explicit(&p->live, memory_order_acquire))
			continue;
		tf_metrics_sum(sum, &t->slots[i]);
		if (atomic_load(&p->retiring)) {
			(*retiring)++;
			continue;
		}
		(*running)++;
		if (atomic_load(&p->generation) != gen)
			continue;
		for (k = 0; k < TF_METRICS_LISTENERS; k++)
			serving[k] |= tf_counter_get(
			    &t->slots[i].listeners[k].serving) != 0;
	}
}

void
tf_counters_snapshot(const struct tf_counters *t, uint64_t gen,
    struct tf_metrics_slot *sum, bool *serving, size_t *running,
    size_t *retiring)
{
	uint64_t	seq;
	int		tries;

	/* A fold takes microseconds; after a few tries, take what is. */
	for (tries = 0; tries < 100; tries++) {
		seq = atomic_load(&t->master.fold_seq);
		if (seq % 2 != 0)
			continue;
		snapshot_once(t, gen, sum, serving, running, retiring);
		if (atomic_load(&t->master.fold_seq) == seq)
			return;
	}
	snapshot_once(t, gen, sum, serving, running, retiring);
}
