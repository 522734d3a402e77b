/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: connecting to a backend. The backend's balance mode picks a
 * server among those up (health.c holds what is known of each); a
 * refused, failed or timed-out connect marks that server down for a
 * while and moves on to the next, all within timeouts.connect.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "backend.h"
#include "clock.h"
#include "config.h"
#include "conn.h"
#include "generation.h"
#include "health.h"
#include "listener.h"
#include "log.h"
#include "side.h"
#include "worker.h"

static void
backend_log_failure(const struct tf_conn *c, const struct tf_connect *cn,
    const char *why)
{
	const struct tf_backend_conf	*b = cn->backend;

	/* A client flood against a dead backend must not flood the log. */
	if (!tf_access_may_log(tf_conn_worker(c)->base,
	    TF_ACCESS_KIND_BACKEND_WARNING))
		return;
	tf_log_warnx("conn %llu: backend %s: server %s: %s",
	    (unsigned long long)tf_conn_id(c), b->name,
	    b->server_names[cn->server], why);
}

const char *
tf_backend_server_name(const struct tf_connect *cn)
{
	return cn->attempts > 0 ? cn->backend->server_names[cn->server] :
	    NULL;
}

/* Start a non-blocking connect to server cn->server: 1 connected, 0
 * pending, -1 refused or failed (errno set), -2 no socket (errno set:
 * not the server's fault). */
static int
backend_start(struct tf_conn *c, struct tf_connect *cn)
{
	const struct tf_addr	*addr = &cn->backend->servers[cn->server];
	int			 fd, on = 1, saved_errno;

	fd = socket(addr->ss.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -2;
	if (!tf_addr_is_unix(addr))
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	cn->fd = fd;
	if (connect(fd, (const struct sockaddr *)&addr->ss, addr->len) == 0) {
		tf_conn_backend_attach(c, fd);
		return 1;
	}
	if (errno == EINPROGRESS) {
		tf_conn_backend_attach(c, fd);
		return 0;
	}
	cn->fd = -1;
	saved_errno = errno;
	close(fd);
	errno = saved_errno;
	return -1;
}

static const struct tf_generation *
backend_gen(const struct tf_conn *c)
{
	return tf_conn_worker(c)->gen;
}

/* The server refused or timed out: log it, and mark it down for all. */
static void
backend_failed(struct tf_conn *c, struct tf_connect *cn, const char *why)
{
	backend_log_failure(c, cn, why);
	tf_health_failed(backend_gen(c)->health, backend_gen(c)->config,
	    cn->index, cn->server, why);
}

static int
backend_connected(struct tf_conn *c, struct tf_connect *cn)
{
	tf_health_connected(backend_gen(c)->health, backend_gen(c)->config,
	    cn->index, cn->server);
	cn->counted = true;
	return tf_conn_backend_ready(c);
}

/* None left to try: the client gets close_notify (connect_failed is a
 * clean end) and the access line says why. */
static int
backend_none(struct tf_conn *c, struct tf_connect *cn, bool out_of_time)
{
	const char	*why;

	if (out_of_time)
		why = "no backend: timeouts.connect reached";
	else if (cn->attempts == 0)
		why = "no backend: no server up";
	else
		why = "no backend: no server answered";
	tf_conn_close(c, TF_END_CONNECT_FAILED, why);
	return -1;
}

/*
 * Try the next server the balance mode picks, until one connects or none
 * is left. Every attempt gets an equal share of what is left of the
 * connect timeout (one that does not answer must leave time for the
 * others). Returns -1 if c was closed.
 */
static int
backend_try_next(struct tf_conn *c, struct tf_connect *cn)
{
	const struct tf_generation	*gen = backend_gen(c);
	double				 left_s, share_s;
	size_t				 left, tries_left;
	int				 r;

	for (;;) {
		left_s = cn->deadline - tf_monotonic();
		if (cn->attempts > 0 && left_s < 0.001)
			return backend_none(c, cn, true);
		if (cn->attempts == TF_BALANCE_MAX_TRIES ||
		    !tf_health_pick(gen->health, gen->config, cn->index,
		    cn->start, cn->tried, cn->attempts, &cn->server, &left))
			return backend_none(c, cn, false);
		tries_left = TF_BALANCE_MAX_TRIES - cn->attempts;
		share_s = left_s / (double)(left < tries_left ? left :
		    tries_left);
		cn->attempt_deadline = tf_monotonic() + share_s;
		cn->tried[cn->attempts++] = cn->server;
		r = backend_start(c, cn);
		if (r == 1)
			return backend_connected(c, cn);
		if (r == 0) {
			tf_conn_connect_pending(c, share_s);
			return 0;
		}
		if (r == -2)
			backend_log_failure(c, cn, strerror(errno));
		else
			backend_failed(c, cn, strerror(errno));
	}
}

int
tf_backend_connect(struct tf_conn *c, struct tf_connect *cn)
{
	cn->attempts = 0;
	cn->counted = false;
	cn->start = tf_conn_worker(c)->backend_next[cn->index]++;
	cn->deadline = tf_monotonic() + backend_gen(c)->config->timeout_connect;
	return backend_try_next(c, cn);
}

void
tf_backend_release(struct tf_conn *c, struct tf_connect *cn)
{
	if (!cn->counted)
		return;
	cn->counted = false;
	tf_health_released(backend_gen(c)->health, cn->index, cn->server);
}

/*
 * The connect finished. Writable and nothing else means connected (epoll
 * adds EPOLLERR|EPOLLHUP, which libevent reports as EV_READ|EV_WRITE,
 * when it failed); only otherwise is SO_ERROR worth a system call.
 */
int
tf_backend_connect_event(struct tf_conn *c, struct tf_connect *cn,
    unsigned what)
{
	int		err = 0;
	socklen_t	len = sizeof(err);

	if ((what & (TF_IO_READ | TF_IO_WRITE | TF_IO_FIN)) != TF_IO_WRITE &&
	    getsockopt(cn->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err == 0)
		return backend_connected(c, cn);
	backend_failed(c, cn, strerror(err));
	tf_conn_backend_detach(c);
	return backend_try_next(c, cn);
}

double
tf_backend_attempt_left(const struct tf_connect *cn)
{
	double	left_s = cn->attempt_deadline - tf_monotonic();

	return left_s > 0.001 ? left_s : 0.001;
}

int
tf_backend_connect_timeout(struct tf_conn *c, struct tf_connect *cn)
{
	backend_failed(c, cn, "connect timed out");
	tf_conn_backend_detach(c);
	return backend_try_next(c, cn);
}
