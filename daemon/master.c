/*
 * tlsfront: the master process when there are several workers: it forks
 * them, restarts one that dies, and passes stop signals on. It waits for
 * signals with sigtimedwait, so it runs no event loop of its own.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "generation.h"
#include "log.h"
#include "master.h"
#include "notify.h"
#include "worker.h"

/* A worker that dies this soon after start is not restarted at once. */
#define TF_RESPAWN_HOLDOFF_SEC	1

struct master {
	struct tf_generation	*gen;
	size_t			 nworkers;
	int			*fds;		/* kept for restarts */
	bool			 fds_closed;
	pid_t			*pids;		/* 0: not running */
	time_t			*started;
	bool			 stopping;
	bool			 failed;
	sigset_t		 waited;	/* blocked in the master */
	sigset_t		 saved;
};

/* Stopping: let the sockets go away with the workers' own copies. */
static void
master_close_fds(struct master *m)
{
	size_t	i, n = m->nworkers * m->gen->config->nlisteners;

	if (m->fds_closed)
		return;
	for (i = 0; i < n; i++)
		close(m->fds[i]);
	m->fds_closed = true;
}

/* In the child: keep only worker index's sockets, then serve. */
static void __attribute__((noreturn))
master_child(struct master *m, size_t index)
{
	size_t	nl = m->gen->config->nlisteners;
	size_t	i, n = m->nworkers * nl;
	int	rv;

	for (i = 0; i < n; i++)
		if (i / nl != index)
			close(m->fds[i]);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, &m->saved, NULL);
	rv = tf_worker_run(m->gen, (int)index, m->nworkers, m->fds + index * nl);
	tf_generation_free(m->gen);
	free(m->pids);
	free(m->started);
	free(m->fds);
	_exit(rv == 0 ? 0 : 1);
}

static int
master_spawn(struct master *m, size_t index)
{
	pid_t	pid;

	if ((pid = fork()) == -1) {
		tf_log_warn("worker %zu: fork", index);
		return -1;
	}
	if (pid == 0)
		master_child(m, index);
	m->pids[index] = pid;
	m->started[index] = time(NULL);
	tf_log_debug("worker %zu: pid %ld", index, (long)pid);
	return 0;
}

static void
master_signal_workers(const struct master *m, int sig)
{
	size_t	i;

	for (i = 0; i < m->nworkers; i++)
		if (m->pids[i] != 0)
			kill(m->pids[i], sig);
}

static size_t
master_running(const struct master *m)
{
	size_t	i, n = 0;

	for (i = 0; i < m->nworkers; i++)
		n += m->pids[i] != 0;
	return n;
}

static void
master_worker_exited(struct master *m, size_t i, int status)
{
	bool	clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;

	m->pids[i] = 0;
	if (m->stopping) {
		if (!clean)
			m->failed = true;
		return;
	}
	if (WIFSIGNALED(status))
		tf_log_err("worker %zu exited on signal %d; restarting", i,
		    WTERMSIG(status));
	else
		tf_log_err("worker %zu exited with status %d; restarting", i,
		    WEXITSTATUS(status));
}

static void
master_reap(struct master *m)
{
	pid_t	pid;
	int	status;
	size_t	i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < m->nworkers; i++)
			if (m->pids[i] == pid)
				master_worker_exited(m, i, status);
	}
}

/* Restart dead workers, but not one that died right after starting. */
static void
master_respawn(struct master *m)
{
	time_t	now = time(NULL);
	size_t	i;

	for (i = 0; i < m->nworkers && !m->stopping; i++)
		if (m->pids[i] == 0 &&
		    now - m->started[i] >= TF_RESPAWN_HOLDOFF_SEC)
			master_spawn(m, i);
}

static void
master_loop(struct master *m)
{
	struct timespec	 tick = { TF_RESPAWN_HOLDOFF_SEC, 0 };
	int		 sig;

	while (!m->stopping || master_running(m) > 0) {
		sig = sigtimedwait(&m->waited, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT) {
			if (!m->stopping) {
				tf_log_notice("signal %d: stopping workers",
				    sig);
				tf_notify_stopping();
			}
			m->stopping = true;
			master_close_fds(m);
			master_signal_workers(m, SIGTERM);
		} else if (sig == SIGHUP) {
			tf_log_notice("SIGHUP: configuration reload is not "
			    "implemented yet; ignored");
		}
		master_reap(m);
		master_respawn(m);
	}
}

int
tf_master_run(struct tf_generation *gen, size_t nworkers, int *fds)
{
	struct master	m;
	size_t		i;

	memset(&m, 0, sizeof(m));
	m.gen = gen;
	m.nworkers = nworkers;
	m.fds = fds;
	m.pids = calloc(nworkers, sizeof(*m.pids));
	m.started = calloc(nworkers, sizeof(*m.started));
	if (m.pids == NULL || m.started == NULL)
		tf_fatal("calloc");
	sigemptyset(&m.waited);
	sigaddset(&m.waited, SIGTERM);
	sigaddset(&m.waited, SIGINT);
	sigaddset(&m.waited, SIGHUP);
	sigaddset(&m.waited, SIGCHLD);
	sigprocmask(SIG_BLOCK, &m.waited, &m.saved);
	for (i = 0; i < nworkers; i++)
		if (master_spawn(&m, i) == -1)
			m.failed = true;
	tf_notify_ready();
	master_loop(&m);
	master_close_fds(&m);
	sigprocmask(SIG_SETMASK, &m.saved, NULL);
	free(m.pids);
	free(m.started);
	return m.failed ? -1 : 0;
}
