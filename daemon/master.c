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

#include "admin.h"
#include "admin_socket.h"
#include "clock.h"
#include "counters.h"
#include "generation.h"
#include "health.h"
#include "log.h"
#include "master.h"
#include "notify.h"
#include "sockets.h"
#include "worker.h"

#define TF_MAX_WORKERS		256
/* Admin processes replaced by a reload that have not exited yet. */
#define TF_MAX_OLD_ADMINS	8
/* A slot whose worker died this recently is restarted a little later. */
#define TF_RESPAWN_HOLDOFF_SEC	1
/* At most one "cannot be restarted" line this often. */
#define TF_RESPAWN_LOG_SEC	10
/* How long the new workers of a reload have to report that they run. */
#define TF_START_TIMEOUT_SEC	10

struct proc {
	pid_t		 pid;		/* 0: entry free */
	size_t		 slot;
	bool		 starting;	/* of a reload not yet committed */
	bool		 retiring;
	bool		 hard_stopped;	/* sent SIGTERM at timeouts.retire */
	double		 retired_at;	/* monotonic seconds */
};

struct master {
	struct tf_master_params	 p;
	/* During a reload: the generation that serves until the new
	 * workers run (the new one is already in p). */
	struct tf_generation	*old_gen;
	struct tf_sockets	*old_sockets;
	size_t			 old_nworkers;
	struct proc		 procs[TF_MAX_PROCS];
	struct tf_worker_stats	*stats;		/* shared, one per proc */
	time_t			 slot_started[TF_MAX_WORKERS];
	bool			 stopping;
	bool			 failed;
	char			 start_failure[120];	/* "": none */
	unsigned		 reloads;
	char			 last_reload[200];
	char			 status[320];
	time_t			 respawn_logged;
	uint64_t		 watchdog_usec;
	struct timespec		 watchdog_last;
	sigset_t		 waited;
	sigset_t		 saved;
	/* The admin endpoint (daemon.admin): its socket (-1: off), the
	 * counters it reads (NULL until a configuration enables it), the
	 * keys of names in them, and its process. */
	int			 admin_fd;
	int			 admin_fd_next;	/* a reload's, until commit */
	struct tf_counters	*counters;
	struct tf_metrics_keys	*keys;
	uint64_t		 generations;
	pid_t			 admin_pid;
	time_t			 admin_started;
	pid_t			 old_admins[TF_MAX_OLD_ADMINS];
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
	if (m->admin_fd != -1)
		close(m->admin_fd);
	if (m->admin_fd_next != -1)
		close(m->admin_fd_next);
	/* Signals stay blocked until the worker has its handlers: a retire
	 * or stop request sent right after the fork must not kill it. */
	signal(SIGCHLD, SIG_DFL);
	/* Mid-reload, the previous generation's sockets are the old
	 * workers' to serve; a new worker must not keep them open. */
	tf_sockets_free(m->old_sockets);
	tf_generation_free(m->old_gen);
	rv = tf_worker_run(m->p.gen, (int)slot, m->p.nworkers, fds, stats,
	    m->counters != NULL ? &m->counters->slots[stats - m->stats] :
	    NULL);
	/* Free what the master held, so leak checkers see a clean exit. */
	tf_generation_free(m->p.gen);
	free(m->p.sockets->addrs);
	free(m->p.sockets->inherited);
	free(m->p.sockets->fds);
	free(m->p.sockets->taken);
	free(m->p.sockets);
	free(m->p.inherited->fds);
	free(m->p.inherited->addrs);
	free(m->p.inherited->used);
	exit(rv == 0 ? 0 : 1);
}

static size_t
master_free_entries(const struct master *m)
{
	size_t	i, n = 0;

	for (i = 0; i < TF_MAX_PROCS; i++)
		n += m->procs[i].pid == 0;
	return n;
}

/*
 * Fork the worker of a slot on the current generation. Returns its entry,
 * or NULL with the reason in why.
 */
