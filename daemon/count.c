/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: a worker's counting for the admin endpoint (count.h).
 *
 * The session counters of SSLContext.session_stats() live in libssl's
 * SSL_CTXs; a timer copies them into the slot once a second. A context
 * rebuilt after its files changed starts again at zero, so the worker
 * keeps the one it copied last (a reference) and, when it is replaced,
 * adds what it had counted to a base that the new one's counts add to.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "count.h"
#include "generation.h"
#include "listener.h"
#include "log.h"
#include "side.h"
#include "worker.h"

/* Per context: the SSL_CTX copied last, and what those it replaced had
 * counted. */
struct tf_count_sessions {
	SSL_CTX		*last;
	uint64_t	 base[TF_SESS_N];
};

static uint32_t
count_listener_key(const struct tf_worker *w, const struct tf_listener *l)
{
	return w->gen->listener_keys[l->index];
}

static void
count_serving(struct tf_worker *w, uint64_t serving)
{
	uint32_t	key;
	size_t		i;

	for (i = 0; i < w->nlisteners; i++) {
		if (w->listeners[i] == NULL ||
		    (key = w->gen->listener_keys[i]) == TF_METRICS_NONE)
			continue;
		atomic_store_explicit(&w->metrics->listeners[key].serving,
		    serving, memory_order_relaxed);
	}
}

static void
count_sessions(struct tf_worker *w)
{
	const struct tf_generation	*gen = w->gen;
	struct tf_count_sessions	*cs;
	uint64_t			 old[TF_SESS_N];
	SSL_CTX				*ctx;
	size_t				 i, k;

	for (i = 0; i < gen->config->ncontexts; i++) {
		cs = &w->sessions[i];
		ctx = gen->set->contexts[i];
		if (cs->last != ctx) {
			if (cs->last != NULL) {
				tf_metrics_sess_read(cs->last, old);
				for (k = 0; k < TF_SESS_N; k++)
					cs->base[k] += old[k];
				SSL_CTX_free(cs->last);
			}
			SSL_CTX_up_ref(ctx);
			cs->last = ctx;
		}
		tf_metrics_sessions(w->metrics, gen->context_keys[i], ctx,
		    cs->base);
	}
}

static void
count_sessions_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	count_sessions(arg);
}

int
tf_count_start(struct tf_worker *w)
{
	struct timeval	second = { 1, 0 };

	if (w->metrics == NULL)
		return 0;
	w->sessions = calloc(w->gen->config->ncontexts + 1,
	    sizeof(*w->sessions));
	w->sessions_timer = event_new(w->base, -1, EV_PERSIST,
	    count_sessions_cb, w);
	if (w->sessions == NULL || w->sessions_timer == NULL ||
	    event_add(w->sessions_timer, &second) == -1)
		return -1;
	count_sessions(w);
	count_serving(w, 1);
	return 0;
}

void
tf_count_listeners_down(struct tf_worker *w)
{
	if (w->metrics != NULL)
		count_serving(w, 0);
}

void
tf_count_stop(struct tf_worker *w)
{
	size_t	i;

	if (w->metrics == NULL)
		return;
	if (w->sessions_timer != NULL) {
		event_free(w->sessions_timer);
		w->sessions_timer = NULL;
	}
	if (w->sessions == NULL)
		return;
	/* The last counts, for the master to fold when we are gone. */
	count_sessions(w);
	for (i = 0; i < w->gen->config->ncontexts; i++)
		SSL_CTX_free(w->sessions[i].last);
	free(w->sessions);
	w->sessions = NULL;
}

void
tf_count_accepted(struct tf_worker *w, const struct tf_listener *l)
{
	uint32_t	key;

	if (w->metrics == NULL ||
	    (key = count_listener_key(w, l)) == TF_METRICS_NONE)
		return;
	tf_counter_add(&w->metrics->listeners[key].accepted, 1);
	tf_counter_add(&w->metrics->listeners[key].open, 1);
}

void
tf_count_handshake(struct tf_worker *w, const struct tf_listener *l,
    const SSL *ssl, const struct timeval *from, const struct timeval *to)
{
	struct timeval	d;

	if (w->metrics == NULL)
		return;
	timersub(to, from, &d);
	tf_metrics_handshake(w->metrics, count_listener_key(w, l), ssl,
	    d.tv_sec < 0 ? 0 : (uint64_t)d.tv_sec * 1000000 +
	    (uint64_t)d.tv_usec);
}

void
tf_count_closed(struct tf_worker *w, const struct tf_listener *l,
    enum tf_conn_end end, bool handshaken, const struct tf_side *client,
    uint64_t bytes_in, uint64_t bytes_out)
{
	struct tf_metrics_listener	*m;
	enum tf_hs_failure		 f;
	uint32_t			 key;

	if (w->metrics == NULL)
		return;
	if (end == TF_END_CONNECT_FAILED)
		tf_counter_add(&w->metrics->no_backend, 1);
	if (client->hello_refused)
		tf_counter_add(&w->metrics->limit_hits[TF_LIMIT_CLIENT_HELLO],
		    1);
	if ((key = count_listener_key(w, l)) == TF_METRICS_NONE)
		return;
	m = &w->metrics->listeners[key];
	tf_counter_add(&m->open, (uint64_t)-1);
	tf_counter_add(&m->bytes_in, bytes_in);
	tf_counter_add(&m->bytes_out, bytes_out);
	if (handshaken || (end != TF_END_HANDSHAKE_ERROR &&
	    end != TF_END_HANDSHAKE_TIMEOUT))
		return;
	f = tf_metrics_failure_reason(end == TF_END_HANDSHAKE_TIMEOUT,
	    client->error_code, client->alert_sent, client->alert_received);
	tf_counter_add(&m->failures[f], 1);
}

void
tf_count_limit(struct tf_worker *w, enum tf_limit_kind kind)
{
	if (w->metrics != NULL)
		tf_counter_add(&w->metrics->limit_hits[kind], 1);
}
