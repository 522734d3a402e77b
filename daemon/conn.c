/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: a connection's life: accept, TLS handshake, backend connect,
 * relaying, and the single close path. The sockets' I/O is lib/side.c's,
 * the moving of bytes lib/relay.c's; this file turns events into calls to
 * them and their results into states, timers and the end of c.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <assert.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/event_struct.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "access.h"
#include "backend.h"
#include "backend_tls.h"
#include "clock.h"
#include "conn.h"
#include "count.h"
#include "generation.h"
#include "listener.h"
#include "log.h"
#include "proxy_header.h"
#include "relay.h"
#include "routes.h"
#include "side.h"
#include "worker.h"

#define CONN_MAGIC	0x74666331U	/* "tfc1": a live connection */
#define CONN_FREED	0x64656164U	/* "dead": freed (debug builds) */

struct tf_conn {
#ifdef TF_DEBUG
	uint32_t		 magic;
#endif
	uint64_t		 id;
	enum tf_conn_state	 state;
	struct tf_worker	*worker;
	struct tf_listener	*listener;
	/* The contexts and routes it was accepted under (held to the end:
	 * its SSL points into them). */
	struct tf_ctxset	*set;
	TAILQ_ENTRY(tf_conn)	 entry;		/* worker's list, then dead */

	struct tf_relay		 relay;		/* both sides and their bytes */
	struct event		 cev;		/* client: edge-triggered, */
	struct event		 bev;		/* backend: read+write+closed */
	struct tf_connect	 connect;

	struct event		 timer;
	struct timeval		 accepted;
	struct timeval		 handshaken;
	struct timeval		 last_activity;
	/* The peer's address, compactly (the union a PROXY header's
	 * addresses come in): a unix peer's path is kept only if it fits
	 * (26 bytes); longer ones are logged as "unix:". */
	union tf_proxy_addr	 peer;
	socklen_t		 peer_len;
	enum tf_conn_end	 end;
	const char		*detail;	/* static string: why it ended */
	bool			 admitted;	/* counted by address limits */
	struct tf_proxy_in	 proxy;		/* a load balancer's header */
	SSL			*passed;	/* passed through: its TLS ended */
	const char		*passed_sni;	/* its SNI (in passed) or NULL */
	char			*detail_owned;	/* if not static */
};

/*
 * Every callback first checks that c is a live connection: in a debug
 * build (--enable-debug) a freed or foreign pointer stops the process at
 * once instead of corrupting another connection.
 */
#ifdef TF_DEBUG
#define CONN_CHECK(c)	assert((c)->magic == CONN_MAGIC)
#else
#define CONN_CHECK(c)	((void)(c))
#endif