static struct proc *
master_spawn(struct master *m, size_t slot, char *why, size_t whylen)
{
	struct proc	*pr = NULL;
	size_t		 i;
	pid_t		 pid;

	m->slot_started[slot] = time(NULL);
	for (i = 0; i < TF_MAX_PROCS && pr == NULL; i++)
		if (m->procs[i].pid == 0)
			pr = &m->procs[i];
	if (pr == NULL) {
		snprintf(why, whylen, "too many worker processes (%d, "
		    "retiring ones included)", TF_MAX_PROCS);
		return NULL;
	}
	memset(&m->stats[pr - m->procs], 0, sizeof(*m->stats));
	if (m->counters != NULL)
		tf_counters_spawned(m->counters, (size_t)(pr - m->procs),
		    m->p.gen->id);
	fflush(NULL);
	if ((pid = fork()) == -1) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return NULL;
	}
	if (pid == 0)
		master_child(m, slot, &m->stats[pr - m->procs]);
	memset(pr, 0, sizeof(*pr));
	pr->pid = pid;
	pr->slot = slot;
	tf_log_debug("worker %zu: pid %ld", slot, (long)pid);
	return pr;
}

/*
 * The admin endpoint's counters for gen: mapped the first time a
 * configuration enables daemon.admin (workers forked before are not
 * counted), and the keys of gen's listener and context names. gen gets
 * its number either way. -1 with errs filled if they cannot be had.
 */
static int
master_bind_counters(struct master *m, struct tf_generation *gen,
    struct tf_errs *errs)
{
	const struct tf_config	*cf = gen->config;
	size_t			 lost;

	gen->id = m->generations + 1;
	if (cf->admin_listen == NULL)
		return 0;
	if (m->counters == NULL) {
		if ((m->keys = tf_metrics_keys_new()) == NULL ||
		    tf_metrics_ciphers_init() == -1 ||
		    (m->counters = tf_counters_map()) == NULL)
			return tf_errs_addx(errs, "cannot set up the admin "
			    "endpoint's counters");
		atomic_store(&m->counters->master.started, (int64_t)time(NULL));
	}
	gen->listener_keys = calloc(cf->nlisteners + 1, sizeof(uint32_t));
	gen->context_keys = calloc(cf->ncontexts + 1, sizeof(uint32_t));
	if (gen->listener_keys == NULL || gen->context_keys == NULL)
		tf_fatal("calloc");
	lost = tf_metrics_keys_bind(m->keys, cf, gen->listener_keys,
	    gen->context_keys);
	if (lost > 0)
		tf_log_warnx("%s:%d: admin endpoint: %zu listener(s) or "
		    "context(s) past the first %d of each named since the "
		    "start are not counted in /metrics", cf->file,
		    cf->admin_line, lost, TF_METRICS_LISTENERS);
	return 0;
}

/* The generation in m->p.gen serves now (at the start, or a reload
 * succeeded): say so in the counters. */
static void
master_counters_commit(struct master *m)
{
	m->generations = m->p.gen->id;
	if (m->counters == NULL)
		return;
	atomic_store(&m->counters->master.generation, m->generations);
	if (m->generations == 1)
		return;
	atomic_store(&m->counters->master.last_reload, (int64_t)time(NULL));
	atomic_fetch_add(&m->counters->master.reloads_ok, 1);
}

static void __attribute__((noreturn))
master_admin_child(struct master *m)
{
	const struct tf_sockets	*s = m->p.sockets;
	size_t			 i;
	int			 rv;

	/* It serves no listener: every listening socket is closed. */
	for (i = 0; s != NULL && i < s->nlisteners * s->nworkers; i++)
		if (s->fds[i] != -1 && !s->inherited[i / s->nworkers])
			close(s->fds[i]);
	for (i = 0; i < m->p.inherited->count; i++)
		close(m->p.inherited->fds[i]);
	tf_sockets_free(m->old_sockets);
	tf_generation_free(m->old_gen);
	rv = tf_admin_run(m->p.gen, m->admin_fd, m->counters);
	tf_generation_free(m->p.gen);
	exit(rv == 0 ? 0 : 1);
}

/* Fork the admin process of the current generation, if it has one. */
static void
master_admin_spawn(struct master *m)
{
	pid_t	pid;

	if (m->admin_fd == -1 || m->counters == NULL || m->stopping ||
	    m->admin_pid != 0)
		return;
	m->admin_started = time(NULL);
	fflush(NULL);
	if ((pid = fork()) == -1) {
		tf_log_err("admin: fork: %s", strerror(errno));
		return;
	}
	if (pid == 0)
		master_admin_child(m);
	m->admin_pid = pid;
	tf_log_debug("admin: pid %ld", (long)pid);
}

