/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: a connection's life: accept, TLS handshake, backend connect,
 * relaying, and the single close path that frees everything it owns.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <assert.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "access.h"
#include "backend.h"
#include "conn.h"
#include "generation.h"
#include "listener.h"
#include "log.h"
#include "relay.h"
#include "worker.h"

static const char *const state_names[] = {
	[TF_CONN_HANDSHAKE] = "handshake",
	[TF_CONN_CONNECTING] = "connecting",
	[TF_CONN_RELAYING] = "relaying",
	[TF_CONN_CLOSED] = "closed",
};

static const char *const end_names[] = {
	[TF_END_CLOSED] = "closed",
	[TF_END_HANDSHAKE_TIMEOUT] = "handshake_timeout",
	[TF_END_HANDSHAKE_ERROR] = "handshake_error",
	[TF_END_CONNECT_FAILED] = "connect_failed",
	[TF_END_IDLE_TIMEOUT] = "idle_timeout",
	[TF_END_CLIENT_ERROR] = "client_error",
	[TF_END_BACKEND_ERROR] = "backend_error",
	[TF_END_SHUTDOWN] = "shutdown",
	[TF_END_NO_MEMORY] = "no_memory",
};

const char *
tf_conn_state_name(enum tf_conn_state state)
{
	return state_names[state];
}

const char *
tf_conn_end_name(enum tf_conn_end end)
{
	return end_names[end];
}

/* The forward-only life of a connection; closing is allowed from any. */
static bool
conn_transition_ok(enum tf_conn_state from, enum tf_conn_state to)
{
	if (to == TF_CONN_CLOSED)
		return from != TF_CONN_CLOSED;
	return (from == TF_CONN_HANDSHAKE && to == TF_CONN_CONNECTING) ||
	    (from == TF_CONN_CONNECTING && to == TF_CONN_RELAYING);
}

void
tf_conn_set_state(struct tf_conn *c, enum tf_conn_state state)
{
	assert(conn_transition_ok(c->state, state));
	tf_log_debug("conn %llu: %s -> %s", (unsigned long long)c->id,
	    state_names[c->state], state_names[state]);
	c->state = state;
}

void
tf_conn_touch(struct tf_conn *c)
{
	event_base_gettimeofday_cached(c->worker->base, &c->last_activity);
}

static struct timeval
conn_seconds(double seconds)
{
	struct timeval	tv;

	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	return tv;
}

void
tf_conn_arm_timer(struct tf_conn *c)
{
	const struct tf_config	*cf = c->worker->gen->config;
	struct timeval		 tv;

	switch (c->state) {
	case TF_CONN_HANDSHAKE:
		tv = conn_seconds(cf->timeout_handshake);
		break;
	case TF_CONN_CONNECTING:
		tv = conn_seconds(cf->timeout_connect);
		break;
	case TF_CONN_RELAYING:
		tv = conn_seconds(cf->timeout_idle);
		break;
	default:
		return;
	}
	evtimer_add(&c->timer, &tv);
}

/*
 * The idle timer does not move on every read or write (that would be an
 * event_add per chunk); it fires after the idle period and checks when
 * bytes last moved, re-arming for the rest if they did.
 */
static void
conn_idle_check(struct tf_conn *c)
{
	struct timeval	now, idle_for, rest;
	struct timeval	limit = conn_seconds(
	    c->worker->gen->config->timeout_idle);

	event_base_gettimeofday_cached(c->worker->base, &now);
	timersub(&now, &c->last_activity, &idle_for);
	if (timercmp(&idle_for, &limit, >=)) {
		tf_conn_close(c, TF_END_IDLE_TIMEOUT);
		return;
	}
	timersub(&limit, &idle_for, &rest);
	evtimer_add(&c->timer, &rest);
}

static void
conn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tf_conn	*c = arg;

	(void)fd;
	(void)what;
	switch (c->state) {
	case TF_CONN_HANDSHAKE:
		tf_conn_close(c, TF_END_HANDSHAKE_TIMEOUT);
		break;
	case TF_CONN_CONNECTING:
		tf_backend_connect_timeout(c);
		break;
	case TF_CONN_RELAYING:
		conn_idle_check(c);
		break;
	default:
		break;
	}
}

