/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: one worker's event loop: its listeners, its connections, and
 * the graceful stop (stop accepting, drain, force-close what remains).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "access.h"
#include "conn.h"
#include "generation.h"
#include "listener.h"
#include "log.h"
#include "worker.h"

#define TF_ACCEPT_BACKOFF_SEC	1

static void
worker_set_accepting(struct tf_worker *w, bool on)
{
	size_t	i;

	if (w->accept_paused == !on)
		return;
	w->accept_paused = !on;
	for (i = 0; i < w->nlisteners; i++) {
		if (w->listeners[i] == NULL)
			continue;
		if (on)
			tf_listener_resume(w->listeners[i]);
		else
			tf_listener_pause(w->listeners[i]);
	}
}

/* Stop accepting for good; connections still refer to the listeners. */
static void
worker_close_listeners(struct tf_worker *w)
{
	size_t	i;

	for (i = 0; i < w->nlisteners; i++)
		if (w->listeners[i] != NULL)
			tf_listener_close(w->listeners[i]);
}

static bool
worker_can_accept(const struct tf_worker *w)
{
	return !w->draining && w->nconns < w->max_conns;
}

static void
worker_accept_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tf_worker	*w = arg;

	(void)fd;
	(void)what;
	if (worker_can_accept(w))
		worker_set_accepting(w, true);
}

void
tf_worker_accept_backoff(struct tf_worker *w)
{
	struct timeval	tv = { TF_ACCEPT_BACKOFF_SEC, 0 };

	worker_set_accepting(w, false);
	evtimer_add(w->accept_retry, &tv);
}

void
tf_worker_conn_opened(struct tf_worker *w)
{
	atomic_fetch_add_explicit(&w->stats->accepted, 1, memory_order_relaxed);
	atomic_store_explicit(&w->stats->active, w->nconns + 1,
	    memory_order_relaxed);
	if (++w->nconns == w->max_conns) {
		/* At the limit, every close and accept toggles this. */
		if (tf_access_may_log(w->base, TF_ACCESS_KIND_ACCEPT_PAUSE))
			tf_log_warnx("worker %d: max_connections reached "
			    "(%zu); pausing accepts", w->index, w->max_conns);
		worker_set_accepting(w, false);
	}
}

void
tf_worker_conn_closed(struct tf_worker *w)
{
	w->nconns--;
	atomic_store_explicit(&w->stats->active, w->nconns,
	    memory_order_relaxed);
	if (w->draining) {
		if (w->nconns == 0)
			event_base_loopexit(w->base, NULL);
		return;
	}
	if (w->accept_paused && worker_can_accept(w)) {
		/* A slot or a descriptor came free: accept again now. */
		evtimer_del(w->accept_retry);
		worker_set_accepting(w, true);
	}
}

static void
worker_drain_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tf_worker	*w = arg;

	(void)fd;
	(void)what;
	tf_log_notice("worker %d: drain timeout; closing %zu connection(s)",
	    w->index, w->nconns);
	tf_conn_close_all(w, TF_END_SHUTDOWN);
	event_base_loopexit(w->base, NULL);
}

/* Stop accepting for good; the loop ends with the last connection. */
static void
worker_begin_drain(struct tf_worker *w)
{
	if (w->draining)
		return;
	w->draining = true;
	worker_close_listeners(w);
	evtimer_del(w->accept_retry);
	if (w->nconns == 0)
		event_base_loopexit(w->base, NULL);
}

/* SIGTERM: drain for up to timeouts.drain; a second one: close now. */
static void
worker_stop_cb(evutil_socket_t sig, short what, void *arg)
{
	struct tf_worker	*w = arg;
	struct timeval		 tv;
	double			 drain = w->gen->config->timeout_drain;

	(void)sig;
	(void)what;
	if (evtimer_pending(w->drain_timer, NULL)) {
		tf_log_notice("worker %d: stop requested again; closing %zu "
		    "connection(s) now", w->index, w->nconns);
		worker_drain_timeout_cb(-1, 0, w);
		return;
	}
	worker_begin_drain(w);
	if (w->nconns == 0)
		return;
	tf_log_notice("worker %d: stopping; draining %zu connection(s) "
	    "for up to %.1f s", w->index, w->nconns, drain);
	tv.tv_sec = (time_t)drain;
	tv.tv_usec = (suseconds_t)((drain - (double)tv.tv_sec) * 1e6);
	evtimer_add(w->drain_timer, &tv);
}

/* SIGUSR2 after a reload: new workers accept now; finish what is open. */
static void
worker_retire_cb(evutil_socket_t sig, short what, void *arg)
{
	struct tf_worker	*w = arg;

	(void)sig;
	(void)what;
	if (w->draining)
		return;
	tf_log_info("worker %d: retiring after reload; %zu connection(s) "
	    "still open", w->index, w->nconns);
	worker_begin_drain(w);
}