static const char *const state_names[] = {
	[TF_CONN_HANDSHAKE] = "handshake",
	[TF_CONN_CONNECTING] = "connecting",
	[TF_CONN_RELAYING] = "relaying",
	[TF_CONN_CLIENT_DONE] = "client_done",
	[TF_CONN_BACKEND_DONE] = "backend_done",
	[TF_CONN_DRAINING] = "draining",
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

/* Connections closed in this loop pass, freed at its end. */
static struct tf_conn_list	 conn_dead = TAILQ_HEAD_INITIALIZER(conn_dead);
static struct event		 conn_reaper;
static struct event_base	*conn_reaper_base;

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

uint64_t
tf_conn_id(const struct tf_conn *c)
{
	return c->id;
}

struct tf_worker *
tf_conn_worker(const struct tf_conn *c)
{
	return c->worker;
}

struct tf_listener *
tf_conn_listener(const struct tf_conn *c)
{
	return c->listener;
}

static struct tf_side *
conn_client(struct tf_conn *c)
{
	return &c->relay.side[TF_SIDE_CLIENT];
}

static struct tf_side *
conn_backend(struct tf_conn *c)
{
	return &c->relay.side[TF_SIDE_BACKEND];
}

static bool
conn_is_relaying(enum tf_conn_state state)
{
	return state >= TF_CONN_RELAYING && state <= TF_CONN_DRAINING;
}

/* The forward-only life drawn in conn.h; closing is allowed from any. */
static bool
conn_transition_ok(enum tf_conn_state from, enum tf_conn_state to)
{
	switch (to) {
	case TF_CONN_CLOSED:
		return from != TF_CONN_CLOSED;
	case TF_CONN_CONNECTING:
		return from == TF_CONN_HANDSHAKE;
	case TF_CONN_RELAYING:
		return from == TF_CONN_CONNECTING;
	case TF_CONN_CLIENT_DONE:
	case TF_CONN_BACKEND_DONE:
		return from == TF_CONN_RELAYING;
	case TF_CONN_DRAINING:
		return conn_is_relaying(from) && from != TF_CONN_DRAINING;
	default:
		return false;
	}
}

static void
conn_set_state(struct tf_conn *c, enum tf_conn_state state)
{
	assert(conn_transition_ok(c->state, state));
	tf_log_debug("conn %llu: %s -> %s", (unsigned long long)c->id,
	    state_names[c->state], state_names[state]);
	if (c->state == TF_CONN_HANDSHAKE)
		tf_worker_handshake_ended(c->worker);
	c->state = state;
}

/* (Re)arm c's timer for its state. */
static void
conn_arm_timer(struct tf_conn *c)
{
	const struct tf_config	*cf = c->worker->gen->config;
	struct timeval		 tv;

	if (c->state == TF_CONN_HANDSHAKE)
		tv = tf_timeval_of(cf->timeout_handshake);
	else if (c->state == TF_CONN_CONNECTING)
		tv = tf_timeval_of(cf->timeout_connect);
	else if (conn_is_relaying(c->state))
		tv = tf_timeval_of(cf->timeout_idle);
	else
		return;
	evtimer_add(&c->timer, &tv);	/* replaces a pending timeout */
}

void
tf_conn_connect_pending(struct tf_conn *c, double seconds)
{
	struct timeval	tv = tf_timeval_of(seconds);

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
	struct timeval	limit = tf_timeval_of(
	    c->worker->gen->config->timeout_idle);

	event_base_gettimeofday_cached(c->worker->base, &now);
	timersub(&now, &c->last_activity, &idle_for);
	if (timercmp(&idle_for, &limit, >=)) {
		tf_conn_close(c, TF_END_IDLE_TIMEOUT, NULL);
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
	CONN_CHECK(c);
	if (c->state == TF_CONN_HANDSHAKE)
		tf_conn_close(c, TF_END_HANDSHAKE_TIMEOUT, c->proxy.waiting ?
		    "no whole PROXY header in time" : NULL);
	else if (c->state == TF_CONN_CONNECTING)
		(void)tf_backend_connect_timeout(c, &c->connect);
	else if (conn_is_relaying(c->state))
		conn_idle_check(c);
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

/* The sides take libevent's readiness flags as they are (lib/side.h). */
_Static_assert(TF_IO_READ == EV_READ && TF_IO_WRITE == EV_WRITE &&
    TF_IO_FIN == EV_CLOSED, "TF_IO_* are libevent's EV_* flags");

static unsigned
conn_io(short what)
{
	return (unsigned)what & TF_IO_MASK;
}

static enum tf_conn_state
conn_state_of(enum tf_relay_phase phase)
{
	switch (phase) {
	case TF_RELAY_CLIENT_DONE:
		return TF_CONN_CLIENT_DONE;
	case TF_RELAY_BACKEND_DONE:
		return TF_CONN_BACKEND_DONE;
	case TF_RELAY_DRAINING:
		return TF_CONN_DRAINING;
	default:
		return TF_CONN_RELAYING;
	}
}

/* Act on what the relay says after it ran. Returns -1 if c closed. */
static int
conn_relayed(struct tf_conn *c, enum tf_relay_status status)
{
	struct tf_relay		*r = &c->relay;
	enum tf_conn_state	 state;
	enum tf_conn_end	 end;

	if (r->active) {
		event_base_gettimeofday_cached(c->worker->base,
		    &c->last_activity);
		r->active = false;
	}
	switch (status) {
	case TF_RELAY_WAITING:
		if ((state = conn_state_of(tf_relay_phase(r))) != c->state)
			conn_set_state(c, state);
		return 0;
	case TF_RELAY_FINISHED:
		tf_conn_close(c, TF_END_CLOSED, NULL);
		return -1;
	default:
		if (r->no_memory)
			end = TF_END_NO_MEMORY;
		else if (r->failed_side == TF_SIDE_CLIENT)
			end = TF_END_CLIENT_ERROR;
		else
			end = TF_END_BACKEND_ERROR;
		tf_conn_close(c, end, r->detail);
		return -1;
	}
}

/* The backend of the listener's route for the server name and ALPN. */
static void
conn_route(struct tf_conn *c)
{
	const struct tf_route_conf	*r;
	const unsigned char		*alpn = NULL;
	unsigned int			 alpnlen = 0;
	SSL				*ssl = conn_client(c)->ssl;
	const struct tf_routes		*routes;

	if ((routes = c->set->routes[c->listener->index]) == NULL)
		return;
	SSL_get0_alpn_selected(ssl, &alpn, &alpnlen);
	r = tf_routes_find(routes,
	    SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name), alpn,
	    alpnlen);
	if (r == NULL || !r->has_backend)
		return;
	c->connect.backend = &c->worker->gen->config->backends[r->backend];
	c->connect.index = r->backend;
}

/*
 * A passthrough route took c at its ClientHello: TLS ends here unseen by
 * the client, the bytes libssl read are the first the backend gets, and
 * the rest is relayed as it comes.
 */
static void
conn_passthrough(struct tf_conn *c)
{
	const struct tf_route_conf	*r;
	struct tf_buf			*first = &c->relay.buf[TF_SIDE_CLIENT];
	const char			*sni;

	r = tf_routes_passed(conn_client(c)->ssl, &sni);
	if (r == NULL || (c->passed = tf_side_end_tls(conn_client(c),
	    first)) == NULL) {
		tf_conn_close(c, TF_END_HANDSHAKE_ERROR, r == NULL ?
		    "paused by a ClientHello callback" : "ClientHello too "
		    "large to pass through");
		return;
	}
	c->passed_sni = sni;
	c->relay.received[TF_SIDE_CLIENT] = first->len;
	c->last_activity = c->accepted;
	conn_set_state(c, TF_CONN_CONNECTING);
	c->connect.backend = &c->worker->gen->config->backends[r->backend];
	c->connect.index = r->backend;
	(void)tf_backend_connect(c, &c->connect);
}

static int	conn_proxy_header(struct tf_conn *);

static void
conn_handshake(struct tf_conn *c)
{
	if (c->proxy.waiting && conn_proxy_header(c) != 1)
		return;
	switch (tf_side_handshake(conn_client(c))) {
	case 1:
		/* The tickets wait in the client's out buffer for the first
		 * response. */
		event_base_gettimeofday_cached(c->worker->base, &c->handshaken);
		c->last_activity = c->handshaken;
		tf_count_handshake(c->worker, c->listener, conn_client(c)->ssl,
		    &c->accepted, &c->handshaken);
		conn_trim_note(c->worker);
		conn_set_state(c, TF_CONN_CONNECTING);
		conn_route(c);
		(void)tf_backend_connect(c, &c->connect);
		break;
	case 2:
		conn_passthrough(c);
		break;
	case 0:
		break;
	default:
		tf_conn_close(c, TF_END_HANDSHAKE_ERROR, conn_client(c)->error);
		break;
	}
}

static void
conn_client_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tf_conn	*c = arg;
	unsigned	 io = conn_io(what);

	(void)fd;
	CONN_CHECK(c);
	if (conn_is_relaying(c->state))
		(void)conn_relayed(c, tf_relay_event(&c->relay,
		    TF_SIDE_CLIENT, io));
	else if (tf_side_wake(conn_client(c), io) &&
	    c->state == TF_CONN_HANDSHAKE)
		conn_handshake(c);
}

/* The client context of c's backend, or NULL: it speaks plaintext. */
static SSL_CTX *
conn_backend_ctx(const struct tf_conn *c)
{
	const struct tf_backend_conf	*b = c->connect.backend;

	return b->has_tls ? c->set->contexts[b->tls] : NULL;
}

/*
 * The backend refused the handshake (its certificate, its name, an
 * alert): the client is closed cleanly, the access line and the log
 * (rate-limited) say why. Returns -1 (c closed).
 */
static int
conn_backend_tls_failed(struct tf_conn *c)
{
	const struct tf_connect	*cn = &c->connect;
	const char		*name;

	name = cn->backend->tls_names != NULL ?
	    cn->backend->tls_names[cn->server] : NULL;
	c->detail_owned = tf_backend_tls_failure(conn_backend(c), name);
	tf_backend_tls_log(c->worker->base, c->id, cn->backend, cn->server,
	    c->detail_owned != NULL ? c->detail_owned :
	    "backend TLS handshake failed");
	tf_conn_close(c, TF_END_CONNECT_FAILED, c->detail_owned != NULL ?
	    c->detail_owned : "backend TLS handshake failed");
	return -1;
}

/* Advance the backend's TLS handshake. Returns -1 if c closed. */
static int
conn_backend_handshake(struct tf_conn *c)
{
	switch (tf_side_handshake(conn_backend(c))) {
	case 1:
		return tf_conn_backend_ready(c);
	case 0:
		return 0;
	default:
		return conn_backend_tls_failed(c);
	}
}

static int	conn_proxy_send(struct tf_conn *, struct tf_buf *);

/*
 * The TCP connect to a TLS backend succeeded: its PROXY header (if any)
 * goes on the socket first, then the ClientHello. The handshake has
 * what is left of the attempt's share of timeouts.connect; when that
 * expires, the next server is tried as after a connect timeout. Returns
 * -1 if c closed.
 */
static int
conn_backend_tls_begin(struct tf_conn *c, SSL_CTX *ctx)
{
	const struct tf_backend_conf	*b = c->connect.backend;

	if (tf_backend_tls_begin(conn_backend(c), ctx,
	    &c->worker->gen->config->contexts[b->tls], b,
	    c->connect.server) == -1) {
		tf_conn_close(c, TF_END_NO_MEMORY, "out of memory");
		return -1;
	}
	if (b->proxy_protocol != TF_PROXY_NONE &&
	    conn_proxy_send(c, &conn_backend(c)->out) == -1)
		return -1;
	tf_conn_connect_pending(c, tf_backend_attempt_left(&c->connect));
	return conn_backend_handshake(c);
}

static void
conn_backend_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tf_conn	*c = arg;
	unsigned	 io = conn_io(what);

	(void)fd;
	CONN_CHECK(c);
	if (conn_is_relaying(c->state)) {
		(void)conn_relayed(c, tf_relay_event(&c->relay,
		    TF_SIDE_BACKEND, io));
	} else if (c->state == TF_CONN_CONNECTING &&
	    conn_backend(c)->ssl != NULL) {
		if (tf_side_wake(conn_backend(c), io))
			(void)conn_backend_handshake(c);
	} else if (c->state == TF_CONN_CONNECTING) {
		/* A FIN may come with the connect: the relay must know. */
		(void)tf_side_wake(conn_backend(c), io);
		(void)tf_backend_connect_event(c, &c->connect, io);
	}
}