/* A reload replaced it (or the daemon stops): it exits at once. */
static void
master_admin_retire(struct master *m)
{
	size_t	i;

	if (m->admin_pid == 0)
		return;
	kill(m->admin_pid, SIGUSR2);
	for (i = 0; i < TF_MAX_OLD_ADMINS; i++)
		if (m->old_admins[i] == 0) {
			m->old_admins[i] = m->admin_pid;
			break;
		}
	if (i == TF_MAX_OLD_ADMINS)
		(void)waitpid(m->admin_pid, NULL, 0);
	m->admin_pid = 0;
}

static void
master_admin_reap(struct master *m)
{
	int	status;
	size_t	i;

	for (i = 0; i < TF_MAX_OLD_ADMINS; i++)
		if (m->old_admins[i] != 0 &&
		    waitpid(m->old_admins[i], &status, WNOHANG) ==
		    m->old_admins[i])
			m->old_admins[i] = 0;
	if (m->admin_pid == 0 ||
	    waitpid(m->admin_pid, &status, WNOHANG) != m->admin_pid)
		return;
	m->admin_pid = 0;
	if (m->stopping)
		return;
	if (WIFSIGNALED(status))
		tf_log_err("admin: exited on signal %d; restarting",
		    WTERMSIG(status));
	else
		tf_log_err("admin: exited with status %d; restarting",
		    WEXITSTATUS(status));
}

/* Restart a dead admin process, not at once if it died right away. */
static void
master_admin_respawn(struct master *m)
{
	if (m->admin_pid == 0 &&
	    time(NULL) - m->admin_started >= TF_RESPAWN_HOLDOFF_SEC)
		master_admin_spawn(m);
}

static bool
master_admin_running(const struct master *m)
{
	size_t	i;

	for (i = 0; i < TF_MAX_OLD_ADMINS; i++)
		if (m->old_admins[i] != 0)
			return true;
	return m->admin_pid != 0;
}

