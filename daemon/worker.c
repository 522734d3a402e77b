/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: one worker's event loop: its listeners, its connections, and
 * the graceful stop (stop accepting, drain, force-close what remains).
 */
#include <sys/resource.h>

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "access.h"
#include "addr.h"
#include "addrlimit.h"
#include "clock.h"
#include "conn.h"
#include "count.h"
#include "generation.h"
#include "health_check.h"
#include "listener.h"
#include "log.h"
#include "refresh.h"
#include "watch.h"
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
	size_t	limit = (size_t)w->gen->config->limit_handshakes;

	return !w->draining && !w->fds_short && w->nconns < w->max_conns &&
	    (limit == 0 || w->nhandshakes < limit);
}

/* A slot, a descriptor or a handshake came free: accept again now. */
static void
worker_maybe_resume(struct tf_worker *w)
{
	if (w->accept_paused && worker_can_accept(w)) {
		evtimer_del(w->accept_retry);
		worker_set_accepting(w, true);
	}
}

static void
worker_accept_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tf_worker	*w = arg;

	(void)fd;
	(void)what;
	w->fds_short = false;
	if (worker_can_accept(w))
		worker_set_accepting(w, true);
}

void
tf_worker_accept_backoff(struct tf_worker *w)
{
	struct timeval	tv = { TF_ACCEPT_BACKOFF_SEC, 0 };

	w->fds_short = true;
	tf_count_limit(w, TF_LIMIT_FILE_DESCRIPTORS);
	worker_set_accepting(w, false);
	evtimer_add(w->accept_retry, &tv);
}

void
tf_worker_conn_opened(struct tf_worker *w)
{
	atomic_fetch_add_explicit(&w->stats->accepted, 1, memory_order_relaxed);
	atomic_store_explicit(&w->stats->active, w->nconns + 1,
	    memory_order_relaxed);
	w->nhandshakes++;
	/* At a limit, every close and accept toggles this: rate-limited. */
	if (++w->nconns == w->max_conns) {
		tf_count_limit(w, TF_LIMIT_MAX_CONNECTIONS);
		if (tf_access_may_log(w->base, TF_ACCESS_KIND_ACCEPT_PAUSE))
			tf_log_warnx("worker %d: max_connections reached "
			    "(%zu); pausing accepts", w->index, w->max_conns);
		worker_set_accepting(w, false);
	} else if (w->nhandshakes ==
	    (size_t)w->gen->config->limit_handshakes) {
		tf_count_limit(w, TF_LIMIT_HANDSHAKES);
		if (tf_access_may_log(w->base, TF_ACCESS_KIND_ACCEPT_PAUSE))
			tf_log_warnx("worker %d: %zu handshakes in progress "
			    "(limits.handshakes); pausing accepts", w->index,
			    w->nhandshakes);
		worker_set_accepting(w, false);
	}
}

bool
tf_worker_address_admit(struct tf_worker *w, const struct sockaddr *sa,
    socklen_t salen)
{
	enum tf_addrlimit_verdict	 v;
	char				 name[TF_ADDR_STRLEN];

	if (w->addrlimit == NULL)
		return true;
	v = tf_addrlimit_admit(w->addrlimit, sa, tf_monotonic());
	if (v == TF_ADDRLIMIT_OK)
		return true;
	w->addr_refused++;
	tf_count_limit(w, v == TF_ADDRLIMIT_TOO_MANY ?
	    TF_LIMIT_ADDRESS_CONNECTIONS : TF_LIMIT_ADDRESS_RATE);
	if (tf_access_may_log(w->base, TF_ACCESS_KIND_ADDRESS_LIMIT))
		tf_log_warnx("worker %d: %s: %s; connection closed (%llu so "
		    "far)", w->index, tf_addr_format_sa(sa, salen, name,
		    sizeof(name)), v == TF_ADDRLIMIT_TOO_MANY ?
		    "per_address_connections reached" :
		    "over per_address_rate new connections per second",
		    (unsigned long long)w->addr_refused);
	return false;
}

void
tf_worker_address_release(struct tf_worker *w, const struct sockaddr *sa)
{
	tf_addrlimit_release(w->addrlimit, sa);
}

static void
worker_addrlimit_expire_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tf_worker	*w = arg;

	(void)fd;
	(void)what;
	tf_addrlimit_expire(w->addrlimit, tf_monotonic());
}