void
tf_conn_backend_attach(struct tf_conn *c, int fd)
{
	tf_side_init(conn_backend(c), TF_SIDE_BACKEND, fd);
	event_assign(&c->bev, c->worker->base, fd,
	    EV_READ | EV_WRITE | EV_CLOSED | EV_ET | EV_PERSIST,
	    conn_backend_cb, c);
	event_add(&c->bev, NULL);
}

void
tf_conn_backend_detach(struct tf_conn *c)
{
	if (conn_backend(c)->fd == -1)
		return;
	event_del(&c->bev);
	tf_side_close(conn_backend(c), false);
	/* Its TLS object (a TLS backend) goes with the socket. */
	tf_side_free(conn_backend(c));
}

int
tf_conn_backend_ready(struct tf_conn *c)
{
	SSL_CTX	*ctx = conn_backend_ctx(c);

	if (ctx != NULL && conn_backend(c)->ssl == NULL)
		return conn_backend_tls_begin(c, ctx);
	conn_set_state(c, TF_CONN_RELAYING);
	conn_arm_timer(c);
	/* A TLS backend's header went out before its handshake. */
	if (c->connect.backend->proxy_protocol != TF_PROXY_NONE &&
	    ctx == NULL &&
	    conn_proxy_send(c, &c->relay.buf[TF_SIDE_CLIENT]) == -1)
		return -1;
	return conn_relayed(c, tf_relay_start(&c->relay));
}