/*
 * A burst of handshakes leaves glibc's heap full of freed pages between
 * the objects of the connections that stay (handshake temporaries,
 * buffers). Once the burst is over (no handshake and no close for a
 * quiet period), give those pages back with malloc_trim(). One timer per
 * worker process; under steady load it only re-arms itself.
 */
#define TF_CONN_TRIM_QUIET_USEC	500000

static struct event		 conn_trim_timer;
static struct event_base	*conn_trim_base;
static bool			 conn_trim_busy;

static void
conn_trim_cb(evutil_socket_t fd, short what, void *arg)
{
	struct timeval	tv = { 0, TF_CONN_TRIM_QUIET_USEC };

	(void)fd;
	(void)what;
	(void)arg;
	if (conn_trim_busy) {
		conn_trim_busy = false;
		evtimer_add(&conn_trim_timer, &tv);
		return;
	}
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

static void
conn_trim_note(struct tf_worker *w)
{
	struct timeval	tv = { 0, TF_CONN_TRIM_QUIET_USEC };

	if (conn_trim_base != w->base) {
		evtimer_assign(&conn_trim_timer, w->base, conn_trim_cb, NULL);
		conn_trim_base = w->base;
	}
	if (evtimer_pending(&conn_trim_timer, NULL))
		conn_trim_busy = true;
	else
		evtimer_add(&conn_trim_timer, &tv);
}

/* Reason string of the first queued OpenSSL error (static), then clear. */
static const char *
conn_ssl_reason(void)
{
	const char	*reason = ERR_reason_error_string(ERR_peek_error());

	ERR_clear_error();
	return reason != NULL ? reason : "connection closed or reset";
}

static void
conn_handshake(struct tf_conn *c)
{
	int	r, err;

	for (;;) {
		ERR_clear_error();
		r = SSL_do_handshake(c->ssl);
		if (r == 1) {
			/* The tickets wait in c->out for the first response. */
			event_base_gettimeofday_cached(c->worker->base,
			    &c->handshaken);
			c->last_activity = c->handshaken;
			c->ssl_read_block = 0;
			conn_trim_note(c->worker);
			tf_conn_set_state(c, TF_CONN_CONNECTING);
			tf_backend_connect(c);
			return;
		}
		err = SSL_get_error(c->ssl, r);
		if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
			break;
		/* Send the flight, then wait for the client's answer. */
		r = tf_relay_out_flush(c);
		if (r == -1)
			break;
		if (err == SSL_ERROR_WANT_WRITE && r == 1)
			continue;
		c->ssl_read_block = err == SSL_ERROR_WANT_READ ? EV_READ : 0;
		return;
	}
	c->ssl_failed = true;
	c->detail = conn_ssl_reason();
	tf_conn_close(c, TF_END_HANDSHAKE_ERROR);
}

static void
conn_client_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tf_conn	*c = arg;

	(void)fd;
	/* Whatever the state, a new edge means the socket has news. */
	if (what & EV_CLOSED) {
		c->client_fin = true;
		what |= EV_READ;
	}
	if (what & EV_READ)
		c->in_drained = false;
	switch (c->state) {
	case TF_CONN_HANDSHAKE:
		/* Only what the handshake waits for (edge-triggered). */
		if ((what & EV_WRITE) && c->out_block)
			c->out_block = false;
		else if ((what & c->ssl_read_block) == 0)
			break;
		conn_handshake(c);
		break;
	case TF_CONN_RELAYING:
		tf_relay_client_event(c, what);
		break;
	default:
		break;
	}
}

static void
conn_backend_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tf_conn	*c = arg;

	(void)fd;
	if (what & EV_CLOSED) {
		c->backend_fin = true;
		what |= EV_READ;
	}
	switch (c->state) {
	case TF_CONN_CONNECTING:
		tf_backend_connect_event(c, what);
		break;
	case TF_CONN_RELAYING:
		tf_relay_backend_event(c, what);
		break;
	default:
		break;
	}
}