/* The per-address table, if a limit is set, and its expiry timer. */
static int
worker_addrlimit_setup(struct tf_worker *w)
{
	const struct tf_config	*cf = w->gen->config;
	struct timeval		 second = { 1, 0 };

	w->addrlimit = tf_addrlimit_new((unsigned)cf->limit_address_conns,
	    (unsigned)cf->limit_address_rate);
	if (w->addrlimit == NULL)
		return 0;
	w->addrlimit_timer = event_new(w->base, -1, EV_PERSIST,
	    worker_addrlimit_expire_cb, w);
	if (w->addrlimit_timer == NULL ||
	    event_add(w->addrlimit_timer, &second) == -1)
		return -1;
	return 0;
}

void
tf_worker_handshake_ended(struct tf_worker *w)
{
	w->nhandshakes--;
	if (!w->draining)
		worker_maybe_resume(w);
}

void
tf_worker_conn_closed(struct tf_worker *w)
{
	w->nconns--;
	w->fds_short = false;		/* two descriptors came free */
	atomic_store_explicit(&w->stats->active, w->nconns,
	    memory_order_relaxed);
	if (w->draining) {
		if (w->nconns == 0)
			event_base_loopexit(w->base, NULL);
		return;
	}
	worker_maybe_resume(w);
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
	tf_count_listeners_down(w);
	/* No new handshake will use a rebuilt context. */
	tf_watch_free(w->watch);
	w->watch = NULL;
	tf_health_checks_stop();
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
	tv = tf_timeval_of(drain);
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

	tf_health_checks_stop();
	tf_conn_close_all(w, TF_END_SHUTDOWN);
	tf_conn_reap();
	tf_count_stop(w);
	tf_access_flush();	/* summaries of lines still held back */
	for (i = 0; i < w->nlisteners; i++)
		tf_listener_free(w->listeners[i]);
	free(w->listeners);
	free(w->backend_next);
	tf_watch_free(w->watch);
	if (w->sig_term != NULL)
		event_free(w->sig_term);
	if (w->sig_retire != NULL)
		event_free(w->sig_retire);
	if (w->drain_timer != NULL)
		event_free(w->drain_timer);
	if (w->accept_retry != NULL)
		event_free(w->accept_retry);
	if (w->addrlimit_timer != NULL)
		event_free(w->addrlimit_timer);
	tf_addrlimit_free(w->addrlimit);
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
	    evsignal_add(w->sig_retire, NULL) == -1 ||
	    worker_addrlimit_setup(w) == -1)
		return -1;
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	worker_unblock_signals();
	if (cf->watch_files) {
		/* Watching first, so that no change is missed: files that
		 * changed since the master built the contexts (this worker
		 * replaces one that died) are read before the first client. */
		w->watch = tf_watch_new(w);
		(void)tf_refresh(w->gen, w->index);
	}
	for (i = 0; i < cf->nlisteners; i++) {
		/* Taken over from here, whether it succeeds or not. */
		w->nfds_taken = i + 1;
		w->listeners[i] = tf_listener_new(w, i, fds[i]);
		if (w->listeners[i] == NULL)
			return -1;
	}
	if (tf_count_start(w) == -1)
		return -1;
	return tf_health_checks_start(w);
}

/*
 * Past this, accept() would still succeed and the backend's socket() fail
 * after a whole handshake; beyond it, clients wait in the accept queue.
 */
size_t
tf_worker_fd_capacity(size_t nlisteners)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    rl.rlim_cur == RLIM_INFINITY)
		return SIZE_MAX;
	if (rl.rlim_cur < TF_FD_RESERVE + nlisteners + 2 * 2)
		return 1;
	return (size_t)(rl.rlim_cur - TF_FD_RESERVE - nlisteners) / 2;
}

int
tf_worker_run(struct tf_generation *gen, int index, size_t nworkers,
    const int *fds, struct tf_worker_stats *stats,
    struct tf_metrics_slot *metrics)
{
	struct tf_worker	 w;
	struct event_config	*evcfg;
	const struct tf_config	*cf = gen->config;
	size_t			 i, cap;
	int			 rv = 0;

	memset(&w, 0, sizeof(w));
	w.index = index;
	w.gen = gen;
	w.stats = stats != NULL ? stats : &w.own_stats;
	w.metrics = gen->listener_keys != NULL ? metrics : NULL;
	tf_access_set_rate_limit((unsigned)cf->log_rate_limit);
	TAILQ_INIT(&w.conns);
	w.max_conns = ((size_t)cf->max_connections + nworkers - 1) / nworkers;
	if (w.max_conns > (cap = tf_worker_fd_capacity(cf->nlisteners))) {
		tf_log_warnx("worker %d: the descriptor limit holds %zu "
		    "connections, not the %zu of max_connections; more wait "
		    "in the accept queue", index, cap, w.max_conns);
		w.max_conns = cap;
	}
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