static void
conn_new_failed(const struct tf_listener *l, struct tf_conn *c, SSL *ssl,
    int fd)
{
	/* Memory short for one connection is short for the next ones. */
	if (tf_access_may_log(l->worker->base, TF_ACCESS_KIND_LISTENER))
		tf_log_warnx("listener %s: out of memory for a new "
		    "connection", l->name);
	SSL_free(ssl);
	free(c);
	ERR_clear_error();
	close(fd);
}

void
tf_conn_new(struct tf_worker *w, struct tf_listener *l, int fd,
    const struct sockaddr *sa, socklen_t salen)
{
	struct tf_conn		*c;
	SSL			*ssl = NULL;
	struct tf_ctxset	*set = w->gen->set;
	const struct tf_routes	*routes = set->routes[l->index];
	int			 on = 1;
	bool			 proxied = l->conf->accept_proxy;

	/* Refused before anything is allocated for it. Behind a load
	 * balancer, the limits apply to the client its header names. */
	if (proxied ? !tf_proxy_in_allowed(w->base, l->name, l->conf, sa,
	    salen) : !tf_worker_address_admit(w, sa, salen)) {
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (ssl = SSL_new(set->contexts[l->conf->context])) == NULL ||
	    (tf_routes_at_hello(routes) &&
	    tf_routes_attach(ssl, routes) == -1) ||
	    tf_side_init_tls(conn_client(c), TF_SIDE_CLIENT, fd, ssl) == -1) {
		if (!proxied)
			tf_worker_address_release(w, sa);
		conn_new_failed(l, c, ssl, fd);
		return;
	}
#ifdef TF_DEBUG
	c->magic = CONN_MAGIC;
#endif
	tf_side_limit_hello(conn_client(c),
	    (uint32_t)w->gen->config->limit_client_hello);
	if (tf_routes_passthrough(routes))
		tf_side_keep_hello(conn_client(c));
	tf_side_init(conn_backend(c), TF_SIDE_BACKEND, -1);
	c->id = ((uint64_t)w->index << 48) | ++w->next_conn_id;
	c->worker = w;
	c->listener = l;
	c->set = tf_ctxset_ref(set);
	c->connect.fd = -1;
	c->connect.backend = l->backend;
	c->connect.index = l->conf->backend;
	c->admitted = !proxied;
	c->proxy.waiting = proxied;
	/* A unix peer path too long for c->peer shows as "unix:", never cut. */
	if (salen > sizeof(c->peer))
		salen = sizeof(sa->sa_family);
	memcpy(&c->peer, sa, salen);
	c->peer_len = salen;
	event_base_gettimeofday_cached(w->base, &c->accepted);
	if (sa->sa_family != AF_UNIX && !l->nodelay_inherited)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	SSL_set_accept_state(ssl);
	event_assign(&c->cev, w->base, fd,
	    EV_READ | EV_WRITE | EV_CLOSED | EV_ET | EV_PERSIST,
	    conn_client_cb, c);
	event_add(&c->cev, NULL);
	evtimer_assign(&c->timer, w->base, conn_timer_cb, c);
	TAILQ_INSERT_TAIL(&w->conns, c, entry);
	tf_worker_conn_opened(w);
	tf_count_accepted(w, l);
	conn_arm_timer(c);
	/* The ClientHello is usually there already: try at once. */
	conn_handshake(c);
}