void
tf_conn_backend_attach(struct tf_conn *c, int fd)
{
	c->bfd = fd;
	c->backend_fin = false;
	event_assign(&c->bev, c->worker->base, fd,
	    EV_READ | EV_WRITE | EV_CLOSED | EV_ET | EV_PERSIST,
	    conn_backend_cb, c);
	event_add(&c->bev, NULL);
}

void
tf_conn_backend_detach(struct tf_conn *c)
{
	if (c->bfd == -1)
		return;
	event_del(&c->bev);
	close(c->bfd);
	c->bfd = -1;
}

int
tf_conn_backend_ready(struct tf_conn *c)
{
	tf_conn_set_state(c, TF_CONN_RELAYING);
	evtimer_del(&c->timer);
	tf_conn_arm_timer(c);
	return tf_relay_start(c);
}

static void
conn_new_failed(const struct tf_listener *l, struct tf_conn *c, int fd)
{
	tf_log_warnx("listener %s: out of memory for a new connection",
	    l->name);
	if (c != NULL) {
		SSL_free(c->ssl);
		free(c);
	}
	ERR_clear_error();
	close(fd);
}

void
tf_conn_new(struct tf_worker *w, struct tf_listener *l, int fd,
    const struct sockaddr *sa, socklen_t salen)
{
	struct tf_conn	*c;
	int		 on = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		conn_new_failed(l, NULL, fd);
		return;
	}
	c->cfd = fd;
	if ((c->ssl = SSL_new(l->ctx)) == NULL ||
	    tf_relay_attach_bio(c) == -1) {
		conn_new_failed(l, c, fd);
		return;
	}
	c->id = ((uint64_t)w->index << 48) | ++w->next_conn_id;
	c->worker = w;
	c->listener = l;
	c->bfd = -1;
	/* A unix peer path too long for c->peer shows as "unix:", never cut. */
	if (salen > sizeof(c->peer))
		salen = sizeof(sa->sa_family);
	memcpy(&c->peer, sa, salen);
	c->peer_len = salen;
	event_base_gettimeofday_cached(w->base, &c->accepted);
	if (sa->sa_family != AF_UNIX && !l->nodelay_inherited)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	SSL_set_accept_state(c->ssl);
	/* One read() per flight or burst, not a header and a body each. */
	SSL_set_read_ahead(c->ssl, 1);
	event_assign(&c->cev, w->base, fd,
	    EV_READ | EV_WRITE | EV_CLOSED | EV_ET | EV_PERSIST,
	    conn_client_cb, c);
	event_add(&c->cev, NULL);
	evtimer_assign(&c->timer, w->base, conn_timer_cb, c);
	tf_worker_conn_opened(w, c);
	tf_conn_arm_timer(c);
	/* The ClientHello is usually there already: try at once. */
	conn_handshake(c);
}

/* One close_notify, not waiting for the peer's, where TLS still works. */
static void
conn_send_close_notify(struct tf_conn *c)
{
	if (c->ssl_failed || c->client_shut_sent || !SSL_is_init_finished(c->ssl))
		return;
	ERR_clear_error();
	if (SSL_shutdown(c->ssl) >= 0)
		c->client_shut_sent = true;
	ERR_clear_error();
}

void
tf_conn_close(struct tf_conn *c, enum tf_conn_end end)
{
	tf_conn_set_state(c, TF_CONN_CLOSED);
	c->end = end;
	evtimer_del(&c->timer);
	event_del(&c->cev);
	tf_conn_backend_detach(c);
	conn_send_close_notify(c);
	(void)tf_relay_out_flush(c);	/* what is still there: alert, tickets */
	close(c->cfd);
	tf_access_log(c, c->worker->gen->config->log_access);
	tf_worker_conn_closed(c->worker, c);
	tf_relay_release(c);
	SSL_free(c->ssl);
	conn_trim_note(c->worker);
	free(c);
}
