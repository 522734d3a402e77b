/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: the master process. It forks the workers, restarts one that
 * dies, reloads on SIGHUP and stops on SIGTERM/SIGINT. It waits for
 * signals with sigtimedwait: it serves no connection and runs no event
 * loop of its own.
 */
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "generation.h"
#include "log.h"
#include "master.h"
#include "notify.h"
#include "sockets.h"
#include "worker.h"

#define TF_MAX_WORKERS		256
/* Worker processes at once, retiring ones included. */
#define TF_MAX_PROCS		1024
/* A slot whose worker died this recently is restarted a little later. */
#define TF_RESPAWN_HOLDOFF_SEC	1

struct proc {
	pid_t		 pid;		/* 0: entry free */
	size_t		 slot;
	bool		 retiring;
};

struct master {
	struct tf_master_params	 p;
	struct proc		 procs[TF_MAX_PROCS];
	struct tf_worker_stats	*stats;		/* shared, one per proc */
	time_t			 slot_started[TF_MAX_WORKERS];
	bool			 stopping;
	bool			 failed;
	unsigned		 reloads;
	char			 last_reload[160];
	char			 status[256];
	uint64_t		 watchdog_usec;
	struct timespec		 watchdog_last;
	sigset_t		 waited;
	sigset_t		 saved;
};

size_t
tf_master_worker_count(const struct tf_generation *gen)
{
	long	n = gen->config->workers;

	if (n <= 0 && (n = sysconf(_SC_NPROCESSORS_ONLN)) < 1)
		n = 1;
	return n > TF_MAX_WORKERS ? TF_MAX_WORKERS : (size_t)n;
}

/* In the child: keep only this slot's sockets, then serve. */
static void __attribute__((noreturn))
master_child(struct master *m, size_t slot, struct tf_worker_stats *stats)
{
	int	fds[m->p.gen->config->nlisteners + 1];
	int	rv;

	tf_sockets_close_others(m->p.sockets, m->p.inherited, slot);
	tf_sockets_slot(m->p.sockets, slot, fds);
	/* Signals stay blocked until the worker has its handlers: a retire
	 * or stop request sent right after the fork must not kill it. */
	signal(SIGCHLD, SIG_DFL);
	rv = tf_worker_run(m->p.gen, (int)slot, m->p.nworkers, fds, stats);
	/* Free what the master held, so leak checkers see a clean exit. */
	tf_generation_free(m->p.gen);
	free(m->p.sockets->addrs);
	free(m->p.sockets->inherited);
	free(m->p.sockets->fds);
	free(m->p.sockets);
	free(m->p.inherited->fds);
	free(m->p.inherited->addrs);
	free(m->p.inherited->used);
	exit(rv == 0 ? 0 : 1);
}

static int
master_spawn(struct master *m, size_t slot)
{
	struct proc	*pr = NULL;
	size_t		 i;
	pid_t		 pid;

	for (i = 0; i < TF_MAX_PROCS && pr == NULL; i++)
		if (m->procs[i].pid == 0)
			pr = &m->procs[i];
	if (pr == NULL) {
		tf_log_err("worker %zu: too many worker processes", slot);
		return -1;
	}
	memset(&m->stats[pr - m->procs], 0, sizeof(*m->stats));
	fflush(NULL);
	if ((pid = fork()) == -1) {
		tf_log_warn("worker %zu: fork", slot);
		return -1;
	}
	if (pid == 0)
		master_child(m, slot, &m->stats[pr - m->procs]);
	pr->pid = pid;
	pr->slot = slot;
	pr->retiring = false;
	m->slot_started[slot] = time(NULL);
	tf_log_debug("worker %zu: pid %ld", slot, (long)pid);
	return 0;
}

static void
master_signal_workers(const struct master *m, int sig)
{
	size_t	i;

	for (i = 0; i < TF_MAX_PROCS; i++)
		if (m->procs[i].pid != 0)
			kill(m->procs[i].pid, sig);
}

static size_t
master_count(const struct master *m, bool retiring)
{
	size_t	i, n = 0;

	for (i = 0; i < TF_MAX_PROCS; i++)
		n += m->procs[i].pid != 0 && m->procs[i].retiring == retiring;
	return n;
}