static long long
conn_ms(const struct timeval *from, const struct timeval *to)
{
	struct timeval	d;

	timersub(to, from, &d);
	return (long long)d.tv_sec * 1000 + d.tv_usec / 1000;
}

static void
conn_log_access(struct tf_conn *c)
{
	enum tf_access_format	 format = c->worker->gen->config->log_access;
	struct tf_access_record	 rec;
	struct timeval		 now;
	bool			 handshaken = timerisset(&c->handshaken);

	if (!tf_access_wanted(c->worker->base, c->end, format))
		return;
	memset(&rec, 0, sizeof(rec));
	rec.conn = c->id;
	tf_addr_format_sa(&c->peer.sa, c->peer_len, rec.client,
	    sizeof(rec.client));
	if (c->proxy.replaced)
		tf_addr_format_sa(&c->proxy.peer.sa, c->proxy.peer_len,
		    rec.peer, sizeof(rec.peer));
	rec.listen = tf_access_str(c->listener->name);
	rec.backend = tf_access_str(c->connect.backend->name);
	rec.server = tf_access_str(tf_backend_server_name(&c->connect));
	tf_access_record_tls(&rec, conn_client(c)->ssl, handshaken);
	if (c->passed != NULL)
		rec.sni = tf_access_str(c->passed_sni);
	event_base_gettimeofday_cached(c->worker->base, &now);
	rec.hs_ms = handshaken ? conn_ms(&c->accepted, &c->handshaken) : -1;
	rec.duration_ms = conn_ms(&c->accepted, &now);
	rec.bytes_in = c->relay.received[TF_SIDE_CLIENT];
	rec.bytes_out = c->relay.sent[TF_SIDE_CLIENT];
	rec.end = end_names[c->end];
	rec.detail = c->detail;
	rec.alert_sent = conn_client(c)->alert_sent;
	rec.alert_received = conn_client(c)->alert_received;
	tf_access_log(&rec, format);
}