/* Whether two configurations' admin endpoints are the same socket. */
static bool
master_admin_same(const struct tf_config *a, const struct tf_config *b)
{
	if (a->admin_listen == NULL || b->admin_listen == NULL)
		return a->admin_listen == b->admin_listen;
	if (a->admin_path != NULL || b->admin_path != NULL)
		return a->admin_path != NULL && b->admin_path != NULL &&
		    strcmp(a->admin_path, b->admin_path) == 0;
	return strcmp(a->admin_listen, b->admin_listen) == 0;
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

	if (pr->starting && !pr->retiring) {
		/* The reload waiting for it reports this. */
		snprintf(m->start_failure, sizeof(m->start_failure),
		    "worker %zu of the new configuration could not start "
		    "(%s %d)", pr->slot, WIFSIGNALED(status) ? "signal" :
		    "exit status", WIFSIGNALED(status) ? WTERMSIG(status) :
		    WEXITSTATUS(status));
	} else if (pr->starting) {
		/* Of a reload refused: retired before it was ready. */
		if (!clean)
			tf_log_info("worker %zu (pid %ld) of the refused "
			    "reload exited (status 0x%x)", pr->slot,
			    (long)pr->pid, status);
	} else if (m->stopping || pr->retiring) {
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
	if (m->counters != NULL)
		tf_counters_exited(m->counters, (size_t)(pr - m->procs));
	memset(pr, 0, sizeof(*pr));
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

/*
 * Restart dead workers, but not one that died right after starting. When
 * slots cannot be restarted, one line says so every TF_RESPAWN_LOG_SEC,
 * however many slots and tries.
 */
static void
master_respawn(struct master *m)
{
	time_t	now = time(NULL);
	size_t	slot, failed = 0;
	char	why[160];

	for (slot = 0; slot < m->p.nworkers && !m->stopping; slot++)
		if (!master_slot_running(m, slot) &&
		    now - m->slot_started[slot] >= TF_RESPAWN_HOLDOFF_SEC &&
		    master_spawn(m, slot, why, sizeof(why)) == NULL)
			failed++;
	if (failed > 0 && now - m->respawn_logged >= TF_RESPAWN_LOG_SEC) {
		tf_log_err("%zu worker slot(s) cannot be restarted: %s; "
		    "retrying every %d s", failed, why,
		    TF_RESPAWN_HOLDOFF_SEC);
		m->respawn_logged = now;
	}
}

static void
master_log_errors(const struct tf_errs *errs)
{
	size_t	i;

	for (i = 0; i < tf_errs_count(errs); i++)
		tf_log_err("%s", tf_errs_get(errs, i));
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

/* What a reload builds before any worker of it starts. */
struct reload {
	struct tf_generation	*gen;
	struct tf_sockets	*sockets;
	size_t			 nworkers;
	/* Its admin endpoint is another socket: this one (-1: none). */
	bool			 admin_changed;
	int			 admin_fd;
};

/* r's admin socket, if it is not the running one's. -1 with errs. */
static int
master_reload_admin(struct master *m, struct reload *r, struct tf_errs *errs)
{
	const struct tf_config	*cf = r->gen->config;

	r->admin_fd = -1;
	r->admin_changed = !master_admin_same(m->p.gen->config, cf);
	if (!r->admin_changed || cf->admin_listen == NULL)
		return 0;
	r->admin_fd = tf_admin_socket_open(cf, errs);
	/* Not for the reload's workers to keep open. */
	m->admin_fd_next = r->admin_fd;
	return r->admin_fd == -1 ? -1 : 0;
}

/*
 * Load the new generation and open its sockets, if there is room for its
 * workers beside the running and retiring ones. -1 with errs filled.
 */
static int
master_reload_prepare(struct master *m, struct reload *r,
    struct tf_errs *errs)
{
	size_t	room = master_free_entries(m);

	if ((r->gen = m->p.load(m->p.load_arg, errs)) == NULL)
		return -1;
	if ((r->gen->health = tf_health_bind(r->gen->config, errs)) == NULL ||
	    master_bind_counters(m, r->gen, errs) == -1) {
		tf_generation_free(r->gen);
		return -1;
	}
	r->nworkers = tf_master_worker_count(r->gen);
	if (r->nworkers > room) {
		tf_errs_addx(errs, "no room for %zu new worker processes: "
		    "%zu retiring worker(s) still hold connections and at "
		    "most %d processes run at once (see timeouts.retire)",
		    r->nworkers, master_count(m, true), TF_MAX_PROCS);
	} else {
		r->sockets = tf_sockets_open(r->gen->config, r->nworkers,
		    m->p.sockets, m->p.inherited, errs);
		if (r->sockets != NULL && master_reload_admin(m, r, errs) == 0)
			return 0;
		if (r->sockets != NULL)
			tf_sockets_give_back(r->sockets, m->p.sockets);
	}
	tf_generation_free(r->gen);
	return -1;
}

/* The new workers have all reported that they run, or one failed. (Those
 * of an earlier, refused reload are retiring.) */
static bool
master_starting_done(const struct master *m, bool *ok)
{
	size_t	i;
	bool	all = true;

	if (m->start_failure[0] != '\0') {
		*ok = false;
		return true;
	}
	for (i = 0; i < TF_MAX_PROCS; i++)
		if (m->procs[i].starting && !m->procs[i].retiring)
			all = all && atomic_load(&m->stats[i].ready) != 0;
	*ok = all;
	return all;
}

/* Wait until every starting worker runs; SIGTERM and SIGHUP stay
 * pending meanwhile. */
static int
master_wait_started(struct master *m, struct tf_errs *errs)
{
	struct timespec	 tick = { 0, 10 * 1000 * 1000 };
	double		 deadline = tf_monotonic() + TF_START_TIMEOUT_SEC;
	sigset_t	 chld;
	bool		 ok;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	while (!master_starting_done(m, &ok)) {
		if (tf_monotonic() >= deadline)
			return tf_errs_addx(errs, "the new workers did not "
			    "start within %d s", TF_START_TIMEOUT_SEC);
		sigtimedwait(&chld, NULL, &tick);
		master_reap(m);
		master_watchdog(m);
	}
	return ok ? 0 : tf_errs_addx(errs, "%s", m->start_failure);
}

/* Start r's workers beside the old ones, which keep serving meanwhile. */
static int
master_reload_start(struct master *m, struct reload *r, struct tf_errs *errs)
{
	struct proc	*pr;
	char		 why[160];
	size_t		 i;

	m->old_gen = m->p.gen;
	m->old_sockets = m->p.sockets;
	m->p.gen = r->gen;
	m->p.sockets = r->sockets;
	m->p.nworkers = r->nworkers;
	m->start_failure[0] = '\0';
	for (i = 0; i < r->nworkers; i++) {
		if ((pr = master_spawn(m, i, why, sizeof(why))) == NULL)
			return tf_errs_addx(errs, "worker %zu: %s", i, why);
		pr->starting = true;
	}
	return master_wait_started(m, errs);
}

static void
master_retire(struct master *m, struct proc *pr)
{
	if (m->counters != NULL)
		tf_counters_retiring(m->counters, (size_t)(pr - m->procs));
	pr->retiring = true;
	pr->retired_at = tf_monotonic();
	kill(pr->pid, SIGUSR2);
}

/* The new workers run: retire the old ones, forget the old generation. */
static void
master_reload_commit(struct master *m, const struct reload *r)
{
	size_t	i;

	for (i = 0; i < TF_MAX_PROCS; i++) {
		if (m->procs[i].pid == 0 || m->procs[i].retiring)
			continue;
		if (m->procs[i].starting)
			m->procs[i].starting = false;
		else
			master_retire(m, &m->procs[i]);
	}
	if (r->admin_changed) {
		tf_admin_socket_close(m->old_gen->config, m->admin_fd);
		m->admin_fd = r->admin_fd;
	}
	m->admin_fd_next = -1;
	master_admin_retire(m);
	tf_sockets_free(m->old_sockets);
	tf_generation_free(m->old_gen);
	m->old_sockets = NULL;
	m->old_gen = NULL;
	master_counters_commit(m);
	master_admin_spawn(m);
	m->reloads++;
	snprintf(m->last_reload, sizeof(m->last_reload), "reload %u ok",
	    m->reloads);
	tf_log_notice("reloaded: %zu listener(s), %zu worker(s)",
	    m->p.gen->config->nlisteners, m->p.nworkers);
	tf_generation_log_contexts(m->p.gen);
}

/* The new workers do not all run: retire those that do, serve on. They
 * stay marked starting, so that a failure to start is told as such. */
static void
master_reload_roll_back(struct master *m, const struct reload *r,
    const time_t *slot_started)
{
	size_t	i;

	for (i = 0; i < TF_MAX_PROCS; i++)
		if (m->procs[i].pid != 0 && m->procs[i].starting &&
		    !m->procs[i].retiring)
			master_retire(m, &m->procs[i]);
	tf_sockets_give_back(m->p.sockets, m->old_sockets);
	if (r->admin_changed && r->admin_fd != -1)
		tf_admin_socket_close(m->p.gen->config, r->admin_fd);
	m->admin_fd_next = -1;
	tf_generation_free(m->p.gen);
	m->p.gen = m->old_gen;
	m->p.sockets = m->old_sockets;
	m->p.nworkers = m->old_nworkers;
	m->old_gen = NULL;
	m->old_sockets = NULL;
	memcpy(m->slot_started, slot_started, sizeof(m->slot_started));
}

static void
master_reload_failed(struct master *m, const struct tf_errs *errs)
{
	master_log_errors(errs);
	if (m->counters != NULL) {
		atomic_fetch_add(&m->counters->master.reloads_failed, 1);
		atomic_store(&m->counters->master.last_reload,
		    (int64_t)time(NULL));
	}
	snprintf(m->last_reload, sizeof(m->last_reload),
	    "reload failed, still on the previous configuration: %s",
	    tf_errs_count(errs) > 0 ? tf_errs_get(errs, 0) : "?");
	tf_log_err("%s", m->last_reload);
}

/*
 * SIGHUP: build the whole new generation and its sockets first, then
 * start its workers beside the old ones; only once all of them run are
 * the old ones retired. Anything short of that leaves the old workers
 * serving as they were, and says why.
 */
static void
master_reload(struct master *m)
{
	struct tf_errs	errs;
	struct reload	r = { NULL, NULL, 0, false, -1 };
	time_t		slot_started[TF_MAX_WORKERS];
	size_t		i;

	tf_notify_reloading();
	tf_log_notice("SIGHUP: reloading the configuration");
	tf_errs_init(&errs);
	memcpy(slot_started, m->slot_started, sizeof(slot_started));
	m->old_nworkers = m->p.nworkers;
	if (master_reload_prepare(m, &r, &errs) == -1) {
		master_reload_failed(m, &errs);
	} else if (master_reload_start(m, &r, &errs) == -1) {
		master_reload_roll_back(m, &r, slot_started);
		master_reload_failed(m, &errs);
	} else {
		for (i = 0; i < tf_errs_count(&m->p.gen->warnings); i++)
			tf_log_warnx("%s", tf_errs_get(&m->p.gen->warnings,
			    i));
		master_reload_commit(m, &r);
	}
	tf_errs_free(&errs);
	tf_notify_ready();
}

/*
 * timeouts.retire: a worker retiring for longer is stopped as by SIGTERM
 * (it closes what is left after timeouts.drain), so that clients holding
 * connections cannot keep old generations, and their processes, forever.
 */
static void
master_hard_stop(struct master *m)
{
	double	limit = m->p.gen->config->timeout_retire, now;
	size_t	i;

	if (limit <= 0)
		return;
	now = tf_monotonic();
	for (i = 0; i < TF_MAX_PROCS; i++) {
		struct proc	*pr = &m->procs[i];

		if (pr->pid == 0 || !pr->retiring || pr->hard_stopped ||
		    now - pr->retired_at < limit)
			continue;
		tf_log_notice("worker %zu (pid %ld): still retiring after "
		    "%.3g s (timeouts.retire); stopping it", pr->slot,
		    (long)pr->pid, limit);
		kill(pr->pid, SIGTERM);
		pr->hard_stopped = true;
	}
}

static void
master_stop(struct master *m, int sig)
{
	if (!m->stopping) {
		tf_log_notice("signal %d: stopping", sig);
		tf_notify_stopping();
		m->stopping = true;
		if (m->counters != NULL)
			atomic_store(&m->counters->master.draining, 1);
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
master_loop(struct master *m)
{
	struct timespec	 tick = { 1, 0 };
	int		 sig;

	if (m->watchdog_usec > 0 && m->watchdog_usec / 4 < 1000000) {
		tick.tv_sec = 0;
		tick.tv_nsec = (long)(m->watchdog_usec / 4 * 1000);
	}
	while (!m->stopping || master_count(m, false) +
	    master_count(m, true) > 0 || master_admin_running(m)) {
		sig = sigtimedwait(&m->waited, NULL, &tick);
		/* Workers that exited before the signal came are not part of
		 * a stop (SIGTERM is taken before a pending SIGCHLD). */
		master_reap(m);
		if (sig == SIGTERM || sig == SIGINT)
			master_stop(m, sig);
		else if (sig == SIGHUP && !m->stopping)
			master_reload(m);
		master_reap(m);
		master_admin_reap(m);
		master_respawn(m);
		master_admin_respawn(m);
		master_hard_stop(m);
		/* /healthz says "draining" until the last worker is gone. */
		if (m->stopping && master_count(m, false) +
		    master_count(m, true) == 0)
			master_admin_retire(m);
		master_update_status(m);
		master_watchdog(m);
	}
}

int
tf_master_run(struct tf_master_params *p)
{
	struct master	*m;
	sigset_t	 blocked;
	struct tf_errs	 errs;
	char		 why[160];
	size_t		 i;
	int		 rv;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		tf_fatal("calloc");
	m->p = *p;
	tf_errs_init(&errs);
	m->admin_fd = p->admin_fd;
	m->admin_fd_next = -1;
	if ((m->p.gen->health = tf_health_bind(m->p.gen->config, &errs)) ==
	    NULL || master_bind_counters(m, m->p.gen, &errs) == -1)
		tf_fatalx("%s", tf_errs_get(&errs, 0));
	master_counters_commit(m);
	tf_errs_free(&errs);
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
	for (i = 0; i < m->p.nworkers; i++) {
		if (master_spawn(m, i, why, sizeof(why)) == NULL) {
			tf_log_err("worker %zu: %s", i, why);
			m->failed = true;
		}
	}
	master_admin_spawn(m);
	tf_notify_ready();
	master_update_status(m);
	master_loop(m);
	tf_admin_socket_close(m->p.gen->config, m->admin_fd);
	sigprocmask(SIG_SETMASK, &m->saved, NULL);
	tf_sockets_free(m->p.sockets);
	tf_generation_free(m->p.gen);
	munmap(m->stats, TF_MAX_PROCS * sizeof(*m->stats));
	if (m->counters != NULL)
		munmap(m->counters, sizeof(*m->counters));
	tf_metrics_keys_free(m->keys);
	rv = m->failed ? -1 : 0;
	free(m);
	return rv;
}