static void
master_exited(struct master *m, struct proc *pr, int status)
{
	bool	clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;

	if (m->stopping || pr->retiring) {
		if (!clean) {
			tf_log_err("worker %zu (pid %ld) did not stop cleanly "
			    "(status 0x%x)", pr->slot, (long)pr->pid, status);
			m->failed = m->failed || m->stopping;
		}
	} else if (WIFSIGNALED(status)) {
		tf_log_err("worker %zu exited on signal %d; restarting",
		    pr->slot, WTERMSIG(status));
	} else {
		tf_log_err("worker %zu exited with status %d; restarting",
		    pr->slot, WEXITSTATUS(status));
	}
	pr->pid = 0;
}

/* Reap our workers only: other children (the --demo backend) are not
 * ours to wait for. */
static void
master_reap(struct master *m)
{
	int	status;
	size_t	i;

	for (i = 0; i < TF_MAX_PROCS; i++)
		if (m->procs[i].pid != 0 &&
		    waitpid(m->procs[i].pid, &status, WNOHANG) ==
		    m->procs[i].pid)
			master_exited(m, &m->procs[i], status);
}

static bool
master_slot_running(const struct master *m, size_t slot)
{
	size_t	i;

	for (i = 0; i < TF_MAX_PROCS; i++)
		if (m->procs[i].pid != 0 && !m->procs[i].retiring &&
		    m->procs[i].slot == slot)
			return true;
	return false;
}

/* Restart dead workers, but not one that died right after starting. */
static void
master_respawn(struct master *m)
{
	time_t	now = time(NULL);
	size_t	slot;

	for (slot = 0; slot < m->p.nworkers && !m->stopping; slot++)
		if (!master_slot_running(m, slot) &&
		    now - m->slot_started[slot] >= TF_RESPAWN_HOLDOFF_SEC)
			master_spawn(m, slot);
}

static void
master_log_errors(const struct tf_errs *errs)
{
	size_t	i;

	for (i = 0; i < tf_errs_count(errs); i++)
		tf_log_err("%s", tf_errs_get(errs, i));
}

/*
 * SIGHUP: build the whole new generation and its sockets first; only if
 * all of it worked, start new workers on it and retire the old ones.
 */
static void
master_reload(struct master *m)
{
	struct tf_errs		 errs;
	struct tf_generation	*gen;
	struct tf_sockets	*sockets = NULL;
	bool			 retire[TF_MAX_PROCS];
	size_t			 i, nworkers = 0;

	tf_notify_reloading();
	tf_log_notice("SIGHUP: reloading the configuration");
	tf_errs_init(&errs);
	if ((gen = m->p.load(m->p.load_arg, &errs)) != NULL) {
		nworkers = tf_master_worker_count(gen);
		sockets = tf_sockets_open(gen->config, nworkers, m->p.sockets,
		    m->p.inherited, &errs);
		if (sockets == NULL) {
			tf_generation_free(gen);
			gen = NULL;
		}
	}
	if (gen == NULL) {
		master_log_errors(&errs);
		snprintf(m->last_reload, sizeof(m->last_reload),
		    "reload failed, still on the previous configuration: %s",
		    tf_errs_count(&errs) > 0 ? tf_errs_get(&errs, 0) : "?");
		tf_log_err("%s", m->last_reload);
		tf_errs_free(&errs);
		tf_notify_ready();
		return;
	}
	tf_errs_free(&errs);
	for (i = 0; i < tf_errs_count(&gen->warnings); i++)
		tf_log_warnx("%s", tf_errs_get(&gen->warnings, i));
	tf_sockets_free(m->p.sockets);
	tf_generation_free(m->p.gen);
	m->p.sockets = sockets;
	m->p.gen = gen;
	m->p.nworkers = nworkers;
	/* Retire the workers of the previous generation (each once; those
	 * retired by earlier reloads are already on their way out). */
	for (i = 0; i < TF_MAX_PROCS; i++) {
		retire[i] = m->procs[i].pid != 0 && !m->procs[i].retiring;
		if (retire[i])
			m->procs[i].retiring = true;
	}
	memset(m->slot_started, 0, sizeof(m->slot_started));
	for (i = 0; i < nworkers; i++)
		master_spawn(m, i);
	for (i = 0; i < TF_MAX_PROCS; i++)
		if (retire[i])
			kill(m->procs[i].pid, SIGUSR2);
	m->reloads++;
	snprintf(m->last_reload, sizeof(m->last_reload), "reload %u ok",
	    m->reloads);
	tf_log_notice("reloaded: %zu listener(s), %zu worker(s)",
	    gen->config->nlisteners, nworkers);
	tf_generation_log_contexts(gen);
	tf_notify_ready();
}