static void
conn_free(struct tf_conn *c)
{
	tf_relay_release(&c->relay);
	tf_side_free(conn_client(c));
	tf_side_free(conn_backend(c));
	SSL_free(c->passed);
	tf_ctxset_unref(c->set);
	free(c->detail_owned);
#ifdef TF_DEBUG
	c->magic = CONN_FREED;
#endif
	free(c);
}

static void
conn_reap_dead(void)
{
	struct tf_conn	*c;

	while ((c = TAILQ_FIRST(&conn_dead)) != NULL) {
		TAILQ_REMOVE(&conn_dead, c, entry);
		conn_free(c);
	}
}

static void
conn_reaper_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	conn_reap_dead();
}

void
tf_conn_reap(void)
{
	conn_reap_dead();
	/* The loop is over: the reaper belongs to no base any more. */
	if (conn_reaper_base != NULL) {
		event_del(&conn_reaper);
		conn_reaper_base = NULL;
	}
}

/* Free c once the callbacks of this loop pass are done with it. */
static void
conn_free_later(struct tf_conn *c)
{
	struct event_base	*base = c->worker->base;

	if (conn_reaper_base != base) {
		event_assign(&conn_reaper, base, -1, 0, conn_reaper_cb, NULL);
		conn_reaper_base = base;
	}
	TAILQ_INSERT_TAIL(&conn_dead, c, entry);
	if (!event_pending(&conn_reaper, EV_TIMEOUT, NULL))
		event_active(&conn_reaper, EV_TIMEOUT, 1);
}

/*
 * Whether the client may hear close_notify, "everything was sent": after
 * the backend's stream ended cleanly (the relay sent it already then), or
 * when no backend ever sent a byte. A reset, an idle timeout or a drain
 * that expired cut the stream: the client must be able to tell.
 */
static bool
conn_end_is_clean(enum tf_conn_end end)
{
	return end == TF_END_CLOSED || end == TF_END_CONNECT_FAILED;
}