static void
worker_free(struct tf_worker *w)
{
	size_t	i;

	tf_conn_close_all(w, TF_END_SHUTDOWN);
	tf_conn_reap();
	tf_access_flush();	/* summaries of lines still held back */
	for (i = 0; i < w->nlisteners; i++)
		tf_listener_free(w->listeners[i]);
	free(w->listeners);
	free(w->backend_next);
	if (w->sig_term != NULL)
		event_free(w->sig_term);
	if (w->sig_retire != NULL)
		event_free(w->sig_retire);
	if (w->drain_timer != NULL)
		event_free(w->drain_timer);
	if (w->accept_retry != NULL)
		event_free(w->accept_retry);
	if (w->base != NULL)
		event_base_free(w->base);
}

static void
worker_block_stop_signals(void)
{
	sigset_t	set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* The master forks us with stop signals blocked; the handlers are there
 * now, so a request sent in the meantime is delivered to the loop. */
static void
worker_unblock_signals(void)
{
	sigset_t	set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/*
 * Signals come from the master only: Ctrl-C reaches every process of the
 * group, and the master passes a SIGTERM on as well, so a worker that
 * listened to SIGINT too would take the second signal as "stop now".
 */
static int
worker_setup(struct tf_worker *w, const int *fds)
{
	const struct tf_config	*cf = w->gen->config;
	size_t			 i;

	w->listeners = calloc(cf->nlisteners, sizeof(*w->listeners));
	w->backend_next = calloc(cf->nbackends + 1, sizeof(size_t));
	if (w->listeners == NULL || w->backend_next == NULL)
		tf_fatal("calloc");
	w->nlisteners = cf->nlisteners;
	for (i = 0; i < cf->nbackends; i++)
		w->backend_next[i] = (size_t)w->index;
	w->sig_term = evsignal_new(w->base, SIGTERM, worker_stop_cb, w);
	w->sig_retire = evsignal_new(w->base, SIGUSR2, worker_retire_cb, w);
	w->drain_timer = evtimer_new(w->base, worker_drain_timeout_cb, w);
	w->accept_retry = evtimer_new(w->base, worker_accept_retry_cb, w);
	if (w->sig_term == NULL || w->sig_retire == NULL ||
	    w->drain_timer == NULL || w->accept_retry == NULL ||
	    evsignal_add(w->sig_term, NULL) == -1 ||
	    evsignal_add(w->sig_retire, NULL) == -1)
		return -1;
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	worker_unblock_signals();
	for (i = 0; i < cf->nlisteners; i++) {
		/* Taken over from here, whether it succeeds or not. */
		w->nfds_taken = i + 1;
		w->listeners[i] = tf_listener_new(w, i, fds[i]);
		if (w->listeners[i] == NULL)
			return -1;
	}
	return 0;
}

int
tf_worker_run(struct tf_generation *gen, int index, size_t nworkers,
    const int *fds, struct tf_worker_stats *stats)
{
	struct tf_worker	 w;
	struct event_config	*evcfg;
	const struct tf_config	*cf = gen->config;
	size_t			 i;
	int			 rv = 0;

	memset(&w, 0, sizeof(w));
	w.index = index;
	w.gen = gen;
	w.stats = stats != NULL ? stats : &w.own_stats;
	tf_access_set_rate_limit((unsigned)cf->log_rate_limit);
	TAILQ_INIT(&w.conns);
	w.max_conns = ((size_t)cf->max_connections + nworkers - 1) / nworkers;
	if ((evcfg = event_config_new()) == NULL)
		tf_fatal("event_config_new");
	event_config_set_flag(evcfg, EVENT_BASE_FLAG_NOLOCK);
	event_config_set_flag(evcfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	w.base = event_base_new_with_config(evcfg);
	event_config_free(evcfg);
	if (w.base == NULL || worker_setup(&w, fds) == -1) {
		tf_log_warnx("worker %d: cannot start", index);
		/* The master may retire us meanwhile: exit 1, not by it. */
		worker_block_stop_signals();
		/* Close the sockets worker_setup did not hand over (a
		 * listener that failed closed its own). */
		for (i = w.nfds_taken; i < cf->nlisteners; i++)
			close(fds[i]);
		worker_free(&w);
		return -1;
	}
	tf_log_info("worker %d: serving %zu listener(s), up to %zu "
	    "connections", index, w.nlisteners, w.max_conns);
	/* A reload retires the old workers only once this is set. */
	atomic_store(&w.stats->ready, 1);
	if (event_base_dispatch(w.base) == -1)
		rv = -1;
	/* Freeing the signal events restores the default actions; a late
	 * retire or stop request must not turn a clean exit into a kill, so
	 * from here on they stay pending until the process is gone. */
	worker_block_stop_signals();
	tf_log_info("worker %d: stopped", index);
	worker_free(&w);
	return rv;
}
