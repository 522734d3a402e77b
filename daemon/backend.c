/*
 * Copyright (c) 2026 The tlsfront authors. ISC license, see LICENSE.
 *
 * tlsfront: connecting to a backend. Servers are tried round-robin from a
 * per-worker starting point; a refused, failed or timed-out connect moves
 * on to the next server until each has been tried once.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "backend.h"
#include "config.h"
#include "conn.h"
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
 * pending, -1 failed (errno set). */
static int
backend_start(struct tf_conn *c, struct tf_connect *cn)
{
	const struct tf_addr	*addr = &cn->backend->servers[cn->server];
	int			 fd, on = 1, saved_errno;

	fd = socket(addr->ss.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
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

/* Try the servers not tried yet. Returns -1 if c was closed. */
static int
backend_try_next(struct tf_conn *c, struct tf_connect *cn)
{
	const struct tf_backend_conf	*b = cn->backend;
	int				 r;

	while (cn->attempts < b->nservers) {
		/* cn->server is the one tried last, or the first to try. */
		if (cn->attempts > 0)
			cn->server = (cn->server + 1) % b->nservers;
		cn->attempts++;
		r = backend_start(c, cn);
		if (r == 1)
			return tf_conn_backend_ready(c);
		if (r == 0) {
			tf_conn_connect_pending(c);
			return 0;
		}
		backend_log_failure(c, cn, strerror(errno));
	}
	tf_conn_close(c, TF_END_CONNECT_FAILED, "no backend server reachable");
	return -1;
}

int
tf_backend_connect(struct tf_conn *c, struct tf_connect *cn)
{
	cn->attempts = 0;
	cn->server = tf_conn_worker(c)->backend_next[cn->index]++ %
	    cn->backend->nservers;
	return backend_try_next(c, cn);
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
		return tf_conn_backend_ready(c);
	backend_log_failure(c, cn, strerror(err));
	tf_conn_backend_detach(c);
	return backend_try_next(c, cn);
}

int
tf_backend_connect_timeout(struct tf_conn *c, struct tf_connect *cn)
{
	backend_log_failure(c, cn, "connect timed out");
	tf_conn_backend_detach(c);
	return backend_try_next(c, cn);
}