void
tf_conn_close(struct tf_conn *c, enum tf_conn_end end, const char *detail)
{
	CONN_CHECK(c);
	if (c->state == TF_CONN_CLOSED)
		return;
	conn_set_state(c, TF_CONN_CLOSED);
	c->end = end;
	c->detail = detail;
	evtimer_del(&c->timer);
	event_del(&c->cev);
	tf_conn_backend_detach(c);
	tf_backend_release(c, &c->connect);
	tf_side_close(conn_client(c), conn_end_is_clean(end));
	conn_log_access(c);
	tf_count_closed(c->worker, c->listener, end, timerisset(&c->handshaken),
	    conn_client(c), c->relay.received[TF_SIDE_CLIENT],
	    c->relay.sent[TF_SIDE_CLIENT]);
	TAILQ_REMOVE(&c->worker->conns, c, entry);
	conn_trim_note(c->worker);
	conn_free_later(c);
	if (c->admitted)
		tf_worker_address_release(c->worker, &c->peer.sa);
	tf_worker_conn_closed(c->worker);
}

void
tf_conn_close_all(struct tf_worker *w, enum tf_conn_end end)
{
	struct tf_conn	*c;

	while ((c = TAILQ_FIRST(&w->conns)) != NULL)
		tf_conn_close(c, end, NULL);
}

/* The PROXY protocol (daemon/proxy_header.c does the socket work). */

static socklen_t
conn_addr_len(const union tf_proxy_addr *a)
{
	return a->sa.sa_family == AF_INET ? sizeof(a->sin) : sizeof(a->sin6);
}

/* The header names the client: it is c's peer from now on (the access
 * line's client, the address limits, the backend's header). */
static void
conn_proxy_replace(struct tf_conn *c, const struct tf_proxy_header *h)
{
	c->proxy.replaced = true;
	memcpy(&c->proxy.peer, &c->peer, sizeof(c->proxy.peer));
	c->proxy.peer_len = c->peer_len;
	c->proxy.dst = h->dst;
	memcpy(&c->peer, &h->src, sizeof(h->src));
	c->peer_len = conn_addr_len(&h->src);
}

/*
 * Read a load balancer's header, then admit the client it names (or, for
 * LOCAL and UNKNOWN, the balancer itself) under the per-address limits.
 * Returns 1 to go on with the handshake, 0 waiting, -1 if c closed.
 */
static int
conn_proxy_header(struct tf_conn *c)
{
	struct tf_proxy_header	 h;
	const char		*why;

	switch (tf_proxy_in_read(conn_client(c), &h, &why)) {
	case 0:
		return 0;
	case -1:
		tf_proxy_in_log(c->worker->base, c->id, &c->peer.sa,
		    c->peer_len, why);
		tf_conn_close(c, TF_END_HANDSHAKE_ERROR, why);
		return -1;
	}
	c->proxy.waiting = false;
	if (h.family != AF_UNSPEC)
		conn_proxy_replace(c, &h);
	if (!tf_worker_address_admit(c->worker, &c->peer.sa, c->peer_len)) {
		tf_conn_close(c, TF_END_HANDSHAKE_ERROR,
		    "refused by the per-address limits");
		return -1;
	}
	c->admitted = true;
	return 1;
}

/*
 * Queue the backend's PROXY header in out (the relay's buffer, or a TLS
 * backend's records) before any other byte. -1: c closed.
 */
static int
conn_proxy_send(struct tf_conn *c, struct tf_buf *out)
{
	struct tf_proxy_out_conn	 oc;
	const char			*why;

	oc.id = c->id;
	oc.ssl = conn_client(c)->ssl;
	oc.src = &c->peer.sa;
	oc.dst = c->proxy.replaced ? &c->proxy.dst.sa : NULL;
	oc.fd = conn_client(c)->fd;
	if (tf_proxy_out_queue(c->connect.backend, &oc, out, &why) == -1) {
		tf_conn_close(c, TF_END_NO_MEMORY, why);
		return -1;
	}
	return 0;
}