static void
master_stop(struct master *m, int sig)
{
	if (!m->stopping) {
		tf_log_notice("signal %d: stopping", sig);
		tf_notify_stopping();
		m->stopping = true;
		/* Listening sockets go away with the workers' own copies. */
		tf_sockets_free(m->p.sockets);
		m->p.sockets = NULL;
	}
	master_signal_workers(m, SIGTERM);
}

static void
master_update_status(struct master *m)
{
	char		status[sizeof(m->status)];
	uint64_t	active = 0, accepted = 0;
	size_t		i;

	for (i = 0; i < TF_MAX_PROCS; i++) {
		if (m->procs[i].pid == 0)
			continue;
		active += atomic_load_explicit(&m->stats[i].active,
		    memory_order_relaxed);
		accepted += atomic_load_explicit(&m->stats[i].accepted,
		    memory_order_relaxed);
	}
	snprintf(status, sizeof(status), "%llu connection(s) open, %llu "
	    "accepted since last start/reload; %zu worker(s), %zu retiring%s%s",
	    (unsigned long long)active, (unsigned long long)accepted,
	    master_count(m, false), master_count(m, true),
	    m->last_reload[0] != '\0' ? "; " : "", m->last_reload);
	if (strcmp(status, m->status) != 0) {
		memcpy(m->status, status, sizeof(status));
		tf_notify_status(m->status);
	}
}

static void
master_watchdog(struct master *m)
{
	struct timespec	now;
	uint64_t	since;

	if (m->watchdog_usec == 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	since = (uint64_t)(now.tv_sec - m->watchdog_last.tv_sec) * 1000000 +
	    (uint64_t)((now.tv_nsec - m->watchdog_last.tv_nsec) / 1000);
	if (since >= m->watchdog_usec / 4) {
		tf_notify_watchdog();
		m->watchdog_last = now;
	}
}

static void
master_loop(struct master *m)
{
	struct timespec	 tick = { 1, 0 };
	int		 sig;

	if (m->watchdog_usec > 0 && m->watchdog_usec / 4 < 1000000) {
		tick.tv_sec = 0;
		tick.tv_nsec = (long)(m->watchdog_usec / 4 * 1000);
	}
	while (!m->stopping || master_count(m, false) +
	    master_count(m, true) > 0) {
		sig = sigtimedwait(&m->waited, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT)
			master_stop(m, sig);
		else if (sig == SIGHUP && !m->stopping)
			master_reload(m);
		master_reap(m);
		master_respawn(m);
		master_update_status(m);
		master_watchdog(m);
	}
}

int
tf_master_run(struct tf_master_params *p)
{
	struct master	*m;
	sigset_t	 blocked;
	size_t		 i;
	int		 rv;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		tf_fatal("calloc");
	m->p = *p;
	m->stats = mmap(NULL, TF_MAX_PROCS * sizeof(*m->stats),
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m->stats == MAP_FAILED)
		tf_fatal("mmap");
	m->watchdog_usec = tf_notify_watchdog_usec();
	clock_gettime(CLOCK_MONOTONIC, &m->watchdog_last);
	sigemptyset(&m->waited);
	sigaddset(&m->waited, SIGTERM);
	sigaddset(&m->waited, SIGINT);
	sigaddset(&m->waited, SIGHUP);
	sigaddset(&m->waited, SIGCHLD);
	/* SIGUSR2 is not for the master; blocked so workers inherit it so. */
	blocked = m->waited;
	sigaddset(&blocked, SIGUSR2);
	sigprocmask(SIG_BLOCK, &blocked, &m->saved);
	for (i = 0; i < m->p.nworkers; i++)
		if (master_spawn(m, i) == -1)
			m->failed = true;
	tf_notify_ready();
	master_update_status(m);
	master_loop(m);
	sigprocmask(SIG_SETMASK, &m->saved, NULL);
	tf_sockets_free(m->p.sockets);
	tf_generation_free(m->p.gen);
	munmap(m->stats, TF_MAX_PROCS * sizeof(*m->stats));
	rv = m->failed ? -1 : 0;
	free(m);
	return rv;
}
